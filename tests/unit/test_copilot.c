/*
 * Unit tests of parsers/copilot.c (GitHub Copilot CLI session logs) and
 * watchers/tool_copilot.c: literal event logs fed line by line as
 * watchers/filejob.c does (the state saved and loaded again between every
 * two lines, as if each line came in a new scan), every emitted event
 * checked against numbers worked out by hand beside it (each
 * session.shutdown counts whole: a resumed session starts from zero), and
 * which files the source reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sources.h"

extern const au_parser_ops au_parser_copilot;
static const au_parser_ops *const P = &au_parser_copilot;

#define PATH "/home/u/.copilot/session-state/5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01/events.jsonl"
#define SID "5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01"

typedef struct events {
	au_event ev[16];
	int n;
	int bad; /* lines refused (a negative return) */
	au_err err;
} events;

static int collect(void *ctx, const au_event *ev)
{
	events *e = ctx;
	if (e->n < 16)
		e->ev[e->n] = *ev;
	e->n++;
	return 0;
}

/* Feeds a log (a C string of len bytes) read from path, complete lines
 * only, each on an exact-size copy. */
static events *parse_len(const char *path, const char *log, size_t len)
{
	static events e;
	memset(&e, 0, sizeof(e));
	void *st = calloc(1, P->state_size);
	P->init(st, path);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(log + pos, '\n', len - pos);
		if (!nl)
			break; /* a partial last line waits for the rest */
		size_t n = (size_t)(nl - (log + pos));
		char *copy = malloc(n ? n : 1);
		memcpy(copy, log + pos, n);
		if (n > 0 && P->candidate(copy, n) && P->parse_line_emit(st, copy, n, collect, &e, &e.err) < 0)
			e.bad++;
		free(copy);
		pos += n + 1;
		/* the next line as a later scan would read it */
		char *text = P->save(st);
		au_err err;
		P->init(st, path);
		CHECK_INT(P->load(st, text, &err), 0);
		free(text);
	}
	free(st);
	return &e;
}

static events *parse_at(const char *path, const char *log)
{
	return parse_len(path, log, strlen(log));
}

