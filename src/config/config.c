/*
 * config.ini: read with GLib's key-file parser, then every value checked
 * here so that an au_config is always usable. GKeyFile does not tell which
 * line a value came from, so errors about values find the line themselves
 * (find_line) to point the user at it. Checking goes on after an error, so
 * that one run names every problem; a section that appears twice (which
 * GKeyFile silently merges) is a warning.
 */
#include "config.h"
#include "dayarg.h"
#include "zone.h"
#include "pricing.h"
#include "tools.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The sources' names are filled in from the registry (watchers/tools.c). */
static const char example_fmt[] =
	"# aiusage configuration: $XDG_CONFIG_HOME/aiusage/config.ini\n"
	"# (default ~/.config/aiusage/config.ini). A missing file means no budgets.\n"
	"# Comments start with '#' on a line of their own. Amounts are US dollars.\n"
	"\n"
	"[alerts]\n"
	"# Notify when a budget reaches this percentage of its limit, and again\n"
	"# when the limit is reached (default 80).\n"
	"warn_percent = 80\n"
	"# No notifications between these local times: alerts are held and sent\n"
	"# when the quiet hours end (default: none; \"off\" also means none).\n"
	"quiet_hours = 22:00-08:00\n"
	"# At most one notification per budget within this time: seconds, or a\n"
	"# number with s, m or h (default 1h). A budget going over its limit after\n"
	"# a warning in the same period is not held back.\n"
	"cooldown = 1h\n"
	"\n"
	"[time]\n"
	"# Days, weeks and months are counted in this IANA zone (default: local).\n"
	"# timezone = Europe/Paris\n"
	"# The day weeks start on (default monday).\n"
	"week_start = monday\n"
	"\n"
	"# One section per budget, [budget NAME]: period (day, week or month) and\n"
	"# limit in dollars are required; source (one tool, see below) and project\n"
	"# (a repository name or a directory, as in 'aiusage daily --project')\n"
	"# narrow what is counted. The sources: %s (default all).\n"
	"# scope = team counts the spending of every machine that pushes to the\n"
	"# [team] server instead of this one's (default local).\n"
	"[budget daily]\n"
	"period = day\n"
	"limit = 10.00\n"
	"\n"
	"[budget weekly-claude]\n"
	"period = week\n"
	"limit = 50\n"
	"source = claude\n"
	"\n"
	"[budget monthly-myapp]\n"
	"period = month\n"
	"limit = 120\n"
	"project = myapp\n"
	"\n"
	"# Plan windows (5-hour, weekly, monthly quotas) from the tools' own\n"
	"# accounts, for 'aiusage limits': each is off unless turned on here; then\n"
	"# 'aiusage limits --refresh' and the watcher (every interval, default 15m)\n"
	"# fetch them. claude_oauth sends the login Claude Code keeps in\n"
	"# ~/.claude/.credentials.json to Claude's usage endpoint; copilot_quota\n"
	"# sends the GitHub login the Copilot editor plugins keep in\n"
	"# ~/.config/github-copilot/apps.json to GitHub's Copilot quota endpoint.\n"
	"# Those files are only read: never written, refreshed or copied.\n"
	"[limits]\n"
	"claude_oauth = false\n"
	"copilot_quota = false\n"
	"# interval = 15m\n";

/* The example with the names filled in and "# " lines wrapped near 76
 * columns; built once, thread-safely, and kept for the process. */
static gpointer build_example(gpointer unused)
{
	char *names = au_tool_names();
	char *text = g_strdup_printf(example_fmt, names);
	free(names);
	GString *out = g_string_new(NULL);
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		const char *p = *l;
		/* break a long comment at its last space before column 76 */
		while (strncmp(p, "# ", 2) == 0 && strlen(p) > 76) {
			const char *cut = p + 76;
			while (cut > p + 2 && *cut != ' ')
				cut--;
			if (cut == p + 2)
				break;
			g_string_append_len(out, p, cut - p);
			g_string_append(out, "\n# ");
			p = cut + 1;
		}
		g_string_append(out, p);
		if (l[1])
			g_string_append_c(out, '\n');
	}
	g_strfreev(lines);
	g_free(text);
	return g_string_free(out, FALSE);
}

const char *au_config_example(void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once(&once, build_example, NULL);
}

