/*
 * The SQLite store: one row per counted response (deduplicated by key),
 * per-file cursors for incremental scans, a 15-minute aggregate kept by
 * triggers so reports never read every row, and schema migrations.
 * One writer at a time (the scan or the watcher); readers run alongside (WAL).
 */
#ifndef AU_STORE_H
#define AU_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"
#include "pricing.h"
#include "util.h"

/* 15 minutes: every UTC offset in use is a multiple of it, so a bucket
 * never straddles a local day boundary in any time zone. */
#define AU_BUCKET_MS INT64_C(900000)

typedef struct au_store au_store;

typedef struct au_cursor {
	int64_t id; /* 0 until saved */
	char *path;
	const au_parser_ops *parser; /* which parser reads the file */
	int64_t dev, ino, size, mtime_ns;
	int64_t offset; /* bytes consumed: the end of the last complete line */
	int64_t line;   /* lines consumed */
	int64_t fp_len; /* bytes hashed into fp (the head of the file) */
	uint64_t fp;
	char *state; /* parser state at offset, or NULL */
} au_cursor;

void au_cursor_free(au_cursor *c);

/* Process-wide SQLite settings, before any thread and any connection
 * (SQLite takes them only before its first use): main() calls it. */
void au_store_library_init(void);

/* Opens (creating and migrating) the store. readonly opens an existing
 * file without writing anything. */
int au_store_open(const char *path, bool readonly, au_store **ret, au_err *err);
void au_store_close(au_store *s);
bool au_store_readonly(const au_store *s);
/* What au_store_open (read-write) found wrong with the store's privacy: its
 * folder, or the store where others can reach it, readable by other users.
 * NULL when there is nothing to say; for the caller to show. A new store
 * is created 0600 (and so are its -wal and -shm). */
const char *au_store_warning(const au_store *s);
/*
 * For a short writer run often (`aiusage statusline` after every Claude
 * Code response, a report's incremental scan): its close leaves the WAL
 * for a later connection instead of checkpointing it when it is the last
 * one. That checkpoint fsyncs the WAL and the database and deletes the WAL
 * and its index, and the next run then made them again and fsynced the
 * WAL's header and the folder: four fsyncs a run, a few milliseconds on a
 * real disk, and 1 ms of a warm report on the page cache. Commits are as
 * durable as before (synchronous = NORMAL). Once the WAL is longer than
 * 128 pages, the close checkpoints as usual, so that reading the WAL back
 * at the next open stays cheap; a commit that leaves it 1000 pages long
 * checkpoints then, as SQLite's own hook does. A no-op on a read-only
 * store.
 */
void au_store_defer_checkpoint(au_store *s);

int au_store_begin(au_store *s, au_err *err);
int au_store_commit(au_store *s, au_err *err);
void au_store_rollback(au_store *s);

/* The parser a file's cursor names (files.source holds its name), or NULL.
 * The store does not know the list of parsers: the tools' registry above it
 * does (watchers/tools.c, au_tool_parser_by_name). */
typedef const au_parser_ops *(*au_parser_lookup_fn)(const char *name);

/* All cursors keyed by path (GHashTable of char* -> au_cursor*, owning). */
int au_store_load_cursors(au_store *s, au_parser_lookup_fn lookup, void **ret_table, au_err *err);
int au_store_save_cursor(au_store *s, au_cursor *c, au_err *err);

/*
 * The stored cursor of one file, read now (*ret NULL when the file has
 * none; the caller frees it). Two processes may scan at once: a writer
 * reads its file's cursor again inside its write transaction, and when it
 * is no longer the one the file was read from (au_cursor_equal), the other
 * writer got there first and the file must be read again from it.
 */
int au_store_load_cursor(au_store *s, const char *path, au_parser_lookup_fn lookup, au_cursor **ret,
			 au_err *err);
/*
 * What a scan compares each file's stat() with: the version of the file
 * its stored cursor was made from, without the rest of the cursor. A warm
 * scan of 22k files reads these for every file (in one block, freed at
 * once) and the whole cursor (au_store_load_cursor) only for the files
 * that changed.
 */
