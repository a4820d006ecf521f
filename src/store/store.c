/*
 * SQLite store. Owns the schema and its migrations, the dedup rules at write
 * time (which copy of a response counts) and the cursor table. Counted
 * responses feed the `agg` table through triggers, so an insert, a
 * replacement and a delete all keep the aggregate exact without the callers
 * having to remember it.
 */
#include "store.h"
#include "store_internal.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The trigger bodies that move a response into or out of its agg row. */
#define AGG_ADD_NEW                                                                               \
	"  INSERT INTO agg VALUES(NEW.ts / 900000, NEW.source, NEW.model, NEW.project,"         \
	"    NEW.session, 1, NEW.input, NEW.cc5m, NEW.cc1h, NEW.cache_read, NEW.output,"        \
	"    NEW.reasoning, coalesce(NEW.cost, 0), NEW.cost IS NULL, NEW.ts, NEW.ts)"           \
	"  ON CONFLICT DO UPDATE SET n = n + 1, input = input + excluded.input,"                  \
	"    cc5m = cc5m + excluded.cc5m, cc1h = cc1h + excluded.cc1h,"                          \
	"    cache_read = cache_read + excluded.cache_read, output = output + excluded.output,"  \
	"    reasoning = reasoning + excluded.reasoning, cost = cost + excluded.cost,"           \
	"    unpriced = unpriced + excluded.unpriced,"                                          \
	"    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts);"
#define AGG_SUBTRACT_OLD                                                                          \
	"  UPDATE agg SET n = n - 1, input = input - OLD.input, cc5m = cc5m - OLD.cc5m,"         \
	"    cc1h = cc1h - OLD.cc1h, cache_read = cache_read - OLD.cache_read,"                 \
	"    output = output - OLD.output, reasoning = reasoning - OLD.reasoning,"              \
	"    cost = cost - coalesce(OLD.cost, 0), unpriced = unpriced - (OLD.cost IS NULL)"     \
	"  WHERE bucket = OLD.ts / 900000 AND source = OLD.source AND model = OLD.model"        \
	"    AND project = OLD.project AND session = OLD.session;"                              \
	"  DELETE FROM agg WHERE n = 0 AND bucket = OLD.ts / 900000 AND source = OLD.source"     \
	"    AND model = OLD.model AND project = OLD.project AND session = OLD.session;"

/* Since migration 4 agg also sums the tools' own costs (tool_cost over
 * the tool_costed responses that carry one). */
#define AGG_ADD_NEW_4                                                                             \
	"  INSERT INTO agg VALUES(NEW.ts / 900000, NEW.source, NEW.model, NEW.project,"         \
	"    NEW.session, 1, NEW.input, NEW.cc5m, NEW.cc1h, NEW.cache_read, NEW.output,"        \
	"    NEW.reasoning, coalesce(NEW.cost, 0), NEW.cost IS NULL, NEW.ts, NEW.ts,"           \
	"    coalesce(NEW.tool_cost, 0), NEW.tool_cost IS NOT NULL)"                            \
	"  ON CONFLICT DO UPDATE SET n = n + 1, input = input + excluded.input,"                  \
	"    cc5m = cc5m + excluded.cc5m, cc1h = cc1h + excluded.cc1h,"                          \
	"    cache_read = cache_read + excluded.cache_read, output = output + excluded.output,"  \
	"    reasoning = reasoning + excluded.reasoning, cost = cost + excluded.cost,"           \
	"    unpriced = unpriced + excluded.unpriced,"                                          \
	"    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),"\
	"    tool_cost = tool_cost + excluded.tool_cost, tool_costed = tool_costed + excluded.tool_costed;"
#define AGG_SUBTRACT_OLD_4                                                                        \
	"  UPDATE agg SET n = n - 1, input = input - OLD.input, cc5m = cc5m - OLD.cc5m,"         \
	"    cc1h = cc1h - OLD.cc1h, cache_read = cache_read - OLD.cache_read,"                 \
	"    output = output - OLD.output, reasoning = reasoning - OLD.reasoning,"              \
	"    cost = cost - coalesce(OLD.cost, 0), unpriced = unpriced - (OLD.cost IS NULL),"    \
	"    tool_cost = tool_cost - coalesce(OLD.tool_cost, 0),"                               \
	"    tool_costed = tool_costed - (OLD.tool_cost IS NOT NULL)"                           \
	"  WHERE bucket = OLD.ts / 900000 AND source = OLD.source AND model = OLD.model"        \
	"    AND project = OLD.project AND session = OLD.session;"                              \
	"  DELETE FROM agg WHERE n = 0 AND bucket = OLD.ts / 900000 AND source = OLD.source"     \
	"    AND model = OLD.model AND project = OLD.project AND session = OLD.session;"

