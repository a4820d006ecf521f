/*
 * Gemini CLI: parsers/gemini.c line by line and document by document,
 * watchers/tool_gemini.c's roots and file rules, and the scan against a
 * private HOME, where the traps are: a legacy document rewritten in place
 * (tokens filled in later), the JSONL log re-appending a message id with
 * its tokens, a rewind, a legacy file beside its migrated .jsonl copy, and
 * empty files. Every number is worked out by hand beside it.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "storeq.h"
#include "parser.h"
#include "pricing.h"
#include "scan.h"
#include "sources.h"
#include "store.h"

extern const au_parser_ops au_parser_gemini, au_parser_gemini_json;

#define P (&au_parser_gemini)
#define J (&au_parser_gemini_json)
#define CHATS "/home/u/.gemini/tmp/myapp/chats/"
#define MAIN CHATS "session-2025-11-20T09-00-3f2a9c1e.jsonl"

typedef struct parsed {
	int r; /* 1: an event (the last one in ev), 0: none, or the error */
	int n; /* events the line emitted */
	au_event ev;
	au_err err;
} parsed;

static int collect_line(void *ctx, const au_event *ev)
{
	parsed *out = ctx;
	out->ev = *ev;
	out->n++;
	return 0;
}

static void *state_new(const au_parser_ops *p, const char *path)
{
	void *st = calloc(1, p->state_size);
	p->init(st, path);
	return st;
}

/* One line on st; candidate() must pass every line the parser uses. */
static parsed line(void *st, const char *text)
{
	parsed out;
	memset(&out, 0, sizeof(out));
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1); /* no terminator: parsers get (ptr, len) */
	memcpy(copy, text, len);
	bool cand = P->candidate(copy, len);
	out.r = P->parse_line_emit(st, copy, len, collect_line, &out, &out.err);
	if (out.r == 0 && out.n > 0)
		out.r = 1;
	free(copy);
	if (out.r != 0 && !cand)
		fprintf(stderr, "candidate() refused a line the parser used: %s\n", text);
	CHECK(out.r == 0 || cand);
	if (out.r < 0)
		CHECK(out.err.msg[0] != '\0');
	return out;
}

static void check_tokens(const au_event *ev, int64_t in, int64_t cr, int64_t out, int64_t rs, int at)
{
	int before = check_failures;
	CHECK_INT(ev->tok.input, in);
	CHECK_INT(ev->tok.cache_read, cr);
	CHECK_INT(ev->tok.output, out);
	CHECK_INT(ev->tok.reasoning, rs);
	CHECK_INT(ev->tok.cache_create_5m + ev->tok.cache_create_1h, 0);
	if (check_failures != before)
		fprintf(stderr, "  (tokens checked from line %d)\n", at);
}
#define TOKENS(ev, in, cr, out, rs) check_tokens(ev, in, cr, out, rs, __LINE__)

#define HEADER                                                                                              \
	"{\"sessionId\":\"3f2a9c1e-1111-4a4a-9b9b-000000000001\",\"projectHash\":\"a3f1\","                \
	"\"startTime\":\"2025-11-20T09:00:00.000Z\",\"lastUpdated\":\"2025-11-20T09:00:00.000Z\",\"kind\":\"main\"}"
#define MSG(id, ts, model, tokens)                                                                          \
	"{\"id\":\"" id "\",\"timestamp\":\"" ts "\",\"type\":\"gemini\",\"content\":[{\"text\":\"ok\"}]," model \
	"\"tokens\":" tokens "}"
#define PRO "\"model\":\"gemini-2.5-pro\","
#define TOK(in, out, cached, thoughts, tool) \
	"{\"input\":" #in ",\"output\":" #out ",\"cached\":" #cached ",\"thoughts\":" #thoughts ",\"tool\":" #tool "}"

