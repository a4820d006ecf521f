/*
 * The dashboard: every figure the HTML report (`aiusage html`) and the live
 * page (`aiusage serve`) show, made by the same builders --json uses
 * (au_report_build, au_cache_build, au_blocks_build, au_budget_evaluate_all),
 * so a figure on the page is the figure --json prints. dashboard.c builds it,
 * render_html.c draws it as one self-contained HTML file, and metrics.c
 * writes the store's counters in the Prometheus text format.
 */
#ifndef AU_DASHBOARD_H
#define AU_DASHBOARD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "budget.h"
#include "insights.h"
#include "report.h"

/* Stacks per chart; the others are folded into "other". */
#define AU_DASH_STACKS 8
/* A range longer than this (say --since 2000-01-01) is cut to the days
 * with usage: a 25-year bar chart helps no one. */
#define AU_DASH_MAX_DAYS 1100

typedef struct au_dash_opts {
	GTimeZone *tz;        /* borrowed */
	const char *tz_name;  /* shown, and written as the JSON's "timezone" */
	int64_t since_day, until_day; /* local days, INT64_MIN / INT64_MAX: no bound */
	au_source source;     /* AU_SRC_NONE: all */
	const char *project;  /* NULL: all */
	bool full_path;
	int64_t now_ms;       /* for blocks and budgets */
	au_pricing *pricing;  /* borrowed: the cache figures price each request */
	const GPtrArray *budgets;     /* au_budget*, borrowed; NULL: none */
	const au_budget_rules *rules; /* with budgets */
} au_dash_opts;

/* Daily cost split by one key (model, source or project): cost[d * n + k]
 * is day d's cost (pico) for labels[k]. */
typedef struct au_dash_stack {
	GPtrArray *labels; /* char*; the last is "other" when some were folded */
	int64_t *cost;
} au_dash_stack;

typedef struct au_dash {
	int64_t first_day, last_day; /* the days shown; ndays 0: none */
	int64_t ndays;
	const char *tz_name;
	GTimeZone *tz;       /* borrowed from the options: keep it until rendered */
	int64_t now_ms;
	au_report *daily;    /* by day, with the models of each; billed figures when cloud data exists */
	au_report *models;   /* costliest first */
	au_report *projects; /* costliest first */
	GPtrArray *sessions; /* au_row* borrowed from the session report, costliest first */
	au_report *session_report;
	au_cache *cache;     /* by day */
	au_blocks *blocks;
	GArray *budgets;     /* au_budget_status; NULL without budgets */
	au_dash_stack by_model, by_source, by_project;
} au_dash;

int au_dash_build(au_store *s, const au_dash_opts *o, au_dash **ret, au_err *err);
void au_dash_free(au_dash *d);
/* A day row's key ("2025-10-01") as local days since 1970, or INT64_MIN. */
int64_t au_dash_day_of_key(const char *key);
/* The daily row of day (local days since 1970), or NULL. */
const au_row *au_dash_day(const au_dash *d, int64_t day);

/* ---- render_html.c ---- */
typedef struct au_html_opts {
	/* The served page: a small script reloads it when the server says the
	 * store changed (Server-Sent Events from /events). The file has none. */
	bool live;
	const char *filters; /* a line naming the filters in effect, or NULL */
} au_html_opts;

/* One self-contained page: inline CSS and SVG, no URL of any kind; a
 * Content-Security-Policy meta tag forbids every load (the live page may
 * only talk back to its own server). */
void au_render_html(FILE *f, const au_dash *d, const au_html_opts *o);

/* "$1,234.56" (pico-dollars rounded to cents, grouped thousands). */
void au_format_usd_grouped(int64_t pico, char *buf, size_t n);

/* ---- metrics.c ---- */
/* What the watcher knows beyond the store (zeros outside a watcher). */
typedef struct au_metrics_live {
	int64_t scan_errors[AU_SRC_MAX]; /* malformed, oversized and unreadable, since start */
	/* Under a watcher: when it last saw each source's logs change (UTC ms
	 * of the inotify event, 0: not since it started). Outside one
	 * (watching false) the newest usage stored stands in. */
	bool watching;
	int64_t last_event_ms[AU_SRC_MAX];
} au_metrics_live;

/* Labels per source are bounded: the costliest models each, the rest "other". */
#define AU_METRICS_MODELS 20

/*
 * The Prometheus text exposition of the whole store (no filter): tokens,
 * cost and responses by source and model, the budgets (statuses may be
 * NULL), tracked files, the newest usage per source and scan errors.
 */
int au_metrics_write(FILE *f, au_store *s, const GArray *budget_statuses, const au_metrics_live *live,
		     au_err *err);

#endif
