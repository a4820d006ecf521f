/*
 * Unit tests of parsers/vscode.c (VS Code Copilot Chat sessions) and
 * watchers/sources_vscode.c: literal mutation logs and legacy session
 * documents through parse_file(), every emitted event checked against
 * numbers worked out by hand beside it, which files the source reads, and
 * the project a workspace storage directory stands for.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sources.h"

extern const au_parser_ops au_parser_vscode, au_parser_vscode_json;

#define WS "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b"
#define LOG_PATH WS "/chatSessions/a4c1e2f0-1b2c.jsonl"

typedef struct events {
	au_event ev[32];
	int n;
	int r;
	au_err err;
} events;

static int collect(void *ctx, const au_event *ev)
{
	events *e = ctx;
	if (e->n < 32)
		e->ev[e->n] = *ev;
	e->n++;
	return 0;
}

static events *parse_with(const au_parser_ops *p, const char *path, const char *data, size_t len)
{
	static events e;
	memset(&e, 0, sizeof(e));
	void *st = calloc(1, p->state_size);
	p->init(st, path);
	char *copy = malloc(len ? len : 1); /* exact size: no terminator to lean on */
	memcpy(copy, data, len);
	e.r = p->parse_file(st, copy, len, collect, &e, &e.err);
	free(copy);
	free(st);
	if (e.r < 0)
		CHECK(e.err.msg[0] != '\0');
	return &e;
}

static events *parse_log(const char *log)
{
	return parse_with(&au_parser_vscode, LOG_PATH, log, strlen(log));
}

static events *parse_json(const char *doc)
{
	return parse_with(&au_parser_vscode_json, WS "/chatSessions/b5d2.json", doc, strlen(doc));
}

/* The event keyed v:<id>, last one emitted (the store keeps the latest). */
static const au_event *find(const events *e, const char *id)
{
	char key[AU_KEY_MAX];
	snprintf(key, sizeof(key), "v:%s", id);
	const au_event *found = NULL;
	for (int i = 0; i < e->n && i < 32; i++)
		if (strcmp(e->ev[i].key, key) == 0)
			found = &e->ev[i];
	if (!found)
		fprintf(stderr, "no event for %s\n", id);
	return found;
}

static void check_req(const events *e, const char *id, const char *model, int64_t ts, int64_t in, int64_t out,
		      int line)
{
	int before = check_failures;
	const au_event *ev = find(e, id);
	CHECK(ev != NULL);
	if (ev) {
		CHECK_STR(ev->model, model);
		CHECK_INT(ev->ts_ms, ts);
		CHECK_INT(ev->tok.input, in);
		CHECK_INT(ev->tok.output, out);
		CHECK_INT(ev->tok.cache_read + ev->tok.cache_create_5m + ev->tok.cache_create_1h + ev->tok.reasoning, 0);
		CHECK_INT(ev->source, AU_SRC_VSCODE);
		CHECK_INT(ev->dedup, AU_DEDUP_LATEST);
	}
	if (check_failures != before)
		fprintf(stderr, "  (request checked from line %d)\n", line);
}
#define REQ(e, id, model, ts, in, out) check_req(e, id, model, ts, in, out, __LINE__)

#define SNAP(reqs)                                                                                         \
	"{\"kind\":0,\"v\":{\"version\":3,\"creationDate\":1775811540000,\"sessionId\":\"sess-1\","        \
	"\"responderUsername\":\"GitHub Copilot\",\"requests\":[" reqs "],\"pendingRequests\":[]}}\n"
#define RQ(id, ts, model) \
	"{\"requestId\":\"" id "\",\"timestamp\":" #ts ",\"modelId\":\"" model "\",\"message\":{\"text\":\"q\"},\"response\":[]}"

