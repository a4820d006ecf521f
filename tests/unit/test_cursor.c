/*
 * parsers/cursor.c: state.vscdb rows (parse_row, and the parser's query on
 * a real in-memory database shaped like Cursor's) and the dashboard's
 * usage-events CSV export. Every expected figure is written out by hand.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cursor.h"
#include "parser.h"

/* ---- state.vscdb rows ---- */

typedef struct got {
	au_event ev[16];
	int n;
} got;

static int keep(void *ctx, const au_event *ev)
{
	got *g = ctx;
	if (g->n < 16)
		g->ev[g->n] = *ev;
	g->n++;
	return 0;
}

static int stop(void *ctx, const au_event *ev)
{
	return -1;
}

/* One row through parse_row: key, value, the chat's model and start
 * (NULL for SQL NULL). */
static int row(void *st, const char *key, const char *value, const char *model, const char *created, got *g,
	       au_err *err)
{
	const char *cols[4] = {key, value, model, created};
	size_t lens[4];
	for (int i = 0; i < 4; i++)
		lens[i] = cols[i] ? strlen(cols[i]) : 0;
	memset(err, 0, sizeof(*err));
	return au_parser_cursor.parse_row(st, 4, cols, lens, keep, g, err);
}

static void *new_state(void)
{
	void *st = calloc(1, au_parser_cursor.state_size);
	au_parser_cursor.init(st, "/home/u/.config/Cursor/User/globalStorage/state.vscdb");
	return st;
}

static void counts(void *st, int64_t replies, int64_t counted, int64_t zero, int64_t undated)
{
	char *text = au_parser_cursor.save(st);
	int64_t r, c, z, u;
	CHECK(au_cursor_state_counts(text, &r, &c, &z, &u));
	CHECK_INT(r, replies);
	CHECK_INT(c, counted);
	CHECK_INT(z, zero);
	CHECK_INT(u, undated);
	free(text);
}

