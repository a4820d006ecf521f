/*
 * Direct unit tests of parsers/: literal log lines through each parser's
 * candidate() and parse_line(), with every field of the resulting event
 * checked against numbers worked out by hand beside it. The Codex tests
 * walk one state through a file's worth of lines, so the cumulative
 * counters, restarts and save()/load() are covered as the scanner uses them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"

typedef struct parsed {
	int r;
	au_event ev;
	au_err err;
} parsed;

/* Parses one line (a C string) on `state`; candidate() must agree that the
 * line can matter whenever the parser returns anything but 0. */
static parsed run(const au_parser_ops *p, void *state, const char *line)
{
	parsed out;
	memset(&out, 0, sizeof(out));
	size_t len = strlen(line);
	/* An exact-size copy: parsers get (ptr, len), never a terminator. */
	char *copy = malloc(len ? len : 1);
	memcpy(copy, line, len);
	bool cand = p->candidate(copy, len);
	out.r = p->parse_line(state, copy, len, &out.ev, &out.err);
	free(copy);
	if (out.r != 0 && !cand)
		fprintf(stderr, "candidate() refused a line the parser used: %s\n", line);
	CHECK(out.r == 0 || cand);
	if (out.r < 0)
		CHECK(out.err.msg[0] != '\0');
	return out;
}

static void check_tokens(const au_event *ev, int64_t in, int64_t cc5m, int64_t cc1h, int64_t cr,
			 int64_t out, int64_t reasoning, int line)
{
	int before = check_failures;
	CHECK_INT(ev->tok.input, in);
	CHECK_INT(ev->tok.cache_create_5m, cc5m);
	CHECK_INT(ev->tok.cache_create_1h, cc1h);
	CHECK_INT(ev->tok.cache_read, cr);
	CHECK_INT(ev->tok.output, out);
	CHECK_INT(ev->tok.reasoning, reasoning);
	if (check_failures != before)
		fprintf(stderr, "  (tokens checked from line %d)\n", line);
}
#define TOKENS(ev, in, cc5m, cc1h, cr, out, rs) check_tokens(ev, in, cc5m, cc1h, cr, out, rs, __LINE__)

/* ---- Claude Code ---------------------------------------------------- */

#define CL_PATH "/home/u/.claude/projects/-home-u-proj/file-sess.jsonl"

static void *claude_new(const char *path)
{
	void *st = calloc(1, au_parser_claude.state_size);
	au_parser_claude.init(st, path);
	return st;
}

static void test_claude_record(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;

	/* A full record: cache creation 300 split 100 (5m) + 200 (1h). */
	parsed x = run(p, st,
		       "{\"type\":\"assistant\",\"isSidechain\":false,\"cwd\":\"/home/u/p\","
		       "\"sessionId\":\"sess1\",\"requestId\":\"req_1\","
		       "\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"msg_1\","
		       "\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":10,"
		       "\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":40,"
		       "\"output_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,"
		       "\"ephemeral_1h_input_tokens\":200}}}}");
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.source, AU_SRC_CLAUDE);
	CHECK_INT(x.ev.dedup, AU_DEDUP_BEST);
	CHECK_STR(x.ev.key, "c:msg_1\x1f"
			    "req_1");
	CHECK_STR(x.ev.msg_id, "msg_1");
	CHECK(!x.ev.sidechain);
	CHECK_INT(x.ev.ts_ms, INT64_C(1759322096789));
	CHECK_STR(x.ev.session, "sess1");
	CHECK_STR(x.ev.model, "claude-sonnet-4-5-20250929");
	CHECK_STR(x.ev.cwd, "/home/u/p");
	CHECK(!x.ev.model_fallback);
	TOKENS(&x.ev, 10, 100, 200, 40, 5, 0);
	CHECK_INT(au_tokens_total(&x.ev.tok), 10 + 300 + 40 + 5);

	/* No requestId: the key says "none"; an empty one too. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"msg_2\","
		"\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.key, "c:msg_2\x1fnone");
	CHECK_STR(x.ev.msg_id, "msg_2");
	x = run(p, st,
		"{\"requestId\":\"\",\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":"
		"{\"id\":\"msg_2\",\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.key, "c:msg_2\x1fnone");
	/* ...and without sessionId / cwd, the path's session and project. */
	CHECK_STR(x.ev.session, "file-sess");
	CHECK_STR(x.ev.cwd, "-home-u-proj");

	/* No message.id: an empty key (the store keys it by position). */
	x = run(p, st,
		"{\"requestId\":\"req_3\",\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":"
		"{\"model\":\"m\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.key, "");
	CHECK_STR(x.ev.msg_id, "");
	TOKENS(&x.ev, 1, 0, 0, 0, 2, 0);

	/* Sidechain flag; no model at all is "unknown", as is an empty one. */
	x = run(p, st,
		"{\"isSidechain\":true,\"requestId\":\"r\",\"timestamp\":\"2025-10-01T12:34:56.789Z\","
		"\"message\":{\"id\":\"i\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}");
	CHECK_INT(x.r, 1);
	CHECK(x.ev.sidechain);
	CHECK_STR(x.ev.model, "unknown");
	x = run(p, st,
		"{\"isSidechain\":\"yes\",\"timestamp\":\"2025-10-01T12:34:56.789Z\","
		"\"message\":{\"model\":\"\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}");
	CHECK_INT(x.r, 1);
	CHECK(!x.ev.sidechain); /* only JSON true counts */
	CHECK_STR(x.ev.model, "unknown");
	free(st);
}

