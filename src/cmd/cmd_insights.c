/*
 * aiusage insights: the summary to read each morning (yesterday, the month
 * and its projection, a budget's run-out day, anomalies, top sessions, the
 * cache, an hour x weekday heatmap). Also the plumbing every insight
 * command shares: options to filter, zone, prices, store, scan and "now".
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dayarg.h"
#include "insight_json.h"
#include "render.h"
#include "term.h"
#include "termsafe.h"

/* ---- shared plumbing ------------------------------------------------------ */

static bool insight_begin(const au_cmd *cmd, int argc, char **argv, au_insight_run *x, int *ret_exit)
{
	memset(x, 0, sizeof(*x));
	if (!au_parse_options(cmd, argc, argv, &x->o, ret_exit))
		return false;
	*ret_exit = AU_EXIT_USAGE;
	x->f.since_day = INT64_MIN;
	x->f.until_day = INT64_MAX;
	if (!(x->tz = au_cli_zone(cmd, &x->o, ret_exit)))
		return false;
	x->tz_name = x->o.timezone && !g_ascii_strcasecmp(x->o.timezone, "utc") ? "UTC"
		     : x->o.timezone ? x->o.timezone
				     : g_time_zone_get_identifier(x->tz);
	x->f.tz = x->tz;
	x->f.source = x->o.source;
	x->f.project = x->o.project;
	x->f.full_path = x->o.full_path;

	au_err err;
	if (au_now_pinned(&x->now, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return false;
	}
	/* the dates after the zone and now: "today" and "-7d" are days in it */
	if (x->o.since && au_day_arg_parse(x->o.since, AU_DAY_SINCE, x->now, x->tz, &x->f.since_day, &err) < 0) {
		fprintf(stderr, "aiusage: --since %s\n", err.msg);
		return false;
	}
	if (x->o.until && au_day_arg_parse(x->o.until, AU_DAY_UNTIL, x->now, x->tz, &x->f.until_day, &err) < 0) {
		fprintf(stderr, "aiusage: --until %s\n", err.msg);
		return false;
	}
	if (x->f.since_day > x->f.until_day) {
		fprintf(stderr, "aiusage: --since is after --until\n");
		return false;
	}
	*ret_exit = AU_EXIT_FAIL;
	x->p = au_load_pricing(&x->o);
	return x->p != NULL;
}

bool au_insight_begin(const au_cmd *cmd, int argc, char **argv, au_insight_run *x, int *ret_exit)
{
	if (insight_begin(cmd, argc, argv, x, ret_exit))
		return true;
	au_insight_end(x); /* what was set up before the stop */
	return false;
}

bool au_insight_open(au_insight_run *x)
{
	x->s = au_open_store(&x->o, &x->writable);
	if (!x->s)
		return false;
	x->scanned = !x->o.no_scan && x->writable;
	/* a failed scan still reports what is stored, then exits 1 */
	x->scan_failed = !au_run_scan(x->s, x->p, &x->o, &x->st, x->writable);
	au_print_scan_warnings(&x->st, &x->o);
	return true;
}

void au_insight_warn_unpriced(const au_insight_run *x, const char *model)
{
	if (x->o.quiet)
		return;
	char *safe = au_term_text(model); /* from a log */
	fprintf(stderr, "aiusage: warning: no price known for model '%s': its usage is shown unpriced\n", safe);
	free(safe);
}

void au_insight_end(au_insight_run *x)
{
	if (x->s) {
		au_scan_stats_release(&x->st);
		au_store_close(x->s);
	}
	au_pricing_free(x->p);
	if (x->tz)
		g_time_zone_unref(x->tz);
	au_opts_release(&x->o);
}

/* ---- aiusage insights ------------------------------------------------------ */

static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static char *usd(int64_t pico)
{
	return au_cell_usd(pico, false);
}

static void print_spending(const au_summary *m)
{
	char d1[16], d2[16];
	char *a = usd(m->today_cost);
	printf("  Today so far    %s\n", a);
	free(a);
	a = usd(m->yesterday);
	char *b = usd(m->trailing_mean);
	if (m->trailing_days > 0) {
		char *pct = au_cell_pct(m->trailing_mean > 0 ? (double)(m->yesterday - m->trailing_mean) /
								      (double)m->trailing_mean
							    : NAN,
					true);
		printf("  Yesterday       %s, against %s a day over the %d day(s) before: %s\n", a, b,
		       m->trailing_days, pct);
		free(pct);
	} else {
		printf("  Yesterday       %s\n", a);
	}
	free(a);
	free(b);
	au_format_day(m->month_first_day, d1);
	a = usd(m->mtd);
	printf("  Month to date   %s since %s\n", a, d1);
	free(a);
	au_format_day(m->month_last_day, d2);
	a = usd(m->projected);
	b = usd(m->projected_low);
	char *c = usd(m->projected_high);
	char *r = usd(m->rate), *sd = usd(m->rate_sd);
	printf("  Month-end       %s by %s (likely %s to %s)\n", a, d2, b, c);
	if (m->rate_days > 0)
		printf("                  = month to date + %s a day (mean of the last %d day(s))\n"
		       "                    x %.2f days left; range +-1.96 x sd (%s)\n"
		       "                    x sqrt(days left)\n",
		       r, m->rate_days, m->remaining_days, sd);
	else
		printf("                  = month to date + today's %s a day (no complete day yet)\n"
		       "                    x %.2f days left\n",
		       r, m->remaining_days);
	free(a);
	free(b);
	free(c);
	free(r);
	free(sd);
	if (m->budget > 0) {
		a = usd(m->budget);
		if (m->budget_exceeded) {
			au_format_day(m->budget_day, d1);
			printf("  Budget          %s a month: reached on %s\n", a, d1);
		} else if (m->budget_day != INT64_MIN) {
			au_format_day(m->budget_day, d1);
			printf("  Budget          %s a month: runs out on %s at this rate\n", a, d1);
		} else {
			printf("  Budget          %s a month: lasts the month at this rate\n", a);
		}
		free(a);
	}
}

static void print_anomalies(const au_summary *m, bool color, int width)
{
	char d1[16], d2[16];
	au_format_day(m->from_day, d1);
	au_format_day(m->to_day, d2);
	printf("\nAnomalies %s to %s (over the mean + 2 sd of the 14 days before):\n", d1, d2);
	if (!m->anomalies->len) {
		printf("  none\n");
		return;
	}
	enum { A_DAY, A_COST, A_MEAN, A_SD, A_PROJECT, A_MODEL, NA };
	const au_tcol cols[NA] = {
		[A_DAY] = {.header = "Date"},
		[A_COST] = {.header = "Cost", .right = true},
		[A_MEAN] = {.header = "14-day Mean", .right = true},
		[A_SD] = {.header = "Std Dev", .right = true, .drop_rank = 1},
		[A_PROJECT] = {.header = "Project (rise)", .shrink_min = 12},
		[A_MODEL] = {.header = "Model (rise)", .shrink_min = 12},
	};
	au_table *t = au_table_new(cols, NA);
	for (guint i = 0; i < m->anomalies->len; i++) {
		const au_anomaly *a = &g_array_index(m->anomalies, au_anomaly, i);
		char *pe = au_cell_usd(a->project_excess, true), *me = au_cell_usd(a->model_excess, true);
		au_format_day(a->day, d1);
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(d1), usd(a->cost), usd(a->mean), usd(a->sd),
			      xasprintf("%s (%s)", a->project ? a->project : "", pe),
			      xasprintf("%s (%s)", a->model ? a->model : "", me));
		free(pe);
		free(me);
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);
}

