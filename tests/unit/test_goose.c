/*
 * Goose: parsers/goose.c row by row (the columns as read_database hands
 * them over), watchers/tool_goose.c's roots, and the scan against a real
 * sessions.db built here from SQL: a session whose counters grow between
 * two scans is one record, replaced, never added twice. Every number is
 * worked out by hand beside it.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "pricing.h"
#include "sources.h"
#include "storeq.h"

extern const au_parser_ops au_parser_goose;
#define P (&au_parser_goose)

typedef struct result {
	int r, n;
	au_event ev;
	au_err err;
} result;

static int collect(void *ctx, const au_event *ev)
{
	result *out = ctx;
	out->ev = *ev;
	out->n++;
	return 0;
}

/* id, working_dir, created_at, accumulated_input_tokens,
 * accumulated_output_tokens, model_config_json (NULL: SQL NULL) */
static result row(const char *id, const char *dir, const char *created, const char *in, const char *out,
		  const char *model)
{
	result res;
	memset(&res, 0, sizeof(res));
	const char *cols[6] = {id, dir, created, in, out, model};
	size_t lens[6];
	for (int i = 0; i < 6; i++)
		lens[i] = cols[i] ? strlen(cols[i]) : 0;
	char st[8];
	P->init(st, "/h/.local/share/goose/sessions/sessions.db");
	res.r = P->parse_row(st, 6, cols, lens, collect, &res, &res.err);
	return res;
}

static void test_rows(void)
{
	/* the lifetime counters, as they are: input (cache included), output */
	result r = row("20260301_1", "/home/u/api", "2026-03-01T09:00:00.250+00:00", "41000", "2300",
		       "{\"model_name\":\"claude-sonnet-4-5-20250929\",\"context_limit\":200000}");
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.ev.key, "go:20260301_1");
	CHECK_STR(r.ev.session, "20260301_1");
	CHECK_STR(r.ev.cwd, "/home/u/api");
	CHECK_STR(r.ev.model, "claude-sonnet-4-5-20250929");
	CHECK_INT(r.ev.ts_ms, INT64_C(1772355600250)); /* 2026-03-01T09:00:00.250Z */
	CHECK_INT(r.ev.tok.input, 41000);
	CHECK_INT(r.ev.tok.output, 2300);
	CHECK_INT(r.ev.tok.cache_read + r.ev.tok.cache_create_5m + r.ev.tok.cache_create_1h + r.ev.tok.reasoning, 0);
	CHECK(r.ev.dedup == AU_DEDUP_LATEST);
	CHECK(r.ev.source == AU_SRC_GOOSE);

	/* SQLite's CURRENT_TIMESTAMP form is UTC: 2026-03-01 22:30:00 */
	r = row("s2", "/w", "2026-03-01 22:30:00", "12000", "500", "{\"model_name\":\"gpt-5\"}");
	CHECK_INT(r.r, 0);
	CHECK_INT(r.ev.ts_ms, INT64_C(1772404200000));
	/* an offset is honoured: 01:00+02:00 is 23:00Z the day before */
	r = row("s3", "/w", "2026-03-02T01:00:00+02:00", "1", "1", "{\"model_name\":\"gpt-5\"}");
	CHECK_INT(r.ev.ts_ms, INT64_C(1772406000000));

	/* no model config (or one without model_name): unknown */
	r = row("s4", "/w", "2026-03-02T10:15:00+00:00", "3000", "300", NULL);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.ev.model, "unknown");
	CHECK(!r.ev.model_fallback); /* that flag is Codex's guess */
	r = row("s5", "/w", "2026-03-02T10:15:00+00:00", "3000", "300", "{\"context_limit\":1}");
	CHECK_STR(r.ev.model, "unknown");
	r = row("s6", "/w", "2026-03-02T10:15:00+00:00", "3000", "300", "not json");
	CHECK_STR(r.ev.model, "unknown");

	/* NULL counters (no usage yet) and zeros: nothing, no error */
	r = row("s7", "/w", "2026-03-02T08:00:00+00:00", NULL, NULL, "{\"model_name\":\"gpt-5\"}");
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 0);
	r = row("s8", "/w", "2026-03-02T08:00:00+00:00", "0", "0", NULL);
	CHECK_INT(r.n, 0);
	/* output only */
	r = row("s9", "/w", "2026-03-02T08:00:00+00:00", NULL, "7", NULL);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.ev.tok.input, 0);
	CHECK_INT(r.ev.tok.output, 7);
}

static void test_row_errors(void)
{
	result r = row("s1", "/w", "2026-03-01T09:00:00Z", "-5", "1", NULL);
	CHECK(r.r < 0 && r.n == 0);
	CHECK(strstr(r.err.msg, "s1") != NULL);
	r = row("s1", "/w", "2026-03-01T09:00:00Z", "12.5", "1", NULL);
	CHECK(r.r < 0);
	r = row("s1", "/w", "2026-03-01T09:00:00Z", "100000000000000", "1", NULL); /* past AU_TOKENS_MAX */
	CHECK(r.r < 0);
	r = row("s1", "/w", "yesterday", "1", "1", NULL);
	CHECK(r.r < 0 && strstr(r.err.msg, "created_at"));
	r = row("s1", "/w", NULL, "1", "1", NULL);
	CHECK(r.r < 0);
	r = row(NULL, "/w", "2026-03-01T09:00:00Z", "1", "1", NULL);
	CHECK(r.r < 0);
	r = row("", "/w", "2026-03-01T09:00:00Z", "1", "1", NULL);
	CHECK(r.r < 0);
	/* too few columns (a query of another shape) */
	const char *cols[2] = {"s1", "/w"};
	size_t lens[2] = {2, 2};
	char st[8];
	au_err err;
	CHECK(P->parse_row(st, 2, cols, lens, collect, &r, &err) < 0);
}