static events *parse(const char *log)
{
	return parse_at(PATH, log);
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

#define START                                                                                             \
	"{\"type\":\"session.start\",\"data\":{\"sessionId\":\"" SID "\",\"version\":1,"                    \
	"\"producer\":\"copilot-agent\",\"context\":{\"cwd\":\"/home/u/proj/sub\",\"gitRoot\":\"/home/u/proj\"}}," \
	"\"id\":\"e0\",\"timestamp\":\"2026-03-01T09:00:00.000Z\",\"parentId\":null}\n"

/* A shutdown line: id, timestamp, then the modelMetrics object's body. */
#define SHUTDOWN(id, ts, models)                                                                          \
	"{\"type\":\"session.shutdown\",\"data\":{\"shutdownType\":\"routine\",\"modelMetrics\":{" models "}}," \
	"\"id\":\"" id "\",\"timestamp\":\"" ts "\",\"parentId\":null}\n"

#define MODEL(name, in, out, cr, cw)                                                                        \
	"\"" name "\":{\"requests\":{\"count\":3,\"cost\":3},\"usage\":{\"inputTokens\":" #in ",\"outputTokens\":" #out \
	",\"cacheReadTokens\":" #cr ",\"cacheWriteTokens\":" #cw "}}"

static void test_init_session(void)
{
	events *e = parse_at(PATH, SHUTDOWN("s1", "2026-03-01T10:00:00Z", MODEL("gpt-4.1", 10, 1, 0, 0)));
	CHECK_INT(e->n, 1);
	CHECK_STR(e->ev[0].session, SID); /* the directory, without a session.start */
	e = parse_at("/home/u/.copilot/session-state/0c9e4d11.jsonl",
		     SHUTDOWN("s1", "2026-03-01T10:00:00Z", MODEL("gpt-4.1", 10, 1, 0, 0)));
	CHECK_STR(e->ev[0].session, "0c9e4d11"); /* an older build's flat file */
	CHECK_STR(e->ev[0].cwd, "");
}

static void test_segments(void)
{
	/*
	 * First shutdown: 10000 input of which 6000 cache reads and 1000 cache
	 * writes: 3000 uncached. The resumed session's process counted from
	 * zero again: its shutdown is 15000 input (9000 read, 1000 written:
	 * 5000 uncached) and 900 output for sonnet, and gpt-5-mini's.
	 */
	events *e = parse(START SHUTDOWN("s1", "2026-03-01T10:00:00.000Z", MODEL("claude-sonnet-4.5", 10000, 500, 6000, 1000))
		"{\"type\":\"session.resume\",\"data\":{\"context\":{\"cwd\":\"/home/u/proj/sub\"}},\"id\":\"e5\","
		"\"timestamp\":\"2026-03-02T08:00:00.000Z\"}\n"
		"{\"type\":\"assistant.message\",\"data\":{\"content\":\"done\",\"outputTokens\":300},\"id\":\"e6\","
		"\"timestamp\":\"2026-03-02T08:10:00.000Z\"}\n"
		SHUTDOWN("s2", "2026-03-02T12:00:00.000Z",
			 MODEL("claude-sonnet-4.5", 15000, 900, 9000, 1000) ","
			 "\"gpt-5-mini\":{\"usage\":{\"inputTokens\":3000,\"outputTokens\":200,"
			 "\"cacheReadTokens\":1000,\"cacheWriteTokens\":0,\"reasoningTokens\":64}}"));
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 3);
	const au_event *a = &e->ev[0], *b = &e->ev[1], *c = &e->ev[2];
	CHECK_INT(a->source, AU_SRC_COPILOT);
	CHECK_INT(a->dedup, AU_DEDUP_LATEST);
	CHECK_STR(a->model, "claude-sonnet-4.5");
	CHECK_STR(a->session, SID);
	CHECK_STR(a->cwd, "/home/u/proj/sub"); /* cwd before gitRoot */
	CHECK_INT(a->ts_ms, 1772359200000);      /* 2026-03-01T10:00:00Z */
	CHECK_STR(a->key, "g:" SID "|s1|claude-sonnet-4.5");
	CHECK(!a->sidechain && !a->model_fallback && a->msg_id[0] == '\0');
	TOKENS(a, 3000, 1000, 6000, 500, 0);
	CHECK_STR(b->model, "claude-sonnet-4.5");
	CHECK_INT(b->ts_ms, 1772452800000); /* 2026-03-02T12:00:00Z */
	CHECK_STR(b->key, "g:" SID "|s2|claude-sonnet-4.5");
	TOKENS(b, 5000, 1000, 9000, 900, 0);
	CHECK_STR(c->model, "gpt-5-mini");
	TOKENS(c, 2000, 0, 1000, 200, 64);

	/* A later shutdown smaller or larger than the one before, or naming
	 * fewer models: each counts whole, whatever came before. */
	e = parse(START SHUTDOWN("s1", "2026-03-02T15:00:00Z", MODEL("gpt-4.1", 8000, 700, 2000, 0) "," MODEL("b", 1, 1, 0, 0))
			SHUTDOWN("s2", "2026-03-02T18:00:00Z", MODEL("gpt-4.1", 5000, 300, 1000, 0))
			SHUTDOWN("s3", "2026-03-02T19:00:00Z", MODEL("gpt-4.1", 9000, 800, 1000, 0)));
	CHECK_INT(e->n, 4);
	TOKENS(&e->ev[0], 6000, 0, 2000, 700, 0);
	TOKENS(&e->ev[2], 4000, 0, 1000, 300, 0);
	TOKENS(&e->ev[3], 8000, 0, 1000, 800, 0);
}

