/*
 * The named queries of queries.h: each one's SQL, its bindings and the
 * columns it fills. Walks prepare one statement for the whole walk; the
 * writes that run once per row (cloud buckets, alert states) keep their
 * statement in the store's cache.
 */
#include "queries.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "store_internal.h"


void au_store_iter_free(au_store_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

static int iter_new(au_store *s, const char *sql, const char *what, au_store_iter **ret, au_err *err)
{
	sqlite3_stmt *st;
	*ret = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, what);
	au_store_iter *it = xcalloc(1, sizeof(*it));
	it->s = s;
	it->st = st;
	it->what = what;
	*ret = it;
	return 0;
}

/* 1: a row; 0: done; <0: error. */
static int iter_step(au_store_iter *it, au_err *err)
{
	int rc = sqlite3_step(it->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return au_store_fail(it->s, err, it->what);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v) /* copied: an iterator may outlive the caller's string */
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* The cached statement of a named write, reset and unbound for reuse. */
int au_store_named(au_store *s, au_named_stmt which, const char *sql, sqlite3_stmt **ret, au_err *err,
		   const char *what)
{
	*ret = NULL;
	if (!s->named[which] &&
	    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->named[which], NULL) != SQLITE_OK)
		return au_store_fail(s, err, what);
	sqlite3_reset(s->named[which]);
	sqlite3_clear_bindings(s->named[which]);
	*ret = s->named[which];
	return 0;
}

/* Steps a cached write to its end and leaves it reset. */
int au_store_run_named(au_store *s, sqlite3_stmt *st, au_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	int r = rc == SQLITE_DONE ? 0 : au_store_fail(s, err, what);
	sqlite3_reset(st);
	return r;
}

/* ---- usage and agg ---- */

int au_store_agg_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err)
{
	/* agg's key starts with bucket: the scan is in bucket order already,
	 * so the ORDER BY costs no sort */
	int r = iter_new(s,
			 "SELECT bucket, source, model, project, session, n, input, cc5m, cc1h, cache_read,"
			 " output, reasoning, cost, unpriced, first_ts, last_ts, tool_cost, tool_costed FROM agg"
			 " WHERE (?1 IS NULL OR source = ?1) ORDER BY bucket",
			 "reading the store", ret, err);
	if (r == 0)
		bind_opt_text((*ret)->st, 1, source);
	return r;
}

int au_store_agg_hour_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT hour * 4, source, model, '', '', n, input, cc5m, cc1h, cache_read, output,"
			 " reasoning, cost, unpriced, hour * 3600000, hour * 3600000 + 3599999, tool_cost, tool_costed"
			 " FROM agg_hour WHERE (?1 IS NULL OR source = ?1) ORDER BY hour",
			 "reading the store", ret, err);
	if (r == 0)
		bind_opt_text((*ret)->st, 1, source);
	return r;
}

int au_store_agg_since_iter(au_store *s, int64_t from_ms, const char *source, const char *session,
			    au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT bucket, source, model, project, session, n, input, cc5m, cc1h, cache_read,"
			 " output, reasoning, cost, unpriced, first_ts, last_ts, tool_cost, tool_costed FROM agg"
			 " WHERE bucket >= ?1 AND (?2 IS NULL OR source = ?2) AND (?3 IS NULL OR session = ?3)"
			 " ORDER BY bucket, first_ts",
			 "reading the store", ret, err);
	if (r == 0) {
		sqlite3_bind_int64((*ret)->st, 1, from_ms / AU_BUCKET_MS);
		bind_opt_text((*ret)->st, 2, source);
		bind_opt_text((*ret)->st, 3, session);
	}
	return r;
}

