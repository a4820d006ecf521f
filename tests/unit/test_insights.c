/*
 * Unit tests for the insight computations (reports/insights.h): re-pricing
 * as another model, cache savings and the unread-write rule, 5-hour blocks
 * and burn rate, anomalies, the month projection and a budget's run-out
 * day, and local days across DST. Every expected figure is worked out by
 * hand in the comment beside it; rates are the embedded table's, in
 * micro-dollars per token (= $ per million tokens), and 1 micro-dollar is
 * 1,000,000 pico-dollars (the unit of the code).
 */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "insights.h"

#define USD_MICRO(x) ((int64_t)((x) * 1000000.0 + 0.5)) /* whole or half micro-dollars -> pico */

static au_tokens tok(int64_t input, int64_t cw5m, int64_t cw1h, int64_t cread, int64_t output)
{
	au_tokens t = {.input = input,
		       .cache_create_5m = cw5m,
		       .cache_create_1h = cw1h,
		       .cache_read = cread,
		       .output = output};
	return t;
}

/* The same session as fixtures/rules/insights-session (its README has the
 * same sums):
 *   R1 sonnet-4-5  input 1,000  5m write 2,000                 output 500
 *   R2 sonnet-4-5  input   100                 read 2,000      output 300  (2 min later)
 *   R3 sonnet-4-5  input    50  1h write 1,000 read 4,000      output 200  (10 min after R1)
 *   R4 sonnet-4-5  input 10,000                read 290,000    output 1,000 (prompt 300k: long context)
 */
static au_tokens R[4];

static void init_requests(void)
{
	R[0] = tok(1000, 2000, 0, 0, 500);
	R[1] = tok(100, 0, 0, 2000, 300);
	R[2] = tok(50, 0, 1000, 4000, 200);
	R[3] = tok(10000, 0, 0, 290000, 1000);
}

static void test_rates_agree(au_pricing *p)
{
	/* au_rates_for is the tier rule of au_cost_pico: the buckets at the
	 * returned rates add up to au_cost_pico, with and without the tier. */
	static const char *const models[] = {"claude-sonnet-4-5", "claude-haiku-4-5", "gpt-5.4", "gpt-5-codex"};
	au_tokens cases[] = {R[0], R[1], R[2], R[3], tok(0, 0, 0, 200000, 1), tok(1, 0, 0, 200000, 1),
			     tok(272000, 0, 0, 0, 5), tok(272001, 0, 0, 0, 5)};
	for (size_t m = 0; m < sizeof(models) / sizeof(models[0]); m++) {
		const au_model_price *mp = au_pricing_lookup(p, models[m]);
		CHECK(mp != NULL);
		if (!mp)
			continue;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const au_rates *r = au_rates_for(mp, &cases[i]);
			int64_t sum = cases[i].input * r->input + cases[i].cache_create_5m * r->cache_write_5m +
				      cases[i].cache_create_1h * r->cache_write_1h + cases[i].cache_read * r->cache_read +
				      cases[i].output * r->output;
			CHECK_INT(sum, au_cost_pico(mp, &cases[i]));
		}
	}
	/* the threshold is "over": a prompt of exactly 200,000 stays at base */
	const au_model_price *s = au_pricing_lookup(p, "claude-sonnet-4-5");
	au_tokens at = tok(0, 0, 0, 200000, 0), over = tok(1, 0, 0, 200000, 0);
	CHECK(au_rates_for(s, &at) == &s->base);
	CHECK(au_rates_for(s, &over) == &s->tier);
}

