/*
 * aiusage sources: every tool aiusage knows, whether it is installed here,
 * where it looks (and the variable that overrides it), what the store
 * tracks of it and its latest usage, and what each tool's records can tell
 * at all: per unified field, exact, estimated or not available. All of it
 * comes from the tools' descriptors (watchers/tools.h); the README shows
 * the same capability table (tests/unit/test_tools.c checks it).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "insights.h"
#include "jsonw.h"
#include "queries.h"
#include "render.h"
#include "dayarg.h"
#include "health_view.h"
#include "plan_limits.h"
#include "sources.h"
#include "term.h"
#include "tools.h"

/* The tools in the order users see them (parser.h's AU_SOURCE_LIST). */
#define N_TOOLS (AU_SRC_MAX - 1)

/* What the store and the disk say about one source. */
typedef struct source_info {
	const au_tool *c;
	GArray *roots; /* au_root, borrowed from the roots array */
	bool detected;
	bool *exists;   /* per root */
	int64_t files;  /* tracked files read line by line or whole */
	int64_t dbs;    /* tracked databases */
	int64_t rows;   /* rows of those databases at their last read */
	int64_t last_ts; /* 0: none */
	GPtrArray *notes; /* char*, what this machine adds to the row's note */
	GPtrArray *states; /* char*, the saved parser states of its files (for states_note) */
	au_source_health health; /* plan_limits.h: writes seen, rows out, parse errors */
} source_info;

