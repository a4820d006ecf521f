/*
 * The store's named queries: every read and write above src/store goes
 * through these, so the SQL, the table and column names live in one
 * folder and nothing else holds a `sqlite3 *`.
 *
 * Reads that return many rows are iterators: one prepared statement per
 * walk, stepped by the caller (no per-row round trips), with each row's
 * strings valid until the next step. au_store_iter_next returns 1 with a
 * row, 0 at the end, or a negative errno with err set; a caller may stop
 * early and free the iterator at any time.
 */
#ifndef AU_STORE_QUERIES_H
#define AU_STORE_QUERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"
#include "store.h"
#include "util.h"

typedef struct au_store_iter au_store_iter;
void au_store_iter_free(au_store_iter *it);

/* ---- usage and its 15-minute aggregate ---- */

/* One agg row: a 15-minute bucket of one source, model, project, session. */
typedef struct au_agg_row {
	int64_t bucket; /* UTC ms / AU_BUCKET_MS */
	const char *source, *model, *project, *session;
	int64_t n; /* responses */
	au_tokens tok;
	int64_t cost;     /* pico-dollars, priced responses only */
	int64_t unpriced; /* responses with no price */
	int64_t first_ts, last_ts;
	int64_t tool_cost, tool_costed;
	/* --by user|machine: whose rows these are (a user or machine name, or
	 * from au_store_agg_by_owner_iter a machine id); NULL otherwise */
	const char *who;
} au_agg_row;

/* Every agg row of source (NULL: all), in bucket order. */
int au_store_agg_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err);
int au_store_agg_next(au_store_iter *it, au_agg_row *ret_row, au_err *err);
/* The same sums by UTC hour, source and model (agg_hour: a fifth of the
 * rows), in hour order, read with au_store_agg_next: each row's bucket is
 * the hour's first, project and session are "", and first_ts and last_ts
 * are the hour's bounds. Only for a report that groups by periods that
 * never begin inside an hour (reports/report.c checks the zone). */
int au_store_agg_hour_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err);
/* The same rows from the bucket holding from_ms on, for source and session
 * when given (NULL: all): a seek on agg's key, for the statusline. */
int au_store_agg_since_iter(au_store *s, int64_t from_ms, const char *source, const char *session,
			    au_store_iter **ret, au_err *err);

/* The agg rows summed from usage per owning machine as well: who is the
 * machine id of rows an import brought ("import:ID:KEY"), "" for this
 * machine's own. In bucket order. Reads usage, not agg: slower, for
 * --by machine|user on a store that imported other machines. */
int au_store_agg_by_owner_iter(au_store *s, const char *source, au_store_iter **ret, au_err *err);

/* Cost per working directory over agg buckets [from, until) of source
 * (NULL: all): what a budget period spent. */
typedef struct au_project_cost {
	const char *project;
	int64_t cost, unpriced;
} au_project_cost;

int au_store_project_cost_iter(au_store *s, int64_t bucket_from, int64_t bucket_until, const char *source,
			       au_store_iter **ret, au_err *err);
int au_store_project_cost_next(au_store_iter *it, au_project_cost *ret_row, au_err *err);

/* One counted response of the usage table. */
typedef struct au_usage_row {
	int64_t ts;
	const char *source, *session, *project, *model;
	bool sidechain;
	au_tokens tok;
	int64_t cost; /* pico-dollars or AU_COST_UNPRICED */
} au_usage_row;

typedef enum au_usage_order {
	AU_USAGE_BY_TIME,    /* ts, then insertion */
	AU_USAGE_BY_SESSION, /* source, session, model, sidechain, ts */
} au_usage_order;

/* The responses of source (NULL: all) with from_ms <= ts < until_ms. */
int au_store_usage_iter(au_store *s, const char *source, int64_t from_ms, int64_t until_ms, au_usage_order order,
			au_store_iter **ret, au_err *err);
int au_store_usage_next(au_store_iter *it, au_usage_row *ret_row, au_err *err);

/*
 * The newest response time per source, UTC ms, 0 where a source has none.
 * exact reads usage; otherwise the aggregate's last_ts (much cheaper, and
 * possibly later when a response was replaced by an earlier copy).
 */
int au_store_last_ts_by_source(au_store *s, bool exact, int64_t ret_last[AU_SRC_MAX], au_err *err);

/* How many files the store has a cursor for. */
int au_store_file_count(au_store *s, int64_t *ret_count, au_err *err);

/* ---- Cursor dashboard events (`aiusage cursor sync`) ---- */

/* How many synced dashboard events are stored and the newest one's time. */
int au_store_cursor_events(au_store *s, int64_t *ret_count, int64_t *ret_last_ts, au_err *err);

/* The end of the span synced so far (UTC ms), INT64_MIN before the first sync. */
int64_t au_store_cursor_synced_until(au_store *s);

/*
 * Inside a write transaction: widens the synced span kept in meta
 * (cursor.synced_from / cursor.synced_until) to cover [from, until), records
 * now as cursor.synced_at and deletes the local chat-message counts inside
 * the span (the trigger cursor_local_yields keeps later scans from adding
 * them back). *ret_removed: how many were deleted.
 */
int au_store_cursor_claim_span(au_store *s, int64_t from, int64_t until, int64_t now, int64_t *ret_removed,
			       au_err *err);

/* ---- cloud billing (cloud_usage, cloud_balance) ---- */

/* One bucket of one billed item; the token columns, the cost, or both. */
typedef struct au_billed_bucket {
	const char *provider;
	int64_t bucket_start; /* UTC ms */
	int bucket_secs;      /* 3600 or 86400 */
	const char *item;
	bool has_tokens, has_cost;
	int64_t input, output, cache_read, cache_write, requests;
	int64_t cost; /* pico-dollars */
} au_billed_bucket;