static void test_compare(au_pricing *p)
{
	/* Targets: haiku-4-5 (1 / 5 / 1.25 / 2 / 0.1, no tier), gpt-5-codex
	 * (1.25 / 10 / 1.25 / 1.25 / 0.125, no tier: OpenAI charges no cache
	 * write premium, written tokens are plain input), gpt-5.4 (2.5 / 15 /
	 * 2.5 / 2.5 / 0.25; over 272k: 5 / 22.5 / 5 / 5 / 0.5), sonnet-4-5 itself. */
	const au_model_price *t[4] = {au_pricing_lookup(p, "claude-haiku-4-5"), au_pricing_lookup(p, "gpt-5-codex"),
				      au_pricing_lookup(p, "gpt-5.4"), au_pricing_lookup(p, "claude-sonnet-4-5")};
	const au_model_price *sonnet = t[3];
	au_compare_row row = {0};
	row.whatif = calloc(4, sizeof(int64_t));
	row.whatif_priced = calloc(4, sizeof(int64_t));
	for (int i = 0; i < 4; i++)
		au_compare_add(&row, 4, t, &R[i], au_cost_pico(sonnet, &R[i]));
	/* actual, sonnet-4-5:
	 *   R1 1000x3 + 2000x3.75 + 500x15                 = 3,000 + 7,500 + 7,500         = 18,000
	 *   R2 100x3 + 2000x0.3 + 300x15                   = 300 + 600 + 4,500              = 5,400
	 *   R3 50x3 + 1000x6 + 4000x0.3 + 200x15           = 150 + 6,000 + 1,200 + 3,000   = 10,350
	 *   R4 tier: 10000x6 + 290000x0.6 + 1000x22.5      = 60,000 + 174,000 + 22,500     = 256,500
	 *   total 290,250 micro-dollars = $0.29025 */
	CHECK_INT(row.requests, 4);
	CHECK_INT(row.actual, USD_MICRO(290250));
	CHECK_INT(row.unpriced, 0);
	/* haiku: R1 1,000 + 2,500 + 2,500 = 6,000; R2 100 + 200 + 1,500 = 1,800;
	 * R3 50 + 2,000 + 400 + 1,000 = 3,450; R4 10,000 + 29,000 + 5,000 = 44,000
	 * -> 55,250 */
	CHECK_INT(row.whatif[0], USD_MICRO(55250));
	/* gpt-5-codex: R1 1,250 + 2,500 + 5,000 = 8,750; R2 125 + 250 + 3,000 = 3,375;
	 * R3 62.5 + 1,250 + 500 + 2,000 = 3,812.5; R4 12,500 + 36,250 + 10,000 = 58,750
	 * -> 74,687.5 */
	CHECK_INT(row.whatif[1], USD_MICRO(74687.5));
	/* gpt-5.4: R1 2,500 + 5,000 + 7,500 = 15,000; R2 250 + 500 + 4,500 = 5,250;
	 * R3 125 + 2,500 + 1,000 + 3,000 = 6,625; R4 is over 272k: 50,000 +
	 * 145,000 + 22,500 = 217,500 -> 244,375 */
	CHECK_INT(row.whatif[2], USD_MICRO(244375));
	/* sonnet-4-5 as its own target: the same, tier included */
	CHECK_INT(row.whatif[3], USD_MICRO(290250));
	for (int k = 0; k < 4; k++)
		CHECK_INT(row.whatif_priced[k], row.whatif[k]);

	/* an unpriced request (100 in, 100 out) joins what-if but not the priced sums */
	au_tokens u = tok(100, 0, 0, 0, 100);
	au_compare_add(&row, 4, t, &u, AU_COST_UNPRICED);
	CHECK_INT(row.unpriced, 1);
	CHECK_INT(row.actual, USD_MICRO(290250));
	CHECK_INT(row.whatif[0], USD_MICRO(55250 + 600)); /* 100x1 + 100x5 */
	CHECK_INT(row.whatif_priced[0], USD_MICRO(55250));
	free(row.whatif);
	free(row.whatif_priced);
}

