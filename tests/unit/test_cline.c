/*
 * parsers/cline.c (Cline, Roo Code, Kilo Code) on hand-made task documents:
 * what each kind of request message counts, and the traps (a request still
 * streaming, the protocol that puts cached tokens inside tokensIn, the sum
 * of deleted requests, a model named once and carried forward).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"

extern const au_parser_ops au_parser_cline, au_parser_roo, au_parser_kilo;

#define TASK "/h/.config/Code/User/globalStorage/x/tasks/t-1/ui_messages.json"

typedef struct got {
	au_event ev[8];
	int n;
} got;

static int take(void *ctx, const au_event *ev)
{
	got *g = ctx;
	if (g->n < 8)
		g->ev[g->n] = *ev;
	g->n++;
	return 0;
}

static int parse(const au_parser_ops *p, const char *doc, got *g)
{
	void *st = calloc(1, p->state_size);
	p->init(st, TASK);
	au_err err;
	memset(&err, 0, sizeof(err));
	memset(g, 0, sizeof(*g));
	int r = p->parse_file(st, doc, strlen(doc), take, g, &err);
	free(st);
	return r;
}

static void test_roo(void)
{
	got g;
	const char *doc =
		"[{\"ts\":1000,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"{\\\"request\\\":\\\"x <model>claude-sonnet-4-5</model>"
		"\\\\n# Current Workspace Directory (/p/app) Files\\\",\\\"apiProtocol\\\":\\\"anthropic\\\",\\\"tokensIn\\\":10,"
		"\\\"tokensOut\\\":20,\\\"cacheWrites\\\":30,\\\"cacheReads\\\":40,\\\"cost\\\":0.5}\"},"
		"{\"ts\":2000,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"{\\\"request\\\":\\\"y\\\",\\\"apiProtocol\\\":"
		"\\\"openai\\\",\\\"tokensIn\\\":1000,\\\"tokensOut\\\":5,\\\"cacheWrites\\\":100,\\\"cacheReads\\\":600}\"},"
		"{\"ts\":3000,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"{\\\"request\\\":\\\"streaming\\\"}\"},"
		"{\"ts\":4000,\"type\":\"say\",\"say\":\"deleted_api_reqs\",\"text\":\"{\\\"tokensIn\\\":7,\\\"tokensOut\\\":7}\"}]";
	CHECK_INT(parse(&au_parser_roo, doc, &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.ev[0].source, AU_SRC_ROO);
	CHECK_STR(g.ev[0].key, "roo:t-1|1000");
	CHECK_STR(g.ev[0].model, "claude-sonnet-4-5");
	CHECK_STR(g.ev[0].cwd, "/p/app");
	CHECK_STR(g.ev[0].session, "t-1");
	CHECK_INT(g.ev[0].tok.input, 10);
	CHECK_INT(g.ev[0].tok.cache_create_5m, 30);
	CHECK_INT(g.ev[0].tok.cache_read, 40);
	CHECK_INT(g.ev[0].tok.output, 20);
	CHECK(g.ev[0].has_tool_cost);
	CHECK_INT(g.ev[0].tool_cost, 500000000000);
	/* "openai": cached tokens are inside tokensIn; the model carries forward */
	CHECK_INT(g.ev[1].tok.input, 300);
	CHECK_STR(g.ev[1].model, "claude-sonnet-4-5");
	CHECK(!g.ev[1].has_tool_cost);
}

static void test_cline(void)
{
	got g;
	const char *doc =
		"[{\"ts\":5000,\"type\":\"say\",\"say\":\"api_req_started\",\"modelInfo\":{\"modelId\":\"gpt-5\",\"providerId\":\"openai\"},"
		"\"text\":\"{\\\"request\\\":\\\"r\\\",\\\"tokensIn\\\":50,\\\"tokensOut\\\":60,\\\"cacheReads\\\":70}\"},"
		"{\"ts\":6000,\"type\":\"say\",\"say\":\"subagent_usage\",\"text\":\"{\\\"source\\\":\\\"subagents\\\",\\\"tokensIn\\\":1,"
		"\\\"tokensOut\\\":2,\\\"cacheWrites\\\":0,\\\"cacheReads\\\":0,\\\"cost\\\":0}\"},"
		"{\"ts\":7000,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"not json\"},"
		"{\"ts\":8000,\"type\":\"ask\",\"ask\":\"api_req_failed\",\"text\":\"boom\"}]";
	CHECK_INT(parse(&au_parser_cline, doc, &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.ev[0].model, "gpt-5");
	CHECK(!g.ev[0].model_fallback);
	CHECK_INT(g.ev[0].tok.input, 50); /* no protocol: tokensIn is kept */
	CHECK_INT(g.ev[0].tok.cache_read, 70);
	CHECK_STR(g.ev[1].key, "cline:t-1|s6000");
	CHECK_INT(g.ev[1].tok.output, 2);
	/* a model nowhere: unknown, and said so */
	CHECK_INT(parse(&au_parser_kilo,
			"[{\"ts\":9,\"type\":\"say\",\"say\":\"api_req_started\",\"text\":\"{\\\"tokensOut\\\":3}\"}]", &g),
		  0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.ev[0].model, "unknown");
	CHECK(g.ev[0].model_fallback);
	/* a document caught mid-rewrite, and one that is not a task's */
	CHECK_INT(parse(&au_parser_cline, "  \n", &g), 0);
	CHECK_INT(g.n, 0);
	CHECK(parse(&au_parser_cline, "{\"ts\":1}", &g) < 0);
	CHECK(parse(&au_parser_cline, "[{\"ts\":1,", &g) < 0);
}

int main(void)
{
	test_roo();
	test_cline();
	return check_done("test_cline");
}