static void test_init(void)
{
	events *e = parse_log(SNAP(RQ("r1", 1775811600000, "copilot/gpt-4.1")) "{\"kind\":1,\"k\":[\"requests\",0,"
				"\"promptTokens\"],\"v\":10}\n");
	CHECK_INT(e->n, 1);
	CHECK_STR(e->ev[0].cwd, WS);           /* the workspace storage directory */
	CHECK_STR(e->ev[0].session, "sess-1"); /* the log's own sessionId */
	CHECK_STR(e->ev[0].key, "v:r1");

	static const char doc[] = "{\"requests\":[{\"requestId\":\"r\",\"timestamp\":1,\"promptTokens\":1}]}";
	e = parse_with(&au_parser_vscode_json,
		       "/h/.config/Code/User/globalStorage/emptyWindowChatSessions/f9b6.json", doc, strlen(doc));
	CHECK_INT(e->n, 1);
	CHECK_STR(e->ev[0].cwd, "");       /* a window without a folder */
	CHECK_STR(e->ev[0].session, "f9b6"); /* the file stem when the document names none */
	CHECK_STR(e->ev[0].model, "unknown");
	e = parse_with(&au_parser_vscode_json, "/x/workspaceStorage/chatSessions/s.json", doc, strlen(doc));
	CHECK_STR(e->ev[0].cwd, ""); /* not under a <hash> directory */
	e = parse_with(&au_parser_vscode_json, "chatSessions/s.json", doc, strlen(doc));
	CHECK_STR(e->ev[0].cwd, "");
	CHECK_STR(e->ev[0].session, "s");
}

static void test_log(void)
{
	/*
	 * VS Code 1.134's shape: a placeholder pushed, then its counts set one
	 * by one. The request's own promptTokens/completionTokens win over
	 * result.metadata's; the model is metadata.resolvedModel, else modelId
	 * without "copilot/". A later set replaces an earlier one.
	 */
	events *e = parse_log(
		SNAP("")
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r1", 1775811600000, "copilot/claude-sonnet-4.5") "]}\n"
		"{\"kind\":2,\"k\":[\"requests\",0,\"response\"],\"v\":[{\"value\":\"ok\"}]}\n"
		"{\"kind\":1,\"k\":[\"requests\",0,\"result\"],\"v\":{\"timings\":{\"totalElapsed\":5},"
		"\"metadata\":{\"promptTokens\":18000,\"outputTokens\":600,\"resolvedModel\":\"claude-sonnet-4.5-x\"}}}\n"
		"{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":18561}\n"
		"{\"kind\":1,\"k\":[\"requests\",0,\"completionTokens\"],\"v\":600}\n"
		"{\"kind\":1,\"k\":[\"requests\",0,\"completionTokens\"],\"v\":612}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r2", 1775812200000, "copilot/gpt-4.1") "]}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"result\",\"metadata\"],\"v\":{\"promptTokens\":900,\"outputTokens\":40}}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"result\",\"metadata\",\"outputTokens\"],\"v\":45}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r3", 1775812800000, "copilot/auto") "]}\n"
		"{\"kind\":1,\"k\":[\"requests\",2,\"result\",\"metadata\",\"resolvedModel\"],\"v\":\"gpt-5-mini\"}\n"
		"{\"kind\":1,\"k\":[\"requests\",2,\"promptTokens\"],\"v\":70}\n"
		"{\"kind\":1,\"k\":[\"requests\",2,\"timestamp\"],\"v\":1775812900000}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r4", 1775813000000, "copilot/gpt-4.1") "]}\n");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 3); /* r4 has no counts yet */
	REQ(e, "r1", "claude-sonnet-4.5-x", 1775811600000, 18561, 612);
	REQ(e, "r2", "gpt-4.1", 1775812200000, 900, 45);
	REQ(e, "r3", "gpt-5-mini", 1775812900000, 70, 0);
}

