/*
 * Unit tests of parsers/copilot_otel.c (GitHub Copilot's OpenTelemetry
 * file export) and the roots and file rules watchers/tool_copilot.c
 * adds for it. Literal export lines go through parse_line_emit() as
 * watchers/filejob.c feeds them (candidate() first, one line at a time);
 * every event is checked against numbers worked out beside it, and the
 * events are also folded the way the store does (a key's later copy
 * replaces it, a withdrawal deletes it) to check what is finally counted,
 * whatever order the records come in and wherever a scan stops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sources.h"

extern const au_parser_ops au_parser_copilot_otel;
static const au_parser_ops *const P = &au_parser_copilot_otel;

#define PATH "/home/u/.copilot/otel/copilot-otel.jsonl"
#define SID "5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01"
#define T1 "4bf92f3577b34da6a3ce929d0e0e4736"
#define T2 "0af7651916cd43dd8448eb211c80319c"

/* 2026-03-01T10:00:00Z and five minutes later, as OTel's [seconds, nanoseconds] */
#define AT0 "1772359200,250000000"
#define AT5 "1772359500,0"
#define MS0 INT64_C(1772359200250)
#define MS5 INT64_C(1772359500000)

/* ---- export lines ---------------------------------------------------------- */

#define USAGE(in, out, cr, cw)                                                                            \
	"\"gen_ai.usage.input_tokens\":" #in ",\"gen_ai.usage.output_tokens\":" #out                       \
	",\"gen_ai.usage.cache_read.input_tokens\":" #cr ",\"gen_ai.usage.cache_write.input_tokens\":" #cw

#define SPAN(trace, span, name, at, attrs)                                                                \
	"{\"type\":\"span\",\"traceId\":\"" trace "\",\"spanId\":\"" span "\",\"name\":\"" name "\","      \
	"\"startTime\":[1772359100,0],\"endTime\":[" at "],\"attributes\":{" attrs "}}\n"

#define CHAT(trace, span, resp, at, usage)                                                                \
	SPAN(trace, span, "chat claude-sonnet-4.5", at,                                                   \
	     "\"gen_ai.operation.name\":\"chat\",\"gen_ai.request.model\":\"claude-sonnet-4.5\","          \
	     "\"gen_ai.response.model\":\"claude-sonnet-4.5-20250929\",\"gen_ai.conversation.id\":\"" SID  \
	     "\",\"gen_ai.response.id\":\"" resp "\"," usage)

#define AGENT(trace, span, at, usage)                                                                     \
	SPAN(trace, span, "invoke_agent copilot", at,                                                     \
	     "\"gen_ai.operation.name\":\"invoke_agent\",\"gen_ai.request.model\":\"claude-sonnet-4.5\","  \
	     "\"gen_ai.conversation.id\":\"" SID "\"," usage)

#define LOG(trace, span, event, resp, at, usage)                                                          \
	"{\"hrTime\":[" at "],\"spanContext\":{\"traceId\":\"" trace "\",\"spanId\":\"" span "\"},"        \
	"\"body\":\"GenAI inference\",\"attributes\":{\"event.name\":\"" event "\","                       \
	"\"gen_ai.request.model\":\"claude-sonnet-4.5\",\"gen_ai.conversation.id\":\"" SID "\","            \
	"\"gen_ai.response.id\":\"" resp "\"," usage "}}\n"

#define INFER(trace, span, resp, at, usage) LOG(trace, span, "gen_ai.client.inference.operation.details", resp, at, usage)
#define TURN(trace, span, resp, at, usage) LOG(trace, span, "copilot_chat.agent.turn", resp, at, usage)

/* ---- running the parser ----------------------------------------------------- */

#define MAXEV 64

typedef struct run {
	au_event ev[MAXEV];
	int n;
	int bad;         /* lines that were errors */
	int last_r;      /* the last error */
	au_err err;      /* its message */
} run;

static int collect(void *ctx, const au_event *ev)
{
	run *e = ctx;
	if (e->n < MAXEV)
		e->ev[e->n] = *ev;
	e->n++;
	return 0;
}

