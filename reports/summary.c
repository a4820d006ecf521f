/*
 * The morning summary behind `aiusage insights`: daily spend from the agg
 * table (15-minute sums are enough here), yesterday against its trailing
 * week, the month so far and where it is heading, a budget's run-out day,
 * anomalous days with the project and model behind them, the costliest
 * sessions, an hour x weekday heatmap, and the cache figures of the window.
 */
#include "insights.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queries.h"

#define HISTORY_DAYS 14
#define HISTORY_MIN 7

bool au_is_anomaly(const int64_t *hist, size_t nhist, int64_t cost, int64_t *ret_mean, int64_t *ret_sd)
{
	double mean, sd;
	au_mean_sd(hist, nhist, &mean, &sd);
	*ret_mean = (int64_t)llround(mean);
	*ret_sd = (int64_t)llround(sd);
	return nhist >= HISTORY_MIN && cost > 0 && (double)cost > mean + 2 * sd;
}

void au_project_month(int64_t mtd, int64_t rate, int64_t sd, double remaining, int64_t *ret_projected,
		      int64_t *ret_low, int64_t *ret_high)
{
	double proj = (double)mtd + (double)rate * remaining;
	double half = 1.96 * (double)sd * sqrt(remaining > 0 ? remaining : 0);
	double low = proj - half;
	if (low < (double)mtd)
		low = (double)mtd;
	*ret_projected = (int64_t)llround(proj);
	*ret_low = (int64_t)llround(low);
	*ret_high = (int64_t)llround(proj + half);
}

int64_t au_budget_runout(int64_t budget, int64_t spent, int64_t rate, double today_left, int64_t days_after)
{
	if (spent >= budget)
		return 0;
	if (rate <= 0)
		return -1;
	int64_t left = budget - spent;
	int64_t today = (int64_t)llround((double)rate * today_left);
	if (left <= today)
		return 0;
	left -= today;
	/* whole days: the one on which the running total reaches the budget */
	int64_t d = (left + rate - 1) / rate;
	return d <= days_after ? d : -1;
}

/* ---- collecting from agg ------------------------------------------------- */

static void session_free(au_session_cost *c)
{
	free(c->session);
	free(c->project);
	free(c->source);
	free(c);
}

/* Sums keyed by (day, name). */
static void day_add(GHashTable *h, int64_t day, const char *name, int64_t cost)
{
	char *key = g_strdup_printf("%" G_GINT64_FORMAT "\x1f%s", day, name);
	int64_t *v = g_hash_table_lookup(h, key);
	if (!v) {
		v = g_new0(int64_t, 1);
		g_hash_table_insert(h, key, v);
	} else {
		g_free(key);
	}
	*v += cost;
}

static int64_t day_get(GHashTable *h, int64_t day, const char *name)
{
	char *key = g_strdup_printf("%" G_GINT64_FORMAT "\x1f%s", day, name);
	int64_t *v = g_hash_table_lookup(h, key);
	g_free(key);
	return v ? *v : 0;
}

typedef struct collect {
	const au_filter *f;
	au_summary *m;
	GArray *daily;            /* int64_t pico per day from base_day */
	int64_t base_day;
	GHashTable *by_project;   /* "day\x1flabel" -> int64_t* */
	GHashTable *by_model;     /* "day\x1fmodel" -> int64_t* */
	GHashTable *projects;     /* label set, per day list built later */
	GHashTable *models;
	GHashTable *sessions;     /* "source\x1fsession" -> au_session_cost* */
} collect;

static int64_t daily_get(const collect *c, int64_t day)
{
	if (c->base_day == INT64_MAX || day < c->base_day || day - c->base_day >= (int64_t)c->daily->len)
		return 0;
	return g_array_index(c->daily, int64_t, day - c->base_day);
}