static void test_splice(void)
{
	/*
	 * An edited turn: the array is cut at 1 and the new turn pushed. The
	 * turn cut away was sent and billed: it counts with what it had. A
	 * delete (kind 3) of the request's own count falls back to metadata's;
	 * a delete of the whole request counts it as it was.
	 */
	events *e = parse_log(
		SNAP(RQ("r1", 1000, "copilot/m") "," RQ("r2", 2000, "copilot/m"))
		"{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":100}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"promptTokens\"],\"v\":200}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"result\"],\"v\":{\"metadata\":{\"promptTokens\":150}}}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r2b", 3000, "copilot/m") "],\"i\":1}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"promptTokens\"],\"v\":300}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"result\"],\"v\":{\"metadata\":{\"promptTokens\":250}}}\n"
		"{\"kind\":3,\"k\":[\"requests\",1,\"promptTokens\"]}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"i\":1}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r3", 4000, "copilot/m") "]}\n"
		"{\"kind\":1,\"k\":[\"requests\",1,\"completionTokens\"],\"v\":3}\n"
		"{\"kind\":3,\"k\":[\"requests\",1]}\n");
	CHECK_INT(e->r, 0);
	REQ(e, "r1", "m", 1000, 100, 0);
	REQ(e, "r2", "m", 2000, 200, 0);
	REQ(e, "r2b", "m", 3000, 250, 0);
	REQ(e, "r3", "m", 4000, 0, 3);
	CHECK_INT(e->n, 4);
}

static void test_whole_sets(void)
{
	/*
	 * The array set whole (kind 1 on ["requests"]), a request replaced at
	 * its index, a push past the end (holes, as JavaScript), a field of a
	 * request that is not there (ignored), a new snapshot (kind 0: the log
	 * starts again, the requests before it count as they were), paths
	 * that are not about requests.
	 */
	events *e = parse_log(
		SNAP("")
		"{\"kind\":1,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"a\",\"timestamp\":10,\"promptTokens\":1},"
		"{\"requestId\":\"b\",\"timestamp\":20,\"promptTokens\":2}]}\n"
		"{\"kind\":1,\"k\":[\"requests\",1],\"v\":{\"requestId\":\"c\",\"timestamp\":30,\"promptTokens\":3}}\n"
		"{\"kind\":1,\"k\":[\"requests\",2],\"v\":{\"requestId\":\"d\",\"timestamp\":40,\"promptTokens\":4}}\n"
		"{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"e\",\"timestamp\":50,\"promptTokens\":5}],\"i\":5}\n"
		"{\"kind\":1,\"k\":[\"requests\",5,\"completionTokens\"],\"v\":50}\n"
		"{\"kind\":1,\"k\":[\"requests\",9,\"promptTokens\"],\"v\":99}\n"
		"{\"kind\":1,\"k\":[\"requests\",9],\"v\":{\"requestId\":\"f\",\"timestamp\":60,\"promptTokens\":6}}\n"
		"{\"kind\":1,\"k\":[\"customTitle\"],\"v\":\"t\"}\n"
		"{\"kind\":1,\"k\":[\"pendingRequests\",0,\"promptTokens\"],\"v\":77}\n"
		"{\"kind\":0,\"v\":{\"sessionId\":\"sess-2\",\"requests\":[{\"requestId\":\"g\",\"timestamp\":70,"
		"\"promptTokens\":7}]}}\n");
	CHECK_INT(e->r, 0);
	REQ(e, "a", "unknown", 10, 1, 0);
	REQ(e, "b", "unknown", 20, 2, 0);
	REQ(e, "c", "unknown", 30, 3, 0);
	REQ(e, "d", "unknown", 40, 4, 0);
	REQ(e, "e", "unknown", 50, 5, 50);
	REQ(e, "f", "unknown", 60, 6, 0);
	REQ(e, "g", "unknown", 70, 7, 0);
	CHECK_STR(find(e, "g")->session, "sess-2");
	CHECK_INT(e->n, 7);
}

