/*
 * aiusage sources: every tool aiusage knows, whether it is installed here,
 * where it looks (and the variable that overrides it), what the store
 * tracks of it and its latest usage, and what each tool's records can tell
 * at all: per unified field, exact, estimated or not available. The
 * capability table below is the one place that says so; the README shows
 * the same table.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cursor.h"
#include "render.h"
#include "sources.h"

typedef enum cap {
	NA = 0, /* not available: no record we can read holds it */
	EXACT,  /* as the tool records it, per request */
	EST,    /* derived, partial or approximate */
} cap;

enum { F_INPUT, F_OUTPUT, F_CACHE_READ, F_CACHE_WRITE, F_REASONING, F_COST, F_PROJECT, F_LIVE, F_N };

static const char *const field_names[F_N] = {"input",     "output", "cacheRead", "cacheWrite",
					     "reasoning", "cost",   "project",   "live"};
static const char *const field_headers[F_N] = {"Input",     "Output", "Cache read", "Cache write",
					       "Reasoning", "Cost",   "Project",    "Live"};

typedef struct source_caps {
	au_source source;
	const char *title;
	const char *env; /* the variable that replaces the default places */
	cap f[F_N];
	const char *note; /* what the row alone would not tell */
} source_caps;

/*
 * Cost: exact where the tool records what a request cost (kept beside our
 * list-price figure as toolCost), else our estimate (subscriptions bill
 * otherwise). Live: counted while the tool works (the watcher sees each
 * response), or only later. Fields: shared/docs/formats.md, "The counting
 * rules", and what each parser reads (parsers/<tool>.c).
 */
static const source_caps caps[] = {
	{AU_SRC_CLAUDE, "Claude Code", "CLAUDE_CONFIG_DIR",
	 {EXACT, EXACT, EXACT, EXACT, NA, EST, EXACT, EXACT},
	 "thinking tokens are inside output, never reported apart"},
	{AU_SRC_CODEX, "Codex CLI", "CODEX_HOME",
	 {EXACT, EXACT, EXACT, NA, EXACT, EST, EXACT, EXACT},
	 "OpenAI reports no cache writes; reasoning is the part of output it names"},
	{AU_SRC_GEMINI, "Gemini CLI", "GEMINI_DATA_DIR",
	 {EXACT, EXACT, EXACT, NA, EXACT, EST, EST, EXACT},
	 "output includes thoughts; the project is the one its chats dir maps to (a hash when nothing names it)"},
	{AU_SRC_OPENCODE, "OpenCode", "OPENCODE_DATA_DIR",
	 {EXACT, EXACT, EXACT, EXACT, EXACT, EXACT, EXACT, EXACT},
	 "OpenCode's own per-message cost is kept beside ours (toolCost; 0 for subscription providers)"},
	{AU_SRC_COPILOT, "Copilot CLI", "COPILOT_HOME",
	 {EXACT, EXACT, EXACT, EXACT, EXACT, EST, EST, EST},
	 "counted per session and model when a session ends (its model metrics), nothing while it runs; with "
	 "Copilot's OpenTelemetry file export on, each request counts when it ends and such a session counts "
	 "from the export alone (which names no project); reasoning when the log names it"},
	{AU_SRC_VSCODE, "VS Code Copilot Chat", NULL,
	 {EXACT, EXACT, NA, NA, NA, EST, EXACT, EXACT},
	 "chat sessions record prompt and completion tokens only; no cache split"},
	{AU_SRC_CURSOR, "Cursor", "CURSOR_CONFIG_DIR",
	 {EXACT, EXACT, EXACT, EXACT, NA, EXACT, NA, NA},
	 "tokens and Cursor's own cost come from the account's usage events, fetched by `aiusage cursor sync` "
	 "(account-wide: no project); locally only builds that record counts in chat messages (input and output)"},
	{AU_SRC_WINDSURF, "Windsurf", "WINDSURF_CONFIG_DIR",
	 {NA, NA, NA, NA, NA, NA, NA, NA},
	 "no local per-request token record exists (its conversations are stored encrypted): detected only"},
};

static const char *cap_name(cap c)
{
	return c == EXACT ? "exact" : c == EST ? "estimated" : "not available";
}

/* What the store and the disk say about one source. */
typedef struct source_info {
	const source_caps *c;
	GArray *roots; /* au_root, borrowed from the roots array */
	bool detected;
	bool *exists;   /* per root */
	int64_t files;  /* tracked files read line by line or whole */
	int64_t dbs;    /* tracked databases */
	int64_t rows;   /* rows of those databases at their last read */
	int64_t last_ts; /* 0: none */
	GPtrArray *notes; /* char*, what this machine adds to the row's note */
} source_info;