static int collect_agg(au_store *s, collect *c, au_err *err)
{
	au_store_iter *it;
	int rc = au_store_agg_iter(s, c->f->source != AU_SRC_NONE ? au_source_name(c->f->source) : NULL, &it, err);
	if (rc < 0)
		return rc;
	GHashTable *labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free);
	au_summary *m = c->m;
	int64_t cached_bucket = INT64_MIN, day = 0;
	int wd = 0, hour = 0;
	au_agg_row a;
	while ((rc = au_store_agg_next(it, &a, err)) > 0) {
		int64_t bucket = a.bucket;
		if (bucket != cached_bucket) {
			cached_bucket = bucket;
			day = au_tz_day(c->f->tz, bucket * AU_BUCKET_MS);
			au_tz_weekday_hour(c->f->tz, bucket * AU_BUCKET_MS, &wd, &hour);
		}
		if (day > m->today)
			break; /* after today: not in any figure */
		if (a.first_ts > m->now)
			continue; /* a later part of today */
		const char *source = a.source, *model = a.model, *cwd = a.project, *session = a.session;
		const char *label = au_filter_project(c->f, labels, cwd);
		if (!label)
			continue;
		au_tokens tok = {
			.input = a.tok.input,
			.cache_create_5m = a.tok.cache_create_5m,
			.cache_create_1h = a.tok.cache_create_1h,
			.cache_read = a.tok.cache_read,
			.output = a.tok.output,
		};
		int64_t n = a.n, cost = a.cost;
		int64_t unpriced = a.unpriced;
		int64_t first = a.first_ts, last = a.last_ts;

		if (c->base_day == INT64_MAX)
			c->base_day = day;
		if (day < m->first_day)
			m->first_day = day;
		if (day > m->last_day || m->last_day == INT64_MIN)
			m->last_day = day;
		int64_t i = day - c->base_day;
		if (i >= (int64_t)c->daily->len)
			g_array_set_size(c->daily, (guint)i + 1);
		g_array_index(c->daily, int64_t, i) += cost;
		if (day >= m->month_first_day)
			m->mtd += cost;
		if (unpriced && day >= m->from_day - HISTORY_DAYS)
			au_unpriced_note(m->unpriced_models, model);
		if (day == m->today)
			m->today_cost += cost;
		/* per project and model only where anomalies can be: the window and its history */
		if (day >= m->from_day - HISTORY_DAYS && day <= m->to_day) {
			day_add(c->by_project, day, label, cost);
			day_add(c->by_model, day, model, cost);
			g_hash_table_add(c->projects, g_strdup(label));
			g_hash_table_add(c->models, g_strdup(model));
		}
		if (day < m->from_day || day > m->to_day)
			continue;
		int64_t tokens = au_tokens_total(&tok);
		m->window_cost += cost;
		m->window_tokens += tokens;
		m->window_requests += n;
		m->window_unpriced += unpriced;
		m->heat_cost[wd][hour] += cost;
		m->heat_tokens[wd][hour] += tokens;
		char *skey = g_strdup_printf("%s\x1f%s", source, session);
		au_session_cost *sc = g_hash_table_lookup(c->sessions, skey);
		if (!sc) {
			sc = xcalloc(1, sizeof(*sc));
			sc->session = xstrdup(session);
			sc->source = xstrdup(source);
			sc->project = xstrdup(label);
			sc->first_ts = first;
			g_hash_table_insert(c->sessions, skey, sc);
		} else {
			g_free(skey);
		}
		if (first < sc->first_ts)
			sc->first_ts = first;
		if (last > sc->last_ts) {
			sc->last_ts = last;
			free(sc->project);
			sc->project = xstrdup(label);
		}
		sc->requests += n;
		sc->cost += cost;
		sc->unpriced += unpriced;
		sc->tok.input += tok.input;
		sc->tok.cache_create_5m += tok.cache_create_5m;
		sc->tok.cache_create_1h += tok.cache_create_1h;
		sc->tok.cache_read += tok.cache_read;
		sc->tok.output += tok.output;
	}
	int res = rc < 0 ? rc : 0;
	au_store_iter_free(it);
	g_hash_table_destroy(labels);
	return res;
}

/* The project or model whose spend that day rose most over its own mean
 * of the same history days. */
