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
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


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

/* agg_hour (migration 9): the hour of a bucket, rounded down also before
 * 1970 (SQLite's division truncates) */
#define AGG_HOUR_OF(b) "((" b " - (" b " < 0) * 3) / 4)"
/* an agg_hour row's sums added to the one already there (the trigger
 * below and a bulk load's bulk_hours_add) */
#define AGG_HOUR_ADD_EXCLUDED                                                                     \
	"  ON CONFLICT DO UPDATE SET n = n + excluded.n, input = input + excluded.input,"         \
	"    cc5m = cc5m + excluded.cc5m, cc1h = cc1h + excluded.cc1h,"                          \
	"    cache_read = cache_read + excluded.cache_read, output = output + excluded.output,"  \
	"    reasoning = reasoning + excluded.reasoning, cost = cost + excluded.cost,"           \
	"    unpriced = unpriced + excluded.unpriced, tool_cost = tool_cost + excluded.tool_cost," \
	"    tool_costed = tool_costed + excluded.tool_costed"
#define AGG_HOUR_ADD_NEW                                                                          \
	"  INSERT INTO agg_hour VALUES(" AGG_HOUR_OF("NEW.bucket") ", NEW.source, NEW.model, NEW.n,"   \
	"    NEW.input, NEW.cc5m, NEW.cc1h, NEW.cache_read, NEW.output, NEW.reasoning, NEW.cost,"   \
	"    NEW.unpriced, NEW.tool_cost, NEW.tool_costed)" AGG_HOUR_ADD_EXCLUDED ";"
#define AGG_HOUR_SUBTRACT_OLD                                                                     \
	"  UPDATE agg_hour SET n = n - OLD.n, input = input - OLD.input, cc5m = cc5m - OLD.cc5m,"   \
	"    cc1h = cc1h - OLD.cc1h, cache_read = cache_read - OLD.cache_read,"                 \
	"    output = output - OLD.output, reasoning = reasoning - OLD.reasoning,"              \
	"    cost = cost - OLD.cost, unpriced = unpriced - OLD.unpriced,"                       \
	"    tool_cost = tool_cost - OLD.tool_cost, tool_costed = tool_costed - OLD.tool_costed" \
	"  WHERE hour = " AGG_HOUR_OF("OLD.bucket") " AND source = OLD.source AND model = OLD.model;" \
	"  DELETE FROM agg_hour WHERE n = 0 AND hour = " AGG_HOUR_OF("OLD.bucket")                 \
	"    AND source = OLD.source AND model = OLD.model;"
/* The triggers that keep agg_hour in step with agg, and agg_hour made
 * again from agg in one pass, as migration 9 made them. A bulk load drops
 * the triggers (dense 1 GiB: 5.8k agg rows cost them 25 ms) and adds its
 * own sums by hour (bulk_hours_add); only a load that sums agg again from
 * usage rebuilds: edit only with a new migration. */
#define AGG_HOUR_DROP_TRIGGERS "DROP TRIGGER agg_ai; DROP TRIGGER agg_ad; DROP TRIGGER agg_au;"
#define AGG_HOUR_TRIGGERS                                                                         \
	"CREATE TRIGGER agg_ai AFTER INSERT ON agg BEGIN" AGG_HOUR_ADD_NEW "END;"                    \
	"CREATE TRIGGER agg_ad AFTER DELETE ON agg BEGIN" AGG_HOUR_SUBTRACT_OLD "END;"               \
	"CREATE TRIGGER agg_au AFTER UPDATE ON agg BEGIN" AGG_HOUR_SUBTRACT_OLD AGG_HOUR_ADD_NEW "END;"
#define AGG_HOUR_REBUILD                                                                          \
	"DELETE FROM agg_hour;"                                                                   \
	"INSERT INTO agg_hour SELECT " AGG_HOUR_OF("bucket") ", source, model, sum(n), sum(input),"  \
	"  sum(cc5m), sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(cost), sum(unpriced),"\
	"  sum(tool_cost), sum(tool_costed) FROM agg GROUP BY 1, 2, 3;"

/* Migration 10's triggers, counting the rows written to or deleted from
 * files. A bulk load drops them and adds its own count at its end (20k
 * cursors saved one by one cost 40-60 ms more with them, of 0.45 s): edit
 * only with a new migration. */
#define FILES_STAMP_TRIGGERS                                                                     \
	"CREATE TRIGGER files_stamp_ai AFTER INSERT ON files BEGIN UPDATE files_stamp SET n = n + 1; END;" \
	"CREATE TRIGGER files_stamp_au AFTER UPDATE ON files BEGIN UPDATE files_stamp SET n = n + 1; END;" \
	"CREATE TRIGGER files_stamp_ad AFTER DELETE ON files BEGIN UPDATE files_stamp SET n = n + 1; END;"
#define FILES_STAMP_DROP_TRIGGERS \
	"DROP TRIGGER files_stamp_ai; DROP TRIGGER files_stamp_au; DROP TRIGGER files_stamp_ad;"

/* The triggers that keep agg in step with usage, as migration 4 made them
 * (au_store_bulk_end makes them again: edit only together with a new
 * migration). */
#define AGG_DROP_TRIGGERS "DROP TRIGGER usage_ai; DROP TRIGGER usage_ad; DROP TRIGGER usage_au;"
#define AGG_TRIGGERS_4                                                                            \
	"CREATE TRIGGER usage_ai AFTER INSERT ON usage BEGIN" AGG_ADD_NEW_4 "END;"                   \
	"CREATE TRIGGER usage_ad AFTER DELETE ON usage BEGIN" AGG_SUBTRACT_OLD_4 "END;"              \
	"CREATE TRIGGER usage_au AFTER UPDATE ON usage BEGIN" AGG_SUBTRACT_OLD_4 AGG_ADD_NEW_4 "END;"

/*
 * The rules between sources, as migration 4 made them (after CREATE
 * TRIGGER [IF NOT EXISTS]); migration 8 replaced the two Copilot ones
 * with SRC_TRIGGER_COPILOT_RANK_*. A bulk load drops the current ones and
 * makes them again: edit only together with a new migration. Their WHEN
 * clauses hold only for Cursor's 'cursor:b:' keys and the copilot and
 * vscode sources (bulk_needs_src_triggers).
 */
#define SRC_TRIGGER_CURSOR                                                                        \
	" cursor_local_yields BEFORE INSERT ON usage"                                            \
	" WHEN NEW.key GLOB 'cursor:b:*'"                                                       \
	"  AND NEW.ts >= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cursor.synced_from')" \
	"  AND NEW.ts < (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'cursor.synced_until')" \
	" BEGIN SELECT RAISE(IGNORE); END;"
#define SRC_TRIGGER_COPILOT_SUPERSEDES                                                            \
	" copilot_otel_supersedes AFTER INSERT ON usage"                                         \
	" WHEN substr(NEW.key, 1, 4) = 'cpo:' BEGIN"                                             \
	"  DELETE FROM usage WHERE source IN ('copilot', 'vscode') AND session = NEW.session"     \
	"    AND substr(key, 1, 4) <> 'cpo:';"                                                  \
	" END;"
#define SRC_TRIGGER_COPILOT_COVERS                                                                \
	" copilot_otel_covers BEFORE INSERT ON usage"                                            \
	" WHEN NEW.source IN ('copilot', 'vscode') AND substr(NEW.key, 1, 4) <> 'cpo:'"          \
	"  AND EXISTS(SELECT 1 FROM usage WHERE source IN ('copilot', 'vscode')"                 \
	"    AND session = NEW.session AND substr(key, 1, 4) = 'cpo:')"                         \
	" BEGIN SELECT RAISE(IGNORE); END;"
/*
 * Copilot's records by rank, per session (migration 8). Several records
 * can describe one Copilot session: the CLI's session store, a row per
 * request ('cps:', parsers/copilot_store.c); OpenTelemetry spans, from
 * the file export or VS Code's span database, a row per request ('cpo:');
 * and below them the session log's per-session shutdown totals and VS
 * Code's chat session log (any other key). A session counts from its
 * best-ranked records alone: a row that outranks the stored rows of its
 * session (same session id, copilot or vscode) deletes them, and a row
 * that a stored row outranks is not stored, so the order they arrive in
 * does not matter. The requests of the two per-request kinds cannot be
 * matched one to one (no id in common), so the rule is per session (a
 * per-key rule such as AU_DEDUP_FALLBACK, OpenCode's database over its
 * legacy files, needs both copies under one key); the
 * session store ranks first because the CLI writes it for every request
 * without being asked to, where the export exists only from when it was
 * turned on. An empty session id matches nothing.
 */
#define COPILOT_RANK(k) "(CASE substr(" k ", 1, 4) WHEN 'cps:' THEN 0 WHEN 'cpo:' THEN 1 ELSE 2 END)"
#define SRC_TRIGGER_COPILOT_RANK_SUPERSEDES                                                       \
	" copilot_rank_supersedes AFTER INSERT ON usage"                                         \
	" WHEN NEW.source IN ('copilot', 'vscode') AND substr(NEW.key, 1, 4) IN ('cps:', 'cpo:')"  \
	"  AND NEW.session <> '' BEGIN"                                                          \
	"  DELETE FROM usage WHERE source IN ('copilot', 'vscode') AND session = NEW.session"     \
	"    AND " COPILOT_RANK("key") " > " COPILOT_RANK("NEW.key") ";"                         \
	" END;"
#define SRC_TRIGGER_COPILOT_RANK_COVERS                                                           \
	" copilot_rank_covers BEFORE INSERT ON usage"                                            \
	" WHEN NEW.source IN ('copilot', 'vscode') AND NEW.session <> ''"                         \
	"  AND substr(NEW.key, 1, 4) <> 'cps:'"                                                  \
	"  AND EXISTS(SELECT 1 FROM usage WHERE source IN ('copilot', 'vscode')"                 \
	"    AND session = NEW.session AND " COPILOT_RANK("key") " < " COPILOT_RANK("NEW.key") ")" \
	" BEGIN SELECT RAISE(IGNORE); END;"
#define SRC_DROP_TRIGGERS                                                                         \
	"DROP TRIGGER IF EXISTS cursor_local_yields; DROP TRIGGER IF EXISTS copilot_otel_supersedes;" \
	" DROP TRIGGER IF EXISTS copilot_otel_covers; DROP TRIGGER IF EXISTS copilot_rank_supersedes;" \
	" DROP TRIGGER IF EXISTS copilot_rank_covers;"
