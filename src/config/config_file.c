/*
 * config.ini as a file, and the sections other layers own: reading the file
 * (the one reader: size cap, regular file, whether others may read it), the
 * one rule for a base URL, the [cloud.NAME] groups and the [cursor] group.
 * src/config.c parses the budget, alerts and time sections of the same
 * text; src/cloud takes the parsed [cloud.NAME] and [cursor] structs and
 * adds what it knows about each provider.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

char *au_config_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/aiusage/config.ini", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.config/aiusage/config.ini", home && *home ? home : g_get_home_dir());
}

void au_config_file_release(au_config_file *f)
{
	if (!f)
		return;
	free(f->path);
	if (f->text) {
		explicit_bzero(f->text, f->len); /* it may hold a literal key */
		free(f->text);
	}
	memset(f, 0, sizeof(*f));
}

int au_config_file_read(const char *path, bool must_exist, au_config_file *ret, au_err *err)
{
	memset(ret, 0, sizeof(*ret));
	char *p = path ? xstrdup(path) : au_config_default_path();
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	int r;
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && !must_exist) {
			ret->path = p;
			return 0;
		}
		r = au_fail(err, e, "cannot read %s: %s", p, strerror(e));
		free(p);
		return r;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		r = au_fail(err, EINVAL, "%s: not a regular file", p);
		free(p);
		return r;
	}
	if (st.st_size > AU_CONFIG_MAX_BYTES) {
		close(fd);
		r = au_fail(err, EFBIG, "%s: larger than %d KiB: not a config file", p, AU_CONFIG_MAX_BYTES / 1024);
		free(p);
		return r;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	ssize_t got = au_read_full(fd, text, (size_t)st.st_size);
	close(fd);
	if (got < 0) {
		explicit_bzero(text, (size_t)st.st_size);
		free(text);
		r = au_fail(err, (int)-got, "cannot read %s: %s", p, strerror((int)-got));
		free(p);
		return r;
	}
	text[got] = '\0';
	ret->path = p;
	ret->text = text;
	ret->len = (size_t)got;
	ret->exists = true;
	/* "refused unless mode 0600": no group or other permission at all */
	ret->private_file = (st.st_mode & 077) == 0;
	ret->others_can_read = (st.st_mode & 044) != 0;
	ret->mode = (unsigned)st.st_mode & 07777;
	return 0;
}

/* ---- base URLs ---- */

bool au_loopback_host(const char *host)
{
	if (!host || !*host)
		return false;
	if (g_ascii_strcasecmp(host, "localhost") == 0)
		return true;
	char buf[64];
	size_t n = strlen(host);
	/* an IPv6 literal may come with its URL brackets */
	if (host[0] == '[' && n > 2 && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	/* an address, not a name that merely starts with "127." */
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

bool au_base_url_ok(const char *url)
{
	gchar *scheme = NULL, *host = NULL, *query = NULL, *fragment = NULL, *userinfo = NULL;
	if (!url || !g_uri_split(url, G_URI_FLAGS_NONE, &scheme, &userinfo, &host, NULL, NULL, &query, &fragment, NULL))
		return false;
	bool ok = scheme && host && *host && !query && !fragment && !userinfo &&
		  (g_ascii_strcasecmp(scheme, "https") == 0 ||
		   (g_ascii_strcasecmp(scheme, "http") == 0 && au_loopback_host(host)));
	g_free(scheme);
	g_free(host);
	g_free(query);
	g_free(fragment);
	g_free(userinfo);
	return ok;
}

/* ---- [cloud.NAME] ---- */

/* The first line GKeyFile would refuse, so an error can name it without
 * quoting it (a broken line may well hold a key). 0 if none is found. */
static int first_bad_line(const char *text, size_t len)
{
	int line = 1;
	for (size_t i = 0; i < len; line++) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		size_t a = i, b = j;
		while (a < b && (text[a] == ' ' || text[a] == '\t'))
			a++;
		while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
			b--;
		bool ok = a == b || text[a] == '#' || (text[a] == '[' && text[b - 1] == ']');
		if (!ok) {
			const char *eq = memchr(text + a, '=', b - a);
			ok = eq && eq > text + a;
		}
		if (!ok)
			return line;
		i = j + 1;
	}
	return 0;
}

/* A setting name safe to repeat in a message. */
static const char *printable_name(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > 32 || strspn(k, "abcdefghijklmnopqrstuvwxyz_") != n)
		return "(a setting name that is not a word)";
	return k;
}

