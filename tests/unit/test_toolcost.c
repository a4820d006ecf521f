/*
 * The tools' own costs (au_event.tool_cost: OpenCode's `cost`, the Cursor
 * dashboard's) through a real SQLite store and the reports: the agg
 * triggers keep tool_cost / tool_costed equal to the usage rows when a
 * response is re-read with another cost, loses its cost, moves to another
 * bucket or is withdrawn; the report sums them per row, per model and in
 * total; JSON has toolCost only where some response had one, CSV its
 * column only when some row has one, the table its column only when a
 * tool cost differs from ours. Every figure is worked out by hand beside it.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "storeq.h"
#include "parser.h"
#include "pricing.h"
#include "report.h"
#include "scan.h"
#include "store.h"

#define PICO_USD 1000000000000LL

/* 2026-01-02T10:00:00Z, and the days after it */
#define T_D1 1767348000000LL
#define DAY_MS 86400000LL

static char *home;
static au_pricing *prices;

/* The trigger-kept aggregate equals the usage rows, column by column. */
static void check_agg(au_store *s)
{
	check_agg_matches_usage(s);
	CHECK_INT(q(s, "SELECT count(*) FROM agg WHERE n <= 0 OR tool_costed < 0 OR tool_costed > n"), 0);
}

/* One response as OpenCode's parser hands it over (re-read whole: the
 * latest copy replaces the stored one); tool < 0: the tool says nothing. */
static au_put_result put(au_store *s, const char *key, au_source src, int64_t ts, const char *model, int64_t cost,
			 int64_t tool)
{
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = src;
	ev.dedup = AU_DEDUP_LATEST;
	snprintf(ev.key, sizeof(ev.key), "%s", key);
	ev.ts_ms = ts;
	snprintf(ev.session, sizeof(ev.session), "ses");
	snprintf(ev.model, sizeof(ev.model), "%s", model);
	snprintf(ev.cwd, sizeof(ev.cwd), "/w/p");
	ev.tok.input = 100;
	ev.tok.output = 10;
	ev.has_tool_cost = tool >= 0;
	ev.tool_cost = tool >= 0 ? tool : 0;
	au_put_result res = AU_PUT_KEPT;
	au_err err;
	CHECK_INT(au_store_put(s, &ev, 1, 0, cost, &res, &err), 0);
	return res;
}

static au_put_result retract(au_store *s, const char *key)
{
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = AU_SRC_OPENCODE;
	ev.retract = true;
	snprintf(ev.key, sizeof(ev.key), "%s", key);
	au_put_result res = AU_PUT_NEW;
	au_err err;
	CHECK_INT(au_store_put(s, &ev, 1, 0, 0, &res, &err), 0);
	return res;
}

static int64_t day_of(int64_t ms)
{
	return ms / DAY_MS;
}

static au_report *report(au_store *s, au_group g, int64_t since_day, int64_t until_day)
{
	GTimeZone *utc = g_time_zone_new_utc();
	au_report_opts o = {
		.group = g,
		.tz = utc,
		.since_day = since_day,
		.until_day = until_day,
		.source = AU_SRC_NONE,
		.week_start = 1,
	};
	au_report *r = NULL;
	au_err err;
	CHECK_INT(au_report_build(s, &o, &r, &err), 0);
	r->tz_name = "UTC";
	g_time_zone_unref(utc);
	return r;
}

static const au_row *row_of(const au_report *r, const char *key)
{
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		if (strcmp(row->key, key) == 0)
			return row;
	}
	return NULL;
}

/* tool_cost and tool_costed of a day's row; -1, -1 when there is none */
static void day_tool(const au_report *r, const char *key, int64_t *cost, int64_t *n)
{
	const au_row *row = row_of(r, key);
	*cost = row ? row->t.tool_cost : -1;
	*n = row ? row->t.tool_costed : -1;
}

typedef void (*render_fn)(FILE *f, const au_report *r, const au_render_opts *o);

static char *render(render_fn fn, const au_report *r, bool breakdown)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	au_render_opts o = {.breakdown = breakdown};
	fn(f, r, &o);
	fclose(f);
	return buf;
}

/* The line of text holding needle (malloc'd), or NULL. */
static char *line_with(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	if (!p)
		return NULL;
	const char *b = p, *e = strchr(p, '\n');
	while (b > text && b[-1] != '\n')
		b--;
	return g_strndup(b, e ? (size_t)(e - b) : strlen(b));
}

static void check_line(const char *text, const char *needle, const char *want, bool present)
{
	char *l = line_with(text, needle);
	CHECK(l != NULL);
	if (l && (strstr(l, want) != NULL) != present) {
		fprintf(stderr, "line with %s %s %s:\n%s\n", needle, present ? "lacks" : "has", want, l);
		CHECK(false);
	}
	g_free(l);
}

