/*
 * Unit tests of parsers/vscode.c (VS Code Copilot Chat sessions) and
 * watchers/tool_vscode.c: literal mutation logs fed line by line as
 * watchers/filejob.c feeds them (complete lines only, candidate() first)
 * into a model of the store (the latest event per key, a withdrawal
 * deletes), legacy session documents through parse_file(), every count
 * checked against numbers worked out by hand beside it; which files the
 * source reads, and the project a workspace storage directory stands for.
 * Every log is also read resumed before each line (save() and load()
 * between them) and appended in pieces, and must leave the same store.
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
#define MAX_ROWS 64

/* Events: what parse_file() emitted (the legacy document), or the rows a
 * store holds after a log was read (its latest event per key). */
typedef struct events {
	au_event ev[MAX_ROWS];
	int n;
	int r;
	au_err err;
	int emitted;   /* log: events handed out, withdrawals included */
	int retracted; /* log: withdrawals */
} events;

static int collect(void *ctx, const au_event *ev)
{
	events *e = ctx;
	if (e->n < MAX_ROWS)
		e->ev[e->n] = *ev;
	e->n++;
	return 0;
}

/* The store's part: AU_DEDUP_LATEST replaces, a withdrawal deletes. */
static int store_put(void *ctx, const au_event *ev)
{
	events *e = ctx;
	e->emitted++;
	CHECK(strncmp(ev->key, "v:", 2) == 0 && ev->key[2]);
	CHECK_INT(ev->dedup, AU_DEDUP_LATEST);
	int i = 0;
	while (i < e->n && strcmp(e->ev[i].key, ev->key) != 0)
		i++;
	if (ev->retract) {
		e->retracted++;
		CHECK(i < e->n); /* only what was handed out is withdrawn */
		if (i < e->n) {
			memmove(&e->ev[i], &e->ev[i + 1], (size_t)(e->n - i - 1) * sizeof(e->ev[0]));
			e->n--;
		}
		return 0;
	}
	CHECK(i < MAX_ROWS);
	if (i < MAX_ROWS) {
		e->ev[i] = *ev;
		if (i == e->n)
			e->n++;
	}
	return 0;
}

static void *state_new(const au_parser_ops *p, const char *path)
{
	void *st = calloc(1, p->state_size);
	p->init(st, path);
	return st;
}

/* A new scan of the file: the state saved by the last one, loaded into a
 * fresh one; saving that again gives the same text. */
static void *resume(void *st)
{
	const au_parser_ops *p = &au_parser_vscode;
	char *text = p->save(st);
	free(st);
	CHECK(text != NULL);
	if (!text)
		return state_new(p, LOG_PATH);
	st = state_new(p, LOG_PATH);
	au_err err;
	CHECK_INT(p->load(st, text, &err), 0);
	char *again = p->save(st);
	CHECK_STR(again, text);
	free(again);
	free(text);
	return st;
}

/* One line as filejob.c's handle_line() gives it, on an exact-size copy. */
static int feed_line(void *st, const char *line, size_t len, events *e)
{
	const au_parser_ops *p = &au_parser_vscode;
	if (len == 0 || !p->candidate(line, len))
		return 0;
	char *copy = malloc(len);
	memcpy(copy, line, len);
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = p->parse_line_emit(st, copy, len, store_put, e, &err);
	free(copy);
	CHECK(r == 0 || (r < 0 && err.msg[0] != '\0'));
	if (r < 0 && e->r == 0) {
		e->r = r;
		e->err = err;
	}
	return r;
}

/* The complete lines of data[*off, len): consumed, *off moved past them.
 * (noinline: inlined, GCC 12 -O2 warns of a dangling pointer that is not.) */
__attribute__((noinline)) static void feed(void **st, const char *data, size_t len, size_t *off, events *e,
					    bool resume_each_line)
{
	while (*off < len) {
		const char *nl = memchr(data + *off, '\n', len - *off);
		if (!nl)
			break;
		size_t n = (size_t)(nl - (data + *off));
		if (resume_each_line)
			*st = resume(*st);
		feed_line(*st, data + *off, n, e);
		*off += n + 1;
	}
}

