/*
 * Budget evaluation: period bounds from the config's zone, spending from
 * the agg buckets inside the period, filters as `report --project` applies
 * them, percent / level / projection in integers, and the two renderers.
 */
#include "budget.h"
#include "insights.h"
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "pricing.h"
#include "queries.h"
#include "report.h"

const char *au_level_name(au_level l)
{
	static const char *const n[] = {"ok", "warning", "over"};
	return n[l];
}

int64_t au_now_ms(void)
{
	return g_get_real_time() / 1000;
}

void au_period_bounds(GTimeZone *tz, au_period p, int week_start, int64_t at_ms, int64_t *ret_start_ms,
		      int64_t *ret_end_ms, char **ret_key)
{
	int64_t day = au_tz_day(tz, at_ms), first, next;
	int y;
	unsigned m, d;
	switch (p) {
	case AU_PERIOD_WEEK: {
		int64_t weekday = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		first = day - ((weekday - week_start) % 7 + 7) % 7;
		next = first + 7;
		break;
	}
	case AU_PERIOD_MONTH:
		au_civil_from_days(day, &y, &m, &d);
		first = au_days_from_civil(y, m, 1);
		next = m == 12 ? au_days_from_civil((int64_t)y + 1, 1, 1) : au_days_from_civil(y, m + 1, 1);
		break;
	default:
		first = day;
		next = day + 1;
	}
	*ret_start_ms = au_tz_day_start(tz, first);
	*ret_end_ms = au_tz_day_start(tz, next);
	if (ret_key) {
		au_civil_from_days(first, &y, &m, &d);
		*ret_key = p == AU_PERIOD_MONTH ? xasprintf("%04d-%02u", y, m) : xasprintf("%04d-%02u-%02u", y, m, d);
	}
}


/* Labels cost a few stat() calls each (the walk up to .git): one cache
 * per evaluation run, shared by its budgets. */
static const char *cached_label(GHashTable *labels, const char *cwd)
{
	const char *l = g_hash_table_lookup(labels, cwd);
	if (!l) {
		char *nl = au_project_label(cwd, false);
		g_hash_table_insert(labels, xstrdup(cwd), nl);
		l = nl;
	}
	return l;
}

static int64_t mul_div(int64_t a, int64_t b, int64_t c)
{
	__int128 v = (__int128)a * b / c;
	return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* Percent, level and projection from spent and the period. */
static void finish(const au_budget_rules *rules, int64_t now_ms, au_budget_status *ret)
{
	ret->percent = (int)mul_div(ret->spent > 0 ? ret->spent : 0, 100, ret->limit);
	if (ret->spent >= ret->limit)
		ret->level = AU_LEVEL_OVER;
	else if ((__int128)ret->spent * 100 >= (__int128)rules->warn_percent * ret->limit)
		ret->level = AU_LEVEL_WARNING;
	else
		ret->level = AU_LEVEL_OK;

	int64_t len = ret->end_ms - ret->start_ms;
	int64_t elapsed = now_ms - ret->start_ms;
	if (elapsed >= len || len <= 0)
		ret->projected = ret->spent;
	else {
		if (elapsed < AU_PROJECT_MIN_ELAPSED_MS)
			elapsed = AU_PROJECT_MIN_ELAPSED_MS < len ? AU_PROJECT_MIN_ELAPSED_MS : len;
		ret->projected = mul_div(ret->spent, len, elapsed);
		if (ret->projected < ret->spent)
			ret->projected = ret->spent;
	}
}

static int evaluate(au_store *s, const au_budget_rules *rules, const au_budget *b, GHashTable *labels,
		    int64_t at_ms, int64_t now_ms, au_budget_status *ret, au_err *err)
{
	memset(ret, 0, sizeof(*ret));
	ret->budget = b;
	ret->limit = b->limit_pico;
	au_period_bounds(rules->tz, b->period, rules->week_start, at_ms, &ret->start_ms, &ret->end_ms, &ret->period_key);

	au_store_iter *rows;
	int r = au_store_project_cost_iter(s, au_floor_div(ret->start_ms, AU_BUCKET_MS),
					   au_floor_div(ret->end_ms + AU_BUCKET_MS - 1, AU_BUCKET_MS),
					   b->source != AU_SRC_NONE ? au_source_name(b->source) : NULL, &rows, err);
	if (r < 0) {
		au_budget_status_release(ret);
		return r;
	}

	/* Several directories can share one label (subdirectories of a
	 * repository): the top project is summed per label. */
	GHashTable *per_label = g_hash_table_new(g_str_hash, g_str_equal);
	au_project_cost pc;
	while ((r = au_store_project_cost_next(rows, &pc, err)) > 0) {
		const char *cwd = pc.project;
		const char *label = cached_label(labels, cwd);
		if (!au_project_matches(b->project, cwd, label))
			continue;
		int64_t cost = pc.cost;
		ret->spent += cost;
		ret->unpriced += pc.unpriced;
		gpointer old = g_hash_table_lookup(per_label, label);
		int64_t sum = (old ? *(int64_t *)old : 0) + cost;
		if (!old) {
			old = g_new(int64_t, 1);
			g_hash_table_insert(per_label, (gpointer)label, old);
		}
		*(int64_t *)old = sum;
	}
	au_store_iter_free(rows);

	GHashTableIter it;
	gpointer k, v;
	const char *top = NULL;
	int64_t top_sum = 0;
	g_hash_table_iter_init(&it, per_label);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		int64_t sum = *(int64_t *)v;
		if (sum > 0 && (!top || sum > top_sum || (sum == top_sum && strcmp(k, top) < 0))) {
			top = k;
			top_sum = sum;
		}
		g_free(v);
	}
	g_hash_table_destroy(per_label);
	if (r < 0) {
		au_budget_status_release(ret);
		return r;
	}
	ret->top_project = top ? xstrdup(top) : NULL;
	ret->top_project_spent = top_sum;
	finish(rules, now_ms, ret);
	return 0;
}