static void test_jsonl_lines(void)
{
	void *st = state_new(P, MAIN);
	/* before the header: the file stem and the project directory */
	parsed x = line(st, MSG("m0", "2025-11-20T09:00:01.000Z", PRO, TOK(10, 2, 0, 0, 0)));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.session, "session-2025-11-20T09-00-3f2a9c1e");
	CHECK_STR(x.ev.cwd, "/home/u/.gemini/tmp/myapp");

	CHECK_INT(line(st, HEADER).r, 0);
	/* user lines and queued responses (tokens null) carry nothing */
	CHECK_INT(line(st, "{\"id\":\"u1\",\"timestamp\":\"2025-11-20T09:00:05.000Z\",\"type\":\"user\","
			   "\"content\":[{\"text\":\"what are \\\"tokens\\\"?\"}]}")
			  .r,
		  0);
	CHECK_INT(line(st, MSG("m1", "2025-11-20T09:00:12.000Z", PRO, "null")).r, 0);
	const char *plain = "{\"id\":\"u2\",\"type\":\"user\",\"content\":\"hello\"}";
	CHECK(!P->candidate(plain, strlen(plain)));

	/* input 12000 includes cached 8000; thoughts 150 are billed as output:
	 * unified (12000 - 8000 + 0, 8000, 300 + 150, 150) */
	x = line(st, MSG("m1", "2025-11-20T09:00:12.000Z", PRO, TOK(12000, 300, 8000, 150, 0)));
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.source, AU_SRC_GEMINI);
	CHECK_INT(x.ev.dedup, AU_DEDUP_LATEST);
	CHECK_STR(x.ev.key, "g:3f2a9c1e-1111-4a4a-9b9b-000000000001|m1");
	CHECK_STR(x.ev.msg_id, "m1");
	CHECK_STR(x.ev.session, "3f2a9c1e-1111-4a4a-9b9b-000000000001");
	CHECK_STR(x.ev.model, "gemini-2.5-pro");
	CHECK_STR(x.ev.cwd, "/home/u/.gemini/tmp/myapp");
	CHECK(!x.ev.sidechain && !x.ev.model_fallback);
	CHECK_INT(x.ev.ts_ms, 1763629212000); /* 2025-11-20T09:00:12Z */
	TOKENS(&x.ev, 4000, 8000, 450, 150);
	/* the same id appended again (a tool call's status changed): same key */
	x = line(st, MSG("m1", "2025-11-20T09:00:12.000Z", PRO, TOK(12000, 300, 8000, 150, 0)));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.key, "g:3f2a9c1e-1111-4a4a-9b9b-000000000001|m1");

	/* the tool-use prompt is input: (15000 - 12000 + 200, 12000, 500, 0) */
	x = line(st, MSG("m2", "2025-11-20T09:05:30.000Z", PRO, TOK(15000, 500, 12000, 0, 200)));
	TOKENS(&x.ev, 3200, 12000, 500, 0);
	/* a rewind leaves what was billed counted and the state alone */
	void *before = malloc(P->state_size);
	memcpy(before, st, P->state_size);
	CHECK_INT(line(st, "{\"$rewindTo\":\"u2\"}").r, 0);
	CHECK(memcmp(before, st, P->state_size) == 0);
	/* a checkpoint of messages already appended one by one hands them out
	 * again under the same keys (the store keeps one of each); one it
	 * holds first counts from it */
	x = line(st, "{\"$set\":{\"messages\":[" MSG("m1", "2025-11-20T09:00:12.000Z", PRO,
							 TOK(12000, 300, 8000, 150, 0)) ","
		     "{\"id\":\"u9\",\"type\":\"user\",\"content\":\"hi\"},"
		     MSG("m9", "2025-11-20T09:06:00.000Z", PRO, TOK(100, 10, 0, 0, 0)) "],"
		     "\"lastUpdated\":\"2025-11-20T09:07:30.000Z\"}}");
	CHECK_INT(x.r, 1);
	CHECK_INT(x.n, 2);
	CHECK_STR(x.ev.key, "g:3f2a9c1e-1111-4a4a-9b9b-000000000001|m9");
	TOKENS(&x.ev, 100, 0, 10, 0);
	CHECK(memcmp(before, st, P->state_size) == 0);
	free(before);

	/* a message without a model takes the last one named */
	x = line(st, MSG("m3", "2025-11-20T09:07:02.000Z", "", TOK(16000, 800, 0, 400, 0)));
	CHECK_STR(x.ev.model, "gemini-2.5-pro");
	TOKENS(&x.ev, 16000, 0, 1200, 400);
	/* $set names the workspace: its first directory is the project */
	CHECK_INT(line(st, "{\"$set\":{\"directories\":[\"/home/u/myapp\",\"/home/u/lib\"]}}").r, 0);
	/* cached beyond input (never seen, but not negative): input is the tool part */
	x = line(st, MSG("m4", "2025-11-20T09:08:00.000Z", PRO, TOK(100, 5, 300, 0, 7)));
	CHECK_STR(x.ev.cwd, "/home/u/myapp");
	TOKENS(&x.ev, 7, 300, 5, 0);
	/* no id to key by: the session and the time */
	x = line(st, "{\"timestamp\":\"2025-11-20T09:09:00.000Z\",\"type\":\"gemini\",\"tokens\":" TOK(1, 1, 0, 0, 0)
		     ",\"id\":\"\"}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.key, "g:3f2a9c1e-1111-4a4a-9b9b-000000000001@1763629740000");
	CHECK_STR(x.ev.msg_id, "");
	/* all zeros: nothing to count */
	CHECK_INT(line(st, MSG("m5", "2025-11-20T09:09:10.000Z", PRO, TOK(0, 0, 0, 0, 0))).r, 0);
	free(st);
}

