/*
 * The JSON of models, cache, blocks and insights (insight_json.h): moved
 * from their commands unchanged, so that their --json output and the
 * server's /api are the same bytes. Money goes through au_jw_money, exact
 * from pico-dollars.
 */
#include "insight_json.h"

#include <math.h>
#include <string.h>

#include "jsonw.h"
#include "render.h"

/* ---- models ---------------------------------------------------------------- */

static double share(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part / (double)whole : NAN;
}

static const au_model_detail *find_detail(const au_models *m, const char *model)
{
	for (guint i = 0; i < m->rows->len; i++) {
		const au_model_detail *d = m->rows->pdata[i];
		if (strcmp(d->model, model) == 0)
			return d;
	}
	return NULL;
}

static void json_share(au_jw *w, const char *name, double v)
{
	au_jw_key(w, name);
	au_jw_fixed(w, v, 6); /* NaN: null */
}

static void json_extra(au_jw *w, const au_row *row, void *ud)
{
	const au_models *m = ud;
	if (!row)
		return;
	const au_model_detail *d = find_detail(m, row->key);
	if (!d)
		return;
	int64_t priced = d->requests - d->unpriced;
	json_share(w, "requestShare", share(d->requests, m->requests));
	json_share(w, "tokenShare", share(au_tokens_total(&d->tok), m->tokens));
	json_share(w, "costShare", priced ? share(d->cost, m->cost) : NAN);
	au_jw_key(w, "averageCost");
	if (priced)
		au_jw_money(w, au_div_round(d->cost, priced));
	else
		au_jw_null(w);
	au_jw_key(w, "cheapestAlternative");
	if (!d->alt.model) {
		au_jw_null(w);
		return;
	}
	au_jw_obj_begin(w);
	au_jw_kstr(w, "model", d->alt.model);
	au_jw_kmoney(w, "cost", d->alt.cost);
	au_jw_kmoney(w, "saves", d->alt.saves);
	au_jw_obj_end(w);
}

void au_models_render_json(FILE *f, const au_report *rep, const au_models *m)
{
	au_render_opts rend = {0};
	au_render_json_ext(f, rep, &rend, json_extra, (void *)m);
}

/* ---- cache ----------------------------------------------------------------- */

void au_cache_render_json(FILE *f, const au_cache *c, const char *tz_name)
{
	static const char *const keys[] = {"date", "project", "model"};
	au_jw w;
	au_jw_init_file(&w, f);
	au_jw_obj_begin(&w);
	au_jw_key(&w, "cache");
	au_jw_arr_begin(&w);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_cache_row *row = c->rows->pdata[i];
		au_jw_newline(&w);
		au_jw_obj_begin(&w);
		au_jw_kstr(&w, keys[c->by], row->key);
		au_cache_figs_json(&w, &row->f);
		au_jw_obj_end(&w);
	}
	au_jw_arr_end(&w);
	au_jw_newline(&w);
	au_jw_key(&w, "totals");
	au_jw_obj_begin(&w);
	au_cache_figs_json(&w, &c->total);
	au_jw_obj_end(&w);
	au_jw_newline(&w);
	au_jw_key(&w, "worstSessions");
	au_jw_arr_begin(&w);
	for (guint i = 0; i < c->worst->len; i++) {
		const au_cache_row *row = c->worst->pdata[i];
		au_jw_newline(&w);
		au_jw_obj_begin(&w);
		au_jw_kstr(&w, "sessionId", row->key);
		au_jw_kstr(&w, "project", row->project ? row->project : "");
		au_cache_figs_json(&w, &row->f);
		au_jw_obj_end(&w);
	}
	au_jw_arr_end(&w);
	au_jw_newline(&w);
	au_jw_kstr(&w, "timezone", tz_name);
	au_jw_newline(&w);
	au_jw_key(&w, "unpricedModels");
	au_jw_arr_begin(&w);
	for (guint i = 0; i < c->unpriced_models->len; i++)
		au_jw_str(&w, c->unpriced_models->pdata[i]);
	au_jw_arr_end(&w);
	au_jw_obj_end(&w);
	au_jw_newline(&w);
	au_jw_finish(&w);
}

/* ---- blocks ---------------------------------------------------------------- */

static void json_time(au_jw *w, const char *name, int64_t ms, GTimeZone *zone)
{
	char s[32];
	au_format_utc(ms, false, s);
	au_jw_kstr(w, name, s);
	if (zone) {
		char l[24], key[64];
		au_format_local(zone, ms, l);
		snprintf(key, sizeof(key), "%sLocal", name);
		au_jw_kstr(w, key, l);
	}
}