static void test_bubbles(void)
{
	void *st = new_state();
	got g = {0};
	au_err err;

	/* a reply with counts, a string time, the chat's model */
	CHECK_INT(row(st, "bubbleId:c-1:b-1",
		      "{\"_v\":3,\"type\":2,\"text\":\"x\",\"tokenCount\":{\"inputTokens\":1200,\"outputTokens\":300},"
		      "\"createdAt\":\"2026-11-16T10:00:05.000Z\"}",
		      "claude-sonnet-4-5", "1794823200000", &g, &err),
		  0);
	CHECK_INT(g.n, 1);
	const au_event *e = &g.ev[0];
	CHECK_INT(e->source, AU_SRC_CURSOR);
	CHECK_INT(e->dedup, AU_DEDUP_LATEST);
	CHECK_STR(e->key, "cursor:b:c-1:b-1");
	CHECK_STR(e->session, "c-1");
	CHECK_STR(e->model, "claude-sonnet-4-5");
	CHECK_STR(e->cwd, "");
	CHECK_INT(e->ts_ms, 1794823205000);
	CHECK_INT(e->tok.input, 1200);
	CHECK_INT(e->tok.output, 300);
	CHECK_INT(e->tok.cache_read + e->tok.cache_create_5m + e->tok.cache_create_1h + e->tok.reasoning, 0);
	CHECK(!e->model_fallback);

	/* the message's own model beats the chat's; epoch-ms time */
	g.n = 0;
	CHECK_INT(row(st, "bubbleId:c-1:b-2",
		      "{\"type\":2,\"tokenCount\":{\"inputTokens\":500,\"outputTokens\":50},\"createdAt\":1794875400000,"
		      "\"modelInfo\":{\"modelName\":\"gpt-5\"}}",
		      "claude-sonnet-4-5", NULL, &g, &err),
		  0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.ev[0].model, "gpt-5");
	CHECK_INT(g.ev[0].ts_ms, 1794875400000);

	/* zeros, no counts, null counts: replies not recorded locally */
	g.n = 0;
	CHECK_INT(row(st, "bubbleId:c-1:b-3", "{\"type\":2,\"tokenCount\":{\"inputTokens\":0,\"outputTokens\":0}}",
		      "m", NULL, &g, &err),
		  0);
	CHECK_INT(row(st, "bubbleId:c-1:b-4", "{\"type\":2,\"createdAt\":\"2026-11-16T10:02:00Z\"}", "m", NULL, &g,
		      &err),
		  0);
	CHECK_INT(row(st, "bubbleId:c-1:b-5",
		      "{\"type\":2,\"tokenCount\":{\"inputTokens\":null,\"outputTokens\":0.0}}", "m", NULL, &g, &err),
		  0);
	/* a user message with zeros is not a reply */
	CHECK_INT(row(st, "bubbleId:c-1:b-6", "{\"type\":1,\"tokenCount\":{\"inputTokens\":0,\"outputTokens\":0}}",
		      "m", NULL, &g, &err),
		  0);
	CHECK_INT(g.n, 0);

	/* time fallbacks: timingInfo (a real), then the chat's start (ISO or
	 * ms); with none, counted as undated and not emitted */
	CHECK_INT(row(st, "bubbleId:c-2:t-1",
		      "{\"type\":2,\"tokenCount\":{\"inputTokens\":10,\"outputTokens\":5.0},"
		      "\"timingInfo\":{\"clientStartTime\":1794830400000.7}}",
		      NULL, NULL, &g, &err),
		  0);
	CHECK_INT(row(st, "bubbleId:c-2:t-2", "{\"type\":2,\"tokenCount\":{\"inputTokens\":1,\"outputTokens\":1}}",
		      NULL, "1794816000000", &g, &err),
		  0);
	CHECK_INT(row(st, "bubbleId:c-2:t-3", "{\"type\":2,\"tokenCount\":{\"inputTokens\":2,\"outputTokens\":2}}",
		      NULL, "2026-11-16T08:00:00Z", &g, &err),
		  0);
	CHECK_INT(row(st, "bubbleId:c-2:t-4", "{\"type\":2,\"tokenCount\":{\"inputTokens\":3,\"outputTokens\":3}}",
		      NULL, "not a time", &g, &err),
		  0);
	CHECK_INT(g.n, 3);
	CHECK_INT(g.ev[0].ts_ms, 1794830400000);
	CHECK_INT(g.ev[0].tok.output, 5);
	CHECK_STR(g.ev[0].model, "cursor-unknown"); /* named nowhere: shown unpriced */
	CHECK_INT(g.ev[1].ts_ms, 1794816000000);
	CHECK_INT(g.ev[2].ts_ms, 1794816000000);

	/* replies: b-1, b-2, b-3, b-4, b-5, t-1..t-4 = 9; counted 5 (b-1,
	 * b-2, t-1, t-2, t-3); zero 3 (b-3, b-4, b-5); undated 1 (t-4) */
	counts(st, 9, 5, 3, 1);
	free(st);
}

static void test_bad_rows(void)
{
	void *st = new_state();
	got g = {0};
	au_err err;
	static const char *const bad_values[] = {
		"{\"type\":2,\"tokenCount\":{\"inputTokens\":10,",                    /* cut short */
		"[1,2]",                                                               /* not an object */
		"{\"type\":2,\"tokenCount\":{\"inputTokens\":-1,\"outputTokens\":1}}",  /* negative */
		"{\"type\":2,\"tokenCount\":{\"inputTokens\":1.5,\"outputTokens\":1}}", /* a fraction */
		"{\"type\":2,\"tokenCount\":{\"inputTokens\":\"7\",\"outputTokens\":1}}",
		"{\"type\":2,\"tokenCount\":{\"inputTokens\":1000000000001,\"outputTokens\":1}}",
	};
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		int r = row(st, "bubbleId:c:b", bad_values[i], NULL, "1794816000000", &g, &err);
		CHECK_INT(r, -EINVAL);
		CHECK(err.msg[0] != '\0');
	}
	CHECK_INT(row(st, "bubbleId:no-message-id", "{}", NULL, NULL, &g, &err), -EINVAL);
	/* ids too long for a key */
	char key[400];
	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	memcpy(key, "bubbleId:", 9);
	key[200] = ':';
	CHECK_INT(row(st, key, "{\"type\":2,\"tokenCount\":{\"inputTokens\":1,\"outputTokens\":1},\"createdAt\":1}", NULL,
		      NULL, &g, &err),
		  -EINVAL);
	/* other keys and NULL values are not usage */
	CHECK_INT(row(st, "inlineDiffs-abc", "{}", NULL, NULL, &g, &err), 0);
	CHECK_INT(row(st, "bubbleId:c:b", NULL, NULL, NULL, &g, &err), 0);
	CHECK_INT(g.n, 0);
	/* the caller's refusal stops the parser with an error */
	const char *cols[2] = {"bubbleId:c:b",
			       "{\"type\":2,\"tokenCount\":{\"inputTokens\":1,\"outputTokens\":1},\"createdAt\":1}"};
	size_t lens[2] = {strlen(cols[0]), strlen(cols[1])};
	CHECK(au_parser_cursor.parse_row(st, 2, cols, lens, stop, NULL, &err) < 0);
	free(st);
}

