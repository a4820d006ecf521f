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

typedef struct au_bulk au_bulk;

/* The named statements queries.c prepares once and keeps. */
typedef enum au_named_stmt {
	AU_NS_CLOUD_TOKENS,
	AU_NS_CLOUD_COST,
	AU_NS_CLOUD_BALANCE,
	AU_NS_ALERT_HOLD,
	AU_NS_ALERT_SENT,
	AU_NS_ALERT_ANSWERED,
	AU_NS_ALERT_DROP_HELD,
	AU_NS_LIMIT_PUT,   /* plan_limits.c */
	AU_NS_HEALTH_DAY,  /* plan_limits.c */
	AU_NS_HEALTH_FILE, /* plan_limits.c */
	AU_NS_MAX,
} au_named_stmt;

struct au_store {
	sqlite3 *db;
	bool readonly;
	sqlite3_stmt *put_best, *put_min, *put_latest, *put_fallback, *main_has_id, *del_replays, *del_key;
	sqlite3_stmt *ins_cursor, *upd_cursor, *get_cursor; /* get_cursor: prepared on first use */
	sqlite3_stmt *named[AU_NS_MAX];
	au_pricing *pricing; /* for the au_cost() SQL function during reprice */
	au_bulk *bulk;       /* between au_store_bulk_begin and _end, else NULL */
	struct au_bulk_filters *filters; /* kept from one bulk batch to the next */
	char *warning;       /* au_store_warning */
	bool defer_ckpt;     /* au_store_defer_checkpoint */
	int wal_frames;      /* the WAL's length at this connection's last commit */
	char *path;	     /* as opened */
	int64_t cursors_saved; /* au_store_cursors_saved */
};

/* The bulk load's limits (store.c): staged rows before an INSERT, agg
 * groups before they are added to SQLite. Tests make them small. */
extern int au_bulk_stage_max, au_bulk_agg_max;

/* A named write statement (s->named[which]), prepared at its first use and
 * handed out reset and unbound; and one stepped to its end and reset.
 * what names the work in errors ("writing the store"). */
int au_store_named(au_store *s, au_named_stmt which, const char *sql, sqlite3_stmt **ret, au_err *err,
		   const char *what);
int au_store_run_named(au_store *s, sqlite3_stmt *st, au_err *err, const char *what);

/* err from the connection's last error: "WHAT: sqlite's message", with an
 * errno that says busy, read-only, full or I/O. Returns the negative errno. */
int au_store_fail(au_store *s, au_err *err, const char *what);

/* A walk of queries.h (queries.c, queries_team.c): one statement. */
struct au_store_iter {
	au_store *s;
	sqlite3_stmt *st;
	const char *what; /* for errors: "reading the store" */
};

#endif