static void test_claude_cache_split(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;
	parsed x;

	/* Without the split object every cache write is 5m. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":400,"
		"\"cache_read_input_tokens\":7,\"output_tokens\":9}}}");
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 3, 400, 0, 7, 9, 0);

	/* The split claims 80 at 1h of a total of 50: 1h is clamped to 50. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":50,"
		"\"output_tokens\":9,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
		"\"ephemeral_1h_input_tokens\":80}}}}");
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 3, 0, 50, 0, 9, 0);

	/* A negative 1h part counts as 0; the total stays authoritative. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":50,"
		"\"output_tokens\":9,\"cache_creation\":{\"ephemeral_1h_input_tokens\":-5}}}}");
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 3, 50, 0, 0, 9, 0);

	/* The split object with only a 5m part: all 5m. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56.789Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":60,"
		"\"output_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":60}}}}");
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 0, 60, 0, 0, 0, 0);
	free(st);
}

static void test_claude_zero(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;

	/* <synthetic>: locally generated, no usage. */
	CHECK_INT(run(p, st,
		      "{\"requestId\":\"req_syn\",\"timestamp\":\"2025-10-06T12:00:00.000Z\","
		      "\"message\":{\"id\":\"msg_syn\",\"model\":\"<synthetic>\",\"usage\":"
		      "{\"input_tokens\":0,\"output_tokens\":0}}}")
			  .r,
		  0);
	/* "usage" in a tool result, at the top level or inside content. */
	CHECK_INT(run(p, st,
		      "{\"type\":\"user\",\"timestamp\":\"2025-10-06T12:01:00.000Z\",\"message\":"
		      "{\"role\":\"user\",\"content\":\"tool\"},\"toolUseResult\":{\"usage\":"
		      "{\"input_tokens\":500,\"output_tokens\":500}}}")
			  .r,
		  0);
	CHECK_INT(run(p, st,
		      "{\"type\":\"assistant\",\"timestamp\":\"2025-10-06T12:02:00.000Z\",\"message\":"
		      "{\"id\":\"msg_t\",\"content\":[{\"type\":\"tool_result\",\"content\":{\"usage\":"
		      "{\"input_tokens\":77,\"output_tokens\":77}}}]}}")
			  .r,
		  0);
	/* usage without output_tokens is not a record. */
	CHECK_INT(run(p, st,
		      "{\"timestamp\":\"2025-10-06T12:02:00.000Z\",\"message\":{\"id\":\"x\","
		      "\"usage\":{\"input_tokens\":77}}}")
			  .r,
		  0);
	/* No "usage" at all: not even a candidate. */
	CHECK(!p->candidate("{\"type\":\"user\"}", 15));
	CHECK(p->candidate("\"usage\"", 7));
	free(st);
}

static void test_claude_progress(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;

	/* A subagent's record copied into an agent_progress line: the inner
	 * record's timestamp (10:00:00, not the envelope's 10:00:01) and ids. */
	parsed x = run(
		p, st,
		"{\"type\":\"progress\",\"timestamp\":\"2025-10-05T10:00:01.000Z\",\"sessionId\":\"s1\","
		"\"cwd\":\"/home/u/proj\",\"data\":{\"type\":\"agent_progress\",\"message\":{"
		"\"isSidechain\":true,\"cwd\":\"/home/u/inner\",\"sessionId\":\"s1-inner\","
		"\"type\":\"assistant\",\"requestId\":\"req_P1\",\"timestamp\":\"2025-10-05T10:00:00.000Z\","
		"\"message\":{\"id\":\"msg_P1\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{"
		"\"input_tokens\":11,\"cache_creation_input_tokens\":33,\"cache_read_input_tokens\":44,"
		"\"output_tokens\":22}}}}}");
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.ts_ms, INT64_C(1759658400000));
	CHECK_STR(x.ev.key, "c:msg_P1\x1f"
			    "req_P1");
	CHECK_STR(x.ev.msg_id, "msg_P1");
	CHECK(x.ev.sidechain);
	CHECK_STR(x.ev.session, "s1-inner");
	CHECK_STR(x.ev.cwd, "/home/u/inner");
	CHECK_STR(x.ev.model, "claude-haiku-4-5-20251001");
	TOKENS(&x.ev, 11, 33, 0, 44, 22, 0);

	/* The inner record lacks sessionId and cwd: the envelope's are used. */
	x = run(p, st,
		"{\"type\":\"progress\",\"sessionId\":\"outer\",\"cwd\":\"/home/u/outer\",\"data\":{"
		"\"type\":\"agent_progress\",\"message\":{\"timestamp\":\"2025-10-05T10:00:00Z\","
		"\"message\":{\"id\":\"m\",\"model\":\"x\",\"usage\":{\"input_tokens\":1,"
		"\"output_tokens\":1}}}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.session, "outer");
	CHECK_STR(x.ev.cwd, "/home/u/outer");
	CHECK_STR(x.ev.key, "c:m\x1fnone");

	/* Other progress kinds carry no usage of their own. */
	CHECK_INT(run(p, st,
		      "{\"type\":\"progress\",\"timestamp\":\"2025-10-05T10:40:00.000Z\",\"data\":{"
		      "\"type\":\"hook_progress\",\"message\":{\"requestId\":\"req_X\","
		      "\"timestamp\":\"2025-10-05T10:40:00.000Z\",\"message\":{\"id\":\"msg_X\","
		      "\"model\":\"m\",\"usage\":{\"input_tokens\":1000,\"output_tokens\":1000}}}}}")
			  .r,
		  0);
	/* A progress line's own top-level message is not read. */
	CHECK_INT(run(p, st,
		      "{\"type\":\"progress\",\"timestamp\":\"2025-10-05T10:40:00.000Z\",\"message\":{"
		      "\"id\":\"msg_X\",\"model\":\"m\",\"usage\":{\"input_tokens\":5,"
		      "\"output_tokens\":5}}}")
			  .r,
		  0);
	free(st);
}