/* Older builds keep the messages inside the chat. */
static void test_inline_chat(void)
{
	void *st = new_state();
	got g = {0};
	au_err err;
	CHECK_INT(row(st, "composerData:c-old",
		      "{\"_v\":1,\"createdAt\":1794816000000,\"modelConfig\":{\"modelName\":\"gpt-5\"},\"conversation\":["
		      "{\"bubbleId\":\"i1\",\"type\":1,\"tokenCount\":{\"inputTokens\":0,\"outputTokens\":0}},"
		      "{\"bubbleId\":\"i2\",\"type\":2,\"tokenCount\":{\"inputTokens\":100,\"outputTokens\":20}},"
		      "{\"type\":2,\"tokenCount\":{\"inputTokens\":9,\"outputTokens\":9}},"
		      "7,"
		      "{\"bubbleId\":\"i3\",\"type\":2,\"tokenCount\":{\"inputTokens\":1,\"outputTokens\":2},"
		      "\"createdAt\":\"2026-11-16T09:00:00Z\",\"modelInfo\":{\"modelName\":\"o3\"}}]}",
		      NULL, NULL, &g, &err),
		  0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.ev[0].key, "cursor:b:c-old:i2"); /* the same key as a bubbleId row */
	CHECK_STR(g.ev[0].model, "gpt-5");
	CHECK_INT(g.ev[0].ts_ms, 1794816000000);
	CHECK_STR(g.ev[1].model, "o3");
	CHECK_INT(g.ev[1].ts_ms, 1794819600000);
	/* a chat without inline messages emits nothing */
	CHECK_INT(row(st, "composerData:c-new", "{\"_v\":10,\"fullConversationHeadersOnly\":[]}", NULL, NULL, &g, &err),
		  0);
	CHECK_INT(g.n, 2);
	free(st);
}

static void test_state_text(void)
{
	int64_t a, b, c, d;
	CHECK(!au_cursor_state_counts(NULL, &a, &b, &c, &d));
	CHECK(!au_cursor_state_counts("not json", &a, &b, &c, &d));
	CHECK(au_cursor_state_counts("{\"replies\":4,\"counted\":1,\"zero\":3,\"undated\":0}", &a, &b, &c, &d));
	CHECK_INT(a, 4);
	CHECK_INT(c, 3);
	void *st = new_state();
	au_err err;
	CHECK_INT(au_parser_cursor.load(st, "{\"messages\":9,\"replies\":7,\"counted\":4,\"zero\":2,\"undated\":1}",
					&err),
		  0);
	char *text = au_parser_cursor.save(st);
	CHECK_STR(text, "{\"messages\":9,\"replies\":7,\"counted\":4,\"zero\":2,\"undated\":1}");
	free(text);
	free(st);
}

/* The parser's own query on a database shaped like Cursor's: bubbles get
 * their chat's model, a malformed chat does not stop the statement, BLOB
 * values read as text, inline chats come last. */
