/*
 * Amp: parsers/amp.c on whole thread documents, and the scan of a thread
 * file rewritten between two scans. The rule tested: a ledger event and
 * the assistant message it was billed for are one request, counted from
 * the event; a message counted before its event was written stops counting
 * when the event appears (its key is withdrawn). Numbers by hand.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "pricing.h"
#include "storeq.h"

extern const au_parser_ops au_parser_amp;
#define P (&au_parser_amp)

typedef struct got {
	au_event ev[8];
	int n;
} got;

static int keep(void *ctx, const au_event *ev)
{
	got *g = ctx;
	if (g->n < 8)
		g->ev[g->n++] = *ev;
	return 0;
}

static int parse(const char *doc, got *g)
{
	char st[256];
	memset(g, 0, sizeof(*g));
	CHECK((size_t)P->state_size <= sizeof(st));
	P->init(st, "/h/.local/share/amp/threads/T-abc.json");
	au_err err;
	return P->parse_file(st, doc, strlen(doc), keep, g, &err);
}

#define MSG(id, in, out) \
	"{\"role\":\"assistant\",\"messageId\":" #id ",\"usage\":{\"model\":\"claude-sonnet-4-5\",\"inputTokens\":" #in \
	",\"outputTokens\":" #out "}}"
#define EV(ts, to, in, out) \
	"{\"timestamp\":\"" ts "\",\"model\":\"claude-sonnet-4-5\",\"credits\":0.5," to \
	"\"tokens\":{\"input\":" #in ",\"output\":" #out "}}"

static void test_parse(void)
{
	got g;
	/* messages only: each counts, dated at created, keyed by id; the
	 * file name stands in for a missing id */
	CHECK_INT(parse("{\"created\":1772528400000,\"messages\":[{\"role\":\"user\",\"messageId\":0}," MSG(1, 10, 5) "]}", &g), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.ev[0].key, "a:T-abc|m1");
	CHECK_INT(g.ev[0].ts_ms, INT64_C(1772528400000));
	CHECK_INT(g.ev[0].tok.input, 10);
	CHECK(!g.ev[0].retract && !g.ev[0].has_tool_cost);

	/* an event naming message 1 counts (its own time, its credits as
	 * the tool's cost: $0.5) and message 1 is withdrawn; message 2,
	 * matched by equal usage to the second event, likewise */
	CHECK_INT(parse("{\"id\":\"T-x\",\"created\":1772528400000,\"messages\":[" MSG(1, 10, 5) "," MSG(2, 7, 3) "],"
			"\"usageLedger\":{\"events\":[" EV("2026-03-03T09:00:05Z", "\"toMessageId\":1,", 10, 5) ","
			EV("2026-03-04T00:00:00Z", "", 7, 3) "]}}", &g), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.ev[0].key, "a:T-x|e0");
	CHECK_INT(g.ev[0].ts_ms, INT64_C(1772528405000));
	CHECK(g.ev[0].has_tool_cost && g.ev[0].tool_cost == INT64_C(500000000000));
	CHECK_STR(g.ev[1].key, "a:T-x|e1");
	CHECK_STR(g.ev[2].key, "a:T-x|m1");
	CHECK(g.ev[2].retract);
	CHECK_STR(g.ev[3].key, "a:T-x|m2");
	CHECK(g.ev[3].retract);

	/* an event without toMessageId and different usage covers nothing */
	CHECK_INT(parse("{\"id\":\"T-y\",\"created\":1772528400000,\"messages\":[" MSG(1, 10, 5) "],"
			"\"usageLedger\":{\"events\":[" EV("2026-03-04T00:00:00Z", "", 8, 3) "]}}", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK(!g.ev[0].retract && !g.ev[1].retract);
	/* one event covers one message: two equal messages, one event */
	CHECK_INT(parse("{\"id\":\"T-z\",\"created\":1772528400000,\"messages\":[" MSG(1, 7, 3) "," MSG(2, 7, 3) "],"
			"\"usageLedger\":{\"events\":[" EV("2026-03-04T00:00:00Z", "", 7, 3) "]}}", &g), 0);
	CHECK_INT(g.n, 3);
	CHECK(g.ev[1].retract && !g.ev[2].retract);

	/* malformed: not an object; a NUL in the id */
	CHECK(parse("[1]", &g) < 0);
	CHECK(parse("{\"id\":\"T-\\u0000\"}", &g) < 0);
	/* a negative count leaves that record out, not the thread */
	CHECK_INT(parse("{\"id\":\"T-n\",\"created\":1,\"messages\":[" MSG(1, -4, 5) "," MSG(2, 1, 1) "]}", &g), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.ev[0].key, "a:T-n|m2");
}

static char *home;

static void put(const char *path, const char *text)
{
	CHECK(g_file_set_contents(path, text, -1, NULL));
}

/* The message is read before its event exists, then the file is
 * rewritten with the event: the request counts once, from the event. */
static void test_scan(void)
{
	char *dir = g_build_filename(home, ".local/share/amp/threads", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *file = g_build_filename(dir, "T-scan.json", NULL);
	put(file, "{\"id\":\"T-scan\",\"created\":1772528400000,\"messages\":[" MSG(1, 1000, 100) "]}");
	au_pricing *prices = au_pricing_new();
	char *db = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	au_scan_stats st = scan_checked(s, prices, AU_SRC_AMP);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source = 'amp'"), 1000);
	put(file, "{\"id\":\"T-scan\",\"created\":1772528400000,\"messages\":[" MSG(1, 1000, 100) "," MSG(2, 20, 2) "],"
		  "\"usageLedger\":{\"events\":[" EV("2026-03-03T09:00:05Z", "\"toMessageId\":1,", 1000, 100) "]}}");
	st = scan_checked(s, prices, AU_SRC_AMP);
	au_scan_stats_release(&st);
	/* the event (1000 in) and message 2 (20 in); message 1 withdrawn */
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source = 'amp'"), 2);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source = 'amp'"), 1020);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key = 'a:T-scan|m1'"), 0);
	CHECK_INT(q(s, "SELECT sum(input) FROM agg WHERE source = 'amp'"), 1020);
	au_store_close(s);
	au_pricing_free(prices);
	g_free(db);
	g_free(file);
	g_free(dir);
}

int main(void)
{
	test_parse();
	home = g_dir_make_tmp("aiusage-amp-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("AMP_DATA_DIR");
	g_unsetenv("XDG_DATA_HOME");
	test_scan();
	rm_rf(home);
	g_free(home);
	return check_done("test_amp");
}