static void print_sessions(const au_summary *m, const au_insight_run *x, bool color, int width)
{
	printf("\nTop sessions by cost:\n");
	if (!m->top_sessions->len) {
		printf("  none\n");
		return;
	}
	enum { S_ID, S_PROJECT, S_LAST, S_REQ, S_TOK, S_COST, NS };
	const au_tcol cols[NS] = {
		[S_ID] = {.header = "Session", .shrink_min = 8, .shrink_late = true},
		[S_PROJECT] = {.header = "Project", .shrink_min = 10},
		[S_LAST] = {.header = "Last Activity", .drop_rank = 2},
		[S_REQ] = {.header = "Requests", .right = true, .drop_rank = 1},
		[S_TOK] = {.header = "Tokens", .right = true},
		[S_COST] = {.header = "Cost (USD)", .right = true},
	};
	au_table *t = au_table_new(cols, NS);
	for (guint i = 0; i < m->top_sessions->len; i++) {
		const au_session_cost *s = m->top_sessions->pdata[i];
		char last[24];
		au_format_local(x->tz, s->last_ts, last);
		char *cost;
		if (s->unpriced == s->requests) {
			cost = xstrdup("unpriced");
		} else {
			char *u = usd(s->cost);
			cost = xasprintf("%s%s", u, s->unpriced ? " *" : "");
			free(u);
		}
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(s->session), xstrdup(s->project), xstrdup(last),
			      au_cell_int(s->requests), au_cell_int(au_tokens_total(&s->tok)), cost);
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);
}