static void test_jsonl_errors(void)
{
	void *st = state_new(P, MAIN);
	parsed x;
	/* renamed fields (another build's names): said, not counted as zero */
	x = line(st, MSG("e1", "2025-11-20T09:00:12.000Z", PRO, "{\"prompt\":900,\"candidates\":40}"));
	CHECK(x.r < 0);
	CHECK(strstr(x.err.msg, "input or output") != NULL);
	x = line(st, MSG("e2", "2025-11-20T09:00:12.000Z", PRO, "{\"input\":-5,\"output\":1}"));
	CHECK(x.r < 0);
	x = line(st, MSG("e3", "2025-11-20T09:00:12.000Z", PRO, "{\"input\":\"12\",\"output\":1}"));
	CHECK(x.r < 0);
	x = line(st, MSG("e4", "2025-11-20T09:00:12.000Z", PRO, "{\"input\":1000000000001,\"output\":1}"));
	CHECK(x.r < 0);
	x = line(st, MSG("e5", "yesterday", PRO, TOK(1, 1, 0, 0, 0)));
	CHECK(x.r < 0);
	CHECK(strstr(x.err.msg, "timestamp") != NULL);
	x = line(st, "{\"id\":\"e6\",\"type\":\"gemini\",\"tokens\":" TOK(1, 1, 0, 0, 0) "}");
	CHECK(x.r < 0); /* a JSONL message has no document time to fall back on */
	x = line(st, "{\"id\":\"e7\",\"type\":\"gemini\",\"tokens\":{\"inp");
	CHECK(x.r < 0);
	/* other shapes: not errors, nothing */
	CHECK_INT(line(st, "[1,2,3]").r, 0);
	CHECK_INT(line(st, "{\"tokens\":{\"input\":5,\"output\":5}}").r, 0);
	free(st);
	/* "unknown" until a model is named */
	st = state_new(P, MAIN);
	x = line(st, MSG("e8", "2025-11-20T09:00:12.000Z", "", TOK(1, 1, 0, 0, 0)));
	CHECK_STR(x.ev.model, "unknown");
	free(st);
}