#define SRC_TRIGGERS                                                                              \
	"CREATE TRIGGER" SRC_TRIGGER_CURSOR "CREATE TRIGGER" SRC_TRIGGER_COPILOT_RANK_SUPERSEDES         \
	"CREATE TRIGGER" SRC_TRIGGER_COPILOT_RANK_COVERS

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
	"CREATE TRIGGER IF NOT EXISTS" SRC_TRIGGER_CURSOR
	/* Copilot: a session the OpenTelemetry export describes (keys 'cpo:')
	 * counts from it alone, per request; the session log's shutdown
	 * totals and VS Code's chat log for that session are set aside, in
	 * whichever order the two arrive. */
	"CREATE INDEX usage_copilot_session ON usage(session) WHERE source IN ('copilot', 'vscode');"
	"CREATE TRIGGER" SRC_TRIGGER_COPILOT_SUPERSEDES
	"CREATE TRIGGER" SRC_TRIGGER_COPILOT_COVERS,
	/* 5: Gemini responses are keyed by session and message id ("g:<session
	 * (50 bytes)>|<id>"), no longer by the id alone: rows stored before keep
	 * counting once when their logs are read again. Position-keyed rows
	 * ("...@<ms>") were already per session. */
	"UPDATE OR IGNORE usage SET key = 'g:' || substr(session, 1, 50) || '|' || substr(key, 3)"
	" WHERE source = 'gemini' AND key LIKE 'g:%' AND instr(key, '@') = 0 AND instr(key, '|') = 0;",
	/* 6: plan limits and source health (src/store/plan_limits.c). Every
	 * rate-limit observation a tool reported (one per source, window and
	 * time: a re-read adds nothing); per tool and UTC day the lines read,
	 * malformed and turned into rows; per file when it last grew and last
	 * gave a row; the unknown usage fields already named once. */
	"CREATE TABLE rate_limit("
	"  source TEXT NOT NULL, win TEXT NOT NULL, observed_at INTEGER NOT NULL,"
	"  used_percent REAL NOT NULL, window_minutes INTEGER, resets_at INTEGER, plan_type TEXT,"
	"  origin TEXT NOT NULL,"
	"  PRIMARY KEY(source, win, observed_at)) WITHOUT ROWID;"
	"CREATE TABLE source_health("
	"  source TEXT NOT NULL, day INTEGER NOT NULL, lines INTEGER NOT NULL, malformed INTEGER NOT NULL,"
	"  rows INTEGER NOT NULL, PRIMARY KEY(source, day)) WITHOUT ROWID;"
	"CREATE TABLE file_health("
	"  file_id INTEGER PRIMARY KEY, source TEXT NOT NULL, grew_at INTEGER NOT NULL,"
	"  write_at INTEGER, produced_at INTEGER, quiet_lines INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE unknown_field("
	"  source TEXT NOT NULL, name TEXT NOT NULL, first_at INTEGER NOT NULL,"
	"  PRIMARY KEY(source, name)) WITHOUT ROWID;",
	/* 7: the priced mode a request ran in (AU_MODE_* bits: Claude fast
	 * mode, US-only inference, OpenAI service tiers), so repricing after
	 * a price change keeps a fast request at its fast rate. Rows stored
	 * before carry 0: their cost stays as priced until the table changes. */
	"ALTER TABLE usage ADD COLUMN price_mode INTEGER NOT NULL DEFAULT 0;",
	/* 8: Copilot's records by rank (SRC_TRIGGER_COPILOT_RANK_*): the
	 * CLI's session store over OpenTelemetry over the session logs, in
	 * place of migration 4's two-level rule (the same rule for the two
	 * lower ranks, so stored rows stay as they are) */
	"DROP TRIGGER IF EXISTS copilot_otel_supersedes; DROP TRIGGER IF EXISTS copilot_otel_covers;"
	"CREATE TRIGGER IF NOT EXISTS" SRC_TRIGGER_COPILOT_RANK_SUPERSEDES
	"CREATE TRIGGER IF NOT EXISTS" SRC_TRIGGER_COPILOT_RANK_COVERS,
	/* 9: agg summed by UTC hour, source and model, for the day, week and
	 * month reports (reports/report.c says when they may use it): 5.5k
	 * rows where agg has 29k for a 10 GiB history. agg's own triggers
	 * keep it, so every writer of agg (the usage triggers, a bulk load's
	 * sums, a session summed again) moves it too. No first or last time:
	 * a minimum does not survive a subtraction. */
	"CREATE TABLE agg_hour("
	"  hour INTEGER NOT NULL, source TEXT NOT NULL, model TEXT NOT NULL, n INTEGER NOT NULL,"
	"  input INTEGER NOT NULL, cc5m INTEGER NOT NULL, cc1h INTEGER NOT NULL,"
	"  cache_read INTEGER NOT NULL, output INTEGER NOT NULL, reasoning INTEGER NOT NULL,"
	"  cost INTEGER NOT NULL, unpriced INTEGER NOT NULL, tool_cost INTEGER NOT NULL,"
	"  tool_costed INTEGER NOT NULL,"
	"  PRIMARY KEY(hour, source, model)) WITHOUT ROWID;"
	AGG_HOUR_REBUILD AGG_HOUR_TRIGGERS,
	/* 10: the cursors' stamp (au_store_files_stamp): this store's own
	 * random name and a count of every row written to or deleted from
	 * files, by any writer, so that a copy of the cursors' keys kept
	 * outside the store (watchers/scan.c) knows whether it still holds */
	"CREATE TABLE files_stamp(id INTEGER PRIMARY KEY CHECK(id = 1), store TEXT NOT NULL, n INTEGER NOT NULL);"
	"INSERT INTO files_stamp VALUES(1, lower(hex(randomblob(16))), 0);" FILES_STAMP_TRIGGERS,
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

static void bulk_free(au_bulk *b);
static void filters_free(au_store *s);

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
	" input, cc5m, cc1h, cache_read, output, reasoning, total, cost, file_id, tool_cost,"     \
	" price_mode) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)" \
	" ON CONFLICT(key) DO UPDATE SET source = excluded.source, msg_id = excluded.msg_id,"     \
	" sidechain = excluded.sidechain, ts = excluded.ts, session = excluded.session,"          \
	" project = excluded.project, model = excluded.model, input = excluded.input,"            \
	" cc5m = excluded.cc5m, cc1h = excluded.cc1h, cache_read = excluded.cache_read,"          \
	" output = excluded.output, reasoning = excluded.reasoning, total = excluded.total,"      \
	" cost = excluded.cost, file_id = excluded.file_id, tool_cost = excluded.tool_cost,"     \
	" price_mode = excluded.price_mode WHERE "

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
	/* Another process may have created or upgraded the store between our
	 * look and our write lock: read the version again under the lock. */
	if ((r = prepare(s, "PRAGMA user_version", &st, err)) < 0)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
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

/* What other users can see of the store: a folder they may list, or a
 * store they may read where they can reach it. NULL when private. */
static char *permission_warning(const char *dir, const char *path)
{
	struct stat ds, fs;
	if (stat(dir, &ds) < 0)
		return NULL;
	if (ds.st_mode & 044)
		return xasprintf("the store's folder %s can be read by other users (mode %04o): "
				 "'chmod 700 %s' keeps your usage to you",
				 dir, (unsigned)ds.st_mode & 07777, dir);
	if (stat(path, &fs) == 0 && (fs.st_mode & 044) && (ds.st_mode & 011))
		return xasprintf("the store %s can be read by other users (mode %04o): 'chmod 600 %s' keeps "
				 "your usage to you",
				 path, (unsigned)fs.st_mode & 07777, path);
	return NULL;
}

/*
 * The statements a write needs, each prepared at its first use: a warm run
 * with nothing new writes nothing, and a run that writes one Claude row
 * (`aiusage statusline`) needs two of the four upserts' forms at most. Each
 * upsert compiles agg's triggers into itself, so preparing all of them at
 * every au_store_begin was most of a small write's instructions.
 */
#define PUT_BEST_SQL                                                                                 \
	PUT_SQL "(usage.sidechain = 1 AND excluded.sidechain = 0) OR"                                \
		" (usage.sidechain = excluded.sidechain AND excluded.total > usage.total)"
#define PUT_MIN_SQL PUT_SQL "excluded.total < usage.total"
/* re-read records: replace when anything counted changed */
#define PUT_LATEST_SQL                                                                               \
	PUT_SQL "(excluded.ts, excluded.model, excluded.session, excluded.project, excluded.input,"  \
		" excluded.cc5m, excluded.cc1h, excluded.cache_read, excluded.output, excluded.reasoning," \
		" excluded.cost, excluded.tool_cost) IS NOT (usage.ts, usage.model, usage.session,"  \
		" usage.project, usage.input, usage.cc5m, usage.cc1h, usage.cache_read, usage.output," \
		" usage.reasoning, usage.cost, usage.tool_cost)"
/* a stand-in replaces only its own earlier read */
#define PUT_FALLBACK_SQL                                                                             \
	PUT_SQL "usage.file_id IS excluded.file_id AND (excluded.ts, excluded.model, excluded.session," \
		" excluded.project, excluded.input, excluded.cc5m, excluded.cc1h, excluded.cache_read," \
		" excluded.output, excluded.reasoning, excluded.cost, excluded.tool_cost) IS NOT"     \
		" (usage.ts, usage.model, usage.session, usage.project, usage.input, usage.cc5m,"     \
		" usage.cc1h, usage.cache_read, usage.output, usage.reasoning, usage.cost, usage.tool_cost)"
#define MAIN_HAS_ID_SQL "SELECT 1 FROM usage WHERE msg_id = ?1 AND sidechain = 0 AND key <> ?2 LIMIT 1"
#define DEL_REPLAYS_SQL "DELETE FROM usage WHERE msg_id = ?1 AND sidechain = 1 AND key <> ?2"
#define DEL_KEY_SQL "DELETE FROM usage WHERE key = ?1"
#define INS_CURSOR_SQL                                                                   \
	"INSERT INTO files(path, source, dev, ino, size, mtime_ns, offset, line, fp_len," \
	" fp, state) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"
#define UPD_CURSOR_SQL                                                                  \
	"UPDATE files SET dev=?3, ino=?4, size=?5, mtime_ns=?6, offset=?7, line=?8,"    \
	" fp_len=?9, fp=?10, state=?11, source=?2 WHERE path=?1"

/* *slot, prepared from sql if it is not yet. A statement prepared while a
 * bulk load has agg's triggers dropped is recompiled by SQLite when they
 * come back (a schema change), so the order does not matter. */