static void test_query(void)
{
	sqlite3 *db;
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	const char *sql =
		"CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);"
		"CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);"
		"INSERT INTO cursorDiskKV VALUES"
		" ('composerData:a', CAST('{\"createdAt\":1794816000000,\"modelConfig\":{\"modelName\":\"gpt-5\"}}' AS BLOB)),"
		" ('composerData:b', '{\"createdAt\":17948'),"
		" ('composerData:c', '{\"conversation\":[{\"bubbleId\":\"z\",\"type\":2,\"createdAt\":5,"
		"\"tokenCount\":{\"inputTokens\":3,\"outputTokens\":4}}]}'),"
		" ('bubbleId:a:1', CAST('{\"type\":2,\"tokenCount\":{\"inputTokens\":10,\"outputTokens\":1}}' AS BLOB)),"
		" ('bubbleId:b:1', '{\"type\":2,\"tokenCount\":{\"inputTokens\":20,\"outputTokens\":2},\"createdAt\":9}'),"
		" ('bubbleIdX', 'not one'),"
		" ('checkpointId:a:1', '{}');";
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *q;
	CHECK_INT(sqlite3_prepare_v2(db, au_parser_cursor.query, -1, &q, NULL), SQLITE_OK);
	void *st = new_state();
	got g = {0};
	int rows = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *cols[4];
		size_t lens[4];
		for (int i = 0; i < 4; i++) {
			cols[i] = (const char *)sqlite3_column_text(q, i);
			lens[i] = (size_t)sqlite3_column_bytes(q, i);
		}
		au_err err;
		CHECK_INT(au_parser_cursor.parse_row(st, 4, cols, lens, keep, &g, &err), 0);
		rows++;
	}
	CHECK_INT(rows, 3); /* two bubbles, one inline chat */
	CHECK_INT(g.n, 3);
	CHECK_STR(g.ev[0].key, "cursor:b:a:1");
	CHECK_STR(g.ev[0].model, "gpt-5");
	CHECK_INT(g.ev[0].ts_ms, 1794816000000);
	CHECK_STR(g.ev[1].key, "cursor:b:b:1");
	CHECK_STR(g.ev[1].model, "cursor-unknown");
	CHECK_STR(g.ev[2].key, "cursor:b:c:z");
	sqlite3_finalize(q);
	sqlite3_close(db);
	free(st);
}

/* ---- the dashboard's export ---- */

typedef struct xgot {
	au_cursor_export_event e[16];
	int n;
} xgot;

static int xkeep(void *ctx, const au_cursor_export_event *e)
{
	xgot *g = ctx;
	if (g->n < 16)
		g->e[g->n] = *e;
	g->n++;
	return 0;
}

static int xparse(const char *csv, xgot *g, au_cursor_export_stats *st, au_err *err)
{
	memset(g, 0, sizeof(*g));
	memset(err, 0, sizeof(*err));
	return au_cursor_export_parse(csv, strlen(csv), xkeep, g, st, err);
}