static void test_paths_and_state(void)
{
	/* a subagent's chat sits in a directory named for its parent session */
	void *st = state_new(P, CHATS "3f2a9c1e-1111/7c1d2e3f-2222.jsonl");
	parsed x = line(st, MSG("s1", "2025-11-21T14:00:09.000Z", PRO, TOK(5, 1, 0, 0, 0)));
	CHECK_STR(x.ev.session, "7c1d2e3f-2222");
	CHECK_STR(x.ev.cwd, "/home/u/.gemini/tmp/myapp");
	/* the header of a subagent names its workspace */
	line(st, "{\"sessionId\":\"7c1d2e3f-full\",\"projectHash\":\"x\",\"kind\":\"subagent\","
		 "\"directories\":[\"/home/u/myapp\"]}");
	x = line(st, MSG("s2", "2025-11-21T14:00:10.000Z", "", TOK(5, 1, 0, 0, 0)));
	CHECK_STR(x.ev.session, "7c1d2e3f-full");
	CHECK_STR(x.ev.cwd, "/home/u/myapp");
	CHECK_STR(x.ev.model, "gemini-2.5-pro");

	/* save / load carries the header's facts to the next scan */
	char *saved = P->save(st);
	CHECK(saved != NULL);
	void *st2 = state_new(P, CHATS "3f2a9c1e-1111/7c1d2e3f-2222.jsonl");
	au_err err;
	CHECK_INT(P->load(st2, saved, &err), 0);
	char *again = P->save(st2);
	CHECK_STR(again, saved);
	free(again);
	x = line(st2, MSG("s3", "2025-11-21T14:00:11.000Z", "", TOK(5, 1, 0, 0, 0)));
	CHECK_STR(x.ev.session, "7c1d2e3f-full");
	CHECK_STR(x.ev.cwd, "/home/u/myapp");
	CHECK_STR(x.ev.model, "gemini-2.5-pro");
	CHECK(P->load(st2, "{\"session\":1}", &err) < 0);
	CHECK(P->load(st2, "not json", &err) < 0);
	free(saved);
	free(st2);
	free(st);
}

/* ---- the legacy document --------------------------------------------- */

typedef struct collected {
	au_event ev[8];
	int n;
	int stop_after; /* emit fails once this many were taken (0: never) */
} collected;

static int collect(void *ctx, const au_event *ev)
{
	collected *c = ctx;
	if (c->stop_after && c->n >= c->stop_after)
		return -ECANCELED;
	if (c->n < 8)
		c->ev[c->n++] = *ev;
	return 0;
}

static int doc(const char *path, const char *text, collected *c)
{
	void *st = state_new(J, path);
	au_err err = {{0}};
	int r = J->parse_file(st, text, strlen(text), collect, c, &err);
	if (r < 0)
		CHECK(err.msg[0] != '\0');
	free(st);
	return r;
}

#define LEGACY CHATS "session-2025-09-30T14-11-3bacc8a0.json"

