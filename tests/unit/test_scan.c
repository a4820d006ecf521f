/*
 * The incremental scan against real files and a real SQLite store in a
 * private temporary HOME: half-written lines, later and better copies of a
 * response, truncation, replacement by rename, deletion, Codex counters
 * carried across scans, sidechain replays in either order, and the
 * aggregate always equal to the sum of the counted responses.
 */
#include <glib.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "storeq.h"
#include "plan_limits.h"
#include "pricing.h"
#include "scan.h"
#include "store.h"
#include "tools.h"

static char *home;
static au_pricing *prices;

static void put_file(const char *rel, const char *text, const char *mode)
{
	char *path = g_build_filename(home, rel, NULL);
	char *dir = g_path_get_dirname(path);
	g_mkdir_with_parents(dir, 0700);
	FILE *f = fopen(path, mode);
	fputs(text, f);
	fclose(f);
	g_free(dir);
	g_free(path);
}

static au_scan_stats scan(au_store *s)
{
	au_scan_stats st;
	au_err err;
	au_scan_stats_init(&st);
	int r = au_scan(s, prices, NULL, &st, &err);
	if (r < 0)
		fprintf(stderr, "scan failed: %s\n", err.msg);
	CHECK_INT(r, 0);
	return st;
}

/* The trigger-kept aggregate must always equal the counted rows. */
/* agg as the triggers (or a first scan's one-pass build) left it */
static void check_agg(au_store *s)
{
	check_agg_matches_usage(s);
	CHECK_INT(q(s, "SELECT count(*) FROM agg WHERE n <= 0"), 0);
}

#define CL(id, req, side, out, cr)                                                                          \
	"{\"type\":\"assistant\",\"isSidechain\":" side ",\"cwd\":\"/w/p\",\"sessionId\":\"s\",\"requestId\":\"" req \
	"\",\"timestamp\":\"2025-10-01T10:00:00.000Z\",\"message\":{\"id\":\"" id                                    \
	"\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":1,\"output_tokens\":" #out           \
	",\"cache_read_input_tokens\":" #cr "}}}\n"

static void test_claude(au_store *s)
{
	const char *f = ".claude/projects/-w-p/s.jsonl";
	/* a complete line and half of the next one */
	char *two = g_strconcat(CL("m1", "r1", "false", 10, 0), CL("m2", "r2", "false", 20, 0), NULL);
	size_t first = strlen(CL("m1", "r1", "false", 10, 0));
	char *half = g_strndup(two, first + 40);
	put_file(f, half, "w");
	au_scan_stats st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(st.partial_lines, 1);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 10);
	au_scan_stats_release(&st);
	check_agg(s); /* built in one pass: the store was empty */

	/* the rest of the line arrives, plus a bigger streaming copy of m1 */
	put_file(f, two + first + 40, "a");
	put_file(f, CL("m1", "r1", "false", 15, 0), "a");
	st = scan(s);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(st.responses_replaced, 1);
	CHECK_INT(st.files_reread, 0);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 35);
	au_scan_stats_release(&st);
	check_agg(s);

	/* nothing changed: nothing read, and the file still counted where
	 * it was found, with its size */
	st = scan(s);
	CHECK_INT(st.files_unchanged, 1);
	CHECK_INT(st.bytes_read, 0);
	CHECK_INT(st.files, 1);
	CHECK_INT(st.files_total, 1);
	int64_t claude_files = -1, claude_bytes = -1;
	for (guint i = 0; i < st.roots->len; i++) {
		const au_root_info *ri = &g_array_index(st.roots, au_root_info, i);
		if (ri->source == AU_SRC_CLAUDE && ri->files)
			claude_files = ri->files, claude_bytes = ri->bytes;
	}
	CHECK_INT(claude_files, 1);
	CHECK_INT(claude_bytes, (int64_t)strlen(two) + (int64_t)strlen(CL("m1", "r1", "false", 15, 0)));
	CHECK_INT(st.bytes_total, claude_bytes);
	au_scan_stats_release(&st);

	/* truncated and rewritten shorter: read again, no double count */
	put_file(f, CL("m1", "r1", "false", 15, 0), "w");
	st = scan(s);
	CHECK_INT(st.files_reread, 1);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 35);
	au_scan_stats_release(&st);

	/* replaced by rename (new inode) with old and new content */
	put_file(".claude/projects/-w-p/tmp", two, "w");
	put_file(".claude/projects/-w-p/tmp", CL("m3", "r3", "false", 100, 0), "a");
	char *a = g_build_filename(home, ".claude/projects/-w-p/tmp", NULL);
	char *b = g_build_filename(home, f, NULL);
	CHECK_INT(rename(a, b), 0);
	st = scan(s);
	CHECK_INT(st.files_reread, 1);
	CHECK_INT(st.responses_new, 1);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 135);
	au_scan_stats_release(&st);

	/* deleted: history stays */
	CHECK_INT(unlink(b), 0);
	st = scan(s);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage"), 135);
	au_scan_stats_release(&st);
	check_agg(s);
	g_free(a);
	g_free(b);
	g_free(two);
	g_free(half);
}

