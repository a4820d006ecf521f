/*
 * A NUL inside an id: JSON can spell one (\u0000), and a C string cut short
 * there would make "a\u0000b" and "a\u0000c" one session (or one response).
 * Every parser that reads ids must reject such a line (document, row) with
 * a message, as the JSON scanner rejects a raw control character. Each case
 * runs twice on a fresh state: with the id "ab" it must give an event that
 * carries "ab"; with "a\u0000b" it must fail naming the NUL, and nothing
 * it gives may carry the cut-short "a".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cursor.h"
#include "jsonscan.h"
#include "parser.h"

extern const au_parser_ops au_parser_copilot, au_parser_copilot_otel, au_parser_gemini, au_parser_gemini_json,
	au_parser_opencode_json, au_parser_vscode, au_parser_vscode_json;

#define MAXEV 16

typedef struct outcome {
	au_event ev[MAXEV];
	int n;
	int errors;
	au_err err; /* the last error */
} outcome;

static int collect(void *ctx, const au_event *ev)
{
	outcome *o = ctx;
	if (o->n < MAXEV)
		o->ev[o->n++] = *ev;
	return 0;
}

/* tmpl with every '@' replaced by id */
static char *expand(const char *tmpl, const char *id)
{
	size_t n = strlen(tmpl) + 1;
	for (const char *p = tmpl; *p; p++)
		if (*p == '@')
			n += strlen(id);
	char *out = malloc(n), *o = out;
	for (const char *p = tmpl; *p; p++) {
		if (*p == '@') {
			memcpy(o, id, strlen(id));
			o += strlen(id);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* Runs the inputs (lines, or one document) through p on one state. */
static void run_inputs(const au_parser_ops *p, const char *path, const char *const *tmpls, const char *id,
		       outcome *o)
{
	memset(o, 0, sizeof(*o));
	void *st = calloc(1, p->state_size ? p->state_size : 1);
	if (p->init)
		p->init(st, path);
	for (const char *const *t = tmpls; *t; t++) {
		char *text = expand(*t, id);
		size_t len = strlen(text);
		char *copy = malloc(len); /* exact size: no terminator to lean on */
		memcpy(copy, text, len);
		au_err err = {{0}};
		int r = 0;
		if (p->parse_file) {
			r = p->parse_file(st, copy, len, collect, o, &err);
		} else if (p->parse_line_emit) {
			if (p->candidate(copy, len))
				r = p->parse_line_emit(st, copy, len, collect, o, &err);
		} else if (p->candidate(copy, len)) {
			au_event ev;
			memset(&ev, 0, sizeof(ev));
			r = p->parse_line(st, copy, len, &ev, &err);
			if (r == 1)
				collect(o, &ev);
		}
		if (r < 0) {
			o->errors++;
			o->err = err;
		}
		free(copy);
		free(text);
	}
	free(st);
}

static bool carries(const au_event *ev, const char *s)
{
	return strcmp(ev->session, s) == 0 || strcmp(ev->msg_id, s) == 0 || strstr(ev->key, s) != NULL;
}

/* what: the start of the message expected ("session id", ...) */
static void check_case(const char *name, const au_parser_ops *p, const char *path, const char *const *tmpls,
		       const char *what)
{
	int before = check_failures;
	outcome o;
	run_inputs(p, path, tmpls, "ab", &o);
	CHECK_INT(o.errors, 0);
	bool found = false;
	for (int i = 0; i < o.n; i++)
		found = found || carries(&o.ev[i], "ab");
	CHECK(found);

	run_inputs(p, path, tmpls, "a\\u0000b", &o);
	CHECK(o.errors >= 1);
	CHECK(strstr(o.err.msg, what) == o.err.msg);
	CHECK(strstr(o.err.msg, "holds a NUL character (\\u0000)") != NULL);
	for (int i = 0; i < o.n; i++)
		CHECK(strcmp(o.ev[i].session, "a") != 0 && strcmp(o.ev[i].msg_id, "a") != 0);
	if (check_failures != before)
		fprintf(stderr, "  (case %s; last error: %s)\n", name, o.err.msg);
}

#define CASE(name, p, path, what, ...)                                                   \
	do {                                                                             \
		static const char *const tmpls_[] = {__VA_ARGS__, NULL};               \
		check_case(name, p, path, tmpls_, what);                                 \
	} while (0)

/* ---- the scanner's part ---- */

static void test_js_id(void)
{
	js_doc d;
	js_doc_init(&d);
	char buf[16];
	const char *src = "{\"a\":\"x\\u0000y\",\"b\":\"xy\",\"c\":\"x\\\\u0000y\",\"n\":1}";
	CHECK_INT(js_parse(&d, src, strlen(src), NULL), 0);
	CHECK_INT(js_get_id(&d, 0, "a", buf, sizeof(buf)), -EILSEQ);
	CHECK_STR(buf, "");
	CHECK_INT(js_get_id(&d, 0, "b", buf, sizeof(buf)), 2);
	CHECK_STR(buf, "xy");
	/* an escaped backslash before "u0000" is no NUL */
	CHECK_INT(js_get_id(&d, 0, "c", buf, sizeof(buf)), 8);
	CHECK_STR(buf, "x\\u0000y");
	CHECK_INT(js_get_id(&d, 0, "n", buf, sizeof(buf)), -1);
	CHECK_INT(js_get_id(&d, 0, "missing", buf, sizeof(buf)), -1);
	CHECK_INT(js_get_id(&d, 0, "b", buf, 2), -1); /* too long */
	/* js_str still hands the bytes over: its length says where they end */
	CHECK_INT(js_str(&d, js_get(&d, 0, "a"), buf, sizeof(buf)), 3);
	js_doc_release(&d);
}

/* ---- each parser ---- */

#define CL_LINE(session, msg, req)                                                                       \
	"{\"type\":\"assistant\",\"cwd\":\"/w\",\"sessionId\":\"" session "\",\"requestId\":\"" req "\","   \
	"\"timestamp\":\"2025-10-01T10:00:00.000Z\",\"message\":{\"id\":\"" msg "\",\"model\":\"claude-x\"," \
	"\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}"

static void test_claude(void)
{
	const char *path = "/h/.claude/projects/-w/f.jsonl";
	CASE("claude session", &au_parser_claude, path, "session id", CL_LINE("@", "m1", "r1"));
	CASE("claude message", &au_parser_claude, path, "message id", CL_LINE("s", "@", "r1"));
	CASE("claude request", &au_parser_claude, path, "request id", CL_LINE("s", "m1", "@"));
}

static void test_codex(void)
{
	CASE("codex session", &au_parser_codex, "/h/.codex/sessions/2025/10/01/rollout-x.jsonl", "session id",
	     "{\"timestamp\":\"2025-10-01T10:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"@\","
	     "\"cwd\":\"/w\"}}",
	     "{\"timestamp\":\"2025-10-01T10:00:00.000Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}",
	     "{\"timestamp\":\"2025-10-01T10:00:01.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\","
	     "\"info\":{\"total_token_usage\":{\"input_tokens\":10,\"cached_input_tokens\":0,\"output_tokens\":5,"
	     "\"reasoning_output_tokens\":0}}}}");
}

#define CP_START(sid)                                                                                     \
	"{\"type\":\"session.start\",\"data\":{\"sessionId\":\"" sid "\",\"context\":{\"cwd\":\"/w\"}},"     \
	"\"id\":\"e0\",\"timestamp\":\"2026-03-01T09:00:00.000Z\"}"
#define CP_SHUTDOWN(id)                                                                                   \
	"{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"gpt-4.1\":{\"usage\":{\"inputTokens\":10," \
	"\"outputTokens\":1,\"cacheReadTokens\":0,\"cacheWriteTokens\":0}}}},\"id\":\"" id "\","           \
	"\"timestamp\":\"2026-03-01T10:00:00.000Z\"}"

static void test_copilot(void)
{
	const char *path = "/h/.copilot/session-state/s1/events.jsonl";
	CASE("copilot session", &au_parser_copilot, path, "session id", CP_START("@"), CP_SHUTDOWN("x1"));
	CASE("copilot shutdown", &au_parser_copilot, path, "session.shutdown id", CP_START("s"), CP_SHUTDOWN("@"));
}

#define OTEL(conv, resp)                                                                                  \
	"{\"type\":\"span\",\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"00f067aa0ba902b7\","  \
	"\"name\":\"chat gpt-4.1\",\"startTime\":[1772359100,0],\"endTime\":[1772359200,0],\"attributes\":{"  \
	"\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":\"gpt-4.1\",\"gen_ai.conversation.id\":\"" \
	conv "\",\"gen_ai.response.id\":\"" resp "\",\"gen_ai.usage.input_tokens\":10,"                      \
	"\"gen_ai.usage.output_tokens\":3}}"

static void test_copilot_otel(void)
{
	const char *path = "/h/otel/copilot.jsonl";
	CASE("otel session", &au_parser_copilot_otel, path, "session id", OTEL("@", "r1"));
	/* the response id goes into a hashed key: the good run is seen by
	 * its session */
	static const char *const resp[] = {OTEL("ab", "@"), NULL};
	outcome o;
	run_inputs(&au_parser_copilot_otel, path, resp, "a\\u0000b", &o);
	CHECK_INT(o.errors, 1);
	CHECK(strstr(o.err.msg, "trace, span or response id holds a NUL") == o.err.msg);
	CHECK_INT(o.n, 0);
}

static void test_cursor(void)
{
	void *st = calloc(1, au_parser_cursor.state_size);
	au_parser_cursor.init(st, "/h/.config/Cursor/User/globalStorage/state.vscdb");
	outcome o = {0};
	au_err err;
	const char *value = "{\"type\":2,\"tokenCount\":{\"inputTokens\":5,\"outputTokens\":1},\"createdAt\":1794816000000}";
	/* the chat id from the key column: "bubbleId:c<NUL>x:b1" */
	static const char key[] = "bubbleId:c\0x:b1";
	const char *cols[2] = {key, value};
	size_t lens[2] = {sizeof(key) - 1, strlen(value)};
	CHECK_INT(au_parser_cursor.parse_row(st, 2, cols, lens, collect, &o, &err), -EINVAL);
	CHECK(strstr(err.msg, "chat or message id holds a NUL") == err.msg);
	CHECK_INT(o.n, 0);
	/* the same without the NUL is counted */
	cols[0] = "bubbleId:cx:b1";
	lens[0] = strlen(cols[0]);
	CHECK_INT(au_parser_cursor.parse_row(st, 2, cols, lens, collect, &o, &err), 0);
	CHECK_INT(o.n, 1);
	CHECK_STR(o.ev[0].session, "cx");

	/* an older build's chat: the message id is JSON */
	const char *tmpl = "{\"createdAt\":1794816000000,\"conversation\":[{\"bubbleId\":\"@\",\"type\":2,"
			   "\"tokenCount\":{\"inputTokens\":5,\"outputTokens\":1}}]}";
	for (int bad = 0; bad < 2; bad++) {
		char *v = expand(tmpl, bad ? "a\\u0000b" : "ab");
		const char *c2[2] = {"composerData:c2", v};
		size_t l2[2] = {strlen(c2[0]), strlen(v)};
		memset(&o, 0, sizeof(o));
		memset(&err, 0, sizeof(err));
		int r = au_parser_cursor.parse_row(st, 2, c2, l2, collect, &o, &err);
		if (bad) {
			CHECK_INT(r, -EINVAL);
			CHECK(strstr(err.msg, "bubbleId holds a NUL") == err.msg);
			CHECK_INT(o.n, 0);
		} else {
			CHECK_INT(r, 0);
			CHECK_INT(o.n, 1);
			CHECK(o.n == 1 && strstr(o.ev[0].key, ":ab") != NULL);
		}
		free(v);
	}
	free(st);
}

#define GM_MSG(id)                                                                                       \
	"{\"id\":\"" id "\",\"timestamp\":\"2025-11-20T09:00:05.000Z\",\"type\":\"gemini\","              \
	"\"tokens\":{\"input\":10,\"output\":2,\"cached\":0,\"thoughts\":0,\"tool\":0,\"total\":12}}"

static void test_gemini(void)
{
	const char *path = "/h/.gemini/tmp/p/chats/session-2025-11-20T09-00-3f2a.jsonl";
	CASE("gemini session", &au_parser_gemini, path, "sessionId",
	     "{\"sessionId\":\"@\",\"projectHash\":\"x\",\"startTime\":\"2025-11-20T09:00:00.000Z\"}", GM_MSG("m1"));
	CASE("gemini message", &au_parser_gemini, path, "message id",
	     "{\"sessionId\":\"s\",\"projectHash\":\"x\"}", GM_MSG("@"));
	CASE("gemini document", &au_parser_gemini_json, "/h/.gemini/tmp/p/chats/session-2025-11-20T09-00-3f2a.json",
	     "sessionId", "{\"sessionId\":\"@\",\"messages\":[" GM_MSG("m1") "]}");
}

static void test_opencode(void)
{
	const char *path = "/h/.local/share/opencode/storage/message/ses_1/msg_1.json";
	const char *body = "\"role\":\"assistant\",\"time\":{\"created\":1767348001000},\"modelID\":\"m\","
			   "\"tokens\":{\"input\":1,\"output\":2}}";
	char sess[512], id[512];
	snprintf(sess, sizeof(sess), "{\"id\":\"m1\",\"sessionID\":\"@\",%s", body);
	snprintf(id, sizeof(id), "{\"id\":\"@\",\"sessionID\":\"s\",%s", body);
	const char *const a[] = {sess, NULL}, *const b[] = {id, NULL};
	check_case("opencode session", &au_parser_opencode_json, path, a, "sessionID");
	/* the JSON's id goes before the file's name */
	check_case("opencode message", &au_parser_opencode_json, path, b, "message id");
}

#define VS_SNAP(sid, rid)                                                                               \
	"{\"kind\":0,\"v\":{\"version\":3,\"creationDate\":1775811540000,\"sessionId\":\"" sid "\","      \
	"\"requests\":[{\"requestId\":\"" rid "\",\"timestamp\":1775811550000,\"modelId\":\"gpt-4.1\","   \
	"\"promptTokens\":10,\"completionTokens\":2}]}}"

static void test_vscode(void)
{
	const char *path = "/h/.config/Code/User/workspaceStorage/w/chatSessions/stem.jsonl";
	CASE("vscode session", &au_parser_vscode, path, "sessionId", VS_SNAP("@", "r1"));
	CASE("vscode request", &au_parser_vscode, path, "requestId", VS_SNAP("s", "@"));
	/* a request id set on its own */
	CASE("vscode set requestId", &au_parser_vscode, path, "requestId", VS_SNAP("s", "r0"),
	     "{\"kind\":1,\"k\":[\"requests\",0,\"requestId\"],\"v\":\"@\"}");
	const char *jpath = "/h/.config/Code/User/workspaceStorage/w/chatSessions/stem.json";
	CASE("vscode document session", &au_parser_vscode_json, jpath, "sessionId",
	     "{\"version\":3,\"sessionId\":\"@\",\"requests\":[{\"requestId\":\"r1\",\"timestamp\":5,"
	     "\"promptTokens\":10,\"completionTokens\":2}]}");
	CASE("vscode document request", &au_parser_vscode_json, jpath, "requestId",
	     "{\"version\":3,\"sessionId\":\"s\",\"requests\":[{\"requestId\":\"@\",\"timestamp\":5,"
	     "\"promptTokens\":10,\"completionTokens\":2}]}");
}

int main(void)
{
	test_js_id();
	test_claude();
	test_codex();
	test_copilot();
	test_copilot_otel();
	test_cursor();
	test_gemini();
	test_opencode();
	test_vscode();
	return check_done("test_id_nul");
}