/* The triggers that keep agg in step with usage, as migration 4 made them
 * (au_store_bulk_end makes them again: edit only together with a new
 * migration). */
#define AGG_DROP_TRIGGERS "DROP TRIGGER usage_ai; DROP TRIGGER usage_ad; DROP TRIGGER usage_au;"
#define AGG_TRIGGERS_4                                                                            \
	"CREATE TRIGGER usage_ai AFTER INSERT ON usage BEGIN" AGG_ADD_NEW_4 "END;"                   \
	"CREATE TRIGGER usage_ad AFTER DELETE ON usage BEGIN" AGG_SUBTRACT_OLD_4 "END;"              \
	"CREATE TRIGGER usage_au AFTER UPDATE ON usage BEGIN" AGG_SUBTRACT_OLD_4 AGG_ADD_NEW_4 "END;"

/* Schema history: each entry moves user_version from i to i+1. Never edit a
 * shipped entry's SQL; append a new one. */
static const char *const migrations[] = {
	/* 1: initial schema */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE files("
	"  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, source TEXT NOT NULL,"
	"  dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,"
	"  mtime_ns INTEGER NOT NULL, offset INTEGER NOT NULL, line INTEGER NOT NULL,"
	"  fp_len INTEGER NOT NULL, fp INTEGER NOT NULL, state TEXT);"
	"CREATE TABLE usage("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, source TEXT NOT NULL,"
	"  msg_id TEXT, sidechain INTEGER NOT NULL, ts INTEGER NOT NULL,"
	"  session TEXT NOT NULL, project TEXT NOT NULL, model TEXT NOT NULL,"
	"  input INTEGER NOT NULL, cc5m INTEGER NOT NULL, cc1h INTEGER NOT NULL,"
	"  cache_read INTEGER NOT NULL, output INTEGER NOT NULL, reasoning INTEGER NOT NULL,"
	"  total INTEGER NOT NULL, cost INTEGER, file_id INTEGER);"
	"CREATE INDEX usage_msg_id ON usage(msg_id) WHERE msg_id IS NOT NULL;"
	"CREATE TABLE agg("
	"  bucket INTEGER NOT NULL, source TEXT NOT NULL, model TEXT NOT NULL,"
	"  project TEXT NOT NULL, session TEXT NOT NULL, n INTEGER NOT NULL,"
	"  input INTEGER NOT NULL, cc5m INTEGER NOT NULL, cc1h INTEGER NOT NULL,"
	"  cache_read INTEGER NOT NULL, output INTEGER NOT NULL, reasoning INTEGER NOT NULL,"
	"  cost INTEGER NOT NULL, unpriced INTEGER NOT NULL, first_ts INTEGER NOT NULL,"
	"  last_ts INTEGER NOT NULL,"
	"  PRIMARY KEY(bucket, source, model, project, session)) WITHOUT ROWID;"
	"CREATE TRIGGER usage_ai AFTER INSERT ON usage BEGIN"
	AGG_ADD_NEW
	"END;"
	"CREATE TRIGGER usage_ad AFTER DELETE ON usage BEGIN"
	AGG_SUBTRACT_OLD
	"END;"
	"CREATE TRIGGER usage_au AFTER UPDATE ON usage BEGIN"
	AGG_SUBTRACT_OLD
	AGG_ADD_NEW
	"END;",
	/* 2: budget alerts already sent (or held for quiet hours), so a
	 * restart does not repeat them */
	"CREATE TABLE alert_state("
	"  budget TEXT NOT NULL, period TEXT NOT NULL, level INTEGER NOT NULL,"
	"  sent_at INTEGER, held_since INTEGER,"
	"  PRIMARY KEY(budget, period, level)) WITHOUT ROWID;",
	/* 3: what the providers' billing APIs say (cloud sync), upserted by
	 * bucket so a re-poll never double counts; never any key material */
	"CREATE TABLE cloud_usage("
	"  provider TEXT NOT NULL, bucket_start INTEGER NOT NULL, bucket_secs INTEGER NOT NULL,"
	"  item TEXT NOT NULL, input INTEGER NOT NULL DEFAULT 0, output INTEGER NOT NULL DEFAULT 0,"
	"  cache_read INTEGER NOT NULL DEFAULT 0, cache_write INTEGER NOT NULL DEFAULT 0,"
	"  requests INTEGER NOT NULL DEFAULT 0, cost INTEGER, fetched_at INTEGER NOT NULL,"
	"  PRIMARY KEY(provider, bucket_start, bucket_secs, item)) WITHOUT ROWID;"
	"CREATE TABLE cloud_balance("
	"  provider TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, balance INTEGER,"
	"  used INTEGER, limit_amount INTEGER) WITHOUT ROWID;",
	/* 4: the tools' own costs beside ours; the rules between sources that
	 * describe the same usage, as triggers so every writer obeys them */
	"ALTER TABLE usage ADD COLUMN tool_cost INTEGER;"
	"ALTER TABLE agg ADD COLUMN tool_cost INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE agg ADD COLUMN tool_costed INTEGER NOT NULL DEFAULT 0;"
	AGG_DROP_TRIGGERS
	AGG_TRIGGERS_4
	/* Cursor: local chat-message rows yield to `cursor sync`'s dashboard
	 * events inside the synced span (bounds in meta), also when a later
	 * scan reads them again. Made by cmd_cursor.c before migration 4. */
	"CREATE TRIGGER IF NOT EXISTS cursor_local_yields BEFORE INSERT ON usage"
	" WHEN NEW.key GLOB 'cursor:b:*'"
	"  AND NEW.ts >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cursor.synced_from')"
	"  AND NEW.ts < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cursor.synced_until')"
	" BEGIN SELECT RAISE(IGNORE); END;"
	/* Copilot: a session the OpenTelemetry export describes (keys 'cpo:')
	 * counts from it alone, per request; the session log's shutdown
	 * totals and VS Code's chat log for that session are set aside, in
	 * whichever order the two arrive. */
	"CREATE INDEX usage_copilot_session ON usage(session) WHERE source IN ('copilot', 'vscode');"
	"CREATE TRIGGER copilot_otel_supersedes AFTER INSERT ON usage"
	" WHEN substr(NEW.key, 1, 4) = 'cpo:' BEGIN"
	"  DELETE FROM usage WHERE source IN ('copilot', 'vscode') AND session = NEW.session"
	"    AND substr(key, 1, 4) <> 'cpo:';"
	" END;"
	"CREATE TRIGGER copilot_otel_covers BEFORE INSERT ON usage"
	" WHEN NEW.source IN ('copilot', 'vscode') AND substr(NEW.key, 1, 4) <> 'cpo:'"
	"  AND EXISTS(SELECT 1 FROM usage WHERE source IN ('copilot', 'vscode')"
	"    AND session = NEW.session AND substr(key, 1, 4) = 'cpo:')"
	" BEGIN SELECT RAISE(IGNORE); END;",
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

int au_store_fail(au_store *s, au_err *err, const char *what)
{
	int rc = sqlite3_errcode(s->db);
	int code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? EBUSY
		   : rc == SQLITE_READONLY			 ? EROFS
		   : rc == SQLITE_FULL				 ? ENOSPC
		   : rc == SQLITE_CANTOPEN			 ? ENOENT
								 : EIO;
	const char *hint = code == EBUSY    ? " (another aiusage is writing; try again)"
			   : code == ENOSPC ? " (the disk is full; nothing already stored is lost)"
					    : "";
	return au_fail(err, code, "%s: %s%s", what, sqlite3_errmsg(s->db), hint);
}

static int exec(au_store *s, const char *sql, au_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int r = au_store_fail(s, err, "database");
		sqlite3_free(msg);
		return r;
	}
	return 0;
}

static int prepare(au_store *s, const char *sql, sqlite3_stmt **ret, au_err *err)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, ret, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "preparing a statement");
	return 0;
}

