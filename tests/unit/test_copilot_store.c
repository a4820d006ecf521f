/*
 * Copilot CLI's session store (parsers/copilot_store.c) and VS Code's span
 * database (parsers/vscode_traces.c): their rows as read_database hands
 * them over; the store's ranking of Copilot records per session
 * (src/store/store.c, migration 8) with the records put in either order;
 * and the scan against real databases in WAL mode, held open by a writer
 * as the tools hold them, read twice (the second read only the new rows).
 * Every number is worked out by hand beside it.
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

extern const au_parser_ops au_parser_copilot_store, au_parser_vscode_traces;

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

static result run_row(const au_parser_ops *p, void *st, int n, const char *const *cols)
{
	result res;
	memset(&res, 0, sizeof(res));
	size_t lens[16];
	for (int i = 0; i < n; i++)
		lens[i] = cols[i] ? strlen(cols[i]) : 0;
	res.r = p->parse_row(st, n, cols, lens, collect, &res, &res.err);
	return res;
}

/* id, session_id, model, copilot_usage_model, input, output, cache read,
 * cache write, reasoning, created_at, sessions.cwd, sessions.created_at */
#define CPS(...) run_row(&au_parser_copilot_store, st, 12, (const char *const[]){__VA_ARGS__})

static void test_store_rows(void)
{
	char st[64];
	CHECK(au_parser_copilot_store.state_size <= sizeof(st));
	au_parser_copilot_store.init(st, "/h/.copilot/session-store.db");
	int64_t since[2];
	CHECK(!au_parser_copilot_store.since(st, since)); /* never read: everything */

	/* input 21343 includes 20974 written to the cache: 369 uncached */
	result r = CPS("1", "s-1", "gpt-5.4-mini", NULL, "21343", "100", "0", "20974", NULL, "2026-07-01 12:34:56",
		       "/home/u/api", "2026-07-01T12:00:00Z");
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.ev.source, AU_SRC_COPILOT);
	CHECK_INT(r.ev.dedup, AU_DEDUP_LATEST);
	CHECK_STR(r.ev.key, "cps:s-1:1");
	CHECK_STR(r.ev.session, "s-1");
	CHECK_STR(r.ev.cwd, "/home/u/api");
	CHECK_STR(r.ev.model, "gpt-5.4-mini");
	CHECK_INT(r.ev.ts_ms, INT64_C(1782909296000)); /* zone-less: UTC */
	CHECK_INT(r.ev.tok.input, 369);
	CHECK_INT(r.ev.tok.cache_create_5m, 20974);
	CHECK_INT(r.ev.tok.cache_read, 0);
	CHECK_INT(r.ev.tok.output, 100);

	/* the billed model wins; reads and writes both come out of input:
	 * 5000 - 3000 - 500 = 1500; an RFC 3339 time as it is */
	r = CPS("7", "s-1", "gpt-4o", " claude-sonnet-4.5 ", "5000", "300", "3000", "500", "40",
		"2026-07-01T13:00:00.500+02:00", NULL, NULL);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.ev.model, "claude-sonnet-4.5");
	CHECK_STR(r.ev.key, "cps:s-1:7");
	CHECK_INT(r.ev.ts_ms, INT64_C(1782903600500));
	CHECK_INT(r.ev.tok.input, 1500);
	CHECK_INT(r.ev.tok.cache_read, 3000);
	CHECK_INT(r.ev.tok.cache_create_5m, 500);
	CHECK_INT(r.ev.tok.reasoning, 40);
	CHECK_STR(r.ev.cwd, "");

	/* a bad created_at: the session's; neither: an error */
	r = CPS("8", "s-2", NULL, NULL, "10", "5", NULL, NULL, NULL, "not-a-time", NULL, "2026-07-02 08:00:00");
	CHECK_INT(r.n, 1);
	CHECK_INT(r.ev.ts_ms, INT64_C(1782979200000));
	CHECK_STR(r.ev.model, "unknown");
	CHECK(r.ev.model_fallback);
	r = CPS("9", "s-2", "m", NULL, "10", "5", NULL, NULL, NULL, NULL, NULL, NULL);
	CHECK_INT(r.r, -EINVAL);
	CHECK_INT(r.n, 0);

	/* a request that used nothing; a row without a session; bad counts */
	r = CPS("10", "s-2", "m", NULL, "0", "0", "0", "0", "0", "2026-07-02 08:00:00", NULL, NULL);
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 0);
	r = CPS("11", "", "m", NULL, "10", "1", NULL, NULL, NULL, "2026-07-02 08:00:00", NULL, NULL);
	CHECK_INT(r.r, AU_PARSE_SKIPPED);
	CHECK_INT(r.n, 0);
	r = CPS("12", "s-2", "m", NULL, "-4", "1", NULL, NULL, NULL, "2026-07-02 08:00:00", NULL, NULL);
	CHECK_INT(r.r, -EINVAL);
	r = CPS("13", "s-2", "m", NULL, "1e3", "1", NULL, NULL, NULL, "2026-07-02 08:00:00", NULL, NULL);
	CHECK_INT(r.r, -EINVAL);
	r = CPS(NULL, "s-2", "m", NULL, "1", "1", NULL, NULL, NULL, "2026-07-02 08:00:00", NULL, NULL);
	CHECK_INT(r.r, -EINVAL);

	/* the watermark: the largest row id seen, malformed rows included */
	CHECK(au_parser_copilot_store.since(st, since));
	CHECK_INT(since[0], 13);
	char *saved = au_parser_copilot_store.save(st);
	CHECK_STR(saved, "cps 13");
	char st2[64];
	au_parser_copilot_store.init(st2, NULL);
	au_err err;
	CHECK_INT(au_parser_copilot_store.load(st2, saved, &err), 0);
	CHECK(memcmp(st, st2, au_parser_copilot_store.state_size) == 0);
	CHECK(au_parser_copilot_store.load(st2, "cps x", &err) < 0);
	CHECK(au_parser_copilot_store.load(st2, "cps 4 5", &err) < 0);
	free(saved);
}