int au_store_agg_next(au_store_iter *it, au_agg_row *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_agg_row){
		.bucket = sqlite3_column_int64(st, 0),
		.source = col_text(st, 1),
		.model = col_text(st, 2),
		.project = col_text(st, 3),
		.session = col_text(st, 4),
		.n = sqlite3_column_int64(st, 5),
		.tok.input = sqlite3_column_int64(st, 6),
		.tok.cache_create_5m = sqlite3_column_int64(st, 7),
		.tok.cache_create_1h = sqlite3_column_int64(st, 8),
		.tok.cache_read = sqlite3_column_int64(st, 9),
		.tok.output = sqlite3_column_int64(st, 10),
		.tok.reasoning = sqlite3_column_int64(st, 11),
		.cost = sqlite3_column_int64(st, 12),
		.unpriced = sqlite3_column_int64(st, 13),
		.first_ts = sqlite3_column_int64(st, 14),
		.last_ts = sqlite3_column_int64(st, 15),
		.tool_cost = sqlite3_column_int64(st, 16),
		.tool_costed = sqlite3_column_int64(st, 17),
		.who = sqlite3_column_count(st) > 18 ? col_text(st, 18) : NULL,
	};
	return 1;
}

int au_store_agg_by_owner_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err)
{
	/* the owner as src/team's import keys it (AU_TEAM_IMPORT_PREFIX) */
	int r = iter_new(s,
			 "SELECT ts / 900000, source, model, project, session, count(*), sum(input), sum(cc5m),"
			 " sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(coalesce(cost, 0)),"
			 " sum(cost IS NULL), min(ts), max(ts), sum(coalesce(tool_cost, 0)),"
			 " sum(tool_cost IS NOT NULL),"
			 " CASE WHEN substr(key, 1, 7) = 'import:'"
			 " THEN substr(key, 8, instr(substr(key, 8), ':') - 1) ELSE '' END"
			 " FROM usage WHERE (?1 IS NULL OR source = ?1) GROUP BY 1, 2, 3, 4, 5, 19 ORDER BY 1",
			 "reading the store", ret, err);
	if (r == 0)
		bind_opt_text((*ret)->st, 1, source);
	return r;
}

int au_store_project_cost_iter(au_store *s, int64_t bucket_from, int64_t bucket_until, const char *source,
			       au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT project, sum(cost), sum(unpriced) FROM agg"
			 " WHERE bucket >= ?1 AND bucket < ?2 AND (?3 IS NULL OR source = ?3)"
			 " GROUP BY project",
			 "reading the store", ret, err);
	if (r == 0) {
		sqlite3_bind_int64((*ret)->st, 1, bucket_from);
		sqlite3_bind_int64((*ret)->st, 2, bucket_until);
		bind_opt_text((*ret)->st, 3, source);
	}
	return r;
}

int au_store_project_cost_next(au_store_iter *it, au_project_cost *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	const char *p = col_text(it->st, 0);
	*ret_row = (au_project_cost){
		.project = p ? p : "",
		.cost = sqlite3_column_int64(it->st, 1),
		.unpriced = sqlite3_column_int64(it->st, 2),
	};
	return 1;
}

int au_store_usage_iter(au_store *s, const char *source, int64_t from_ms, int64_t until_ms, au_usage_order order,
			au_store_iter **ret, au_err *err)
{
	const char *sql =
		order == AU_USAGE_BY_TIME
			? "SELECT ts, source, session, project, model, sidechain, input, cc5m, cc1h, cache_read,"
			  " output, reasoning, cost FROM usage WHERE (?1 IS NULL OR source = ?1)"
			  " AND ts >= ?2 AND ts < ?3 ORDER BY ts, id"
			: "SELECT ts, source, session, project, model, sidechain, input, cc5m, cc1h, cache_read,"
			  " output, reasoning, cost FROM usage WHERE (?1 IS NULL OR source = ?1)"
			  " AND ts >= ?2 AND ts < ?3 ORDER BY source, session, model, sidechain, ts, id";
	int r = iter_new(s, sql, "reading the store", ret, err);
	if (r == 0) {
		bind_opt_text((*ret)->st, 1, source);
		sqlite3_bind_int64((*ret)->st, 2, from_ms);
		sqlite3_bind_int64((*ret)->st, 3, until_ms);
	}
	return r;
}

int au_store_usage_next(au_store_iter *it, au_usage_row *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_usage_row){
		.ts = sqlite3_column_int64(st, 0),
		.source = col_text(st, 1),
		.session = col_text(st, 2),
		.project = col_text(st, 3),
		.model = col_text(st, 4),
		.sidechain = sqlite3_column_int(st, 5) != 0,
		.tok.input = sqlite3_column_int64(st, 6),
		.tok.cache_create_5m = sqlite3_column_int64(st, 7),
		.tok.cache_create_1h = sqlite3_column_int64(st, 8),
		.tok.cache_read = sqlite3_column_int64(st, 9),
		.tok.output = sqlite3_column_int64(st, 10),
		.tok.reasoning = sqlite3_column_int64(st, 11),
		.cost = sqlite3_column_type(st, 12) == SQLITE_NULL ? AU_COST_UNPRICED : sqlite3_column_int64(st, 12),
	};
	return 1;
}