/*
 * One statement records a copy of a response: inserted when its key is new,
 * replacing the counted copy only when the WHERE (the dedup rule) says it
 * is better. The triggers keep agg in step either way.
 */
#define PUT_SQL                                                                                   \
	"INSERT INTO usage(key, source, msg_id, sidechain, ts, session, project, model,"        \
	" input, cc5m, cc1h, cache_read, output, reasoning, total, cost, file_id, tool_cost)"    \
	" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"                \
	" ON CONFLICT(key) DO UPDATE SET source = excluded.source, msg_id = excluded.msg_id,"     \
	" sidechain = excluded.sidechain, ts = excluded.ts, session = excluded.session,"          \
	" project = excluded.project, model = excluded.model, input = excluded.input,"            \
	" cc5m = excluded.cc5m, cc1h = excluded.cc1h, cache_read = excluded.cache_read,"          \
	" output = excluded.output, reasoning = excluded.reasoning, total = excluded.total,"      \
	" cost = excluded.cost, file_id = excluded.file_id, tool_cost = excluded.tool_cost WHERE "

static int migrate(au_store *s, au_err *err)
{
	sqlite3_stmt *st;
	int version = 0, r;
	if ((r = prepare(s, "PRAGMA user_version", &st, err)) < 0)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)N_MIGRATIONS)
		return au_fail(err, EPROTO,
			       "the database has schema version %d but this aiusage knows only %zu: "
			       "it was written by a newer aiusage",
			       version, N_MIGRATIONS);
	if (version == (int)N_MIGRATIONS)
		return 0;
	if (s->readonly)
		return au_fail(err, EROFS, "the database needs a schema upgrade but is opened read-only");
	if ((r = exec(s, "BEGIN IMMEDIATE", err)) < 0)
		return r;
	for (size_t i = (size_t)version; i < N_MIGRATIONS; i++) {
		if ((r = exec(s, migrations[i], err)) < 0)
			goto fail;
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", i + 1);
		if ((r = exec(s, sql, err)) < 0)
			goto fail;
	}
	return exec(s, "COMMIT", err);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int au_store_open(const char *path, bool readonly, au_store **ret, au_err *err)
{
	au_store *s = xcalloc(1, sizeof(*s));
	s->readonly = readonly;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int r;
	if (!readonly) {
		char *dir = g_path_get_dirname(path);
		if (g_mkdir_with_parents(dir, 0700) < 0) {
			r = au_fail(err, errno, "cannot create %s: %s", dir, strerror(errno));
			g_free(dir);
			free(s);
			return r;
		}
		g_free(dir);
	}
	int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc == SQLITE_OK && readonly && sqlite3_exec(s->db, "SELECT 1 FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
		/* A WAL database in a directory we cannot write (no -shm can be
		 * made) still reads as an immutable file. */
		sqlite3_close(s->db);
		s->db = NULL;
		GString *uri = g_string_new("file:");
		for (const char *c = path; *c; c++)
			if (*c == '%' || *c == '?' || *c == '#')
				g_string_append_printf(uri, "%%%02X", (unsigned char)*c);
			else
				g_string_append_c(uri, *c);
		g_string_append(uri, "?immutable=1");
		rc = sqlite3_open_v2(uri->str, &s->db, flags | SQLITE_OPEN_URI, NULL);
		g_string_free(uri, TRUE);
	}
	if (rc != SQLITE_OK) {
		r = au_fail(err, readonly ? ENOENT : EIO, "cannot open the database %s: %s", path,
			    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sqlite3_close(s->db);
		free(s);
		return r;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if ((r = exec(s, readonly ? "PRAGMA query_only = 1"
				  : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
				    /* 16 MiB of page cache: a cold scan's writes stay in
				     * memory until the commit instead of spilling */
				    " PRAGMA cache_size = -16384",
		      err)) < 0 ||
	    (r = migrate(s, err)) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		au_fail(err, -r, "%s: %s", path, msg);
		au_store_close(s);
		return r;
	}
	if (!readonly &&
	    ((r = prepare(s, PUT_SQL "(usage.sidechain = 1 AND excluded.sidechain = 0) OR"
			     " (usage.sidechain = excluded.sidechain AND excluded.total > usage.total)",
			  &s->put_best, err)) < 0 ||
	     (r = prepare(s, PUT_SQL "excluded.total < usage.total", &s->put_min, err)) < 0 ||
	     /* re-read records: replace when anything counted changed */
	     (r = prepare(s,
			  PUT_SQL "(excluded.ts, excluded.model, excluded.session, excluded.project, excluded.input,"
				  " excluded.cc5m, excluded.cc1h, excluded.cache_read, excluded.output, excluded.reasoning,"
				  " excluded.cost, excluded.tool_cost) IS NOT (usage.ts, usage.model, usage.session,"
				  " usage.project, usage.input, usage.cc5m, usage.cc1h, usage.cache_read, usage.output,"
				  " usage.reasoning, usage.cost, usage.tool_cost)",
			  &s->put_latest, err)) < 0 ||
	     /* a stand-in replaces only its own earlier read */
	     (r = prepare(s,
			  PUT_SQL "usage.file_id IS excluded.file_id AND (excluded.ts, excluded.model, excluded.session,"
				  " excluded.project, excluded.input, excluded.cc5m, excluded.cc1h, excluded.cache_read,"
				  " excluded.output, excluded.reasoning, excluded.cost, excluded.tool_cost) IS NOT"
				  " (usage.ts, usage.model, usage.session, usage.project, usage.input, usage.cc5m,"
				  " usage.cc1h, usage.cache_read, usage.output, usage.reasoning, usage.cost, usage.tool_cost)",
			  &s->put_fallback, err)) < 0 ||
	     (r = prepare(s,
			  "SELECT 1 FROM usage WHERE msg_id = ?1 AND sidechain = 0 AND key <> ?2 LIMIT 1",
			  &s->main_has_id, err)) < 0 ||
	     (r = prepare(s, "DELETE FROM usage WHERE msg_id = ?1 AND sidechain = 1 AND key <> ?2",
			  &s->del_replays, err)) < 0 ||
	     (r = prepare(s, "DELETE FROM usage WHERE key = ?1", &s->del_key, err)) < 0 ||
	     (r = prepare(s,
			  "INSERT INTO files(path, source, dev, ino, size, mtime_ns, offset, line, fp_len,"
			  " fp, state) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
			  &s->ins_cursor, err)) < 0 ||
	     (r = prepare(s,
			  "UPDATE files SET dev=?3, ino=?4, size=?5, mtime_ns=?6, offset=?7, line=?8,"
			  " fp_len=?9, fp=?10, state=?11, source=?2 WHERE path=?1",
			  &s->upd_cursor, err)) < 0)) {
		au_store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

void au_store_close(au_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put_best);
	sqlite3_finalize(s->put_min);
	sqlite3_finalize(s->put_latest);
	sqlite3_finalize(s->put_fallback);
	sqlite3_finalize(s->main_has_id);
	sqlite3_finalize(s->del_replays);
	sqlite3_finalize(s->del_key);
	sqlite3_finalize(s->ins_cursor);
	sqlite3_finalize(s->upd_cursor);
	for (size_t i = 0; i < sizeof(s->named) / sizeof(s->named[0]); i++)
		sqlite3_finalize(s->named[i]);
	sqlite3_close(s->db);
	free(s);
}

bool au_store_readonly(const au_store *s)
{
	return s->readonly;
}

int au_store_begin(au_store *s, au_err *err)
{
	return exec(s, "BEGIN IMMEDIATE", err);
}

int au_store_commit(au_store *s, au_err *err)
{
	return exec(s, "COMMIT", err);
}

void au_store_rollback(au_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void au_cursor_free(au_cursor *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->state);
	free(c);
}

static char *col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

int au_store_load_cursors(au_store *s, au_parser_lookup_fn lookup, void **ret_table, au_err *err)
{
	sqlite3_stmt *st;
	int r = prepare(s,
			"SELECT id, path, source, dev, ino, size, mtime_ns, offset, line, fp_len, fp,"
			" state FROM files",
			&st, err);
	if (r < 0)
		return r;
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)au_cursor_free);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_cursor *c = xcalloc(1, sizeof(*c));
		c->id = sqlite3_column_int64(st, 0);
		c->path = col_strdup(st, 1);
		/* files.source holds the name of the parser that reads the file */
		c->parser = lookup((const char *)sqlite3_column_text(st, 2));
		c->dev = sqlite3_column_int64(st, 3);
		c->ino = sqlite3_column_int64(st, 4);
		c->size = sqlite3_column_int64(st, 5);
		c->mtime_ns = sqlite3_column_int64(st, 6);
		c->offset = sqlite3_column_int64(st, 7);
		c->line = sqlite3_column_int64(st, 8);
		c->fp_len = sqlite3_column_int64(st, 9);
		c->fp = (uint64_t)sqlite3_column_int64(st, 10);
		c->state = col_strdup(st, 11);
		g_hash_table_replace(t, c->path, c);
	}
	if (rc != SQLITE_DONE) {
		r = au_store_fail(s, err, "reading file cursors");
		g_hash_table_destroy(t);
		sqlite3_finalize(st);
		return r;
	}
	sqlite3_finalize(st);
	*ret_table = t;
	return 0;
}

