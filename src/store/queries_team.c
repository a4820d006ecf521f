/*
 * The named queries behind the team push and export/import: the change log
 * a push reads (team_changes, filled by triggers on usage, so every writer
 * of usage is seen without knowing about teams), the rows as they leave the
 * machine, and the writes an import makes.
 */
#include "queries.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static int run(au_store *s, const char *sql, const char *what, au_err *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return au_store_fail(s, err, what);
	return 0;
}

int au_store_team_track(au_store *s, au_err *err)
{
	/* AUTOINCREMENT: a number is never reused after the log is pruned,
	 * so the watermark stays meaningful */
	return run(s,
		   "CREATE TABLE IF NOT EXISTS team_changes(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
		   " key TEXT NOT NULL);"
		   "CREATE TRIGGER IF NOT EXISTS team_usage_ai AFTER INSERT ON usage BEGIN"
		   " INSERT INTO team_changes(key) VALUES(NEW.key); END;"
		   "CREATE TRIGGER IF NOT EXISTS team_usage_au AFTER UPDATE ON usage BEGIN"
		   " INSERT INTO team_changes(key) SELECT OLD.key WHERE OLD.key <> NEW.key;"
		   " INSERT INTO team_changes(key) VALUES(NEW.key); END;"
		   "CREATE TRIGGER IF NOT EXISTS team_usage_ad AFTER DELETE ON usage BEGIN"
		   " INSERT INTO team_changes(key) VALUES(OLD.key); END;",
		   "making the team change log", err);
}

static bool has_log(au_store *s)
{
	sqlite3_stmt *st;
	bool yes = false;
	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE name = 'team_changes'", -1, &st, NULL) ==
	    SQLITE_OK) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