static void test_repeats(void)
{
	/* The same shutdown written again keeps its key (the store keeps one
	 * copy); a shutdown without models, or with a model that used
	 * nothing, emits nothing. */
	events *e = parse(START SHUTDOWN("s1", "2026-03-01T10:00:00Z", MODEL("m", 100, 10, 0, 0))
				  SHUTDOWN("s1", "2026-03-01T10:00:00Z", MODEL("m", 100, 10, 0, 0))
				  SHUTDOWN("s2", "2026-03-01T11:00:00Z", "")
				  SHUTDOWN("s3", "2026-03-01T12:00:00Z", MODEL("m", 0, 0, 0, 0))
				  SHUTDOWN("s4", "2026-03-01T13:00:00Z", MODEL("m", 130, 15, 0, 0)));
	CHECK_INT(e->n, 3);
	CHECK_STR(e->ev[0].key, e->ev[1].key);
	TOKENS(&e->ev[1], 100, 0, 0, 10, 0);
	CHECK_STR(e->ev[2].key, "g:" SID "|s4|m");
	TOKENS(&e->ev[2], 130, 0, 0, 15, 0);
}

static void test_live(void)
{
	/* No shutdown yet: only per-message output exists, no input; nothing
	 * is counted until the session ends. */
	events *e = parse(START "{\"type\":\"assistant.message\",\"data\":{\"content\":\"hi\",\"outputTokens\":300},"
				"\"id\":\"e1\",\"timestamp\":\"2026-03-01T09:00:09Z\"}\n");
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 0);
	e = parse("");
	CHECK_INT(e->bad, 0);
	CHECK_INT(e->n, 0);
}

static void test_malformed(void)
{
	/* Lines that do not parse (a crash's torn line, NUL bytes, garbage)
	 * and shutdowns that cannot be read whole (no timestamp, a count out
	 * of range, a string count) are refused with a message, each on its
	 * own: what follows still counts. */
	static const char log[] =
		START
		"{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"m\":{\"usage\":{\"inputTokens\":99\n"
		"\"session.\0\0\0\0\n"
		"{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{" MODEL("m", 5, 5, 0, 0) "}},\"id\":\"x1\"}\n"
		SHUTDOWN("x2", "yesterday", MODEL("m", 5, 5, 0, 0))
		SHUTDOWN("x3", "2026-03-01T10:00:00Z", MODEL("m", 1000000000001, 5, 0, 0))
		SHUTDOWN("x4", "2026-03-01T10:00:00Z", MODEL("m", -1, 5, 0, 0))
		SHUTDOWN("x5", "2026-03-01T10:00:00Z", "\"m\":{\"usage\":{\"inputTokens\":\"100\"}}")
		SHUTDOWN("x6", "2026-03-01T10:00:00Z", "\"m\":{\"usage\":{\"inputTokens\":1.5e3}}")
		SHUTDOWN("ok", "2026-03-01T11:00:00Z", MODEL("m", 200, 20, 0, 0))
		SHUTDOWN("ok2", "2026-03-01T12:00:00Z", MODEL("m", 250, 30, 0, 0))
		"{\"type\":\"session.shutdown\",\"data\":{\"modelMetrics\":{\"m\":{\"usage\":{\"inputTokens\":9"; /* no newline */
	events *e = parse_len(PATH, log, sizeof(log) - 1);
	CHECK_INT(e->bad, 8);
	CHECK(e->err.msg[0] != '\0');
	CHECK_INT(e->n, 2);
	TOKENS(&e->ev[0], 200, 0, 0, 20, 0);
	TOKENS(&e->ev[1], 250, 0, 0, 30, 0);
}