static int ready(au_store *s, sqlite3_stmt **slot, const char *sql, au_err *err)
{
	return *slot ? 0 : prepare(s, sql, slot, err);
}

void au_store_library_init(void)
{
	/* No allocation counters: nothing reads them, and with them every
	 * SQLite allocation took a global mutex to count itself (3 % of a
	 * first scan's writer; Debian builds SQLite without lookaside, so the
	 * rows' records are all malloc'ed). */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int au_store_open(const char *path, bool readonly, au_store **ret, au_err *err)
{
	au_store *s = xcalloc(1, sizeof(*s));
	s->readonly = readonly;
	s->path = g_strdup(path);
	/* one thread at a time uses a connection: no mutex on every call */
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
	int r;
	if (!readonly) {
		char *dir = g_path_get_dirname(path);
		if (g_mkdir_with_parents(dir, 0700) < 0) {
			r = au_fail(err, errno, "cannot create %s: %s", dir, strerror(errno));
			g_free(dir);
			free(s);
			return r;
		}
		/* A new store is made here, 0600, before SQLite would make it
		 * 0644 (less the umask): its -wal and -shm take its mode. An
		 * empty file is an empty database. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		s->warning = permission_warning(dir, path);
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
		free(s->warning);
		free(s);
		return r;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/*
	 * Switching a new store to WAL needs it alone, and SQLite does not
	 * wait on the busy handler for that: two processes creating the same
	 * store at once (two scans, a report beside a starting watcher) would
	 * see "database is locked". The switch is retried for as long as the
	 * busy timeout would have waited.
	 */
	/* A new store gets 8 KiB pages (SQLite's default is 4 KiB): a first
	 * scan's inserts of 86k rows took 0.34 s at 4 KiB, 0.27 s at 8 KiB and
	 * 0.25 s at 16 KiB, but 16 KiB made every statusline run read and
	 * write twice the bytes (median 7.0 -> 8.9 ms; 7.3 ms at 8 KiB). Only
	 * a file without pages yet takes it, and it must come before the
	 * switch to WAL; an existing store keeps its size. */
	if (!readonly)
		(void)sqlite3_exec(s->db, "PRAGMA page_size = 8192", NULL, NULL, NULL);
	for (int tries = 0; !readonly; tries++) {
		int jr = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (jr == SQLITE_OK || (jr != SQLITE_BUSY && jr != SQLITE_LOCKED) || tries >= 500)
			break;
		g_usleep(10000);
	}
	if ((r = exec(s, readonly ? "PRAGMA query_only = 1"
				  : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
				    /* 8 MiB of page cache (1024 pages of 8 KiB): 16 MiB
				     * was no faster for a cold scan, dense 1 GiB or
				     * 10 GiB, and held 8 MiB more */
				    " PRAGMA cache_size = -8192",
		      err)) < 0 ||
	    (r = migrate(s, err)) < 0) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		au_fail(err, -r, "%s: %s", path, msg);
		au_store_close(s);
		return r;
	}
	*ret = s;
	return 0;
}

/* The WAL's length after which a deferring connection checkpoints at its
 * close after all: 512 KiB (128 pages of 4 KiB, 64 of 8 KiB). Reading it
 * back at the next open (when no other connection holds the WAL's index)
 * costs about 0.7M instructions, with a checksum over every byte; a
 * statusline run adds about five pages. */
#define DEFERRED_CHECKPOINT_BYTES (512 * 1024)

/* A pragma's integer answer, or fallback when it gives none. */
static int64_t pragma_int(au_store *s, const char *pragma, int64_t fallback)
{
	sqlite3_stmt *st;
	int64_t v = fallback;
	if (sqlite3_prepare_v2(s->db, pragma, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The WAL's length at which a deferring connection checkpoints at a
 * commit all the same, as SQLite's own hook does by default: a long scan
 * that commits often keeps its WAL as short as any connection's. */
#define DEFERRED_CHECKPOINT_FRAMES 1000

/* Instead of the automatic checkpoint at every commit past a short WAL:
 * note the WAL's length (SQLite's own hook would checkpoint all of it
 * again at every run, since a new connection's recovery forgets what was
 * already copied), and checkpoint only a long one. */
static int wal_note(void *arg, sqlite3 *db, const char *name, int frames)
{
	((au_store *)arg)->wal_frames = frames;
	if (frames >= DEFERRED_CHECKPOINT_FRAMES)
		sqlite3_wal_checkpoint(db, name); /* passive: readers and writers go on */
	return SQLITE_OK;
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
	sqlite3_finalize(s->get_cursor);
	for (size_t i = 0; i < sizeof(s->named) / sizeof(s->named[0]); i++)
		sqlite3_finalize(s->named[i]);
	bulk_free(s->bulk);
	filters_free(s);
	/* a long WAL is checkpointed (and, by the last connection, removed)
	 * as an ordinary close would */
	if (s->defer_ckpt && (int64_t)s->wal_frames * pragma_int(s, "PRAGMA page_size", 4096) >= DEFERRED_CHECKPOINT_BYTES)
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	sqlite3_close(s->db);
	free(s->warning);
	g_free(s->path);
	free(s);
}

const char *au_store_path(const au_store *s)
{
	return s->path;
}

int64_t au_store_cursors_saved(const au_store *s)
{
	return s->cursors_saved;
}

int au_store_files_stamp(au_store *s, char **ret, au_err *err)
{
	*ret = NULL;
	sqlite3_stmt *st;
	int r = prepare(s, "SELECT store || ':' || n FROM files_stamp WHERE id = 1", &st, err);
	if (r < 0)
		return r;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading the cursors' stamp");
	if (!*ret)
		return au_fail(err, EIO, "the store has no cursors' stamp");
	return 0;
}

bool au_store_readonly(const au_store *s)
{
	return s->readonly;
}

const char *au_store_warning(const au_store *s)
{
	return s->warning;
}

void au_store_defer_checkpoint(au_store *s)
{
	if (s->readonly)
		return;
	s->defer_ckpt = true;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_hook(s->db, wal_note, s);
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
	/* a bulk load ends with its transaction (its schema changes with it) */
	bulk_free(s->bulk);
	s->bulk = NULL;
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

#define CURSOR_COLUMNS "id, path, source, dev, ino, size, mtime_ns, offset, line, fp_len, fp, state"

/* The last parser name looked up: the rows of a load come in runs of one
 * parser, and the lookup is a walk over every tool's parsers. */
typedef struct parser_cache {
	char name[64];
	const au_parser_ops *parser;
} parser_cache;

static const au_parser_ops *cached_parser(parser_cache *pc, au_parser_lookup_fn lookup, const char *name)
{
	if (!pc || !name)
		return lookup(name);
	if (pc->name[0] && strcmp(pc->name, name) == 0)
		return pc->parser;
	pc->parser = lookup(name);
	if (strlen(name) < sizeof(pc->name))
		strcpy(pc->name, name);
	else
		pc->name[0] = '\0';
	return pc->parser;
}

static au_cursor *cursor_from_row(sqlite3_stmt *st, au_parser_lookup_fn lookup, parser_cache *pc)
{
	au_cursor *c = xcalloc(1, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->path = col_strdup(st, 1);
	/* files.source holds the name of the parser that reads the file */
	c->parser = cached_parser(pc, lookup, (const char *)sqlite3_column_text(st, 2));
	c->dev = sqlite3_column_int64(st, 3);
	c->ino = sqlite3_column_int64(st, 4);
	c->size = sqlite3_column_int64(st, 5);
	c->mtime_ns = sqlite3_column_int64(st, 6);
	c->offset = sqlite3_column_int64(st, 7);
	c->line = sqlite3_column_int64(st, 8);
	c->fp_len = sqlite3_column_int64(st, 9);
	c->fp = (uint64_t)sqlite3_column_int64(st, 10);
	c->state = col_strdup(st, 11);
	return c;
}

int au_store_load_cursors(au_store *s, au_parser_lookup_fn lookup, void **ret_table, au_err *err)
{
	sqlite3_stmt *st;
	int r = prepare(s, "SELECT " CURSOR_COLUMNS " FROM files", &st, err);
	if (r < 0)
		return r;
	GHashTable *t = g_hash_table_new_full(au_str_hash, g_str_equal, NULL, (GDestroyNotify)au_cursor_free);
	parser_cache pc = {{0}, NULL};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		au_cursor *c = cursor_from_row(st, lookup, &pc);
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

int au_store_load_cursor(au_store *s, const char *path, au_parser_lookup_fn lookup, au_cursor **ret,
			 au_err *err)
{
	*ret = NULL;
	if (!s->get_cursor) {
		int r = prepare(s, "SELECT " CURSOR_COLUMNS " FROM files WHERE path = ?1", &s->get_cursor, err);
		if (r < 0)
			return r;
	}
	sqlite3_stmt *st = s->get_cursor;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = cursor_from_row(st, lookup, NULL);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return au_store_fail(s, err, "reading a file cursor");
	return 0;
}

/* The keys live in blocks of this size (a key and its path in one piece):
 * 22k keys are ~45 allocations instead of 44k, and one free each. */
#define KEY_BLOCK (64 << 10)

typedef struct key_entry {
	au_cursor_key key;
	char path[];
} key_entry;

struct au_cursor_keys {
	GHashTable *by_path; /* path (in its entry) -> key_entry* */
	GPtrArray *blocks;
	size_t used; /* bytes used of the last block */
};

static key_entry *key_alloc(au_cursor_keys *k, size_t path_len)
{
	size_t need = (sizeof(key_entry) + path_len + 1 + 7) & ~(size_t)7;
	if (need > KEY_BLOCK) {
		/* a path longer than a block gets a block of its own, before the
		 * current one so that the current one keeps filling */
		key_entry *e = xmalloc(need);
		g_ptr_array_insert(k->blocks, 0, e);
		return e;
	}
	if (!k->blocks->len || k->used + need > KEY_BLOCK) {
		g_ptr_array_add(k->blocks, xmalloc(KEY_BLOCK));
		k->used = 0;
	}
	key_entry *e = (key_entry *)((char *)k->blocks->pdata[k->blocks->len - 1] + k->used);
	k->used += need;
	return e;
}

int au_store_load_cursor_keys(au_store *s, au_parser_lookup_fn lookup, au_cursor_keys **ret, char **ret_stamp,
			      au_err *err)
{
	*ret = NULL;
	if (ret_stamp)
		*ret_stamp = NULL;
	/* the stamp and the keys from one snapshot */
	bool txn = ret_stamp && sqlite3_get_autocommit(s->db);
	int r;
	if (txn && (r = exec(s, "BEGIN", err)) < 0)
		return r;
	sqlite3_stmt *st = NULL;
	au_cursor_keys *k = NULL;
	if ((ret_stamp && (r = au_store_files_stamp(s, ret_stamp, err)) < 0) ||
	    (r = prepare(s, "SELECT path, source, dev, ino, size, mtime_ns FROM files", &st, err)) < 0)
		goto out;
	k = xcalloc(1, sizeof(*k));
	k->by_path = g_hash_table_new(au_str_hash, g_str_equal);
	k->blocks = g_ptr_array_new_with_free_func(free);
	parser_cache pc = {{0}, NULL};
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (!path)
			continue; /* NOT NULL in the schema */
		key_entry *e = key_alloc(k, n);
		memcpy(e->path, path, n + 1);
		e->key = (au_cursor_key){
			.parser = cached_parser(&pc, lookup, (const char *)sqlite3_column_text(st, 1)),
			.dev = sqlite3_column_int64(st, 2),
			.ino = sqlite3_column_int64(st, 3),
			.size = sqlite3_column_int64(st, 4),
			.mtime_ns = sqlite3_column_int64(st, 5),
		};
		g_hash_table_insert(k->by_path, e->path, e);
	}
	if (rc != SQLITE_DONE)
		r = au_store_fail(s, err, "reading file cursors");
out:
	sqlite3_finalize(st);
	if (txn)
		exec(s, r < 0 ? "ROLLBACK" : "COMMIT", NULL); /* a read: nothing to lose */
	if (r < 0) {
		au_cursor_keys_free(k);
		if (ret_stamp)
			g_clear_pointer(ret_stamp, g_free);
		return r;
	}
	*ret = k;
	return 0;
}

void au_cursor_keys_each(const au_cursor_keys *k, void (*fn)(const char *path, const au_cursor_key *key, void *ud),
			 void *ud)
{
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, k->by_path);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const key_entry *e = v;
		fn(e->path, &e->key, ud);
	}
}

const au_cursor_key *au_cursor_keys_get(const au_cursor_keys *k, const char *path)
{
	const key_entry *e = g_hash_table_lookup(k->by_path, path);
	return e ? &e->key : NULL;
}

void au_cursor_keys_free(au_cursor_keys *k)
{
	if (!k)
		return;
	g_hash_table_destroy(k->by_path);
	g_ptr_array_free(k->blocks, TRUE);
	free(k);
}

static bool str_equal0(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool au_cursor_equal(const au_cursor *a, const au_cursor *b)
{
	if (!a || !b)
		return a == b;
	return a->id == b->id && a->parser == b->parser && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_ns == b->mtime_ns && a->offset == b->offset &&
	       a->line == b->line && a->fp_len == b->fp_len && a->fp == b->fp && str_equal0(a->state, b->state);
}

int au_store_save_cursor(au_store *s, au_cursor *c, au_err *err)
{
	int r = c->id ? ready(s, &s->upd_cursor, UPD_CURSOR_SQL, err) : ready(s, &s->ins_cursor, INS_CURSOR_SQL, err);
	if (r < 0)
		return r;
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
	s->cursors_saved++;
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

/* The one statement that inserts a copy, or replaces the stored one when
 * the dedup rule says it is better. */
static int sql_upsert(au_store *s, const au_event *ev, const char *key, int64_t total, int64_t file_id, int64_t cost,
		      au_put_result *ret, au_err *err)
{
	int r = ev->dedup == AU_DEDUP_MIN	 ? ready(s, &s->put_min, PUT_MIN_SQL, err)
		: ev->dedup == AU_DEDUP_LATEST	 ? ready(s, &s->put_latest, PUT_LATEST_SQL, err)
		: ev->dedup == AU_DEDUP_FALLBACK ? ready(s, &s->put_fallback, PUT_FALLBACK_SQL, err)
						 : ready(s, &s->put_best, PUT_BEST_SQL, err);
	if (r < 0)
		return r;
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
	sqlite3_bind_int64(st, 19, ev->price_mode);
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


/* The put, all in SQL: the dedup rules in the statements' WHERE clauses. */
static int sql_put(au_store *s, const au_event *ev, const char *key, int64_t total, int64_t file_id, int64_t cost,
		   au_put_result *ret, au_err *err)
{
	bool has_id = ev->msg_id[0] != '\0';
	int r;

	if (ev->retract) {
		if ((r = ready(s, &s->del_key, DEL_KEY_SQL, err)) < 0)
			return r;
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
			if ((r = ready(s, &s->main_has_id, MAIN_HAS_ID_SQL, err)) < 0)
				return r;
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
			if ((r = ready(s, &s->del_replays, DEL_REPLAYS_SQL, err)) < 0)
				return r;
			sqlite3_bind_text(s->del_replays, 1, ev->msg_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s->del_replays, 2, key, -1, SQLITE_STATIC);
			int rc = sqlite3_step(s->del_replays);
			sqlite3_reset(s->del_replays);
			if (rc != SQLITE_DONE)
				return au_store_fail(s, err, "dropping replayed responses");
		}
	}

	return sql_upsert(s, ev, key, total, file_id, cost, ret, err);
}

/*
 * ---- bulk loading: a first scan into an empty store ----
 *
 * Between au_store_bulk_begin and _end, copies are resolved in memory and
 * each final row is written once. New rows are staged (in arrival order,
 * so they get the rowids the row-by-row path would give them) and a later
 * copy with the same key is compared with the staged row by the same rules
 * as the statements' WHERE clauses, and so are the /btw replay rule's
 * lookups. Staged rows are inserted with a plain INSERT when the stage is
 * full and at the end, and their sums are kept in memory and added to agg
 * once (agg's triggers are dropped meanwhile). A copy of a row already in
 * SQLite (a stage flushed earlier) goes through the SQL path; if that
 * replaces or deletes a row, its sessions' agg rows are summed again from
 * usage at the end, as is all of agg when the rules between sources had to
 * be made again (they are dropped too: their WHEN clauses hold only for a
 * few sources' rows, and the first such row brings them back).
 *
 * Filters: a bit per hash of every msg_id stored as a sidechain row and as
 * a main-chain row, and of every key. A clear bit proves that no such row
 * is in SQLite, so most lookups can be skipped; a set bit may be a
 * collision, and then the lookup runs. They are trusted only while the
 * store holds nothing but what this connection put since it was empty:
 * another writer's commit (PRAGMA data_version) or a change outside a bulk
 * load turns them off until the store is empty again.
 */

#define FILTER_BITS (UINT64_C(1) << 23) /* 1 MiB each */
/* rows held before a flush (2-3 MiB: 16384 was no faster and held 3 MiB
 * more), and agg groups summed in memory before they go to SQLite;
 * variables for tests (store_internal.h) */
int au_bulk_stage_max = 8192, au_bulk_agg_max = 32768;
enum { FILTER_SIDE, FILTER_MAIN, FILTER_KEY, N_FILTERS };

struct au_bulk_filters {
	bool valid;
	int64_t data_version, total_changes; /* at the end of the last bulk load */
	uint8_t *bits[N_FILTERS];
};

/* A row waiting to be inserted: the strings live in one block of the
 * stage's arena, their lengths beside them (bound and hashed by length). */
typedef struct staged {
	char *key, *msg_id, *session, *model, *cwd;
	uint32_t key_len, msg_len, session_len, model_len, cwd_len, cap;
	au_source source;
	bool sidechain, deleted, has_tool_cost;
	unsigned price_mode;
	int64_t ts, total, cost, file_id, tool_cost;
	int64_t id; /* the rowid it gets: as if inserted in arrival order */
	au_tokens tok;
} staged;

struct au_bulk {
	int64_t cursors_saved; /* s->cursors_saved at its start: files_stamp moves by the difference */
	GHashTable *agg; /* group key -> bulk_agg*: new rows' sums */
	GString *keybuf;
	bool all_dirty;		 /* agg is summed again from all of usage */
	bool src_triggers;	 /* the rules between sources are back: no staging */
	GHashTable *dirty;	 /* sessions whose agg rows are summed again */
	GHashTable *staged;	 /* key -> staged* */
	GHashTable *by_msg;	 /* msg_id -> GPtrArray of staged* (BEST rows) */
	GPtrArray *order;	 /* staged*, in arrival order */
	struct arena_blk *arena; /* the stage's rows and strings, freed at its flush */
	sqlite3_stmt *ins[2];	 /* plain INSERTs of 1 and INS_ROWS staged rows */
};

/* One agg row's worth of new rows: key holds its five key columns, each
 * text one as "<length>:<bytes>" after the bucket. */
typedef struct bulk_agg {
	char *key;
	/* the text columns, inside key: source, model, project, session (the
	 * last, so it ends with key's NUL) */
	const char *part[4];
	int part_len[4];
	int64_t bucket;
	int64_t n, input, cc5m, cc1h, cache_read, output, reasoning;
	int64_t cost, unpriced, first_ts, last_ts, tool_cost, tool_costed;
} bulk_agg;

static void bulk_agg_free(gpointer p)
{
	bulk_agg *a = p;
	free(a->key);
	free(a);
}

/*
 * The stage's memory: a first scan stages 8k rows at a time and drops them
 * all at each flush, so a row and its strings come from blocks freed
 * together (malloc and free for each were 5 % of the writer's
 * instructions on a dense first scan).
 */
#define ARENA_BLOCK (256u << 10)
_Static_assert(AU_KEY_MAX + 2 * AU_ID_MAX + AU_MODEL_MAX + AU_PATH_MAX + sizeof(struct staged) < ARENA_BLOCK,
	       "a staged row fits in an arena block");

struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	char data[];
};

/* n is at most a row's strings, bounded by au_event's fields (5 KiB) */
static void *arena_alloc(au_bulk *b, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_blk *a = b->arena;
	if (!a || a->cap - a->used < n) {
		a = xmalloc(sizeof(*a) + ARENA_BLOCK);
		a->used = 0;
		a->cap = ARENA_BLOCK;
		a->next = b->arena;
		b->arena = a;
	}
	void *p = a->data + a->used;
	a->used += n;
	return p;
}

/* Frees every block but the newest, which starts again empty. */
static void arena_reset(au_bulk *b, bool all)
{
	struct arena_blk *a = b->arena, *keep = all ? NULL : a;
	if (keep) {
		a = keep->next;
		keep->next = NULL;
		keep->used = 0;
	}
	while (a) {
		struct arena_blk *next = a->next;
		free(a);
		a = next;
	}
	b->arena = keep;
}

static void bulk_free(au_bulk *b)
{
	if (!b)
		return;
	g_hash_table_destroy(b->agg);
	g_string_free(b->keybuf, TRUE);
	g_hash_table_destroy(b->dirty);
	g_hash_table_destroy(b->staged);
	g_hash_table_destroy(b->by_msg);
	g_ptr_array_free(b->order, TRUE);
	arena_reset(b, true);
	sqlite3_finalize(b->ins[0]);
	sqlite3_finalize(b->ins[1]);
	free(b);
}

/* Whether a row could meet one of the source rules' WHEN clauses. */
static bool bulk_needs_src_triggers(const au_event *ev, const char *key)
{
	return ev->source == AU_SRC_COPILOT || ev->source == AU_SRC_VSCODE || strncmp(key, "cursor:b:", 9) == 0;
}

static uint64_t filter_bit(const char *text)
{
	return au_mem_hash64(text, strlen(text)) & (FILTER_BITS - 1);
}

/* false only when SQLite holds no row of that kind with text of this bit */
static bool filter_may_hold(const au_store *s, int which, uint64_t bit)
{
	if (!s->filters || !s->filters->valid)
		return true;
	return s->filters->bits[which][bit >> 3] >> (bit & 7) & 1;
}

static void filter_add(au_store *s, int which, uint64_t bit)
{
	if (!s->filters || !s->filters->valid)
		return;
	s->filters->bits[which][bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

/* The filters are 1 MiB each and read at random: a row's bytes are asked
 * for before the row's other lookups, not waited on after them (their
 * cache misses were most of au_store_put's own time). */
static void filter_prefetch(const au_store *s, int which, uint64_t bit)
{
	if (s->filters && s->filters->valid)
		__builtin_prefetch(&s->filters->bits[which][bit >> 3], 1);
}

static int64_t data_version(au_store *s)
{
	return pragma_int(s, "PRAGMA data_version", -1);
}

/* At a bulk load's start, inside its write transaction. */
static void filters_begin(au_store *s)
{
	struct au_bulk_filters *f = s->filters;
	if (f && f->valid && data_version(s) == f->data_version && sqlite3_total_changes64(s->db) == f->total_changes)
		return; /* the next batch of the same load */
	if (!au_store_is_empty(s)) {
		if (f)
			f->valid = false;
		return;
	}
	if (!f) {
		f = s->filters = xcalloc(1, sizeof(*f));
		/* written, not calloc'ed: calloc's fresh pages read as the
		 * shared zero page, and the first bit set in each then cost a
		 * copy-on-write fault that flushed every CPU's TLB (0.8 % of a
		 * dense first scan) */
		for (int i = 0; i < N_FILTERS; i++)
			f->bits[i] = memset(xmalloc(FILTER_BITS / 8), 0, FILTER_BITS / 8);
	} else {
		for (int i = 0; i < N_FILTERS; i++)
			memset(f->bits[i], 0, FILTER_BITS / 8);
	}
	f->valid = true;
}

static void filters_end(au_store *s)
{
	if (s->filters) {
		s->filters->data_version = data_version(s);
		s->filters->total_changes = sqlite3_total_changes64(s->db);
	}
}

static void filters_free(au_store *s)
{
	if (!s->filters)
		return;
	for (int i = 0; i < N_FILTERS; i++)
		free(s->filters->bits[i]);
	free(s->filters);
	s->filters = NULL;
}

/* Writes v in decimal at p (printf was a tenth of a row's cost here);
 * returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char d[24];
	int i = sizeof(d);
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	memcpy(p, d + i, sizeof(d) - (size_t)i);
	return p + sizeof(d) - i;
}

/* "<length>:<bytes>" at p; returns the end. */
static char *key_part(char *p, const char *v, size_t n)
{
	p = put_u64(p, n);
	*p++ = ':';
	memcpy(p, v, n);
	return p + n;
}

/* The in-memory sums of one agg group (bucket, source, model, project,
 * session), made empty when new and create is set (first_ts and last_ts
 * then start at ts); NULL when absent otherwise. */
static bulk_agg *bulk_agg_group(au_bulk *b, int64_t ts, au_source source, const char *model, size_t model_len,
				const char *cwd, size_t cwd_len, const char *session, size_t session_len, bool create)
{
	GString *k = b->keybuf;
	int64_t bucket = ts / AU_BUCKET_MS; /* SQL's ts / 900000: truncated, as C does */
	const char *src = au_source_name(source);
	size_t src_len = strlen(src);
	/* written in place (g_string_append_len calls were 5 % of the writer):
	 * room for a sign, five numbers of 20 digits, their separators */
	g_string_set_size(k, 1 + 5 * 21 + 1 + src_len + model_len + cwd_len + session_len);
	char *p = k->str;
	if (bucket < 0)
		*p++ = '-';
	p = put_u64(p, bucket < 0 ? -(uint64_t)bucket : (uint64_t)bucket);
	*p++ = '|';
	const char *const v[4] = {src, model, cwd, session};
	const size_t n[4] = {src_len, model_len, cwd_len, session_len};
	size_t at[4];
	for (int i = 0; i < 4; i++) {
		p = key_part(p, v[i], n[i]);
		at[i] = (size_t)(p - k->str) - n[i];
	}
	g_string_truncate(k, (size_t)(p - k->str));
	bulk_agg *a = g_hash_table_lookup(b->agg, k->str);
	if (!a && create) {
		a = xcalloc(1, sizeof(*a));
		a->key = xstrdup(k->str);
		for (int i = 0; i < 4; i++) {
			a->part[i] = a->key + at[i];
			a->part_len[i] = (int)n[i];
		}
		a->bucket = bucket;
		a->first_ts = a->last_ts = ts;
		g_hash_table_insert(b->agg, a->key, a);
	}
	return a;
}

/* A new row, as agg's insert trigger would have added it. */
static void bulk_agg_add(au_bulk *b, const staged *r)
{
	bulk_agg *a = bulk_agg_group(b, r->ts, r->source, r->model, r->model_len, r->cwd, r->cwd_len, r->session,
				     r->session_len, true);
	a->n++;
	a->input += r->tok.input;
	a->cc5m += r->tok.cache_create_5m;
	a->cc1h += r->tok.cache_create_1h;
	a->cache_read += r->tok.cache_read;
	a->output += r->tok.output;
	a->reasoning += r->tok.reasoning;
	if (r->cost == AU_COST_UNPRICED)
		a->unpriced++;
	else
		a->cost += r->cost;
	if (r->has_tool_cost) {
		a->tool_cost += r->tool_cost;
		a->tool_costed++;
	}
	if (r->ts < a->first_ts)
		a->first_ts = r->ts;
	if (r->ts > a->last_ts)
		a->last_ts = r->ts;
}

/* agg_hour's sums of some of agg's rows: what its triggers add per row. */
typedef struct bulk_hour {
	int64_t hour;
	const char *source, *model; /* inside a bulk_agg's key */
	int source_len, model_len;
	int64_t v[11]; /* n, input, cc5m, cc1h, cache_read, output, reasoning, cost, unpriced, tool_cost, tool_costed */
} bulk_hour;

/*
 * Adds groups (bulk_agg*, in agg's key order, just written to agg) to
 * agg_hour, whose triggers a bulk load drops: a group's hour is its
 * bucket's, and one hour's groups of a source and model are neighbours in
 * that order only within a bucket, so the sums are gathered first. This
 * replaces rebuilding agg_hour from all of agg at the load's end (10 ms on
 * a dense first scan's serial end, and a pass over agg that grows with the
 * history at every 4 GiB load).
 */
static int bulk_hours_add(au_store *s, GPtrArray *groups, au_err *err)
{
	GHashTable *by = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	GPtrArray *order = g_ptr_array_new();
	for (guint g = 0; g < groups->len; g++) {
		const bulk_agg *a = groups->pdata[g];
		int64_t hour = a->bucket < 0 ? (a->bucket - 3) / 4 : a->bucket / 4; /* AGG_HOUR_OF */
		char *k = g_strdup_printf("%" PRId64 "|%.*s|%.*s", hour, a->part_len[0], a->part[0], a->part_len[1],
					  a->part[1]);
		bulk_hour *h = g_hash_table_lookup(by, k);
		if (!h) {
			h = g_new(bulk_hour, 1);
			*h = (bulk_hour){.hour = hour,
					 .source = a->part[0],
					 .source_len = a->part_len[0],
					 .model = a->part[1],
					 .model_len = a->part_len[1]};
			g_hash_table_insert(by, k, h);
			g_ptr_array_add(order, h);
		} else {
			g_free(k);
		}
		const int64_t add[11] = {a->n,	      a->input,	 a->cc5m, a->cc1h,     a->cache_read, a->output,
					 a->reasoning, a->cost, a->unpriced, a->tool_cost, a->tool_costed};
		for (int i = 0; i < 11; i++)
			h->v[i] += add[i];
	}
	sqlite3_stmt *st;
	int r = prepare(s,
			"INSERT INTO agg_hour VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)" AGG_HOUR_ADD_EXCLUDED,
			&st, err);
	for (guint i = 0; r == 0 && i < order->len; i++) {
		const bulk_hour *h = order->pdata[i];
		sqlite3_bind_int64(st, 1, h->hour);
		sqlite3_bind_text(st, 2, h->source, h->source_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, h->model, h->model_len, SQLITE_STATIC);
		for (int j = 0; j < 11; j++)
			sqlite3_bind_int64(st, 4 + j, h->v[j]);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = au_store_fail(s, err, "adding up the stored responses by hour");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st); /* NULL when it was not prepared */
	g_ptr_array_free(order, TRUE);
	g_hash_table_destroy(by);
	return r;
}

/* agg's key order: the bucket, then the four text parts as SQLite's
 * BINARY collation orders them (memcmp, then the shorter first). */
static int bulk_agg_cmp(const void *x, const void *y)
{
	const bulk_agg *a = *(const bulk_agg *const *)x, *b = *(const bulk_agg *const *)y;
	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	for (int i = 0; i < 4; i++) {
		int n = a->part_len[i], m = b->part_len[i];
		int c = memcmp(a->part[i], b->part[i], (size_t)MIN(n, m));
		if (c || n != m)
			return c ? c : n < m ? -1 : 1;
	}
	return 0;
}

/* Adds the new rows' sums to agg, except for the sessions summed again:
 * in agg's key order, so that its B-tree takes them page by page (in
 * hash order, 5.8k groups took 11 ms of a dense first scan's serial end). */
static int bulk_agg_flush(au_store *s, au_err *err)
{
	sqlite3_stmt *st;
	int r = prepare(s,
			"INSERT INTO agg VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"
			" ON CONFLICT DO UPDATE SET n = n + excluded.n, input = input + excluded.input,"
			" cc5m = cc5m + excluded.cc5m, cc1h = cc1h + excluded.cc1h,"
			" cache_read = cache_read + excluded.cache_read, output = output + excluded.output,"
			" reasoning = reasoning + excluded.reasoning, cost = cost + excluded.cost,"
			" unpriced = unpriced + excluded.unpriced,"
			" first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),"
			" tool_cost = tool_cost + excluded.tool_cost, tool_costed = tool_costed + excluded.tool_costed",
			&st, err);
	if (r < 0)
		return r;
	GPtrArray *groups = g_ptr_array_sized_new(g_hash_table_size(s->bulk->agg));
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, s->bulk->agg);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (!g_hash_table_contains(s->bulk->dirty, ((const bulk_agg *)v)->part[3]))
			g_ptr_array_add(groups, v);
	if (groups->len > 1) /* an empty array has no pdata, which qsort may not take */
		qsort(groups->pdata, groups->len, sizeof(gpointer), bulk_agg_cmp);
	for (guint g = 0; r == 0 && g < groups->len; g++) {
		const bulk_agg *a = groups->pdata[g];
		sqlite3_bind_int64(st, 1, a->bucket);
		for (int i = 0; i < 4; i++)
			sqlite3_bind_text(st, 2 + i, a->part[i], a->part_len[i], SQLITE_STATIC);
		const int64_t vals[] = {a->n,	   a->input,    a->cc5m,    a->cc1h,	    a->cache_read,
					a->output, a->reasoning, a->cost,    a->unpriced,  a->first_ts,
					a->last_ts, a->tool_cost, a->tool_costed};
		for (int i = 0; i < (int)(sizeof(vals) / sizeof(vals[0])); i++)
			sqlite3_bind_int64(st, 6 + i, vals[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = au_store_fail(s, err, "adding up the stored responses");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (r == 0)
		r = bulk_hours_add(s, groups, err);
	g_ptr_array_free(groups, TRUE);
	return r;
}

/* The agg rows of the dirty sessions, summed again from usage. */
static int bulk_agg_resum_dirty(au_store *s, au_err *err)
{
	if (g_hash_table_size(s->bulk->dirty) == 0)
		return 0;
	int r;
	if ((r = exec(s, "CREATE TEMP TABLE IF NOT EXISTS au_dirty(session TEXT PRIMARY KEY) WITHOUT ROWID;"
			 "DELETE FROM temp.au_dirty;",
		      err)) < 0)
		return r;
	sqlite3_stmt *st;
	if ((r = prepare(s, "INSERT OR IGNORE INTO temp.au_dirty VALUES(?1)", &st, err)) < 0)
		return r;
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init(&it, s->bulk->dirty);
	while (r == 0 && g_hash_table_iter_next(&it, &k, NULL)) {
		sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = au_store_fail(s, err, "adding up the stored responses");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (r == 0)
		r = exec(s,
			 "DELETE FROM agg WHERE session IN (SELECT session FROM temp.au_dirty);"
			 "INSERT INTO agg SELECT ts / 900000, source, model, project, session, count(*), sum(input),"
			 " sum(cc5m), sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(coalesce(cost, 0)),"
			 " sum(cost IS NULL), min(ts), max(ts), sum(coalesce(tool_cost, 0)), sum(tool_cost IS NOT NULL)"
			 " FROM usage WHERE session IN (SELECT session FROM temp.au_dirty) GROUP BY 1, 2, 3, 4, 5;"
			 "DELETE FROM temp.au_dirty;",
			 err);
	return r;
}

static void mark_dirty(au_bulk *b, const char *session)
{
	if (!g_hash_table_contains(b->dirty, session))
		g_hash_table_add(b->dirty, xstrdup(session));
}

/* Marks the sessions of the rows a query with ?1 (and ?2) returns. */
static int mark_dirty_rows(au_store *s, const char *sql, const char *a1, const char *a2, au_err *err)
{
	sqlite3_stmt *st;
	int r = prepare(s, sql, &st, err);
	if (r < 0)
		return r;
	sqlite3_bind_text(st, 1, a1, -1, SQLITE_STATIC);
	if (a2)
		sqlite3_bind_text(st, 2, a2, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		mark_dirty(s->bulk, (const char *)sqlite3_column_text(st, 0));
	if (rc != SQLITE_DONE)
		r = au_store_fail(s, err, "looking up a response");
	sqlite3_finalize(st);
	return r;
}

/* Binds staged row x as the row at column offset o of an INSERT. */
static void bind_staged(sqlite3_stmt *st, int o, const staged *x)
{
	sqlite3_bind_int64(st, o + 20, x->id);
	sqlite3_bind_text(st, o + 1, x->key, (int)x->key_len, SQLITE_STATIC);
	sqlite3_bind_text(st, o + 2, au_source_name(x->source), -1, SQLITE_STATIC);
	if (x->msg_len)
		sqlite3_bind_text(st, o + 3, x->msg_id, (int)x->msg_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, o + 3);
	sqlite3_bind_int(st, o + 4, x->sidechain);
	sqlite3_bind_int64(st, o + 5, x->ts);
	sqlite3_bind_text(st, o + 6, x->session, (int)x->session_len, SQLITE_STATIC);
	sqlite3_bind_text(st, o + 7, x->cwd, (int)x->cwd_len, SQLITE_STATIC);
	sqlite3_bind_text(st, o + 8, x->model, (int)x->model_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, o + 9, x->tok.input);
	sqlite3_bind_int64(st, o + 10, x->tok.cache_create_5m);
	sqlite3_bind_int64(st, o + 11, x->tok.cache_create_1h);
	sqlite3_bind_int64(st, o + 12, x->tok.cache_read);
	sqlite3_bind_int64(st, o + 13, x->tok.output);
	sqlite3_bind_int64(st, o + 14, x->tok.reasoning);
	sqlite3_bind_int64(st, o + 15, x->total);
	if (x->cost == AU_COST_UNPRICED)
		sqlite3_bind_null(st, o + 16);
	else
		sqlite3_bind_int64(st, o + 16, x->cost);
	sqlite3_bind_int64(st, o + 17, x->file_id);
	if (x->has_tool_cost)
		sqlite3_bind_int64(st, o + 18, x->tool_cost);
	else
		sqlite3_bind_null(st, o + 18);
	sqlite3_bind_int64(st, o + 19, x->price_mode);
}

#define INS_COLS 20
#define INS_ROWS 32 /* rows per INSERT: one statement's start and end for many */

/* "INSERT INTO usage(...) VALUES(?,...),(...)" with n rows */
/* OR FAIL: a constraint error (a bug: staged keys are checked first) stops
 * the statement without undoing its earlier rows, and the scan then rolls
 * back the whole transaction. That spares SQLite a statement journal for
 * each multi-row INSERT: with ABORT, the default, the pages each statement
 * touched were copied to a temporary file first, 530 MiB of writes in a
 * dense 1 GiB first scan that stores 31 MiB. */
static char *insert_sql(int n)
{
	GString *q = g_string_new("INSERT OR FAIL INTO usage(key, source, msg_id, sidechain, ts, session, project, model,"
				  " input, cc5m, cc1h, cache_read, output, reasoning, total, cost, file_id, tool_cost,"
				  " price_mode, id) VALUES");
	for (int i = 0; i < n; i++) {
		g_string_append(q, i ? ",(" : "(");
		for (int c = 0; c < INS_COLS; c++)
			g_string_append(q, c ? ",?" : "?");
		g_string_append_c(q, ')');
	}
	return g_string_free(q, FALSE);
}

/* Key order: SQLite's BINARY collation (memcmp, then the shorter first). */
static int staged_key_cmp(const void *a, const void *b)
{
	const staged *x = *(staged *const *)a, *y = *(staged *const *)b;
	int c = memcmp(x->key, y->key, MIN(x->key_len, y->key_len));
	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/*
 * Writes the staged rows. Each gets the rowid it would have had inserted
 * in arrival order (the row-by-row path's), but they go in in key order:
 * the key and msg_id indexes then take them page by page, not at random.
 * A 10 GiB first scan's store outgrows the page cache, and random inserts
 * had SQLite write 1.3 GiB and read as much back for a 111 MB store.
 */
static int stage_flush(au_store *s, au_err *err)
{
	au_bulk *b = s->bulk;
	int r = 0;
	if (b->order->len == 0)
		return 0;
	for (int k = 0; k < 2; k++) {
		if (b->ins[k])
			continue;
		char *sql = insert_sql(k ? INS_ROWS : 1);
		r = prepare(s, sql, &b->ins[k], err);
		g_free(sql);
		if (r < 0)
			return r;
	}
	/* SQLite's next rowid is the largest plus one */
	int64_t next = pragma_int(s, "SELECT coalesce(max(id), 0) + 1 FROM usage", -1);
	if (next < 1)
		return au_store_fail(s, err, "recording a response");
	guint live = 0;
	for (guint i = 0; i < b->order->len; i++) {
		staged *x = b->order->pdata[i];
		if (x->deleted)
			continue;
		x->id = next++;
		b->order->pdata[live++] = x;
	}
	g_ptr_array_set_size(b->order, live);
	if (live > 1)
		qsort(b->order->pdata, live, sizeof(gpointer), staged_key_cmp);
	staged **rows = (staged **)b->order->pdata;
	for (guint j = 0; j < live && r == 0;) {
		int many = live - j >= INS_ROWS;
		sqlite3_stmt *st = b->ins[many];
		int m = many ? INS_ROWS : 1;
		for (int t = 0; t < m; t++)
			bind_staged(st, t * INS_COLS, rows[j + t]);
		if (sqlite3_step(st) != SQLITE_DONE)
			r = au_store_fail(s, err, "recording a response");
		sqlite3_reset(st);
		j += (guint)m;
	}
	for (guint j = 0; j < live && r == 0; j++)
		bulk_agg_add(b, rows[j]);
	g_hash_table_remove_all(b->staged);
	g_hash_table_remove_all(b->by_msg);
	g_ptr_array_set_size(b->order, 0);
	arena_reset(b, false);
	/* The sums go to agg now and then, not only at bulk_end, so that a
	 * long load's memory stays flat. Same result: the upsert adds, a
	 * session made dirty later is summed again from usage at the end. */
	if (r == 0 && g_hash_table_size(b->agg) >= (guint)au_bulk_agg_max && (r = bulk_agg_flush(s, err)) == 0)
		g_hash_table_remove_all(b->agg);
	return r;
}

/* Fills a staged row from an event; the strings in one block, the row's
 * own again when they fit. */
static void stage_fill(au_bulk *b, staged *x, const au_event *ev, const char *key, int64_t total, int64_t file_id,
		       int64_t cost)
{
	size_t lk = strlen(key) + 1, lm = strlen(ev->msg_id) + 1, ls = strlen(ev->session) + 1;
	size_t lo = strlen(ev->model) + 1, lc = strlen(ev->cwd) + 1, n = lk + lm + ls + lo + lc;
	char *p = x->key;
	if (!p || x->cap < n) {
		p = arena_alloc(b, n);
		x->cap = (uint32_t)n;
	}
	x->key = memmove(p, key, lk); /* key may be the row's own */
	x->msg_id = memcpy(p += lk, ev->msg_id, lm);
	x->session = memcpy(p += lm, ev->session, ls);
	x->model = memcpy(p += ls, ev->model, lo);
	x->cwd = memcpy(p + lo, ev->cwd, lc);
	x->key_len = (uint32_t)lk - 1;
	x->msg_len = (uint32_t)lm - 1;
	x->session_len = (uint32_t)ls - 1;
	x->model_len = (uint32_t)lo - 1;
	x->cwd_len = (uint32_t)lc - 1;
	x->source = ev->source;
	x->sidechain = ev->sidechain;
	x->has_tool_cost = ev->has_tool_cost;
	x->tool_cost = ev->tool_cost;
	x->price_mode = ev->price_mode;
	x->ts = ev->ts_ms;
	x->total = total;
	x->cost = cost;
	x->file_id = file_id;
	x->tok = ev->tok;
}

static bool same_cost(int64_t a, int64_t b)
{
	return a == b; /* AU_COST_UNPRICED stands for NULL: NULL IS NULL */
}

/* The WHERE of the put statement for ev against a staged row, in C. */
static bool stage_better(const au_event *ev, int64_t total, int64_t cost, int64_t file_id, const staged *x)
{
	switch (ev->dedup) {
	case AU_DEDUP_MIN:
		return total < x->total;
	case AU_DEDUP_FALLBACK:
		/* as LATEST, but only over its own file's earlier read (put_fallback) */
		if (file_id != x->file_id)
			return false;
		/* fall through */
	case AU_DEDUP_LATEST:
		return ev->ts_ms != x->ts || strcmp(ev->model, x->model) != 0 || strcmp(ev->session, x->session) != 0 ||
		       strcmp(ev->cwd, x->cwd) != 0 || ev->tok.input != x->tok.input ||
		       ev->tok.cache_create_5m != x->tok.cache_create_5m ||
		       ev->tok.cache_create_1h != x->tok.cache_create_1h || ev->tok.cache_read != x->tok.cache_read ||
		       ev->tok.output != x->tok.output || ev->tok.reasoning != x->tok.reasoning ||
		       !same_cost(cost, x->cost) || ev->has_tool_cost != x->has_tool_cost ||
		       (ev->has_tool_cost && ev->tool_cost != x->tool_cost);
	default:
		return (x->sidechain && !ev->sidechain) || (x->sidechain == ev->sidechain && total > x->total);
	}
}

static GPtrArray *msg_rows(au_bulk *b, const char *msg_id)
{
	return g_hash_table_lookup(b->by_msg, msg_id);
}

static void msg_rows_add(au_bulk *b, staged *x)
{
	if (!x->msg_id[0])
		return;
	GPtrArray *a = msg_rows(b, x->msg_id);
	if (!a) {
		a = g_ptr_array_new();
		g_hash_table_insert(b->by_msg, xstrdup(x->msg_id), a);
	}
	g_ptr_array_add(a, x);
}

static void stage_drop(au_bulk *b, staged *x)
{
	g_hash_table_remove(b->staged, x->key);
	x->deleted = true;
}

/* What agg needs of a stored row, read before a put may replace it. */
typedef struct old_row {
	char *session, *source, *model, *project;
	int64_t ts, tok[6], cost, tool_cost;
	bool priced, has_tool_cost;
} old_row;

#define OLD_ROW_SQL                                                                                          \
	"SELECT session, source, model, project, ts, input, cc5m, cc1h, cache_read, output, reasoning, cost," \
	" tool_cost FROM usage WHERE key = ?1"

static void old_row_release(old_row *o)
{
	free(o->session);
	free(o->source);
	free(o->model);
	free(o->project);
}

/* The stored row with this key, copied out: 1, 0 when there is none. */
static int old_row_read(au_store *s, const char *key, old_row *ret, au_err *err)
{
	sqlite3_stmt *q;
	int r = prepare(s, OLD_ROW_SQL, &q, err);
	if (r < 0)
		return r;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*ret = (old_row){
			.session = col_strdup(q, 0),
			.source = col_strdup(q, 1),
			.model = col_strdup(q, 2),
			.project = col_strdup(q, 3),
			.ts = sqlite3_column_int64(q, 4),
			.priced = sqlite3_column_type(q, 11) != SQLITE_NULL,
			.cost = sqlite3_column_int64(q, 11),
			.has_tool_cost = sqlite3_column_type(q, 12) != SQLITE_NULL,
			.tool_cost = sqlite3_column_int64(q, 12),
		};
		for (int i = 0; i < 6; i++)
			ret->tok[i] = sqlite3_column_int64(q, 5 + i);
		r = 1;
		if (!ret->session || !ret->source || !ret->model || !ret->project) {
			old_row_release(ret);
			r = au_store_fail(s, err, "reading a response");
		}
	} else if (rc != SQLITE_DONE) {
		r = au_store_fail(s, err, "looking up a response");
	}
	sqlite3_finalize(q);
	return r;
}

/* The first and last ts agg holds for the group of row o, or false. */
static bool agg_group_span(au_store *s, const old_row *o, int64_t *ret_first, int64_t *ret_last)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT first_ts, last_ts FROM agg WHERE bucket = ?1 AND source = ?2 AND model = ?3"
			       " AND project = ?4 AND session = ?5",
			       -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(q, 1, o->ts / AU_BUCKET_MS);
	sqlite3_bind_text(q, 2, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, o->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, o->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, o->session, -1, SQLITE_STATIC);
	bool found = sqlite3_step(q) == SQLITE_ROW;
	if (found) {
		*ret_first = sqlite3_column_int64(q, 0);
		*ret_last = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return found;
}

/*
 * The stored row o was replaced by ev. When the row stays in its agg group
 * the group's sums move by the difference and its count stays; its first
 * and last ts stay right when the old ts was neither end, or was the end
 * the new ts moves outward (the group's span is what agg holds joined with
 * what this load has not flushed yet: each end is the ts of a row still
 * there). Otherwise the old session and the new one are summed again from
 * usage at the end, which scans the whole table (22 ms of a dense 1 GiB
 * first scan's serial end, for four sessions whose streaming copies met
 * rows an earlier stage had written).
 */
static void bulk_agg_replaced(au_store *s, const old_row *o, const au_event *ev, int64_t cost)
{
	au_bulk *b = s->bulk;
	size_t model_len = strlen(ev->model), cwd_len = strlen(ev->cwd), session_len = strlen(ev->session);
	bool same_group = o->ts / AU_BUCKET_MS == ev->ts_ms / AU_BUCKET_MS && strcmp(o->session, ev->session) == 0 &&
			  strcmp(o->source, au_source_name(ev->source)) == 0 && strcmp(o->model, ev->model) == 0 &&
			  strcmp(o->project, ev->cwd) == 0;
	if (same_group && o->ts != ev->ts_ms) {
		int64_t first = INT64_MAX, last = INT64_MIN, f, l;
		const bulk_agg *m = bulk_agg_group(b, ev->ts_ms, ev->source, ev->model, model_len, ev->cwd, cwd_len,
						   ev->session, session_len, false);
		if (m)
			first = m->first_ts, last = m->last_ts;
		if (agg_group_span(s, o, &f, &l))
			first = MIN(first, f), last = MAX(last, l);
		/* still right after a min/max merge with the new ts: the old one
		 * strictly inside, or the end it held moving outward with it
		 * (a later streaming copy of the group's latest response) */
		int64_t t = o->ts, tn = ev->ts_ms;
		same_group = first < last && ((first < t && t < last) || (t == last && tn > t) || (t == first && tn < t));
	}
	if (!same_group) {
		mark_dirty(b, o->session);
		mark_dirty(b, ev->session);
		return;
	}
	bulk_agg *a = bulk_agg_group(b, ev->ts_ms, ev->source, ev->model, model_len, ev->cwd, cwd_len, ev->session,
				     session_len, true);
	a->input += ev->tok.input - o->tok[0];
	a->cc5m += ev->tok.cache_create_5m - o->tok[1];
	a->cc1h += ev->tok.cache_create_1h - o->tok[2];
	a->cache_read += ev->tok.cache_read - o->tok[3];
	a->output += ev->tok.output - o->tok[4];
	a->reasoning += ev->tok.reasoning - o->tok[5];
	bool priced = cost != AU_COST_UNPRICED;
	a->cost += (priced ? cost : 0) - (o->priced ? o->cost : 0);
	a->unpriced += (int64_t)!priced - (int64_t)!o->priced;
	a->tool_cost += (ev->has_tool_cost ? ev->tool_cost : 0) - (o->has_tool_cost ? o->tool_cost : 0);
	a->tool_costed += (int64_t)ev->has_tool_cost - (int64_t)o->has_tool_cost;
	a->first_ts = MIN(a->first_ts, ev->ts_ms);
	a->last_ts = MAX(a->last_ts, ev->ts_ms);
}

/* The put of a bulk load (see above). */
static int bulk_put(au_store *s, const au_event *ev, const char *key, int64_t total, int64_t file_id, int64_t cost,
		    au_put_result *ret, au_err *err)
{
	au_bulk *b = s->bulk;
	bool has_id = ev->msg_id[0] != '\0';
	uint64_t key_bit = filter_bit(key), msg_bit = has_id ? filter_bit(ev->msg_id) : 0;
	filter_prefetch(s, FILTER_KEY, key_bit);
	if (has_id) {
		filter_prefetch(s, FILTER_MAIN, msg_bit);
		filter_prefetch(s, FILTER_SIDE, msg_bit);
	}
	int r;
	if (!b->src_triggers && bulk_needs_src_triggers(ev, key)) {
		/* a row the rules between sources may apply to: they come back,
		 * after the rows before it, and agg is summed again at the end */
		if ((r = stage_flush(s, err)) < 0 || (r = exec(s, SRC_TRIGGERS, err)) < 0)
			return r;
		b->src_triggers = true;
		b->all_dirty = true;
	}
	if (b->src_triggers) {
		/* rows put this way set no filter bits */
		if (s->filters)
			s->filters->valid = false;
		return sql_put(s, ev, key, total, file_id, cost, ret, err);
	}

	staged *x = g_hash_table_lookup(b->staged, key);
	if (ev->retract) {
		*ret = AU_PUT_KEPT;
		if (x) {
			stage_drop(b, x);
			*ret = AU_PUT_RETRACTED;
		} else if (filter_may_hold(s, FILTER_KEY, key_bit)) {
			if ((r = mark_dirty_rows(s, "SELECT session FROM usage WHERE key = ?1", key, NULL, err)) < 0)
				return r;
			return sql_put(s, ev, key, total, file_id, cost, ret, err);
		}
		return 0;
	}

	if (ev->dedup == AU_DEDUP_BEST && has_id) {
		GPtrArray *same = msg_rows(b, ev->msg_id);
		if (ev->sidechain) {
			/* a /btw replay: a main-chain row with this msg_id, other key */
			bool replay = false;
			for (guint i = 0; same && i < same->len && !replay; i++) {
				const staged *y = same->pdata[i];
				replay = !y->deleted && !y->sidechain && strcmp(y->msg_id, ev->msg_id) == 0 &&
					 strcmp(y->key, key) != 0;
			}
			if (!replay && filter_may_hold(s, FILTER_MAIN, msg_bit)) {
				if ((r = ready(s, &s->main_has_id, MAIN_HAS_ID_SQL, err)) < 0)
					return r;
				sqlite3_bind_text(s->main_has_id, 1, ev->msg_id, -1, SQLITE_STATIC);
				sqlite3_bind_text(s->main_has_id, 2, key, -1, SQLITE_STATIC);
				if ((r = step_exists(s, s->main_has_id, &replay, err)) < 0)
					return r;
			}
			if (replay) {
				*ret = AU_PUT_REPLAY;
				return 0;
			}
		} else {
			/* the main-chain response after its replays: they go */
			for (guint i = 0; same && i < same->len; i++) {
				staged *y = same->pdata[i];
				if (!y->deleted && y->sidechain && strcmp(y->msg_id, ev->msg_id) == 0 &&
				    strcmp(y->key, key) != 0)
					stage_drop(b, y);
			}
			x = g_hash_table_lookup(b->staged, key);
			if (filter_may_hold(s, FILTER_SIDE, msg_bit)) {
				if ((r = mark_dirty_rows(s,
							 "SELECT session FROM usage WHERE msg_id = ?1 AND sidechain = 1"
							 " AND key <> ?2",
							 ev->msg_id, key, err)) < 0)
					return r;
				if ((r = ready(s, &s->del_replays, DEL_REPLAYS_SQL, err)) < 0)
					return r;
				sqlite3_bind_text(s->del_replays, 1, ev->msg_id, -1, SQLITE_STATIC);
				sqlite3_bind_text(s->del_replays, 2, key, -1, SQLITE_STATIC);
				int rc = sqlite3_step(s->del_replays);
				sqlite3_reset(s->del_replays);
				if (rc != SQLITE_DONE)
					return au_store_fail(s, err, "dropping replayed responses");
			}
		}
	}

	if (x) {
		*ret = AU_PUT_KEPT;
		if (stage_better(ev, total, cost, file_id, x)) {
			bool moved = strcmp(x->msg_id, ev->msg_id) != 0;
			g_hash_table_remove(b->staged, x->key); /* its key is freed next */
			stage_fill(b, x, ev, key, total, file_id, cost);
			g_hash_table_insert(b->staged, x->key, x);
			if (moved && ev->dedup == AU_DEDUP_BEST)
				msg_rows_add(b, x);
			if (has_id) /* it may have changed chains */
				filter_add(s, ev->sidechain ? FILTER_SIDE : FILTER_MAIN, msg_bit);
			*ret = AU_PUT_REPLACED;
		}
		return 0;
	}
	if (filter_may_hold(s, FILTER_KEY, key_bit)) {
		/* maybe in SQLite already: compared there */
		old_row o = {0};
		if ((r = old_row_read(s, key, &o, err)) < 0)
			return r;
		if (r == 1) {
			r = sql_upsert(s, ev, key, total, file_id, cost, ret, err);
			if (r == 0 && *ret != AU_PUT_KEPT) {
				bulk_agg_replaced(s, &o, ev, cost);
				if (has_id)
					filter_add(s, ev->sidechain ? FILTER_SIDE : FILTER_MAIN, msg_bit);
			}
			old_row_release(&o);
			return r;
		}
	}
	x = arena_alloc(b, sizeof(*x));
	memset(x, 0, sizeof(*x));
	stage_fill(b, x, ev, key, total, file_id, cost);
	g_hash_table_insert(b->staged, x->key, x);
	g_ptr_array_add(b->order, x);
	if (ev->dedup == AU_DEDUP_BEST)
		msg_rows_add(b, x);
	/* set now, while its byte is at hand: until the flush the staged
	 * row is found first, and one dropped before it leaves only a false
	 * "maybe" */
	filter_add(s, FILTER_KEY, key_bit);
	if (has_id)
		filter_add(s, ev->sidechain ? FILTER_SIDE : FILTER_MAIN, msg_bit);
	*ret = AU_PUT_NEW;
	if (b->order->len >= (guint)au_bulk_stage_max)
		return stage_flush(s, err);
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
	if (s->bulk)
		return bulk_put(s, ev, key, total, file_id, cost, ret, err);
	return sql_put(s, ev, key, total, file_id, cost, ret, err);
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

void au_store_load_journal(au_store *s, bool loading)
{
	if (s->readonly || !sqlite3_get_autocommit(s->db))
		return;
	/* the pragma answers with the mode in force; a failed switch keeps
	 * the old one, which is always safe */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, loading ? "PRAGMA journal_mode = TRUNCATE" : "PRAGMA journal_mode = WAL", -1,
			       &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW)
		;
	sqlite3_finalize(st);
}

int au_store_bulk_begin(au_store *s, au_err *err)
{
	int r;
	if (s->bulk)
		return au_fail(err, EINVAL, "internal: a bulk load is already under way");
	filters_begin(s);
	if ((r = exec(s, AGG_DROP_TRIGGERS AGG_HOUR_DROP_TRIGGERS SRC_DROP_TRIGGERS FILES_STAMP_DROP_TRIGGERS, err)) < 0)
		return r;
	au_bulk *b = s->bulk = xcalloc(1, sizeof(*s->bulk));
	b->cursors_saved = s->cursors_saved;
	b->agg = g_hash_table_new_full(au_str_hash, g_str_equal, NULL, bulk_agg_free);
	b->keybuf = g_string_sized_new(256);
	b->dirty = g_hash_table_new_full(au_str_hash, g_str_equal, free, NULL);
	b->staged = g_hash_table_new(au_str_hash, g_str_equal);
	b->by_msg = g_hash_table_new_full(au_str_hash, g_str_equal, free, (GDestroyNotify)g_ptr_array_unref);
	b->order = g_ptr_array_new();
	return 0;
}

int au_store_bulk_end(au_store *s, au_err *err)
{
	au_bulk *b = s->bulk;
	if (!b)
		return au_fail(err, EINVAL, "internal: no bulk load is under way");
	int r = stage_flush(s, err);
	if (r == 0 && b->all_dirty)
		/* the rules between sources may have deleted rows: what the
		 * triggers would have summed, row by row, in one pass, and
		 * agg_hour from it */
		r = exec(s,
			 "DELETE FROM agg;"
			 "INSERT INTO agg SELECT ts / 900000, source, model, project, session, count(*), sum(input),"
			 " sum(cc5m), sum(cc1h), sum(cache_read), sum(output), sum(reasoning), sum(coalesce(cost, 0)),"
			 " sum(cost IS NULL), min(ts), max(ts), sum(coalesce(tool_cost, 0)), sum(tool_cost IS NOT NULL)"
			 " FROM usage GROUP BY 1, 2, 3, 4, 5;" AGG_HOUR_REBUILD AGG_HOUR_TRIGGERS,
			 err);
	else if (r == 0 && (r = bulk_agg_flush(s, err)) == 0 && (r = exec(s, AGG_HOUR_TRIGGERS, err)) == 0)
		/* agg_hour is in step with agg again (bulk_agg_flush adds to
		 * both): its triggers follow the dirty sessions' agg rows as
		 * they are summed again */
		r = bulk_agg_resum_dirty(s, err);
	if (r == 0)
		r = exec(s, FILES_STAMP_TRIGGERS, err);
	if (r == 0) {
		/* every cursor the bulk load saved is one row written to files */
		char sql[96];
		snprintf(sql, sizeof(sql), "UPDATE files_stamp SET n = n + %" PRId64 ";", s->cursors_saved - b->cursors_saved);
		r = exec(s, sql, err);
	}
	if (r == 0)
		r = exec(s, b->src_triggers ? AGG_TRIGGERS_4 : AGG_TRIGGERS_4 SRC_TRIGGERS, err);
	if (r == 0)
		filters_end(s);
	bulk_free(b);
	s->bulk = NULL;
	return r;
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

/* au_cost(model, input, cc5m, cc1h, cache_read, output, price_mode)
 * -> pico-dollars or NULL */
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
	sqlite3_result_int64(ctx, au_cost_pico_mode(mp, &t, (unsigned)sqlite3_value_int64(argv[6])));
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
	sqlite3_create_function(s->db, "au_cost", 7, SQLITE_UTF8, s, sql_cost, NULL, NULL);
	int r;
	if ((r = au_store_begin(s, err)) < 0)
		return r;
	if ((r = exec(s,
		      "UPDATE usage SET cost = au_cost(model, input, cc5m, cc1h, cache_read, output, price_mode)"
		      " WHERE cost IS NOT au_cost(model, input, cc5m, cc1h, cache_read, output, price_mode)",
		      err)) < 0 ||
	    (r = au_store_meta_set(s, "pricing_fp", want, err)) < 0 || (r = au_store_commit(s, err)) < 0) {
		au_store_rollback(s);
		return r;
	}
	return 0;
}