static void test_claude_errors(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;
	parsed x;

	x = run(p, st, "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_bad\",\"usage\":{\"input_tokens\":1,");
	CHECK_INT(x.r, -EINVAL); /* run() checks that the message is not empty */
	x = run(p, st, "garbage \"usage\" \xff");
	CHECK_INT(x.r, -EINVAL);

	x = run(p, st,
		"{\"type\":\"assistant\",\"message\":{\"id\":\"msg_nots\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":5,\"output_tokens\":5}}}");
	CHECK_INT(x.r, -EINVAL);
	CHECK(strstr(x.err.msg, "timestamp") != NULL);

	x = run(p, st,
		"{\"timestamp\":\"yesterday\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":5,\"output_tokens\":5}}}");
	CHECK_INT(x.r, -EINVAL);
	CHECK(strstr(x.err.msg, "timestamp") != NULL);

	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":-5,\"output_tokens\":5}}}");
	CHECK_INT(x.r, -EINVAL);
	CHECK(strstr(x.err.msg, "out of range") != NULL);

	/* counts whose sums would overflow int64 are malformed, not summed */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":9223372036854775807,\"output_tokens\":1}}}");
	CHECK_INT(x.r, -EINVAL);
	CHECK(strstr(x.err.msg, "out of range") != NULL);
	x = run(p, st,
		"{\"timestamp\":\"2025-10-01T12:34:56Z\",\"message\":{\"id\":\"a\",\"model\":\"m\","
		"\"usage\":{\"input_tokens\":1000000000000,\"output_tokens\":1}}}");
	CHECK_INT(x.r, 1);

	/* A message id that cannot fit the key. */
	char line[1024];
	char id[300];
	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(line, sizeof(line),
		 "{\"timestamp\":\"2025-10-01T12:34:56Z\",\"message\":{\"id\":\"%s\",\"model\":\"m\","
		 "\"usage\":{\"input_tokens\":5,\"output_tokens\":5}}}",
		 id);
	x = run(p, st, line);
	CHECK_INT(x.r, -EINVAL);
	free(st);
}