void au_budget_status_from(const au_budget_rules *rules, const au_budget *b, int64_t at_ms, int64_t now_ms,
			   int64_t spent, int64_t unpriced, au_budget_status *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->budget = b;
	ret->limit = b->limit_pico;
	au_period_bounds(rules->tz, b->period, rules->week_start, at_ms, &ret->start_ms, &ret->end_ms, &ret->period_key);
	ret->spent = spent;
	ret->unpriced = unpriced;
	finish(rules, now_ms, ret);
}

static GHashTable *labels_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
}

int au_budget_evaluate(au_store *s, const au_budget_rules *rules, const au_budget *b, int64_t at_ms, int64_t now_ms,
		       au_budget_status *ret, au_err *err)
{
	GHashTable *labels = labels_new();
	int r = evaluate(s, rules, b, labels, at_ms, now_ms, ret, err);
	g_hash_table_destroy(labels);
	return r;
}

void au_budget_rules_release(au_budget_rules *r)
{
	if (r && r->tz) {
		g_time_zone_unref(r->tz);
		r->tz = NULL;
	}
}

const char *au_period_name(au_period p)
{
	static const char *const n[] = {"day", "week", "month"};
	return n[p];
}

const char *au_period_adjective(au_period p)
{
	static const char *const n[] = {"daily", "weekly", "monthly"};
	return n[p];
}

void au_budget_status_release(au_budget_status *st)
{
	if (!st)
		return;
	free(st->period_key);
	free(st->top_project);
	st->period_key = st->top_project = NULL;
}

static void status_clear(gpointer p)
{
	au_budget_status_release(p);
}

int au_budget_evaluate_all(au_store *s, const au_budget_rules *rules, const GPtrArray *budgets, int64_t now_ms,
			   GArray **ret, au_err *err)
{
	GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(au_budget_status), budgets->len);
	g_array_set_clear_func(a, status_clear);
	GHashTable *labels = labels_new();
	int r = 0;
	for (guint i = 0; i < budgets->len && r == 0; i++) {
		au_budget_status st;
		if (((const au_budget *)budgets->pdata[i])->scope == AU_BUDGET_TEAM)
			continue;
		r = evaluate(s, rules, budgets->pdata[i], labels, now_ms, now_ms, &st, err);
		if (r == 0)
			g_array_append_val(a, st);
	}
	g_hash_table_destroy(labels);
	if (r < 0) {
		g_array_free(a, TRUE);
		return r;
	}
	*ret = a;
	return 0;
}

void au_budget_statuses_free(GArray *a)
{
	if (a)
		g_array_free(a, TRUE);
}

int au_period_spent(au_store *s, const au_budget_rules *rules, au_period p, int64_t now_ms, int64_t *ret_spent,
		    au_err *err)
{
	/* An unfiltered budget with a nominal limit: the limit only feeds
	 * percent and level, which are not looked at here. */
	au_budget any = {.name = "", .period = p, .limit_pico = 1};
	au_budget_status st;
	int r = au_budget_evaluate(s, rules, &any, now_ms, now_ms, &st, err);
	if (r < 0)
		return r;
	*ret_spent = st.spent;
	au_budget_status_release(&st);
	return 0;
}

/* Rendering. */

static char *usd(int64_t pico)
{
	char b[48];
	au_format_usd(pico, 2, b, sizeof(b));
	return xasprintf("$%s", b);
}