static bool same_event(const au_event *a, const au_event *b)
{
	return strcmp(a->key, b->key) == 0 && a->source == b->source && a->dedup == b->dedup &&
	       a->ts_ms == b->ts_ms && strcmp(a->session, b->session) == 0 && strcmp(a->model, b->model) == 0 &&
	       strcmp(a->cwd, b->cwd) == 0 && memcmp(&a->tok, &b->tok, sizeof(a->tok)) == 0 && !a->retract &&
	       !b->retract && a->model_fallback == b->model_fallback && a->msg_id[0] == '\0' && b->msg_id[0] == '\0';
}

/* Two stores hold the same rows (in any order). */
static bool same_rows(const events *a, const events *b)
{
	if (a->n != b->n || a->r != b->r)
		return false;
	for (int i = 0; i < a->n && i < MAX_ROWS; i++) {
		int j = 0;
		while (j < b->n && strcmp(a->ev[i].key, b->ev[j].key) != 0)
			j++;
		if (j == b->n || !same_event(&a->ev[i], &b->ev[j]))
			return false;
	}
	return true;
}

/* A log read whole by one scan; every complete line is consumed. */
static void read_log(const char *data, size_t len, events *e)
{
	memset(e, 0, sizeof(*e));
	void *st = state_new(&au_parser_vscode, LOG_PATH);
	size_t off = 0;
	feed(&st, data, len, &off, e, false);
	free(st);
}

/* The same log written in pieces of `step` bytes, a scan after each (the
 * partial last line left for the next), or resumed before every line. */
static void read_log_resumed(const char *data, size_t len, size_t step, events *e)
{
	memset(e, 0, sizeof(*e));
	void *st = state_new(&au_parser_vscode, LOG_PATH);
	size_t off = 0;
	if (step == 0) {
		feed(&st, data, len, &off, e, true);
	} else {
		for (size_t end = step < len ? step : len;; end = end + step < len ? end + step : len) {
			feed(&st, data, end, &off, e, false);
			st = resume(st);
			if (end == len)
				break;
		}
	}
	free(st);
}

