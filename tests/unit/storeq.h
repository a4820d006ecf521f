/*
 * Test helpers that touch the store or the file system: one integer from a
 * query (-1 when it returns no row), a scan that must succeed, and removing
 * a temporary tree.
 */
#ifndef AU_STOREQ_H
#define AU_STOREQ_H

#include <sqlite3.h>
#include <stdint.h>

#include "check.h"
#include "scan.h"
#include "store.h"
#include "store_internal.h" /* tests only: the raw connection for q() */
#include "util.h"

static inline int64_t q(au_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A single-threaded scan of one source (AU_SRC_NONE: all), checked to
 * succeed; the caller releases the stats. */
/* A scan with these options that must succeed. */
static inline au_scan_stats scan_opts_checked(au_store *s, au_pricing *prices, const au_scan_opts *o)
{
	au_scan_stats st;
	au_err err;
	au_scan_stats_init(&st);
	int r = au_scan(s, prices, o, &st, &err);
	if (r < 0)
		fprintf(stderr, "scan failed: %s\n", err.msg);
	CHECK_INT(r, 0);
	return st;
}

static inline au_scan_stats scan_checked(au_store *s, au_pricing *prices, au_source only)
{
	au_scan_opts o = {.only = only, .threads = 1};
	return scan_opts_checked(s, prices, &o);
}

/*
 * Holds agg to usage, row by row: every aggregate column (first_ts and
 * last_ts aside: a replaced response may leave them wider) equals the sums
 * of the responses in its bucket, and no row is missing on either side.
 */
#define AGG_OF_USAGE                                                                                   \
	"SELECT ts / 900000, source, model, project, session, count(*), sum(input), sum(cc5m), sum(cc1h),"  \
	" sum(cache_read), sum(output), sum(reasoning), sum(coalesce(cost, 0)), sum(cost IS NULL),"          \
	" sum(coalesce(tool_cost, 0)), sum(tool_cost IS NOT NULL) FROM usage GROUP BY 1, 2, 3, 4, 5"
#define AGG_ROWS                                                                                       \
	"SELECT bucket, source, model, project, session, n, input, cc5m, cc1h, cache_read, output,"         \
	" reasoning, cost, unpriced, tool_cost, tool_costed FROM agg"
/* agg_hour (migration 9), and what agg says it must hold (hours before
 * 1970 included: the bucket rounded down) */
#define AGG_HOUR_ROWS                                                                                  \
	"SELECT hour, source, model, n, input, cc5m, cc1h, cache_read, output, reasoning, cost, unpriced,"   \
	" tool_cost, tool_costed FROM agg_hour"
#define AGG_HOUR_OF_AGG                                                                                \
	"SELECT bucket / 4 - (bucket % 4 < 0), source, model, sum(n), sum(input), sum(cc5m),"               \
	" sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(cost), sum(unpriced), sum(tool_cost),"  \
	" sum(tool_costed) FROM agg GROUP BY 1, 2, 3"
static inline void check_agg_matches_usage(au_store *s)
{
	CHECK_INT(q(s, "SELECT count(*) FROM (" AGG_ROWS " EXCEPT " AGG_OF_USAGE ")"), 0);
	CHECK_INT(q(s, "SELECT count(*) FROM (" AGG_OF_USAGE " EXCEPT " AGG_ROWS ")"), 0);
	/* agg_hour is agg by hour, source and model */
	CHECK_INT(q(s, "SELECT count(*) FROM (" AGG_HOUR_ROWS " EXCEPT " AGG_HOUR_OF_AGG ")"), 0);
	CHECK_INT(q(s, "SELECT count(*) FROM (" AGG_HOUR_OF_AGG " EXCEPT " AGG_HOUR_ROWS ")"), 0);
	/* and the triggers that keep it so are in place */
	CHECK_INT(q(s, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN"
		       " ('usage_ai', 'usage_ad', 'usage_au', 'agg_ai', 'agg_ad', 'agg_au')"),
		  6);
	/* as are the ones counting the cursors' writes (a bulk load drops them) */
	CHECK_INT(q(s, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN"
		       " ('files_stamp_ai', 'files_stamp_au', 'files_stamp_ad')"),
		  3);
}

static inline void rm_rf(const char *path)
{
	au_remove_tree(path);
}

#endif