static void test_legacy(void)
{
	collected c = {0};
	/* pretty-printed as the CLI writes it; the model only at the root on
	 * the second response, the third without a timestamp (the document's
	 * lastUpdated then), a malformed fourth left out */
	const char *text =
		"{\n  \"sessionId\": \"3bacc8a0-5c1e\",\n  \"projectHash\": \"5eb9\",\n"
		"  \"model\": \"gemini-2.5-flash\",\n"
		"  \"startTime\": \"2025-09-30T14:11:04.096Z\",\n  \"lastUpdated\": \"2025-09-30T16:05:00.000Z\",\n"
		"  \"messages\": [\n"
		"    {\"id\": \"u1\", \"timestamp\": \"2025-09-30T14:11:04.096Z\", \"type\": \"user\", \"content\": \"2+2?\"},\n"
		"    {\"id\": \"g1\", \"timestamp\": \"2025-09-30T14:11:07.670Z\", \"type\": \"gemini\", \"content\": \"4\",\n"
		"     \"model\": \"gemini-2.5-pro\", \"tokens\": {\"input\": 7173, \"output\": 1, \"cached\": 0,\n"
		"     \"thoughts\": 17, \"tool\": 0, \"total\": 7191}},\n"
		"    {\"id\": \"g2\", \"timestamp\": \"2025-09-30T14:11:09.012Z\", \"type\": \"gemini\", \"tokens\": null},\n"
		"    {\"id\": \"g3\", \"timestamp\": \"2025-09-30T16:00:00.000Z\", \"type\": \"gemini\",\n"
		"     \"tokens\": {\"input\": 3000, \"output\": 200, \"cached\": 1000, \"tool\": 100}},\n"
		"    {\"id\": \"g4\", \"type\": \"gemini\", \"tokens\": {\"input\": 4000, \"output\": 100}},\n"
		"    {\"id\": \"g5\", \"timestamp\": \"2025-09-30T16:06:00.000Z\", \"type\": \"gemini\",\n"
		"     \"tokens\": {\"input\": \"12\", \"output\": 1}},\n"
		"    7\n  ]\n}\n";
	CHECK_INT(doc(LEGACY, text, &c), 0);
	CHECK_INT(c.n, 3);
	CHECK_STR(c.ev[0].key, "g:3bacc8a0-5c1e|g1");
	CHECK_STR(c.ev[0].model, "gemini-2.5-pro");
	CHECK_STR(c.ev[0].session, "3bacc8a0-5c1e");
	CHECK_STR(c.ev[0].cwd, "/home/u/.gemini/tmp/myapp");
	CHECK_INT(c.ev[0].dedup, AU_DEDUP_LATEST);
	TOKENS(&c.ev[0], 7173, 0, 18, 17);
	/* messages without a model after one that named it keep naming it
	 * (the root's model only until a message names one) */
	CHECK_STR(c.ev[1].key, "g:3bacc8a0-5c1e|g3");
	CHECK_STR(c.ev[1].model, "gemini-2.5-pro");
	TOKENS(&c.ev[1], 2100, 1000, 200, 0);
	CHECK_STR(c.ev[2].key, "g:3bacc8a0-5c1e|g4");
	CHECK_INT(c.ev[2].ts_ms, 1759248300000); /* lastUpdated 2025-09-30T16:05:00Z */
	TOKENS(&c.ev[2], 4000, 0, 100, 0);

	/* the root's model when no message names one */
	memset(&c, 0, sizeof(c));
	CHECK_INT(doc(LEGACY,
		      "{\"sessionId\":\"s\",\"model\":\"gemini-2.5-flash\",\"messages\":[{\"id\":\"h1\","
		      "\"timestamp\":\"2025-09-30T16:00:00Z\",\"type\":\"gemini\",\"tokens\":{\"input\":1,\"output\":1}}]}",
		      &c),
		  0);
	CHECK_INT(c.n, 1);
	CHECK_STR(c.ev[0].model, "gemini-2.5-flash");

	/* empty or blank: between the truncation and the rewrite, not an error */
	memset(&c, 0, sizeof(c));
	CHECK_INT(doc(LEGACY, "", &c), 0);
	CHECK_INT(doc(LEGACY, " \n\t\n", &c), 0);
	CHECK_INT(c.n, 0);
	/* cut short mid-rewrite, or not a session at all */
	CHECK(doc(LEGACY, "{\"sessionId\":\"s\",\"messages\":[{\"id\":\"g1\",", &c) < 0);
	CHECK(doc(LEGACY, "[{\"role\":\"user\",\"parts\":[]}]", &c) < 0);
	CHECK_INT(doc(LEGACY, "{\"sessionId\":\"s\"}", &c), 0);
	CHECK_INT(doc(LEGACY, "{\"sessionId\":\"s\",\"messages\":{}}", &c), 0);
	CHECK_INT(c.n, 0);
	/* the caller can stop it */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	CHECK(doc(LEGACY, text, &c) < 0);
	CHECK_INT(c.n, 1);
}