/* rowid, span_id, trace_id, end_time_ms, chat_session_id, conversation_id,
 * response_model, request_model, input, output, cached, reasoning, the
 * cache_creation attribute */
#define VST(...) run_row(&au_parser_vscode_traces, st, 13, (const char *const[]){__VA_ARGS__})

static void test_trace_rows(void)
{
	char st[64];
	CHECK(au_parser_vscode_traces.state_size <= sizeof(st));
	au_parser_vscode_traces.init(st, "/h/.config/Code/User/globalStorage/github.copilot-chat/agent-traces.db");
	/* input 12000 includes 9000 read and 1000 written: 2000 uncached */
	result r = VST("3", "00f067aa0ba902b7", "4bf92f3577b34da6a3ce929d0e0e4736", "1783000000123", "chat-A",
		       "conv-A", "claude-sonnet-4.5", "auto", "12000", "800", "9000", "120", "1000");
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.ev.source, AU_SRC_VSCODE);
	CHECK_STR(r.ev.key, "cpo:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7");
	CHECK_STR(r.ev.session, "chat-A"); /* the chat session's own id first */
	CHECK_STR(r.ev.model, "claude-sonnet-4.5");
	CHECK_INT(r.ev.ts_ms, INT64_C(1783000000123));
	CHECK_INT(r.ev.tok.input, 2000);
	CHECK_INT(r.ev.tok.cache_read, 9000);
	CHECK_INT(r.ev.tok.cache_create_5m, 1000);
	CHECK_INT(r.ev.tok.output, 800);
	CHECK_INT(r.ev.tok.reasoning, 120);
	CHECK_STR(r.ev.cwd, "");

	/* no chat session: the conversation; neither: the trace; the model
	 * asked for when none answered */
	r = VST("4", "s2", "t2", "1783000001000", NULL, "conv-B", NULL, "gpt-4.1", "10", "2", NULL, NULL, NULL);
	CHECK_STR(r.ev.session, "conv-B");
	CHECK_STR(r.ev.model, "gpt-4.1");
	CHECK_INT(r.ev.tok.input, 10);
	r = VST("5", "s3", "t3", "1783000002000", "", "", NULL, NULL, "10", "2", NULL, NULL, NULL);
	CHECK_STR(r.ev.session, "t3");
	CHECK_STR(r.ev.model, "unknown");
	CHECK(r.ev.model_fallback);

	/* nothing used: no request; no ids or no end: malformed */
	r = VST("6", "s4", "t4", "1783000003000", "chat-A", NULL, "m", NULL, "0", "0", "0", "0", NULL);
	CHECK_INT(r.r, 0);
	CHECK_INT(r.n, 0);
	r = VST("7", NULL, "t5", "1783000003000", "chat-A", NULL, "m", NULL, "1", "1", NULL, NULL, NULL);
	CHECK_INT(r.r, -EINVAL);
	r = VST("8", "s6", "t6", NULL, "chat-A", NULL, "m", NULL, "1", "1", NULL, NULL, NULL);
	CHECK_INT(r.r, -EINVAL);
	r = VST("9", "s7", "t7", "1783000003000", "chat-A", NULL, "m", NULL, "x", "1", NULL, NULL, NULL);
	CHECK_INT(r.r, -EINVAL);

	int64_t since[2];
	CHECK(au_parser_vscode_traces.since(st, since));
	CHECK_INT(since[0], 9);
	char *saved = au_parser_vscode_traces.save(st);
	CHECK_STR(saved, "vst 9");
	free(saved);
}