/*
 * Reads a log (a C string of lines) on one state. Before line number
 * `resume_at` (0-based; -1: never) the state goes through save() and
 * load(), as when a scan stops there and the next one goes on.
 */
static run *feed_state(void *st, const char *log, int resume_at)
{
	static run e;
	memset(&e, 0, sizeof(e));
	int line = 0;
	for (const char *p = log; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (line == resume_at) {
			char *text = P->save(st);
			au_err err;
			P->init(st, PATH);
			CHECK_INT(P->load(st, text, &err), 0);
			free(text);
		}
		char *copy = malloc(len ? len : 1); /* exact size: no terminator to lean on */
		memcpy(copy, p, len);
		if (len && P->candidate(copy, len)) {
			au_err err = {{0}};
			int r = P->parse_line_emit(st, copy, len, collect, &e, &err);
			if (r < 0) {
				e.bad++;
				e.last_r = r;
				e.err = err;
			}
		}
		free(copy);
		p += len + (nl ? 1 : 0);
	}
	return &e;
}

static run *feed(const char *log, int resume_at)
{
	void *st = malloc(P->state_size);
	P->init(st, PATH);
	run *e = feed_state(st, log, resume_at);
	free(st);
	return e;
}

/* What the store keeps of a run: each key's last copy, withdrawals deleted. */
typedef struct kept {
	au_event ev[MAXEV];
	int n;
	au_tokens sum;
} kept;

static void fold(const run *e, kept *k)
{
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < e->n && i < MAXEV; i++) {
		const au_event *ev = &e->ev[i];
		int j;
		for (j = 0; j < k->n && strcmp(k->ev[j].key, ev->key) != 0; j++)
			;
		if (ev->retract) {
			if (j < k->n)
				k->ev[j] = k->ev[--k->n];
			continue;
		}
		k->ev[j] = *ev;
		if (j == k->n)
			k->n++;
	}
	for (int i = 0; i < k->n; i++)
		au_tokens_add(&k->sum, &k->ev[i].tok);
}

static void check_tokens(const au_event *ev, int64_t in, int64_t cw, int64_t cr, int64_t out, int64_t rs, int line)
{
	int before = check_failures;
	CHECK_INT(ev->tok.input, in);
	CHECK_INT(ev->tok.cache_create_5m, cw);
	CHECK_INT(ev->tok.cache_create_1h, 0);
	CHECK_INT(ev->tok.cache_read, cr);
	CHECK_INT(ev->tok.output, out);
	CHECK_INT(ev->tok.reasoning, rs);
	if (check_failures != before)
		fprintf(stderr, "  (tokens checked from line %d)\n", line);
}
#define TOKENS(ev, in, cw, cr, out, rs) check_tokens(ev, in, cw, cr, out, rs, __LINE__)

/* ---- the tests ---------------------------------------------------------------- */