/* A message keys the same in the legacy document and in its migrated copy. */
static void test_same_key_both_shapes(void)
{
	collected c = {0};
	CHECK_INT(doc(LEGACY,
		      "{\"sessionId\":\"s\",\"messages\":[" MSG("2652d1b5", "2025-09-30T14:11:07.670Z", PRO,
								 TOK(7173, 1, 0, 17, 0)) "]}",
		      &c),
		  0);
	void *st = state_new(P, LEGACY "l");
	line(st, "{\"sessionId\":\"s\",\"projectHash\":\"p\"}");
	parsed x = line(st, MSG("2652d1b5", "2025-09-30T14:11:07.670Z", PRO, TOK(7173, 1, 0, 17, 0)));
	CHECK_INT(c.n, 1);
	CHECK_STR(x.ev.key, c.ev[0].key);
	CHECK(memcmp(&x.ev.tok, &c.ev[0].tok, sizeof(x.ev.tok)) == 0);
	CHECK_INT(x.ev.ts_ms, c.ev[0].ts_ms);
	free(st);
}

/* ---- roots and file names -------------------------------------------- */

static const au_parser_ops *file(const char *path)
{
	return au_file_parser(AU_SRC_GEMINI, path);
}

static void test_files(void)
{
	CHECK(file(CHATS "session-2025-11-20T09-00-3f2a9c1e.jsonl") == P);
	CHECK(file(CHATS "session-2025-09-30T14-11-3bacc8a0.json") == J);
	CHECK(file(CHATS "3f2a9c1e-1111-4a4a/7c1d2e3f-2222-4b4b.jsonl") == P);
	CHECK(file(CHATS "3f2a9c1e-1111-4a4a/7c1d2e3f-2222-4b4b.json") == NULL);
	CHECK(file(CHATS "session-2025-11-20T09-00-3f2a9c1e.jsonl.tmp-4242") == NULL);
	CHECK(file(CHATS "session-2025-11-20T09-00-3f2a9c1e.tmp-4242.jsonl") == NULL);
	CHECK(file(CHATS "session-x.unreadable-1700000000.json") == NULL);
	CHECK(file(CHATS "notes.json") == NULL);
	CHECK(file("/home/u/.gemini/tmp/myapp/logs.json") == NULL);
	CHECK(file("/home/u/.gemini/tmp/myapp/checkpoint-release.json") == NULL);
	CHECK(file("/home/u/.gemini/tmp/myapp/session-x.jsonl") == NULL);
	CHECK(file("/home/u/.gemini/tmp/mychats/session-x.jsonl") == NULL);
	CHECK(file("chats/session-x.jsonl") == NULL);
	CHECK(file("session-x.jsonl") == NULL);
}

static void check_roots(const char *dir, const char *origin, int line_no)
{
	au_root *r = au_roots_get(AU_SRC_GEMINI);
	int before = check_failures;
	CHECK(r[0].dir != NULL);
	if (r[0].dir) {
		CHECK_STR(r[0].dir, dir);
		CHECK_STR(r[0].origin, origin);
		CHECK_INT(r[0].source, AU_SRC_GEMINI);
		CHECK(r[1].dir == NULL);
	}
	if (check_failures != before)
		fprintf(stderr, "  (roots checked from line %d)\n", line_no);
	au_roots_free(r);
}

static void test_roots(const char *home)
{
	char *want = g_build_filename(home, ".gemini/tmp", NULL);
	check_roots(want, "default", __LINE__);
	g_setenv("GEMINI_CLI_HOME", "/srv/profile", TRUE);
	check_roots("/srv/profile/.gemini/tmp", "$GEMINI_CLI_HOME", __LINE__);
	g_setenv("GEMINI_DATA_DIR", " ~/g1/tmp/ , /g2/tmp,/g2/tmp", TRUE);
	au_root *r = au_roots_get(AU_SRC_GEMINI);
	char *g1 = g_build_filename(home, "g1/tmp", NULL);
	CHECK_STR(r[0].dir, g1);
	CHECK_STR(r[0].origin, "$GEMINI_DATA_DIR");
	CHECK_STR(r[1].dir, "/g2/tmp");
	CHECK(r[2].dir == NULL);
	au_roots_free(r);
	g_unsetenv("GEMINI_DATA_DIR");
	g_unsetenv("GEMINI_CLI_HOME");
	g_free(g1);
	g_free(want);
}