/* "900", "30s", "15m", "1h" -> seconds; -1 when not a duration. */
static int64_t parse_duration(const char *s)
{
	size_t n = strlen(s);
	int64_t mult = 1;
	if (n > 1 && (s[n - 1] == 's' || s[n - 1] == 'm' || s[n - 1] == 'h')) {
		mult = s[n - 1] == 'm' ? 60 : s[n - 1] == 'h' ? 3600 : 1;
		n--;
	}
	char buf[32];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	int64_t v;
	if (!au_parse_int64(buf, &v) || v < 0 || v > INT32_MAX / 3600)
		return -1;
	return v * mult;
}

static int int_setting(GKeyFile *kf, const char *name, const char *g, const char *k, int lo, int hi, bool dur,
		       int *ret, au_err *err)
{
	gchar *v = g_key_file_get_string(kf, g, k, NULL);
	if (!v)
		return 0;
	int64_t x;
	bool ok = dur ? (x = parse_duration(v)) >= 0 : au_parse_int64(v, &x);
	g_free(v);
	if (!ok || x < lo || x > hi)
		return au_fail(err, EINVAL, "%s: [%s]: %s must be %s from %d to %d", name, g, k,
			       dur ? "a duration (seconds, or with s, m or h)" : "a whole number", lo, hi);
	*ret = (int)x;
	return 0;
}

void au_cloud_section_free(au_cloud_section *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->base_url);
	free(c->key_env);
	free(c->key_command);
	if (c->key) {
		explicit_bzero(c->key, strlen(c->key));
		free(c->key);
	}
	free(c);
}

static int parse_cloud_group(GKeyFile *kf, const char *name, const char *g, bool private_file, au_cloud_section *c,
			     au_err *err)
{
	static const char *const known[] = {"base_url", "key_env", "key_command", "key",
					    "interval", "timeout",  "retries",     "days",
					    NULL};
	gchar **keys = g_key_file_get_keys(kf, g, NULL, NULL);
	int r = 0;
	for (gchar **k = keys; k && *k && r == 0; k++)
		if (!g_strv_contains(known, *k))
			r = au_fail(err, EINVAL,
				    "%s: [%s]: unknown setting %s (known: base_url, key_env, key_command, key, "
				    "interval, timeout, retries, days)",
				    name, g, printable_name(*k));
	g_strfreev(keys);
	if (r < 0)
		return r;
	c->interval_s = 900;
	c->timeout_s = 30;
	c->retries = 3;
	c->days = 30;
	gchar *v = g_key_file_get_string(kf, g, "base_url", NULL);
	if (v) {
		g_strstrip(v);
		size_t n = strlen(v);
		while (n > 0 && v[n - 1] == '/')
			v[--n] = '\0';
		if (!au_base_url_ok(v)) {
			g_free(v);
			return au_fail(err, EINVAL,
				       "%s: [%s]: base_url must be an https:// URL (plain http:// only to 127.0.0.1, "
				       "::1 or localhost), without a query",
				       name, g);
		}
		c->base_url = xstrdup(v);
		g_free(v);
	}
	v = g_key_file_get_string(kf, g, "key_env", NULL);
	if (v) {
		g_strstrip(v);
		size_t n = strlen(v);
		if (n == 0 || n > 128 ||
		    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n ||
		    g_ascii_isdigit(v[0])) {
			g_free(v);
			return au_fail(err, EINVAL, "%s: [%s]: key_env must name an environment variable", name, g);
		}
		c->key_env = xstrdup(v);
		g_free(v);
	}
	v = g_key_file_get_string(kf, g, "key_command", NULL);
	if (v) {
		g_strstrip(v);
		if (!*v) {
			g_free(v);
			return au_fail(err, EINVAL, "%s: [%s]: key_command is empty", name, g);
		}
		c->key_command = xstrdup(v);
		g_free(v);
	}
	v = g_key_file_get_string(kf, g, "key", NULL);
	if (v) {
		size_t n = strlen(v);
		if (!private_file) {
			explicit_bzero(v, n);
			g_free(v);
			return au_fail(err, EACCES,
				       "%s holds a literal key in [%s] but other users may read it: run 'chmod 600 %s', "
				       "or use key_env or key_command instead",
				       name, g, name);
		}
		g_strstrip(v);
		c->key = *v ? xstrdup(v) : NULL;
		explicit_bzero(v, n);
		g_free(v);
		if (!c->key)
			return au_fail(err, EINVAL, "%s: [%s]: key is empty", name, g);
	}
	if ((r = int_setting(kf, name, g, "interval", 60, 7 * 86400, true, &c->interval_s, err)) < 0 ||
	    (r = int_setting(kf, name, g, "timeout", 1, 600, true, &c->timeout_s, err)) < 0 ||
	    (r = int_setting(kf, name, g, "retries", 0, 10, false, &c->retries, err)) < 0 ||
	    (r = int_setting(kf, name, g, "days", 1, 366, false, &c->days, err)) < 0)
		return r;
	return 0;
}