int au_store_last_ts_by_source(au_store *s, bool exact, int64_t ret_last[AU_SRC_MAX], au_err *err)
{
	for (int i = 0; i < AU_SRC_MAX; i++)
		ret_last[i] = 0;
	au_store_iter *it;
	int r = iter_new(s,
			 exact ? "SELECT source, max(ts) FROM usage GROUP BY source"
			       : "SELECT source, max(last_ts) FROM agg GROUP BY source",
			 "reading the store", &it, err);
	if (r < 0)
		return r;
	while ((r = iter_step(it, err)) > 0) {
		au_source src = au_source_by_name(col_text(it->st, 0));
		if (src != AU_SRC_NONE)
			ret_last[src] = sqlite3_column_int64(it->st, 1);
	}
	au_store_iter_free(it);
	return r;
}

/* One row of one integer column from a statement with no parameters. */
static int one_int(au_store *s, const char *sql, int64_t *ret, au_err *err)
{
	au_store_iter *it;
	int r = iter_new(s, sql, "reading the store", &it, err);
	if (r < 0)
		return r;
	*ret = 0;
	if ((r = iter_step(it, err)) > 0)
		*ret = sqlite3_column_int64(it->st, 0);
	au_store_iter_free(it);
	return r < 0 ? r : 0;
}

int au_store_file_count(au_store *s, int64_t *ret_count, au_err *err)
{
	return one_int(s, "SELECT count(*) FROM files", ret_count, err);
}

/* ---- Cursor ---- */

int au_store_cursor_events(au_store *s, int64_t *ret_count, int64_t *ret_last_ts, au_err *err)
{
	au_store_iter *it;
	/* the dashboard events' keys start with "cursor:e:" (a range, so the
	 * key index answers it) */
	int r = iter_new(s, "SELECT count(*), max(ts) FROM usage WHERE key >= 'cursor:e:' AND key < 'cursor:e;'",
			 "reading the store", &it, err);
	if (r < 0)
		return r;
	*ret_count = *ret_last_ts = 0;
	if ((r = iter_step(it, err)) > 0) {
		*ret_count = sqlite3_column_int64(it->st, 0);
		*ret_last_ts = sqlite3_column_int64(it->st, 1);
	}
	au_store_iter_free(it);
	return r < 0 ? r : 0;
}

static int64_t meta_int(au_store *s, const char *key, int64_t dflt)
{
	char *v = NULL;
	int64_t n;
	if (au_store_meta_get(s, key, &v) == 0 && au_parse_int64(v, &n))
		dflt = n;
	free(v);
	return dflt;
}

static int meta_put_int(au_store *s, const char *key, int64_t v, au_err *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return au_store_meta_set(s, key, buf, err);
}

int64_t au_store_cursor_synced_until(au_store *s)
{
	return meta_int(s, "cursor.synced_until", INT64_MIN);
}

int au_store_cursor_claim_span(au_store *s, int64_t from, int64_t until, int64_t now, int64_t *ret_removed,
			       au_err *err)
{
	int64_t old_from = meta_int(s, "cursor.synced_from", INT64_MAX);
	int64_t old_until = meta_int(s, "cursor.synced_until", INT64_MIN);
	int64_t span_from = from < old_from ? from : old_from, span_until = until > old_until ? until : old_until;
	int r;
	*ret_removed = 0;
	if ((r = meta_put_int(s, "cursor.synced_from", span_from, err)) < 0 ||
	    (r = meta_put_int(s, "cursor.synced_until", span_until, err)) < 0 ||
	    (r = meta_put_int(s, "cursor.synced_at", now, err)) < 0)
		return r;
	/* the trigger cursor_local_yields (migration 4) stops new local rows
	 * inside the span; these are the ones already there */
	sqlite3_stmt *del;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM usage WHERE key GLOB 'cursor:b:*' AND ts >= ?1 AND ts < ?2", -1,
			       &del, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "setting local counts aside");
	sqlite3_bind_int64(del, 1, span_from);
	sqlite3_bind_int64(del, 2, span_until);
	int rc = sqlite3_step(del);
	sqlite3_finalize(del);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "setting local counts aside");
	*ret_removed = sqlite3_changes(s->db);
	return 0;
}