void au_config_rules(const au_config *c, au_budget_rules *ret)
{
	ret->tz = au_config_tz(c);
	ret->week_start = c->week_start;
	ret->warn_percent = c->warn_percent;
}

au_config *au_config_new(void)
{
	au_config *c = xcalloc(1, sizeof(*c));
	c->budgets = g_ptr_array_new();
	c->limits = g_ptr_array_new();
	c->warn_percent = 80;
	c->quiet_start_min = c->quiet_end_min = -1;
	c->cooldown_s = 3600;
	c->week_start = 1;
	c->fetch.interval_s = 900;
	c->fetch.timeout_s = 20;
	c->warnings = g_ptr_array_new_with_free_func(g_free);
	return c;
}

static void budget_free(au_budget *b)
{
	if (!b)
		return;
	free(b->name);
	free(b->project);
	free(b);
}

void au_config_free(au_config *c)
{
	if (!c)
		return;
	for (guint i = 0; i < c->budgets->len; i++)
		budget_free(c->budgets->pdata[i]);
	g_ptr_array_free(c->budgets, TRUE);
	for (guint i = 0; i < c->limits->len; i++) {
		au_limit_budget *l = c->limits->pdata[i];
		free(l->name);
		free(l);
	}
	g_ptr_array_free(c->limits, TRUE);
	if (c->warnings)
		g_ptr_array_free(c->warnings, TRUE);
	free(c->timezone);
	free(c->fetch.claude_base_url);
	free(c->fetch.copilot_base_url);
	free(c->path);
	free(c);
}

GTimeZone *au_config_tz(const au_config *c)
{
	GTimeZone *tz = NULL;
	au_err err;
	if (c->timezone && au_zone_parse(c->timezone, &tz, &err) == 0)
		return tz;
	char *warning; /* the command that loaded the config has said so */
	tz = au_zone_local(&warning);
	g_free(warning);
	return tz;
}

bool au_parse_usd(const char *s, int64_t *ret_pico)
{
	if (*s == '$')
		s++;
	int64_t whole = 0, frac = 0;
	int wdigits = 0, fdigits = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++wdigits > 7) /* a million dollars is plenty for a budget */
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (++fdigits > 12)
				return false;
			frac = frac * 10 + (*s - '0');
		}
	}
	if (*s || wdigits + fdigits == 0 || whole > 1000000)
		return false;
	for (int i = fdigits; i < 12; i++)
		frac *= 10;
	*ret_pico = whole * AU_PICO_PER_USD + frac;
	return whole < 1000000 || frac == 0;
}

/* Line (1-based) of `key` in `[group]`, or of the group header when key is
 * NULL; 0 when not found. */