/* GLib's syntax errors quote the bad line: say where it is instead (the
 * line may hold a key). */
static int load_keyfile(GKeyFile *kf, const char *text, size_t len, const char *name, au_err *err)
{
	GError *gerr = NULL;
	if (g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &gerr))
		return 0;
	int line = first_bad_line(text, len);
	g_error_free(gerr);
	if (line > 0)
		return au_fail(err, EINVAL,
			       "%s:%d: not an INI line (sections look like [cloud.openai], settings like "
			       "key_env = OPENAI_ADMIN_KEY)",
			       name, line);
	return au_fail(err, EINVAL, "%s: not a valid INI file (is it UTF-8?)", name);
}

int au_config_cloud_sections(const char *text, size_t len, const char *name, bool private_file,
			     const char *const *order, GPtrArray **ret, au_err *err)
{
	GKeyFile *kf = g_key_file_new();
	int r = load_keyfile(kf, text, len, name, err);
	if (r < 0) {
		g_key_file_free(kf);
		return r;
	}
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)au_cloud_section_free);
	/* the groups named in order first, in that order (so errors and
	 * output are stable whatever the file's order), then the others */
	for (const char *const *o = order; o && *o && r == 0; o++) {
		char *g = xasprintf("cloud.%s", *o);
		if (g_key_file_has_group(kf, g)) {
			au_cloud_section *c = xcalloc(1, sizeof(*c));
			c->name = xstrdup(*o);
			g_ptr_array_add(out, c);
			r = parse_cloud_group(kf, name, g, private_file, c, err);
		}
		free(g);
	}
	gchar **groups = g_key_file_get_groups(kf, NULL);
	for (gchar **g = groups; *g && r == 0; g++) {
		if (strcmp(*g, "cloud") == 0) {
			r = au_fail(err, EINVAL, "%s: [cloud] needs a provider name: [cloud.anthropic], [cloud.openai], ...",
				    name);
		} else if (g_str_has_prefix(*g, "cloud.") && !(order && g_strv_contains(order, *g + 6))) {
			gchar *known = order ? g_strjoinv(", ", (gchar **)order) : g_strdup("");
			r = au_fail(err, EINVAL, "%s: unknown provider [%s] (known: %s)", name, *g, known);
			g_free(known);
		}
	}
	g_strfreev(groups);
	g_key_file_free(kf);
	if (r < 0) {
		g_ptr_array_free(out, TRUE);
		return r;
	}
	*ret = out;
	return 0;
}