/* ---- cloud billing ---- */

int au_store_billed_put(au_store *s, const au_billed_bucket *b, int64_t now_ms, au_err *err)
{
	sqlite3_stmt *st;
	int r;
	if (b->has_tokens) {
		if ((r = au_store_named(s, AU_NS_CLOUD_TOKENS,
			       "INSERT INTO cloud_usage(provider, bucket_start, bucket_secs, item, input, output,"
			       " cache_read, cache_write, requests, cost, fetched_at)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10)"
			       " ON CONFLICT(provider, bucket_start, bucket_secs, item) DO UPDATE SET"
			       " input = excluded.input, output = excluded.output, cache_read = excluded.cache_read,"
			       " cache_write = excluded.cache_write, requests = excluded.requests,"
			       " fetched_at = excluded.fetched_at",
			       &st, err, "the store has no cloud tables")) < 0)
			return r;
		sqlite3_bind_text(st, 1, b->provider, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, b->bucket_start);
		sqlite3_bind_int(st, 3, b->bucket_secs);
		sqlite3_bind_text(st, 4, b->item, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, b->input);
		sqlite3_bind_int64(st, 6, b->output);
		sqlite3_bind_int64(st, 7, b->cache_read);
		sqlite3_bind_int64(st, 8, b->cache_write);
		sqlite3_bind_int64(st, 9, b->requests);
		sqlite3_bind_int64(st, 10, now_ms);
		if ((r = au_store_run_named(s, st, err, "storing cloud usage")) < 0)
			return r;
	}
	if (b->has_cost) {
		if ((r = au_store_named(s, AU_NS_CLOUD_COST,
			       "INSERT INTO cloud_usage(provider, bucket_start, bucket_secs, item, cost, fetched_at)"
			       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
			       " ON CONFLICT(provider, bucket_start, bucket_secs, item) DO UPDATE SET"
			       " cost = excluded.cost, fetched_at = excluded.fetched_at",
			       &st, err, "the store has no cloud tables")) < 0)
			return r;
		sqlite3_bind_text(st, 1, b->provider, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, b->bucket_start);
		sqlite3_bind_int(st, 3, b->bucket_secs);
		sqlite3_bind_text(st, 4, b->item, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, b->cost);
		sqlite3_bind_int64(st, 6, now_ms);
		if ((r = au_store_run_named(s, st, err, "storing cloud costs")) < 0)
			return r;
	}
	return 0;
}

int au_store_balance_put(au_store *s, const char *provider, const au_billed_balance *b, int64_t now_ms,
			 au_err *err)
{
	sqlite3_stmt *st;
	int r = au_store_named(s, AU_NS_CLOUD_BALANCE,
		      "INSERT INTO cloud_balance(provider, fetched_at, balance, used, limit_amount)"
		      " VALUES(?1, ?2, ?3, ?4, ?5)"
		      " ON CONFLICT(provider) DO UPDATE SET fetched_at = excluded.fetched_at,"
		      " balance = excluded.balance, used = excluded.used, limit_amount = excluded.limit_amount",
		      &st, err, "the store has no cloud tables");
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	if (b->has_balance)
		sqlite3_bind_int64(st, 3, b->balance);
	if (b->has_used)
		sqlite3_bind_int64(st, 4, b->used);
	if (b->has_limit)
		sqlite3_bind_int64(st, 5, b->limit);
	return au_store_run_named(s, st, err, "storing the balance");
}