static void print_cache(const au_summary *m)
{
	const au_cache_figs *c = &m->cache;
	double hit = au_cache_hit_ratio(c);
	if (hit < 0) {
		printf("\nCache: no prompts in the window.\n");
		return;
	}
	char *h = au_cell_pct(hit, false), *s = usd(c->saved), *w = usd(c->write_cost), *u = usd(c->waste_cost);
	printf("\nCache: hit ratio %s; reads saved %s; writes cost %s,\n"
	       "       %s of it on writes never read back ('aiusage cache' has the details).\n",
	       h, s, w, u);
	free(h);
	free(s);
	free(w);
	free(u);
}

/* Shade of a cell: a quarter of the busiest hour per step. */
static const char *shade(int64_t v, int64_t max)
{
	static const char *const steps[] = {"·", "░", "▒", "▓", "█"};
	if (v <= 0 || max <= 0)
		return steps[0];
	int64_t level = (v * 4 + max - 1) / max; /* 1..4 */
	return steps[level > 4 ? 4 : level];
}

static void print_heatmap(const au_summary *m, const au_insight_run *x)
{
	char d1[16], d2[16];
	au_format_day(m->from_day, d1);
	au_format_day(m->to_day, d2);
	/* cost, or tokens where nothing was priced */
	bool by_cost = m->window_cost > 0;
	int64_t max = 0;
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++) {
			int64_t v = by_cost ? m->heat_cost[d][h] : m->heat_tokens[d][h];
			if (v > max)
				max = v;
		}
	printf("\nWhen you use it (%s by local hour, %s), %s to %s:\n", by_cost ? "cost" : "tokens", x->tz_name, d1,
	       d2);
	printf("    ");
	for (int h = 0; h < 24; h += 3)
		printf(h < 21 ? " %-5.2d" : " %.2d", h);
	printf("\n");
	for (int d = 0; d < 7; d++) {
		printf("%s ", weekdays[d]);
		for (int h = 0; h < 24; h++)
			printf(" %s", shade(by_cost ? m->heat_cost[d][h] : m->heat_tokens[d][h], max));
		printf("\n");
	}
	char *top = by_cost ? usd(max) : au_cell_int(max);
	printf("    · none  ░ up to 1/4, ▒ 1/2, ▓ 3/4, █ all of the busiest hour's %s%s\n", top, by_cost ? "" : " tokens");
	free(top);
}

static void print_summary(const au_summary *m, const au_insight_run *x)
{
	bool color = au_use_color(&x->o, stdout);
	int width = au_terminal_width();
	char now[24];
	au_format_local(x->tz, m->now, now);
	printf("Insights at %s (%s)\n", now, x->tz_name);
	if (m->last_day < m->today - 1) {
		/* old data: yesterday, today and the month would read as zeros unexplained */
		char last[16];
		au_format_day(m->last_day, last);
		printf("Note: your usage data ends on %s, %" PRId64 " days before this view; yesterday,\n"
		       "today and the month are zero here. 'aiusage insights --as-of %s' shows\n"
		       "the summary as of that day.\n",
		       last, m->today - m->last_day, last);
	}
	printf("\nSpending\n");
	print_spending(m);
	print_anomalies(m, color, width);
	print_sessions(m, x, color, width);
	print_cache(m);
	print_heatmap(m, x);
	if (m->unpriced_models->len) {
		printf("\n* dollar figures leave out model(s) with no known price:");
		for (guint i = 0; i < m->unpriced_models->len; i++) {
			char *model = au_term_text(m->unpriced_models->pdata[i]);
			printf("%s %s", i ? "," : "", model);
			free(model);
		}
		printf("\n");
	}
}