static int terminal_width(void)
{
	const char *c = getenv("COLUMNS");
	int64_t v;
	if (c && au_parse_int64(c, &v) && v > 0 && v < 10000)
		return (int)v;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* path with $HOME shown as ~ (malloc'd) */
static char *tilde(const char *path)
{
	const char *home = au_home_dir();
	size_t n = strlen(home);
	if (n > 1 && strncmp(path, home, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		return xasprintf("~%s", path + n);
	return xstrdup(path);
}

static char *local_time(GTimeZone *tz, int64_t ms)
{
	GDateTime *u = g_date_time_new_from_unix_utc(ms / 1000);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	char *s = g_date_time_format(l, "%Y-%m-%d %H:%M");
	char *r = xstrdup(s);
	g_free(s);
	g_date_time_unref(l);
	g_date_time_unref(u);
	return r;
}

static source_info *info_for(source_info *infos, au_source src)
{
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++)
		if (infos[i].c->source == src)
			return &infos[i];
	return NULL;
}

static char *fmt_count(int64_t n)
{
	char buf[32];
	au_format_int(n, buf, sizeof(buf));
	return xstrdup(buf);
}

/* The store's part: tracked files and rows, latest usage, Cursor's
 * local counts and synced events. A store error is said once and the
 * rest printed anyway. */
static bool probe_store(au_store *s, source_info *infos, GTimeZone *tz)
{
	sqlite3 *db = au_store_db(s);
	sqlite3_stmt *st;
	bool ok = true;
	int64_t replies = 0, zero = 0, undated = 0;
	bool cursor_read = false;
	if (sqlite3_prepare_v2(db, "SELECT source, line, state FROM files", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const au_parser_ops *p = au_parser_by_name((const char *)sqlite3_column_text(st, 0));
			source_info *si = p ? info_for(infos, p->source) : NULL;
			if (!si)
				continue;
			if (p->storage == AU_STORAGE_SQLITE) {
				si->dbs++;
				si->rows += sqlite3_column_int64(st, 1);
			} else {
				si->files++;
			}
			int64_t a, b, c, d; /* replies, counted, zero, undated */
			if (p == &au_parser_cursor &&
			    au_cursor_state_counts((const char *)sqlite3_column_text(st, 2), &a, &b, &c, &d)) {
				cursor_read = true;
				replies += a;
				zero += c;
				undated += d;
			}
		}
		sqlite3_finalize(st);
	} else {
		ok = false;
	}
	if (sqlite3_prepare_v2(db, "SELECT source, max(ts) FROM usage GROUP BY source", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			source_info *si = info_for(infos, au_source_by_name((const char *)sqlite3_column_text(st, 0)));
			if (si)
				si->last_ts = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	} else {
		ok = false;
	}

	source_info *cu = info_for(infos, AU_SRC_CURSOR);
	if (cursor_read) {
		if (replies == 0)
			g_ptr_array_add(cu->notes, xstrdup("state.vscdb holds no AI replies yet"));
		else if (zero == 0)
			g_ptr_array_add(cu->notes,
					xasprintf("state.vscdb: all %" PRId64 " AI replies carry token counts", replies));
		else
			g_ptr_array_add(
				cu->notes,
				xasprintf("state.vscdb: %" PRId64 " of %" PRId64 " AI replies carry token counts; %" PRId64
					  " have none or zeros: not recorded locally (counted as nothing)",
					  replies - zero, replies, zero));
		if (undated)
			g_ptr_array_add(cu->notes, xasprintf("%" PRId64 " message(s) with counts but no time were not counted",
							     undated));
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*), max(ts) FROM usage WHERE key >= 'cursor:e:' AND key < 'cursor:e;'",
			       -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
			char *n = fmt_count(sqlite3_column_int64(st, 0));
			char *when = NULL;
			if (au_store_meta_get(s, "cursor.synced_at", &when) == 0) {
				int64_t ms;
				char *t = au_parse_int64(when, &ms) ? local_time(tz, ms) : xstrdup(when);
				free(when);
				when = t;
			}
			g_ptr_array_add(cu->notes, xasprintf("%s usage event(s) from `aiusage cursor sync`%s%s", n,
							     when ? ", last synced " : "", when ? when : ""));
			free(n);
			free(when);
		}
		sqlite3_finalize(st);
	} else {
		ok = false;
	}
	if (!ok)
		fprintf(stderr, "aiusage: reading the store: %s\n", sqlite3_errmsg(db));
	return ok;
}

/* The disk's part: which roots exist; Windsurf's cached plan. */
static void probe_disk(source_info *infos, au_root *roots)
{
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		source_info *si = &infos[i];
		si->roots = g_array_new(FALSE, FALSE, sizeof(au_root));
		for (au_root *r = roots; r->dir; r++)
			if (r->source == si->c->source)
				g_array_append_val(si->roots, *r);
		si->exists = xcalloc(si->roots->len + 1, sizeof(bool));
		for (guint k = 0; k < si->roots->len; k++) {
			struct stat sb;
			si->exists[k] = stat(g_array_index(si->roots, au_root, k).dir, &sb) == 0 && S_ISDIR(sb.st_mode);
			si->detected |= si->exists[k];
		}
	}
	source_info *ws = info_for(infos, AU_SRC_WINDSURF);
	for (guint k = 0; k < ws->roots->len; k++) {
		if (!ws->exists[k])
			continue;
		char *plan = au_windsurf_plan_name(g_array_index(ws->roots, au_root, k).dir);
		if (!plan)
			continue;
		for (char *p = plan; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		g_ptr_array_add(ws->notes, *plan ? xasprintf("Windsurf caches its plan (\"%s\"): a quota, not tokens", plan)
						 : xstrdup("Windsurf caches its plan quota: not tokens"));
		free(plan);
		break;
	}
}

static char *tracked_text(const source_info *si)
{
	if (si->c->source == AU_SRC_WINDSURF)
		return xstrdup(si->detected ? "nothing to read" : "-");
	if (si->dbs)
		return si->files ? xasprintf("%" PRId64 " file(s), %" PRId64 " database(s)", si->files, si->dbs)
				 : xasprintf("%" PRId64 " database(s), %" PRId64 " row(s)", si->dbs, si->rows);
	if (si->files)
		return xasprintf("%" PRId64 " file(s)", si->files);
	return xstrdup("-");
}

static void print_text(source_info *infos, GTimeZone *tz, bool color, int width)
{
	static const au_tcol cols1[] = {
		{"Source", false, 0, false, 0, false},
		{"Tool", false, 8, false, 2, false},
		{"Detected", false, 0, false, 0, false},
		{"Tracked", false, 10, false, 0, false},
		{"Last event", false, 0, false, 1, false},
	};
	au_table *t = au_table_new(cols1, G_N_ELEMENTS(cols1));
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		const source_info *si = &infos[i];
		char *last = si->last_ts ? local_time(tz, si->last_ts) : xstrdup("-");
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(au_source_name(si->c->source)), xstrdup(si->c->title),
			      xstrdup(si->roots->len == 0 ? "not read yet" : si->detected ? "yes" : "no"),
			      tracked_text(si), last);
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);

	printf("\nWhat each tool's records hold (exact: as the tool records it;\n"
	       "estimated: derived, partial or approximate; n/a: not available):\n");
	au_tcol cols2[1 + F_N];
	cols2[0] = (au_tcol){"Source", false, 0, false, 0, false};
	for (int f = 0; f < F_N; f++)
		cols2[1 + f] = (au_tcol){field_headers[f], false, 0, false, 0, false};
	t = au_table_new(cols2, 1 + F_N);
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		char *cells[1 + F_N];
		cells[0] = xstrdup(au_source_name(caps[i].source));
		for (int f = 0; f < F_N; f++)
			cells[1 + f] = xstrdup(caps[i].f[f] == NA ? "n/a" : cap_name(caps[i].f[f]));
		au_table_add(t, AU_TROW_NORMAL, cells);
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);

	printf("\nWhere each looks (the variable replaces the defaults):\n");
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		const source_info *si = &infos[i];
		const char *name = au_source_name(si->c->source);
		if (si->roots->len == 0) {
			printf("  %-9s (not read by this build)%s%s\n", name, si->c->env ? "  $" : "",
			       si->c->env ? si->c->env : "");
			continue;
		}
		for (guint k = 0; k < si->roots->len; k++) {
			const au_root *r = &g_array_index(si->roots, au_root, k);
			/* a root made for one file is that file to the user */
			char *p = tilde(r->file ? r->file : r->dir);
			printf("  %-9s %s%s", k == 0 ? name : "", p, si->exists[k] ? "" : " (missing)");
			if (k == 0 && si->c->env)
				printf("  [$%s%s]", si->c->env, r->origin[0] == '$' ? " is set" : "");
			putchar('\n');
			free(p);
		}
	}
	printf("\nNotes:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		const source_info *si = &infos[i];
		printf("  %-9s %s\n", au_source_name(si->c->source), si->c->note);
		for (guint k = 0; k < si->notes->len; k++)
			printf("  %-9s %s\n", "", (const char *)si->notes->pdata[k]);
	}
}