static void test_log_errors(void)
{
	/* A torn last line is a write in progress: ignored. */
	events *e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
			      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
			      "{\"kind\":1,\"k\":[\"requests\",0,\"completionTokens\"],\"v\":1");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 1);
	REQ(e, "r1", "m", 1000, 5, 0);
	/* A complete last line without its newline counts. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}");
	REQ(e, "r1", "m", 1000, 5, 0);
	/* A bad line before the end: the log cannot be replayed past it. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":}\n"
						       "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n");
	CHECK_INT(e->r, -EINVAL);
	CHECK(strstr(e->err.msg, "line 2") != NULL);
	/* ...unless its head shows it cannot matter (the response text). */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":2,\"k\":[\"requests\",0,\"response\"],\"v\":[{\"val\n"
						       "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n");
	CHECK_INT(e->r, 0);
	REQ(e, "r1", "m", 1000, 5, 0);
	/* An escape in the head is never taken on trust: parsed, applied. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"\\u0070romptTokens\"],\"v\":6}\n");
	REQ(e, "r1", "m", 1000, 6, 0);
	/* Empty and blank files, lines of other shapes: nothing, no error. */
	e = parse_log("");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 0);
	e = parse_log("\n  \n");
	CHECK_INT(e->r, 0);
	e = parse_log("[1,2]\n{\"kind\":\"1\"}\n{\"kind\":1,\"k\":\"requests\"}\n{\"kind\":7}\n");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 0);
	/* A hostile log cannot make the replay hold a huge table. */
	e = parse_log(SNAP("") "{\"kind\":2,\"k\":[\"requests\"],\"v\":[],\"i\":20001}\n");
	CHECK_INT(e->r, -EFBIG);
	e = parse_log(SNAP("") "{\"kind\":1,\"k\":[\"requests\",1000000],\"v\":{\"requestId\":\"x\",\"timestamp\":1,"
				"\"promptTokens\":1}}\n");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 0);
}

static void test_values(void)
{
	/* No requestId: cannot be keyed, not counted. No timestamp: the
	 * session's creationDate. Counts out of range, negative or not
	 * integers are absent; zero counts are no usage; a timestamp out of
	 * range is absent. */
	events *e = parse_json(
		"{\"version\":3,\"sessionId\":\"s\",\"creationDate\":5000,\"requests\":["
		"{\"timestamp\":1,\"promptTokens\":9},"
		"{\"requestId\":\"a\",\"promptTokens\":10,\"completionTokens\":1},"
		"{\"requestId\":\"b\",\"timestamp\":2,\"promptTokens\":1000000000001,\"completionTokens\":3},"
		"{\"requestId\":\"c\",\"timestamp\":3,\"promptTokens\":-4,\"completionTokens\":\"5\"},"
		"{\"requestId\":\"d\",\"timestamp\":4,\"promptTokens\":0,\"completionTokens\":0},"
		"{\"requestId\":\"e\",\"timestamp\":253402300800000,\"promptTokens\":6},"
		"{\"requestId\":\"f\",\"timestamp\":7,\"promptTokens\":1.5}]}");
	CHECK_INT(e->r, 0);
	REQ(e, "a", "unknown", 5000, 10, 1);
	REQ(e, "b", "unknown", 2, 0, 3);
	REQ(e, "e", "unknown", 5000, 6, 0);
	CHECK_INT(e->n, 3);
	/* without a creationDate, a request without a timestamp is not placed */
	e = parse_json("{\"requests\":[{\"requestId\":\"a\",\"promptTokens\":10}]}");
	CHECK_INT(e->n, 0);
}

static void test_json(void)
{
	/* The legacy document: every request with counts; older builds wrote
	 * none (nothing is estimated). */
	events *e = parse_json(
		"{\"version\":3,\"sessionId\":\"b5d2\",\"creationDate\":1775743140000,\"requests\":["
		"{\"requestId\":\"r1\",\"timestamp\":1775743200000,\"modelId\":\"copilot/gpt-4o\","
		"\"result\":{\"metadata\":{\"promptTokens\":5000,\"outputTokens\":300}}},"
		"{\"requestId\":\"r2\",\"timestamp\":1775743500000,\"modelId\":\"copilot/gpt-4o\",\"result\":{}},"
		"{\"requestId\":\"r3\",\"timestamp\":1775743600000,\"modelId\":\"copilot/claude-opus-4.6\","
		"\"promptTokens\":30000,\"completionTokens\":2100,"
		"\"result\":{\"metadata\":{\"promptTokens\":29000,\"outputTokens\":2000,\"resolvedModel\":\"claude-opus-4.6\"}}}]}\n");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 2);
	REQ(e, "r1", "gpt-4o", 1775743200000, 5000, 300);
	REQ(e, "r3", "claude-opus-4.6", 1775743600000, 30000, 2100);
	CHECK_STR(find(e, "r1")->session, "b5d2");
	CHECK_STR(find(e, "r1")->cwd, WS);

	/* Empty (created, not written) is nothing; cut short mid-rewrite is
	 * an error (nothing kept, read again on the next change). */
	e = parse_json("");
	CHECK_INT(e->r, 0);
	e = parse_json(" \n");
	CHECK_INT(e->r, 0);
	e = parse_json("{\"version\":3,\"requests\":[{\"requestId\":\"r1\",\"promptTokens\":77");
	CHECK_INT(e->r, -EINVAL);
	CHECK_INT(e->n, 0);
	e = parse_json("[]");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 0);
}