int au_store_team_last_change(au_store *s, int64_t *ret_seq, au_err *err)
{
	sqlite3_stmt *st;
	*ret_seq = 0;
	if (!has_log(s))
		return 0;
	/* sqlite_sequence remembers the last number even when the log is empty */
	if (sqlite3_prepare_v2(s->db, "SELECT seq FROM sqlite_sequence WHERE name = 'team_changes'", -1, &st,
			       NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the team change log");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret_seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : au_store_fail(s, err, "reading the team change log");
}

int au_store_team_forget(au_store *s, int64_t upto_seq, au_err *err)
{
	sqlite3_stmt *st;
	if (!has_log(s))
		return 0;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM team_changes WHERE seq <= ?1", -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "pruning the team change log");
	sqlite3_bind_int64(st, 1, upto_seq);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : au_store_fail(s, err, "pruning the team change log");
}

#define ROW_COLS                                                                                  \
	"u.ts, u.source, u.session, u.project, u.model, u.sidechain, u.input, u.cc5m, u.cc1h,"    \
	" u.cache_read, u.output, u.reasoning, u.cost, u.tool_cost"

int au_store_team_rows_iter(au_store *s, int64_t after_seq, int64_t upto_seq, au_store_iter **ret, au_err *err)
{
	const char *sql = after_seq < 0 || !has_log(s)
				  ? "SELECT u.key, 1, " ROW_COLS " FROM usage u WHERE ?1 IS NOT NULL ORDER BY u.key"
				  /* each changed key once, as it is now */
				  : "SELECT c.key, u.key IS NOT NULL, " ROW_COLS
				    " FROM (SELECT DISTINCT key FROM team_changes WHERE seq > ?1 AND seq <= ?2) c"
				    " LEFT JOIN usage u ON u.key = c.key ORDER BY c.key";
	sqlite3_stmt *st;
	*ret = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading the rows to push");
	sqlite3_bind_int64(st, 1, after_seq);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, upto_seq);
	au_store_iter *it = xcalloc(1, sizeof(*it));
	it->s = s;
	it->st = st;
	it->what = "reading the rows to push";
	*ret = it;
	return 0;
}

int au_store_team_rows_next(au_store_iter *it, au_team_row *ret_row, au_err *err)
{
	int rc = sqlite3_step(it->st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return au_store_fail(it->s, err, it->what);
	sqlite3_stmt *st = it->st;
	*ret_row = (au_team_row){
		.key = (const char *)sqlite3_column_text(st, 0),
		.present = sqlite3_column_int(st, 1) != 0,
	};
	if (!ret_row->present)
		return 1;
	ret_row->ts = sqlite3_column_int64(st, 2);
	ret_row->source = (const char *)sqlite3_column_text(st, 3);
	ret_row->session = (const char *)sqlite3_column_text(st, 4);
	ret_row->project = (const char *)sqlite3_column_text(st, 5);
	ret_row->model = (const char *)sqlite3_column_text(st, 6);
	ret_row->sidechain = sqlite3_column_int(st, 7) != 0;
	ret_row->tok.input = sqlite3_column_int64(st, 8);
	ret_row->tok.cache_create_5m = sqlite3_column_int64(st, 9);
	ret_row->tok.cache_create_1h = sqlite3_column_int64(st, 10);
	ret_row->tok.cache_read = sqlite3_column_int64(st, 11);
	ret_row->tok.output = sqlite3_column_int64(st, 12);
	ret_row->tok.reasoning = sqlite3_column_int64(st, 13);
	ret_row->cost = sqlite3_column_type(st, 14) == SQLITE_NULL ? AU_COST_UNPRICED : sqlite3_column_int64(st, 14);
	ret_row->has_tool_cost = sqlite3_column_type(st, 15) != SQLITE_NULL;
	ret_row->tool_cost = sqlite3_column_int64(st, 15);
	return 1;
}

int au_store_import_put(au_store *s, const au_team_row *row, au_err *err)
{
	/* Only a changed copy is written: importing the same file twice leaves
	 * the store (and the change log) as it was. */
	static const char sql[] =
		"INSERT INTO usage(key, source, msg_id, sidechain, ts, session, project, model,"
		" input, cc5m, cc1h, cache_read, output, reasoning, total, cost, file_id, tool_cost)"
		" VALUES(?1,?2,NULL,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,NULL,?16)"
		" ON CONFLICT(key) DO UPDATE SET source = excluded.source, sidechain = excluded.sidechain,"
		" ts = excluded.ts, session = excluded.session, project = excluded.project,"
		" model = excluded.model, input = excluded.input, cc5m = excluded.cc5m, cc1h = excluded.cc1h,"
		" cache_read = excluded.cache_read, output = excluded.output, reasoning = excluded.reasoning,"
		" total = excluded.total, cost = excluded.cost, tool_cost = excluded.tool_cost"
		" WHERE (excluded.source, excluded.sidechain, excluded.ts, excluded.session, excluded.project,"
		" excluded.model, excluded.input, excluded.cc5m, excluded.cc1h, excluded.cache_read,"
		" excluded.output, excluded.reasoning, excluded.cost, excluded.tool_cost) IS NOT"
		" (usage.source, usage.sidechain, usage.ts, usage.session, usage.project, usage.model,"
		" usage.input, usage.cc5m, usage.cc1h, usage.cache_read, usage.output, usage.reasoning,"
		" usage.cost, usage.tool_cost)";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->db, sql, -1, 0, &st, NULL) != SQLITE_OK)
		return au_store_fail(s, err, "importing a row");
	sqlite3_bind_text(st, 1, row->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, row->sidechain);
	sqlite3_bind_int64(st, 4, row->ts);
	sqlite3_bind_text(st, 5, row->session, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, row->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, row->model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, row->tok.input);
	sqlite3_bind_int64(st, 9, row->tok.cache_create_5m);
	sqlite3_bind_int64(st, 10, row->tok.cache_create_1h);
	sqlite3_bind_int64(st, 11, row->tok.cache_read);
	sqlite3_bind_int64(st, 12, row->tok.output);
	sqlite3_bind_int64(st, 13, row->tok.reasoning);
	sqlite3_bind_int64(st, 14, au_tokens_total(&row->tok));
	if (row->cost != AU_COST_UNPRICED)
		sqlite3_bind_int64(st, 15, row->cost);
	if (row->has_tool_cost)
		sqlite3_bind_int64(st, 16, row->tool_cost);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : au_store_fail(s, err, "importing a row");
}

int au_store_import_prune(au_store *s, const char *prefix, void *keep, int64_t *ret_removed, au_err *err)
{
	GHashTable *set = keep;
	sqlite3_stmt *sel, *del;
	*ret_removed = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT key FROM usage WHERE substr(key, 1, length(?1)) = ?1", -1, &sel,
			       NULL) != SQLITE_OK)
		return au_store_fail(s, err, "reading imported rows");
	sqlite3_bind_text(sel, 1, prefix, -1, SQLITE_STATIC);
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);
	int rc;
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(sel, 0);
		if (!g_hash_table_contains(set, k))
			g_ptr_array_add(gone, g_strdup(k));
	}
	sqlite3_finalize(sel);
	int r = rc == SQLITE_DONE ? 0 : au_store_fail(s, err, "reading imported rows");
	if (r == 0 && gone->len) {
		if (sqlite3_prepare_v2(s->db, "DELETE FROM usage WHERE key = ?1", -1, &del, NULL) != SQLITE_OK) {
			r = au_store_fail(s, err, "withdrawing imported rows");
		} else {
			for (guint i = 0; i < gone->len && r == 0; i++) {
				sqlite3_bind_text(del, 1, gone->pdata[i], -1, SQLITE_STATIC);
				if (sqlite3_step(del) != SQLITE_DONE)
					r = au_store_fail(s, err, "withdrawing imported rows");
				sqlite3_reset(del);
				*ret_removed += sqlite3_changes(s->db);
			}
			sqlite3_finalize(del);
		}
	}
	g_ptr_array_free(gone, TRUE);
	return r;
}

int64_t au_store_changes(au_store *s)
{
	return sqlite3_changes64(s->db);
}
