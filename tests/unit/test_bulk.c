/*
 * The store's bulk load (a first scan into an empty store: copies resolved
 * in memory, each final row written once, agg summed in memory) against
 * the row-by-row path: the same events, put in the same order, must give
 * the same result for every put and the same usage table, in the same
 * rowid order, over several batches (so copies also meet rows an earlier
 * batch wrote), with /btw replays in either order, withdrawals, Codex-like
 * MIN and Gemini-like LATEST records and, late, a Copilot row that brings
 * the rules between sources back (Copilot's three ranks of records). agg
 * must hold the same sums, and its first_ts/last_ts must be those of the
 * rows (as a one-pass build gives).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "storeq.h"

static uint64_t rng = 88172645463325252ULL;
static bool wide, copies;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

/* One event of the sequence: mostly Claude responses from a small pool of
 * ids, so that copies, better copies and replays are common. */
static void make_event(au_event *ev, int i, bool copilot)
{
	memset(ev, 0, sizeof(*ev));
	int kind = pick(10);
	int m = pick(60), rq = pick(3);
	ev->ts_ms = INT64_C(1759312800000) + (int64_t)pick(7200) * 1000 + i;
	/* wide: a session per ten events, so that most never become dirty
	 * (a dirty session's agg rows are summed again from usage) */
	snprintf(ev->session, sizeof(ev->session), "s%d", wide ? i / 10 : m % 7);
	snprintf(ev->model, sizeof(ev->model), "%s", pick(4) ? "claude-sonnet-4-5-20250929" : "mystery");
	snprintf(ev->cwd, sizeof(ev->cwd), "/w/p%d", m % 3);
	ev->tok.input = pick(100);
	ev->tok.output = 1 + pick(500);
	ev->tok.cache_read = pick(3) ? pick(9000) : 0;
	if (copies) {
		/* streaming copies only: four responses a session a minute apart,
		 * a session with one model and project, a response's copies 0, 40 or 80 s after
		 * its minute (past the next response's), so that few sessions
		 * become dirty and a better copy that meets the row an earlier
		 * stage stored moves its agg group's sums and span in place */
		m = pick(600);
		ev->source = AU_SRC_CLAUDE;
		ev->dedup = AU_DEDUP_BEST;
		ev->ts_ms = INT64_C(1759312800000) + (int64_t)m * 60000 + pick(3) * 40000;
		if (m / 4 % 5 == 0)
			ev->ts_ms = -ev->ts_ms; /* 1914: buckets and hours before 1970 */
		snprintf(ev->session, sizeof(ev->session), "s%d", m / 4);
		snprintf(ev->model, sizeof(ev->model), "%s", m / 4 % 4 ? "claude-sonnet-4-5-20250929" : "mystery");
		snprintf(ev->cwd, sizeof(ev->cwd), "/w/p%d", m / 4 % 3);
		snprintf(ev->msg_id, sizeof(ev->msg_id), "m%d", m);
		snprintf(ev->key, sizeof(ev->key), "c:m%d\x1fr0", m);
		return;
	}
	if (copilot) {
		/* the three ranks of Copilot records (store.c): the session
		 * store's, OpenTelemetry's, a session log's */
		static const char *const rank[] = {"cps:", "cpo:", "g:"};
		ev->source = pick(4) ? AU_SRC_COPILOT : AU_SRC_VSCODE;
		ev->dedup = AU_DEDUP_LATEST;
		snprintf(ev->key, sizeof(ev->key), "%s%d", rank[pick(3)], m);
		return;
	}
	if (kind < 7) {
		ev->source = AU_SRC_CLAUDE;
		ev->dedup = AU_DEDUP_BEST;
		/* half the copies of a response within 2 s of each other, in one
		 * 15-minute bucket: a better copy that meets the row an earlier
		 * stage stored moves its group's sums in place when its ts is the
		 * same or inside the group's span (else the session is summed
		 * again) */
		if (pick(2))
			ev->ts_ms = INT64_C(1759312800000) + (int64_t)m * 60000 + pick(3) * 1000;
		ev->sidechain = pick(4) == 0;
		snprintf(ev->msg_id, sizeof(ev->msg_id), "m%d", m);
		snprintf(ev->key, sizeof(ev->key), "c:m%d\x1fr%d", m, ev->sidechain ? rq : 0);
		if (pick(20) == 0)
			ev->key[0] = '\0'; /* keyed by position */
		ev->retract = pick(40) == 0;
	} else if (kind < 9) {
		ev->source = AU_SRC_CODEX;
		ev->dedup = AU_DEDUP_MIN;
		snprintf(ev->key, sizeof(ev->key), "x:%d", m % 20);
	} else if (pick(2)) {
		/* a fallback record (OpenCode's legacy JSON): replaces only its
		 * own file's earlier read; files change every 300 events */
		ev->source = AU_SRC_OPENCODE;
		ev->dedup = AU_DEDUP_FALLBACK;
		snprintf(ev->key, sizeof(ev->key), "o:%d", m % 15);
	} else {
		ev->source = AU_SRC_GEMINI;
		ev->dedup = AU_DEDUP_LATEST;
		snprintf(ev->key, sizeof(ev->key), "g:%d", m % 15);
		if (pick(3) == 0)
			ev->has_tool_cost = true, ev->tool_cost = pick(1000);
	}
}

