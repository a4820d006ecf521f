/*
 * Builds the dashboard from the report builders --json uses: a daily
 * report (models per day), the same filtered by each source and by each of
 * the costliest projects (the stacks of the daily chart), the model,
 * project and session reports, the cache figures by day, Claude's 5-hour
 * blocks and the budgets. No figure is computed twice in another way.
 */
#include "dashboard.h"

#include <stdlib.h>
#include <string.h>

static void stack_release(au_dash_stack *st)
{
	if (st->labels)
		g_ptr_array_free(st->labels, TRUE);
	free(st->cost);
	memset(st, 0, sizeof(*st));
}

void au_dash_free(au_dash *d)
{
	if (!d)
		return;
	au_report_free(d->daily);
	au_report_free(d->models);
	au_report_free(d->projects);
	if (d->sessions)
		g_ptr_array_free(d->sessions, TRUE);
	au_report_free(d->session_report);
	au_cache_free(d->cache);
	au_blocks_free(d->blocks);
	if (d->budgets)
		au_budget_statuses_free(d->budgets);
	stack_release(&d->by_model);
	stack_release(&d->by_source);
	stack_release(&d->by_project);
	free(d);
}

int64_t au_dash_day_of_key(const char *key)
{
	unsigned y, m, dd;
	if (!key || sscanf(key, "%4u-%2u-%2u", &y, &m, &dd) != 3)
		return INT64_MIN;
	return au_days_from_civil((int64_t)y, m, dd);
}

