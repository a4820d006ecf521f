/*
 * Test helpers that touch the store or the file system: one integer from a
 * query (-1 when it returns no row) and removing a temporary tree.
 */
#ifndef AU_STOREQ_H
#define AU_STOREQ_H

#include <sqlite3.h>
#include <stdint.h>

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

static inline void rm_rf(const char *path)
{
	au_remove_tree(path);
}

#endif