static void test_family(void)
{
	const char *const *c = au_family_candidates("claude-opus-4-5-20251101");
	CHECK(c != NULL);
	CHECK_STR(c ? c[0] : NULL, "claude-haiku-4-5");
	c = au_family_candidates("gpt-5.1-codex");
	CHECK_STR(c ? c[0] : NULL, "gpt-5.1-codex-mini");
	c = au_family_candidates("o3");
	CHECK_STR(c ? c[0] : NULL, "gpt-5.1-codex-mini");
	c = au_family_candidates("gemini/gemini-2.5-pro");
	CHECK_STR(c ? c[0] : NULL, "gemini-2.5-flash");
	CHECK(au_family_candidates("grok-code-fast-1") == NULL);
	CHECK(au_family_candidates(NULL) == NULL);
}

static void test_stream_waste(void)
{
	/* R1 writes (5m) at 0, R2 reads at +2 min: read back. R3 writes (1h)
	 * at +10 min and nothing follows: unread. */
	int64_t ts[] = {0, 120000, 600000};
	int64_t reads[] = {0, 2000, 4000};
	bool w5[3], w1[3];
	au_cache_stream_waste(ts, reads, 3, AU_TTL_5M_MS, w5);
	au_cache_stream_waste(ts, reads, 3, AU_TTL_1H_MS, w1);
	CHECK(!w5[0]);
	CHECK(!w1[0]);
	CHECK(w5[2]);
	CHECK(w1[2]);

	/* The TTL is inclusive: a read exactly 5 minutes later still hits, one
	 * millisecond more does not (for a 5m write; a 1h write still hits). */
	int64_t ts2[] = {0, 300000}, ts3[] = {0, 300001};
	int64_t r2[] = {0, 10};
	bool w[2];
	au_cache_stream_waste(ts2, r2, 2, AU_TTL_5M_MS, w);
	CHECK(!w[0]);
	au_cache_stream_waste(ts3, r2, 2, AU_TTL_5M_MS, w);
	CHECK(w[0]);
	au_cache_stream_waste(ts3, r2, 2, AU_TTL_1H_MS, w);
	CHECK(!w[0]);

	/* Only the first read after a write counts (a read refreshes the
	 * entry): write at 0, a request without reads at +4 min, a read at
	 * +6 min: the 5m write was not read within 5 minutes. */
	int64_t ts4[] = {0, 240000, 360000};
	int64_t r4[] = {0, 0, 50};
	bool w4[3];
	au_cache_stream_waste(ts4, r4, 3, AU_TTL_5M_MS, w4);
	CHECK(w4[0]);
	CHECK(!w4[1]); /* +4 min -> +6 min: 2 minutes */
	CHECK(w4[2]);
}

static void test_cache_figs(au_pricing *p)
{
	const au_model_price *s = au_pricing_lookup(p, "claude-sonnet-4-5");
	au_cache_figs c = {0};
	/* unread flags as the stream rule gives them for R1..R3, R4 alone */
	au_cache_figs_add(&c, s, &R[0], false, false);
	au_cache_figs_add(&c, s, &R[1], false, false);
	au_cache_figs_add(&c, s, &R[2], true, true);
	au_cache_figs_add(&c, s, &R[3], true, true);
	/* saved = read x (input - read rate) at the request's own tier:
	 *   R2 2,000 x (3 - 0.3) = 5,400; R3 4,000 x 2.7 = 10,800;
	 *   R4 (tier) 290,000 x (6 - 0.6) = 1,566,000 -> 1,582,200 */
	CHECK_INT(c.saved, USD_MICRO(1582200));
	/* writes: R1 2,000 x 3.75 = 7,500; R3 1,000 x 6 = 6,000 -> 13,500 */
	CHECK_INT(c.write_cost, USD_MICRO(13500));
	/* unread: R3's 1h write (1,000 tokens), premium over input 6 - 3 = 3
	 * -> 3,000; R4 wrote nothing */
	CHECK_INT(c.waste_5m, 0);
	CHECK_INT(c.waste_1h, 1000);
	CHECK_INT(c.waste_cost, USD_MICRO(3000));
	/* hit ratio = reads / (input + reads + writes)
	 *   = 296,000 / (11,150 + 296,000 + 3,000) = 296,000 / 310,150 */
	CHECK(fabs(au_cache_hit_ratio(&c) - 296000.0 / 310150.0) < 1e-12);
	CHECK(fabs(au_cache_write_read_ratio(&c) - 3000.0 / 296000.0) < 1e-12);

	/* unpriced: tokens counted, no dollars */
	au_cache_figs u = {0};
	au_tokens t = tok(100, 0, 0, 0, 100);
	au_cache_figs_add(&u, NULL, &t, false, false);
	CHECK_INT(u.unpriced, 1);
	CHECK_INT(u.saved, 0);
	/* zero cache: hit ratio 0, no write-to-read ratio; nothing at all: none */
	CHECK(au_cache_hit_ratio(&u) == 0);
	CHECK(au_cache_write_read_ratio(&u) < 0);
	au_cache_figs none = {0};
	CHECK(au_cache_hit_ratio(&none) < 0);
}