int au_store_save_cursor(au_store *s, au_cursor *c, au_err *err)
{
	sqlite3_stmt *st = c->id ? s->upd_cursor : s->ins_cursor;
	sqlite3_bind_text(st, 1, c->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->parser ? c->parser->name : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->dev);
	sqlite3_bind_int64(st, 4, c->ino);
	sqlite3_bind_int64(st, 5, c->size);
	sqlite3_bind_int64(st, 6, c->mtime_ns);
	sqlite3_bind_int64(st, 7, c->offset);
	sqlite3_bind_int64(st, 8, c->line);
	sqlite3_bind_int64(st, 9, c->fp_len);
	sqlite3_bind_int64(st, 10, (int64_t)c->fp);
	if (c->state)
		sqlite3_bind_text(st, 11, c->state, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 11);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "saving a file cursor");
	if (!c->id)
		c->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v && *v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a one-row lookup; true if it returned a row. */
static int step_exists(au_store *s, sqlite3_stmt *st, bool *ret, au_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return au_store_fail(s, err, "looking up a response");
	*ret = rc == SQLITE_ROW;
	return 0;
}

int au_store_put(au_store *s, const au_event *ev, int64_t file_id, int64_t offset, int64_t cost,
		 au_put_result *ret, au_err *err)
{
	char poskey[64];
	const char *key = ev->key;
	if (!*key) {
		snprintf(poskey, sizeof(poskey), "p:%" PRId64 ":%" PRId64, file_id, offset);
		key = poskey;
	}
	int64_t total = au_tokens_total(&ev->tok);
	bool has_id = ev->msg_id[0] != '\0';
	int r;

	if (ev->retract) {
		sqlite3_bind_text(s->del_key, 1, key, -1, SQLITE_STATIC);
		int rc = sqlite3_step(s->del_key);
		sqlite3_reset(s->del_key);
		if (rc != SQLITE_DONE)
			return au_store_fail(s, err, "withdrawing a superseded record");
		*ret = sqlite3_changes(s->db) ? AU_PUT_RETRACTED : AU_PUT_KEPT;
		return 0;
	}

	if (ev->dedup == AU_DEDUP_BEST && has_id) {
		if (ev->sidechain) {
			/* A sidechain copy of a main-chain response under another
			 * requestId is a /btw replay. */
			bool replay = false;
			sqlite3_bind_text(s->main_has_id, 1, ev->msg_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s->main_has_id, 2, key, -1, SQLITE_STATIC);
			if ((r = step_exists(s, s->main_has_id, &replay, err)) < 0)
				return r;
			if (replay) {
				*ret = AU_PUT_REPLAY;
				return 0;
			}
		} else {
			/* The main-chain response arrived after its replays. */
			sqlite3_bind_text(s->del_replays, 1, ev->msg_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s->del_replays, 2, key, -1, SQLITE_STATIC);
			int rc = sqlite3_step(s->del_replays);
			sqlite3_reset(s->del_replays);
			if (rc != SQLITE_DONE)
				return au_store_fail(s, err, "dropping replayed responses");
		}
	}

	sqlite3_stmt *st = ev->dedup == AU_DEDUP_MIN	   ? s->put_min
			   : ev->dedup == AU_DEDUP_LATEST   ? s->put_latest
			   : ev->dedup == AU_DEDUP_FALLBACK ? s->put_fallback
							    : s->put_best;
	int rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, au_source_name(ev->source), -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, ev->msg_id);
	sqlite3_bind_int(st, 4, ev->sidechain);
	sqlite3_bind_int64(st, 5, ev->ts_ms);
	sqlite3_bind_text(st, 6, ev->session, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev->cwd, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev->model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, ev->tok.input);
	sqlite3_bind_int64(st, 10, ev->tok.cache_create_5m);
	sqlite3_bind_int64(st, 11, ev->tok.cache_create_1h);
	sqlite3_bind_int64(st, 12, ev->tok.cache_read);
	sqlite3_bind_int64(st, 13, ev->tok.output);
	sqlite3_bind_int64(st, 14, ev->tok.reasoning);
	sqlite3_bind_int64(st, 15, total);
	if (cost == AU_COST_UNPRICED)
		sqlite3_bind_null(st, 16);
	else
		sqlite3_bind_int64(st, 16, cost);
	sqlite3_bind_int64(st, 17, file_id);
	if (ev->has_tool_cost)
		sqlite3_bind_int64(st, 18, ev->tool_cost);
	else
		sqlite3_bind_null(st, 18);
	sqlite3_set_last_insert_rowid(s->db, 0); /* rowids are positive */
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return au_store_fail(s, err, "recording a response");
	/* an update through ON CONFLICT leaves the last rowid alone */
	*ret = sqlite3_changes(s->db) == 0			 ? AU_PUT_KEPT
	       : sqlite3_last_insert_rowid(s->db) != 0 ? AU_PUT_NEW
							   : AU_PUT_REPLACED;
	return 0;
}