static void test_chat_span(void)
{
	/* 12000 input of which 8000 cache reads and 1000 cache writes: 3000 uncached */
	run *e = feed(CHAT(T1, "00f067aa0ba902b7", "resp-1", AT0, USAGE(12000, 700, 8000, 1000)), -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 1);
	const au_event *a = &e->ev[0];
	CHECK_STR(a->key, "cpo:" T1 ":00f067aa0ba902b7");
	CHECK(!a->retract);
	CHECK_INT(a->source, AU_SRC_COPILOT);
	CHECK_INT(a->dedup, AU_DEDUP_LATEST);
	CHECK_INT(a->ts_ms, MS0);
	CHECK_STR(a->session, SID);
	CHECK_STR(a->model, "claude-sonnet-4.5-20250929"); /* the response's model wins */
	CHECK(!a->model_fallback);
	CHECK_STR(a->cwd, "");
	CHECK_STR(a->msg_id, "");
	TOKENS(a, 3000, 1000, 8000, 700, 0);

	/* cache_creation and reasoning under their other names; input below
	 * the cached part is clamped at 0 */
	e = feed(SPAN(T1, "00f067aa0ba902b8", "chat gpt-5-mini", AT5,
		      "\"gen_ai.usage.input_tokens\":500,\"gen_ai.usage.output_tokens\":300,"
		      "\"gen_ai.usage.cache_read.input_tokens\":400,\"gen_ai.usage.cache_creation.input_tokens\":200,"
		      "\"gen_ai.usage.reasoning_tokens\":120"),
		 -1);
	CHECK_INT(e->n, 1);
	TOKENS(&e->ev[0], 0, 200, 400, 300, 120);
	CHECK_STR(e->ev[0].model, "gpt-5-mini"); /* no model attribute: the span's name */
	CHECK_STR(e->ev[0].session, T1);         /* no session attribute: the trace */
	CHECK_INT(e->ev[0].ts_ms, MS5);

	/* reasoning.output_tokens is preferred when both are there and non-zero */
	e = feed(SPAN(T1, "00f067aa0ba902b9", "chat", AT5,
		      "\"gen_ai.operation.name\":\"chat\",\"copilot_chat.session_id\":\"vs-1\",\"session.id\":\"s-2\","
		      "\"gen_ai.usage.input_tokens\":10,\"gen_ai.usage.output_tokens\":90,"
		      "\"gen_ai.usage.reasoning.output_tokens\":40,\"gen_ai.usage.reasoning_tokens\":41"),
		 -1);
	CHECK_INT(e->n, 1);
	TOKENS(&e->ev[0], 10, 0, 0, 90, 40);
	CHECK_STR(e->ev[0].model, "unknown"); /* "chat" names no model */
	CHECK(e->ev[0].model_fallback);
	CHECK_STR(e->ev[0].session, "vs-1");
}

/* The inference log and the chat span of one response: counted once, from
 * the span, in either order. */
static void test_log_and_span(void)
{
#define L1 INFER(T1, "00f067aa0ba902b7", "resp-1", AT0, USAGE(12000, 700, 8000, 1000))
#define S1 CHAT(T1, "00f067aa0ba902b7", "resp-1", AT0, USAGE(12000, 700, 8000, 1000))
	/* log first: counted, then withdrawn when the span comes */
	run *e = feed(L1 S1, -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 3);
	CHECK(strncmp(e->ev[0].key, "cpo:log#", 8) == 0 && strlen(e->ev[0].key) == 24);
	CHECK(!e->ev[0].retract);
	TOKENS(&e->ev[0], 3000, 1000, 8000, 700, 0);
	CHECK_STR(e->ev[0].model, "claude-sonnet-4.5");
	CHECK_STR(e->ev[1].key, e->ev[0].key);
	CHECK(e->ev[1].retract);
	CHECK_STR(e->ev[2].key, "cpo:" T1 ":00f067aa0ba902b7");
	CHECK(!e->ev[2].retract);
	kept k;
	fold(e, &k);
	CHECK_INT(k.n, 1);
	CHECK_STR(k.ev[0].key, "cpo:" T1 ":00f067aa0ba902b7");
	TOKENS(&k.ev[0], 3000, 1000, 8000, 700, 0);

	/* span first: the log counts nothing */
	e = feed(S1 L1, -1);
	CHECK_INT(e->n, 1);
	CHECK_STR(e->ev[0].key, "cpo:" T1 ":00f067aa0ba902b7");

	/* the same response id in another trace hides the log too */
	e = feed(CHAT(T2, "1111111111111111", "resp-1", AT0, USAGE(12000, 700, 8000, 1000)) L1, -1);
	CHECK_INT(e->n, 1);
	/* and so does another response of the same trace (the trace has its
	 * chat spans; ccusage's rule) */
	e = feed(INFER(T1, "2222222222222222", "resp-2", AT0, USAGE(50, 5, 0, 0)) S1, -1);
	CHECK_INT(e->n, 3);
	CHECK(e->ev[1].retract);
	fold(e, &k);
	CHECK_INT(k.n, 1);
	/* a log of another trace and response is its own request */
	e = feed(INFER(T2, "2222222222222222", "resp-2", AT0, USAGE(50, 5, 0, 0)) S1, -1);
	CHECK_INT(e->n, 2);
	fold(e, &k);
	CHECK_INT(k.n, 2);
	CHECK_INT(k.sum.input, 3050);
	/* the same log line twice: one key, withdrawn once */
	e = feed(L1 L1 S1, -1);
	CHECK_INT(e->n, 4);
	CHECK_STR(e->ev[0].key, e->ev[1].key);
	CHECK(e->ev[2].retract && !e->ev[3].retract);
}