int au_store_billed_day_iter(au_store *s, const char *provider, au_store_iter **ret, au_err *err)
{
	/* per provider and UTC day: the daily buckets when a day has them,
	 * else its hourly ones (the same rule as `aiusage cloud`) */
	int r = iter_new(s,
			 "WITH per AS (SELECT provider, bucket_start / 86400000 AS day, bucket_secs AS w,"
			 " sum(cost) AS cost, count(cost) AS n FROM cloud_usage"
			 " WHERE ?1 IS NULL OR provider = ?1 GROUP BY 1, 2, 3)"
			 " SELECT day, cost FROM per p WHERE n > 0 AND (w = 86400 OR NOT EXISTS"
			 " (SELECT 1 FROM per q WHERE q.provider = p.provider AND q.day = p.day AND q.w = 86400"
			 " AND q.n > 0))",
			 "reading cloud billing", ret, err);
	if (r == 0)
		bind_opt_text((*ret)->st, 1, provider);
	return r;
}

int au_store_billed_day_next(au_store_iter *it, au_billed_day *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r > 0)
		*ret_row = (au_billed_day){sqlite3_column_int64(it->st, 0), sqlite3_column_int64(it->st, 1)};
	return r;
}

int au_store_billed_first(au_store *s, const char *provider, int64_t *ret_ms, au_err *err)
{
	au_store_iter *it;
	int r = iter_new(s, "SELECT min(bucket_start) FROM cloud_usage WHERE ?1 IS NULL OR provider = ?1",
			 "reading cloud usage", &it, err);
	if (r < 0)
		return r;
	bind_opt_text(it->st, 1, provider);
	if ((r = iter_step(it, err)) > 0) {
		if (sqlite3_column_type(it->st, 0) == SQLITE_NULL)
			r = -ENOENT;
		else
			*ret_ms = sqlite3_column_int64(it->st, 0);
	} else if (r == 0) {
		r = -ENOENT;
	}
	au_store_iter_free(it);
	return r < 0 ? r : 0;
}

int au_store_billed_sum_iter(au_store *s, int64_t from_day, int64_t until_day, au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT provider, bucket_start / 86400000, bucket_secs = 3600, sum(input), sum(output),"
			 " sum(cache_read), sum(cache_write), sum(requests), sum(cost), count(cost)"
			 " FROM cloud_usage WHERE bucket_start >= ?1 AND bucket_start < ?2"
			 " GROUP BY 1, 2, 3",
			 "reading cloud usage", ret, err);
	if (r == 0) {
		sqlite3_bind_int64((*ret)->st, 1, from_day * 86400000);
		sqlite3_bind_int64((*ret)->st, 2, (until_day + 1) * 86400000);
	}
	return r;
}

int au_store_billed_sum_next(au_store_iter *it, au_billed_sum *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_billed_sum){
		.provider = col_text(st, 0),
		.day = sqlite3_column_int64(st, 1),
		.hourly = sqlite3_column_int(st, 2) != 0,
		.input = sqlite3_column_int64(st, 3),
		.output = sqlite3_column_int64(st, 4),
		.cache_read = sqlite3_column_int64(st, 5),
		.cache_write = sqlite3_column_int64(st, 6),
		.requests = sqlite3_column_int64(st, 7),
		.cost = sqlite3_column_int64(st, 8),
		.n_costed = sqlite3_column_int64(st, 9),
	};
	return 1;
}

int au_store_local_day_iter(au_store *s, int64_t from_day, int64_t until_day, au_store_iter **ret, au_err *err)
{
	/* 96 buckets of 15 minutes make a UTC day */
	int r = iter_new(s,
			 "SELECT bucket / 96, source, sum(input + cc5m + cc1h + cache_read + output), sum(cost),"
			 " sum(unpriced), sum(n) FROM agg WHERE bucket >= ?1 AND bucket < ?2 GROUP BY 1, 2",
			 "reading the store", ret, err);
	if (r == 0) {
		sqlite3_bind_int64((*ret)->st, 1, from_day * 96);
		sqlite3_bind_int64((*ret)->st, 2, (until_day + 1) * 96);
	}
	return r;
}

int au_store_local_day_next(au_store_iter *it, au_local_day *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_local_day){
		.day = sqlite3_column_int64(st, 0),
		.source = col_text(st, 1),
		.tokens = sqlite3_column_int64(st, 2),
		.cost = sqlite3_column_int64(st, 3),
		.unpriced = sqlite3_column_int64(st, 4),
		.responses = sqlite3_column_int64(st, 5),
	};
	return 1;
}

