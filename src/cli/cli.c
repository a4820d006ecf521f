/*
 * Shared command plumbing: default paths, opening the store with a
 * read-only fallback, the scan with its progress line and its warning
 * summary. Commands stay short because of this file; options and help
 * live in options.c and help.c.
 */
#include "cli.h"
#include "zone.h"
#include "sources.h"
#include "termsafe.h"
#include "tools.h"
#include "daemon.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

char *au_default_db_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/aiusage/usage.db", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/share/aiusage/usage.db", home && *home ? home : g_get_home_dir());
}

au_store *au_open_store(const au_opts *o, bool *ret_writable)
{
	char *path = o->db_path ? xstrdup(o->db_path) : au_default_db_path();
	au_store *s = NULL;
	au_err err;
	int r = au_store_open(path, false, &s, &err);
	*ret_writable = r == 0;
	if (r == 0)
		au_store_defer_checkpoint(s); /* a warm report writes nothing */
	/* one line: what is wrong, and (unless another aiusage holds it for
	 * a moment) the way out */
	const char *hint = r == -EBUSY ? "" : " ('--db PATH' puts the store where you can write)";
	if (r < 0) {
		/* Locked, read-only or on a full disk: what is stored can still
		 * be shown, but the command fails (au_run_scan returns false). */
		au_err err2;
		if (access(path, F_OK) == 0 && au_store_open(path, true, &s, &err2) == 0) {
			if (!o->no_scan)
				fprintf(stderr, "aiusage: cannot write the store, so nothing new was scanned: %s%s\n",
					err.msg, hint);
		} else {
			fprintf(stderr, "aiusage: %s%s\n", err.msg, hint);
			s = NULL;
		}
	} else if (au_store_warning(s) && !o->quiet) {
		fprintf(stderr, "aiusage: warning: %s\n", au_store_warning(s));
	}
	free(path);
	return s;
}

char *au_default_prices_path(void)
{
	char *db = au_default_db_path();
	char *slash = strrchr(db, '/');
	*slash = '\0';
	char *path = xasprintf("%s/prices.json", db);
	free(db);
	return path;
}

/* The date of the prices in use: the embedded table's, or a downloaded
 * catalog's once au_load_pricing has read one. */
static char prices_as_of[16];
static char prices_source[512];

const char *au_prices_as_of(void)
{
	return prices_as_of[0] ? prices_as_of : au_pricing_as_of();
}

const char *au_prices_source(void)
{
	return prices_source[0] ? prices_source : NULL;
}

int au_catalog_meta(const char *path, char *ret_as_of, size_t as_of_sz, char *ret_source, size_t source_sz)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root)
		return -EINVAL;
	json_t *meta = json_object_get(root, "_aiusage");
	const char *d = json_string_value(json_object_get(meta, "as_of"));
	const char *src = json_string_value(json_object_get(meta, "source"));
	int64_t day;
	int r = d && au_parse_day(d, &day) ? 0 : -EINVAL;
	if (r == 0) {
		g_strlcpy(ret_as_of, d, as_of_sz);
		g_strlcpy(ret_source, src ? src : path, source_sz);
	}
	json_decref(root);
	return r;
}