static void test_store_and_reports(au_store *s)
{
	const int64_t d1 = T_D1, d2 = T_D1 + DAY_MS, d3 = T_D1 + 2 * DAY_MS;
	/* day 1: an OpenCode response the tool priced at $0.0123 (ours $0.01)
	 * and one it did not price, in the same 15 minutes; day 2: a Claude
	 * response (no tool cost ever) */
	CHECK_INT(put(s, "o:a", AU_SRC_OPENCODE, d1, "claude-sonnet-4-5", PICO_USD / 100, 12300000000LL), AU_PUT_NEW);
	CHECK_INT(put(s, "o:b", AU_SRC_OPENCODE, d1 + 300000, "gpt-5", 5000000000LL, -1), AU_PUT_NEW);
	CHECK_INT(put(s, "c:c", AU_SRC_CLAUDE, d2, "claude-sonnet-4-5", 7000000000LL, -1), AU_PUT_NEW);
	check_agg(s);
	CHECK_INT(q(s, "SELECT tool_cost FROM agg WHERE source = 'opencode' AND model = 'claude-sonnet-4-5'"),
		  12300000000LL);
	CHECK_INT(q(s, "SELECT tool_costed FROM agg WHERE source = 'opencode' AND model = 'gpt-5'"), 0);

	au_report *r = report(s, AU_GROUP_DAY, INT64_MIN, INT64_MAX);
	int64_t c, n;
	day_tool(r, "2026-01-02", &c, &n);
	CHECK_INT(c, 12300000000LL);
	CHECK_INT(n, 1);
	CHECK_INT(row_of(r, "2026-01-02")->t.responses, 2);
	CHECK_INT(row_of(r, "2026-01-02")->t.cost, 15000000000LL);
	day_tool(r, "2026-01-03", &c, &n);
	CHECK_INT(c, 0);
	CHECK_INT(n, 0);
	CHECK_INT(r->total.tool_cost, 12300000000LL);
	CHECK_INT(r->total.tool_costed, 1);
	CHECK(au_report_has_tool_cost(r));
	CHECK(au_report_tool_cost_differs(r));

	/* JSON: toolCost where a response had one (the day, its model, the
	 * totals), nowhere else */
	char *js = render(au_render_json, r, false);
	check_line(js, "\"date\":\"2026-01-02\"", "\"totalCost\":0.015,\"toolCost\":0.0123,\"toolCostResponses\":1,", true);
	check_line(js, "\"date\":\"2026-01-02\"",
		   "\"cost\":0.01,\"toolCost\":0.0123,\"toolCostResponses\":1,\"source\":\"opencode\"", true);
	check_line(js, "\"date\":\"2026-01-02\"", "\"cost\":0.005,\"source\":\"opencode\"", true); /* gpt-5: none */
	check_line(js, "\"date\":\"2026-01-03\"", "toolCost", false);
	check_line(js, "\"totals\":", "\"totalCost\":0.022,\"toolCost\":0.0123,\"toolCostResponses\":1}", true);
	free(js);
	/* the table: the column, "—" where no response had a tool cost */
	char *tab = render(au_render_table, r, true);
	check_line(tab, "│ Date", "│ Tool Cost │", true);
	check_line(tab, "│ 2026-01-02", " $0.02 │     $0.01 │", true); /* ours $0.015, theirs $0.0123 */
	check_line(tab, "└ gpt-5", " $0.01 │         — │", true);
	check_line(tab, "│ 2026-01-03", " $0.01 │         — │", true);
	check_line(tab, "│ Total      │", " $0.02 │     $0.01 │", true);
	check_line(tab, "Tool Cost:", "for 1 of 3 response(s)", true);
	free(tab);
	/* CSV: the columns, empty where no response had a tool cost */
	char *csv = render(au_render_csv, r, true);
	check_line(csv, "date,model,", ",costUSD,unpricedResponses,toolCostUSD,toolCostResponses", true);
	check_line(csv, "2026-01-02,claude-sonnet-4-5,", ",0.010000,0,0.012300,1", true);
	check_line(csv, "2026-01-02,gpt-5,", ",0.005000,0,,", true);
	check_line(csv, "2026-01-03,claude-sonnet-4-5,", ",0.007000,0,,", true);
	free(csv);
	au_report_free(r);

	/* re-read with another cost: the old one is taken off, the new added */
	CHECK_INT(put(s, "o:a", AU_SRC_OPENCODE, d1, "claude-sonnet-4-5", PICO_USD / 100, 20000000000LL),
		  AU_PUT_REPLACED);
	check_agg(s);
	/* the same again changes nothing */
	CHECK_INT(put(s, "o:a", AU_SRC_OPENCODE, d1, "claude-sonnet-4-5", PICO_USD / 100, 20000000000LL), AU_PUT_KEPT);
	/* the unpriced one gets a cost of $0.005 */
	CHECK_INT(put(s, "o:b", AU_SRC_OPENCODE, d1 + 300000, "gpt-5", 5000000000LL, 5000000000LL), AU_PUT_REPLACED);
	check_agg(s);
	r = report(s, AU_GROUP_DAY, INT64_MIN, INT64_MAX);
	day_tool(r, "2026-01-02", &c, &n);
	CHECK_INT(c, 25000000000LL);
	CHECK_INT(n, 2);
	CHECK_INT(r->total.tool_cost, 25000000000LL);
	CHECK_INT(r->total.tool_costed, 2);
	au_report_free(r);

	/* a re-read without the cost: that response no longer counts in it */
	CHECK_INT(put(s, "o:a", AU_SRC_OPENCODE, d1, "claude-sonnet-4-5", PICO_USD / 100, -1), AU_PUT_REPLACED);
	check_agg(s);
	CHECK_INT(q(s, "SELECT count(tool_cost) FROM usage"), 1);
	/* a re-read at another time moves its cost to the other day */
	CHECK_INT(put(s, "o:b", AU_SRC_OPENCODE, d2 + 60000, "gpt-5", 5000000000LL, 5000000000LL), AU_PUT_REPLACED);
	check_agg(s);
	r = report(s, AU_GROUP_DAY, INT64_MIN, INT64_MAX);
	day_tool(r, "2026-01-02", &c, &n);
	CHECK_INT(c, 0);
	CHECK_INT(n, 0);
	day_tool(r, "2026-01-03", &c, &n);
	CHECK_INT(c, 5000000000LL);
	CHECK_INT(n, 1);
	CHECK_INT(row_of(r, "2026-01-03")->t.responses, 2);
	au_report_free(r);

	/* a withdrawal deletes the row, and the aggregate goes back */
	int64_t agg_rows = q(s, "SELECT count(*) FROM agg");
	CHECK_INT(retract(s, "o:b"), AU_PUT_RETRACTED);
	check_agg(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key = 'o:b'"), 0);
	CHECK_INT(q(s, "SELECT count(*) FROM agg"), agg_rows - 1); /* its 15 minutes held only it */
	CHECK_INT(retract(s, "o:b"), AU_PUT_KEPT);                 /* withdrawn twice: nothing left */
	r = report(s, AU_GROUP_DAY, INT64_MIN, INT64_MAX);
	CHECK_INT(r->total.tool_cost, 0);
	CHECK_INT(r->total.tool_costed, 0);
	CHECK_INT(r->total.responses, 2);
	CHECK(!au_report_has_tool_cost(r));
	CHECK(!au_report_tool_cost_differs(r));
	/* no tool cost anywhere: the outputs are as they were before tool costs */
	js = render(au_render_json, r, false);
	CHECK(strstr(js, "toolCost") == NULL);
	free(js);
	tab = render(au_render_table, r, true);
	CHECK(strstr(tab, "Tool Cost") == NULL);
	CHECK(strstr(tab, "—") == NULL);
	free(tab);
	csv = render(au_render_csv, r, false);
	CHECK(strstr(csv, "toolCost") == NULL);
	free(csv);
	au_report_free(r);

	/* day 3: the tool's figure equals ours to the pico-dollar. JSON and CSV
	 * still carry it; the table has no column for it. */
	CHECK_INT(put(s, "o:d", AU_SRC_OPENCODE, d3, "gpt-5", 3000000000LL, 3000000000LL), AU_PUT_NEW);
	check_agg(s);
	r = report(s, AU_GROUP_DAY, day_of(d3), day_of(d3));
	CHECK(au_report_has_tool_cost(r));
	CHECK(!au_report_tool_cost_differs(r));
	js = render(au_render_json, r, false);
	check_line(js, "\"date\":\"2026-01-04\"", "\"totalCost\":0.003,\"toolCost\":0.003,\"toolCostResponses\":1,", true);
	free(js);
	tab = render(au_render_table, r, true);
	CHECK(strstr(tab, "Tool Cost") == NULL);
	free(tab);
	csv = render(au_render_csv, r, false);
	check_line(csv, "2026-01-04,", ",0.003000,0,0.003000,1", true);
	free(csv);
	au_report_free(r);
	/* one pico-dollar apart is a difference */
	CHECK_INT(put(s, "o:d", AU_SRC_OPENCODE, d3, "gpt-5", 3000000000LL, 3000000001LL), AU_PUT_REPLACED);
	check_agg(s);
	r = report(s, AU_GROUP_DAY, day_of(d3), day_of(d3));
	CHECK(au_report_tool_cost_differs(r));
	au_report_free(r);

	/* the other groupings read the same sums: per model over all days */
	r = report(s, AU_GROUP_MODEL, INT64_MIN, INT64_MAX);
	const au_row *m = row_of(r, "gpt-5");
	CHECK(m != NULL);
	if (m) {
		CHECK_INT(m->t.tool_cost, 3000000001LL);
		CHECK_INT(m->t.tool_costed, 1);
		CHECK_INT(m->t.responses, 1);
	}
	m = row_of(r, "claude-sonnet-4-5");
	CHECK(m != NULL);
	if (m)
		CHECK_INT(m->t.tool_costed, 0);
	au_report_free(r);
}

/* An OpenCode message file read by a real scan, rewritten with another cost
 * (as OpenCode rewrites it while the response streams), then deleted. */
#define MSG(cost)                                                                                             \
	"{\"id\":\"msg_t1\",\"sessionID\":\"ses_t\",\"role\":\"assistant\","                                 \
	"\"time\":{\"created\":1767348000000,\"completed\":1767348009000},"                                   \
	"\"modelID\":\"claude-sonnet-4-5\",\"providerID\":\"anthropic\","                                     \
	"\"path\":{\"cwd\":\"/w/oc\",\"root\":\"/w/oc\"}," cost                                               \
	"\"tokens\":{\"input\":1000,\"output\":100,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}}"

static void write_msg(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void scan(au_store *s)
{
	au_scan_stats st = scan_checked(s, prices, AU_SRC_OPENCODE);
	au_scan_stats_release(&st);
}

static int64_t oc(au_store *s, const char *col)
{
	char *sql = g_strdup_printf("SELECT coalesce(sum(%s),0) FROM agg WHERE source = 'opencode'"
				    " AND project = '/w/oc'",
				    col);
	int64_t v = q(s, sql);
	g_free(sql);
	return v;
}

static void test_scan(au_store *s)
{
	char *dir = g_build_filename(home, ".local/share/opencode/storage/message/ses_t", NULL);
	g_mkdir_with_parents(dir, 0700);
	char *path = g_build_filename(dir, "msg_t1.json", NULL);

	/* ours: 1,000 input x $3/M + 100 output x $15/M = $0.0045 */
	write_msg(path, MSG("\"cost\":0.0042,"));
	scan(s);
	check_agg(s);
	CHECK_INT(oc(s, "n"), 1);
	CHECK_INT(oc(s, "cost"), 4500000000LL);
	CHECK_INT(oc(s, "tool_cost"), 4200000000LL);
	CHECK_INT(oc(s, "tool_costed"), 1);

	write_msg(path, MSG("\"cost\":0.00455,"));
	scan(s);
	check_agg(s);
	CHECK_INT(oc(s, "n"), 1);
	CHECK_INT(oc(s, "tool_cost"), 4550000000LL);
	CHECK_INT(oc(s, "tool_costed"), 1);

	/* without a cost (and a different size, so the change is seen) */
	write_msg(path, MSG(""));
	scan(s);
	check_agg(s);
	CHECK_INT(oc(s, "n"), 1);
	CHECK_INT(oc(s, "tool_cost"), 0);
	CHECK_INT(oc(s, "tool_costed"), 0);

	write_msg(path, MSG("\"cost\":0.01,"));
	scan(s);
	check_agg(s);
	CHECK_INT(oc(s, "tool_cost"), 10000000000LL);
	CHECK_INT(oc(s, "tool_costed"), 1);

	g_free(path);
	g_free(dir);
}

int main(void)
{
	/* Tables draw box characters in a UTF-8 locale only, as main.c sets
	 * it from the environment; these tests check the UTF-8 form. */
	setlocale(LC_ALL, "C.UTF-8");
	home = g_dir_make_tmp("aiusage-toolcost-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("OPENCODE_DATA_DIR");
	g_unsetenv("XDG_DATA_HOME");
	prices = au_pricing_new();

	char *db = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	test_store_and_reports(s);
	test_scan(s);
	au_store_close(s);

	/* opened again (the migrations and triggers run or not), the sums hold */
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	check_agg(s);
	CHECK(q(s, "PRAGMA user_version") >= 4);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE tool_cost IS NOT NULL"), 2);
	CHECK_INT(q(s, "SELECT sum(tool_cost) FROM usage"), 3000000001LL + 10000000000LL);
	au_store_close(s);

	au_pricing_free(prices);
	rm_rf(home);
	g_free(home);
	g_free(db);
	return check_done("test_toolcost");
}