/* ---- [cursor] ---- */

void au_cursor_section_release(au_cursor_section *c)
{
	if (!c)
		return;
	free(c->base_url);
	c->base_url = NULL;
}

int au_config_cursor_section(const char *text, size_t len, const char *name, au_cursor_section *ret, au_err *err)
{
	*ret = (au_cursor_section){NULL, 30, 3, 30};
	GKeyFile *kf = g_key_file_new();
	GError *ge = NULL;
	int r = 0;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &ge)) {
		r = au_fail(err, EINVAL, "%s: %s", name, ge->message);
		g_error_free(ge);
	} else if (g_key_file_has_group(kf, "cursor")) {
		gchar **keys = g_key_file_get_keys(kf, "cursor", NULL, NULL);
		for (gchar **k = keys; k && *k && r == 0; k++) {
			gchar *v = g_key_file_get_string(kf, "cursor", *k, NULL);
			int64_t n = 0;
			bool num = v && au_parse_int64(g_strstrip(v), &n);
			if (strcmp(*k, "base_url") == 0) {
				free(ret->base_url);
				ret->base_url = xstrdup(v ? g_strstrip(v) : "");
			} else if (strcmp(*k, "timeout") == 0 && num && n >= 1 && n <= 600) {
				ret->timeout_s = (int)n;
			} else if (strcmp(*k, "retries") == 0 && num && n >= 0 && n <= 10) {
				ret->retries = (int)n;
			} else if (strcmp(*k, "days") == 0 && num && n >= 1 && n <= AU_CURSOR_MAX_DAYS) {
				ret->days = (int)n;
			} else if (strcmp(*k, "timeout") == 0 || strcmp(*k, "retries") == 0 || strcmp(*k, "days") == 0) {
				r = au_fail(err, EINVAL,
					    "%s: [cursor] %s must be a whole number (timeout 1-600 s, retries 0-10, "
					    "days 1-%d)",
					    name, *k, AU_CURSOR_MAX_DAYS);
			} else {
				r = au_fail(err, EINVAL,
					    "%s: unknown setting '%s' in [cursor] (known: base_url, timeout, retries, days)",
					    name, *k);
			}
			g_free(v);
		}
		g_strfreev(keys);
	}
	g_key_file_free(kf);
	if (r < 0)
		au_cursor_section_release(ret);
	return r;
}

int au_config_cursor_load(const char *path, const char *default_url, au_cursor_section *ret, au_err *err)
{
	au_config_file f;
	int r = au_config_file_read(path, false, &f, err);
	if (r < 0)
		return r;
	*ret = (au_cursor_section){NULL, 30, 3, 30};
	if (f.exists)
		r = au_config_cursor_section(f.text, f.len, f.path, ret, err);
	const char *env = getenv("AIUSAGE_CURSOR_BASE_URL");
	if (r == 0 && env && *env) {
		free(ret->base_url);
		ret->base_url = xstrdup(env);
	}
	if (r == 0 && !ret->base_url)
		ret->base_url = xstrdup(default_url);
	if (r == 0) {
		size_t n = strlen(ret->base_url);
		while (n > 0 && ret->base_url[n - 1] == '/')
			ret->base_url[--n] = '\0';
		if (!au_base_url_ok(ret->base_url))
			r = au_fail(err, EINVAL,
				    "base URL '%s' (from %s): it must be https://..., or http:// to this machine",
				    ret->base_url, env && *env ? "$AIUSAGE_CURSOR_BASE_URL" : f.path);
	}
	if (r < 0)
		au_cursor_section_release(ret);
	au_config_file_release(&f);
	return r;
}