/* path with $HOME shown as ~ (malloc'd) */
static char *tilde(const char *path)
{
	const char *home = au_home_dir();
	size_t n = strlen(home);
	if (n > 1 && strncmp(path, home, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		return xasprintf("~%s", path + n);
	return xstrdup(path);
}

/* "2026-11-16 14:05" in tz (malloc'd) */
static char *local_time(GTimeZone *tz, int64_t ms)
{
	char buf[24];
	au_format_local(tz, ms, buf);
	return xstrdup(buf);
}

static source_info *info_for(source_info *infos, au_source src)
{
	return src > AU_SRC_NONE && src < AU_SRC_MAX ? &infos[src - 1] : NULL;
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
	au_err err;
	bool ok = true;
	GHashTable *cursors = NULL;
	if (au_store_load_cursors(s, au_tool_parser_by_name, (void **)&cursors, &err) == 0) {
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, cursors);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			const au_cursor *c = v;
			const au_parser_ops *p = c->parser;
			source_info *si = p ? info_for(infos, p->source) : NULL;
			if (!si)
				continue;
			if (p->storage == AU_STORAGE_SQLITE) {
				si->dbs++;
				si->rows += c->line;
			} else {
				si->files++;
			}
			if (si->c->states_note && c->state)
				g_ptr_array_add(si->states, xstrdup(c->state));
		}
		g_hash_table_destroy(cursors);
	} else {
		ok = false;
	}
	int64_t last[AU_SRC_MAX];
	if (au_store_last_ts_by_source(s, true, last, &err) == 0) {
		for (int i = 0; i < AU_SRC_MAX; i++) {
			source_info *si = last[i] ? info_for(infos, (au_source)i) : NULL;
			if (si)
				si->last_ts = last[i];
		}
	} else {
		ok = false;
	}

	/* what a tool makes of its files' saved states (Cursor's counts) */
	for (size_t i = 0; i < N_TOOLS; i++)
		if (infos[i].c->states_note && infos[i].states->len)
			infos[i].c->states_note((const char *const *)infos[i].states->pdata, infos[i].states->len,
						infos[i].notes);
	/* the events `aiusage cursor sync` stored */
	source_info *cu = info_for(infos, AU_SRC_CURSOR);
	int64_t events = 0, last_event = 0;
	if (au_store_cursor_events(s, &events, &last_event, &err) < 0) {
		ok = false;
	} else if (events > 0) {
		char *n = fmt_count(events);
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
	if (!ok)
		fprintf(stderr, "aiusage: %s\n", err.msg);
	return ok;
}

/* The disk's part: which roots exist; Windsurf's cached plan. */
static void probe_disk(source_info *infos, au_root *roots)
{
	for (size_t i = 0; i < N_TOOLS; i++) {
		source_info *si = &infos[i];
		si->roots = g_array_new(FALSE, FALSE, sizeof(au_root));
		for (au_root *r = roots; r->dir; r++)
			if (r->source == si->c->source)
				g_array_append_val(si->roots, *r);
		si->exists = xcalloc(si->roots->len + 1, sizeof(bool));
		for (guint k = 0; k < si->roots->len; k++) {
			struct stat sb;
			/* a root made for one file: whether that file is there */
			const au_root *r = &g_array_index(si->roots, au_root, k);
			si->exists[k] = r->file ? stat(r->file, &sb) == 0 && S_ISREG(sb.st_mode)
						: stat(r->dir, &sb) == 0 && S_ISDIR(sb.st_mode);
			si->detected |= si->exists[k];
		}
	}
	/* what a tool's first existing root adds to its note (Windsurf's plan) */
	for (size_t i = 0; i < N_TOOLS; i++) {
		source_info *si = &infos[i];
		for (guint k = 0; si->c->root_note && k < si->roots->len; k++) {
			char *note = si->exists[k] ? si->c->root_note(g_array_index(si->roots, au_root, k).dir) : NULL;
			if (note) {
				g_ptr_array_add(si->notes, note);
				break;
			}
		}
	}
}

static char *tracked_text(const source_info *si)
{
	if (!si->c->parsers[0]) /* only detected */
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
	for (size_t i = 0; i < N_TOOLS; i++) {
		const source_info *si = &infos[i];
		char *last = si->last_ts ? local_time(tz, si->last_ts) : xstrdup("-");
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(si->c->name), xstrdup(si->c->title),
			      xstrdup(si->roots->len == 0 ? "not read yet" : si->detected ? "yes" : "no"),
			      tracked_text(si), last);
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);

	printf("\nWhat each tool's records hold (exact: as the tool records it;\n"
	       "estimated: derived, partial or approximate; n/a: not available):\n");
	au_tcol cols2[1 + AU_FIELD_N];
	cols2[0] = (au_tcol){"Source", false, 0, false, 0, false};
	for (int f = 0; f < AU_FIELD_N; f++)
		cols2[1 + f] = (au_tcol){au_field_header((au_field)f), false, 0, false, 0, false};
	/* the table's width: every column as wide as its widest cell, plus borders */
	int need = 1 + 3 + 8;
	for (int f = 0; f < AU_FIELD_N; f++) {
		int w = (int)strlen(au_field_header((au_field)f));
		for (size_t i = 0; i < N_TOOLS; i++) {
			const au_tool *tl = infos[i].c;
			int n = (int)strlen(tl->caps[f] == AU_CAP_NA ? "n/a" : au_cap_name(tl->caps[f]));
			w = n > w ? n : w;
		}
		need += w + 3;
	}
	if (width > 0 && need > width) {
		/* too narrow for the table: a line per tool and kind */
		static const au_cap kinds[] = {AU_CAP_EXACT, AU_CAP_EST, AU_CAP_NA};
		for (size_t i = 0; i < N_TOOLS; i++) {
			const au_tool *tl = infos[i].c;
			bool first = true;
			for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
				GString *line = g_string_new(NULL);
				for (int f = 0; f < AU_FIELD_N; f++)
					if (tl->caps[f] == kinds[k])
						g_string_append_printf(line, "%s%s", line->len ? ", " : "",
								       au_field_header((au_field)f));
				if (line->len) {
					char *text = xasprintf("%s: %s", kinds[k] == AU_CAP_NA ? "n/a" : au_cap_name(kinds[k]),
							       line->str);
					char *lead = xasprintf("  %-9s ", first ? tl->name : "");
					au_print_wrapped(stdout, lead, "              ", text, width);
					free(lead);
					free(text);
					first = false;
				}
				g_string_free(line, TRUE);
			}
		}
	} else {
		t = au_table_new(cols2, 1 + AU_FIELD_N);
		for (size_t i = 0; i < N_TOOLS; i++) {
			char *cells[1 + AU_FIELD_N];
			const au_tool *tl = infos[i].c;
			cells[0] = xstrdup(tl->name);
			for (int f = 0; f < AU_FIELD_N; f++)
				cells[1 + f] = xstrdup(tl->caps[f] == AU_CAP_NA ? "n/a" : au_cap_name(tl->caps[f]));
			au_table_add(t, AU_TROW_NORMAL, cells);
		}
		au_table_print(stdout, t, color, width);
		au_table_free(t);
	}

	printf("\nWhere each looks (the variable replaces the defaults):\n");
	for (size_t i = 0; i < N_TOOLS; i++) {
		const source_info *si = &infos[i];
		const char *name = si->c->name;
		if (si->roots->len == 0) {
			printf("  %-9s (not read by this build)%s%s\n", name, si->c->env[0].name ? "  $" : "",
			       si->c->env[0].name ? si->c->env[0].name : "");
			continue;
		}
		for (guint k = 0; k < si->roots->len; k++) {
			const au_root *r = &g_array_index(si->roots, au_root, k);
			/* a root made for one file is that file to the user */
			char *p = tilde(r->file ? r->file : r->dir);
			char *line = xasprintf("  %-9s %s%s", k == 0 ? name : "", p, si->exists[k] ? "" : " (missing)");
			/* a long path (an extension's global storage) keeps the
			 * marker on a line of its own rather than run past the width */
			if (!si->exists[k] && width > 0 && g_utf8_strlen(line, -1) > width) {
				free(line);
				line = xasprintf("  %-9s %s\n            (missing)", k == 0 ? name : "", p);
			}
			if (k == 0 && si->c->env[0].name) {
				char *var = xasprintf("[$%s%s]", si->c->env[0].name, r->origin[0] == '$' ? " is set" : "");
				/* the variable on a line of its own when both do not fit */
				bool fits = width <= 0 || g_utf8_strlen(line, -1) + 2 + (glong)strlen(var) <= width;
				printf("%s%s%s\n", line, fits ? "  " : "\n            ", var);
				free(var);
			} else {
				printf("%s\n", line);
			}
			free(line);
			free(p);
		}
	}
	bool any = false;
	for (size_t i = 0; i < N_TOOLS && !any; i++)
		any = infos[i].health.last_write_ms > 0;
	if (any)
		printf("\nHealth (last write seen; last row; parse errors per 1,000 lines, day / week):\n");
	for (size_t i = 0; any && i < N_TOOLS; i++) {
		const au_source_health *h = &infos[i].health;
		if (h->last_write_ms <= 0)
			continue;
		char *fig = au_source_health_figures(h, tz);
		printf("  %-9s %s\n", infos[i].c->name, fig);
		free(fig);
		if (au_source_health_silent(h)) {
			char msg[512];
			au_source_health_warning(infos[i].c->source, h, msg, sizeof(msg));
			au_print_wrapped(stdout, "            ", "            ", msg, width);
		}
	}
	printf("\nNotes:\n");
	for (size_t i = 0; i < N_TOOLS; i++) {
		const source_info *si = &infos[i];
		char *lead = xasprintf("  %-9s ", si->c->name);
		au_print_wrapped(stdout, lead, "              ", si->c->note, width);
		free(lead);
		for (guint k = 0; k < si->notes->len; k++)
			au_print_wrapped(stdout, "            ", "              ", si->notes->pdata[k], width);
	}
}