static void test_export(void)
{
	xgot g;
	au_cursor_export_stats st;
	au_err err;
	/* the newer layout, quoted, CRLF, a BOM, a blank line */
	const char *csv =
		"\xEF\xBB\xBF"
		"Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,"
		"Total Tokens,Cost\r\n"
		"\"2026-03-20T06:56:12.521Z\",\"Included\",\"composer-2-fast\",\"No\",\"160000\",\"159990\",\"578207\","
		"\"2055\",\"740252\",\"0.49\"\r\n"
		"\r\n"
		"\"2026-03-20T06:56:12.521Z\",\"Included\",\"composer-2-fast\",\"No\",\"160000\",\"159990\",\"578207\","
		"\"2055\",\"740252\",\"0.49\"\r\n"
		"2026-03-21 10:00:00,On-Demand,\"claude-4.5-sonnet, thinking\",Yes,\"1,200\",\"1,000\",0,12.0,2212,"
		"$1.0000000000005\n"
		"2026-03-22,\"Errored, Not Charged\",gpt-5,No,0,0,0,0,0,$0.00\n"
		"2026-03-22T05:00:00+02:00,Included,\"a \"\"quoted\"\" model\",No,5,5,1,1,7,Included";
	CHECK_INT(xparse(csv, &g, &st, &err), 0);
	CHECK_INT(st.rows, 5);
	CHECK_INT(st.empty, 1);
	CHECK_INT(g.n, 4);
	const au_cursor_export_event *e = &g.e[0];
	CHECK_STR(e->ev.key, "cursor:e:1773989772521:composer-2-fast");
	CHECK_STR(g.e[1].ev.key, "cursor:e:1773989772521:composer-2-fast#1"); /* the same event twice: both */
	CHECK_INT(e->ev.source, AU_SRC_CURSOR);
	CHECK_INT(e->ev.dedup, AU_DEDUP_LATEST);
	CHECK_STR(e->ev.session, "cursor.com");
	CHECK_INT(e->ev.tok.input, 159990);
	CHECK_INT(e->ev.tok.cache_create_5m, 10);
	CHECK_INT(e->ev.tok.cache_create_1h, 0);
	CHECK_INT(e->ev.tok.cache_read, 578207);
	CHECK_INT(e->ev.tok.output, 2055);
	CHECK(e->has_cost);
	CHECK_INT(e->cost_pico, 490000000000);
	e = &g.e[2];
	CHECK_STR(e->ev.model, "claude-4.5-sonnet, thinking");
	CHECK_INT(e->ev.ts_ms, 1774087200000);
	CHECK_INT(e->ev.tok.input, 1000);
	CHECK_INT(e->ev.tok.cache_create_5m, 200);
	CHECK_INT(e->ev.tok.output, 12);
	CHECK_INT(e->cost_pico, 1000000000001); /* rounded at the 12th decimal */
	e = &g.e[3];
	CHECK_STR(e->ev.model, "a \"quoted\" model");
	CHECK_INT(e->ev.ts_ms, 1774148400000);
	CHECK(!e->has_cost);

	/* the older layout: no Kind, no Max Mode; a lone CR ends a record */
	CHECK_INT(xparse("Date,Model,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total "
			 "Tokens,Cost,Cost to you\r2026-06-17T12:00:00.000Z,claude-4-sonnet,100,50,200,30,380,$0.00,$0.00\r",
			 &g, &st, &err),
		  0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.e[0].ev.tok.input, 50);
	CHECK_INT(g.e[0].ev.tok.cache_create_5m, 50);
	CHECK_INT(g.e[0].ev.tok.cache_read, 200);
	CHECK(g.e[0].has_cost && g.e[0].cost_pico == 0);

	/* only an input column: all of it is input */
	CHECK_INT(xparse("Date,Model,Input (w/ Cache Write),Output Tokens\n2026-06-17,m,70,3\n", &g, &st, &err), 0);
	CHECK_INT(g.e[0].ev.tok.input, 70);
	CHECK_INT(g.e[0].ev.tok.cache_create_5m, 0);

	/* an empty export is no events, not an error */
	CHECK_INT(xparse("Date,Model,Input (w/o Cache Write),Output Tokens\n", &g, &st, &err), 0);
	CHECK_INT(g.n, 0);
}

static void test_export_errors(void)
{
	xgot g;
	au_cursor_export_stats st;
	au_err err;
	static const struct {
		const char *csv, *msg;
	} bad[] = {
		{"", "not a usage export"},
		{"<!DOCTYPE html><html>sign in</html>", "not a usage export"},
		{"{\"error\":\"unauthorized\"}", "not a usage export"},
		{"Date,Model\n2026-01-01,m\n", "usage export without a Model, Input or Output Tokens column"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,m,1\n", "usage export line 2: 3 fields"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\nyesterday,m,1,1\n", "usage export line 2: a Date"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,m,-1,1\n", "usage export line 2: a token"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,m,1.5,1\n", "usage export line 2: a token"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,m,1,1\n2026-01-01,,1,1\n",
		 "usage export line 3: no model name"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,\"m,1,1\n", "usage export line 2: a quoted"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,m\"x,1,1\n", "usage export line 2: a quote"},
		{"Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,\"m\"x,1,1\n", "usage export line 2: text"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = xparse(bad[i].csv, &g, &st, &err);
		CHECK_INT(r, -EINVAL);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0) {
			fprintf(stderr, "case %zu: got \"%s\", want \"%s...\"\n", i, err.msg, bad[i].msg);
			CHECK(0);
		}
	}
	/* a field past its bound is an error for the export, not a crash */
	char *big = malloc(2000);
	strcpy(big, "Date,Model,Input (w/o Cache Write),Output Tokens\n2026-01-01,");
	size_t n = strlen(big);
	memset(big + n, 'm', 900);
	strcpy(big + n + 900, ",1,1\n");
	CHECK_INT(xparse(big, &g, &st, &err), -EINVAL);
	CHECK(strstr(err.msg, "longer than 511 bytes") != NULL);
	free(big);
}

int main(void)
{
	test_bubbles();
	test_bad_rows();
	test_inline_chat();
	test_state_text();
	test_query();
	test_export();
	test_export_errors();
	return check_done("test_cursor");
}