static char *top_excess(GHashTable *names, GHashTable *by, int64_t day, int64_t hist_from, int64_t *ret_excess)
{
	GHashTableIter it;
	gpointer k;
	char *best = NULL;
	int64_t best_excess = INT64_MIN;
	int64_t nhist = day - hist_from;
	g_hash_table_iter_init(&it, names);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		const char *name = k;
		int64_t sum = 0;
		for (int64_t d = hist_from; d < day; d++)
			sum += day_get(by, d, name);
		int64_t excess = day_get(by, day, name) - au_div_round(sum, nhist);
		if (excess > best_excess || (excess == best_excess && best && strcmp(name, best) < 0)) {
			best_excess = excess;
			best = (char *)name;
		}
	}
	*ret_excess = best ? best_excess : 0;
	return best ? xstrdup(best) : NULL;
}

static void find_anomalies(collect *c)
{
	au_summary *m = c->m;
	if (m->first_day == INT64_MAX)
		return;
	int64_t hist[HISTORY_DAYS];
	for (int64_t day = m->from_day; day <= m->to_day; day++) {
		int64_t hist_from = day - HISTORY_DAYS;
		if (hist_from < m->first_day)
			hist_from = m->first_day;
		size_t n = 0;
		for (int64_t d = hist_from; d < day; d++)
			hist[n++] = daily_get(c, d);
		au_anomaly a = {.day = day, .cost = daily_get(c, day)};
		if (!au_is_anomaly(hist, n, a.cost, &a.mean, &a.sd))
			continue;
		a.project = top_excess(c->projects, c->by_project, day, hist_from, &a.project_excess);
		a.model = top_excess(c->models, c->by_model, day, hist_from, &a.model_excess);
		g_array_append_val(m->anomalies, a);
	}
}

static int cmp_sessions(gconstpointer a, gconstpointer b)
{
	const au_session_cost *x = *(au_session_cost *const *)a, *y = *(au_session_cost *const *)b;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	int64_t tx = au_tokens_total(&x->tok), ty = au_tokens_total(&y->tok);
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(x->session, y->session);
}

static int64_t month_first(int64_t day)
{
	int y;
	unsigned mo, d;
	au_civil_from_days(day, &y, &mo, &d);
	return au_days_from_civil(y, mo, 1);
}

static int64_t month_last(int64_t day)
{
	int y;
	unsigned mo, d;
	au_civil_from_days(day, &y, &mo, &d);
	if (++mo > 12)
		mo = 1, y++;
	return au_days_from_civil(y, mo, 1) - 1;
}