/* ---- the scan, on a real database ------------------------------------- */

static char *home;

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "sql failed: %s: %s\n", msg, sql);
	CHECK(msg == NULL);
	sqlite3_free(msg);
}

static void test_roots(void)
{
	au_root *r = au_roots_get(AU_SRC_GOOSE);
	char *want = g_build_filename(home, ".local/share/goose/sessions", NULL);
	CHECK_STR(r[0].dir, want);
	CHECK_STR(r[0].origin, "default");
	CHECK(r[1].dir == NULL);
	au_roots_free(r);
	g_setenv("XDG_DATA_HOME", "/x", TRUE);
	r = au_roots_get(AU_SRC_GOOSE);
	CHECK_STR(r[0].dir, "/x/goose/sessions");
	au_roots_free(r);
	/* Goose's own root wins over XDG (paths.rs) */
	g_setenv("GOOSE_PATH_ROOT", "/opt/goose", TRUE);
	r = au_roots_get(AU_SRC_GOOSE);
	CHECK_STR(r[0].dir, "/opt/goose/data/sessions");
	CHECK_STR(r[0].origin, "$GOOSE_PATH_ROOT");
	au_roots_free(r);
	/* a relative one is ignored, as Goose ignores it */
	g_setenv("GOOSE_PATH_ROOT", "rel", TRUE);
	r = au_roots_get(AU_SRC_GOOSE);
	CHECK_STR(r[0].dir, "/x/goose/sessions");
	au_roots_free(r);
	/* ours names the sessions/ dirs and replaces the rest */
	g_setenv("GOOSE_DATA_DIR", "/srv/g1,/srv/g2", TRUE);
	r = au_roots_get(AU_SRC_GOOSE);
	CHECK_STR(r[0].dir, "/srv/g1");
	CHECK_STR(r[1].dir, "/srv/g2");
	CHECK(r[2].dir == NULL);
	au_roots_free(r);
	g_unsetenv("GOOSE_DATA_DIR");
	g_unsetenv("GOOSE_PATH_ROOT");
	g_unsetenv("XDG_DATA_HOME");
	g_free(want);
}

static void test_scan(void)
{
	char *dir = g_build_filename(home, ".local/share/goose/sessions", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *path = g_build_filename(dir, "sessions.db", NULL);
	sqlite3 *db;
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL;"
		 "CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',"
		 " working_dir TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
		 " updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, input_tokens INTEGER, output_tokens INTEGER,"
		 " accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,"
		 " accumulated_total_tokens INTEGER, provider_name TEXT, model_config_json TEXT);"
		 "INSERT INTO sessions(id, working_dir, created_at, input_tokens, output_tokens,"
		 " accumulated_input_tokens, accumulated_output_tokens, model_config_json) VALUES"
		 " ('a', '/home/u/api', '2026-03-01T09:00:00+00:00', 5000, 100, 5000, 100,"
		 "  '{\"model_name\":\"claude-sonnet-4-5\"}'),"
		 " ('b', '/home/u/web', '2026-03-01T10:00:00+00:00', NULL, NULL, NULL, NULL,"
		 "  '{\"model_name\":\"gpt-5\"}');");

	au_pricing *prices = au_pricing_new();
	char *store = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(store, false, &s, &err), 0);
	au_scan_stats st = scan_checked(s, prices, AU_SRC_GOOSE);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source = 'goose'"), 1);
	CHECK_INT(q(s, "SELECT input FROM usage WHERE key = 'go:a'"), 5000);
	/* $3 / MTok in, $15 out: 5000 x 3 + 100 x 15 = 16,500 micro = 0.0165 USD */
	CHECK_INT(q(s, "SELECT cost FROM usage WHERE key = 'go:a'"), INT64_C(16500000000));

	/* the session goes on (a second turn of 7000 in / 300 out) and b starts:
	 * a's one record is replaced by the new totals, b joins */
	exec(db, "UPDATE sessions SET input_tokens = 7000, output_tokens = 300,"
		 " accumulated_input_tokens = 12000, accumulated_output_tokens = 400 WHERE id = 'a';"
		 "UPDATE sessions SET accumulated_input_tokens = 800, accumulated_output_tokens = 80 WHERE id = 'b';");
	st = scan_checked(s, prices, AU_SRC_GOOSE);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source = 'goose'"), 2);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source = 'goose'"), 12800);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE source = 'goose'"), 480);
	CHECK_INT(q(s, "SELECT sum(input) FROM agg WHERE source = 'goose'"), 12800);
	/* nothing new: nothing changes */
	st = scan_checked(s, prices, AU_SRC_GOOSE);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(input + output) FROM usage WHERE source = 'goose'"), 13280);

	sqlite3_close(db);
	au_store_close(s);
	au_pricing_free(prices);
	g_free(store);
	g_free(path);
	g_free(dir);
}

int main(void)
{
	test_rows();
	test_row_errors();

	home = g_dir_make_tmp("aiusage-goose-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("GOOSE_DATA_DIR");
	g_unsetenv("GOOSE_PATH_ROOT");
	g_unsetenv("XDG_DATA_HOME");
	test_roots();
	test_scan();
	rm_rf(home);
	g_free(home);
	return check_done("test_goose");
}