typedef struct au_billed_balance {
	bool has_balance, has_used, has_limit;
	int64_t balance, used, limit; /* pico-dollars */
} au_billed_balance;

/* Upserts by (provider, bucket, item): a re-poll overwrites, never adds. */
int au_store_billed_put(au_store *s, const au_billed_bucket *b, int64_t now_ms, au_err *err);
int au_store_balance_put(au_store *s, const char *provider, const au_billed_balance *b, int64_t now_ms,
			 au_err *err);

/* Billed cost per provider and UTC day (days since 1970-01-01): the daily
 * buckets where a day has them, else its hourly ones. provider NULL: all. */
typedef struct au_billed_day {
	int64_t day;
	int64_t cost;
} au_billed_day;

int au_store_billed_day_iter(au_store *s, const char *provider, au_store_iter **ret, au_err *err);
int au_store_billed_day_next(au_store_iter *it, au_billed_day *ret_row, au_err *err);

/* The start of the first stored billing bucket (UTC ms) of provider (NULL:
 * any); -ENOENT when there is none. */
int au_store_billed_first(au_store *s, const char *provider, int64_t *ret_ms, au_err *err);

/* Billed sums per provider, UTC day and bucket width over [from_day,
 * until_day] (all providers). */
typedef struct au_billed_sum {
	const char *provider;
	int64_t day;
	bool hourly; /* from 1h buckets, else 1d */
	int64_t input, output, cache_read, cache_write, requests;
	int64_t cost;     /* sum of the known costs */
	int64_t n_costed; /* buckets that carry a cost */
} au_billed_sum;

int au_store_billed_sum_iter(au_store *s, int64_t from_day, int64_t until_day, au_store_iter **ret, au_err *err);
int au_store_billed_sum_next(au_store_iter *it, au_billed_sum *ret_row, au_err *err);

/* Local usage per UTC day and source over [from_day, until_day]. */
typedef struct au_local_day {
	int64_t day;
	const char *source;
	int64_t tokens, cost, unpriced, responses;
} au_local_day;

int au_store_local_day_iter(au_store *s, int64_t from_day, int64_t until_day, au_store_iter **ret, au_err *err);
int au_store_local_day_next(au_store_iter *it, au_local_day *ret_row, au_err *err);

/* The stored balances of provider (NULL: all), by provider name. */
typedef struct au_balance_row {
	const char *provider;
	int64_t fetched_at; /* UTC ms */
	au_billed_balance b;
} au_balance_row;

int au_store_balance_iter(au_store *s, const char *provider, au_store_iter **ret, au_err *err);
int au_store_balance_next(au_store_iter *it, au_balance_row *ret_row, au_err *err);

/* ---- budget alerts already sent or held (alert_state) ---- */

typedef struct au_alert_row {
	const char *period;
	int level;
	bool sent;
	int64_t sent_at, held_since;
} au_alert_row;

/* A budget's rows, by period. */
int au_store_alert_iter(au_store *s, const char *budget, au_store_iter **ret, au_err *err);
int au_store_alert_next(au_store_iter *it, au_alert_row *ret_row, au_err *err);
/* Holds level (quiet hours) unless already held or sent. */
int au_store_alert_hold(au_store *s, const char *budget, const char *period, int level, int64_t now,
			au_err *err);
/* Records level as sent at now; lower levels still held are answered by it
 * and dropped. */
int au_store_alert_sent(au_store *s, const char *budget, const char *period, int level, int64_t now,
			au_err *err);
/* Drops every held (unsent) level of a period. */
int au_store_alert_drop_held(au_store *s, const char *budget, const char *period, au_err *err);

/* ---- the team push and export/import (queries_team.c) ---- */

/*
 * Inside a write transaction: makes sure the change log the team push reads
 * exists (team_changes, one row per insert, update or delete of usage, by
 * triggers). Made on the first push, not by a migration: a store that is
 * never pushed pays nothing, and the first push sends every row anyway.
 */
int au_store_team_track(au_store *s, au_err *err);
/* The newest change's number (0: none yet). */
int au_store_team_last_change(au_store *s, int64_t *ret_seq, au_err *err);
/* Drops the log up to seq, once the server has everything it names. */
int au_store_team_forget(au_store *s, int64_t upto_seq, au_err *err);

/* One usage row as it leaves the machine (or a withdrawn key: !present). */
typedef struct au_team_row {
	const char *key;
	bool present; /* false: the store deleted this key */
	int64_t ts;
	const char *source, *session, *project, *model;
	bool sidechain;
	au_tokens tok;
	int64_t cost; /* pico-dollars or AU_COST_UNPRICED */
	bool has_tool_cost;
	int64_t tool_cost;
} au_team_row;

/* after_seq < 0: every usage row, by key. Otherwise every key changed in
 * (after_seq, upto_seq] with its current row, or !present when deleted. */
int au_store_team_rows_iter(au_store *s, int64_t after_seq, int64_t upto_seq, au_store_iter **ret, au_err *err);
int au_store_team_rows_next(au_store_iter *it, au_team_row *ret_row, au_err *err);

/* Upserts one imported row under key as given (a replaced copy overwrites
 * it, the same copy changes nothing), keeping the aggregate in step. */
int au_store_import_put(au_store *s, const au_team_row *row, au_err *err);
/* Rows the last write changed (sqlite3_changes). */
int64_t au_store_changes(au_store *s);
/* Deletes the rows whose key starts with prefix and is not in keep (a set
 * of keys: GHashTable char* -> anything): what an import withdrew. */
int au_store_import_prune(au_store *s, const char *prefix, void *keep, int64_t *ret_removed, au_err *err);

#endif