int au_summary_build(au_store *s, au_pricing *p, const au_filter *f, int64_t now_ms, int64_t budget,
		     au_summary **ret, au_err *err)
{
	au_summary *m = xcalloc(1, sizeof(*m));
	m->now = now_ms;
	m->today = au_tz_day(f->tz, now_ms);
	m->first_day = INT64_MAX;
	m->last_day = INT64_MIN;
	m->to_day = f->until_day != INT64_MAX ? f->until_day : m->today;
	m->from_day = f->since_day != INT64_MIN ? f->since_day : m->to_day - 29;
	m->month_first_day = month_first(m->today);
	m->month_last_day = month_last(m->today);
	m->budget = budget;
	m->budget_day = INT64_MIN;
	m->anomalies = g_array_new(FALSE, TRUE, sizeof(au_anomaly));
	m->top_sessions = g_ptr_array_new_with_free_func((GDestroyNotify)session_free);
	m->unpriced_models = g_ptr_array_new_with_free_func(free);

	collect c = {
		.f = f,
		.m = m,
		.daily = g_array_new(FALSE, TRUE, sizeof(int64_t)),
		.base_day = INT64_MAX,
		.by_project = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.by_model = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
		.projects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.models = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	};
	int r = collect_agg(s, &c, err);
	if (r == 0 && m->first_day != INT64_MAX) {
		/* yesterday against the 7 days before it */
		int64_t y = m->today - 1;
		m->yesterday = daily_get(&c, y);
		int64_t sum = 0;
		for (int64_t d = y - 7; d < y; d++)
			if (d >= m->first_day) {
				sum += daily_get(&c, d);
				m->trailing_days++;
			}
		m->trailing_mean = au_div_round(sum, m->trailing_days);

		/* the daily rate: the last 14 complete days since the first usage */
		int64_t hist[HISTORY_DAYS];
		size_t n = 0;
		for (int64_t d = m->today - HISTORY_DAYS; d < m->today; d++)
			if (d >= m->first_day)
				hist[n++] = daily_get(&c, d);
		double mean, sd;
		if (n > 0) {
			au_mean_sd(hist, n, &mean, &sd);
		} else {
			mean = (double)m->today_cost; /* only today so far: it stands in for a day */
			sd = 0;
		}
		m->rate = (int64_t)llround(mean);
		m->rate_sd = (int64_t)llround(sd);
		m->rate_days = (int)n;
	}
	if (r == 0) {
		int64_t start = au_tz_day_start(f->tz, m->today), next = au_tz_day_start(f->tz, m->today + 1);
		m->today_left = next > start ? (double)(next - now_ms) / (double)(next - start) : 0;
		if (m->today_left < 0)
			m->today_left = 0;
		if (m->today_left > 1)
			m->today_left = 1;
		m->remaining_days = m->today_left + (double)(m->month_last_day - m->today);
		au_project_month(m->mtd, m->rate, m->rate_sd, m->remaining_days, &m->projected, &m->projected_low,
				 &m->projected_high);
		if (budget > 0) {
			if (m->mtd >= budget) {
				/* the day the month's running total reached it */
				m->budget_exceeded = true;
				int64_t run = 0;
				for (int64_t d = m->month_first_day; d <= m->today; d++) {
					run += daily_get(&c, d);
					if (run >= budget) {
						m->budget_day = d;
						break;
					}
				}
			} else {
				int64_t off = au_budget_runout(budget, m->mtd, m->rate, m->today_left,
							       m->month_last_day - m->today);
				if (off >= 0)
					m->budget_day = m->today + off;
			}
		}
		find_anomalies(&c);
		GHashTableIter it;
		gpointer v;
		GPtrArray *all = g_ptr_array_new();
		g_hash_table_iter_init(&it, c.sessions);
		while (g_hash_table_iter_next(&it, NULL, &v))
			g_ptr_array_add(all, v);
		g_ptr_array_sort(all, cmp_sessions);
		for (guint i = 0; i < all->len; i++) {
			if (m->top_sessions->len < 5)
				g_ptr_array_add(m->top_sessions, all->pdata[i]);
			else
				session_free(all->pdata[i]);
		}
		g_ptr_array_free(all, TRUE);
	} else {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, c.sessions);
		while (g_hash_table_iter_next(&it, NULL, &v))
			session_free(v);
	}
	g_array_free(c.daily, TRUE);
	g_hash_table_destroy(c.by_project);
	g_hash_table_destroy(c.by_model);
	g_hash_table_destroy(c.projects);
	g_hash_table_destroy(c.models);
	g_hash_table_destroy(c.sessions);

	if (r == 0) {
		/* cache figures need each request's own rates: read `usage` */
		au_filter wf = *f;
		wf.since_day = m->from_day;
		wf.until_day = m->to_day;
		wf.until_ms = now_ms; /* as of now, like every other figure here */
		au_cache *cache;
		r = au_cache_build(s, p, &wf, AU_CACHE_BY_MODEL, &cache, err);
		if (r == 0) {
			m->cache = cache->total;
			au_cache_free(cache);
		}
	}
	if (r < 0) {
		au_summary_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

void au_summary_free(au_summary *m)
{
	if (!m)
		return;
	for (guint i = 0; i < m->anomalies->len; i++) {
		au_anomaly *a = &g_array_index(m->anomalies, au_anomaly, i);
		free(a->project);
		free(a->model);
	}
	g_array_free(m->anomalies, TRUE);
	g_ptr_array_free(m->top_sessions, TRUE);
	g_ptr_array_free(m->unpriced_models, TRUE);
	free(m);
}