/* The agent's summary span adds its chat calls up: dropped when they are
 * there, counted when it is all there is. */
static void test_agent_summary(void)
{
#define C1 CHAT(T1, "aaaaaaaaaaaaaaa1", "resp-1", AT0, USAGE(1000, 100, 600, 0))
#define C2 CHAT(T1, "aaaaaaaaaaaaaaa2", "resp-2", AT5, USAGE(2000, 200, 1500, 100))
#define SUM AGENT(T1, "aaaaaaaaaaaaaaa0", AT5, USAGE(3000, 300, 2100, 100))
	run *e = feed(C1 C2 SUM, -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 2);
	kept k;
	fold(e, &k);
	CHECK_INT(k.n, 2);
	/* 1000-600 + 2000-1500-100 uncached; 300 output */
	CHECK_INT(k.sum.input, 800);
	CHECK_INT(k.sum.cache_read, 2100);
	CHECK_INT(k.sum.cache_create_5m, 100);
	CHECK_INT(k.sum.output, 300);

	/* alone, it counts */
	e = feed(SUM, -1);
	CHECK_INT(e->n, 1);
	CHECK(strncmp(e->ev[0].key, "cpo:agent#", 10) == 0);
	CHECK_STR(e->ev[0].model, "claude-sonnet-4.5");
	CHECK_STR(e->ev[0].session, SID);
	CHECK_INT(e->ev[0].ts_ms, MS5);
	TOKENS(&e->ev[0], 800, 100, 2100, 300, 0);

	/* first, it is counted and then withdrawn by the first chat span */
	e = feed(SUM C1 C2, -1);
	CHECK_INT(e->n, 4);
	CHECK(e->ev[1].retract);
	CHECK_STR(e->ev[1].key, e->ev[0].key);
	fold(e, &k);
	CHECK_INT(k.n, 2);
	CHECK_INT(k.sum.input, 800);

	/* agent-turn logs come between the inference logs and the summary */
	e = feed(SUM TURN(T1, "aaaaaaaaaaaaaaa0", "resp-9", AT5, USAGE(3000, 300, 2100, 100))
		     INFER(T1, "aaaaaaaaaaaaaaa3", "resp-3", AT5, USAGE(10, 1, 0, 0)),
		 -1);
	CHECK_INT(e->n, 5); /* summary, its withdrawal, turn, its withdrawal, inference */
	CHECK(strncmp(e->ev[2].key, "cpo:turn#", 9) == 0);
	CHECK(e->ev[1].retract && e->ev[3].retract && !e->ev[4].retract);
	fold(e, &k);
	CHECK_INT(k.n, 1);
	CHECK_INT(k.sum.input, 10);
}

/* Every order of a trace's records, and a scan stopping anywhere, ends
 * with the same counted set. */
static void test_any_order(void)
{
	const char *recs[] = {
		INFER(T1, "aaaaaaaaaaaaaaa1", "resp-1", AT0, USAGE(1000, 100, 600, 0)),
		C1,
		TURN(T1, "aaaaaaaaaaaaaaa0", "resp-1", AT0, USAGE(1000, 100, 600, 0)),
		SUM,
		INFER(T2, "bbbbbbbbbbbbbbb1", "resp-7", AT5, USAGE(40, 4, 0, 0)),
	};
	int perm[5] = {0, 1, 2, 3, 4}, c[5] = {0};
	int orders = 0;
	/* all 120 orders (Heap's algorithm) */
	for (int i = 1;;) {
		char log[8192] = "";
		for (int j = 0; j < 5; j++)
			strcat(log, recs[perm[j]]);
		for (int split = -1; split < 5; split++) {
			run *e = feed(log, split);
			kept k;
			fold(e, &k);
			int before = check_failures;
			CHECK_INT(e->bad, 0);
			CHECK_INT(k.n, 2); /* C1, and the other trace's log */
			CHECK_INT(k.sum.input, 440);
			CHECK_INT(k.sum.cache_read, 600);
			CHECK_INT(k.sum.output, 104);
			if (check_failures != before)
				fprintf(stderr, "  (order %d %d %d %d %d, resumed at %d)\n", perm[0], perm[1], perm[2],
					perm[3], perm[4], split);
		}
		orders++;
		while (i < 5 && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i == 5)
			break;
		int s = i % 2 ? c[i] : 0, t = perm[s];
		perm[s] = perm[i];
		perm[i] = t;
		c[i]++;
		i = 1;
	}
	CHECK_INT(orders, 120);
}