#define T(h, m) ((int64_t)(h) * 3600000 + (int64_t)(m) * 60000)

static void test_blocks(void)
{
	/* 2025-10-01T00:00:00Z = 1759276800 s */
	int64_t day = INT64_C(1759276800000);
	au_tokens t = tok(1000, 0, 0, 0, 1000); /* haiku: 1,000 + 5,000 = 6,000 micro-dollars */
	int64_t cost = USD_MICRO(6000);
	au_blocks *b = au_blocks_new(day + T(26, 15)); /* now: 2025-10-02 02:15 */
	au_blocks_add(b, day + T(9, 30), "m", &t, cost);             /* block 09:00-14:00 */
	au_blocks_add(b, day + T(14, 0) - 1, "m", &t, cost);         /* 13:59:59.999: same block */
	au_blocks_add(b, day + T(14, 0), "m", &t, cost);             /* exactly 5 h after its start: a new one */
	au_blocks_add(b, day + T(18, 59), "m", &t, AU_COST_UNPRICED); /* still 14:00-19:00 */
	au_blocks_add(b, day + T(25, 15), "n", &t, cost);            /* 6 h 16 min gap: 01:00-06:00 */
	au_blocks_finish(b);
	CHECK_INT(b->blocks->len, 3);
	au_block *k0 = b->blocks->pdata[0], *k1 = b->blocks->pdata[1], *k2 = b->blocks->pdata[2];
	CHECK_INT(k0->start, day + T(9, 0));
	CHECK_INT(k0->end, day + T(14, 0));
	CHECK_INT(k0->requests, 2);
	CHECK_INT(k0->cost, 2 * cost);
	CHECK_INT(k1->start, day + T(14, 0));
	CHECK_INT(k1->requests, 2);
	CHECK_INT(k1->unpriced, 1);
	CHECK_INT(k1->cost, cost);
	CHECK(!k0->active && !k1->active);
	CHECK_INT(k2->start, day + T(25, 0));
	CHECK(k2->active);
	/* active: 2,000 tokens and $0.006 over the 60 minutes since its first
	 * request: 33.3 -> 33 tokens/min, $0.006/h; 225 minutes left:
	 * 2,000 + 2,000 x 225/60 = 9,500 tokens, 6,000 + 6,000 x 225/60 = 28,500 */
	CHECK_INT(k2->burn_tokens_per_min, 33);
	CHECK_INT(k2->burn_cost_per_hour, cost);
	CHECK_INT(k2->projected_tokens, 9500);
	CHECK_INT(k2->projected_cost, USD_MICRO(28500));
	CHECK_INT(b->unpriced_models->len, 1);
	au_blocks_free(b);

	/* a block that just began: at least a minute of elapsed time */
	b = au_blocks_new(day + T(9, 30));
	au_blocks_add(b, day + T(9, 30), "m", &t, cost);
	au_blocks_finish(b);
	k0 = b->blocks->pdata[0];
	CHECK(k0->active);
	CHECK_INT(k0->burn_tokens_per_min, 2000);
	/* now at the block's end: no longer active */
	au_blocks_free(b);
	b = au_blocks_new(day + T(14, 0));
	au_blocks_add(b, day + T(9, 30), "m", &t, cost);
	au_blocks_finish(b);
	CHECK(!((au_block *)b->blocks->pdata[0])->active);
	au_blocks_free(b);
}