void au_blocks_render_json(FILE *f, const au_blocks *b, GTimeZone *tz, const char *tz_name)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, f);
	au_jw_obj_begin(w);
	au_jw_key(w, "blocks");
	au_jw_arr_begin(w);
	for (guint i = 0; i < b->blocks->len; i++) {
		const au_block *k = b->blocks->pdata[i];
		au_jw_newline(w);
		au_jw_obj_begin(w);
		au_jw_kbool(w, "active", k->active);
		json_time(w, "start", k->start, tz);
		json_time(w, "end", k->end, tz);
		json_time(w, "firstActivity", k->first_ts, NULL);
		json_time(w, "lastActivity", k->last_ts, NULL);
		au_jw_kint(w, "requests", k->requests);
		au_jw_kint(w, "inputTokens", k->tok.input);
		au_jw_kint(w, "outputTokens", k->tok.output);
		au_jw_kint(w, "cacheCreationTokens", au_tokens_cache_create(&k->tok));
		au_jw_kint(w, "cacheReadTokens", k->tok.cache_read);
		au_jw_kint(w, "totalTokens", au_tokens_total(&k->tok));
		au_jw_kmoney(w, "cost", k->cost);
		if (k->unpriced)
			au_jw_kint(w, "unpricedResponses", k->unpriced);
		au_jw_key(w, "models");
		au_jw_arr_begin(w);
		for (guint j = 0; j < k->models->len; j++)
			au_jw_str(w, k->models->pdata[j]);
		au_jw_arr_end(w);
		if (k->active) {
			au_jw_kint(w, "remainingMinutes", (k->end - b->now) / 60000);
			au_jw_key(w, "burnRate");
			au_jw_obj_begin(w);
			au_jw_kint(w, "tokensPerMinute", k->burn_tokens_per_min);
			au_jw_kmoney(w, "costPerHour", k->burn_cost_per_hour);
			au_jw_obj_end(w);
			au_jw_key(w, "projection");
			au_jw_obj_begin(w);
			au_jw_kint(w, "totalTokens", k->projected_tokens);
			au_jw_kmoney(w, "cost", k->projected_cost);
			au_jw_obj_end(w);
		}
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	json_time(w, "now", b->now, NULL);
	au_jw_newline(w);
	au_jw_kstr(w, "timezone", tz_name);
	au_jw_newline(w);
	au_jw_key(w, "unpricedModels");
	au_jw_arr_begin(w);
	for (guint i = 0; i < b->unpriced_models->len; i++)
		au_jw_str(w, b->unpriced_models->pdata[i]);
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}

/* ---- insights ------------------------------------------------------------ */

static const char method[] =
	"month to date + the mean daily spend of the last 14 complete days x the days left (today's rest "
	"included); range +-1.96 x their standard deviation x sqrt(days left)";

static void json_day(au_jw *w, const char *name, int64_t day)
{
	char d[16];
	au_format_day(day, d);
	au_jw_kstr(w, name, d);
}