typedef struct au_cursor_key {
	const au_parser_ops *parser;
	int64_t dev, ino, size, mtime_ns;
} au_cursor_key;
typedef struct au_cursor_keys au_cursor_keys;
/* ret_stamp (g_free; may be NULL): au_store_files_stamp as of the keys */
int au_store_load_cursor_keys(au_store *s, au_parser_lookup_fn lookup, au_cursor_keys **ret, char **ret_stamp,
			      au_err *err);
void au_cursor_keys_each(const au_cursor_keys *k, void (*fn)(const char *path, const au_cursor_key *key, void *ud),
			 void *ud);
/*
 * The cursors' stamp (g_free): this store's random name and the number of
 * rows ever written to or deleted from its cursors, by any writer (a
 * trigger counts them). Equal stamps: the same cursors. A copy of the keys
 * kept elsewhere is good while the stamp is the one it was made at.
 */
int au_store_files_stamp(au_store *s, char **ret, au_err *err);
/* The cursors this connection saved (au_store_save_cursor), ever. */
int64_t au_store_cursors_saved(const au_store *s);
/* The path the store was opened with. */
const char *au_store_path(const au_store *s);
/* NULL when the store has no cursor for path. */
const au_cursor_key *au_cursor_keys_get(const au_cursor_keys *k, const char *path);
void au_cursor_keys_free(au_cursor_keys *k);
/* Same file position, identity, fingerprint and parser state (NULLs equal). */
bool au_cursor_equal(const au_cursor *a, const au_cursor *b);

/* Result of au_store_put. */
typedef enum au_put_result {
	AU_PUT_NEW,      /* a response counted for the first time */
	AU_PUT_REPLACED, /* a better copy replaced the counted one */
	AU_PUT_KEPT,     /* a copy no better than the counted one */
	AU_PUT_REPLAY,   /* a sidechain replay of a main-chain response: dropped */
	AU_PUT_RETRACTED, /* a record withdrawn by its parser (ev->retract): deleted */
} au_put_result;

#define AU_COST_UNPRICED INT64_MIN

/*
 * Records one event. Events with an empty key are keyed by their position
 * (file_id, offset). cost is pico-dollars or AU_COST_UNPRICED.
 */
int au_store_put(au_store *s, const au_event *ev, int64_t file_id, int64_t offset, int64_t cost,
		 au_put_result *ret, au_err *err);

/*
 * Makes every stored cost reflect `p`: a no-op when the table's fingerprint
 * matches the one the costs were computed with, otherwise one UPDATE.
 */
int au_store_reprice(au_store *s, au_pricing *p, au_err *err);

/*
 * Loading many responses into an empty store (a first scan): inside a
 * write transaction, au_store_bulk_begin stops agg's row-by-row upkeep
 * and au_store_bulk_end rebuilds agg from usage in one pass and restores
 * it, in the same transaction (so a rollback undoes both). Every commit
 * must come after a bulk_end. About a fifth of a cold scan's time.
 */
bool au_store_is_empty(au_store *s);
/*
 * Around a first load, outside any transaction: a store in WAL mode writes
 * every page twice (the log, then the checkpoint), and a load into an
 * empty store has nothing old to protect, so on the way in the store
 * switches to a rollback journal (pages past the file's end are not
 * journaled at all) and on the way out back to WAL. Best effort: with
 * another connection open the switch does not happen and nothing changes.
 * A crash in between leaves a consistent store (the journal is rolled
 * back at the next open, which sets WAL again).
 */
void au_store_load_journal(au_store *s, bool loading);
int au_store_bulk_begin(au_store *s, au_err *err);
int au_store_bulk_end(au_store *s, au_err *err);

int au_store_meta_get(au_store *s, const char *key, char **ret_value);
int au_store_meta_set(au_store *s, const char *key, const char *value, au_err *err);

#endif