static void test_anomaly(void)
{
	/* 14 days alternating $0.01 and $0.02: mean 15,000 micro-dollars;
	 * sample sd = sqrt(14 x 5,000^2 / 13) = 5,188.75; threshold
	 * 15,000 + 2 x 5,188.75 = 25,377.5 */
	int64_t hist[14];
	for (int i = 0; i < 14; i++)
		hist[i] = USD_MICRO(i % 2 ? 20000 : 10000);
	int64_t mean, sd;
	CHECK(au_is_anomaly(hist, 14, USD_MICRO(100000), &mean, &sd));
	CHECK_INT(mean, USD_MICRO(15000));
	CHECK(llabs(sd - (int64_t)llround(sqrt(14.0 * 25e6 / 13.0) * 1e6)) <= 1);
	CHECK(!au_is_anomaly(hist, 14, USD_MICRO(25377), &mean, &sd));
	CHECK(au_is_anomaly(hist, 14, USD_MICRO(25378), &mean, &sd));
	/* fewer than 7 days of history: never */
	CHECK(!au_is_anomaly(hist, 6, USD_MICRO(100000), &mean, &sd));
	/* a day without spend is never an anomaly */
	int64_t zeros[7] = {0};
	CHECK(!au_is_anomaly(zeros, 7, 0, &mean, &sd));
	CHECK(au_is_anomaly(zeros, 7, 1, &mean, &sd));
}

static void test_projection(void)
{
	/* $0.335 so far, $0.021428571 a day, sd $0.0231574, 5.5 days left:
	 * 335,000 + 21,428.571 x 5.5 = 452,857.14 micro-dollars */
	int64_t proj, low, high;
	au_project_month(USD_MICRO(335000), 21428571429, 23157400000, 5.5, &proj, &low, &high);
	CHECK(llabs(proj - INT64_C(452857142860)) <= 1);
	/* range: 1.96 x 23,157.4 x sqrt(5.5) = 106,446.3 either side */
	double half = 1.96 * 23157400000.0 * sqrt(5.5);
	CHECK(llabs(low - llround(452857142859.5 - half)) <= 2);
	CHECK(llabs(high - llround(452857142859.5 + half)) <= 2);
	/* the low end never goes under what is already spent */
	au_project_month(100, 10, 1000, 1, &proj, &low, &high);
	CHECK_INT(proj, 110);
	CHECK_INT(low, 100);

	/* budget $0.40, spent $0.335, $0.0214/day, half of today left, 5 days
	 * after it: today adds 10,714.3 (left 54,285.7), then 2.53 days -> the
	 * 3rd day after today */
	CHECK_INT(au_budget_runout(USD_MICRO(400000), USD_MICRO(335000), 21428571429, 0.5, 5), 3);
	/* with only 2 days left in the month it lasts */
	CHECK_INT(au_budget_runout(USD_MICRO(400000), USD_MICRO(335000), 21428571429, 0.5, 2), -1);
	/* reached today, or already */
	CHECK_INT(au_budget_runout(USD_MICRO(340000), USD_MICRO(335000), 21428571429, 0.5, 5), 0);
	CHECK_INT(au_budget_runout(USD_MICRO(300000), USD_MICRO(335000), 21428571429, 0.5, 5), 0);
	/* nothing spent per day: it lasts */
	CHECK_INT(au_budget_runout(USD_MICRO(400000), 0, 0, 0.5, 5), -1);
}