#define N_EVENTS 4000
#define BATCH 900

static void compare(bool with_copilot)
{
	char *dir = g_dir_make_tmp("aiusage-bulk-XXXXXX", NULL);
	char *pa = g_build_filename(dir, "bulk.db", NULL), *pb = g_build_filename(dir, "rows.db", NULL);
	au_store *a, *b;
	au_err err;
	CHECK_INT(au_store_open(pa, false, &a, &err), 0);
	CHECK_INT(au_store_open(pb, false, &b, &err), 0);
	CHECK(au_store_is_empty(a));

	int same = 0;
	for (int i = 0; i < N_EVENTS; i++) {
		if (i % BATCH == 0) {
			if (i) {
				CHECK_INT(au_store_bulk_end(a, &err), 0);
				CHECK_INT(au_store_commit(a, &err), 0);
				CHECK_INT(au_store_commit(b, &err), 0);
			}
			static au_event outside;
			bool broke = i == 2 * BATCH;
			if (broke) {
				/* a write outside the bulk loads: the next ones can no
				 * longer trust what the first ones learned (a row the
				 * filters never saw) and must look in SQLite */
				au_put_result ra, rb;
				make_event(&outside, i, false);
				snprintf(outside.key, sizeof(outside.key), "x:outside");
				outside.retract = outside.sidechain = false;
				outside.msg_id[0] = '\0';
				outside.dedup = AU_DEDUP_BEST;
				CHECK_INT(au_store_begin(a, &err), 0);
				CHECK_INT(au_store_put(a, &outside, 99, 0, 0, &ra, &err), 0);
				CHECK_INT(au_store_commit(a, &err), 0);
				CHECK_INT(au_store_begin(b, &err), 0);
				CHECK_INT(au_store_put(b, &outside, 99, 0, 0, &rb, &err), 0);
				CHECK_INT(au_store_commit(b, &err), 0);
				CHECK_INT(ra, AU_PUT_NEW);
				CHECK_INT(rb, AU_PUT_NEW);
			}
			CHECK_INT(au_store_begin(a, &err), 0);
			CHECK_INT(au_store_bulk_begin(a, &err), 0);
			CHECK_INT(au_store_begin(b, &err), 0);
			if (broke) {
				/* its better copy, in the next load: found in SQLite */
				au_put_result ra, rb;
				outside.tok.output += 1000;
				CHECK_INT(au_store_put(a, &outside, 99, 100, 0, &ra, &err), 0);
				CHECK_INT(au_store_put(b, &outside, 99, 100, 0, &rb, &err), 0);
				CHECK_INT(ra, AU_PUT_REPLACED);
				CHECK_INT(rb, AU_PUT_REPLACED);
			}
		}
		au_event ev;
		make_event(&ev, i, with_copilot && i > 3 * BATCH && pick(50) == 0);
		int64_t cost = ev.model[0] == 'm' ? AU_COST_UNPRICED : (int64_t)pick(100000);
		int64_t file_id = 1 + i / 300, offset = i * 100;
		au_put_result ra = AU_PUT_KEPT, rb = AU_PUT_KEPT;
		CHECK_INT(au_store_put(a, &ev, file_id, offset, cost, &ra, &err), 0);
		CHECK_INT(au_store_put(b, &ev, file_id, offset, cost, &rb, &err), 0);
		if (ra != rb)
			fprintf(stderr, "event %d: bulk put %d, row by row %d\n", i, (int)ra, (int)rb);
		same += ra == rb;
	}
	CHECK_INT(au_store_bulk_end(a, &err), 0);
	CHECK_INT(au_store_commit(a, &err), 0);
	CHECK_INT(au_store_commit(b, &err), 0);
	CHECK_INT(same, N_EVENTS);

	/* the same rows, rowids included */
	CHECK_INT(q(a, "SELECT count(*) FROM usage"), q(b, "SELECT count(*) FROM usage"));
	CHECK(q(a, "SELECT count(*) FROM usage") > 100);
	CHECK_INT(q(a, "SELECT count(*) FROM usage WHERE source = 'copilot'") > 0, with_copilot);
	char *att = g_strdup_printf("ATTACH '%s' AS o", pb);
	CHECK_INT(q(a, att), -1);
#define ROW "key, source, msg_id, sidechain, ts, session, project, model, input, cc5m, cc1h, cache_read, output," \
	    " reasoning, total, cost, file_id, tool_cost"
	CHECK_INT(q(a, "SELECT count(*) FROM (SELECT " ROW " FROM main.usage EXCEPT SELECT " ROW " FROM o.usage)"), 0);
	CHECK_INT(q(a, "SELECT count(*) FROM (SELECT " ROW " FROM o.usage EXCEPT SELECT " ROW " FROM main.usage)"), 0);
	/* in the same order (a row deleted before its insert leaves no gap
	 * in the rowids, one deleted after it does) */
	CHECK_INT(q(a, "SELECT (SELECT group_concat(key, ',') FROM (SELECT key FROM main.usage ORDER BY id)) IS"
		       " (SELECT group_concat(key, ',') FROM (SELECT key FROM o.usage ORDER BY id))"),
		  1);
	/* agg: the same sums; first_ts and last_ts those of the rows */
	check_agg_matches_usage(a);
	check_agg_matches_usage(b);
	CHECK_INT(q(a, "SELECT count(*) FROM agg g WHERE first_ts <> (SELECT min(ts) FROM usage u WHERE u.ts / 900000"
		       " = g.bucket AND u.source = g.source AND u.model = g.model AND u.project = g.project"
		       " AND u.session = g.session) OR last_ts <> (SELECT max(ts) FROM usage u WHERE u.ts / 900000"
		       " = g.bucket AND u.source = g.source AND u.model = g.model AND u.project = g.project"
		       " AND u.session = g.session)"),
		  0);
	/* the schema as the migrations left it: every trigger back */
	CHECK_INT(q(a, "SELECT count(*) FROM (SELECT name, sql FROM main.sqlite_master EXCEPT"
		       " SELECT name, sql FROM o.sqlite_master)"),
		  0);
	CHECK_INT(q(a, "DETACH o"), -1);

	/* after a bulk load, puts go row by row again (agg by the triggers) */
	au_event ev;
	make_event(&ev, N_EVENTS, false);
	au_put_result r;
	CHECK_INT(au_store_begin(a, &err), 0);
	CHECK_INT(au_store_put(a, &ev, 99, 0, 1, &r, &err), 0);
	CHECK_INT(au_store_commit(a, &err), 0);
	check_agg_matches_usage(a);

	/* a bulk load into a store that is not empty keeps its filters off and
	 * still finds the stored rows */
	CHECK_INT(au_store_begin(b, &err), 0);
	CHECK_INT(au_store_bulk_begin(b, &err), 0);
	memset(&ev, 0, sizeof(ev));
	ev.source = AU_SRC_CLAUDE;
	ev.dedup = AU_DEDUP_BEST;
	int64_t before = q(b, "SELECT count(*) FROM usage");
	CHECK_INT(q(b, "SELECT count(*) FROM usage WHERE key = 'c:m1\x1fr0'"), 1);
	snprintf(ev.key, sizeof(ev.key), "c:m1\x1fr0");
	snprintf(ev.msg_id, sizeof(ev.msg_id), "m1");
	snprintf(ev.session, sizeof(ev.session), "s1");
	snprintf(ev.model, sizeof(ev.model), "claude-sonnet-4-5-20250929");
	ev.ts_ms = INT64_C(1759312800000);
	ev.tok.output = 1000000;
	CHECK_INT(au_store_put(b, &ev, 1, 0, 5, &r, &err), 0);
	CHECK_INT(r, AU_PUT_REPLACED);
	CHECK_INT(au_store_bulk_end(b, &err), 0);
	CHECK_INT(au_store_commit(b, &err), 0);
	CHECK_INT(q(b, "SELECT count(*) FROM usage"), before);
	check_agg_matches_usage(b);

	au_store_close(a);
	au_store_close(b);
	rm_rf(dir);
	g_free(att);
	g_free(pa);
	g_free(pb);
	g_free(dir);
}

int main(void)
{
	compare(true);
	/* again with tiny limits: many INSERT flushes, and agg's sums added
	 * to SQLite in the middle of a batch, sessions made dirty after;
	 * without Copilot rows too, whose rules rebuild all of agg at the end
	 * (and would hide a wrong sum) */
	au_bulk_stage_max = 50;
	au_bulk_agg_max = 8;
	compare(true);
	wide = true;
	compare(false);
	wide = false;
	copies = true;
	compare(false);
	/* and with agg's sums kept in memory the whole batch: a copy then
	 * moves the span of a group no flush has written yet */
	au_bulk_agg_max = 1 << 20;
	compare(false);
	return check_done("test_bulk");
}