static void test_values(void)
{
	/* numeric strings */
	run *e = feed(SPAN(T1, "1", "chat gpt-4.1", AT0,
			   "\"gen_ai.usage.input_tokens\":\"1500\",\"gen_ai.usage.output_tokens\":\"20\","
			   "\"gen_ai.usage.cache_read.input_tokens\":\"1000\""),
		      -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 1);
	TOKENS(&e->ev[0], 500, 0, 1000, 20, 0);

	/* OTLP's attribute list, ints as strings or numbers */
	e = feed("{\"type\":\"span\",\"traceId\":\"" T2 "\",\"spanId\":\"5\",\"name\":\"chat x\","
		 "\"endTime\":[" AT5 "],\"attributes\":["
		 "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},"
		 "{\"key\":\"gen_ai.response.model\",\"value\":{\"stringValue\":\"gpt-4.1\"}},"
		 "{\"key\":\"gen_ai.conversation.id\",\"value\":{\"stringValue\":\"" SID "\"}},"
		 "{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"900\"}},"
		 "{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":80}},"
		 "{\"key\":\"gen_ai.usage.cache_read.input_tokens\",\"value\":{\"intValue\":300}}]}\n",
		 -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 1);
	TOKENS(&e->ev[0], 600, 0, 300, 80, 0);
	CHECK_STR(e->ev[0].model, "gpt-4.1");
	CHECK_STR(e->ev[0].session, SID);

	/* times: an RFC 3339 string, milliseconds, and log records' top-level ids */
	e = feed("{\"hrTime\":\"2026-03-01T10:05:00.000Z\",\"traceId\":\"" T2 "\",\"spanId\":\"9\",\"attributes\":"
		 "{\"event.name\":\"gen_ai.client.inference.operation.details\",\"gen_ai.usage.output_tokens\":1}}\n"
		 "{\"hrTime\":1772359500000,\"attributes\":{\"event.name\":\"copilot_chat.agent.turn\","
		 "\"gen_ai.usage.input_tokens\":3}}\n",
		 -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 2);
	CHECK_INT(e->ev[0].ts_ms, MS5);
	CHECK_INT(e->ev[1].ts_ms, MS5);
	CHECK_STR(e->ev[0].session, T2);
	CHECK_STR(e->ev[1].session, ""); /* nothing names it */
	CHECK_STR(e->ev[1].model, "unknown");

	/* all-zero usage is no request, and hides nothing */
	e = feed(CHAT(T1, "1", "resp-1", AT0, USAGE(0, 0, 0, 0)) INFER(T1, "1", "resp-1", AT0, USAGE(10, 1, 0, 0)), -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 1);
	CHECK(strncmp(e->ev[0].key, "cpo:log#", 8) == 0);

	/* lines that are no usage record */
	e = feed("{\"type\":\"span\",\"traceId\":\"" T1 "\",\"spanId\":\"3\",\"name\":\"execute_tool bash\","
		 "\"endTime\":[" AT0 "],\"attributes\":{" USAGE(1, 1, 0, 0) "}}\n"
		 "{\"hrTime\":[" AT0 "],\"attributes\":{\"event.name\":\"copilot_chat.session.start\"," USAGE(1, 1, 0, 0) "}}\n"
		 "{\"descriptor\":{\"name\":\"gen_ai.client.token.usage\"},\"dataPoints\":[{\"attributes\":"
		 "{\"gen_ai.usage.kind\":\"input\"},\"value\":5}]}\n"
		 "[\"gen_ai.usage\"]\n"
		 "{\"type\":\"span\",\"name\":\"chat x\",\"attributes\":\"gen_ai.usage\"}\n"
		 "{\"type\":\"log\",\"name\":\"chat x\",\"endTime\":[" AT0 "],\"attributes\":{" USAGE(1, 1, 0, 0) "}}\n",
		 -1);
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 0);
}

