/*
 * Insights: figures that need more than sums. compare re-prices every
 * counted response as another model; cache measures hit ratio, savings and
 * wasted writes; blocks cuts usage into Claude's 5-hour windows; the
 * summary (forecast, anomalies, heatmap) works on daily sums. Everything
 * here reads the store and computes in integers (pico-dollars, tokens);
 * nothing prints: the src/cmd_*.c commands render.
 *
 * Per-request figures read the `usage` table (one row per response) because
 * prices are tiered per request; 15-minute sums come from `agg`.
 */
#ifndef AU_INSIGHTS_H
#define AU_INSIGHTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "parser.h"
#include "pricing.h"
#include "store.h"

/* ---- selection and local time ------------------------------------------ */

/* Which responses a figure covers: the report filters. */
typedef struct au_filter {
	GTimeZone *tz;       /* borrowed; local days are computed in it */
	int64_t since_day;   /* local days since 1970-01-01, inclusive; */
	int64_t until_day;   /* INT64_MIN / INT64_MAX: no bound */
	au_source source;    /* AU_SRC_NONE: all */
	const char *project; /* a project label or path (as `report --project`), NULL: all */
	bool full_path;      /* project labels are whole paths */
	int64_t until_ms;    /* responses after this instant (UTC ms) are left out; 0: no bound */
} au_filter;

/* One counted response. The strings live until the callback returns. */
typedef struct au_req {
	int64_t ts;  /* UTC ms */
	int64_t day; /* local day */
	const char *source, *session, *cwd, *model;
	const char *project; /* the label of cwd */
	bool sidechain;
	au_tokens tok;
	int64_t cost; /* pico-dollars, or AU_COST_UNPRICED */
} au_req;

typedef enum au_req_order {
	AU_REQ_BY_TIME,   /* ts, then id */
	AU_REQ_BY_STREAM, /* session, model, chain, then ts: one cache stream at a time */
} au_req_order;

/* Calls fn for every response the filter selects; a negative return from fn
 * stops and is returned. */
typedef int (*au_req_fn)(void *ud, const au_req *r);
int au_req_each(au_store *s, const au_filter *f, au_req_order order, au_req_fn fn, void *ud, au_err *err);

/* Local day (days since 1970-01-01) of a UTC instant in tz. */
int64_t au_tz_day(GTimeZone *tz, int64_t utc_ms);
/* UTC ms of the local midnight that starts `day` (the first existing
 * instant of that day when a DST jump skips midnight). */
int64_t au_tz_day_start(GTimeZone *tz, int64_t day);
/* Local weekday (0 = Monday ... 6 = Sunday) and hour (0-23) of an instant. */
void au_tz_weekday_hour(GTimeZone *tz, int64_t utc_ms, int *ret_weekday, int *ret_hour);
/* "2025-11-02", and "2025-11-02 13:00" in tz. */
void au_format_day(int64_t day, char buf[static 16]);
void au_format_local(GTimeZone *tz, int64_t utc_ms, char buf[static 24]);

/* The rates a request is priced at: the long-context tier when its prompt
 * passes the model's threshold (the rule au_cost_pico applies). */
const au_rates *au_rates_for(const au_model_price *mp, const au_tokens *t);
/* tokens x rate in pico-dollars, saturating. */
int64_t au_mul_rate(int64_t tokens, int64_t rate);
/* a/b rounded half away from zero; 0 when b is 0. */
int64_t au_div_round(int64_t a, int64_t b);
/* a*b/c rounded half away from zero, in 128 bits, saturating; 0 when c is 0. */
int64_t au_muldiv(int64_t a, int64_t b, int64_t c);

/* The project label of cwd when it passes f's project filter, else NULL.
 * labels caches cwd -> label (g_hash_table_new_full(g_str_hash,
 * g_str_equal, g_free, free)). */
const char *au_filter_project(const au_filter *f, GHashTable *labels, const char *cwd);

/* Adds name to a sorted list of unpriced models (GPtrArray of char*,
 * owning) unless it is there. */
void au_unpriced_note(GPtrArray *list, const char *model);

/* ---- compare: what the same requests would cost on other models --------- */

typedef struct au_compare_row {
	char *model;        /* the model actually used; NULL for the total */
	int64_t requests;
	au_tokens tok;
	int64_t actual;     /* pico, over priced requests */
	int64_t unpriced;   /* requests whose own model has no price */
	int64_t *whatif;    /* per target, pico: every request of the row */
	int64_t *whatif_priced; /* per target, pico: the requests with an actual price */
} au_compare_row;

typedef struct au_compare {
	int ntargets;
	char **target;                 /* as the user named them */
	const au_model_price **price;  /* their price entries */
	GPtrArray *rows;               /* au_compare_row*, the costliest first */
	au_compare_row total;          /* whatif = whatif_priced: priced requests only */
} au_compare;

/* Re-prices the selected responses as each target (every target must have
 * a price: the caller rejects unknown names first). */
