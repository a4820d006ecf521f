/*
 * Budgets against the store: which local day, week or month an instant
 * falls in (in the config's zone), what was spent in it under a budget's
 * source and project filter, the share of the limit, a linear projection to
 * the end of the period, and the alert level. Reads the 15-minute `agg`
 * table over the period's buckets only, so it is cheap enough to run after
 * every batch the watcher commits. Also the table and JSON renderers that
 * `aiusage budget` and `aiusage status` share.
 */
#ifndef AU_BUDGET_H
#define AU_BUDGET_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* Projections are made from at least this much of a period: one minute of
 * spending extrapolated to a whole day would be noise. */
#define AU_PROJECT_MIN_ELAPSED_MS INT64_C(3600000)

typedef enum au_period { AU_PERIOD_DAY, AU_PERIOD_WEEK, AU_PERIOD_MONTH } au_period;

#define AU_BUDGET_NAME_MAX 64

/* One budget (config.ini's "[budget NAME]" groups, parsed by src/config:
 * this layer only evaluates them and never reads the file). */
/* Whose spending a budget counts: this store's, or the team server's
 * (every machine that pushes there; `scope = team`). */
typedef enum au_budget_scope { AU_BUDGET_LOCAL = 0, AU_BUDGET_TEAM } au_budget_scope;

typedef struct au_budget {
	char *name;        /* letters, digits, '-', '_', '.' */
	au_budget_scope scope;
	au_period period;
	au_source source;  /* AU_SRC_NONE = all */
	char *project;     /* NULL = all; a label or a path, as report --project */
	int64_t limit_pico;
} au_budget;

/* What every budget is evaluated under (from the config's settings). */
typedef struct au_budget_rules {
	GTimeZone *tz;    /* periods are counted in it; owned */
	int week_start;   /* 0 = Sunday ... 6 = Saturday */
	int warn_percent; /* the WARNING level starts here */
} au_budget_rules;

void au_budget_rules_release(au_budget_rules *r);

/* "day", "week", "month" and the adjectives "daily", "weekly", "monthly". */
const char *au_period_name(au_period p);
const char *au_period_adjective(au_period p);

typedef enum au_level { AU_LEVEL_OK = 0, AU_LEVEL_WARNING = 1, AU_LEVEL_OVER = 2 } au_level;

typedef struct au_budget_status {
	const au_budget *budget; /* borrowed from the config */
	char *period_key;        /* day "2026-11-16", week: its first day, month "2026-11" */
	int64_t start_ms, end_ms; /* the period, UTC ms, [start, end) */
	int64_t spent;           /* pico-dollars of priced usage in the period */
	int64_t unpriced;        /* responses in the period whose model has no price */
	int64_t limit;           /* pico-dollars (the budget's limit_pico) */
	int percent;             /* floor(100 * spent / limit) */
	/*
	 * Linear projection to the end of the period, pico-dollars:
	 * spent * period_length / elapsed, with elapsed = now - start but at
	 * least AU_PROJECT_MIN_ELAPSED_MS; a period that has ended projects to
	 * what was spent. Never less than spent.
	 */
	int64_t projected;
	au_level level;          /* WARNING from warn_percent, OVER at 100 % and above */
	char *top_project;       /* label of the costliest project in it, NULL if none */
	int64_t top_project_spent;
} au_budget_status;

/*
 * Local period of `p` that contains at_ms, in tz, weeks starting on
 * week_start (0 = Sunday). *ret_key is malloc'd (may be NULL if unwanted).
 */
void au_period_bounds(GTimeZone *tz, au_period p, int week_start, int64_t at_ms, int64_t *ret_start_ms,
		      int64_t *ret_end_ms, char **ret_key);

/*
 * Evaluates budget b over the period containing at_ms (usually now_ms; an
 * earlier instant for an alert held from a past period), projecting from
 * now_ms. Fills *ret (release with au_budget_status_release).
 */
int au_budget_evaluate(au_store *s, const au_budget_rules *rules, const au_budget *b, int64_t at_ms, int64_t now_ms,
		       au_budget_status *ret, au_err *err);
void au_budget_status_release(au_budget_status *st);

/* The same from a figure read elsewhere (a team budget's, from the team
 * server): spent and unpriced over the period containing at_ms; no top
 * project. */
void au_budget_status_from(const au_budget_rules *rules, const au_budget *b, int64_t at_ms, int64_t now_ms,
			   int64_t spent, int64_t unpriced, au_budget_status *ret);

/* Every local budget (au_budget*) at now_ms: a GArray of au_budget_status,
 * in the given order; team budgets are left out (their figure is the team
 * server's). Free with au_budget_statuses_free. */
int au_budget_evaluate_all(au_store *s, const au_budget_rules *rules, const GPtrArray *budgets, int64_t now_ms,
			   GArray **ret, au_err *err);
void au_budget_statuses_free(GArray *a);

/* Spending in one period without a budget (status: "today, all sources"). */
int au_period_spent(au_store *s, const au_budget_rules *rules, au_period p, int64_t now_ms, int64_t *ret_spent,
		    au_err *err);

const char *au_level_name(au_level l); /* "ok", "warning", "over" */

/* Renderers for `aiusage budget`: an aligned table, or JSON with exact
 * decimal dollars. tz_name is printed with the JSON. */
void au_budget_render_table(FILE *f, const GArray *statuses, bool color, int width);
void au_budget_render_json(FILE *f, const GArray *statuses, const char *tz_name);
/* One budget as a JSON object, with the one JSON writer. */
struct au_jw;
void au_budget_status_json(struct au_jw *w, const au_budget_status *st);


/* Milliseconds since the epoch, now (wall clock). */
int64_t au_now_ms(void);

#endif