static void test_malformed(void)
{
	struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{"{\"type\":\"span\",\"name\":\"chat x\",\"attributes\":{\"gen_ai.usage.input_tokens\":1", "invalid JSON"},
		{SPAN(T1, "1", "chat x", AT0, "\"gen_ai.usage.input_tokens\":-1"), "gen_ai.usage"},
		{SPAN(T1, "1", "chat x", AT0, "\"gen_ai.usage.input_tokens\":\"12a\""), "gen_ai.usage"},
		{SPAN(T1, "1", "chat x", AT0, "\"gen_ai.usage.input_tokens\":1.5"), "gen_ai.usage"},
		{SPAN(T1, "1", "chat x", AT0, "\"gen_ai.usage.output_tokens\":1000000000001"), "gen_ai.usage"},
		{SPAN(T1, "1", "chat x", "1772359200", "\"gen_ai.usage.input_tokens\":1"), "time"},
		{SPAN(T1, "1", "chat x", "1772359200,1000000000", "\"gen_ai.usage.input_tokens\":1"), "time"},
		{SPAN(T1, "1", "chat x", "-1,0", "\"gen_ai.usage.input_tokens\":1"), "time"},
		{"{\"type\":\"span\",\"name\":\"chat x\",\"attributes\":{\"gen_ai.usage.input_tokens\":1}}", "time"},
		{"{\"hrTime\":\"yesterday\",\"attributes\":{\"event.name\":\"copilot_chat.agent.turn\","
		 "\"gen_ai.usage.input_tokens\":1}}",
		 "time"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run *e = feed(cases[i].line, -1);
		int before = check_failures;
		CHECK_INT(e->bad, 1);
		CHECK_INT(e->n, 0);
		CHECK_INT(e->last_r, -EINVAL);
		CHECK(strstr(e->err.msg, cases[i].msg) != NULL);
		if (check_failures != before)
			fprintf(stderr, "  (case %zu: \"%s\")\n", i, e->err.msg);
	}
	/* a bad line between good ones costs only itself */
	run *e = feed(C1 "{\"gen_ai.usage\n" C2, -1);
	CHECK_INT(e->bad, 1);
	CHECK_INT(e->n, 2);
	/* a model name too long for the store */
	char line[1024];
	char model[300];
	memset(model, 'm', sizeof(model) - 1);
	model[sizeof(model) - 1] = '\0';
	snprintf(line, sizeof(line),
		 "{\"type\":\"span\",\"traceId\":\"t\",\"spanId\":\"s\",\"name\":\"chat x\",\"endTime\":[" AT0
		 "],\"attributes\":{\"gen_ai.response.model\":\"%s\",\"gen_ai.usage.input_tokens\":1}}",
		 model);
	e = feed(line, -1);
	CHECK_INT(e->bad, 1);
	CHECK(strstr(e->err.msg, "model") != NULL);
}

