/*
 * What store.c and queries.c share and nothing else sees: the au_store
 * struct (the one `sqlite3 *` in the program), the error mapping, and the
 * cache of the named writes' prepared statements (prepared on first use,
 * finalized by au_store_close).
 */
#ifndef AU_STORE_INTERNAL_H
#define AU_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store.h"

/* The named statements queries.c prepares once and keeps. */
typedef enum au_named_stmt {
	AU_NS_CLOUD_TOKENS,
	AU_NS_CLOUD_COST,
	AU_NS_CLOUD_BALANCE,
	AU_NS_ALERT_HOLD,
	AU_NS_ALERT_SENT,
	AU_NS_ALERT_ANSWERED,
	AU_NS_ALERT_DROP_HELD,
	AU_NS_MAX,
} au_named_stmt;

struct au_store {
	sqlite3 *db;
	bool readonly;
	sqlite3_stmt *put_best, *put_min, *put_latest, *put_fallback, *main_has_id, *del_replays, *del_key;

	sqlite3_stmt *ins_cursor, *upd_cursor;
	sqlite3_stmt *named[AU_NS_MAX];
	au_pricing *pricing; /* for the au_cost() SQL function during reprice */
};

/* err from the connection's last error: "WHAT: sqlite's message", with an
 * errno that says busy, read-only, full or I/O. Returns the negative errno. */
int au_store_fail(au_store *s, au_err *err, const char *what);

#endif