au_pricing *au_load_pricing(const au_opts *o)
{
	au_pricing *p = au_pricing_new();
	/* Precedence, lowest first: the embedded table, a catalog saved by
	 * `aiusage pricing update`, --pricing FILE. */
	char *cat = au_default_prices_path();
	if (access(cat, F_OK) == 0) {
		au_err err;
		char as_of[16], src[512];
		if (au_catalog_meta(cat, as_of, sizeof(as_of), src, sizeof(src)) < 0 ||
		    au_pricing_load_catalog(p, cat, NULL, &err) < 0) {
			/* a broken download must not stop reports: say so, use the embedded table */
			fprintf(stderr, "aiusage: %s: not a usable price catalog, using the built-in prices "
					"(run `aiusage pricing update` again)\n", cat);
			au_pricing_free(p);
			p = au_pricing_new();
		} else {
			g_strlcpy(prices_as_of, as_of, sizeof(prices_as_of));
			g_strlcpy(prices_source, src, sizeof(prices_source));
		}
	}
	free(cat);
	if (o->pricing_file) {
		au_err err;
		if (au_pricing_load_file(p, o->pricing_file, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			au_pricing_free(p);
			return NULL;
		}
	}
	return p;
}

typedef struct progress_ctx {
	gint64 start;
	bool shown;
} progress_ctx;

static void on_progress(void *ud, const au_scan_stats *st)
{
	progress_ctx *pc = ud;
	double elapsed = (double)(g_get_monotonic_time() - pc->start) / 1e6;
	if (elapsed < 1.0)
		return; /* a scan shorter than a second stays silent */
	char line[256];
	au_scan_progress_line(st, elapsed, line, sizeof(line));
	fprintf(stderr, "\r\033[K%s", line);
	pc->shown = true;
}

bool au_run_scan(au_store *s, au_pricing *p, const au_opts *o, au_scan_stats *st, bool writable)
{
	au_scan_stats_init(st);
	if (o->no_scan)
		return true;
	if (!writable)
		return false; /* au_open_store said why */
	au_err err;
	if (au_store_reprice(s, p, &err) < 0) {
		fprintf(stderr, "aiusage: warning: could not update stored costs: %s\n", err.msg);
	}
	/* A watcher that has read everything and keeps reading it left
	 * nothing to scan (on 20k files a scan with nothing new is mostly
	 * a stat() of each). */
	if (!o->always_scan) {
		au_root *roots = au_roots_get(AU_SRC_NONE);
		uint64_t fp = au_roots_fingerprint(roots);
		au_roots_free(roots);
		char *db = o->db_path ? xstrdup(o->db_path) : au_default_db_path();
		long pid;
		bool live = au_daemon_keeps_current(db, fp, &pid);
		free(db);
		if (live) {
			if (o->verbose && !o->quiet)
				fprintf(stderr, "aiusage: the watcher (pid %ld) keeps the store current: not scanning"
						" ('aiusage scan' scans anyway)\n", pid);
			return true;
		}
	}
	progress_ctx pc = {g_get_monotonic_time(), false};
	au_scan_opts so = {.only = AU_SRC_NONE};
	int64_t threads;
	const char *tenv = getenv("AIUSAGE_SCAN_THREADS");
	if (tenv && au_parse_int64(tenv, &threads) && threads > 0 && threads <= 64)
		so.threads = (int)threads;
	if (isatty(STDERR_FILENO) && !o->quiet) {
		so.progress = on_progress;
		so.progress_ud = &pc;
	}
	int r = au_scan(s, p, &so, st, &err);
	if (pc.shown)
		fputs("\r\033[K", stderr);
	if (r < 0) {
		fprintf(stderr, "aiusage: scan stopped: %s\n", err.msg);
		return false;
	}
	return true;
}

static void warn_line(const char *kind, const char *text)
{
	char *safe = au_term_text(text);
	fprintf(stderr, "aiusage: %s: %s\n", kind, safe);
	free(safe);
}

void au_print_scan_warnings(const au_scan_stats *st, const au_opts *o)
{
	if (o->quiet)
		return;
	guint shown = st->warnings->len;
	if (!o->verbose && shown > 3)
		shown = 3;
	/* the lines name paths and models from logs: au_term_text keeps
	 * their control characters from reaching the terminal */
	for (guint i = 0; i < shown; i++)
		warn_line("warning", st->warnings->pdata[i]);
	if (st->warnings_total > shown)
		fprintf(stderr, "aiusage: %" PRId64 " more warning(s)%s\n", st->warnings_total - shown,
			o->verbose ? "" : "; 'aiusage scan -v' lists them");
	if (o->verbose) {
		for (guint i = 0; i < st->notes->len; i++)
			warn_line("note", st->notes->pdata[i]);
		if (st->skipped > st->notes->len)
			fprintf(stderr, "aiusage: note: %" PRId64 " more path(s) skipped\n",
				st->skipped - (int64_t)st->notes->len);
	}
	for (guint i = 0; i < st->unknown->len; i++)
		warn_line("note", st->unknown->pdata[i]);
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, st->fallback);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		char *model = au_term_text(k);
		fprintf(stderr, "aiusage: note: %d response(s) named no model; counted as %s\n",
			GPOINTER_TO_INT(v), model);
		free(model);
	}
}