int au_compare_build(au_store *s, const au_filter *f, const au_model_price *const *targets,
		     char *const *names, int ntargets, au_compare **ret, au_err *err);
void au_compare_free(au_compare *c);
/* Adds one request to a row (exposed for the unit tests). */
void au_compare_add(au_compare_row *row, int ntargets, const au_model_price *const *targets,
		    const au_tokens *tok, int64_t cost);

/* The cheapest current model of the same vendor for one model's requests
 * (`models --details`): the candidate names are in insights.c. */
typedef struct au_alternative {
	const char *model;   /* the candidate's name, NULL when none is cheaper */
	int64_t cost;        /* pico, the model's priced requests re-priced */
	int64_t saves;       /* actual - cost, > 0 */
} au_alternative;

typedef struct au_model_detail {
	char *model;
	unsigned sources;
	int64_t requests, unpriced;
	au_tokens tok;
	int64_t cost;            /* pico, priced requests */
	int64_t ncand;
	const char **cand;       /* candidate names (static strings) */
	const au_model_price **cand_price; /* their entries, NULL when not in the table */
	int64_t *cand_cost;      /* per candidate, over the priced requests */
	au_alternative alt;
} au_model_detail;

typedef struct au_models {
	GPtrArray *rows;         /* au_model_detail*, the costliest first */
	int64_t requests, cost;
	int64_t tokens;
	int64_t unpriced;
} au_models;

int au_models_build(au_store *s, au_pricing *p, const au_filter *f, au_models **ret, au_err *err);
void au_models_free(au_models *m);
/* The vendor candidates for a price entry ("claude-opus-4-5" -> the Claude
 * list), NULL-terminated, or NULL for a vendor without a list. */
const char *const *au_family_candidates(const char *price_name);

/* ---- cache efficiency ---------------------------------------------------- */

#define AU_TTL_5M_MS INT64_C(300000)
#define AU_TTL_1H_MS INT64_C(3600000)

typedef struct au_cache_figs {
	int64_t requests;
	au_tokens tok;
	int64_t saved;          /* pico: cache reads x (input rate - read rate) */
	int64_t write_cost;     /* pico: cache writes x their write rates */
	int64_t waste_5m, waste_1h; /* tokens written and not read back within their TTL */
	int64_t waste_cost;     /* pico: the premium those writes paid over plain input */
	int64_t unpriced;       /* requests with no price: not in the $ figures */
} au_cache_figs;

/* cache read / (input + cache read + cache write), or -1 with no prompt. */
double au_cache_hit_ratio(const au_cache_figs *c);
/* cache write / cache read, or -1 with no reads. */
double au_cache_write_read_ratio(const au_cache_figs *c);

typedef enum au_cache_by { AU_CACHE_BY_DAY, AU_CACHE_BY_PROJECT, AU_CACHE_BY_MODEL } au_cache_by;

typedef struct au_cache_row {
	char *key;      /* "2025-11-02", project label or model */
	char *project;  /* sessions: their project */
	au_cache_figs f;
} au_cache_row;

typedef struct au_cache {
	au_cache_by by;
	GPtrArray *rows;     /* au_cache_row*: days ascending, else by cache spend */
	GPtrArray *worst;    /* au_cache_row* sessions, the lowest hit ratio first (at most 5) */
	au_cache_figs total;
	GPtrArray *unpriced_models; /* char*, sorted */
} au_cache;

int au_cache_build(au_store *s, au_pricing *p, const au_filter *f, au_cache_by by, au_cache **ret, au_err *err);
void au_cache_free(au_cache *c);

/* One cache stream (session x model x chain) in time order, for the waste
 * rule: ret_wasted[i] is true when request i's writes of that TTL are not
 * followed by a cache read in the same stream within the TTL. */
void au_cache_stream_waste(const int64_t *ts, const int64_t *cache_read, size_t n, int64_t ttl_ms,
			   bool *ret_wasted);
/* Adds one request's figures (price may be NULL: unpriced). */
void au_cache_figs_add(au_cache_figs *c, const au_model_price *mp, const au_tokens *t, bool wasted_5m,
		       bool wasted_1h);

/* The figures as JSON members ("requests":...,"hitRatio":...; no braces). */
struct au_jw;
void au_cache_figs_json(struct au_jw *w, const au_cache_figs *c);

/* ---- 5-hour blocks -------------------------------------------------------- */

#define AU_BLOCK_MS (INT64_C(5) * 3600000)

typedef struct au_block {
	int64_t start, end;        /* UTC ms: the first request floored to the hour, + 5 h */
	int64_t first_ts, last_ts; /* the block's first and last request */
	int64_t requests, unpriced;
	au_tokens tok;
	int64_t cost;              /* pico */
	GPtrArray *models;         /* char*, in order of first use */
	bool active;               /* now is inside [start, end) */
	/* active block only: rates since its first request, and the totals at
	 * its end if they go on */
	int64_t burn_tokens_per_min;
	int64_t burn_cost_per_hour; /* pico */
	int64_t projected_tokens;
	int64_t projected_cost;     /* pico */
} au_block;