static void json_ts(au_jw *w, int64_t ms)
{
	if (!ms) {
		au_jw_null(w);
		return;
	}
	char t[32];
	au_format_utc(ms, true, t);
	au_jw_str(w, t);
}

static void print_json(source_info *infos)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, stdout);
	au_jw_obj_begin(w);
	au_jw_key(w, "sources");
	au_jw_arr_begin(w);
	for (size_t i = 0; i < N_TOOLS; i++) {
		const source_info *si = &infos[i];
		au_jw_newline(w);
		au_jw_obj_begin(w);
		au_jw_kstr(w, "source", si->c->name);
		au_jw_kstr(w, "tool", si->c->title);
		au_jw_kbool(w, "detected", si->detected);
		au_jw_key(w, "looksIn");
		au_jw_arr_begin(w);
		for (guint k = 0; k < si->roots->len; k++) {
			const au_root *r = &g_array_index(si->roots, au_root, k);
			au_jw_obj_begin(w);
			au_jw_kstr(w, "path", r->file ? r->file : r->dir);
			au_jw_kbool(w, "exists", si->exists[k]);
			au_jw_kstr(w, "origin", r->origin);
			au_jw_obj_end(w);
		}
		au_jw_arr_end(w);
		au_jw_kstr(w, "env", si->c->env[0].name);
		au_jw_kint(w, "files", si->files);
		au_jw_kint(w, "databases", si->dbs);
		au_jw_kint(w, "rows", si->rows);
		au_jw_key(w, "lastEvent");
		json_ts(w, si->last_ts);
		au_jw_key(w, "health");
		au_source_health_json(w, si->c->source, &si->health);
		au_jw_key(w, "capabilities");
		au_jw_obj_begin(w);
		for (int f = 0; f < AU_FIELD_N; f++)
			au_jw_kstr(w, au_field_key((au_field)f), au_cap_name(si->c->caps[f]));
		au_jw_obj_end(w);
		au_jw_key(w, "notes");
		au_jw_arr_begin(w);
		au_jw_str(w, si->c->note);
		for (guint k = 0; k < si->notes->len; k++)
			au_jw_str(w, si->notes->pdata[k]);
		au_jw_arr_end(w);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	code = AU_EXIT_OK;
	GTimeZone *tz = au_cli_zone(cmd, &o, &code);
	if (!tz) {
		au_opts_release(&o);
		return code;
	}

	source_info infos[N_TOOLS];
	memset(infos, 0, sizeof(infos));
	for (size_t i = 0; i < N_TOOLS; i++) {
		infos[i].c = au_tool_for((au_source)(i + 1));
		infos[i].notes = g_ptr_array_new_with_free_func(free);
		infos[i].states = g_ptr_array_new_with_free_func(free);
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
		int64_t now;
		au_err herr = {{0}};
		au_source_health hs[AU_SRC_MAX];
		if (au_now_pinned(&now, &herr) == 0 && au_store_source_health(s, now, hs, &herr) == 0)
			for (size_t i = 0; i < N_TOOLS; i++) {
				infos[i].health = hs[infos[i].c->source];
				if (au_source_health_silent(&hs[infos[i].c->source]) && !o.quiet) {
					char msg[512];
					au_source_health_warning(infos[i].c->source, &hs[infos[i].c->source], msg,
								 sizeof(msg));
					fprintf(stderr, "aiusage: warning: %s\n", msg);
				}
			}
		au_store_close(s);
	}
	if (o.json)
		print_json(infos);
	else
		print_text(infos, tz, au_use_color(&o, stdout), au_terminal_width());
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;

	for (size_t i = 0; i < N_TOOLS; i++) {
		g_array_free(infos[i].roots, TRUE);
		free(infos[i].exists);
		g_ptr_array_free(infos[i].notes, TRUE);
		g_ptr_array_free(infos[i].states, TRUE);
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