static void test_fields(void)
{
	/* Missing counters are 0; a model entry without "usage" (renamed) is
	 * not read; null counts are absent; duplicate model keys: the last
	 * wins, as in every JSON library we compare with; no event id: the
	 * timestamp keys the shutdown; cache reads and writes are taken out
	 * of the input, never below zero. gitRoot serves when cwd is absent. */
	events *e = parse(
		"{\"type\":\"session.start\",\"data\":{\"sessionId\":\"S\",\"context\":{\"gitRoot\":\"/r\"}},"
		"\"timestamp\":\"2026-03-01T09:00:00Z\"}\n"
		"{\"type\":\"session.shutdown\",\"timestamp\":\"2026-03-01T10:00:00+01:00\",\"data\":{\"modelMetrics\":{"
		"\"a\":{\"usage\":{\"outputTokens\":7}},"
		"\"b\":{\"tokens\":{\"inputTokens\":5,\"outputTokens\":5}},"
		"\"c\":{\"usage\":{\"inputTokens\":1,\"outputTokens\":1}},"
		"\"c\":{\"usage\":{\"inputTokens\":10,\"outputTokens\":null,\"cacheReadTokens\":8,\"cacheWriteTokens\":8}}"
		"}}}\n");
	CHECK_INT(e->n, 2);
	CHECK_STR(e->ev[0].model, "a");
	CHECK_STR(e->ev[0].cwd, "/r");
	CHECK_STR(e->ev[0].session, "S");
	CHECK_INT(e->ev[0].ts_ms, 1772355600000); /* 09:00Z */
	CHECK_STR(e->ev[0].key, "g:S|t2026-03-01T10:00:00+01:00|a");
	TOKENS(&e->ev[0], 0, 0, 0, 7, 0);
	CHECK_STR(e->ev[1].model, "c");
	TOKENS(&e->ev[1], 0, 8, 8, 0, 0);

	/* A '|' in a part (or a part too long) would make two keys meet:
	 * such keys are a hash of the three parts instead. */
	e = parse(START SHUTDOWN("a|b", "2026-03-01T10:00:00Z", MODEL("c", 1, 1, 0, 0))
			SHUTDOWN("a", "2026-03-01T11:00:00Z", MODEL("b|c", 2, 2, 0, 0)));
	CHECK_INT(e->n, 2);
	CHECK(strncmp(e->ev[0].key, "g#", 2) == 0 && strlen(e->ev[0].key) == 18);
	CHECK(strncmp(e->ev[1].key, "g#", 2) == 0 && strcmp(e->ev[0].key, e->ev[1].key) != 0);
}

static void test_sources(void)
{
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/abc/events.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/abc.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/history-session-state/abc.jsonl") == P);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/abc/workspace.yaml") == NULL);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/abc/other.jsonl") == NULL);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/abc.json") == NULL);

	setenv("HOME", "/h", 1);
	unsetenv("COPILOT_HOME");
	au_root *roots = au_roots_get(AU_SRC_COPILOT);
	CHECK_STR(roots[0].dir, "/h/.copilot/session-state");
	CHECK_STR(roots[0].origin, "default");
	CHECK_STR(roots[1].dir, "/h/.copilot/history-session-state");
	CHECK_STR(roots[2].dir, "/h/.copilot/otel"); /* the OpenTelemetry export (test_copilot_otel.c) */
	/* the directory itself, for its session store alone, not walked below */
	CHECK_STR(roots[3].dir, "/h/.copilot");
	CHECK_STR(roots[3].file, "/h/.copilot/session-store.db");
	CHECK(roots[4].dir == NULL);
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot", "/h/.copilot"));
	CHECK(!au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot", "/h/.copilot/pkg"));
	CHECK(!au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot", "/h/.copilot/session-state"));
	CHECK(au_source_walks_dir(AU_SRC_COPILOT, "/h/.copilot/session-state", "/h/.copilot/session-state/x"));
	extern const au_parser_ops au_parser_copilot_store;
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-store.db") == &au_parser_copilot_store);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-store.db-wal") == NULL);
	CHECK(au_file_parser(AU_SRC_COPILOT, "/h/.copilot/session-state/session-store.db") == NULL);
	au_roots_free(roots);
	setenv("COPILOT_HOME", "/x/cp, ~/cp2", 1);
	roots = au_roots_get(AU_SRC_COPILOT);
	CHECK_STR(roots[0].dir, "/x/cp/session-state");
	CHECK_STR(roots[0].origin, "$COPILOT_HOME");
	CHECK_STR(roots[2].dir, "/h/cp2/session-state");
	CHECK_STR(roots[7].dir, "/h/cp2"); /* and each one's otel/ and store */
	CHECK(roots[8].dir == NULL);
	au_roots_free(roots);
	unsetenv("COPILOT_HOME");
}

int main(void)
{
	test_init_session();
	test_segments();
	test_repeats();
	test_live();
	test_malformed();
	test_fields();
	test_sources();
	return check_done("test_copilot");
}