static void test_time_zones(void)
{
	GTimeZone *ny = g_time_zone_new_identifier("America/New_York");
	GTimeZone *kol = g_time_zone_new_identifier("Asia/Kolkata");
	CHECK(ny != NULL && kol != NULL);
	if (!ny || !kol)
		return;
	int64_t d1102 = au_days_from_civil(2025, 11, 2);
	/* 2025-11-02 falls back at 06:00Z: the local day runs from 04:00Z
	 * (00:00 EDT) to 05:00Z the next day (00:00 EST), 25 hours */
	CHECK_INT(au_tz_day_start(ny, d1102), INT64_C(1762056000000));     /* 2025-11-02T04:00:00Z */
	CHECK_INT(au_tz_day_start(ny, d1102 + 1), INT64_C(1762146000000)); /* 2025-11-03T05:00:00Z */
	/* 2025-11-03T04:59Z is 23:59 EST on the 2nd (a fixed -4h would say
	 * the 3rd); 2025-11-02T03:59Z is 23:59 EDT on the 1st */
	CHECK_INT(au_tz_day(ny, INT64_C(1762145940000)), d1102);
	CHECK_INT(au_tz_day(ny, INT64_C(1762055940000)), d1102 - 1);
	/* 2025-03-09 springs forward at 07:00Z: a 23-hour day */
	int64_t d0309 = au_days_from_civil(2025, 3, 9);
	CHECK_INT(au_tz_day_start(ny, d0309 + 1) - au_tz_day_start(ny, d0309), INT64_C(23) * 3600000);
	/* 01:30 happens twice on 2025-11-02: 05:30Z (EDT) and 06:30Z (EST), a Sunday */
	int wd, h;
	au_tz_weekday_hour(ny, INT64_C(1762061400000), &wd, &h);
	CHECK_INT(wd, 6);
	CHECK_INT(h, 1);
	au_tz_weekday_hour(ny, INT64_C(1762065000000), &wd, &h);
	CHECK_INT(wd, 6);
	CHECK_INT(h, 1);
	/* Kolkata is +05:30: 2025-11-02T18:29Z is 23:59 there, 18:30Z the 3rd */
	CHECK_INT(au_tz_day(kol, INT64_C(1762107540000)), d1102);
	CHECK_INT(au_tz_day(kol, INT64_C(1762108200000)), d1102 + 1);
	CHECK_INT(au_tz_day_start(kol, d1102 + 1), INT64_C(1762108200000));
	char buf[24];
	au_format_local(ny, INT64_C(1762065000000), buf);
	CHECK_STR(buf, "2025-11-02 01:30");
	au_format_day(d1102, buf);
	CHECK_STR(buf, "2025-11-02");
	g_time_zone_unref(ny);
	g_time_zone_unref(kol);
}

static void test_arithmetic(void)
{
	CHECK_INT(au_div_round(5, 2), 3);
	CHECK_INT(au_div_round(-5, 2), -3);
	CHECK_INT(au_div_round(4, 3), 1);
	CHECK_INT(au_div_round(7, 0), 0);
	CHECK_INT(au_muldiv(2000, 60000, 3600000), 33);
	CHECK_INT(au_muldiv(INT64_MAX, 2, 2), INT64_MAX); /* 128-bit inside */
	CHECK_INT(au_muldiv(INT64_MAX, 4, 2), INT64_MAX); /* saturates */
	CHECK_INT(au_mul_rate(INT64_C(1000000000000), INT64_C(100000000)), INT64_MAX);
	double mean, sd;
	int64_t v[] = {2, 4, 4, 4, 5, 5, 7, 9};
	au_mean_sd(v, 8, &mean, &sd);
	CHECK(fabs(mean - 5) < 1e-12);
	CHECK(fabs(sd - sqrt(32.0 / 7.0)) < 1e-12);
	au_mean_sd(v, 1, &mean, &sd);
	CHECK(sd == 0);
}

int main(void)
{
	au_pricing *p = au_pricing_new();
	init_requests();
	test_rates_agree(p);
	test_compare(p);
	test_family();
	test_stream_waste();
	test_cache_figs(p);
	test_blocks();
	test_anomaly();
	test_projection();
	test_time_zones();
	test_arithmetic();
	au_pricing_free(p);
	return check_done("test_insights");
}
