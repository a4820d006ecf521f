/*
 * Day, week and month reports read agg_hour (sums by UTC hour) instead of
 * the 15-minute agg when the zone allows it. Here both are held to each
 * other, row by row and model by model, in zones where it is easy (UTC,
 * Berlin across its DST change) and where a day starts inside an hour
 * (Kolkata +5:30, St. John's -3:30 with DST, Lord Howe's half-hour DST,
 * a zone of whole hours whose summer time ends at half past midnight),
 * with responses every 7 minutes around those changes. The hourly path
 * must also be the one taken where it may be: it runs far fewer SQLite
 * steps.
 */
#include <glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report.h"
#include "storeq.h"
#include "store.h"

static void put(au_store *s, int i, int64_t ts)
{
	static const char *const models[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "gpt-5"};
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = i % 3 == 2 ? AU_SRC_CODEX : AU_SRC_CLAUDE;
	ev.dedup = AU_DEDUP_LATEST;
	snprintf(ev.key, sizeof(ev.key), "k%d", i);
	ev.ts_ms = ts;
	/* many sessions and projects: agg has many rows per hour */
	snprintf(ev.session, sizeof(ev.session), "ses%d", i % 17);
	snprintf(ev.model, sizeof(ev.model), "%s", models[i % 3]);
	snprintf(ev.cwd, sizeof(ev.cwd), "/w/p%d", i % 5);
	ev.tok.input = 100 + i;
	ev.tok.output = 10 + i % 7;
	ev.tok.cache_read = i % 11;
	au_put_result res;
	au_err err;
	CHECK_INT(au_store_put(s, &ev, 1, 0, 1000 * (int64_t)(i % 13), &res, &err), 0);
}

static int count_steps(void *ud)
{
	(*(int64_t *)ud)++;
	return 0;
}

static int quarter_next(void *ctx, au_agg_row *row, au_err *err)
{
	return au_store_agg_next(ctx, row, err);
}

/* The report from the 15-minute agg, as before agg_hour. */
static au_report *from_quarters(au_store *s, const au_report_opts *o)
{
	au_store_iter *it;
	au_err err;
	au_report *r = NULL;
	CHECK_INT(au_store_agg_iter(s, NULL, &it, &err), 0);
	CHECK_INT(au_report_build_from(quarter_next, it, o, &r, &err), 0);
	au_store_iter_free(it);
	return r;
}

static bool totals_equal(const au_totals *a, const au_totals *b)
{
	return a->responses == b->responses && a->cost == b->cost && a->unpriced == b->unpriced &&
	       a->tok.input == b->tok.input && a->tok.output == b->tok.output &&
	       a->tok.cache_read == b->tok.cache_read && a->tok.cache_create_5m == b->tok.cache_create_5m &&
	       a->tok.cache_create_1h == b->tok.cache_create_1h && a->tok.reasoning == b->tok.reasoning &&
	       a->tool_cost == b->tool_cost && a->tool_costed == b->tool_costed;
}

static void same_report(const au_report *a, const au_report *b, const char *what)
{
	bool same = a->rows->len == b->rows->len && totals_equal(&a->total, &b->total);
	for (guint i = 0; same && i < a->rows->len; i++) {
		const au_row *x = a->rows->pdata[i], *y = b->rows->pdata[i];
		same = strcmp(x->key, y->key) == 0 && x->sources == y->sources && totals_equal(&x->t, &y->t) &&
		       x->models->len == y->models->len;
		for (guint j = 0; same && j < x->models->len; j++) {
			const au_model_row *m = x->models->pdata[j], *n = y->models->pdata[j];
			same = strcmp(m->model, n->model) == 0 && totals_equal(&m->t, &n->t);
		}
	}
	if (!same)
		fprintf(stderr, "%s: the hourly report differs from the 15-minute one\n", what);
	CHECK(same);
}

/* Builds group in zone both ways; returns the hourly build's SQLite steps
 * over the 15-minute build's. */