static void test_claude_timestamps(void)
{
	void *st = claude_new(CL_PATH);
	const au_parser_ops *p = &au_parser_claude;
	static const char *const same_instant[] = {
		"2025-10-01T12:34:56.789Z",
		"2025-10-01T14:34:56.789+02:00",
		"2025-10-01T07:04:56.789-05:30",
		"2025-10-02T00:34:56.789+1200",
	};
	for (size_t i = 0; i < sizeof(same_instant) / sizeof(same_instant[0]); i++) {
		char line[512];
		snprintf(line, sizeof(line),
			 "{\"timestamp\":\"%s\",\"message\":{\"id\":\"a\",\"model\":\"m\","
			 "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}",
			 same_instant[i]);
		parsed x = run(p, st, line);
		CHECK_INT(x.r, 1);
		CHECK_INT(x.ev.ts_ms, INT64_C(1759322096789));
	}
	free(st);

	/* Session fallback for a subagent file: the session directory. */
	st = claude_new("/h/.claude/projects/-home-u-proj/s9/subagents/agent-1.jsonl");
	parsed x = run(p, st,
		       "{\"timestamp\":\"2025-10-01T12:34:56Z\",\"message\":{\"model\":\"m\","
		       "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.session, "s9");
	CHECK_STR(x.ev.cwd, "-home-u-proj");
	free(st);
}

/* ---- Codex CLI ------------------------------------------------------ */

#define CX_UUID "0199aaaa-0000-7000-8000-000000000001"
#define CX_PATH "/home/u/.codex/sessions/2025/10/08/rollout-2025-10-08T10-00-00-" CX_UUID ".jsonl"

#define CX_META                                                                                    \
	"{\"timestamp\":\"2025-10-08T10:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{"   \
	"\"id\":\"sess-x\",\"cwd\":\"/home/u/cx\",\"originator\":\"codex_cli_rs\"}}"
#define CX_TURN(model)                                                                             \
	"{\"timestamp\":\"2025-10-08T10:00:01.000Z\",\"type\":\"turn_context\",\"payload\":{"   \
	"\"cwd\":\"/home/u/cx2\",\"model\":\"" model "\"}}"
#define CX_NULLINFO                                                                                \
	"{\"timestamp\":\"2025-10-08T10:00:02.000Z\",\"type\":\"event_msg\",\"payload\":{"      \
	"\"type\":\"token_count\",\"info\":null,\"rate_limits\":{}}}"
/* A token_count line: ts, then "total_token_usage":{..} and/or "last...". */
#define CX_TC(ts, usage)                                                                           \
	"{\"timestamp\":\"" ts "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\"," \
	"\"info\":{" usage "}}}"
#define CX_U(name, in, cached, out, reas)                                                          \
	"\"" name "\":{\"input_tokens\":" #in ",\"cached_input_tokens\":" #cached                   \
	",\"output_tokens\":" #out ",\"reasoning_output_tokens\":" #reas "}"
#define CX_TOTAL(in, cached, out, reas) CX_U("total_token_usage", in, cached, out, reas)
#define CX_LAST(in, cached, out, reas) CX_U("last_token_usage", in, cached, out, reas)

static void *codex_new(void)
{
	void *st = calloc(1, au_parser_codex.state_size);
	au_parser_codex.init(st, CX_PATH);
	return st;
}

static void test_codex_cumulative(void)
{
	const au_parser_ops *p = &au_parser_codex;
	void *st = codex_new();
	parsed x;

	CHECK_INT(run(p, st, CX_META).r, 0);
	CHECK_INT(run(p, st, CX_TURN("gpt-5-codex")).r, 0);
	CHECK_INT(run(p, st, CX_NULLINFO).r, 0); /* info null: rate limits only */

	/* First total: all of it. input 1000 includes 800 cached: 200 + 800. */
	x = run(p, st, CX_TC("2025-10-08T10:00:09.000Z", CX_TOTAL(1000, 800, 100, 40) "," CX_LAST(1000, 800, 100, 40)));
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.source, AU_SRC_CODEX);
	CHECK_INT(x.ev.dedup, AU_DEDUP_MIN);
	CHECK_INT(x.ev.ts_ms, INT64_C(1759917609000));
	CHECK_STR(x.ev.model, "gpt-5-codex");
	CHECK(!x.ev.model_fallback);
	CHECK_STR(x.ev.session, "sess-x"); /* session_meta beats the file name */
	CHECK_STR(x.ev.cwd, "/home/u/cx2"); /* the latest cwd: turn_context's */
	CHECK_STR(x.ev.msg_id, "");
	CHECK(!x.ev.sidechain);
	CHECK_STR(x.ev.key, "x:2025-10-08T10:00:09.000Z|T1000,800,100,40|gpt-5-codex");
	TOKENS(&x.ev, 200, 0, 0, 800, 100, 40);

	/* Re-emitted, total unchanged: nothing. */
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:10.000Z", CX_TOTAL(1000, 800, 100, 40) "," CX_LAST(1000, 800, 100, 40))).r, 0);

	/* Next total: the delta (2000, 1700, 200, 60) -> input 300, cached 1700. */
	x = run(p, st, CX_TC("2025-10-08T10:00:20.000Z", CX_TOTAL(3000, 2500, 300, 100) "," CX_LAST(2000, 1700, 200, 60)));
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.ts_ms, INT64_C(1759917620000));
	TOKENS(&x.ev, 300, 0, 0, 1700, 200, 60);

	/* The model on the event itself wins over turn_context. */
	x = run(p, st,
		"{\"timestamp\":\"2025-10-08T10:01:10.000Z\",\"type\":\"event_msg\",\"payload\":{"
		"\"type\":\"token_count\",\"model\":\"gpt-5.1-codex\",\"info\":{" CX_TOTAL(3500, 2900, 350, 100) "}}}");
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.model, "gpt-5.1-codex");
	TOKENS(&x.ev, 100, 0, 0, 400, 50, 0);
	/* ...as does info.model, and the latest model named holds for the
	 * events after it until another is named (issue 18). */
	x = run(p, st, CX_TC("2025-10-08T10:01:20.000Z", "\"model\":\"o3\"," CX_TOTAL(3600, 2900, 360, 100)));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.model, "o3");
	TOKENS(&x.ev, 100, 0, 0, 0, 10, 0);
	x = run(p, st, CX_TC("2025-10-08T10:01:30.000Z", CX_TOTAL(3700, 2900, 370, 100)));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.model, "o3");
	CHECK_INT(run(p, st, CX_TURN("gpt-5-codex")).r, 0);

	/* The counter restarted from nothing (its total is its own last):
	 * that usage counts at once. */
	x = run(p, st, CX_TC("2025-10-08T10:02:00.000Z", CX_TOTAL(600, 100, 70, 10) "," CX_LAST(600, 100, 70, 10)));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.model, "gpt-5-codex");
	TOKENS(&x.ev, 500, 0, 0, 100, 70, 10);
	CHECK_STR(x.ev.key, "x:2025-10-08T10:02:00.000Z|T600,100,70,10|gpt-5-codex");
	/* ...and the new total is the base for the next delta: (300, 0, 20, 0). */
	x = run(p, st, CX_TC("2025-10-08T10:03:00.000Z", CX_TOTAL(900, 100, 90, 10) "," CX_LAST(300, 0, 20, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 300, 0, 0, 0, 20, 0);
	/* A drop without a last counter cannot say whether it restarted:
	 * nothing now, and the next event counts its smallest advance. */
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:04:00.000Z", CX_TOTAL(50, 10, 5, 1))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:04:30.000Z", CX_TOTAL(80, 10, 8, 1)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 30, 0, 0, 0, 3, 0);

	/* Other lines carry nothing. */
	CHECK_INT(run(p, st,
		      "{\"timestamp\":\"2025-10-08T10:05:00.000Z\",\"type\":\"response_item\",\"payload\":{"
		      "\"type\":\"function_call_output\",\"output\":\"token_count \\\"usage\\\"\"}}")
			  .r,
		  0);
	CHECK_INT(run(p, st,
		      "{\"timestamp\":\"2025-10-08T10:05:00.000Z\",\"type\":\"event_msg\",\"payload\":{"
		      "\"type\":\"agent_message\",\"info\":{" CX_TOTAL(99999, 0, 9, 0) "}}}")
			  .r,
		  0);
	CHECK(!p->candidate("{\"type\":\"response_item\"}", 24));
	free(st);
}

