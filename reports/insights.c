/*
 * What the insight figures share: reading counted responses from `usage`
 * with the report filters, local days and hours through GTimeZone (DST
 * included), the per-request rates, small integer and statistics helpers,
 * and the vendor candidate lists of `models --details`.
 */
#include "insights.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "queries.h"
#include "report.h"

static int32_t tz_offset(GTimeZone *tz, int64_t secs)
{
	int interval = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, secs);
	return interval >= 0 ? g_time_zone_get_offset(tz, interval) : 0;
}

int64_t au_tz_day(GTimeZone *tz, int64_t utc_ms)
{
	int64_t secs = au_floor_div(utc_ms, 1000);
	return au_floor_div(secs + tz_offset(tz, secs), 86400);
}

int64_t au_tz_day_start(GTimeZone *tz, int64_t day)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	GDateTime *dt = g_date_time_new(tz, y, (int)m, (int)d, 0, 0, 0);
	if (!dt)
		return day * 86400000;
	int64_t ms = g_date_time_to_unix(dt) * 1000;
	g_date_time_unref(dt);
	/* GLib resolves a skipped midnight forward; make sure it is that day. */
	while (au_tz_day(tz, ms) < day)
		ms += 900000;
	while (au_tz_day(tz, ms - 1) >= day)
		ms -= 900000;
	return ms;
}

void au_tz_weekday_hour(GTimeZone *tz, int64_t utc_ms, int *ret_weekday, int *ret_hour)
{
	int64_t secs = au_floor_div(utc_ms, 1000);
	int64_t local = secs + tz_offset(tz, secs);
	int64_t day = au_floor_div(local, 86400);
	*ret_weekday = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	*ret_hour = (int)((local - day * 86400) / 3600);
}

void au_format_day(int64_t day, char buf[static 16])
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02u-%02u", y, m, d);
}

void au_format_local(GTimeZone *tz, int64_t utc_ms, char buf[static 24])
{
	int64_t secs = au_floor_div(utc_ms, 1000);
	int64_t local = secs + tz_offset(tz, secs);
	int64_t day = au_floor_div(local, 86400);
	int64_t rest = local - day * 86400;
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 24, "%04d-%02u-%02u %02d:%02d", y, m, d, (int)(rest / 3600), (int)(rest % 3600 / 60));
}

const au_rates *au_rates_for(const au_model_price *mp, const au_tokens *t)
{
	__int128 prompt = (__int128)t->input + t->cache_create_5m + t->cache_create_1h + t->cache_read;
	return mp->tier_threshold > 0 && prompt > mp->tier_threshold ? &mp->tier : &mp->base;
}

int64_t au_mul_rate(int64_t tokens, int64_t rate)
{
	__int128 v = (__int128)tokens * rate;
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < -INT64_MAX)
		return -INT64_MAX;
	return (int64_t)v;
}

int64_t au_div_round(int64_t a, int64_t b)
{
	if (b == 0)
		return 0;
	if (b < 0)
		a = -a, b = -b;
	__int128 half = b / 2;
	__int128 q = a >= 0 ? ((__int128)a + half) / b : -((-(__int128)a + half) / b);
	return (int64_t)q;
}

int64_t au_muldiv(int64_t a, int64_t b, int64_t c)
{
	if (c == 0)
		return 0;
	__int128 n = (__int128)a * b, d = c;
	if (d < 0)
		n = -n, d = -d;
	__int128 q = n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
	if (q > INT64_MAX)
		return INT64_MAX;
	if (q < -INT64_MAX)
		return -INT64_MAX;
	return (int64_t)q;
}