static void test_sidechain_order(au_store *s)
{
	/* The replay is scanned first (its own scan), the main response later. */
	put_file(".claude/projects/-w-q/aside.jsonl", CL("mx", "r-replay", "true", 5, 9000), "w");
	au_scan_stats st = scan(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id = 'mx'"), 1);
	au_scan_stats_release(&st);
	put_file(".claude/projects/-w-q/main.jsonl", CL("mx", "r-main", "false", 5, 100), "w");
	st = scan(s);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id = 'mx'"), 1);
	CHECK_INT(q(s, "SELECT cache_read FROM usage WHERE msg_id = 'mx'"), 100);
	au_scan_stats_release(&st);
	/* another replay after the main one is dropped at once */
	put_file(".claude/projects/-w-q/aside.jsonl", CL("mx", "r-replay2", "true", 5, 9000), "a");
	st = scan(s);
	CHECK_INT(st.replays, 1);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE msg_id = 'mx'"), 1);
	au_scan_stats_release(&st);
	check_agg(s);
}

#define CX_TC(ts, in, cached, out)                                                                   \
	"{\"timestamp\":\"" ts "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{" \
	"\"total_token_usage\":{\"input_tokens\":" #in ",\"cached_input_tokens\":" #cached                 \
	",\"output_tokens\":" #out ",\"reasoning_output_tokens\":0}}}}\n"

static void test_codex(au_store *s)
{
	const char *f = ".codex/sessions/2025/10/01/rollout-2025-10-01T10-00-00-00000000-0000-0000-0000-000000000001.jsonl";
	put_file(f,
		 "{\"timestamp\":\"2025-10-01T10:00:00.000Z\",\"type\":\"turn_context\",\"payload\":{\"model\":"
		 "\"gpt-5-codex\",\"cwd\":\"/w/c\"}}\n" CX_TC("2025-10-01T10:00:01.000Z", 1000, 600, 50),
		 "w");
	au_scan_stats st = scan(s);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='codex'"), 400);
	au_scan_stats_release(&st);
	/* the next scan starts mid-file: the saved state knows the last total
	 * and the model */
	put_file(f, CX_TC("2025-10-01T10:00:05.000Z", 1000, 600, 50) CX_TC("2025-10-01T10:00:09.000Z", 3000, 2000, 80),
		 "a");
	st = scan(s);
	CHECK_INT(st.files_reread, 0);
	CHECK_INT(q(s, "SELECT sum(input) FROM usage WHERE source='codex'"), 1000);
	CHECK_INT(q(s, "SELECT sum(cache_read) FROM usage WHERE source='codex'"), 2000);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE source='codex'"), 80);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE source='codex' AND model='gpt-5-codex'"), 2);
	au_scan_stats_release(&st);
	check_agg(s);
}