static void test_state(void)
{
	void *st = malloc(P->state_size);
	P->init(st, PATH);
	char *text = P->save(st);
	CHECK_STR(text, "cpo1;o=;c=;p=");
	free(text);

	/* a log waits in the state for its span; the saved state says so */
	feed_state(st, INFER(T1, "1", "resp-1", AT0, USAGE(10, 1, 0, 0)), -1);
	text = P->save(st);
	CHECK(strncmp(text, "cpo1;o=;c=", 10) == 0);
	CHECK_INT(strlen(text), strlen("cpo1;o=;c=;p=") + 2 * 16 + 48); /* a trace, a response, a pending log */
	void *st2 = malloc(P->state_size);
	au_err err;
	CHECK_INT(P->load(st2, text, &err), 0);
	char *again = P->save(st2);
	CHECK_STR(again, text);
	free(again);
	run *e = feed_state(st2, S1, -1);
	CHECK_INT(e->n, 2);
	CHECK(e->ev[0].retract);
	free(text);

	const char *bad[] = {
		"", "cpo1", "cpo1;o=;c=", "cpo1;o=;c=;p=;", "cpo2;o=;c=;p=", "cpo1;c=;o=;p=",
		"cpo1;o=0;c=;p=",
		"cpo1;o=0000000000000010;c=;p=",                  /* no kinds */
		"cpo1;o=ABCDEF0123456781;c=;p=",                  /* upper case */
		"cpo1;o=00000000000000f1;c=00000000000000f2;p=", /* one id twice */
		"cpo1;o=;c=;p=000000000000001100000000000000f0000000000000000", /* short */
		"cpo1;o=;c=;p=000000000000001000000000000000f00000000000000000", /* a chat span pending */
		"cpo1;o=;c=;p=000000000000001100000000000000000000000000000000", /* no ids */
		"cpo1;o=;c=;p=000000000000001100000000000000f10000000000000000", /* id with kind bits */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		int r = P->load(st2, bad[i], &err);
		CHECK_INT(r, -EINVAL);
		CHECK(err.msg[0] != '\0');
		if (r != -EINVAL)
			fprintf(stderr, "  (accepted \"%s\")\n", bad[i]);
	}
	CHECK_INT(P->load(st2, "cpo1;o=00000000000000f1;c=;p=000000000000001100000000000000f00000000000000000", &err), 0);
	free(st);
	free(st2);
}

/* The remembered ids and withdrawable events are bounded; what falls out
 * is counted as if alone. */
static void test_bounds(void)
{
	void *st = malloc(P->state_size);
	P->init(st, PATH);
	char line[512];
	run *e;
	/* 5000 traces with one chat span each */
	for (int i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line),
			 "{\"type\":\"span\",\"traceId\":\"t%d\",\"spanId\":\"s\",\"name\":\"chat m\",\"endTime\":[" AT0
			 "],\"attributes\":{\"gen_ai.usage.input_tokens\":1}}",
			 i);
		e = feed_state(st, line, -1);
		CHECK_INT(e->n, 1);
	}
	char *text = P->save(st);
	/* between 2048 and 4096 ids of 16 digits */
	CHECK(strlen(text) >= 13 + 2048 * 16 && strlen(text) <= 13 + 4096 * 16);
	free(text);
	/* the latest trace is remembered: its log counts nothing; the first
	 * one is forgotten: its log counts */
	e = feed_state(st, "{\"hrTime\":[" AT0 "],\"traceId\":\"t4999\",\"attributes\":{\"event.name\":"
			   "\"gen_ai.client.inference.operation.details\",\"gen_ai.usage.input_tokens\":1}}",
		       -1);
	CHECK_INT(e->n, 0);
	e = feed_state(st, "{\"hrTime\":[" AT0 "],\"traceId\":\"t0\",\"attributes\":{\"event.name\":"
			   "\"gen_ai.client.inference.operation.details\",\"gen_ai.usage.input_tokens\":1}}",
		       -1);
	CHECK_INT(e->n, 1);

	/* 600 logs wait for their spans: the oldest are forgotten */
	P->init(st, PATH);
	for (int i = 0; i < 600; i++) {
		snprintf(line, sizeof(line),
			 "{\"hrTime\":[" AT0 "],\"traceId\":\"u%d\",\"attributes\":{\"event.name\":"
			 "\"gen_ai.client.inference.operation.details\",\"gen_ai.usage.input_tokens\":1}}",
			 i);
		feed_state(st, line, -1);
	}
	text = P->save(st);
	const char *p = strstr(text, ";p=");
	CHECK(p && strlen(p + 3) <= 512 * 48 && strlen(p + 3) >= 384 * 48);
	free(text);
	e = feed_state(st, "{\"type\":\"span\",\"traceId\":\"u599\",\"spanId\":\"s\",\"name\":\"chat m\",\"endTime\":["
			   AT0 "],\"attributes\":{\"gen_ai.usage.input_tokens\":1}}",
		       -1);
	CHECK_INT(e->n, 2);
	CHECK(e->ev[0].retract);
	e = feed_state(st, "{\"type\":\"span\",\"traceId\":\"u0\",\"spanId\":\"s\",\"name\":\"chat m\",\"endTime\":["
			   AT0 "],\"attributes\":{\"gen_ai.usage.input_tokens\":1}}",
		       -1);
	CHECK_INT(e->n, 1);
	CHECK(!e->ev[0].retract);
	free(st);
}