/* Without --budget: the config's one monthly budget over everything. */
static int64_t config_monthly_budget(const au_insight_run *x)
{
	au_config *cfg = NULL;
	au_err err;
	int64_t limit = 0;
	/* NULL: the default file, which need not exist */
	if (au_config_load(NULL, &cfg, &err) == 0)
		limit = au_config_monthly_budget(cfg);
	else if (!x->o.quiet)
		fprintf(stderr, "aiusage: warning: %s (no budget in the summary)\n", err.msg);
	au_config_free(cfg);
	return limit;
}

enum { OPT_BUDGET, OPT_AS_OF };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	const char *budget_s = au_opt_own(&x.o, OPT_BUDGET);
	au_summary *m = NULL;
	int64_t budget = 0;
	code = AU_EXIT_USAGE;
	if (budget_s && (!au_parse_usd(budget_s, &budget) || budget <= 0)) {
		au_usage_error(cmd, "--budget takes dollars a month (like 50 or 12.50), not '%s'", budget_s);
		goto out;
	}
	const char *as_of = au_opt_own(&x.o, OPT_AS_OF);
	if (as_of) {
		/* the summary as it read at the end of that day */
		au_err derr;
		int64_t day;
		if (au_day_arg_parse(as_of, AU_DAY_UNTIL, x.now, x.tz, &day, &derr) < 0) {
			au_usage_error(cmd, "--as-of %s", derr.msg);
			goto out;
		}
		x.now = au_tz_day_start(x.tz, day + 1) - 1;
	}
	code = AU_EXIT_FAIL;
	if (!au_insight_open(&x))
		goto out;
	au_err err;
	if (!budget_s)
		budget = config_monthly_budget(&x);
	if (au_summary_build(x.s, x.p, &x.f, x.now, budget, &m, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	for (guint i = 0; i < m->unpriced_models->len; i++)
		au_insight_warn_unpriced(&x, m->unpriced_models->pdata[i]);
	if (x.o.json)
		au_summary_render_json(stdout, m, x.tz, x.tz_name);
	else if (m->first_day == INT64_MAX)
		printf("No usage yet%s.\n", x.o.project || x.o.source != AU_SRC_NONE ? " for this selection" : "");
	else {
		print_summary(m, &x);
		au_note_price_age(&x.o);
	}
	code = fflush(stdout) != 0 || x.scan_failed ? AU_EXIT_FAIL : AU_EXIT_OK;
out:
	au_summary_free(m);
	au_insight_end(&x);
	return code;
}

static const au_option opt_budget = {"budget", 0, "USD", "a monthly budget, e.g. 50 or 12.50 (default: the\n"
							 "config's one monthly budget over everything)",
				     AU_OWN(OPT_BUDGET)};

static const au_option opt_as_of = {"as-of", 0, "DATE",
				    "the summary as it read at the end of DATE (the forms of --since),\n"
				    "for data that ends before today",
				    AU_OWN(OPT_AS_OF)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_budget),
	AU_OWN_OPT(opt_as_of),
	AU_OPTS_FILTER,
	AU_O(AU_O_FULL_PATH),
	AU_O(AU_O_JSON),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_insights_entry = {
	.name = "insights",
	.summary = "the morning summary: trends, forecast, anomalies, heatmap",
	.description = "Yesterday against the trailing week, today so far, the month to date and a\n"
		       "projected month-end total with a range, the day a monthly budget runs out at\n"
		       "the current rate, days more than 2 standard deviations above their trailing\n"
		       "14-day mean (with the project and model behind them), the top 5 sessions by\n"
		       "cost, the cache in one line, and a usage heatmap (hour of day x weekday).\n"
		       "--since/--until set the window of anomalies, sessions, cache and heatmap\n"
		       "(default: the 30 days that end today).\n",
	.options = options,
	.examples = "aiusage insights --budget 100\naiusage insights --as-of 2026-11-20\n",
	.run = run,
};