bool au_store_is_empty(au_store *s)
{
	sqlite3_stmt *st;
	bool empty = false;
	if (sqlite3_prepare_v2(s->db, "SELECT NOT EXISTS (SELECT 1 FROM usage)", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		empty = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return empty;
}

int au_store_bulk_begin(au_store *s, au_err *err)
{
	return exec(s, AGG_DROP_TRIGGERS, err);
}

int au_store_bulk_end(au_store *s, au_err *err)
{
	/* what the triggers would have summed, row by row, in one pass */
	return exec(s,
		    "DELETE FROM agg;"
		    "INSERT INTO agg SELECT ts / 900000, source, model, project, session, count(*), sum(input),"
		    " sum(cc5m), sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(coalesce(cost, 0)),"
		    " sum(cost IS NULL), min(ts), max(ts), sum(coalesce(tool_cost, 0)), sum(tool_cost IS NOT NULL)"
		    " FROM usage GROUP BY 1, 2, 3, 4, 5;" AGG_TRIGGERS_4,
		    err);
}

int au_store_meta_get(au_store *s, const char *key, char **ret_value)
{
	sqlite3_stmt *st;
	*ret_value = NULL;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*ret_value = col_strdup(st, 0);
	sqlite3_finalize(st);
	return *ret_value ? 0 : -ENOENT;
}

int au_store_meta_set(au_store *s, const char *key, const char *value, au_err *err)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", -1, &st,
			       NULL) != SQLITE_OK)
		return au_store_fail(s, err, "writing metadata");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : au_store_fail(s, err, "writing metadata");
}