typedef struct au_blocks {
	GPtrArray *blocks; /* au_block*, oldest first */
	int64_t now;
	GPtrArray *unpriced_models; /* char*, sorted */
} au_blocks;

au_blocks *au_blocks_new(int64_t now_ms);
void au_blocks_free(au_blocks *b);
/* Adds one request; requests must come in time order. */
void au_blocks_add(au_blocks *b, int64_t ts, const char *model, const au_tokens *t, int64_t cost);
/* The requests of one model within one 15-minute bucket, summed (the team
 * server's rows): since blocks start and end on the hour, adding these in
 * order of (bucket, first_ts) gives the blocks au_blocks_add would. */
typedef struct au_block_sum {
	int64_t first_ts, last_ts;
	const char *model;
	int64_t requests, unpriced;
	au_tokens tok;
	int64_t cost; /* pico, priced requests */
} au_block_sum;
void au_blocks_add_sum(au_blocks *b, const au_block_sum *x);
/* Marks the active block and computes its burn rate and projection. */
void au_blocks_finish(au_blocks *b);
int au_blocks_build(au_store *s, const au_filter *f, int64_t now_ms, au_blocks **ret, au_err *err);

/* ---- the morning summary -------------------------------------------------- */

/* Mean and sample standard deviation of n daily amounts (pico). */
void au_mean_sd(const int64_t *v, size_t n, double *ret_mean, double *ret_sd);

typedef struct au_anomaly {
	int64_t day;
	int64_t cost, mean;     /* pico: the day, and its trailing 14-day mean */
	int64_t sd;             /* pico */
	char *project, *model;  /* the largest rise over their own trailing mean */
	int64_t project_excess, model_excess;
} au_anomaly;

typedef struct au_session_cost {
	char *session, *project, *source;
	int64_t first_ts, last_ts, requests, cost, unpriced;
	au_tokens tok;
} au_session_cost;

typedef struct au_summary {
	int64_t now, today;          /* UTC ms; local day */
	int64_t first_day;           /* the first day with usage, INT64_MAX: none */
	int64_t last_day;            /* the last day with usage up to now (valid with first_day) */
	int64_t from_day, to_day;    /* the window of anomalies, sessions, heatmap, cache */
	int64_t today_cost;          /* pico, so far */
	/* yesterday vs the mean of the 7 days before it (days without usage
	 * count as $0; days before the first usage do not count) */
	int64_t yesterday, trailing_mean;
	int trailing_days;
	/* month to date and its projection */
	int64_t month_first_day, month_last_day;
	int64_t mtd;                  /* pico, from the 1st to now */
	int64_t rate;                 /* pico per day: the mean of the last 14 complete days */
	int rate_days;                /* how many days that mean covers (0: today stands in) */
	int64_t rate_sd;              /* pico: their sample standard deviation */
	double today_left;            /* the part of today still to go, 0..1 (DST-correct) */
	double remaining_days;        /* today_left + the whole days after today */
	int64_t projected, projected_low, projected_high;
	/* the budget, when given */
	int64_t budget;               /* pico per month, 0: none */
	int64_t budget_day;           /* the day it runs out (or ran out), INT64_MIN: lasts the month */
	bool budget_exceeded;         /* already spent */
	GArray *anomalies;            /* au_anomaly, oldest first */
	GPtrArray *top_sessions;      /* au_session_cost*, at most 5, the costliest first */
	int64_t heat_cost[7][24];     /* pico by local weekday (Monday first) x hour */
	int64_t heat_tokens[7][24];
	int64_t window_cost, window_tokens, window_requests, window_unpriced;
	au_cache_figs cache;          /* over the window */
	GPtrArray *unpriced_models;   /* char*, sorted: in any figure */
} au_summary;

/* The window is f's since/until, or the 30 days that end today; yesterday,
 * the month and the projection are always relative to now. */
int au_summary_build(au_store *s, au_pricing *p, const au_filter *f, int64_t now_ms, int64_t budget,
		     au_summary **ret, au_err *err);
void au_summary_free(au_summary *m);

/* Month-end projection: mtd + rate x remaining days, and a ~95% range of
 * +- 1.96 x sd x sqrt(remaining) (never below mtd). */
void au_project_month(int64_t mtd, int64_t rate, int64_t sd, double remaining, int64_t *ret_projected,
		      int64_t *ret_low, int64_t *ret_high);
/* When a budget runs out at `rate` per day: the day offset from today (0 =
 * today) on which spending reaches it, with today_left of today still to
 * go and days_after full days left in the period; -1 when it lasts. */
int64_t au_budget_runout(int64_t budget, int64_t spent, int64_t rate, double today_left, int64_t days_after);

/* Whether a day costing `cost` is an anomaly against the nhist days before
 * it (up to 14, at least 7 needed): more than 2 standard deviations over
 * their mean. The mean and deviation (pico) are returned either way. */
bool au_is_anomaly(const int64_t *hist, size_t nhist, int64_t cost, int64_t *ret_mean, int64_t *ret_sd);

#endif
