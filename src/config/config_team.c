/*
 * The [team] group of config.ini: where usage is pushed (a PostgreSQL
 * server, src/team), under which user and machine name, and how project
 * names leave the machine. The password is never a setting here: libpq
 * reads it from ~/.pgpass, $PGPASSFILE or $PGPASSWORD, or key_command
 * prints it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

void au_team_section_release(au_team_section *c)
{
	if (!c)
		return;
	free(c->url);
	free(c->user);
	free(c->machine);
	free(c->key_command);
	*c = (au_team_section){0};
}

static void defaults(au_team_section *c)
{
	*c = (au_team_section){.projects = AU_TEAM_PROJECTS_PLAIN, .push_interval_s = 60};
}

int au_config_team_section(const char *text, size_t len, const char *name, au_team_section *ret, au_err *err)
{
	defaults(ret);
	GKeyFile *kf = g_key_file_new();
	GError *ge = NULL;
	int r = 0;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &ge)) {
		r = au_fail(err, EINVAL, "%s: %s", name, ge->message);
		g_error_free(ge);
	} else if (g_key_file_has_group(kf, "team")) {
		ret->configured = true;
		gchar **keys = g_key_file_get_keys(kf, "team", NULL, NULL);
		for (gchar **k = keys; k && *k && r == 0; k++) {
			gchar *raw = g_key_file_get_string(kf, "team", *k, NULL);
			char *v = raw ? g_strstrip(raw) : "";
			int64_t n = 0;
			if (strcmp(*k, "url") == 0 || strcmp(*k, "user") == 0 || strcmp(*k, "machine") == 0 ||
			    strcmp(*k, "key_command") == 0) {
				char **slot = strcmp(*k, "url") == 0	   ? &ret->url
					      : strcmp(*k, "user") == 0	   ? &ret->user
					      : strcmp(*k, "machine") == 0 ? &ret->machine
									   : &ret->key_command;
				if (!*v)
					r = au_fail(err, EINVAL, "%s: [team] %s is empty", name, *k);
				else if (strlen(v) > 1000)
					r = au_fail(err, EINVAL, "%s: [team] %s is longer than 1000 bytes", name, *k);
				free(*slot);
				*slot = xstrdup(v);
			} else if (strcmp(*k, "projects") == 0) {
				if (strcmp(v, "plain") == 0)
					ret->projects = AU_TEAM_PROJECTS_PLAIN;
				else if (strcmp(v, "hashed") == 0)
					ret->projects = AU_TEAM_PROJECTS_HASHED;
				else if (strcmp(v, "none") == 0)
					ret->projects = AU_TEAM_PROJECTS_NONE;
				else
					r = au_fail(err, EINVAL, "%s: [team] projects must be plain, hashed or none", name);
			} else if (strcmp(*k, "push_interval") == 0) {
				if (au_parse_int64(v, &n) && n >= 1 && n <= 86400)
					ret->push_interval_s = (int)n;
				else
					r = au_fail(err, EINVAL, "%s: [team] push_interval must be 1-86400 seconds", name);
			} else {
				r = au_fail(err, EINVAL,
					    "%s: unknown setting '%s' in [team] (known: url, user, machine, projects, "
					    "key_command, push_interval; the password goes in ~/.pgpass)",
					    name, *k);
			}
			g_free(raw);
		}
		g_strfreev(keys);
	}
	g_key_file_free(kf);
	if (r < 0)
		au_team_section_release(ret);
	return r;
}

int au_config_team_load(const char *path, au_team_section *ret, au_err *err)
{
	au_config_file f;
	int r = au_config_file_read(path, false, &f, err);
	if (r < 0)
		return r;
	defaults(ret);
	if (f.exists)
		r = au_config_team_section(f.text, f.len, f.path, ret, err);
	au_config_file_release(&f);
	if (r < 0)
		return r;
	const char *env = getenv("AIUSAGE_TEAM_URL");
	if (env && *env) {
		free(ret->url);
		ret->url = xstrdup(env);
		ret->configured = true;
	}
	if (ret->configured && !ret->url) {
		au_team_section_release(ret);
		return au_fail(err, EINVAL, "[team] has no url (url = postgresql://HOST/DB, or $AIUSAGE_TEAM_URL)");
	}
	if (!ret->user) {
		const char *u = g_get_user_name();
		ret->user = xstrdup(u && *u ? u : "unknown");
	}
	if (!ret->machine) {
		const char *h = g_get_host_name();
		ret->machine = xstrdup(h && *h ? h : "unknown");
	}
	return 0;
}