static void json_ts(int64_t ms)
{
	if (!ms) {
		fputs("null", stdout);
		return;
	}
	GDateTime *dt = g_date_time_new_from_unix_utc(ms / 1000);
	char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
	printf("\"%s.%03dZ\"", s, (int)(ms % 1000));
	g_free(s);
	g_date_time_unref(dt);
}

static void print_json(source_info *infos)
{
	printf("{\"sources\":[");
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		const source_info *si = &infos[i];
		printf("%s\n{\"source\":\"%s\",\"tool\":", i ? "," : "", au_source_name(si->c->source));
		au_json_str(stdout, si->c->title);
		printf(",\"detected\":%s,\"looksIn\":[", si->detected ? "true" : "false");
		for (guint k = 0; k < si->roots->len; k++) {
			const au_root *r = &g_array_index(si->roots, au_root, k);
			printf("%s{\"path\":", k ? "," : "");
			au_json_str(stdout, r->file ? r->file : r->dir);
			printf(",\"exists\":%s,\"origin\":", si->exists[k] ? "true" : "false");
			au_json_str(stdout, r->origin);
			printf("}");
		}
		printf("],\"env\":");
		if (si->c->env)
			au_json_str(stdout, si->c->env);
		else
			printf("null");
		printf(",\"files\":%" PRId64 ",\"databases\":%" PRId64 ",\"rows\":%" PRId64 ",\"lastEvent\":", si->files,
		       si->dbs, si->rows);
		json_ts(si->last_ts);
		printf(",\"capabilities\":{");
		for (int f = 0; f < F_N; f++)
			printf("%s\"%s\":\"%s\"", f ? "," : "", field_names[f], cap_name(si->c->f[f]));
		printf("},\"notes\":[");
		au_json_str(stdout, si->c->note);
		for (guint k = 0; k < si->notes->len; k++) {
			printf(",");
			au_json_str(stdout, si->notes->pdata[k]);
		}
		printf("]}");
	}
	printf("]}\n");
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	code = AU_EXIT_OK;
	GTimeZone *tz = o.timezone ? g_time_zone_new_identifier(o.timezone) : g_time_zone_new_local();
	if (!tz) {
		fprintf(stderr, "aiusage: unknown time zone '%s' (use an IANA name like Europe/Paris or UTC)\n",
			o.timezone);
		au_opts_release(&o);
		return AU_EXIT_USAGE;
	}

	source_info infos[G_N_ELEMENTS(caps)];
	memset(infos, 0, sizeof(infos));
	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		infos[i].c = &caps[i];
		infos[i].notes = g_ptr_array_new_with_free_func(free);
	}
	au_root *roots = au_roots_get(AU_SRC_NONE);
	probe_disk(infos, roots);

	/* the store as the next report would see it: scanned first */
	au_pricing *p = au_load_pricing(&o);
	bool writable = false;
	au_store *s = p ? au_open_store(&o, &writable) : NULL;
	if (!s) {
		code = AU_EXIT_FAIL;
	} else {
		au_scan_stats st;
		if (!au_run_scan(s, p, &o, &st, writable))
			code = AU_EXIT_FAIL;
		au_print_scan_warnings(&st, &o);
		au_scan_stats_release(&st);
		if (!probe_store(s, infos, tz))
			code = AU_EXIT_FAIL;
		au_store_close(s);
	}
	if (o.json)
		print_json(infos);
	else
		print_text(infos, tz, au_use_color(&o, stdout), terminal_width());
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;

	for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
		g_array_free(infos[i].roots, TRUE);
		free(infos[i].exists);
		g_ptr_array_free(infos[i].notes, TRUE);
	}
	au_roots_free(roots);
	if (p)
		au_pricing_free(p);
	g_time_zone_unref(tz);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_O(AU_O_JSON),
	AU_OH(AU_O_TIMEZONE, "the zone of the last-event times (default: local)"),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_sources_entry = {
	.name = "sources",
	.summary = "every tool aiusage reads, where it looks, and what its records can tell",
	.description = "Lists every source: whether it is installed here, what the store tracks of it\n"
		       "and its latest usage; per unified field (input, output, cache read, cache\n"
		       "write, reasoning, cost, project, live) whether the tool's records give it\n"
		       "exactly, estimated or not at all; where each looks, with the environment\n"
		       "variable that replaces the defaults. Scans first, as the reports do.\n",
	.options = options,
	.examples = "aiusage sources\n",
	.run = run,
};