static double compare(au_store *s, const char *zone, au_group group)
{
	GTimeZone *tz = g_time_zone_new_identifier(zone);
	CHECK(tz != NULL);
	if (!tz)
		return 1;
	au_report_opts o = {
		.group = group, .tz = tz, .since_day = INT64_MIN, .until_day = INT64_MAX, .week_start = 1};
	int64_t steps = 0, quarter_steps = 0;
	au_err err;
	au_report *hourly = NULL;
	sqlite3_progress_handler(s->db, 100, count_steps, &steps);
	CHECK_INT(au_report_build(s, &o, &hourly, &err), 0);
	sqlite3_progress_handler(s->db, 100, count_steps, &quarter_steps);
	au_report *quarters = from_quarters(s, &o);
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	char what[96];
	snprintf(what, sizeof(what), "%s, group %d", zone, (int)group);
	if (hourly && quarters) {
		CHECK(hourly->rows->len > 1);
		same_report(hourly, quarters, what);
	}
	/* a bounded range too: the first and last days are cut inside */
	if (quarters && quarters->rows->len > 3) {
		au_report_free(hourly);
		au_report_free(quarters);
		o.since_day = 20175; /* 2025-03-29 */
		o.until_day = 20183; /* 2025-04-06 */
		CHECK_INT(au_report_build(s, &o, &hourly, &err), 0);
		quarters = from_quarters(s, &o);
		snprintf(what, sizeof(what), "%s, group %d, 2025-03-29..2025-04-06", zone, (int)group);
		same_report(hourly, quarters, what);
	}
	au_report_free(hourly);
	au_report_free(quarters);
	g_time_zone_unref(tz);
	return quarter_steps ? (double)steps / (double)quarter_steps : 1;
}

int main(void)
{
	char *dir = g_dir_make_tmp("aiusage-test-XXXXXX", NULL);
	char *db = g_build_filename(dir, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	/* 2025-03-27 00:00Z to 2025-04-09: Berlin (03-30), Lord Howe (04-06)
	 * and St. John's (03-09 is before: its offset is -2:30 throughout)
	 * change, every 7 minutes */
	CHECK_INT(au_store_begin(s, &err), 0);
	int64_t t0 = INT64_C(1743033600000);
	int n = 0;
	for (int64_t t = t0; t < t0 + 13 * INT64_C(86400000); t += 7 * 60000)
		put(s, n++, t);
	CHECK_INT(au_store_commit(s, &err), 0);
	check_agg_matches_usage(s);
	CHECK(q(s, "SELECT count(*) FROM agg") > 2 * q(s, "SELECT count(*) FROM agg_hour"));

	static const au_group groups[] = {AU_GROUP_DAY, AU_GROUP_WEEK, AU_GROUP_MONTH};
	for (size_t g = 0; g < G_N_ELEMENTS(groups); g++) {
		/* whole hours, changing on the hour: the hourly sums, and far
		 * fewer steps */
		CHECK(compare(s, "UTC", groups[g]) < 0.5);
		CHECK(compare(s, "Europe/Berlin", groups[g]) < 0.5);
		CHECK(compare(s, "America/New_York", groups[g]) < 0.5);
		/* a day begins inside an hour: the 15-minute sums */
		compare(s, "Asia/Kolkata", groups[g]);
		compare(s, "America/St_Johns", groups[g]);
		compare(s, "Australia/Lord_Howe", groups[g]);
		compare(s, "Asia/Kathmandu", groups[g]);
		/* whole hours, but summer time ends at 00:30 (on 2025-04-06,
		 * 22:30Z): 22:00-22:30Z is the 6th locally, 22:30-23:00Z the
		 * 5th again */
		compare(s, "AAA-1BBB-2,M10.1.0/2,M4.1.0/0:30", groups[g]);
	}

	au_store_close(s);
	rm_rf(dir);
	g_free(db);
	g_free(dir);
	return check_done("test_report_hours");
}