void au_summary_render_json(FILE *f, const au_summary *m, GTimeZone *tz, const char *tz_name)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, f);
	char now[24];
	au_format_local(tz, m->now, now);
	au_jw_obj_begin(w);
	au_jw_kstr(w, "now", now);
	json_day(w, "today", m->today);
	au_jw_kstr(w, "timezone", tz_name);
	au_jw_newline(w);
	au_jw_key(w, "window");
	au_jw_obj_begin(w);
	json_day(w, "from", m->from_day);
	json_day(w, "to", m->to_day);
	au_jw_kint(w, "requests", m->window_requests);
	au_jw_kint(w, "totalTokens", m->window_tokens);
	au_jw_kmoney(w, "cost", m->window_cost);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_kmoney(w, "todayCost", m->today_cost);
	au_jw_newline(w);
	au_jw_key(w, "yesterday");
	au_jw_obj_begin(w);
	json_day(w, "date", m->today - 1);
	au_jw_kmoney(w, "cost", m->yesterday);
	au_jw_kmoney(w, "trailingMean", m->trailing_mean);
	au_jw_kint(w, "trailingDays", m->trailing_days);
	au_jw_key(w, "change");
	if (m->trailing_days > 0 && m->trailing_mean > 0)
		au_jw_fixed(w, (double)(m->yesterday - m->trailing_mean) / (double)m->trailing_mean, 6);
	else
		au_jw_null(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_key(w, "month");
	au_jw_obj_begin(w);
	json_day(w, "from", m->month_first_day);
	json_day(w, "to", m->month_last_day);
	au_jw_kmoney(w, "toDate", m->mtd);
	au_jw_kmoney(w, "dailyRate", m->rate);
	au_jw_kint(w, "rateDays", m->rate_days);
	au_jw_kmoney(w, "dailyStdDev", m->rate_sd);
	au_jw_key(w, "remainingDays");
	au_jw_fixed(w, m->remaining_days, 4);
	au_jw_kmoney(w, "projected", m->projected);
	au_jw_kmoney(w, "projectedLow", m->projected_low);
	au_jw_kmoney(w, "projectedHigh", m->projected_high);
	au_jw_kstr(w, "method", method);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_key(w, "budget");
	if (m->budget > 0) {
		au_jw_obj_begin(w);
		au_jw_kmoney(w, "monthly", m->budget);
		au_jw_kbool(w, "exceeded", m->budget_exceeded);
		if (m->budget_day != INT64_MIN) {
			json_day(w, "runsOut", m->budget_day);
		} else {
			au_jw_key(w, "runsOut");
			au_jw_null(w);
		}
		au_jw_obj_end(w);
	} else {
		au_jw_null(w);
	}
	au_jw_newline(w);
	au_jw_key(w, "anomalies");
	au_jw_arr_begin(w);
	for (guint i = 0; i < m->anomalies->len; i++) {
		const au_anomaly *a = &g_array_index(m->anomalies, au_anomaly, i);
		au_jw_newline(w);
		au_jw_obj_begin(w);
		json_day(w, "date", a->day);
		au_jw_kmoney(w, "cost", a->cost);
		au_jw_kmoney(w, "trailingMean", a->mean);
		au_jw_kmoney(w, "stdDev", a->sd);
		au_jw_kstr(w, "project", a->project ? a->project : "");
		au_jw_kmoney(w, "projectRise", a->project_excess);
		au_jw_kstr(w, "model", a->model ? a->model : "");
		au_jw_kmoney(w, "modelRise", a->model_excess);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_newline(w);
	au_jw_key(w, "topSessions");
	au_jw_arr_begin(w);
	for (guint i = 0; i < m->top_sessions->len; i++) {
		const au_session_cost *s = m->top_sessions->pdata[i];
		char first[24], last[24];
		au_format_local(tz, s->first_ts, first);
		au_format_local(tz, s->last_ts, last);
		au_jw_newline(w);
		au_jw_obj_begin(w);
		au_jw_kstr(w, "sessionId", s->session);
		au_jw_kstr(w, "project", s->project);
		au_jw_kstr(w, "source", s->source);
		au_jw_kstr(w, "firstActivity", first);
		au_jw_kstr(w, "lastActivity", last);
		au_jw_kint(w, "requests", s->requests);
		au_jw_kint(w, "totalTokens", au_tokens_total(&s->tok));
		au_jw_kmoney(w, "cost", s->cost);
		if (s->unpriced)
			au_jw_kint(w, "unpricedResponses", s->unpriced);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_newline(w);
	au_jw_key(w, "cache");
	au_jw_obj_begin(w);
	au_cache_figs_json(w, &m->cache);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_key(w, "heatmap");
	au_jw_obj_begin(w);
	static const char *const day_abbr[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	au_jw_key(w, "weekdays");
	au_jw_arr_begin(w);
	for (int d = 0; d < 7; d++)
		au_jw_str(w, day_abbr[d]);
	au_jw_arr_end(w);
	au_jw_key(w, "cost");
	au_jw_arr_begin(w);
	for (int d = 0; d < 7; d++) {
		au_jw_newline(w);
		au_jw_arr_begin(w);
		for (int h = 0; h < 24; h++)
			au_jw_money(w, m->heat_cost[d][h]);
		au_jw_arr_end(w);
	}
	au_jw_arr_end(w);
	au_jw_key(w, "tokens");
	au_jw_arr_begin(w);
	for (int d = 0; d < 7; d++) {
		au_jw_newline(w);
		au_jw_arr_begin(w);
		for (int h = 0; h < 24; h++)
			au_jw_int(w, m->heat_tokens[d][h]);
		au_jw_arr_end(w);
	}
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_key(w, "unpricedModels");
	au_jw_arr_begin(w);
	for (guint i = 0; i < m->unpriced_models->len; i++)
		au_jw_str(w, m->unpriced_models->pdata[i]);
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}