static void test_sources(void)
{
	setenv("HOME", "/h", 1);
	unsetenv("COPILOT_HOME");
	unsetenv("COPILOT_OTEL_FILE_EXPORTER_PATH");
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel/copilot.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel/2026/03/events.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel/notes.txt") == NULL);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/otel/events.jsonl") != P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/tmp/otel/x.jsonl") == NULL);

	au_root *roots = au_roots_get(AU_SRC_COPILOT);
	int n = 0;
	for (; roots[n].dir; n++)
		;
	CHECK_INT(n, 4); /* the last: ~/.copilot itself, for its session store */
	CHECK_STR(roots[n - 2].dir, "/h/.copilot/otel");
	CHECK_STR(roots[n - 2].origin, "default");
	au_roots_free(roots);
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot/otel", "/h/.copilot/otel/a/b"));

	/* the exporter's file: its directory is a root, walked only down to
	 * other tools' roots, and only that file in it is read */
	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "~//exports/./copilot.log", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 5);
	CHECK_STR(roots[n - 1].dir, "/h/exports");
	CHECK_STR(roots[n - 1].origin, "$COPILOT_OTEL_FILE_EXPORTER_PATH");
	au_roots_free(roots);
	/* listed after every other tool's roots */
	roots = au_roots_get(AU_SRC_NONE);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_STR(roots[n - 1].dir, "/h/exports");
	au_roots_free(roots);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/exports/copilot.log") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/exports/other.jsonl") == NULL);
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/exports", "/h/exports"));
	CHECK(!au_source_walks_dir(AU_SRC_COPILOT, "/h/exports", "/h/exports/sub"));

	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "/h/otel.jsonl", 1);
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h", "/h"));
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h", "/h/.gemini"));           /* toward ~/.gemini/tmp */
	CHECK(!au_source_walks_dir(AU_SRC_COPILOT, "/h", "/h/.gemini/tmp"));      /* a root of its own */
	CHECK(!au_source_walks_dir(AU_SRC_COPILOT, "/h", "/h/src"));
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot/session-state", "/h/.copilot/session-state/x"));
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/otel.jsonl") == P);

	/* inside a root walked anyway: no root of its own */
	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "/h/.copilot/otel/run/x.log", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 4);
	au_roots_free(roots);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel/run/x.log") == P);
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot/otel", "/h/.copilot/otel/run"));

	/* right in ~/.copilot: read from the session store's root */
	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "/h/.copilot/otel.jsonl", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 4);
	au_roots_free(roots);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel.jsonl") == P);
	/* below it, where that root does not walk: a root of its own */
	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "/h/.copilot/logs/otel.jsonl", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 5);
	CHECK_STR(roots[n - 1].dir, "/h/.copilot/logs");
	au_roots_free(roots);

	/* a relative path names no file we can find */
	setenv("COPILOT_OTEL_FILE_EXPORTER_PATH", "otel.jsonl", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 4);
	au_roots_free(roots);
	unsetenv("COPILOT_OTEL_FILE_EXPORTER_PATH");

	setenv("COPILOT_HOME", "/x/cp,~/cp2", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	for (n = 0; roots[n].dir; n++)
		;
	CHECK_INT(n, 8);
	CHECK_STR(roots[4].dir, "/x/cp/otel");
	CHECK_STR(roots[5].dir, "/h/cp2/otel");
	CHECK_STR(roots[5].origin, "$COPILOT_HOME");
	au_roots_free(roots);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/x/cp/otel/a.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/otel/a.jsonl") == NULL);
	unsetenv("COPILOT_HOME");
}

int main(void)
{
	test_chat_span();
	test_log_and_span();
	test_agent_summary();
	test_any_order();
	test_values();
	test_malformed();
	test_state();
	test_bounds();
	test_sources();
	return check_done("test_copilot_otel");
}