#define CX_RL(sec, pri, sec_used)                                                                    \
	"{\"timestamp\":\"2025-10-02T10:00:" sec ".000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":"   \
	"\"token_count\",\"info\":null,\"rate_limits\":{\"primary\":{\"used_percent\":" #pri                \
	",\"window_minutes\":300,\"resets_at\":1759417200},\"secondary\":{\"used_percent\":" #sec_used     \
	",\"window_minutes\":10080,\"resets_at\":1759968000}}}}\n"

/* Runs of one unchanged reading keep their first and last observation;
 * every change is kept, and the latest observation stays the latest. */
static void test_codex_limit_runs(au_store *s)
{
	put_file(".codex/sessions/2025/10/02/rollout-2025-10-02T10-00-00-00000000-0000-0000-0000-000000000002.jsonl",
		 CX_RL("01", 10.0, 3.0) CX_RL("02", 10.0, 3.0) CX_RL("03", 10.0, 3.0) CX_RL("04", 10.0, 3.0)
			 CX_RL("05", 12.0, 3.0) CX_RL("06", 12.0, 3.0) CX_RL("07", 10.0, 4.0),
		 "w");
	au_scan_stats st = scan(s);
	au_scan_stats_release(&st);
	/* primary: 10 at :01 and :04, 12 at :05 and :06, 10 at :07 */
	CHECK_INT(q(s, "SELECT count(*) FROM rate_limit WHERE win = 'primary'"), 5);
	CHECK_INT(q(s, "SELECT group_concat(CAST(used_percent AS INTEGER) || '@' || (observed_at / 1000 % 60), ' ')"
		       " = '10@1 10@4 12@5 12@6 10@7' FROM (SELECT * FROM rate_limit WHERE win = 'primary'"
		       " ORDER BY observed_at)"),
		  1);
	/* secondary: 3 at :01 and :06, 4 at :07 */
	CHECK_INT(q(s, "SELECT count(*) FROM rate_limit WHERE win = 'secondary'"), 3);
	CHECK_INT(q(s, "SELECT max(observed_at) / 1000 % 60 FROM rate_limit WHERE win = 'secondary'"), 7);
	/* lines that carried only limits are not counted as quiet */
	CHECK_INT(q(s, "SELECT sum(quiet_lines) FROM file_health WHERE source = 'codex'"), 0);
}

static int count_steps(void *ud)
{
	(*(int64_t *)ud)++;
	return 0;
}

/* Source health over many quiet files: the right figures, in work linear
 * in the files (counted in SQLite's VM steps, not in time). The query once
 * looked up each file's tool's last row per file: 7 s at 20k files. */