const au_row *au_dash_day(const au_dash *d, int64_t day)
{
	/* rows are in day order: a binary search */
	guint lo = 0, hi = d->daily->rows->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		const au_row *r = d->daily->rows->pdata[mid];
		int64_t k = au_dash_day_of_key(r->key);
		if (k == day)
			return r;
		if (k < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static au_report_opts base_opts(const au_dash_opts *o, au_group g)
{
	return (au_report_opts){
		.group = g,
		.tz = o->tz,
		.since_day = o->since_day,
		.until_day = o->until_day,
		.source = o->source,
		.project = o->project,
		.full_path = o->full_path,
		.week_start = 1,
	};
}

static void stack_init(au_dash_stack *st, const au_dash *d, GPtrArray *labels)
{
	st->labels = labels;
	st->cost = xcalloc((size_t)MAX(d->ndays, 1) * MAX(labels->len, 1), sizeof(int64_t));
}

static void stack_add(au_dash_stack *st, const au_dash *d, int64_t day, guint k, int64_t cost)
{
	if (day < d->first_day || day > d->last_day || k >= st->labels->len)
		return;
	st->cost[(size_t)(day - d->first_day) * st->labels->len + k] += cost;
}

/* The cost each day not covered by the named stacks goes to "other". */
static void stack_fold_rest(au_dash_stack *st, const au_dash *d, bool has_other)
{
	if (!has_other)
		return;
	guint n = st->labels->len;
	for (int64_t day = d->first_day; day <= d->last_day; day++) {
		const au_row *r = au_dash_day(d, day);
		if (!r)
			continue;
		int64_t *row = st->cost + (size_t)(day - d->first_day) * n, named = 0;
		for (guint k = 0; k + 1 < n; k++)
			named += row[k];
		row[n - 1] = MAX(r->t.cost - named, 0);
	}
}

/* Stacks by model: the costliest models of the range, the rest "other". */
static void build_by_model(au_dash *d)
{
	GPtrArray *labels = g_ptr_array_new_with_free_func(free);
	guint n = d->models->rows->len;
	bool other = n > AU_DASH_STACKS;
	for (guint i = 0; i < n && i < (other ? AU_DASH_STACKS - 1 : AU_DASH_STACKS); i++)
		g_ptr_array_add(labels, xstrdup(((au_row *)d->models->rows->pdata[i])->key));
	if (other)
		g_ptr_array_add(labels, xstrdup("other"));
	stack_init(&d->by_model, d, labels);
	for (guint i = 0; i < d->daily->rows->len; i++) {
		const au_row *r = d->daily->rows->pdata[i];
		int64_t day = au_dash_day_of_key(r->key);
		for (guint j = 0; r->models && j < r->models->len; j++) {
			const au_model_row *m = r->models->pdata[j];
			for (guint k = 0; k < labels->len - (other ? 1 : 0); k++)
				if (strcmp(labels->pdata[k], m->model) == 0)
					stack_add(&d->by_model, d, day, k, m->t.cost);
		}
	}
	stack_fold_rest(&d->by_model, d, other);
}

/* One daily report per series (a source, a project), each filtered the way
 * `aiusage daily --source X` or `--project Y` would be. */
static int build_by_filter(au_store *s, const au_dash_opts *o, au_dash *d, au_dash_stack *st, bool by_source,
			   au_err *err)
{
	GPtrArray *labels = g_ptr_array_new_with_free_func(free);
	GPtrArray *keys = g_ptr_array_new(); /* the filter of each label */
	bool other = false;
	if (by_source) {
		unsigned mask = 0;
		for (guint i = 0; i < d->daily->rows->len; i++)
			mask |= ((au_row *)d->daily->rows->pdata[i])->sources;
		for (int src = 1; src < AU_SRC_MAX; src++)
			if (mask & (1u << src)) {
				g_ptr_array_add(labels, xstrdup(au_source_name((au_source)src)));
				g_ptr_array_add(keys, GINT_TO_POINTER(src));
			}
	} else {
		guint n = d->projects->rows->len;
		other = n > AU_DASH_STACKS;
		for (guint i = 0; i < n && i < (other ? AU_DASH_STACKS - 1 : AU_DASH_STACKS); i++) {
			const au_row *r = d->projects->rows->pdata[i];
			g_ptr_array_add(labels, xstrdup(r->key));
			g_ptr_array_add(keys, r->key);
		}
		if (other)
			g_ptr_array_add(labels, xstrdup("other"));
	}
	stack_init(st, d, labels);
	int rc = 0;
	for (guint k = 0; k < keys->len && rc == 0; k++) {
		au_report_opts ro = base_opts(o, AU_GROUP_DAY);
		if (by_source)
			ro.source = (au_source)GPOINTER_TO_INT(keys->pdata[k]);
		else
			ro.project = keys->pdata[k]; /* a project label, as --project takes it */
		au_report *r;
		if ((rc = au_report_build(s, &ro, &r, err)) < 0)
			break;
		for (guint i = 0; i < r->rows->len; i++) {
			const au_row *row = r->rows->pdata[i];
			stack_add(st, d, au_dash_day_of_key(row->key), k, row->t.cost);
		}
		au_report_free(r);
	}
	g_ptr_array_free(keys, TRUE);
	if (rc == 0)
		stack_fold_rest(st, d, other);
	return rc;
}

static int cmp_session_cost(gconstpointer a, gconstpointer b)
{
	const au_row *x = *(au_row *const *)a, *y = *(au_row *const *)b;
	if (x->t.cost != y->t.cost)
		return x->t.cost > y->t.cost ? -1 : 1;
	return strcmp(x->key, y->key);
}

int au_dash_build(au_store *s, const au_dash_opts *o, au_dash **ret, au_err *err)
{
	au_dash *d = xcalloc(1, sizeof(*d));
	d->tz_name = o->tz_name;
	d->tz = o->tz;
	d->now_ms = o->now_ms;
	au_report_opts ro = base_opts(o, AU_GROUP_DAY);
	int rc = au_report_build(s, &ro, &d->daily, err);
	if (rc < 0)
		goto fail;
	d->daily->tz_name = o->tz_name;
	/* billed beside estimated, when `cloud sync` stored any */
	d->daily->with_cloud = true;
	if ((rc = au_report_add_billed(s, d->daily, &ro, err)) < 0)
		goto fail;

	/* the days shown: the range asked for, each open end at the usage */
	guint nrows = d->daily->rows->len;
	int64_t data_first = nrows ? au_dash_day_of_key(((au_row *)d->daily->rows->pdata[0])->key) : INT64_MIN;
	int64_t data_last = nrows ? au_dash_day_of_key(((au_row *)d->daily->rows->pdata[nrows - 1])->key) : INT64_MIN;
	d->first_day = o->since_day != INT64_MIN ? o->since_day : data_first;
	d->last_day = o->until_day != INT64_MAX ? o->until_day : data_last;
	if (d->first_day == INT64_MIN || d->last_day == INT64_MIN) {
		/* nothing stored and an open end: one day, today */
		int64_t today = o->since_day != INT64_MIN ? o->since_day : o->until_day != INT64_MAX ? o->until_day : 0;
		if (today == 0) {
			GDateTime *now = g_date_time_new_from_unix_utc(o->now_ms / 1000);
			GDateTime *local = now ? g_date_time_to_timezone(now, o->tz) : NULL;
			if (local)
				today = au_days_from_civil(g_date_time_get_year(local),
							   (unsigned)g_date_time_get_month(local),
							   (unsigned)g_date_time_get_day_of_month(local));
			if (local)
				g_date_time_unref(local);
			if (now)
				g_date_time_unref(now);
		}
		d->first_day = d->last_day = today;
	}
	if (d->last_day - d->first_day + 1 > AU_DASH_MAX_DAYS && nrows) {
		d->first_day = MAX(d->first_day, data_first);
		d->last_day = MIN(d->last_day, data_last);
		if (d->last_day - d->first_day + 1 > AU_DASH_MAX_DAYS)
			d->first_day = d->last_day - AU_DASH_MAX_DAYS + 1;
	}
	d->ndays = d->last_day - d->first_day + 1;

	ro = base_opts(o, AU_GROUP_MODEL);
	if ((rc = au_report_build(s, &ro, &d->models, err)) < 0)
		goto fail;
	ro = base_opts(o, AU_GROUP_PROJECT);
	if ((rc = au_report_build(s, &ro, &d->projects, err)) < 0)
		goto fail;
	ro = base_opts(o, AU_GROUP_SESSION);
	if ((rc = au_report_build(s, &ro, &d->session_report, err)) < 0)
		goto fail;
	d->sessions = g_ptr_array_new();
	for (guint i = 0; i < d->session_report->rows->len; i++)
		g_ptr_array_add(d->sessions, d->session_report->rows->pdata[i]);
	g_ptr_array_sort(d->sessions, cmp_session_cost);

	build_by_model(d);
	if ((rc = build_by_filter(s, o, d, &d->by_source, true, err)) < 0)
		goto fail;
	if ((rc = build_by_filter(s, o, d, &d->by_project, false, err)) < 0)
		goto fail;

	au_filter f = {
		.tz = o->tz,
		.since_day = o->since_day,
		.until_day = o->until_day,
		.source = o->source,
		.project = o->project,
		.full_path = o->full_path,
	};
	if ((rc = au_cache_build(s, o->pricing, &f, AU_CACHE_BY_DAY, &d->cache, err)) < 0)
		goto fail;
	/* the 5-hour windows are Claude's, as `aiusage blocks` has them */
	if (f.source == AU_SRC_NONE)
		f.source = AU_SRC_CLAUDE;
	if ((rc = au_blocks_build(s, &f, o->now_ms, &d->blocks, err)) < 0)
		goto fail;
	if (o->budgets && o->budgets->len > 0 && o->rules &&
	    (rc = au_budget_evaluate_all(s, o->rules, o->budgets, o->now_ms, &d->budgets, err)) < 0)
		goto fail;
	*ret = d;
	return 0;
fail:
	au_dash_free(d);
	return rc;
}