/* au_cost(model, input, cc5m, cc1h, cache_read, output) -> pico-dollars or NULL */
static void sql_cost(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	au_store *s = sqlite3_user_data(ctx);
	const char *model = (const char *)sqlite3_value_text(argv[0]);
	const au_model_price *mp = model ? au_pricing_lookup(s->pricing, model) : NULL;
	if (!mp) {
		sqlite3_result_null(ctx);
		return;
	}
	au_tokens t = {
		.input = sqlite3_value_int64(argv[1]),
		.cache_create_5m = sqlite3_value_int64(argv[2]),
		.cache_create_1h = sqlite3_value_int64(argv[3]),
		.cache_read = sqlite3_value_int64(argv[4]),
		.output = sqlite3_value_int64(argv[5]),
	};
	sqlite3_result_int64(ctx, au_cost_pico(mp, &t));
}

int au_store_reprice(au_store *s, au_pricing *p, au_err *err)
{
	char want[32], *have = NULL;
	snprintf(want, sizeof(want), "%016" PRIx64, au_pricing_fingerprint(p));
	au_store_meta_get(s, "pricing_fp", &have);
	bool same = have && strcmp(have, want) == 0;
	free(have);
	if (same || s->readonly)
		return 0;
	s->pricing = p;
	sqlite3_create_function(s->db, "au_cost", 6, SQLITE_UTF8, s, sql_cost, NULL, NULL);
	int r;
	if ((r = au_store_begin(s, err)) < 0)
		return r;
	if ((r = exec(s,
		      "UPDATE usage SET cost = au_cost(model, input, cc5m, cc1h, cache_read, output)"
		      " WHERE cost IS NOT au_cost(model, input, cc5m, cc1h, cache_read, output)",
		      err)) < 0 ||
	    (r = au_store_meta_set(s, "pricing_fp", want, err)) < 0 || (r = au_store_commit(s, err)) < 0) {
		au_store_rollback(s);
		return r;
	}
	return 0;
}
