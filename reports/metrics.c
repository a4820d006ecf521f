/*
 * The Prometheus text exposition (format 0.0.4) of the store: counters of
 * tokens, cost and responses by source and model, made with the model
 * report (`aiusage models --source X`, whole history), so they sum to the
 * --json totals; budget gauges; tracked files, the newest usage per source
 * and scan errors. Label sets stay bounded: sources are a fixed list, the
 * models of each source are its AU_METRICS_MODELS costliest (the rest is
 * model="other"), budgets come from the config, which caps them.
 */
#include "dashboard.h"

#include <inttypes.h>
#include <string.h>

#include "jsonw.h"
#include "queries.h"

/* A label value: backslash, double quote and line feed escaped; bytes that
 * are not UTF-8 replaced. */
static void label(FILE *f, const char *s)
{
	char *v = g_utf8_make_valid(s ? s : "", -1);
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	g_free(v);
}

static void dollars(FILE *f, int64_t pico)
{
	char b[48];
	au_format_decimal(pico, 12, b, sizeof(b));
	fputs(b, f);
}

/* One source's models, the costliest first, with the rest folded into "other". */
typedef struct series {
	au_source src;
	char *model;
	au_totals t;
} series;

static void add_totals(au_totals *a, const au_totals *b)
{
	a->tok.input += b->tok.input;
	a->tok.output += b->tok.output;
	a->tok.cache_read += b->tok.cache_read;
	a->tok.cache_create_5m += b->tok.cache_create_5m;
	a->tok.cache_create_1h += b->tok.cache_create_1h;
	a->cost += b->cost;
	a->responses += b->responses;
}

static int collect(au_store *s, GArray *out, au_err *err)
{
	GTimeZone *utc = g_time_zone_new_utc();
	int rc = 0;
	for (int src = 1; src < AU_SRC_MAX && rc == 0; src++) {
		au_report_opts ro = {
			.group = AU_GROUP_MODEL,
			.tz = utc,
			.since_day = INT64_MIN,
			.until_day = INT64_MAX,
			.source = (au_source)src,
			.week_start = 1,
		};
		au_report *r;
		if ((rc = au_report_build(s, &ro, &r, err)) < 0)
			break;
		series other = {.src = (au_source)src};
		bool folded = false;
		for (guint i = 0; i < r->rows->len; i++) {
			const au_row *row = r->rows->pdata[i];
			if (i < AU_METRICS_MODELS - 1 || r->rows->len <= AU_METRICS_MODELS) {
				series x = {.src = (au_source)src, .model = g_strdup(row->key), .t = row->t};
				g_array_append_val(out, x);
			} else {
				add_totals(&other.t, &row->t);
				folded = true;
			}
		}
		if (folded) {
			other.model = g_strdup("other");
			g_array_append_val(out, other);
		}
		au_report_free(r);
	}
	g_time_zone_unref(utc);
	return rc;
}

static void series_labels(FILE *f, const series *x)
{
	fprintf(f, "source=\"%s\",model=\"", au_source_name(x->src));
	label(f, x->model);
	fputc('"', f);
}