int au_store_balance_iter(au_store *s, const char *provider, au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT provider, fetched_at, balance, used, limit_amount FROM cloud_balance"
			 " WHERE ?1 IS NULL OR provider = ?1 ORDER BY provider",
			 "reading cloud balances", ret, err);
	if (r == 0)
		bind_opt_text((*ret)->st, 1, provider);
	return r;
}

int au_store_balance_next(au_store_iter *it, au_balance_row *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_balance_row){
		.provider = col_text(st, 0),
		.fetched_at = sqlite3_column_int64(st, 1),
		.b.has_balance = sqlite3_column_type(st, 2) != SQLITE_NULL,
		.b.has_used = sqlite3_column_type(st, 3) != SQLITE_NULL,
		.b.has_limit = sqlite3_column_type(st, 4) != SQLITE_NULL,
		.b.balance = sqlite3_column_int64(st, 2),
		.b.used = sqlite3_column_int64(st, 3),
		.b.limit = sqlite3_column_int64(st, 4),
	};
	return 1;
}

/* ---- alert_state ---- */

int au_store_alert_iter(au_store *s, const char *budget, au_store_iter **ret, au_err *err)
{
	int r = iter_new(s,
			 "SELECT period, level, sent_at, held_since FROM alert_state WHERE budget = ?1"
			 " ORDER BY period",
			 "reading budget alerts", ret, err);
	if (r == 0)
		sqlite3_bind_text((*ret)->st, 1, budget, -1, SQLITE_TRANSIENT);
	return r;
}

int au_store_alert_next(au_store_iter *it, au_alert_row *ret_row, au_err *err)
{
	int r = iter_step(it, err);
	if (r <= 0)
		return r;
	sqlite3_stmt *st = it->st;
	*ret_row = (au_alert_row){
		.period = col_text(st, 0),
		.level = sqlite3_column_int(st, 1),
		.sent = sqlite3_column_type(st, 2) != SQLITE_NULL,
		.sent_at = sqlite3_column_int64(st, 2),
		.held_since = sqlite3_column_int64(st, 3),
	};
	return 1;
}

/* Runs one alert_state write: ?1 budget, ?2 period, ?3 level and ?4 a time
 * where the statement has them. */
static int alert_write(au_store *s, au_named_stmt which, const char *sql, const char *budget, const char *period,
		       int level, int64_t t, au_err *err)
{
	sqlite3_stmt *st;
	int r = au_store_named(s, which, sql, &st, err, "recording a budget alert");
	if (r < 0)
		return r;
	int np = sqlite3_bind_parameter_count(st);
	sqlite3_bind_text(st, 1, budget, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	if (np >= 3)
		sqlite3_bind_int(st, 3, level);
	if (np >= 4)
		sqlite3_bind_int64(st, 4, t);
	return au_store_run_named(s, st, err, "recording a budget alert");
}

int au_store_alert_hold(au_store *s, const char *budget, const char *period, int level, int64_t now,
			au_err *err)
{
	return alert_write(s, AU_NS_ALERT_HOLD,
			   "INSERT INTO alert_state(budget, period, level, sent_at, held_since)"
			   " VALUES(?1, ?2, ?3, NULL, ?4) ON CONFLICT DO NOTHING",
			   budget, period, level, now, err);
}

int au_store_alert_sent(au_store *s, const char *budget, const char *period, int level, int64_t now,
			au_err *err)
{
	int r = alert_write(s, AU_NS_ALERT_SENT,
			    "INSERT INTO alert_state(budget, period, level, sent_at, held_since)"
			    " VALUES(?1, ?2, ?3, ?4, NULL)"
			    " ON CONFLICT(budget, period, level) DO UPDATE SET sent_at = excluded.sent_at",
			    budget, period, level, now, err);
	if (r == 0) /* lower levels still held are answered by this one */
		r = alert_write(s, AU_NS_ALERT_ANSWERED,
				"DELETE FROM alert_state WHERE budget = ?1 AND period = ?2 AND level < ?3"
				" AND sent_at IS NULL",
				budget, period, level, now, err);
	return r;
}

int au_store_alert_drop_held(au_store *s, const char *budget, const char *period, au_err *err)
{
	return alert_write(s, AU_NS_ALERT_DROP_HELD,
			   "DELETE FROM alert_state WHERE budget = ?1 AND period = ?2 AND sent_at IS NULL", budget,
			   period, 0, 0, err);
}
