/*
 * What the Claude and Codex parsers name when a line holds something they
 * do not know (parser.h au_event.unknown), the way the scanner calls them:
 * unknown cleared, candidate() first, then parse_line. Known names, known
 * record types that carry no usage (Claude's summaries, Codex's
 * agent_message events and response items) and known usage members name
 * nothing; a new usage member, counter member, record type or event type
 * is named, never with its value, and the usage beside it still counts.
 * The scan's once-per-store logging of these is tests/e2e/limits.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "scan.h"

typedef struct seen {
	bool candidate;
	int r;
	au_event ev;
} seen;

static seen run(const au_parser_ops *p, void *state, const char *line)
{
	seen s;
	memset(&s, 0, sizeof(s));
	memset(s.ev.unknown, 'x', sizeof(s.ev.unknown) - 1); /* stale from a line before */
	s.ev.unknown[0] = '\0';                                 /* ... cleared as filejob does */
	size_t len = strlen(line);
	char *copy = malloc(len);
	memcpy(copy, line, len);
	au_err err = {{0}};
	s.candidate = p->candidate(copy, len);
	s.r = s.candidate ? p->parse_line(state, copy, len, &s.ev, &err) : 0;
	free(copy);
	return s;
}

#define CL "\"sessionId\":\"s\",\"timestamp\":\"2026-12-01T10:00:00.000Z\",\"message\":{\"id\":\"m1\",\"model\":\"claude-sonnet-4-5\","

static void test_claude(void)
{
	const au_parser_ops *p = &au_parser_claude;
	void *st = calloc(1, p->state_size);
	p->init(st, "/home/u/.claude/projects/-home-u-p/sess.jsonl");

	/* all known: nothing named */
	seen s = run(p, st, "{\"type\":\"assistant\"," CL
			    "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"cache_read_input_tokens\":5,"
			    "\"service_tier\":\"standard\"}}}");
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "");
	/* known record types without usage of their own that mention it (a
	 * sub-agent's result, a snapshot) */
	s = run(p, st, "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[]},\"toolUseResult\":"
		       "{\"status\":\"completed\",\"usage\":{\"input_tokens\":5,\"output_tokens\":6}}}");
	CHECK(s.candidate);
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "");
	s = run(p, st, "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"what is \\\"usage\\\"?\"}}");
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "");
	s = run(p, st, "{\"type\":\"file-history-snapshot\",\"messageId\":\"m\",\"snapshot\":{\"usage\":1}}");
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "");

	/* a new usage member: named, without its value; the usage counts */
	s = run(p, st, "{\"type\":\"assistant\"," CL
			    "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"thinking_budget_tokens\":777}}}");
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "thinking_budget_tokens");
	CHECK_INT(s.ev.tok.input, 3);

	/* a new record type: named, whether or not usage comes out of it */
	s = run(p, st, "{\"type\":\"usage-digest\",\"usage\":{\"total\":12}}");
	CHECK(s.candidate);
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "type:usage-digest");
	s = run(p, st, "{\"type\":\"assistant_v2\"," CL "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}}");
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "type:assistant_v2");
	CHECK_INT(s.ev.tok.output, 4);
	/* both new: the usage member is named (one name a record) */
	s = run(p, st, "{\"type\":\"assistant_v2\"," CL "\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"x_tokens\":1}}}");
	CHECK_STR(s.ev.unknown, "x_tokens");
	/* a long name is cut, not refused */
	s = run(p, st, "{\"type\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"usage\":{}}");
	CHECK(strlen(s.ev.unknown) == AU_FIELD_MAX - 1 && strncmp(s.ev.unknown, "type:aaaa", 9) == 0);
	free(st);
}

#define CX_HEAD(ts, kind) "{\"timestamp\":\"2026-12-01T10:00:" ts ".000Z\",\"type\":\"" kind "\",\"payload\":"
#define CX_TC(ts, extra)                                                                                         \
	CX_HEAD(ts, "event_msg")                                                                                 \
	"{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":100,\"cached_input_tokens\":0," \
	"\"output_tokens\":10,\"reasoning_output_tokens\":0,\"total_tokens\":110" extra "},\"last_token_usage\":{"    \
	"\"input_tokens\":100,\"cached_input_tokens\":0,\"output_tokens\":10,\"reasoning_output_tokens\":0,"          \
	"\"total_tokens\":110}},\"rate_limits\":null}}"