static void test_project(const char *home)
{
	/* a slug directory whose .project_root names the folder */
	char *slug = g_build_filename(home, "pj/.gemini/tmp/myapp", NULL);
	char *chats = g_build_filename(slug, "chats", NULL);
	g_mkdir_with_parents(chats, 0700);
	char *marker = g_build_filename(slug, ".project_root", NULL);
	CHECK(g_file_set_contents(marker, "/home/u/myapp\n", -1, NULL));
	char *got = au_source_project(AU_SRC_GEMINI, slug);
	CHECK_STR(got, "/home/u/myapp");
	free(got);
	/* not an absolute path, or more than one line: the directory's name */
	CHECK(g_file_set_contents(marker, "myapp", -1, NULL));
	got = au_source_project(AU_SRC_GEMINI, slug);
	CHECK_STR(got, "myapp");
	free(got);
	CHECK(g_file_set_contents(marker, "/a\n/b\n", -1, NULL));
	got = au_source_project(AU_SRC_GEMINI, slug);
	CHECK_STR(got, "myapp");
	free(got);
	/* an older hash directory has none */
	char *hash = g_build_filename(home, "pj/.gemini/tmp/5eb97e1c/chats", NULL);
	g_mkdir_with_parents(hash, 0700);
	char *hdir = g_path_get_dirname(hash);
	got = au_source_project(AU_SRC_GEMINI, hdir);
	CHECK_STR(got, "5eb97e1c");
	free(got);
	/* a real folder (a session's workspace directory) is left as it is */
	CHECK(au_source_project(AU_SRC_GEMINI, home) == NULL);
	CHECK(au_source_project(AU_SRC_GEMINI, "/nonexistent/dir") == NULL);
	g_free(hdir);
	g_free(hash);
	g_free(marker);
	g_free(chats);
	g_free(slug);
}

/* ---- the scan --------------------------------------------------------- */

static char *home;
static au_pricing *prices;

static void put_file(const char *rel, const char *text, const char *mode)
{
	char *path = g_build_filename(home, rel, NULL);
	char *dir = g_path_get_dirname(path);
	g_mkdir_with_parents(dir, 0700);
	FILE *f = fopen(path, mode);
	fputs(text, f);
	fclose(f);
	g_free(dir);
	g_free(path);
}

static au_scan_stats scan(au_store *s)
{
	return scan_checked(s, prices, AU_SRC_GEMINI);
}

static void check_agg(au_store *s)
{
	CHECK_INT(q(s, "SELECT coalesce(sum(output),0) FROM agg"), q(s, "SELECT coalesce(sum(output),0) FROM usage"));
	CHECK_INT(q(s, "SELECT coalesce(sum(input),0) FROM agg"), q(s, "SELECT coalesce(sum(input),0) FROM usage"));
	CHECK_INT(q(s, "SELECT coalesce(sum(n),0) FROM agg"), q(s, "SELECT count(*) FROM usage"));
}

#define SCHATS ".gemini/tmp/proj/chats/"

static void test_scan_rewritten(au_store *s)
{
	const char *f = SCHATS "session-2025-09-30T14-11-aaaa0001.json";
	put_file(".gemini/tmp/proj/.project_root", "/home/u/proj\n", "w");
	/* the document while the second response is queued (tokens null) */
	put_file(f,
		 "{\"sessionId\":\"aaaa0001\",\"messages\":[" MSG("r1", "2025-09-30T14:00:00Z", PRO, TOK(1000, 10, 0, 0, 0)) ","
		 MSG("r2", "2025-09-30T14:01:00Z", PRO, "null") "]}\n",
		 "w");
	au_scan_stats st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='gemini'"), 1000);
	/* the folder the project directory's .project_root names */
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='r1' AND project='/home/u/proj'"), 1);
	au_scan_stats_release(&st);
	g_usleep(20000); /* a new mtime even on a coarse clock */
	/* rewritten whole: r2's tokens arrived, r3 added */
	put_file(f,
		 "{\"sessionId\":\"aaaa0001\",\"messages\":[" MSG("r1", "2025-09-30T14:00:00Z", PRO, TOK(1000, 10, 0, 0, 0)) ","
		 MSG("r2", "2025-09-30T14:01:00Z", PRO, TOK(2000, 20, 500, 5, 0)) ","
		 MSG("r3", "2025-09-30T14:02:00Z", PRO, TOK(3000, 30, 0, 0, 0)) "]}\n",
		 "w");
	st = scan(s);
	CHECK_INT(st.responses_new, 2);
	CHECK_INT(st.responses_replaced, 0);
	/* 1000 + (2000 - 500) + 3000 */
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='gemini'"), 5500);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source='gemini'"), 3);
	au_scan_stats_release(&st);
	g_usleep(20000);
	/* caught empty between truncation and rewrite: nothing lost, no warning */
	put_file(f, "", "w");
	st = scan(s);
	CHECK_INT(st.malformed, 0);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='gemini'"), 5500);
	au_scan_stats_release(&st);
	check_agg(s);
}