static void test_sources(void)
{
	const au_parser_ops *log = &au_parser_vscode, *doc = &au_parser_vscode_json;
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/chatSessions/x.jsonl") == log);
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/chatSessions/x.json") == doc);
	CHECK(au_file_parser(AU_SRC_VSCODE, "/u/globalStorage/emptyWindowChatSessions/x.jsonl") == log);
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/workspace.json") == NULL);
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/chatSessions/x.txt") == NULL);
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/GitHub.copilot-chat/debug-logs/s/main.jsonl") == NULL);
	CHECK(au_file_parser(AU_SRC_VSCODE, WS "/chatSessions/.x.json.tmp.json") == NULL);
	CHECK(au_file_parser(AU_SRC_VSCODE, "x.jsonl") == NULL);

	/* Code's folders always; the other builds' when installed. */
	char *home = g_dir_make_tmp("au-vscode-XXXXXX", NULL);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	au_root *roots = au_roots_get(AU_SRC_VSCODE);
	char *want = g_strdup_printf("%s/.config/Code/User/workspaceStorage", home);
	CHECK_STR(roots[0].dir, want);
	g_free(want);
	CHECK(roots[1].dir != NULL && strstr(roots[1].dir, "/Code/User/globalStorage/emptyWindowChatSessions"));
	CHECK(roots[2].dir == NULL);
	au_roots_free(roots);
	char *server = g_strdup_printf("%s/.vscode-server", home);
	g_mkdir(server, 0700);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	roots = au_roots_get(AU_SRC_VSCODE);
	CHECK_STR(roots[0].dir, "/xdg/Code/User/workspaceStorage");
	want = g_strdup_printf("%s/data/User/workspaceStorage", server);
	CHECK(roots[2].dir != NULL && strcmp(roots[2].dir, want) == 0);
	g_free(want);
	CHECK(roots[4].dir == NULL);
	au_roots_free(roots);
	unsetenv("XDG_CONFIG_HOME");

	/* workspace.json: a folder, a .code-workspace, a remote folder, none. */
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"folder\":\"file:///home/u/my%20app\"}", "/home/u/my app"},
		{"{\"workspace\":\"file:///home/u/mono.code-workspace\"}", "/home/u/mono.code-workspace"},
		{"{\"folder\":\"vscode-remote://ssh-remote%2Bbox/home/u/api\"}", "/home/u/api"},
		{"{\"folder\":42}", NULL},
		{"not json", NULL},
		{"{}", NULL},
	};
	char *ws = g_strdup_printf("%s/ws", home), *file = g_strdup_printf("%s/ws/workspace.json", home);
	g_mkdir(ws, 0700);
	char *got = au_vscode_project(ws);
	CHECK(got == NULL); /* no workspace.json at all */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		g_file_set_contents(file, cases[i].json, -1, NULL);
		got = au_vscode_project(ws);
		if (cases[i].want)
			CHECK_STR(got, cases[i].want);
		else
			CHECK(got == NULL);
		free(got);
	}
	g_unlink(file);
	g_rmdir(ws);
	g_rmdir(server);
	g_rmdir(home);
	g_free(file);
	g_free(ws);
	g_free(server);
	g_free(home);
}

int main(void)
{
	test_init();
	test_log();
	test_splice();
	test_whole_sets();
	test_log_errors();
	test_values();
	test_json();
	test_sources();
	return check_done("test_vscode");
}