/* ---- the ranks of Copilot records, in either order ------------------- */

static void put(au_store *s, au_source src, const char *key, const char *session, int64_t out)
{
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = src;
	ev.dedup = AU_DEDUP_LATEST;
	ev.ts_ms = INT64_C(1782909296000);
	snprintf(ev.key, sizeof(ev.key), "%s", key);
	snprintf(ev.session, sizeof(ev.session), "%s", session);
	strcpy(ev.model, "gpt-4.1");
	ev.tok.output = out;
	au_put_result res;
	au_err err;
	CHECK_INT(au_store_put(s, &ev, 1, 0, 0, &res, &err), 0);
}

#define OUT(sess) "SELECT coalesce(sum(output), 0) FROM usage WHERE session = '" sess "'"

static void test_ranks(const char *dir)
{
	char *path = g_build_filename(dir, "ranks.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(path, false, &s, &err), 0);
	CHECK_INT(q(s, "PRAGMA user_version"), 10);
	CHECK_INT(au_store_begin(s, &err), 0);

	/* one request described by a shutdown total (output 100), an
	 * OpenTelemetry span (90) and a session store row (80): the store's
	 * row counts, whichever arrives first */
	put(s, AU_SRC_COPILOT, "g:A|e1|gpt-4.1", "A", 100);
	put(s, AU_SRC_COPILOT, "cpo:tA:s1", "A", 90);
	CHECK_INT(q(s, OUT("A")), 90);
	put(s, AU_SRC_COPILOT, "cps:A:1", "A", 80);
	CHECK_INT(q(s, OUT("A")), 80);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE session = 'A'"), 1);

	put(s, AU_SRC_COPILOT, "cps:B:1", "B", 80);
	put(s, AU_SRC_COPILOT, "cpo:tB:s1", "B", 90);
	put(s, AU_SRC_COPILOT, "g:B|e1|gpt-4.1", "B", 100);
	CHECK_INT(q(s, OUT("B")), 80);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE session = 'B'"), 1);
	/* a second request of the session store adds */
	put(s, AU_SRC_COPILOT, "cps:B:2", "B", 7);
	CHECK_INT(q(s, OUT("B")), 87);

	/* VS Code: the span database's chat span (source vscode, 'cpo:') over
	 * the chat log's output-only record of the same chat session */
	put(s, AU_SRC_VSCODE, "v:request_1", "C", 50);
	put(s, AU_SRC_VSCODE, "cpo:tC:s1", "C", 55);
	CHECK_INT(q(s, OUT("C")), 55);
	put(s, AU_SRC_VSCODE, "v:request_1", "C", 50); /* read again: stays aside */
	put(s, AU_SRC_VSCODE, "v:request_2", "C", 9);
	CHECK_INT(q(s, OUT("C")), 55);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key LIKE 'v:%'"), 0);

	/* other sessions, other sources and an empty session are left alone */
	put(s, AU_SRC_COPILOT, "g:D|e1|gpt-4.1", "D", 100);
	put(s, AU_SRC_CLAUDE, "c:x", "A", 3);
	put(s, AU_SRC_COPILOT, "g:|e2|gpt-4.1", "", 4);
	put(s, AU_SRC_COPILOT, "cps::1", "", 5);
	CHECK_INT(q(s, OUT("D")), 100);
	CHECK_INT(q(s, OUT("A")), 83);
	CHECK_INT(q(s, OUT("")), 9);
	CHECK_INT(au_store_commit(s, &err), 0);
	check_agg_matches_usage(s);
	au_store_close(s);
	g_free(path);
}

/* ---- the scan, on real databases ---------------------------------------- */

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fprintf(stderr, "sql: %s\n", msg);
	CHECK(msg == NULL);
	sqlite3_free(msg);
}

static void put_file(const char *path, const char *text)
{
	char *d = g_path_get_dirname(path);
	g_mkdir_with_parents(d, 0700);
	g_free(d);
	CHECK(g_file_set_contents(path, text, -1, NULL));
}