static void test_scan_appended(au_store *s)
{
	const char *f = SCHATS "session-2025-11-20T09-00-bbbb0002.jsonl";
	put_file(f, HEADER "\n" MSG("a1", "2025-11-20T09:00:12.000Z", PRO, "null") "\n", "w");
	au_scan_stats st = scan(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='a1'"), 0);
	au_scan_stats_release(&st);
	/* its tokens arrive: the id appended again; then again unchanged */
	put_file(f, MSG("a1", "2025-11-20T09:00:12.000Z", PRO, TOK(12000, 300, 8000, 150, 0)) "\n", "a");
	st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(st.files_reread, 0);
	au_scan_stats_release(&st);
	put_file(f, MSG("a1", "2025-11-20T09:00:12.000Z", PRO, TOK(12000, 300, 8000, 150, 0)) "\n"
		    MSG("a2", "2025-11-20T09:05:30.000Z", PRO, TOK(15000, 500, 12000, 0, 200)) "\n"
		    "{\"$rewindTo\":\"a2\"}\n",
		 "a");
	st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(st.responses_replaced, 0);
	au_scan_stats_release(&st);
	/* a1 (4000, 8000, 450) and a2 (3200, 12000, 500): the rewind unbills nothing */
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE msg_id IN ('a1','a2')"), 7200);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE msg_id IN ('a1','a2')"), 950);
	CHECK_INT(q(s, "SELECT sum(cache_read) FROM usage WHERE msg_id IN ('a1','a2')"), 20000);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE session='3f2a9c1e-1111-4a4a-9b9b-000000000001'"), 2);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='a2' AND project='/home/u/proj'"), 1);
	/* the session id from the header survives the scans in between */
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='a2' AND session='3f2a9c1e-1111-4a4a-9b9b-000000000001'"),
		  1);

	/* the legacy document beside its migrated copy: once */
	put_file(SCHATS "session-2025-11-20T09-00-bbbb0002.json",
		 "{\"sessionId\":\"3f2a9c1e-1111-4a4a-9b9b-000000000001\",\"messages\":["
		 MSG("a1", "2025-11-20T09:00:12.000Z", PRO, TOK(12000, 300, 8000, 150, 0)) "]}",
		 "w");
	st = scan(s);
	CHECK_INT(st.responses_new, 0);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id='a1'"), 1);
	au_scan_stats_release(&st);
	check_agg(s);
}

int main(void)
{
	test_jsonl_lines();
	test_jsonl_errors();
	test_paths_and_state();
	test_legacy();
	test_same_key_both_shapes();
	test_files();

	home = g_dir_make_tmp("aiusage-gemini-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("GEMINI_DATA_DIR");
	g_unsetenv("GEMINI_CLI_HOME");
	test_roots(home);
	test_project(home);

	prices = au_pricing_new();
	char *db = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	test_scan_rewritten(s);
	test_scan_appended(s);
	au_store_close(s);
	au_pricing_free(prices);
	rm_rf(home);
	g_free(home);
	g_free(db);
	return check_done("test_gemini");
}
