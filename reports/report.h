/*
 * Reports: read the store's 15-minute aggregate, group it by local day,
 * week, month, session, project or model, and hand the rows to a renderer
 * (table, JSON, CSV). Grouping happens here once; renderers only format.
 */
#ifndef AU_REPORT_H
#define AU_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parser.h"
#include "queries.h"
#include "store.h"

typedef enum au_group {
	AU_GROUP_DAY,
	AU_GROUP_WEEK,
	AU_GROUP_MONTH,
	AU_GROUP_SESSION,
	AU_GROUP_PROJECT,
	AU_GROUP_MODEL,
} au_group;

typedef struct au_report_opts {
	au_group group;
	GTimeZone *tz;           /* borrowed; local days are computed in it */
	int64_t since_day;       /* local days since 1970-01-01, inclusive */
	int64_t until_day;       /* INT64_MIN / INT64_MAX: no bound */
	au_source source;        /* AU_SRC_NONE: all */
	const char *project;     /* filter: label or path, NULL for all */
	bool full_path;          /* project labels are whole paths */
	bool order_desc;
	int week_start;          /* 0 = Sunday ... 6 = Saturday; default 1 */
	/* --by: "user" or "machine" splits each row by the rows' who (the
	 * grouping column, and the JSON key); NULL: no split */
	const char *by;
} au_report_opts;

typedef struct au_totals {
	au_tokens tok;
	int64_t cost;       /* pico-dollars, priced responses only */
	int64_t responses;
	int64_t unpriced;   /* responses whose model has no price */
	/* What the tools themselves said these responses cost (OpenCode's
	 * `cost`, the Cursor dashboard's), pico-dollars, summed over the
	 * tool_costed responses that carry such a figure. */
	int64_t tool_cost;
	int64_t tool_costed;
} au_totals;

typedef struct au_model_row {
	char *model;
	unsigned sources;   /* bit (1 << au_source) per source seen */
	au_totals t;
} au_model_row;

typedef struct au_row {
	char *key;          /* "2025-10-01", "2025-10", session id, project label, model */
	char *project;      /* sessions: the project label; else NULL */
	char *path;         /* sessions/projects: the working directory */
	unsigned sources;
	int64_t first_ts, last_ts; /* UTC ms of first and last response */
	int64_t last_day;   /* sessions: local day (since 1970) of last_ts in the report's zone */
	au_totals t;
	GPtrArray *models;  /* au_model_row*, sorted by cost desc then name */
	/* --with-cloud: what the providers' billing APIs billed in this period */
	bool has_billed;
	int64_t billed; /* pico-dollars */
	char *who;      /* with au_report_opts.by: the user or machine; else NULL */
} au_row;

typedef struct au_report {
	au_group group;
	GPtrArray *rows;    /* au_row*, ordered as asked */
	au_totals total;
	GPtrArray *unpriced_models; /* char*, sorted */
	const char *tz_name;
	const char *by;  /* au_report_opts.by: the rows carry who */
	bool with_cloud; /* rows carry billed figures (au_report_add_billed) */
	bool has_billed;
	int64_t billed;
} au_report;

int au_report_build(au_store *s, const au_report_opts *o, au_report **ret, au_err *err);
/* The same from any source of 15-minute aggregate rows (the team server's,
 * src/team): next fills one row (1), says the end (0) or fails (< 0); rows
 * of another source than o->source must already be left out. */
typedef int (*au_agg_next_fn)(void *ctx, au_agg_row *ret_row, au_err *err);
int au_report_build_from(au_agg_next_fn next, void *ctx, const au_report_opts *o, au_report **ret, au_err *err);

/* Some row carries a tool's own cost (JSON and CSV show it only then). */
bool au_report_has_tool_cost(const au_report *r);
/* Some row's or model sub-row's tool cost differs from our cost of it, in
 * pico-dollars: the table shows its Tool Cost column only then. */
bool au_report_tool_cost_differs(const au_report *r);

/*
 * --with-cloud for daily/weekly/monthly: adds what the providers billed
 * (cloud_usage, as `aiusage cloud sync` stored it) to each period. Billing
 * comes per UTC day; a day counts in the period holding its noon. With a
 * source filter only that tool's provider counts (claude: anthropic, codex:
 * openai); a project filter cannot apply to billing, so it adds nothing.
 */
int au_report_add_billed(au_store *s, au_report *r, const au_report_opts *o, au_err *err);
void au_report_free(au_report *r);

const char *au_group_name(au_group g);    /* "daily", "weekly", ... (JSON top key) */
const char *au_group_keyname(au_group g); /* "date", "week", "month", "sessionId", ... */

/* The project label of a working directory: the git repository root's name
 * when inside one, else the directory's own name; whole path if full. */
char *au_project_label(const char *cwd, bool full);
/* The one rule of --project (and a budget's project): the label, the exact
 * path, or a directory above the working directory; a trailing '/' in the
 * filter does not matter. */
bool au_project_matches(const char *filter, const char *cwd, const char *label);

/* Renderers. */
typedef struct au_render_opts {
	bool color;
	int width;        /* terminal columns; 0 = unlimited */
	bool breakdown;   /* per-model rows under each period */
} au_render_opts;

void au_render_table(FILE *f, const au_report *r, const au_render_opts *o);
void au_render_json(FILE *f, const au_report *r, const au_render_opts *o);
void au_render_csv(FILE *f, const au_report *r, const au_render_opts *o);

/* "1,234,567" */
void au_format_int(int64_t v, char *buf, size_t n);

#endif