static char *local_day(GTimeZone *tz, int64_t ms)
{
	char buf[16];
	au_format_day(au_tz_day(tz, ms), buf);
	return g_strdup(buf);
}

static int cmp_label(const void *a, const void *b)
{
	return g_ascii_strcasecmp(((const au_row *const *)a)[0]->key, ((const au_row *const *)b)[0]->key);
}

void au_explain_no_match(au_store *s, const au_opts *o, const au_report_opts *ro)
{
	GString *f = g_string_new(NULL);
	if (o->project)
		g_string_append_printf(f, "%s--project %s", f->len ? ", " : "", o->project);
	if (o->source_given && o->source != AU_SRC_NONE)
		g_string_append_printf(f, "%s--source %s", f->len ? ", " : "", au_source_name(o->source));
	if (o->since)
		g_string_append_printf(f, "%s--since %s", f->len ? ", " : "", o->since);
	if (o->until)
		g_string_append_printf(f, "%s--until %s", f->len ? ", " : "", o->until);
	if (!f->len) {
		g_string_free(f, TRUE);
		printf("No usage in the selected period.\n");
		return;
	}
	printf("No usage matched these filters (%s).\n", f->str);
	g_string_free(f, TRUE);

	/* everything stored, by project: the labels, the tools, the first and last times */
	au_report_opts all = {.group = AU_GROUP_PROJECT, .tz = ro->tz, .since_day = INT64_MIN,
			      .until_day = INT64_MAX, .full_path = ro->full_path, .week_start = ro->week_start};
	au_report *rep = NULL;
	au_err err;
	if (au_report_build(s, &all, &rep, &err) < 0 || rep->rows->len == 0) {
		if (rep)
			printf("The store holds no usage at all yet.\n");
		au_report_free(rep);
		return;
	}
	int64_t first = INT64_MAX, last = INT64_MIN;
	unsigned sources = 0;
	for (guint i = 0; i < rep->rows->len; i++) {
		const au_row *r = rep->rows->pdata[i];
		first = r->first_ts < first ? r->first_ts : first;
		last = r->last_ts > last ? r->last_ts : last;
		sources |= r->sources;
	}
	char *a = local_day(ro->tz, first), *b = local_day(ro->tz, last);
	printf("The store holds usage from %s to %s.\n", a, b);
	g_free(a);
	g_free(b);
	if (o->source_given && o->source != AU_SRC_NONE) {
		printf("Tools with usage:");
		for (int i = AU_SRC_NONE + 1; i < AU_SRC_MAX; i++)
			if (sources & (1u << i))
				printf(" %s", au_source_name((au_source)i));
		printf("\n");
	}
	if (o->project) {
		enum { SHOWN = 20 };
		g_ptr_array_sort(rep->rows, cmp_label);
		printf("Known projects (--project takes a name, a path, or a folder above one):\n");
		for (guint i = 0; i < rep->rows->len && i < SHOWN; i++)
			printf("  %s\n", ((const au_row *)rep->rows->pdata[i])->key);
		if (rep->rows->len > SHOWN)
			printf("  ... and %u more ('aiusage projects' lists them)\n", rep->rows->len - SHOWN);
	}
	au_report_free(rep);
}

GTimeZone *au_cli_zone(const au_cmd *cmd, const au_opts *o, int *ret_exit)
{
	GTimeZone *tz = NULL;
	if (o->timezone) {
		au_err err;
		if (au_zone_parse(o->timezone, &tz, &err) < 0) {
			*ret_exit = au_usage_error(cmd, "%s", err.msg);
			return NULL;
		}
		return tz;
	}
	char *warning;
	tz = au_zone_local(&warning);
	if (warning && !o->quiet)
		fprintf(stderr, "aiusage: warning: %s\n", warning);
	g_free(warning);
	return tz;
}

bool au_use_color(const au_opts *o, FILE *f)
{
	if (o->color >= 0)
		return o->color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}
