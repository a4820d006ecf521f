/*
 * [serve] of config.ini: the bearer token the dashboard server asks of
 * every client when it listens beyond this machine. The token is a secret
 * like a billing key: a literal one only in a file no one else can read,
 * and no message ever quotes it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

void au_serve_section_release(au_serve_section *s)
{
	if (s->token) {
		memset(s->token, 0, strlen(s->token));
		free(s->token);
	}
	s->token = NULL;
}

static int take_token(const char *name, const char *from, const char *v, au_serve_section *ret, au_err *err)
{
	if (!v || strlen(v) < AU_SERVE_TOKEN_MIN)
		return au_fail(err, EINVAL, "%s: [serve] %s gives a token shorter than %d characters", name, from,
			       AU_SERVE_TOKEN_MIN);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return au_fail(err, EINVAL, "%s: [serve] %s: the token must be printable ASCII without spaces",
				       name, from);
	au_serve_section_release(ret);
	ret->token = xstrdup(v);
	return 0;
}

static int parse(const au_config_file *cf, au_serve_section *ret, au_err *err)
{
	GKeyFile *kf = g_key_file_new();
	GError *ge = NULL;
	int r = 0;
	if (!g_key_file_load_from_data(kf, cf->text, cf->len, G_KEY_FILE_NONE, &ge)) {
		r = au_fail(err, EINVAL, "%s: %s", cf->path, ge->message);
		g_error_free(ge);
	} else if (g_key_file_has_group(kf, "serve")) {
		gchar **keys = g_key_file_get_keys(kf, "serve", NULL, NULL);
		for (gchar **k = keys; k && *k && r == 0; k++) {
			gchar *v = g_key_file_get_string(kf, "serve", *k, NULL);
			char *sv = v ? g_strstrip(v) : NULL;
			if (strcmp(*k, "token") == 0) {
				r = !cf->private_file
					    ? au_fail(err, EACCES,
						      "%s: [serve] token: a literal token needs a file only you can read "
						      "(chmod 600), or use token_env",
						      cf->path)
					    : take_token(cf->path, "token", sv, ret, err);
			} else if (strcmp(*k, "token_env") == 0) {
				const char *env = sv && *sv ? getenv(sv) : NULL;
				r = env ? take_token(cf->path, "token_env", env, ret, err)
					: au_fail(err, EINVAL, "%s: [serve] token_env: the variable '%s' is not set", cf->path,
						  sv ? sv : "");
			} else {
				r = au_fail(err, EINVAL, "%s: unknown setting '%s' in [serve] (known: token, token_env)",
					    cf->path, *k);
			}
			if (v)
				memset(v, 0, strlen(v));
			g_free(v);
		}
		g_strfreev(keys);
	}
	g_key_file_free(kf);
	return r;
}

int au_config_serve_load(const char *path, au_serve_section *ret, au_err *err)
{
	ret->token = NULL;
	au_config_file f;
	int r = au_config_file_read(path, false, &f, err);
	if (r < 0)
		return r;
	if (f.exists)
		r = parse(&f, ret, err);
	if (r < 0)
		au_serve_section_release(ret);
	au_config_file_release(&f);
	return r;
}