static void test_codex_last_only(void)
{
	const au_parser_ops *p = &au_parser_codex;
	void *st = codex_new();
	parsed x;

	/* No turn_context ever: the fallback model, flagged; the session
	 * from the file name; no cached_input_tokens means 0. */
	x = run(p, st,
		CX_TC("2025-10-10T10:00:05.000Z",
		      "\"last_token_usage\":{\"input_tokens\":700,\"output_tokens\":70,\"reasoning_output_tokens\":0}"));
	CHECK_INT(x.r, 1);
	CHECK_STR(x.ev.model, "gpt-5");
	CHECK(x.ev.model_fallback);
	CHECK_STR(x.ev.session, CX_UUID);
	CHECK_STR(x.ev.cwd, "");
	CHECK_STR(x.ev.key, "x:2025-10-10T10:00:05.000Z|L700,0,70,0|gpt-5");
	TOKENS(&x.ev, 700, 0, 0, 0, 70, 0);

	/* Byte-identical repeat of the last counter: skipped. */
	CHECK_INT(run(p, st,
		      CX_TC("2025-10-10T10:00:05.000Z",
			    "\"last_token_usage\":{\"input_tokens\":700,\"output_tokens\":70,\"reasoning_output_tokens\":0}"))
			  .r,
		  0);
	/* A different last counter is a new request. */
	x = run(p, st, CX_TC("2025-10-10T10:00:06.000Z", CX_LAST(1000, 100, 100, 30)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 900, 0, 0, 100, 100, 30);

	/* Cached above input (a broken log) never makes input negative. */
	x = run(p, st, CX_TC("2025-10-10T10:00:07.000Z", CX_LAST(100, 150, 1, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 0, 0, 0, 150, 1, 0);

	/* All-zero usage and a missing/bad timestamp. */
	CHECK_INT(run(p, st, CX_TC("2025-10-10T10:00:08.000Z", CX_LAST(0, 0, 0, 0))).r, 0);
	x = run(p, st, CX_TC("not-a-time", CX_LAST(5, 0, 5, 0)));
	CHECK_INT(x.r, -EINVAL);
	CHECK(strstr(x.err.msg, "timestamp") != NULL);
	x = run(p, st, "{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{" CX_LAST(6, 0, 6, 0) "}}}");
	CHECK_INT(x.r, -EINVAL);

	/* Invalid JSON. */
	x = run(p, st, "{\"type\":\"token_count\",");
	CHECK_INT(x.r, -EINVAL);
	free(st);
}

static void test_codex_save_load(void)
{
	const au_parser_ops *p = &au_parser_codex;
	au_err err = {{0}};
	void *a = codex_new();
	parsed x;

	CHECK_INT(run(p, a, CX_META).r, 0);
	CHECK_INT(run(p, a, CX_TURN("gpt-5-codex")).r, 0);
	CHECK_INT(run(p, a, CX_TC("2025-10-08T10:00:09.000Z", CX_TOTAL(1000, 800, 100, 40) "," CX_LAST(1000, 800, 100, 40))).r, 1);

	/* Stop mid-file, as a scan does, and continue from the saved text. */
	char *saved = p->save(a);
	CHECK(saved != NULL);
	void *b = codex_new();
	CHECK_INT(p->load(b, saved, &err), 0);
	char *again = p->save(b);
	CHECK_STR(again, saved);
	free(again);

	const char *next = CX_TC("2025-10-08T10:00:20.000Z", CX_TOTAL(3000, 2500, 300, 100) "," CX_LAST(2000, 1700, 200, 60));
	x = run(p, b, next);
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 300, 0, 0, 1700, 200, 60);
	CHECK_STR(x.ev.model, "gpt-5-codex");
	CHECK_STR(x.ev.session, "sess-x");
	CHECK_STR(x.ev.cwd, "/home/u/cx2");
	parsed y = run(p, a, next); /* the uninterrupted state agrees */
	CHECK_INT(y.r, 1);
	CHECK(memcmp(&x.ev.tok, &y.ev.tok, sizeof(x.ev.tok)) == 0);
	CHECK_STR(x.ev.key, y.ev.key);
	/* A re-emit right after the resume is still recognised. */
	CHECK_INT(run(p, b, next).r, 0);

	/* A restart right after a resume is still seen against the saved total. */
	free(saved);
	saved = p->save(b);
	void *c = codex_new();
	CHECK_INT(p->load(c, saved, &err), 0);
	x = run(p, c, CX_TC("2025-10-08T10:09:00.000Z", CX_TOTAL(7, 0, 1, 0) "," CX_LAST(7, 0, 1, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 7, 0, 0, 0, 1, 0);
	free(saved);
	free(a);
	free(b);
	free(c);

	/* A state saved before any token_count: the first total counts whole. */
	a = codex_new();
	saved = p->save(a);
	b = codex_new();
	CHECK_INT(p->load(b, saved, &err), 0);
	x = run(p, b, CX_TC("2025-10-08T10:00:09.000Z", CX_TOTAL(1000, 800, 100, 40)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 200, 0, 0, 800, 100, 40);
	CHECK(x.ev.model_fallback);
	CHECK_STR(x.ev.session, CX_UUID);
	free(saved);
	free(a);
	free(b);

	/* Garbage is refused with a message. */
	static const char *const garbage[] = {
		"",
		"not json",
		"{}",
		"[]",
		"{\"model\":1,\"session\":\"\",\"cwd\":\"\",\"ht\":true,\"hl\":true,\"total\":[1,2,3,4],\"last\":[1,2,3,4]}",
		"{\"model\":\"m\",\"session\":\"\",\"cwd\":\"\",\"ht\":true,\"hl\":true,\"total\":[1,2,3],\"last\":[1,2,3,4]}",
		"{\"model\":\"m\",\"session\":\"\",\"cwd\":\"\",\"ht\":true,\"hl\":true,\"total\":[1,2,3,4]}",
		/* counters save() never writes: negative, or past AU_TOKENS_MAX */
		"{\"model\":\"m\",\"session\":\"s\",\"cwd\":\"/\",\"ht\":true,\"hl\":false,"
		"\"total\":[-9223372036854775807,0,0,0],\"last\":[0,0,0,0]}",
		"{\"model\":\"m\",\"session\":\"s\",\"cwd\":\"/\",\"ht\":true,\"hl\":false,"
		"\"total\":[0,0,0,0],\"last\":[0,0,9223372036854775807,0]}",
	};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		void *g = codex_new();
		au_err e = {{0}};
		int r = p->load(g, garbage[i], &e);
		if (r >= 0)
			fprintf(stderr, "load accepted garbage #%zu: %s\n", i, garbage[i]);
		CHECK(r < 0);
		CHECK(e.msg[0] != '\0');
		free(g);
	}
}

/* Totals that go down in the middle of a file (issue 18): whatever the
 * drop was, nothing before it counts twice. */
static void test_codex_drops(void)
{
	const au_parser_ops *p = &au_parser_codex;
	parsed x;
	int64_t in = 0;

	/* A zeroed snapshot (a context-window error: TokenUsageInfo::
	 * fill_to_context_window), then the old counter goes on: 500 more. */
	void *st = codex_new();
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(3000, 0, 300, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(0, 0, 0, 0) "," CX_LAST(0, 0, 0, 0))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:00:03.000Z", CX_TOTAL(3500, 0, 350, 0) "," CX_LAST(500, 0, 50, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 500, 0, 0, 0, 50, 0);
	free(st);

	/* A zeroed snapshot after which the counter really starts from 0. */
	st = codex_new();
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(3000, 0, 300, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(0, 0, 0, 0))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:00:03.000Z", CX_TOTAL(400, 0, 40, 0) "," CX_LAST(400, 0, 40, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 400, 0, 0, 0, 40, 0);
	free(st);

	/* A stale snapshot out of order: 2000 again after 3000; its last
	 * was counted when it first came. */
	st = codex_new();
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(1200, 0, 100, 0) "," CX_LAST(1200, 0, 100, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(2000, 0, 200, 0) "," CX_LAST(800, 0, 100, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:03.000Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(1000, 0, 100, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:04.000Z", CX_TOTAL(2000, 0, 200, 0) "," CX_LAST(800, 0, 100, 0))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:00:05.000Z", CX_TOTAL(3600, 0, 360, 0) "," CX_LAST(600, 0, 60, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 600, 0, 0, 0, 60, 0);
	free(st);

	/* A counter that restarted mid-way through (a total that is not its
	 * own last): its last counts once the next event continues it. */
	st = codex_new();
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(3000, 0, 300, 0))).r, 1);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(700, 100, 70, 0) "," CX_LAST(250, 50, 30, 0))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:00:03.000Z", CX_TOTAL(1000, 100, 90, 0) "," CX_LAST(300, 0, 20, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 500, 0, 0, 50, 50, 0); /* (300 + 250) input, 50 of it cached */
	in += x.ev.tok.input;
	free(st);
	CHECK_INT(in, 500);

	/* The first total in a file whose counter started elsewhere (a
	 * resumed or forked session): its last, not its total. */
	st = codex_new();
	x = run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(4500, 0, 10, 0) "," CX_LAST(15, 0, 5, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 15, 0, 0, 0, 5, 0);
	free(st);
}

/* Session metadata of a child rollout, then the replay of its parent. */
#define CX_CHILD_META(ts, id, extra)                                                               \
	"{\"timestamp\":\"" ts "\",\"type\":\"session_meta\",\"payload\":{\"id\":\"" id "\","  \
	"\"cwd\":\"/home/u/child\"," extra "}}"
#define CX_SPAWN "\"source\":{\"subagent\":{\"thread_spawn\":{\"parent_thread_id\":\"parent-1\",\"depth\":1}}}"

/* Sub-agent and fork rollouts replay their parent's history, re-stamped:
 * only their own events count (issue 18). */
static void test_codex_replay(void)
{
	const au_parser_ops *p = &au_parser_codex;
	au_err err = {{0}};
	parsed x;

	/* A sub-agent: the replay (the parent's session_meta, turn_context,
	 * token_counts, all stamped within the burst), then its own counter
	 * from its own baseline. */
	void *st = codex_new();
	CHECK_INT(run(p, st, CX_CHILD_META("2025-10-08T11:00:00.000Z", "child-1", CX_SPAWN)).r, 0);
	CHECK_INT(run(p, st, "{\"timestamp\":\"2025-10-08T11:00:00.010Z\",\"type\":\"session_meta\",\"payload\":{"
			     "\"id\":\"parent-1\",\"cwd\":\"/home/u/parent\"}}")
			  .r,
		  0);
	CHECK_INT(run(p, st, "{\"timestamp\":\"2025-10-08T11:00:00.011Z\",\"type\":\"turn_context\",\"payload\":{"
			     "\"cwd\":\"/home/u/parent\",\"model\":\"gpt-5\"}}")
			  .r,
		  0);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T11:00:00.020Z", CX_TOTAL(1000, 0, 100, 0) "," CX_LAST(1000, 0, 100, 0))).r, 0);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T11:00:00.030Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(2000, 0, 200, 0))).r, 0);
	/* stop mid-way: the saved state knows it is in the replay */
	char *saved = p->save(st);
	void *b = codex_new();
	CHECK_INT(p->load(b, saved, &err), 0);
	free(saved);
	CHECK_INT(run(p, b, "{\"timestamp\":\"2025-10-08T11:00:00.500Z\",\"type\":\"turn_context\",\"payload\":{"
			    "\"cwd\":\"/home/u/child\",\"model_info\":{\"slug\":\"gpt-5-codex-mini\"}}}")
			  .r,
		  0);
	/* ...its own first event, soon after the burst, restarts the counter */
	x = run(p, b, CX_TC("2025-10-08T11:00:00.900Z", CX_TOTAL(400, 0, 40, 0) "," CX_LAST(400, 0, 40, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 400, 0, 0, 0, 40, 0);
	CHECK_STR(x.ev.session, "child-1"); /* not the parent's, copied after it */
	CHECK_STR(x.ev.model, "gpt-5-codex-mini");
	x = run(p, b, CX_TC("2025-10-08T11:00:09.000Z", CX_TOTAL(700, 0, 60, 0) "," CX_LAST(300, 0, 20, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 300, 0, 0, 0, 20, 0);
	free(st);
	free(b);

	/* A fork: its counter carries on from the parent's last total
	 * (InitialHistory::Forked seeds it), its own events come after a gap. */
	st = codex_new();
	CHECK_INT(run(p, st, CX_CHILD_META("2025-10-08T12:00:00.000Z", "fork-1", "\"forked_from_id\":\"parent-1\"")).r, 0);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T12:00:00.002Z", CX_TOTAL(1000, 0, 100, 0) "," CX_LAST(1000, 0, 100, 0))).r, 0);
	CHECK_INT(run(p, st, CX_TC("2025-10-08T12:00:00.004Z", CX_TOTAL(3000, 0, 300, 0) "," CX_LAST(2000, 0, 200, 0))).r, 0);
	x = run(p, st, CX_TC("2025-10-08T12:00:30.000Z", CX_TOTAL(3250, 0, 325, 0) "," CX_LAST(250, 0, 25, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 250, 0, 0, 0, 25, 0);
	CHECK(x.ev.model_fallback); /* no model named anywhere */
	free(st);

	/* A rollout without a parent is not a replay, however fast. */
	st = codex_new();
	CHECK_INT(run(p, st, CX_CHILD_META("2025-10-08T13:00:00.000Z", "plain-1", "\"source\":\"cli\"")).r, 0);
	x = run(p, st, CX_TC("2025-10-08T13:00:00.002Z", CX_TOTAL(10, 0, 1, 0) "," CX_LAST(10, 0, 1, 0)));
	CHECK_INT(x.r, 1);
	free(st);

	/* A state saved before the replay rule loads (as not replaying). */
	st = codex_new();
	CHECK_INT(p->load(st,
			  "{\"model\":\"m\",\"session\":\"s\",\"cwd\":\"/\",\"ht\":true,\"hl\":true,"
			  "\"total\":[10,0,1,0],\"last\":[10,0,1,0]}",
			  &err),
		  0);
	x = run(p, st, CX_TC("2025-10-08T13:00:00.002Z", CX_TOTAL(20, 0, 2, 0) "," CX_LAST(10, 0, 1, 0)));
	CHECK_INT(x.r, 1);
	TOKENS(&x.ev, 10, 0, 0, 0, 1, 0);
	free(st);
}

/* Models named on the event: info.model, model_info.slug, metadata.model. */
static void test_codex_event_models(void)
{
	const au_parser_ops *p = &au_parser_codex;
	void *st = codex_new();
	parsed x;
	x = run(p, st, CX_TC("2025-10-08T10:00:01.000Z", "\"model_info\":{\"slug\":\"gpt-5.2\"}," CX_TOTAL(10, 0, 1, 0)));
	CHECK_STR(x.ev.model, "gpt-5.2");
	x = run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(20, 0, 2, 0)));
	CHECK_STR(x.ev.model, "gpt-5.2");
	CHECK(!x.ev.model_fallback);
	x = run(p, st, CX_TC("2025-10-08T10:00:03.000Z", "\"metadata\":{\"model\":\"o4-mini\"}," CX_TOTAL(30, 0, 3, 0)));
	CHECK_STR(x.ev.model, "o4-mini");
	x = run(p, st, CX_TC("2025-10-08T10:00:04.000Z", CX_TOTAL(40, 0, 4, 0)));
	CHECK_STR(x.ev.model, "o4-mini");
	free(st);
}

/* A thread_settings_applied line naming a service tier (tier is the JSON
 * value, quoted or null). */
#define CX_SETTINGS(ts, tier)                                                                     \
	"{\"timestamp\":\"" ts "\",\"type\":\"event_msg\",\"payload\":{"                          \
	"\"type\":\"thread_settings_applied\",\"thread_settings\":{\"model\":\"gpt-5.5\","            \
	"\"service_tier\":" tier ",\"reasoning_effort\":\"medium\"}}}"

/*
 * OpenAI service tiers: the tier the latest thread_settings_applied named
 * holds for the requests after it ("priority" and the older "fast" are
 * the priority tier, "flex" flex, "default"/null/anything else standard);
 * a snapshot without service_tier changes nothing, and the tier survives
 * a save and load between scans.
 */
static void test_codex_service_tier(void)
{
	const au_parser_ops *p = &au_parser_codex;
	au_err err = {{0}};
	void *st = codex_new();
	parsed x;
	CHECK(p->candidate(CX_SETTINGS("2025-10-08T10:00:00.500Z", "\"priority\""),
			   strlen(CX_SETTINGS("2025-10-08T10:00:00.500Z", "\"priority\""))));
	x = run(p, st, CX_TC("2025-10-08T10:00:01.000Z", CX_TOTAL(10, 0, 1, 0)));
	CHECK_INT(x.ev.price_mode, 0); /* nothing named yet: standard */
	CHECK_INT(run(p, st, CX_SETTINGS("2025-10-08T10:00:01.500Z", "\"priority\"")).r, 0);
	x = run(p, st, CX_TC("2025-10-08T10:00:02.000Z", CX_TOTAL(20, 0, 2, 0)));
	CHECK_INT(x.r, 1);
	CHECK_INT(x.ev.price_mode, AU_MODE_PRIORITY);
	/* a snapshot without the member keeps the tier */
	CHECK_INT(run(p, st,
		      "{\"timestamp\":\"2025-10-08T10:00:02.500Z\",\"type\":\"event_msg\",\"payload\":{"
		      "\"type\":\"thread_settings_applied\",\"thread_settings\":{\"model\":\"gpt-5.5\"}}}")
			  .r,
		  0);
	x = run(p, st, CX_TC("2025-10-08T10:00:03.000Z", CX_TOTAL(30, 0, 3, 0)));
	CHECK_INT(x.ev.price_mode, AU_MODE_PRIORITY);

	/* saved mid-file and loaded: the tier goes on */
	char *saved = p->save(st);
	void *b = codex_new();
	CHECK_INT(p->load(b, saved, &err), 0);
	free(saved);
	x = run(p, b, CX_TC("2025-10-08T10:00:04.000Z", CX_TOTAL(40, 0, 4, 0)));
	CHECK_INT(x.ev.price_mode, AU_MODE_PRIORITY);
	CHECK_INT(run(p, b, CX_SETTINGS("2025-10-08T10:00:04.500Z", "\"flex\"")).r, 0);
	x = run(p, b, CX_TC("2025-10-08T10:00:05.000Z", CX_TOTAL(50, 0, 5, 0)));
	CHECK_INT(x.ev.price_mode, AU_MODE_FLEX);
	CHECK_INT(run(p, b, CX_SETTINGS("2025-10-08T10:00:05.500Z", "\"fast\"")).r, 0);
	x = run(p, b, CX_TC("2025-10-08T10:00:06.000Z", CX_TOTAL(60, 0, 6, 0)));
	CHECK_INT(x.ev.price_mode, AU_MODE_PRIORITY);
	CHECK_INT(run(p, b, CX_SETTINGS("2025-10-08T10:00:06.500Z", "null")).r, 0);
	x = run(p, b, CX_TC("2025-10-08T10:00:07.000Z", CX_TOTAL(70, 0, 7, 0)));
	CHECK_INT(x.ev.price_mode, 0);
	CHECK_INT(run(p, b, CX_SETTINGS("2025-10-08T10:00:07.500Z", "\"priority\"")).r, 0);
	CHECK_INT(run(p, b, CX_SETTINGS("2025-10-08T10:00:07.600Z", "\"scale\"")).r, 0);
	x = run(p, b, CX_TC("2025-10-08T10:00:08.000Z", CX_TOTAL(80, 0, 8, 0)));
	CHECK_INT(x.ev.price_mode, 0); /* an unknown tier is standard, never a guess */
	/* a saved state with a tier that is no tier does not load */
	CHECK(p->load(b, "{\"model\":\"\",\"session\":\"\",\"cwd\":\"\",\"ht\":false,\"hl\":false,"
			 "\"total\":[0,0,0,0],\"last\":[0,0,0,0],\"tier\":1}",
			 &err) < 0);
	free(b);
	free(st);
}

extern const au_parser_ops au_parser_qwen;

/* Qwen Code: a cached count with no prompt, output or thoughts bills
 * nothing and is no event (the fuzzer found one that was, all zeros). */
static void test_qwen_cached_only(void)
{
	const char *line = "{\"sessionId\":\"s1\",\"type\":\"assistant\",\"uuid\":\"u1\","
			   "\"timestamp\":\"2025-11-04T08:00:15.500Z\",\"model\":\"qwen3-coder-plus\","
			   "\"usageMetadata\":{\"cachedContentTokenCount\":17980,\"totalTokenCount\":15800}}";
	char state[4096] = {0};
	CHECK(au_parser_qwen.state_size <= sizeof(state));
	if (au_parser_qwen.init)
		au_parser_qwen.init(state, "/h/.qwen/projects/p/chats/s1.jsonl");
	au_event ev;
	au_err err;
	CHECK_INT(au_parser_qwen.parse_line(state, line, strlen(line), &ev, &err), 0);
}

int main(void)
{
	test_qwen_cached_only();
	CHECK(au_parser_claude.save == NULL && au_parser_claude.load == NULL);
	CHECK(au_parser_codex.save != NULL && au_parser_codex.load != NULL);

	test_claude_record();
	test_claude_cache_split();
	test_claude_zero();
	test_claude_progress();
	test_claude_errors();
	test_claude_timestamps();
	test_codex_cumulative();
	test_codex_last_only();
	test_codex_save_load();
	test_codex_drops();
	test_codex_replay();
	test_codex_event_models();
	test_codex_service_tier();
	return check_done("test_parsers");
}