int au_metrics_write(FILE *f, au_store *s, const GArray *budgets, const au_metrics_live *live, au_err *err)
{
	GArray *sv = g_array_new(FALSE, FALSE, sizeof(series));
	int64_t files = 0, last[AU_SRC_MAX];
	int rc = collect(s, sv, err);
	if (rc == 0)
		rc = au_store_file_count(s, &files, err);
	if (rc == 0)
		rc = au_store_last_ts_by_source(s, false, last, err);
	if (rc < 0)
		goto out;

	fputs("# HELP aiusage_tokens_total Tokens used, by source, model and kind (input excludes cached input).\n"
	      "# TYPE aiusage_tokens_total counter\n",
	      f);
	static const char *const kinds[] = {"input", "output", "cache_read", "cache_create"};
	for (guint i = 0; i < sv->len; i++) {
		const series *x = &g_array_index(sv, series, i);
		int64_t v[] = {x->t.tok.input, x->t.tok.output, x->t.tok.cache_read,
			       x->t.tok.cache_create_5m + x->t.tok.cache_create_1h};
		for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
			fputs("aiusage_tokens_total{", f);
			series_labels(f, x);
			fprintf(f, ",type=\"%s\"} %" PRId64 "\n", kinds[k], v[k]);
		}
	}
	fputs("# HELP aiusage_cost_usd_total Estimated cost in US dollars of the priced responses, by source and model.\n"
	      "# TYPE aiusage_cost_usd_total counter\n",
	      f);
	for (guint i = 0; i < sv->len; i++) {
		const series *x = &g_array_index(sv, series, i);
		fputs("aiusage_cost_usd_total{", f);
		series_labels(f, x);
		fputs("} ", f);
		dollars(f, x->t.cost);
		fputc('\n', f);
	}
	fputs("# HELP aiusage_responses_total Responses counted (each once), by source and model.\n"
	      "# TYPE aiusage_responses_total counter\n",
	      f);
	for (guint i = 0; i < sv->len; i++) {
		const series *x = &g_array_index(sv, series, i);
		fputs("aiusage_responses_total{", f);
		series_labels(f, x);
		fprintf(f, "} %" PRId64 "\n", x->t.responses);
	}
	fputs("# HELP aiusage_budget_spent_usd Spent in the budget's current period, US dollars.\n"
	      "# TYPE aiusage_budget_spent_usd gauge\n",
	      f);
	for (guint i = 0; budgets && i < budgets->len; i++) {
		const au_budget_status *st = &g_array_index(budgets, au_budget_status, i);
		fputs("aiusage_budget_spent_usd{budget=\"", f);
		label(f, st->budget->name);
		fputs("\"} ", f);
		dollars(f, st->spent);
		fputc('\n', f);
	}
	fputs("# HELP aiusage_budget_limit_usd The budget's limit per period, US dollars.\n"
	      "# TYPE aiusage_budget_limit_usd gauge\n",
	      f);
	for (guint i = 0; budgets && i < budgets->len; i++) {
		const au_budget_status *st = &g_array_index(budgets, au_budget_status, i);
		fputs("aiusage_budget_limit_usd{budget=\"", f);
		label(f, st->budget->name);
		fputs("\"} ", f);
		dollars(f, st->limit);
		fputc('\n', f);
	}
	fprintf(f, "# HELP aiusage_watch_files Log files the store tracks.\n"
		   "# TYPE aiusage_watch_files gauge\n"
		   "aiusage_watch_files %" PRId64 "\n",
		files);
	/* the watcher's own clock of activity when there is a watcher: a
	 * source whose logs change but yield nothing still counts as alive */
	bool watching = live && live->watching;
	if (watching)
		memcpy(last, live->last_event_ms, sizeof(last));
	fputs(watching ? "# HELP aiusage_watch_last_event_timestamp_seconds When the watcher last saw a source's logs "
			 "change (inotify), by source; absent until it has.\n"
		       : "# HELP aiusage_watch_last_event_timestamp_seconds No watcher runs: the time of the newest "
			 "usage stored, by source.\n",
	      f);
	fputs("# TYPE aiusage_watch_last_event_timestamp_seconds gauge\n", f);
	for (int src = 1; src < AU_SRC_MAX; src++)
		if (last[src] > 0)
			fprintf(f, "aiusage_watch_last_event_timestamp_seconds{source=\"%s\"} %" PRId64 ".%03" PRId64 "\n",
				au_source_name((au_source)src), last[src] / 1000, last[src] % 1000);
	fputs("# HELP aiusage_scan_errors_total Malformed, oversized or unreadable log input met by this process's "
	      "scans, by source.\n"
	      "# TYPE aiusage_scan_errors_total counter\n",
	      f);
	for (int src = 1; src < AU_SRC_MAX; src++)
		fprintf(f, "aiusage_scan_errors_total{source=\"%s\"} %" PRId64 "\n", au_source_name((au_source)src),
			live ? live->scan_errors[src] : 0);
out:
	for (guint i = 0; i < sv->len; i++)
		g_free(g_array_index(sv, series, i).model);
	g_array_free(sv, TRUE);
	return rc;
}