static void test_scan(const char *home)
{
	g_setenv("HOME", home, TRUE);
	g_unsetenv("COPILOT_HOME");
	g_unsetenv("COPILOT_OTEL_FILE_EXPORTER_PATH");
	g_unsetenv("XDG_CONFIG_HOME");
	char *cp = g_build_filename(home, ".copilot", NULL);
	g_mkdir_with_parents(cp, 0700);

	/* the session log's shutdown totals of session S (output 999): the
	 * store has S, so they are set aside; session L is only in its log */
	char *ev = g_build_filename(cp, "session-state", "S", "events.jsonl", NULL);
	put_file(ev, "{\"type\":\"session.start\",\"data\":{\"sessionId\":\"S\",\"context\":{\"cwd\":\"/w/s\"}},"
		     "\"id\":\"e0\",\"timestamp\":\"2026-07-01T09:00:00.000Z\"}\n"
		     "{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"gpt-4.1\":{\"usage\":"
		     "{\"inputTokens\":5000,\"outputTokens\":999}}}},\"id\":\"e9\","
		     "\"timestamp\":\"2026-07-01T10:00:00.000Z\"}\n");
	char *ev2 = g_build_filename(cp, "session-state", "L", "events.jsonl", NULL);
	put_file(ev2, "{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"gpt-4.1\":{\"usage\":"
		      "{\"inputTokens\":700,\"outputTokens\":70}}}},\"id\":\"f9\","
		      "\"timestamp\":\"2026-07-01T11:00:00.000Z\"}\n");

	/* the store, in WAL mode, held open by a writer whose rows are still
	 * in the -wal (never checkpointed) */
	char *dbp = g_build_filename(cp, "session-store.db", NULL);
	sqlite3 *w;
	CHECK_INT(sqlite3_open(dbp, &w), SQLITE_OK);
	exec_ok(w, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
		   "CREATE TABLE sessions(id TEXT PRIMARY KEY, cwd TEXT, repository TEXT, host_type TEXT,"
		   " branch TEXT, summary TEXT, created_at TEXT, updated_at TEXT);"
		   "CREATE TABLE assistant_usage_events(id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT,"
		   " turn_index INTEGER, model TEXT, copilot_usage_model TEXT, input_tokens INTEGER,"
		   " output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,"
		   " reasoning_tokens INTEGER, total_nano_aiu INTEGER, duration_ms INTEGER, created_at TEXT);"
		   "INSERT INTO sessions(id, cwd, created_at) VALUES('S', '/w/s', '2026-07-01 09:00:00');"
		   "INSERT INTO assistant_usage_events(session_id, turn_index, model, input_tokens, output_tokens,"
		   " cache_read_tokens, cache_write_tokens, created_at) VALUES"
		   " ('S', 0, 'gpt-4.1', 3000, 200, 2000, 0, '2026-07-01 09:10:00'),"
		   " ('S', 1, 'gpt-4.1', 4000, 300, 2500, 500, '2026-07-01 09:20:00');");

	au_pricing *prices = au_pricing_new();
	char *store = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(store, false, &s, &err), 0);
	au_scan_stats st = scan_checked(s, prices, AU_SRC_COPILOT);
	au_scan_stats_release(&st);
	/* S from the store: input 1000 + 1000, cache read 2000 + 2500, cache
	 * write 500, output 500; L from its log: 700 in, 70 out */
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE session = 'S'"), 2000);
	CHECK_INT(q(s, "SELECT sum(cache_read) FROM usage WHERE session = 'S'"), 4500);
	CHECK_INT(q(s, "SELECT sum(cc5m) FROM usage WHERE session = 'S'"), 500);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE session = 'S'"), 500);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE session = 'S' AND key LIKE 'g:%'"), 0);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE session = 'L'"), 70);
	CHECK_INT(q(s, "SELECT count(DISTINCT project) FROM usage WHERE session = 'S'"), 1);

	/* a request more, and a second shutdown of S in its log: the next
	 * scan reads the new row only, and the shutdown stays aside */
	exec_ok(w, "INSERT INTO assistant_usage_events(session_id, turn_index, model, input_tokens, output_tokens,"
		   " created_at) VALUES ('S', 2, 'gpt-4.1', 100, 10, '2026-07-01T09:30:00Z');");
	FILE *f = fopen(ev, "a");
	fputs("{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"gpt-4.1\":{\"usage\":"
	      "{\"inputTokens\":50,\"outputTokens\":5}}}},\"id\":\"e10\",\"timestamp\":\"2026-07-01T11:00:00.000Z\"}\n",
	      f);
	fclose(f);
	st = scan_checked(s, prices, AU_SRC_COPILOT);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE session = 'S'"), 510);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE session = 'S'"), 3);
	check_agg_matches_usage(s);

	sqlite3_close(w);
	au_store_close(s);
	au_pricing_free(prices);
	g_free(store);
	g_free(dbp);
	g_free(ev);
	g_free(ev2);
	g_free(cp);
}

int main(void)
{
	test_store_rows();
	test_trace_rows();
	char *dir = g_dir_make_tmp("aiusage-cps-XXXXXX", NULL);
	test_ranks(dir);
	test_scan(dir);
	rm_rf(dir);
	g_free(dir);
	return check_done("test_copilot_store");
}