static void test_health_many_files(void)
{
	au_store *s;
	au_err err;
	char *db = g_build_filename(home, "health.db", NULL);
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	CHECK_INT(sqlite3_exec(s->db,
			       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
			       " INSERT INTO file_health(file_id, source, grew_at, produced_at, quiet_lines)"
			       " SELECT i, 'claude', 1000 + i, CASE WHEN i = 1 THEN 500 END, 2 FROM n",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	int64_t steps = 0;
	sqlite3_progress_handler(s->db, 1000, count_steps, &steps);
	au_source_health h[AU_SRC_MAX];
	int64_t now = 7 * INT64_C(86400000) + 100;
	CHECK_INT(au_store_source_health(s, now, h, &err), 0);
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	CHECK_INT(h[AU_SRC_CLAUDE].silent_files, 20000);
	CHECK_INT(h[AU_SRC_CLAUDE].silent_lines, 40000);
	CHECK_INT(h[AU_SRC_CLAUDE].last_produced_ms, 500);
	CHECK_INT(h[AU_SRC_CLAUDE].last_write_ms, 21000);
	/* a few passes over 20k rows are a few thousand callbacks; a lookup
	 * per file would be 20k passes */
	CHECK(steps < 5000);
	au_store_close(s);
	g_free(db);
}

#define CX_TIER(ts, tier)                                                                          \
	"{\"timestamp\":\"" ts "\",\"type\":\"event_msg\",\"payload\":{\"type\":"                     \
	"\"thread_settings_applied\",\"thread_settings\":{\"model\":\"gpt-5\",\"service_tier\":" tier "}}}\n"

/*
 * Codex service tiers priced from the catalog's per-model tier rates.
 * Each request: 15000 input of which 5000 cached, 2000 output on gpt-5
 * ($1.25 / $0.125 / $10 per MTok; priority $2.50 / $0.25 / $20; flex
 * $0.625 / $0.0625 / $5):
 *   priority 10000 x 2.50 + 5000 x 0.25 + 2000 x 20 = $0.06625
 *   standard 10000 x 1.25 + 5000 x 0.125 + 2000 x 10 = $0.033125
 *   flex     10000 x 0.625 + 5000 x 0.0625 + 2000 x 5 = $0.0165625
 */
static void test_codex_tiers(au_store *s)
{
	put_file(".codex/sessions/2025/10/02/rollout-2025-10-02T10-00-00-00000000-0000-0000-0000-0000000000e7.jsonl",
		 "{\"timestamp\":\"2025-10-02T10:00:00.000Z\",\"type\":\"turn_context\",\"payload\":{\"model\":"
		 "\"gpt-5\",\"cwd\":\"/w/t\"}}\n" CX_TIER("2025-10-02T10:00:00.500Z", "\"priority\"")
			 CX_TC("2025-10-02T10:00:01.000Z", 15000, 5000, 2000) CX_TIER("2025-10-02T10:00:01.500Z", "\"default\"")
				 CX_TC("2025-10-02T10:00:02.000Z", 30000, 10000, 4000)
					 CX_TIER("2025-10-02T10:00:02.500Z", "\"flex\"")
						 CX_TC("2025-10-02T10:00:03.000Z", 45000, 15000, 6000),
		 "w");
	au_scan_stats st = scan(s);
	au_scan_stats_release(&st);
#define TIER_ROW(col, ts) "SELECT " col " FROM usage WHERE source='codex' AND project='/w/t' AND ts=" ts
	CHECK_INT(q(s, TIER_ROW("price_mode", "1759399201000")), AU_MODE_PRIORITY);
	CHECK_INT(q(s, TIER_ROW("cost", "1759399201000")), INT64_C(66250000000));
	CHECK_INT(q(s, TIER_ROW("price_mode", "1759399202000")), 0);
	CHECK_INT(q(s, TIER_ROW("cost", "1759399202000")), INT64_C(33125000000));
	CHECK_INT(q(s, TIER_ROW("price_mode", "1759399203000")), AU_MODE_FLEX);
	CHECK_INT(q(s, TIER_ROW("cost", "1759399203000")), INT64_C(16562500000));
#undef TIER_ROW
	check_agg(s);
}

static void test_unpriced_and_reprice(au_store *s)
{
	put_file(".claude/projects/-w-u/u.jsonl",
		 "{\"type\":\"assistant\",\"cwd\":\"/w/u\",\"sessionId\":\"u\",\"requestId\":\"ru\","
		 "\"timestamp\":\"2025-10-02T10:00:00.000Z\",\"message\":{\"id\":\"mu\",\"model\":\"mystery-model-9\","
		 "\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0}}}\n",
		 "w");
	au_scan_stats st = scan(s);
	CHECK_INT(GPOINTER_TO_INT(g_hash_table_lookup(st.unpriced, "mystery-model-9")), 1);
	CHECK(q(s, "SELECT cost IS NULL FROM usage WHERE model='mystery-model-9'") == 1);
	CHECK_INT(q(s, "SELECT sum(unpriced) FROM agg"), 1);
	au_scan_stats_release(&st);

	/* a --pricing overlay that knows it reprices the stored row */
	char *pf = g_build_filename(home, "prices.json", NULL);
	g_file_set_contents(pf, "{\"mystery-model-9\":{\"input_cost_per_token\":0.000002,\"output_cost_per_token\":0.00001,"
			    "\"litellm_provider\":\"anthropic\",\"mode\":\"chat\"}}", -1, NULL);
	au_pricing *p2 = au_pricing_new();
	au_err err;
	CHECK_INT(au_pricing_load_file(p2, pf, &err), 0);
	CHECK_INT(au_store_reprice(s, p2, &err), 0);
	CHECK_INT(q(s, "SELECT cost FROM usage WHERE model='mystery-model-9'"), 2 * AU_PICO_PER_USD);
	CHECK_INT(q(s, "SELECT sum(unpriced) FROM agg"), 0);
	check_agg(s);
	/* and back */
	CHECK_INT(au_store_reprice(s, prices, &err), 0);
	CHECK(q(s, "SELECT cost IS NULL FROM usage WHERE model='mystery-model-9'") == 1);
	check_agg(s);
	au_pricing_free(p2);
	g_free(pf);
}

/*
 * A fast-mode, US-only Opus 4.6 request keeps its mode's price when a
 * price change reprices the store (migration 7 keeps the mode beside the
 * row). 1,000,000 input x $5/MTok = $5; fast x6 and US-only x1.1 make
 * $33 = 33,000,000,000,000 pico-dollars.
 */
static void test_fast_survives_reprice(au_store *s)
{
	put_file(".claude/projects/-w-f/f.jsonl",
		 "{\"type\":\"assistant\",\"cwd\":\"/w/f\",\"sessionId\":\"f\",\"requestId\":\"rf\","
		 "\"timestamp\":\"2026-03-02T10:00:00.000Z\",\"message\":{\"id\":\"mf\",\"model\":"
		 "\"claude-opus-4-6\",\"usage\":{\"input_tokens\":1000000,\"output_tokens\":0,"
		 "\"speed\":\"fast\",\"inference_geo\":\"us\"}}}\n",
		 "w");
	au_scan_stats st = scan(s);
	au_scan_stats_release(&st);
	const int64_t fast_us = INT64_C(33) * AU_PICO_PER_USD;
	CHECK_INT(q(s, "SELECT price_mode FROM usage WHERE msg_id='mf'"), 3);
	CHECK_INT(q(s, "SELECT cost FROM usage WHERE msg_id='mf'"), fast_us);

	/* another model's price changes: every row is priced again */
	char *pf = g_build_filename(home, "prices-f.json", NULL);
	g_file_set_contents(pf, "{\"mystery-model-10\":{\"input_cost_per_token\":0.000001,\"output_cost_per_token\":0.00001,"
			    "\"litellm_provider\":\"anthropic\",\"mode\":\"chat\"}}", -1, NULL);
	au_pricing *p2 = au_pricing_new();
	au_err err;
	CHECK_INT(au_pricing_load_file(p2, pf, &err), 0);
	CHECK_INT(au_store_reprice(s, p2, &err), 0);
	CHECK_INT(q(s, "SELECT cost FROM usage WHERE msg_id='mf'"), fast_us);
	CHECK_INT(au_store_reprice(s, prices, &err), 0);
	CHECK_INT(q(s, "SELECT cost FROM usage WHERE msg_id='mf'"), fast_us);
	check_agg(s);
	au_pricing_free(p2);
	g_free(pf);
}

/*
 * The cursor keys a scan compares each file with are the stored cursors'
 * (every one, and nothing else), also for a path longer than the blocks
 * the keys are kept in.
 */
static void test_cursor_keys(au_store *s)
{
	au_err err;
	GHashTable *full;
	CHECK_INT(au_store_load_cursors(s, au_tool_parser_by_name, (void **)&full, &err), 0);
	CHECK(g_hash_table_size(full) >= 3);
	CHECK_INT(au_store_begin(s, &err), 0);
	au_cursor big = {.parser = au_tool_parser_by_name("claude"), .dev = 7, .ino = 8, .size = 9, .mtime_ns = 10};
	big.path = g_malloc(70000);
	memset(big.path, 'x', 69999);
	big.path[0] = '/';
	big.path[69999] = '\0';
	CHECK_INT(au_store_save_cursor(s, &big, &err), 0);
	au_cursor_keys *k;
	CHECK_INT(au_store_load_cursor_keys(s, au_tool_parser_by_name, &k, NULL, &err), 0);
	GHashTableIter it;
	gpointer path, v;
	g_hash_table_iter_init(&it, full);
	while (g_hash_table_iter_next(&it, &path, &v)) {
		const au_cursor *c = v;
		const au_cursor_key *got = au_cursor_keys_get(k, path);
		CHECK(got != NULL);
		if (!got)
			continue;
		CHECK(got->parser == c->parser && got->parser != NULL);
		CHECK_INT(got->dev, c->dev);
		CHECK_INT(got->ino, c->ino);
		CHECK_INT(got->size, c->size);
		CHECK_INT(got->mtime_ns, c->mtime_ns);
	}
	const au_cursor_key *b = au_cursor_keys_get(k, big.path);
	CHECK(b != NULL && b->dev == 7 && b->ino == 8 && b->size == 9 && b->mtime_ns == 10);
	CHECK(au_cursor_keys_get(k, "/no/such/file.jsonl") == NULL);
	au_cursor_keys_free(k);
	au_store_rollback(s);
	g_free(big.path);
	g_hash_table_destroy(full);
}

/* A Claude line of session "many" (project /w/many). */
static char *many_line(int i, const char *suffix, int out)
{
	return g_strdup_printf("{\"type\":\"assistant\",\"cwd\":\"/w/many\",\"sessionId\":\"many\","
			       "\"requestId\":\"r%d%s\",\"timestamp\":\"2025-10-02T10:00:00.000Z\",\"message\":"
			       "{\"id\":\"m%d%s\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":"
			       "{\"input_tokens\":1,\"output_tokens\":%d}}}\n",
			       i, suffix, i, suffix, out);
}

/*
 * More changed files than the scan reads cursors for one by one: the rest
 * come from every cursor read at once, and each file is still read on from
 * where it stopped (only the appended bytes), with nothing counted twice.
 */
static void test_many_changed(void)
{
	enum { N = 300 };
	au_store *s;
	au_err err;
	char *db = g_build_filename(home, "many.db", NULL);
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	for (int i = 0; i < N; i++) {
		char *rel = g_strdup_printf(".claude/projects/-w-many/f%03d.jsonl", i);
		char *l = many_line(i, "", 10);
		put_file(rel, l, "w");
		g_free(l);
		g_free(rel);
	}
	au_scan_stats st = scan(s);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE session = 'many'"), N * 10);
	int64_t appended = 0;
	for (int i = 0; i < N; i++) {
		char *rel = g_strdup_printf(".claude/projects/-w-many/f%03d.jsonl", i);
		/* a later copy of the response, and a new one */
		char *copy = many_line(i, "", 15), *next = many_line(i, "b", 1);
		char *l = g_strconcat(copy, next, NULL);
		appended += (int64_t)strlen(l);
		put_file(rel, l, "a");
		g_free(l);
		g_free(copy);
		g_free(next);
		g_free(rel);
	}
	st = scan(s);
	CHECK_INT(st.files_read, N);
	CHECK_INT(st.files_reread, 0);
	CHECK_INT(st.bytes_read, appended);
	/* what was left to read, from each file's stored cursor */
	CHECK_INT(st.bytes_todo, appended);
	CHECK_INT(st.responses_replaced, N);
	CHECK_INT(st.responses_new, N);
	au_scan_stats_release(&st);
	CHECK_INT(q(s, "SELECT sum(output) FROM usage WHERE session = 'many'"), N * 16);
	check_agg(s);
	au_store_close(s);
	g_free(db);
}

int main(void)
{
	home = g_dir_make_tmp("aiusage-test-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("CLAUDE_CONFIG_DIR");
	g_unsetenv("CODEX_HOME");
	g_unsetenv("XDG_CONFIG_HOME");
	prices = au_pricing_new();
	char *db = g_build_filename(home, "usage.db", NULL);
	au_store *s;
	au_err err;
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	CHECK_INT(au_store_reprice(s, prices, &err), 0);

	test_claude(s);
	test_sidechain_order(s);
	test_codex(s);
	test_codex_limit_runs(s);
	test_codex_tiers(s);
	test_unpriced_and_reprice(s);
	test_fast_survives_reprice(s);
	test_cursor_keys(s);
	au_store_close(s);
	test_health_many_files();
	test_many_changed();

	/* reopening runs no migration and keeps everything */
	CHECK_INT(au_store_open(db, true, &s, &err), 0);
	CHECK_INT(q(s, "PRAGMA user_version"), 10);
	CHECK(q(s, "SELECT count(*) FROM usage") > 0);
	au_store_close(s);

	/* migration 5: a Gemini row stored under the old per-id key is keyed
	 * by session and id, as the parser now keys it; a position key stays */
	sqlite3 *raw;
	CHECK_INT(sqlite3_open(db, &raw), SQLITE_OK);
	CHECK_INT(sqlite3_exec(raw,
			       "INSERT INTO usage(key, source, ts, session, model, project, input, cc5m, cc1h,"
			       " cache_read, output, reasoning, total, file_id, sidechain, msg_id)"
			       " SELECT 'g:msg-1', 'gemini', 1, 'sess-1', 'gemini-2.5-pro', '/w', 1, 0, 0, 0, 2, 0, 3,"
			       " 0, 0, '';"
			       "INSERT INTO usage(key, source, ts, session, model, project, input, cc5m, cc1h,"
			       " cache_read, output, reasoning, total, file_id, sidechain, msg_id)"
			       " SELECT 'g:sess-2@5', 'gemini', 5, 'sess-2', 'gemini-2.5-pro', '/w', 1, 0, 0, 0, 2, 0, 3,"
			       " 0, 0, '';"
			       /* a store of version 4 had none of migration 6's tables */
			       "DROP TABLE rate_limit; DROP TABLE source_health; DROP TABLE file_health;"
			       " DROP TABLE unknown_field;"
			       /* nor migration 7's column */
			       "ALTER TABLE usage DROP COLUMN price_mode;"
			       /* nor migration 9's hourly sums and their triggers */
			       "DROP TRIGGER agg_ai; DROP TRIGGER agg_ad; DROP TRIGGER agg_au; DROP TABLE agg_hour;"
			       /* nor migration 10's cursors' stamp */
			       "DROP TRIGGER files_stamp_ai; DROP TRIGGER files_stamp_au; DROP TRIGGER files_stamp_ad;"
			       " DROP TABLE files_stamp;"
			       "PRAGMA user_version = 4;",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(raw);
	CHECK_INT(au_store_open(db, false, &s, &err), 0);
	CHECK_INT(q(s, "PRAGMA user_version"), 10);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key = 'g:sess-1|msg-1'"), 1);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key = 'g:msg-1'"), 0);
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE key = 'g:sess-2@5'"), 1);
	/* migration 7: rows stored before it ran in the standard mode */
	CHECK_INT(q(s, "SELECT count(*) FROM usage WHERE price_mode <> 0"), 0);
	/* migration 9: the hourly sums made from agg as it stood */
	CHECK(q(s, "SELECT count(*) FROM agg_hour") > 0);
	check_agg_matches_usage(s);
	/* a response from before 1970 is in the hour before the epoch's */
	CHECK_INT(sqlite3_exec(s->db,
			       "INSERT INTO usage(key, source, ts, session, model, project, input, cc5m, cc1h,"
			       " cache_read, output, reasoning, total, file_id, sidechain, msg_id)"
			       " SELECT 'old', 'claude', -900001, 's', 'm', '/w', 1, 0, 0, 0, 2, 0, 3, 0, 0, ''",
			       NULL, NULL, NULL),
		  SQLITE_OK);
	CHECK_INT(q(s, "SELECT n FROM agg_hour WHERE hour = -1 AND model = 'm'"), 1);
	check_agg_matches_usage(s);
	au_store_close(s);

	au_pricing_free(prices);
	rm_rf(home);
	g_free(home);
	g_free(db);
	return check_done("test_scan");
}