static void test_codex(void)
{
	const au_parser_ops *p = &au_parser_codex;
	void *st = calloc(1, p->state_size);
	p->init(st, "/home/u/.codex/sessions/2026/12/01/rollout-2026-12-01T10-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl");

	seen s = run(p, st, CX_HEAD("00", "session_meta") "{\"id\":\"0199aaaa-0000-7000-8000-000000000001\",\"cwd\":\"/w\"}}");
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "");
	s = run(p, st, CX_HEAD("01", "turn_context") "{\"cwd\":\"/w\",\"model\":\"gpt-5-codex\"}}");
	CHECK_STR(s.ev.unknown, "");
	/* known kinds without usage: not even candidates, nothing named */
	s = run(p, st, CX_HEAD("02", "response_item") "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}}");
	CHECK(!s.candidate);
	s = run(p, st, CX_HEAD("03", "event_msg") "{\"type\":\"agent_message\",\"message\":\"done\"}}");
	CHECK(!s.candidate);
	s = run(p, st, CX_HEAD("03", "event_msg") "{\"type\":\"task_complete\",\"last_agent_message\":null}}");
	CHECK(!s.candidate);
	s = run(p, st, CX_HEAD("03", "compacted") "{\"message\":\"summary\"}}");
	CHECK(!s.candidate);
	/* a known event that mentions token_count in its text: parsed, nothing named */
	s = run(p, st, CX_HEAD("03", "event_msg") "{\"type\":\"agent_message\",\"message\":\"done\",\"topic\":\"token_count\"}}");
	CHECK(s.candidate);
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "");

	/* a token_count with known members only */
	s = run(p, st, CX_TC("04", ""));
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "");
	CHECK_INT(s.ev.tok.input, 100);

	/* a new counter member: named by its path; the usage still counts */
	s = run(p, st, CX_TC("05", ",\"audio_input_tokens\":5") );
	CHECK_STR(s.ev.unknown, "payload.info.total_token_usage.audio_input_tokens");
	CHECK_INT(s.r, 0); /* the same totals as before: no new usage, but named all the same */
	s = run(p, st,
		CX_HEAD("06", "event_msg") "{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":150,"
		"\"cached_input_tokens\":0,\"output_tokens\":20,\"reasoning_output_tokens\":0,\"total_tokens\":170},"
		"\"last_token_usage\":{\"input_tokens\":50,\"cached_input_tokens\":0,\"output_tokens\":10,"
		"\"reasoning_output_tokens\":0,\"total_tokens\":60,\"tool_tokens\":9}}}}");
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "payload.info.last_token_usage.tool_tokens");
	CHECK_INT(s.ev.tok.input, 50);
	CHECK_INT(s.ev.tok.output, 10);

	/* a new kind of event, and a new kind of line: candidates, named */
	s = run(p, st, CX_HEAD("07", "event_msg") "{\"type\":\"usage_summary\",\"tokens\":12}}");
	CHECK(s.candidate);
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "type:event_msg/usage_summary");
	s = run(p, st, CX_HEAD("08", "billing_item") "{\"tokens\":12}}");
	CHECK(s.candidate);
	CHECK_INT(s.r, 0);
	CHECK_STR(s.ev.unknown, "type:billing_item");
	/* ... and the counting goes on after them */
	s = run(p, st,
		CX_HEAD("09", "event_msg") "{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":160,"
		"\"cached_input_tokens\":0,\"output_tokens\":21,\"reasoning_output_tokens\":0,\"total_tokens\":181}}}}");
	CHECK_INT(s.r, 1);
	CHECK_STR(s.ev.unknown, "");
	CHECK_INT(s.ev.tok.input, 10);
	CHECK_INT(s.ev.tok.output, 1);
	free(st);
}

static void test_notes(void)
{
	char *n = au_unknown_note(AU_SRC_CLAUDE, "thinking_budget_tokens");
	CHECK_STR(n, "claude: usage.thinking_budget_tokens is a field we do not know yet (shown once; the usage in it"
		     " may be counted short: please report it)");
	g_free(n);
	n = au_unknown_note(AU_SRC_CODEX, "payload.info.total_token_usage.audio_input_tokens");
	CHECK(g_str_has_prefix(n, "codex: payload.info.total_token_usage.audio_input_tokens is a field we do not know yet"));
	g_free(n);
	n = au_unknown_note(AU_SRC_CODEX, "type:event_msg/usage_summary");
	CHECK_STR(n, "codex: record type 'event_msg/usage_summary' is one we do not know yet (shown once; it may hold"
		     " usage we do not count: please report it)");
	g_free(n);
}

int main(void)
{
	test_claude();
	test_codex();
	test_notes();
	return check_done("test_unknown_fields");
}