void au_mean_sd(const int64_t *v, size_t n, double *ret_mean, double *ret_sd)
{
	double mean = 0, m2 = 0;
	/* Welford: stable for long runs of similar amounts */
	for (size_t i = 0; i < n; i++) {
		double x = (double)v[i];
		double d = x - mean;
		mean += d / (double)(i + 1);
		m2 += d * (x - mean);
	}
	*ret_mean = mean;
	*ret_sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void au_unpriced_note(GPtrArray *list, const char *model)
{
	for (guint i = 0; i < list->len; i++)
		if (strcmp(list->pdata[i], model) == 0)
			return;
	g_ptr_array_add(list, xstrdup(model));
	g_ptr_array_sort(list, cmp_str);
}

/* ---- reading responses ---------------------------------------------------- */


const char *au_filter_project(const au_filter *f, GHashTable *labels, const char *cwd)
{
	const char *label = g_hash_table_lookup(labels, cwd);
	if (!label) {
		char *l = au_project_label(cwd, f->full_path);
		g_hash_table_insert(labels, g_strdup(cwd), l);
		label = l;
	}
	return au_project_matches(f->project, cwd, label) ? label : NULL;
}

int au_req_each(au_store *s, const au_filter *f, au_req_order order, au_req_fn fn, void *ud, au_err *err)
{
	int64_t from = f->since_day == INT64_MIN ? INT64_MIN : au_tz_day_start(f->tz, f->since_day);
	int64_t end = f->until_day == INT64_MAX ? INT64_MAX : au_tz_day_start(f->tz, f->until_day + 1);
	if (f->until_ms && f->until_ms < end)
		end = f->until_ms + 1;
	au_store_iter *it;
	int rc = au_store_usage_iter(s, f->source != AU_SRC_NONE ? au_source_name(f->source) : NULL, from, end,
				     order == AU_REQ_BY_TIME ? AU_USAGE_BY_TIME : AU_USAGE_BY_SESSION, &it, err);
	if (rc < 0)
		return rc;

	GHashTable *labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free);
	int64_t cached_bucket = INT64_MIN, cached_day = 0;
	int res = 0;
	au_usage_row u;
	while ((rc = au_store_usage_next(it, &u, err)) > 0) {
		au_req r = {
			.ts = u.ts,
			.source = u.source,
			.session = u.session,
			.cwd = u.project,
			.model = u.model,
			.sidechain = u.sidechain,
			.tok = u.tok,
			.cost = u.cost,
		};
		/* 15-minute buckets never straddle a local day: one lookup each */
		int64_t bucket = au_floor_div(r.ts, AU_BUCKET_MS);
		if (bucket != cached_bucket || order != AU_REQ_BY_TIME) {
			cached_bucket = bucket;
			cached_day = au_tz_day(f->tz, r.ts);
		}
		r.day = cached_day;
		if (r.day < f->since_day || r.day > f->until_day)
			continue;
		r.project = au_filter_project(f, labels, r.cwd);
		if (!r.project)
			continue;
		res = fn(ud, &r);
		if (res < 0)
			break;
	}
	if (res == 0 && rc < 0)
		res = rc;
	au_store_iter_free(it);
	g_hash_table_destroy(labels);
	return res < 0 ? res : 0;
}

/* ---- vendor candidates ---------------------------------------------------- */

/* The current coding models of each vendor that `models --details` tries
 * as cheaper alternatives (table keys; see the README's Insights section). */
static const char *const claude_family[] = {"claude-haiku-4-5", "claude-sonnet-4-5", "claude-sonnet-4-6",
					    "claude-opus-4-5", NULL};
static const char *const openai_family[] = {"gpt-5.1-codex-mini", "gpt-5-mini", "gpt-5-codex", "gpt-5.1-codex",
					    NULL};
static const char *const gemini_family[] = {"gemini-2.5-flash", "gemini-2.5-pro", NULL};

const char *const *au_family_candidates(const char *price_name)
{
	if (!price_name)
		return NULL;
	const char *n = strrchr(price_name, '/'); /* "gemini/gemini-2.5-pro" */
	n = n ? n + 1 : price_name;
	if (strncmp(n, "claude-", 7) == 0)
		return claude_family;
	if (strncmp(n, "gpt-", 4) == 0 || (n[0] == 'o' && n[1] >= '1' && n[1] <= '9'))
		return openai_family;
	if (strncmp(n, "gemini-", 7) == 0)
		return gemini_family;
	return NULL;
}