static int find_line(const char *text, size_t len, const char *group, const char *key)
{
	bool in_group = false;
	int line = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p < e && *p == '[') {
			const char *close = memchr(p, ']', (size_t)(e - p));
			size_t n = close ? (size_t)(close - p - 1) : 0;
			in_group = close && n == strlen(group) && memcmp(p + 1, group, n) == 0;
			if (in_group && !key)
				return line;
		} else if (in_group && key) {
			size_t n = strlen(key);
			if ((size_t)(e - p) > n && memcmp(p, key, n) == 0) {
				const char *q = p + n;
				while (q < e && (*q == ' ' || *q == '\t'))
					q++;
				if (q < e && *q == '=')
					return line;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

typedef struct parse_ctx {
	const char *text;
	size_t len;
	const char *name;
	au_err *err;        /* the first error */
	GPtrArray *errors;  /* every error (char*), in the order found */
} parse_ctx;

static int bad(parse_ctx *pc, const char *group, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(parse_ctx *pc, const char *group, const char *key, const char *fmt, ...)
{
	char what[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	int line = find_line(pc->text, pc->len, group, key);
	if (!line && key)
		line = find_line(pc->text, pc->len, group, NULL);
	char *msg = line ? g_strdup_printf("%s:%d: %s", pc->name, line, what)
			 : g_strdup_printf("%s: [%s]: %s", pc->name, group, what);
	if (pc->errors->len == 0)
		au_fail(pc->err, EINVAL, "%s", msg);
	g_ptr_array_add(pc->errors, msg);
	return -EINVAL;
}

/* A value with surrounding blanks removed (GKeyFile keeps trailing ones);
 * malloc'd, or NULL when the key is absent. */
static char *get_value(GKeyFile *kf, const char *group, const char *key)
{
	gchar *v = g_key_file_get_value(kf, group, key, NULL);
	if (!v)
		return NULL;
	char *r = xstrdup(g_strstrip(v));
	g_free(v);
	return r;
}

static bool parse_hhmm(const char *s, const char **ret_end, int *ret_min)
{
	int h = 0, m = 0, n = 0;
	while (*s >= '0' && *s <= '9' && n < 2)
		h = h * 10 + (*s++ - '0'), n++;
	if (n == 0 || *s != ':')
		return false;
	s++;
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'))
		return false;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return false;
	*ret_end = s + 2;
	*ret_min = (h * 60 + m) % 1440;
	return true;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > AU_BUDGET_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/* Every key of a group must be one we know: a typo is an error, not a
 * silently ignored setting. */
static int check_keys(parse_ctx *pc, GKeyFile *kf, const char *group, const char *const *known)
{
	gchar **keys = g_key_file_get_keys(kf, group, NULL, NULL);
	int r = 0;
	for (gchar **k = keys; k && *k; k++) {
		bool ok = false;
		for (const char *const *q = known; *q; q++)
			ok = ok || strcmp(*k, *q) == 0;
		if (!ok)
			r = bad(pc, group, *k, "unknown setting '%s' in [%s]", *k, group);
	}
	g_strfreev(keys);
	return r;
}

static int parse_alerts(parse_ctx *pc, GKeyFile *kf, au_config *c)
{
	static const char *const known[] = {"warn_percent", "quiet_hours", "cooldown", NULL};
	const char *g = "alerts";
	int r = check_keys(pc, kf, g, known);
	char *v;
	int64_t n;
	if ((v = get_value(kf, g, "warn_percent"))) {
		if (!au_parse_int64(v, &n) || n < 1 || n > 100)
			r = bad(pc, g, "warn_percent", "warn_percent must be a whole number from 1 to 100, not '%s'", v);
		else
			c->warn_percent = (int)n;
		free(v);
	}
	if ((v = get_value(kf, g, "quiet_hours"))) {
		const char *e;
		int a, b;
		if (*v == '\0' || g_ascii_strcasecmp(v, "off") == 0 || g_ascii_strcasecmp(v, "none") == 0) {
			c->quiet_start_min = c->quiet_end_min = -1;
		} else if (parse_hhmm(v, &e, &a) && *e == '-' && parse_hhmm(e + 1, &e, &b) && *e == '\0' &&
			   a != b) {
			c->quiet_start_min = a;
			c->quiet_end_min = b;
		} else {
			r = bad(pc, g, "quiet_hours",
				"quiet_hours must be two different times like 22:00-08:00, or off; not '%s'", v);
		}
		free(v);
	}
	if ((v = get_value(kf, g, "cooldown"))) {
		size_t len = strlen(v);
		int64_t mult = 1;
		if (len > 1 && (v[len - 1] == 's' || v[len - 1] == 'm' || v[len - 1] == 'h')) {
			mult = v[len - 1] == 'h' ? 3600 : v[len - 1] == 'm' ? 60 : 1;
			v[len - 1] = '\0';
		}
		if (!au_parse_int64(v, &n) || n < 0 || n > 7 * 86400 / mult)
			r = bad(pc, g, "cooldown",
				"cooldown must be a duration from 0 to a week, like 3600, 30m or 1h");
		else
			c->cooldown_s = (int)(n * mult);
		free(v);
	}
	return r;
}

static int parse_time(parse_ctx *pc, GKeyFile *kf, au_config *c)
{
	static const char *const known[] = {"timezone", "week_start", NULL};
	const char *g = "time";
	int r = check_keys(pc, kf, g, known);
	char *v;
	if ((v = get_value(kf, g, "timezone"))) {
		GTimeZone *tz = NULL;
		au_err zerr;
		if (au_zone_parse(v, &tz, &zerr) < 0)
			r = bad(pc, g, "timezone", "%s", zerr.msg);
		else {
			g_time_zone_unref(tz);
			c->timezone = xstrdup(v);
		}
		free(v);
	}
	if ((v = get_value(kf, g, "week_start"))) {
		int d = au_weekday_from_name(v);
		if (d < 0)
			r = bad(pc, g, "week_start", "week_start takes a day name like monday, not '%s'", v);
		else
			c->week_start = d;
		free(v);
	}
	return r;
}

/* [limit SOURCE.WINDOW] warn_percent = N (default [alerts] warn_percent,
 * filled in after every section is read) */
static int parse_limit(parse_ctx *pc, GKeyFile *kf, const char *g, au_config *c)
{
	static const char *const known[] = {"warn_percent", NULL};
	const char *name = g + strlen("limit");
	while (*name == ' ' || *name == '\t')
		name++;
	const char *dot = strchr(name, '.');
	char src[32] = "";
	if (dot && (size_t)(dot - name) < sizeof(src))
		memcpy(src, name, (size_t)(dot - name));
	au_source s = au_source_by_name(src);
	if (!dot || s == AU_SRC_NONE || !valid_name(dot + 1) || strlen(dot + 1) >= sizeof(((au_limit_budget *)0)->window))
		return bad(pc, g, NULL,
			   "a limit names a tool and one of its windows: [limit codex.primary], [limit codex.secondary],"
			   " [limit claude.five_hour] or [limit claude.seven_day]");
	for (guint i = 0; i < c->limits->len; i++)
		if (strcmp(((au_limit_budget *)c->limits->pdata[i])->name, name) == 0)
			return bad(pc, g, NULL, "two limits are named '%s'", name);
	int r = check_keys(pc, kf, g, known);
	au_limit_budget *l = xcalloc(1, sizeof(*l));
	l->name = xstrdup(name);
	l->source = s;
	g_strlcpy(l->window, dot + 1, sizeof(l->window));
	char *v = get_value(kf, g, "warn_percent");
	int64_t n;
	if (v && (!au_parse_int64(v, &n) || n < 1 || n > 100))
		r = bad(pc, g, "warn_percent", "warn_percent must be a whole number from 1 to 100, not '%s'", v);
	else if (v)
		l->warn_percent = (int)n;
	free(v);
	g_ptr_array_add(c->limits, l);
	return r;
}

/* "900", "30s", "15m", "1h" -> seconds in [lo, hi]; -1 otherwise. */
static int64_t parse_secs(const char *v, int64_t lo, int64_t hi)
{
	size_t len = strlen(v);
	int64_t mult = 1, n;
	char buf[32];
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, v, len + 1);
	if (len > 1 && (buf[len - 1] == 's' || buf[len - 1] == 'm' || buf[len - 1] == 'h')) {
		mult = buf[len - 1] == 'h' ? 3600 : buf[len - 1] == 'm' ? 60 : 1;
		buf[len - 1] = '\0';
	}
	if (!au_parse_int64(buf, &n) || n < 0 || n > INT32_MAX / 3600 || n * mult < lo || n * mult > hi)
		return -1;
	return n * mult;
}

/* [limits]: the plan windows fetched from the tools' accounts (off by
 * default). A base URL is held to the cloud sync's rule (au_base_url_ok):
 * the token goes wherever it points. */
static int parse_limits_fetch(parse_ctx *pc, GKeyFile *kf, au_config *c)
{
	static const char *const known[] = {"claude_oauth", "copilot_quota", "claude_base_url", "copilot_base_url",
					    "interval",     "timeout",       NULL};
	const char *g = "limits";
	int r = check_keys(pc, kf, g, known);
	static const char *const flags[] = {"claude_oauth", "copilot_quota"};
	bool *flag_out[] = {&c->fetch.claude_oauth, &c->fetch.copilot_quota};
	for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
		char *v = get_value(kf, g, flags[i]);
		if (!v)
			continue;
		if (g_ascii_strcasecmp(v, "true") == 0 || g_ascii_strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
		    g_ascii_strcasecmp(v, "on") == 0)
			*flag_out[i] = true;
		else if (g_ascii_strcasecmp(v, "false") == 0 || g_ascii_strcasecmp(v, "no") == 0 ||
			 strcmp(v, "0") == 0 || g_ascii_strcasecmp(v, "off") == 0)
			*flag_out[i] = false;
		else
			r = bad(pc, g, flags[i], "%s must be true or false, not '%s'", flags[i], v);
		free(v);
	}
	static const char *const urls[] = {"claude_base_url", "copilot_base_url"};
	char **url_out[] = {&c->fetch.claude_base_url, &c->fetch.copilot_base_url};
	for (size_t i = 0; i < G_N_ELEMENTS(urls); i++) {
		char *v = get_value(kf, g, urls[i]);
		if (!v)
			continue;
		size_t n = strlen(v);
		while (n > 0 && v[n - 1] == '/')
			v[--n] = '\0';
		if (!au_base_url_ok(v)) {
			r = bad(pc, g, urls[i],
				"%s must be an https:// URL (plain http:// only to 127.0.0.1, ::1 or localhost), "
				"without a query",
				urls[i]);
			free(v);
		} else {
			free(*url_out[i]);
			*url_out[i] = v;
		}
	}
	char *v;
	int64_t n;
	if ((v = get_value(kf, g, "interval"))) {
		if ((n = parse_secs(v, 60, 7 * 86400)) < 0)
			r = bad(pc, g, "interval", "interval must be a duration from 60s to a week, like 900, 15m or 1h");
		else
			c->fetch.interval_s = (int)n;
		free(v);
	}
	if ((v = get_value(kf, g, "timeout"))) {
		if ((n = parse_secs(v, 1, 600)) < 0)
			r = bad(pc, g, "timeout", "timeout must be a duration from 1s to 10m, like 20 or 30s");
		else
			c->fetch.timeout_s = (int)n;
		free(v);
	}
	return r;
}

static int parse_budget(parse_ctx *pc, GKeyFile *kf, const char *g, au_config *c)
{
	static const char *const known[] = {"period", "limit", "source", "project", "scope", NULL};
	const char *name = g + strlen("budget");
	while (*name == ' ' || *name == '\t')
		name++;
	if (!valid_name(name))
		return bad(pc, g, NULL,
			   "a budget needs a name of at most %d letters, digits, '-', '_' or '.': [budget NAME]",
			   AU_BUDGET_NAME_MAX);
	for (guint i = 0; i < c->budgets->len; i++)
		if (strcmp(((au_budget *)c->budgets->pdata[i])->name, name) == 0)
			return bad(pc, g, NULL, "two budgets are named '%s'", name);
	/* every setting is checked, each error reported */
	int r = check_keys(pc, kf, g, known);

	au_budget *b = xcalloc(1, sizeof(*b));
	b->name = xstrdup(name);
	char *v = get_value(kf, g, "period");
	if (!v)
		r = bad(pc, g, NULL, "budget '%s' has no period (day, week or month)", name);
	else if (strcmp(v, "day") == 0 || strcmp(v, "daily") == 0)
		b->period = AU_PERIOD_DAY;
	else if (strcmp(v, "week") == 0 || strcmp(v, "weekly") == 0)
		b->period = AU_PERIOD_WEEK;
	else if (strcmp(v, "month") == 0 || strcmp(v, "monthly") == 0)
		b->period = AU_PERIOD_MONTH;
	else
		r = bad(pc, g, "period", "period must be day, week or month, not '%s'", v);
	free(v);

	v = get_value(kf, g, "limit");
	if (!v)
		r = bad(pc, g, NULL, "budget '%s' has no limit (in dollars, like 10.00)", name);
	else if (!au_parse_usd(v, &b->limit_pico) || b->limit_pico <= 0)
		r = bad(pc, g, "limit", "limit must be an amount in dollars above 0 and up to 1000000, like 10.00; not '%s'",
			v);
	free(v);
	if ((v = get_value(kf, g, "source"))) {
		b->source = au_source_by_name(v);
		if (b->source == AU_SRC_NONE && strcmp(v, "all") != 0) {
			char *names = au_tool_names();
			r = bad(pc, g, "source", "unknown source '%s' (known: %s, all)", v, names);
			free(names);
		}
		free(v);
	}
	if ((v = get_value(kf, g, "project"))) {
		if (*v)
			b->project = v;
		else
			free(v);
	}
	/* team: the team server's spending, every machine that pushes there */
	if ((v = get_value(kf, g, "scope"))) {
		if (strcmp(v, "team") == 0)
			b->scope = AU_BUDGET_TEAM;
		else if (strcmp(v, "local") != 0)
			r = bad(pc, g, "scope", "scope must be local or team, not '%s'", v);
		free(v);
	}
	if (r < 0) {
		budget_free(b);
		return r;
	}
	g_ptr_array_add(c->budgets, b);
	return 0;
}

/* GKeyFile quotes the offending line in its syntax errors (“junk”) but
 * does not number it: find the first line that reads so. */
static int syntax_error_line(const char *text, size_t len, const char *msg)
{
	const char *open = strstr(msg, "\u201c"), *close = open ? strstr(open, "\u201d") : NULL;
	if (!close)
		return 0;
	open += strlen("\u201c");
	size_t n = (size_t)(close - open);
	int line = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		if ((size_t)(e - p) == n && memcmp(p, open, n) == 0)
			return line;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/*
 * Sections that appear twice: GKeyFile reads them as one (the later
 * settings winning), which is rarely what was meant. One warning for each
 * repeat, naming both lines.
 */
static void warn_repeated_sections(const char *text, size_t len, const char *name, GPtrArray *warnings)
{
	GHashTable *first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int line = 0;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		line++;
		const char *q = p;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		const char *close = q < e && *q == '[' ? memchr(q, ']', (size_t)(e - q)) : NULL;
		if (close) {
			char *group = g_strndup(q + 1, (size_t)(close - q - 1));
			gpointer at = g_hash_table_lookup(first, group);
			if (at)
				g_ptr_array_add(warnings,
						g_strdup_printf("%s:%d: [%s] again (first at line %d): the two are read as "
								"one section, the later settings winning",
								name, line, group, GPOINTER_TO_INT(at)));
			if (!at)
				g_hash_table_insert(first, group, GINT_TO_POINTER(line));
			else
				g_free(group);
		}
		p = nl ? nl + 1 : end;
	}
	g_hash_table_destroy(first);
}

/* "NAME:LINE: ..." by LINE; messages without a line go last */
static gint by_line(gconstpointer a, gconstpointer b, gpointer name)
{
	size_t n = strlen(name);
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	long lx = x[n] == ':' ? strtol(x + n + 1, NULL, 10) : 0, ly = y[n] == ':' ? strtol(y + n + 1, NULL, 10) : 0;
	if (lx <= 0)
		lx = LONG_MAX;
	if (ly <= 0)
		ly = LONG_MAX;
	return lx < ly ? -1 : lx > ly;
}

int au_config_parse_all(const char *text, size_t len, const char *name, au_config **ret, GPtrArray **ret_errors,
			au_err *err)
{
	parse_ctx pc = {text, len, name, err, g_ptr_array_new_with_free_func(g_free)};
	*ret = NULL;
	int r = 0;
	GKeyFile *kf = NULL;
	au_config *c = NULL;
	if (len > AU_CONFIG_MAX_BYTES) {
		r = au_fail(err, EFBIG, "%s: larger than %d KiB: not a config file", name, AU_CONFIG_MAX_BYTES / 1024);
		g_ptr_array_add(pc.errors, g_strdup(err ? err->msg : "too big"));
		goto out;
	}
	kf = g_key_file_new();
	GError *gerr = NULL;
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &gerr)) {
		int line = syntax_error_line(text, len, gerr->message);
		if (line)
			g_ptr_array_add(pc.errors, g_strdup_printf("%s:%d: %s", name, line, gerr->message));
		else
			g_ptr_array_add(pc.errors, g_strdup_printf("%s: %s", name, gerr->message));
		r = au_fail(err, EINVAL, "%s", (char *)pc.errors->pdata[0]);
		g_error_free(gerr);
		goto out;
	}
	c = au_config_new();
	gchar **groups = g_key_file_get_groups(kf, NULL);
	for (gchar **g = groups; *g; g++) {
		int gr = 0;
		if (strcmp(*g, "alerts") == 0)
			gr = parse_alerts(&pc, kf, c);
		else if (strcmp(*g, "time") == 0)
			gr = parse_time(&pc, kf, c);
		else if (strncmp(*g, "budget", 6) == 0 && ((*g)[6] == ' ' || (*g)[6] == '\t' || (*g)[6] == '\0'))
			gr = c->budgets->len >= AU_CONFIG_MAX_BUDGETS
				     ? bad(&pc, *g, NULL, "more than %d budgets", AU_CONFIG_MAX_BUDGETS)
				     : parse_budget(&pc, kf, *g, c);
		else if (strncmp(*g, "limit", 5) == 0 && ((*g)[5] == ' ' || (*g)[5] == '\t'))
			gr = c->limits->len >= AU_CONFIG_MAX_BUDGETS
				     ? bad(&pc, *g, NULL, "more than %d limits", AU_CONFIG_MAX_BUDGETS)
				     : parse_limit(&pc, kf, *g, c);
		else if (strcmp(*g, "limits") == 0)
			gr = parse_limits_fetch(&pc, kf, c);
		else if (strncmp(*g, "cloud.", 6) == 0 || strcmp(*g, "cursor") == 0 ||
			 strcmp(*g, "team") == 0)
			; /* read by the cloud sync (src/cloud.c) and cursor sync */
		else if (strcmp(*g, "serve") == 0)
			; /* read by the dashboard server (config_serve.c) */
		else
			gr = bad(&pc, *g, NULL,
				 "unknown section [%s] (known: [alerts], [time], [budget NAME], [limit TOOL.WINDOW], [limits],"
				 " [cloud.PROVIDER], [cursor], [team], [serve])",
				 *g);
		if (gr < 0)
			r = gr;
	}
	g_strfreev(groups);
	for (guint i = 0; i < c->limits->len; i++) {
		au_limit_budget *l = c->limits->pdata[i];
		if (!l->warn_percent)
			l->warn_percent = c->warn_percent;
	}
	/* in file order (groups are checked in order, but a group's unknown
	 * keys before its values) */
	g_ptr_array_sort_with_data(pc.errors, by_line, (gpointer)name);
	if (r < 0 && pc.errors->len > 0 && err)
		au_fail(err, EINVAL, "%s", (char *)pc.errors->pdata[0]);
	if (r < 0 && pc.errors->len > 1 && err) {
		/* the first, and how many more the caller can list */
		char more[64];
		snprintf(more, sizeof(more), " (and %u more error%s)", pc.errors->len - 1,
			 pc.errors->len > 2 ? "s" : "");
		if (strlen(err->msg) + strlen(more) < sizeof(err->msg))
			strcat(err->msg, more);
	}
	if (r == 0)
		warn_repeated_sections(text, len, name, c->warnings);
out:
	if (kf)
		g_key_file_free(kf);
	if (r < 0) {
		au_config_free(c);
		if (ret_errors)
			*ret_errors = pc.errors;
		else
			g_ptr_array_free(pc.errors, TRUE);
		return r;
	}
	g_ptr_array_free(pc.errors, TRUE);
	if (ret_errors)
		*ret_errors = NULL;
	*ret = c;
	return 0;
}

int au_config_parse(const char *text, size_t len, const char *name, au_config **ret, au_err *err)
{
	return au_config_parse_all(text, len, name, ret, NULL, err);
}

int au_config_load_all(const char *path, au_config **ret, GPtrArray **ret_errors, au_err *err)
{
	au_config_file f;
	*ret = NULL;
	if (ret_errors)
		*ret_errors = NULL;
	/* a file the user named must exist; the default one may not */
	int r = au_config_file_read(path, path != NULL, &f, err);
	if (r < 0) {
		if (ret_errors) {
			*ret_errors = g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(*ret_errors, g_strdup(err ? err->msg : "cannot read the config file"));
		}
		return r;
	}
	if (!f.exists) {
		*ret = au_config_new();
	} else if ((r = au_config_parse_all(f.text, f.len, f.path, ret, ret_errors, err)) == 0) {
		(*ret)->path = f.path;
		f.path = NULL;
		if (f.others_can_read)
			g_ptr_array_insert((*ret)->warnings, 0,
					   g_strdup_printf("%s: other users can read it (mode %04o); "
							   "'chmod 600 %s' keeps it to you",
							   (*ret)->path, f.mode & 07777, (*ret)->path));
	}
	au_config_file_release(&f);
	return r;
}

int au_config_load(const char *path, au_config **ret, au_err *err)
{
	return au_config_load_all(path, ret, NULL, err);
}

int64_t au_config_monthly_budget(const au_config *c)
{
	int64_t limit = 0;
	int found = 0;
	for (guint i = 0; c && i < c->budgets->len; i++) {
		const au_budget *b = c->budgets->pdata[i];
		if (b->period == AU_PERIOD_MONTH && b->source == AU_SRC_NONE && !b->project) {
			limit = b->limit_pico;
			found++;
		}
	}
	return found == 1 ? limit : 0;
}
