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
#include "util.h"

static inline int64_t q(au_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(au_store_db(s), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A single-threaded scan of one source (AU_SRC_NONE: all), checked to
 * succeed; the caller releases the stats. */
static inline au_scan_stats scan_checked(au_store *s, au_pricing *prices, au_source only)
{
	au_scan_stats st;
	au_err err;
	au_scan_opts o = {.only = only, .threads = 1};
	au_scan_stats_init(&st);
	int r = au_scan(s, prices, &o, &st, &err);
	if (r < 0)
		fprintf(stderr, "scan failed: %s\n", err.msg);
	CHECK_INT(r, 0);
	return st;
}

static inline void rm_rf(const char *path)
{
	au_remove_tree(path);
}

#endif