static int check_resumed(const char *data, size_t len, const events *whole, int line)
{
	static const size_t steps[] = {0, 1, 7, 64, 1000};
	int bad = 0;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		static events e;
		read_log_resumed(data, len, steps[i], &e);
		if (!same_rows(whole, &e)) {
			fprintf(stderr, "line %d: read in pieces of %zu bytes (0: resumed every line): "
				"the store differs\n", line, steps[i]);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	return bad;
}

static events *parse_log_at(const char *log, int line)
{
	static events e;
	read_log(log, strlen(log), &e);
	check_resumed(log, strlen(log), &e, line);
	return &e;
}
#define parse_log(log) parse_log_at(log, __LINE__)

static events *parse_with(const au_parser_ops *p, const char *path, const char *data, size_t len)
{
	static events e;
	memset(&e, 0, sizeof(e));
	void *st = state_new(p, path);
	char *copy = malloc(len ? len : 1); /* exact size: no terminator to lean on */
	memcpy(copy, data, len);
	e.r = p->parse_file(st, copy, len, collect, &e, &e.err);
	free(copy);
	free(st);
	if (e.r < 0)
		CHECK(e.err.msg[0] != '\0');
	return &e;
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
	for (int i = 0; i < e->n && i < MAX_ROWS; i++)
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

	/* a log that names no session: the file stem */
	e = parse_log("{\"kind\":0,\"v\":{\"requests\":[{\"requestId\":\"r\",\"timestamp\":1,\"promptTokens\":1}]}}\n");
	CHECK_STR(e->ev[0].session, "a4c1e2f0-1b2c");
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
	CHECK_INT(e->retracted, 0);
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
	CHECK_INT(e->retracted, 0);
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
	/* what the new snapshot dropped counts under the session it names */
	CHECK_STR(find(e, "a")->session, "sess-2");
	CHECK_STR(find(e, "b")->session, "sess-1"); /* replaced before it */
	CHECK_INT(e->n, 7);
}

static void test_log_errors(void)
{
	/* A torn last line is a write in progress: left for the next scan. */
	events *e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
			      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
			      "{\"kind\":1,\"k\":[\"requests\",0,\"completionTokens\"],\"v\":1");
	CHECK_INT(e->r, 0);
	CHECK_INT(e->n, 1);
	REQ(e, "r1", "m", 1000, 5, 0);
	/* So is a complete one without its newline, until the newline comes. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}");
	CHECK_INT(e->n, 0);
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n");
	REQ(e, "r1", "m", 1000, 5, 0);
	/* A bad line before the end: the log cannot be replayed past it; what
	 * the lines before it counted stays, nothing after it counts. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":}\n"
						       "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n");
	CHECK_INT(e->r, -EINVAL);
	CHECK(strstr(e->err.msg, "invalid JSON") != NULL);
	CHECK(strstr(e->err.msg, "what it counted before stays") != NULL);
	CHECK_INT(e->n, 0);
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m")) "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
						       "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":\n"
						       "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":6}\n");
	CHECK_INT(e->r, -EINVAL);
	CHECK_INT(e->n, 1);
	REQ(e, "r1", "m", 1000, 5, 0); /* as line 2 left it, not line 4's 6 */
	CHECK_INT(e->retracted, 0);
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

/* How many events (withdrawals included) one line hands out. */
static int line_emits(void *st, events *e, const char *line)
{
	int before = e->emitted;
	feed_line(st, line, strlen(line), e);
	return e->emitted - before;
}

static void test_emits(void)
{
	/* Only a line that changes what a request counts hands it out again. */
	events *e = calloc(1, sizeof(*e));
	void *st = state_new(&au_parser_vscode, LOG_PATH);
#define L1(path, v) "{\"kind\":1,\"k\":[\"requests\"," path "],\"v\":" v "}"
	CHECK_INT(line_emits(st, e, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[{\"requestId\":\"r1\","
				    "\"timestamp\":5,\"modelId\":\"copilot/m\",\"promptTokens\":10}]}}"),
		  1);
	CHECK_INT(line_emits(st, e, "{\"kind\":2,\"k\":[\"requests\",0,\"response\"],\"v\":[{\"value\":\"x\"}]}"),
		  0);
	CHECK(!au_parser_vscode.candidate(L1("0,\"response\"", "[]"), strlen(L1("0,\"response\"", "[]"))));
	CHECK_INT(line_emits(st, e, L1("0,\"promptTokens\"", "10")), 0); /* the same value again */
	CHECK_INT(line_emits(st, e, L1("0,\"result\",\"metadata\",\"promptTokens\"", "9")), 0); /* own count wins */
	CHECK_INT(line_emits(st, e, L1("0,\"promptTokens\"", "11")), 1);
	CHECK_INT(line_emits(st, e, L1("0,\"result\",\"metadata\",\"resolvedModel\"", "\"m\"")), 0); /* same name */
	CHECK_INT(line_emits(st, e, L1("0,\"result\",\"metadata\",\"resolvedModel\"", "\"m2\"")), 1);
	CHECK_INT(line_emits(st, e, "{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"r2\",\"timestamp\":6}]}"),
		  0);
	CHECK_INT(line_emits(st, e, L1("1,\"completionTokens\"", "3")), 1);
	/* cut away after counting: still counted, as it was (billed) */
	CHECK_INT(line_emits(st, e, "{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"r3\"}],\"i\":1}"), 0);
	CHECK_INT(e->n, 2);
	REQ(e, "r2", "unknown", 6, 0, 3);
	/* a snapshot restating the same requests changes nothing... */
	CHECK_INT(line_emits(st, e, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[{\"requestId\":\"r1\","
				    "\"timestamp\":5,\"modelId\":\"copilot/m\",\"promptTokens\":11,"
				    "\"result\":{\"metadata\":{\"resolvedModel\":\"m2\"}}}]}}"),
		  0);
	/* ...one naming another session moves them there */
	CHECK_INT(line_emits(st, e, "{\"kind\":0,\"v\":{\"sessionId\":\"s2\",\"requests\":[{\"requestId\":\"r1\","
				    "\"timestamp\":5,\"modelId\":\"copilot/m\",\"promptTokens\":11}]}}"),
		  1);
	CHECK_STR(find(e, "r1")->session, "s2");
	CHECK_STR(find(e, "r1")->model, "m"); /* no resolvedModel any more */
	CHECK_INT(e->retracted, 0);
#undef L1
	free(st);
	free(e);
}

static void test_retract(void)
{
	/* Counted, then its counts deleted without leaving the table: a
	 * replay of the whole file would not count it, so it is withdrawn. */
	events *e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
			      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
			      "{\"kind\":3,\"k\":[\"requests\",0,\"promptTokens\"]}\n");
	CHECK_INT(e->n, 0);
	CHECK_INT(e->retracted, 1);
	/* the same with its timestamp, in a session without a creationDate */
	e = parse_log("{\"kind\":0,\"v\":{\"requests\":[" RQ("r1", 1000, "copilot/m") "]}}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"timestamp\"],\"v\":null}\n");
	CHECK_INT(e->n, 0);
	CHECK_INT(e->retracted, 1);
	/* Cut away counting, then back under the same id: the copy in the
	 * table counts while it counts, else what the first had when it left. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r1", 1000, "copilot/m") "],\"i\":0}\n");
	REQ(e, "r1", "m", 1000, 5, 0);
	CHECK_INT(e->retracted, 0);
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r1", 1000, "copilot/m") "],\"i\":0}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":7}\n");
	REQ(e, "r1", "m", 1000, 7, 0);
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":2,\"k\":[\"requests\"],\"v\":[" RQ("r1", 1000, "copilot/m") "],\"i\":0}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":7}\n"
		      "{\"kind\":3,\"k\":[\"requests\",0,\"promptTokens\"]}\n");
	REQ(e, "r1", "m", 1000, 5, 0);
	CHECK_INT(e->retracted, 0);
	/* Two requests with one id in the table: the last that counts. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/a") "," RQ("r1", 2000, "copilot/b"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":1,\"k\":[\"requests\",1,\"promptTokens\"],\"v\":6}\n");
	REQ(e, "r1", "b", 2000, 6, 0);
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/a") "," RQ("r1", 2000, "copilot/b"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":1,\"k\":[\"requests\",1,\"promptTokens\"],\"v\":6}\n"
		      "{\"kind\":3,\"k\":[\"requests\",1,\"promptTokens\"]}\n");
	REQ(e, "r1", "a", 1000, 5, 0);
	/* A requestId changed: the old id counts as it left, the new one on. */
	e = parse_log(SNAP(RQ("r1", 1000, "copilot/m"))
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":5}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"requestId\"],\"v\":\"r9\"}\n"
		      "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":8}\n");
	REQ(e, "r1", "m", 1000, 5, 0);
	REQ(e, "r9", "m", 1000, 8, 0);
}

/* Reads a file into a string. */
static char *slurp(const char *path, size_t *len)
{
	gchar *data = NULL;
	gsize n = 0;
	CHECK(g_file_get_contents(path, &data, &n, NULL));
	*len = n;
	return data;
}

static void each_log(const char *dir, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			each_log(path, out);
		else if (g_str_has_suffix(name, ".jsonl") &&
			 (strstr(path, "/chatSessions/") || strstr(path, "/emptyWindowChatSessions/")))
			g_ptr_array_add(out, g_strdup(path));
		g_free(path);
	}
	g_dir_close(d);
}

static void test_fixtures(void)
{
	/* Every fixture log: read whole, resumed before every line and
	 * appended in pieces, the same store. */
	GPtrArray *logs = g_ptr_array_new_with_free_func(g_free);
	each_log(AU_SOURCE_DIR "/fixtures/rules/vscode-sessions", logs);
	each_log(AU_SOURCE_DIR "/fixtures/rules/vscode-traps", logs);
	CHECK(logs->len >= 6);
	static events whole;
	for (guint i = 0; i < logs->len; i++) {
		size_t len;
		char *data = slurp(logs->pdata[i], &len);
		read_log(data, len, &whole);
		if (check_resumed(data, len, &whole, __LINE__))
			fprintf(stderr, "  in %s\n", (char *)logs->pdata[i]);
		if (strstr(logs->pdata[i], "/a4c1e2f0-")) {
			/* hand-counted in fixtures/rules/vscode-sessions/truth.json */
			CHECK_INT(whole.n, 4);
			REQ(&whole, "request_00000000-0000-0000-0000-000000001001", "claude-sonnet-4.5", 1775811600000,
			    18561, 612);
			REQ(&whole, "request_00000000-0000-0000-0000-000000001002", "gpt-4.1", 1775812200000, 9000,
			    400);
			REQ(&whole, "request_00000000-0000-0000-0000-000000001004", "claude-opus-4.6", 1775894400000,
			    30000, 2100);
		}
		if (strstr(logs->pdata[i], "/01aa0000-")) {
			/* a corrupt second line: the snapshot's request counts as
			 * the first line has it, nothing after the bad line */
			CHECK_INT(whole.r, -EINVAL);
			CHECK_INT(whole.n, 1);
			REQ(&whole, "request_t1a", "gpt-4.1", 1777626001000, 111, 11);
		}
		g_free(data);
	}
	g_ptr_array_free(logs, TRUE);
}

/* Rows by key, for logs too big for an events table. */
typedef struct tally {
	GHashTable *rows;
	int events, retracts;
} tally;

static int tally_put(void *ctx, const au_event *ev)
{
	tally *t = ctx;
	if (ev->retract) {
		t->retracts++;
		CHECK(g_hash_table_remove(t->rows, ev->key));
	} else {
		t->events++;
		g_hash_table_replace(t->rows, g_strdup(ev->key), GINT_TO_POINTER((int)ev->tok.input));
	}
	return 0;
}

static int tally_line(void *st, tally *t, const char *line)
{
	au_err err;
	size_t n = strlen(line);
	if (!au_parser_vscode.candidate(line, n))
		return 0;
	int r = au_parser_vscode.parse_line_emit(st, line, n, tally_put, t, &err);
	return r;
}

static void test_bounds(void)
{
	const au_parser_ops *p = &au_parser_vscode;
	tally t = {.rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	void *st = state_new(p, LOG_PATH);
	char line[1024];
	int r = 0;

	/* The table holds 512 requests; the 513th is too many: the log is
	 * given up: what it counted stays, nothing more is read. */
	CHECK_INT(tally_line(st, &t, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[]}}"), 0);
	for (int i = 0; i < 512 && r == 0; i++) {
		snprintf(line, sizeof(line),
			 "{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"request_%08d-0000-4000-8000-"
			 "000000000000\",\"timestamp\":%d,\"modelId\":\"copilot/gpt-4.1\",\"promptTokens\":%d}]}",
			 i, 1000 + i, 1 + i);
		r = tally_line(st, &t, line);
		if (i % 100 == 99)
			st = resume(st);
	}
	CHECK_INT(r, 0);
	CHECK_INT(g_hash_table_size(t.rows), 512);
	char *text = p->save(st);
	CHECK(strlen(text) < 150 * 1024);
	free(text);
	r = tally_line(st, &t, "{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"one-more\"}]}");
	CHECK_INT(r, -EFBIG);
	CHECK_INT(g_hash_table_size(t.rows), 512); /* what counted stays */
	CHECK_INT(t.retracts, 0);
	/* given up: the rest of the file changes nothing, also after a resume */
	st = resume(st);
	CHECK_INT(tally_line(st, &t, "{\"kind\":0,\"v\":{\"requests\":[{\"requestId\":\"x\",\"timestamp\":1,"
				     "\"promptTokens\":1}]}}"),
		  0);
	CHECK_INT(g_hash_table_size(t.rows), 512);
	free(st);

	/* Thousands of turns edited away: the ids that only left the table
	 * give way (the oldest first), the state stays bounded, nothing
	 * already counted is withdrawn. */
	g_hash_table_remove_all(t.rows);
	t.events = t.retracts = 0;
	st = state_new(p, LOG_PATH);
	tally_line(st, &t, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[]}}");
	r = 0;
	for (int i = 0; i < 3000 && r == 0; i++) {
		snprintf(line, sizeof(line),
			 "{\"kind\":2,\"k\":[\"requests\"],\"i\":%d,\"v\":[{\"requestId\":\"request_%08d-0000-4000-"
			 "8000-000000000000\",\"timestamp\":%d,\"modelId\":\"copilot/model-%d\",\"promptTokens\":%d}]}",
			 i % 3, i, 1000 + i, i % 700, 1 + i);
		r = tally_line(st, &t, line);
		if (i % 500 == 499)
			st = resume(st);
	}
	CHECK_INT(r, 0);
	CHECK_INT(g_hash_table_size(t.rows), 3000);
	CHECK_INT(t.retracts, 0);
	text = p->save(st);
	CHECK(strlen(text) < 150 * 1024);
	free(text);
	free(st);

	/* Long ids and model names beyond the pool: given up the same way. */
	g_hash_table_remove_all(t.rows);
	t.events = t.retracts = 0;
	st = state_new(p, LOG_PATH);
	tally_line(st, &t, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[]}}");
	char pad[181];
	memset(pad, 'x', 180);
	pad[180] = '\0';
	r = 0;
	int i;
	for (i = 0; i < 512 && r == 0; i++) {
		snprintf(line, sizeof(line),
			 "{\"kind\":2,\"k\":[\"requests\"],\"v\":[{\"requestId\":\"%s%05d\",\"timestamp\":1,"
			 "\"modelId\":\"m%s%05d\",\"promptTokens\":1}]}",
			 pad, i, pad, i);
		r = tally_line(st, &t, line);
	}
	CHECK_INT(r, -EFBIG);
	CHECK(i > 100 && i < 200); /* 64 KiB of two 186-byte strings a request */
	CHECK_INT(g_hash_table_size(t.rows), (unsigned)(i - 1)); /* all but the one that did not fit */
	free(st);

	/* One request whose model name keeps changing: the names it no
	 * longer has are collected. */
	g_hash_table_remove_all(t.rows);
	t.events = t.retracts = 0;
	st = state_new(p, LOG_PATH);
	tally_line(st, &t, "{\"kind\":0,\"v\":{\"sessionId\":\"s\",\"requests\":[{\"requestId\":\"r\","
			   "\"timestamp\":1,\"promptTokens\":1}]}}");
	r = 0;
	for (i = 0; i < 2000 && r == 0; i++) {
		snprintf(line, sizeof(line), "{\"kind\":1,\"k\":[\"requests\",0,\"modelId\"],\"v\":\"%s%05d\"}",
			 pad, i);
		r = tally_line(st, &t, line);
	}
	CHECK_INT(r, 0);
	CHECK_INT(t.retracts, 0);
	CHECK_INT(g_hash_table_size(t.rows), 1);
	free(st);
	g_hash_table_destroy(t.rows);
}

static void test_state(void)
{
	const au_parser_ops *p = &au_parser_vscode;
	void *st = state_new(p, LOG_PATH);
	au_err err;
	/* a fresh state: its session is the file stem */
	char *text = p->save(st);
	CHECK_STR(text, "vscode-jsonl 1 0 -1 1 0 0 1 a4c1e2f0-1b2c");
	free(text);
	static const char *const bad[] = {
		"",
		"vscode-jsonl 2 0 -1 0 0 0 0",
		"vscode-jsonl 1 0 -1 0 0 0 0 extra",
		"vscode-jsonl 1 0 -1 0 0 0 0 ",
		"vscode-jsonl 1 0 -1 0 0 0 0\n",
		"vscode-jsonl 1 0 -1 0 0 0  0",
		"vscode-jsonl 1 0 -1 0 0 0 +0",
		"vscode-jsonl 1 0 -1 0 0 0 1",       /* a session string that is not there */
		"vscode-jsonl 1 0 -1 1 0 0 1 a%00",  /* a NUL */
		"vscode-jsonl 1 0 -1 1 0 0 1 a%4",   /* a short escape */
		"vscode-jsonl 1 0 -1 1 0 0 1 a%",
		"vscode-jsonl 1 0 -1 1 0 0 1 a\x01", /* a raw control byte */
		"vscode-jsonl 1 0 -2 0 0 0 0",       /* a creationDate out of range */
		"vscode-jsonl 1 0 -1 0 513 0 0",     /* more requests than the table holds */
		"vscode-jsonl 1 1 -1 1 0 0 1 s",     /* given up, yet a table */
		"vscode-jsonl 1 0 -1 1 0 0 1 "
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		/* a request whose id has no entry */
		"vscode-jsonl 1 0 -1 1 1 0 0 r 1 0 0 1 -1 5 -1 -1 -1",
		/* an entry nothing holds */
		"vscode-jsonl 1 0 -1 1 0 1 0 r 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
		/* one id twice */
		"vscode-jsonl 1 0 -1 1 0 2 0 r 1 0 0 0 0 0 0 0 1 5 1 0 0 0 0 1 0 0 0 0 0 0 0 1 5 1 0 0 0 0",
		/* a count that is no usage */
		"vscode-jsonl 1 0 -1 1 0 1 0 r 1 0 0 0 0 0 0 0 1 5 0 0 0 0 0",
		/* an absent count that is not all 0 */
		"vscode-jsonl 1 0 -1 1 0 1 0 r 1 0 0 0 0 1 0 0 1 5 1 0 0 0 0",
		/* counts beyond AU_TOKENS_MAX */
		"vscode-jsonl 1 0 -1 1 1 1 0 r 1 0 0 1 1000000000001 -1 -1 -1 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
		/* a number of 19 digits */
		"vscode-jsonl 1 0 -1 0 0 0 0000000000000000000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (p->load(st, bad[i], &err) != -EINVAL)
			fprintf(stderr, "loaded: %s\n", bad[i]), check_failures++;
		CHECK(err.msg[0] != '\0');
	}
	/* a refused text leaves a fresh state */
	text = p->save(st);
	CHECK_STR(text, "vscode-jsonl 1 0 -1 1 0 0 1 a4c1e2f0-1b2c");
	free(text);

	/* One that loads: escapes decoded, then written the one way. */
	static const char good[] = "vscode-jsonl 1 0 1000 4 1 2 1 s%41 r%20%25%c3%a9 copilot/m old"
				   " 2 3 0 -1 7 -1 -1 -1"
				   " 2 1 1000 7 0 3 0 1 0 0 0 0 0 0 0"
				   " 4 0 0 0 0 0 0 0 1 5 6 7 3 0 1";
	CHECK_INT(p->load(st, good, &err), 0);
	text = p->save(st);
	CHECK_STR(text, "vscode-jsonl 1 0 1000 4 1 2 1 sA r%20%25%C3%A9 copilot/m old 2 3 0 -1 7 -1 -1 -1"
			" 2 1 1000 7 0 3 0 1 0 0 0 0 0 0 0 4 0 0 0 0 0 0 0 1 5 6 7 3 0 1");
	free(text);
	/* and it goes on from there: r's count changes, old is still counted */
	tally t = {.rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	CHECK_INT(tally_line(st, &t, "{\"kind\":1,\"k\":[\"requests\",0,\"promptTokens\"],\"v\":8}"), 0);
	CHECK_INT(t.events, 1);
	CHECK(g_hash_table_contains(t.rows, "v:r %\xc3\xa9"));
	g_hash_table_destroy(t.rows);
	/* given up: nothing else */
	CHECK_INT(p->load(st, "vscode-jsonl 1 1 -1 0 0 0 0", &err), 0);
	text = p->save(st);
	CHECK_STR(text, "vscode-jsonl 1 1 -1 0 0 0 0");
	free(text);
	free(st);

	/* Ids and names of any bytes go through a save and come back. */
	events *e = parse_log(SNAP("{\"requestId\":\"r 1%\\u00e9\\n\\u0001\",\"timestamp\":5,"
				   "\"modelId\":\"copilot/\\\"odd\\\" model\",\"promptTokens\":3}"));
	REQ(e, "r 1%\xc3\xa9\n\x01", "\"odd\" model", 5, 3, 0);
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
	extern const au_parser_ops au_parser_vscode_traces;
	CHECK(au_file_parser(AU_SRC_VSCODE, "/h/.config/Code/User/globalStorage/github.copilot-chat/agent-traces.db") ==
	      &au_parser_vscode_traces);
	CHECK(au_file_parser(AU_SRC_VSCODE, "/h/.config/Code/User/globalStorage/other/agent-traces.db") == NULL);
	CHECK(au_file_parser(AU_SRC_VSCODE, "agent-traces.db") == NULL);

	/* Code's folders always; the other builds' when installed. */
	char *home = g_dir_make_tmp("au-vscode-XXXXXX", NULL);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	au_root *roots = au_roots_get(AU_SRC_VSCODE);
	char *want = g_strdup_printf("%s/.config/Code/User/workspaceStorage", home);
	CHECK_STR(roots[0].dir, want);
	g_free(want);
	CHECK(roots[1].dir != NULL && strstr(roots[1].dir, "/Code/User/globalStorage/emptyWindowChatSessions"));
	/* the span database's directory, read for that file alone */
	CHECK(roots[2].dir != NULL && au_ends_with(roots[2].dir, "/Code/User/globalStorage/github.copilot-chat"));
	CHECK(au_source_walks_dir(AU_SRC_VSCODE, roots[2].dir, roots[2].dir));
	want = g_strdup_printf("%s/debug-logs", roots[2].dir);
	CHECK(!au_source_walks_dir(AU_SRC_VSCODE, roots[2].dir, want));
	g_free(want);
	CHECK(au_source_walks_dir(AU_SRC_VSCODE, roots[0].dir, WS));
	CHECK(roots[3].dir == NULL);
	au_roots_free(roots);
	char *server = g_strdup_printf("%s/.vscode-server", home);
	g_mkdir(server, 0700);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	roots = au_roots_get(AU_SRC_VSCODE);
	CHECK_STR(roots[0].dir, "/xdg/Code/User/workspaceStorage");
	want = g_strdup_printf("%s/data/User/workspaceStorage", server);
	CHECK(roots[3].dir != NULL && strcmp(roots[3].dir, want) == 0);
	g_free(want);
	CHECK(roots[6].dir == NULL);
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
	char *got = au_source_project(AU_SRC_VSCODE, ws);
	CHECK(got == NULL); /* no workspace.json at all */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		g_file_set_contents(file, cases[i].json, -1, NULL);
		got = au_source_project(AU_SRC_VSCODE, ws);
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
	test_emits();
	test_retract();
	test_fixtures();
	test_bounds();
	test_state();
	test_values();
	test_json();
	test_sources();
	return check_done("test_vscode");
}