static char *scope(const au_budget *b)
{
	if (b->scope == AU_BUDGET_TEAM) {
		au_budget local = *b;
		local.scope = AU_BUDGET_LOCAL;
		char *inner = scope(&local);
		char *out = xasprintf("team: %s", inner);
		free(inner);
		return out;
	}
	if (b->source == AU_SRC_NONE && !b->project)
		return xstrdup("all");
	if (!b->project)
		return xstrdup(au_source_name(b->source));
	if (b->source == AU_SRC_NONE)
		return xstrdup(b->project);
	return xasprintf("%s, %s", au_source_name(b->source), b->project);
}

enum { C_NAME, C_PERIOD, C_SCOPE, C_SPENT, C_LIMIT, C_USED, C_PROJ, C_STATUS, NC };

/* Drawn by table.c like every table; the status word is coloured by level. */
void au_budget_render_table(FILE *f, const GArray *statuses, bool color, int width)
{
	/* narrow terminals: names and scopes are cut first, then the
	 * projection goes (the line under the table still explains it) */
	static const au_tcol cols[NC] = {
		{.header = "Budget", .shrink_min = 10},
		{.header = "Period", .shrink_min = 10, .shrink_late = true},
		{.header = "Scope", .shrink_min = 8},
		{.header = "Spent", .right = true},
		{.header = "Limit", .right = true},
		{.header = "Used", .right = true},
		{.header = "Projected", .right = true, .drop_rank = 1},
		{.header = "Status"},
	};
	au_table *t = au_table_new(cols, NC);
	bool any_unpriced = false;
	for (guint i = 0; i < statuses->len; i++) {
		const au_budget_status *st = &g_array_index(statuses, au_budget_status, i);
		char *sp = usd(st->spent);
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(st->budget->name),
			      xasprintf("%s %s", au_period_name(st->budget->period), st->period_key), scope(st->budget),
			      st->unpriced ? xasprintf("%s *", sp) : xstrdup(sp), usd(st->limit),
			      xasprintf("%d%%", st->percent), usd(st->projected), xstrdup(au_level_name(st->level)));
		free(sp);
		any_unpriced = any_unpriced || st->unpriced;
		au_table_style(t, C_STATUS,
			       st->level == AU_LEVEL_OVER      ? "\033[31m"
			       : st->level == AU_LEVEL_WARNING ? "\033[33m"
							       : "\033[32m");
	}
	au_table_print(f, t, color, width);
	au_table_free(t);
	fputs("Projected: the period's spending so far extended linearly to its end.\n", f);
	if (any_unpriced)
		fputs("* usage of models with no known price is not counted ('aiusage models' lists them)\n", f);
}

static void json_time(au_jw *w, const char *key, int64_t ms)
{
	char s[32];
	au_format_utc(ms, false, s); /* "" outside the years 1-9999 */
	au_jw_kstr(w, key, s);
}

void au_budget_status_json(au_jw *w, const au_budget_status *st)
{
	const au_budget *b = st->budget;
	au_jw_obj_begin(w);
	au_jw_kstr(w, "name", b->name);
	au_jw_kstr(w, "period", au_period_name(b->period));
	au_jw_kstr(w, "periodKey", st->period_key);
	json_time(w, "periodStart", st->start_ms);
	json_time(w, "periodEnd", st->end_ms);
	au_jw_kstr(w, "source", b->source == AU_SRC_NONE ? NULL : au_source_name(b->source));
	au_jw_kstr(w, "project", b->project);
	au_jw_kstr(w, "scope", b->scope == AU_BUDGET_TEAM ? "team" : "local");
	au_jw_kmoney(w, "spent", st->spent);
	au_jw_kmoney(w, "limit", st->limit);
	au_jw_kint(w, "percent", st->percent);
	au_jw_kmoney(w, "projected", st->projected);
	au_jw_kstr(w, "level", au_level_name(st->level));
	au_jw_kstr(w, "topProject", st->top_project);
	au_jw_kmoney(w, "topProjectSpent", st->top_project_spent);
	au_jw_kint(w, "unpricedResponses", st->unpriced);
	au_jw_obj_end(w);
}

void au_budget_render_json(FILE *f, const GArray *statuses, const char *tz_name)
{
	au_jw w;
	au_jw_init_file(&w, f);
	au_jw_obj_begin(&w);
	au_jw_key(&w, "budgets");
	au_jw_arr_begin(&w);
	for (guint i = 0; i < statuses->len; i++) {
		if (i)
			au_jw_newline(&w);
		au_budget_status_json(&w, &g_array_index(statuses, au_budget_status, i));
	}
	au_jw_arr_end(&w);
	au_jw_newline(&w);
	au_jw_kstr(&w, "timezone", tz_name ? tz_name : "");
	au_jw_obj_end(&w);
	au_jw_newline(&w);
	au_jw_finish(&w);
}
