/*
 * Unit tests for pricing/: the embedded table's rates, per-request cost
 * with long-context tiers, model-name resolution (and the near misses it
 * must refuse), --pricing overlays and USD formatting. Every expected
 * amount is worked out by hand in the comment beside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "model_id.h"
#include "pricing.h"

static au_tokens tok(int64_t input, int64_t cw5m, int64_t cw1h, int64_t cread, int64_t output)
{
	au_tokens t = {.input = input,
		       .cache_create_5m = cw5m,
		       .cache_create_1h = cw1h,
		       .cache_read = cread,
		       .output = output};
	return t;
}

static const char *name_of(au_pricing *p, const char *model)
{
	const au_model_price *mp = au_pricing_lookup(p, model);
	return mp ? mp->name : "(null)";
}

static void test_table(au_pricing *p)
{
	CHECK_STR(au_pricing_as_of(), "2026-09-23");

	/* Sonnet 4.5 (A1): 3 / 15 / 3.75 / 6 / 0.30, >200k 6 / 22.5 / 7.5 / 12 / 0.6. */
	const au_model_price *s45 = au_pricing_lookup(p, "claude-sonnet-4-5");
	CHECK(s45 != NULL);
	if (s45) {
		CHECK_INT(s45->base.input, 3000000);
		CHECK_INT(s45->base.output, 15000000);
		CHECK_INT(s45->base.cache_write_5m, 3750000);
		CHECK_INT(s45->base.cache_write_1h, 6000000);
		CHECK_INT(s45->base.cache_read, 300000);
		CHECK_INT(s45->tier_threshold, 200000);
		CHECK_INT(s45->tier.input, 6000000);
		CHECK_INT(s45->tier.output, 22500000);
		CHECK_INT(s45->tier.cache_write_5m, 7500000);
		CHECK_INT(s45->tier.cache_write_1h, 12000000);
		CHECK_INT(s45->tier.cache_read, 600000);
	}

	/* Sonnet 4 lists no 1h price above 200k: the fallback is 2 x tier
	 * input = 2 x 6,000,000 = 12,000,000. */
	const au_model_price *s4 = au_pricing_lookup(p, "claude-sonnet-4-20250514");
	CHECK(s4 != NULL);
	if (s4) {
		CHECK_INT(s4->tier_threshold, 200000);
		CHECK_INT(s4->tier.cache_write_1h, 12000000);
		CHECK_INT(s4->tier.cache_read, 600000);
	}

	/* 4.6 and later: no long-context tier. */
	const au_model_price *o46 = au_pricing_lookup(p, "claude-opus-4-6");
	CHECK(o46 != NULL);
	if (o46) {
		CHECK_INT(o46->tier_threshold, 0);
		CHECK_INT(o46->base.input, 5000000);
		CHECK_INT(o46->base.cache_write_1h, 10000000);
	}
	const au_model_price *s46 = au_pricing_lookup(p, "claude-sonnet-4-6");
	CHECK(s46 && s46->tier_threshold == 0);

	/* Haiku 3.5: 0.80 / 4 / 1.00 / 1.6 / 0.08. */
	const au_model_price *h35 = au_pricing_lookup(p, "claude-3-5-haiku");
	CHECK(h35 != NULL);
	if (h35) {
		CHECK_INT(h35->base.input, 800000);
		CHECK_INT(h35->base.cache_write_1h, 1600000);
		CHECK_INT(h35->base.cache_read, 80000);
	}

	/* gpt-5 has no cache-write price in LiteLLM: fallbacks 1.25 x 1.25 =
	 * $1.5625 and 2 x 1.25 = $2.50; cached input is its own 0.125. */
	const au_model_price *g5 = au_pricing_lookup(p, "gpt-5");
	CHECK(g5 != NULL);
	if (g5) {
		CHECK_INT(g5->base.input, 1250000);
		CHECK_INT(g5->base.output, 10000000);
		CHECK_INT(g5->base.cache_read, 125000);
		/* no write premium outside Anthropic: written tokens are input */
		CHECK_INT(g5->base.cache_write_5m, 1250000);
		CHECK_INT(g5->base.cache_write_1h, 1250000);
		CHECK_INT(g5->tier_threshold, 0);
	}

	/* gpt-5.4: 2.5 / 15 / cr 0.25, >272k 5 / 22.5 / cr 0.5. */
	const au_model_price *g54 = au_pricing_lookup(p, "gpt-5.4");
	CHECK(g54 != NULL);
	if (g54) {
		CHECK_INT(g54->tier_threshold, 272000);
		CHECK_INT(g54->tier.input, 5000000);
		CHECK_INT(g54->tier.output, 22500000);
		CHECK_INT(g54->tier.cache_read, 500000);
	}
	const au_model_price *g55 = au_pricing_lookup(p, "gpt-5.5");
	CHECK(g55 && g55->tier_threshold == 272000 && g55->tier.input == 10000000);

	/* Gemini rows a later issue needs; 3 Pro >200k: 4 / 18 / cr 0.4. */
	const au_model_price *g3 = au_pricing_lookup(p, "gemini-3-pro-preview");
	CHECK(g3 != NULL);
	if (g3) {
		CHECK_INT(g3->base.input, 2000000);
		CHECK_INT(g3->tier_threshold, 200000);
		CHECK_INT(g3->tier.output, 18000000);
		CHECK_INT(g3->tier.cache_read, 400000);
	}
	CHECK(au_pricing_lookup(p, "gemini-2.5-pro") != NULL);
	CHECK(au_pricing_lookup(p, "gemini-2.5-flash") != NULL);

	/* Every model the brief lists is in the table. */
	static const char *const required[] = {
		"claude-3-5-haiku", "claude-3-5-sonnet", "claude-3-7-sonnet", "claude-3-opus",
		"claude-3-haiku", "claude-opus-4", "claude-opus-4-1", "claude-sonnet-4",
		"claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5", "claude-opus-4-6",
		"claude-opus-4-7", "claude-sonnet-4-6", "gpt-5", "gpt-5-mini", "gpt-5-nano",
		"gpt-5-codex", "gpt-5.1", "gpt-5.1-codex", "gpt-5.1-codex-max",
		"gpt-5.1-codex-mini", "gpt-5.2", "gpt-5.2-codex", "gpt-5.3-codex", "gpt-5.4",
		"gpt-5.5", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "o3", "o4-mini",
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const au_model_price *mp = au_pricing_lookup(p, required[i]);
		CHECK(mp != NULL);
		if (mp)
			CHECK_STR(mp->name, required[i]);
	}

	/* Iteration: stable, strictly sorted by name, and in bounds. */
	size_t n = au_pricing_count(p);
	CHECK(n > 60);
	for (size_t i = 1; i < n; i++)
		CHECK(strcmp(au_pricing_at(p, i - 1)->name, au_pricing_at(p, i)->name) < 0);
	CHECK(au_pricing_at(p, n) == NULL);
}

static void test_cost(au_pricing *p)
{
	const au_model_price *s45 = au_pricing_lookup(p, "claude-sonnet-4-5-20250929");
	CHECK(s45 != NULL);
	if (!s45)
		return;

	/* 1000 x 3,000,000     =  3,000,000,000 input
	 *  500 x 15,000,000    =  7,500,000,000 output
	 * 2000 x 3,750,000     =  7,500,000,000 5m writes
	 * 3000 x 6,000,000     = 18,000,000,000 1h writes
	 * 10000 x 300,000      =  3,000,000,000 cache read
	 * total                  39,000,000,000 pico = $0.039 */
	au_tokens t = tok(1000, 2000, 3000, 10000, 500);
	CHECK_INT(au_cost_pico(s45, &t), INT64_C(39000000000));

	/* Prompt 1000 + 2000 + 3000 + 244000 = 250,000 > 200,000: every bucket,
	 * output too, at the tier's rates.
	 *   1000 x 6,000,000   =   6,000,000,000
	 *   2000 x 7,500,000   =  15,000,000,000
	 *   3000 x 12,000,000  =  36,000,000,000
	 * 244000 x 600,000     = 146,400,000,000
	 *    500 x 22,500,000  =  11,250,000,000
	 * total                  214,650,000,000 pico = $0.21465 */
	t = tok(1000, 2000, 3000, 244000, 500);
	CHECK_INT(au_cost_pico(s45, &t), INT64_C(214650000000));

	/* Prompt exactly 200,000 (cache read 194,000) is not over: base rates.
	 * 3e9 + 7.5e9 + 18e9 + 194000 x 300,000 (58.2e9) + 7.5e9 = 94.2e9 */
	t = tok(1000, 2000, 3000, 194000, 500);
	CHECK_INT(au_cost_pico(s45, &t), INT64_C(94200000000));

	/* Sonnet 4 over 200k, all-1h writes, with the 2x-tier-input 1h fallback:
	 * 100000 x 12,000,000 = 1,200,000,000,000
	 * 200000 x 600,000    =   120,000,000,000
	 *   1000 x 22,500,000 =    22,500,000,000
	 * total                 1,342,500,000,000 = $1.3425 */
	const au_model_price *s4 = au_pricing_lookup(p, "claude-sonnet-4");
	t = tok(0, 0, 100000, 200000, 1000);
	CHECK_INT(au_cost_pico(s4, &t), INT64_C(1342500000000));

	/* Opus 4.6 with a 900k prompt: no tier, base rates.
	 *  10000 x 5,000,000  =  50,000,000,000
	 * 890000 x 500,000    = 445,000,000,000
	 *   1000 x 25,000,000 =  25,000,000,000
	 * total                520,000,000,000 = $0.52 */
	const au_model_price *o46 = au_pricing_lookup(p, "claude-opus-4-6");
	t = tok(10000, 0, 0, 890000, 1000);
	CHECK_INT(au_cost_pico(o46, &t), INT64_C(520000000000));

	/* Codex: au_tokens input already excludes cached input; output holds
	 * the reasoning, which must not be added again.
	 * 2000 x 1,250,000  = 2,500,000,000
	 * 8000 x 125,000    = 1,000,000,000
	 *  500 x 10,000,000 = 5,000,000,000
	 * total               8,500,000,000 = $0.0085 */
	const au_model_price *codex = au_pricing_lookup(p, "gpt-5-codex");
	t = tok(2000, 0, 0, 8000, 500);
	t.reasoning = 300;
	CHECK_INT(au_cost_pico(codex, &t), INT64_C(8500000000));

	/* gpt-5.4, prompt 100,000 + 200,000 cached = 300,000 > 272,000:
	 * 100000 x 5,000,000  = 500,000,000,000
	 * 200000 x 500,000    = 100,000,000,000
	 *   2000 x 22,500,000 =  45,000,000,000
	 * total                645,000,000,000 = $0.645 */
	const au_model_price *g54 = au_pricing_lookup(p, "gpt-5.4");
	t = tok(100000, 0, 0, 200000, 2000);
	CHECK_INT(au_cost_pico(g54, &t), INT64_C(645000000000));
	/* Exactly 272,000 (72,000 + 200,000) is base:
	 * 72000 x 2,500,000 = 180e9; 200000 x 250,000 = 50e9;
	 * 2000 x 15,000,000 = 30e9; total 260e9. */
	t = tok(72000, 0, 0, 200000, 2000);
	CHECK_INT(au_cost_pico(g54, &t), INT64_C(260000000000));

	/* Saturation instead of wrap-around, and no model means no cost. */
	t = tok(INT64_MAX, 0, 0, INT64_MAX, INT64_MAX);
	CHECK_INT(au_cost_pico(s45, &t), INT64_MAX);
	t = tok(INT64_MIN, 0, 0, 0, 0);
	CHECK_INT(au_cost_pico(o46, &t), INT64_MIN);
	t = tok(1, 0, 0, 0, 0);
	CHECK_INT(au_cost_pico(NULL, &t), 0);
}

static void test_names(au_pricing *p)
{
	/* Spellings from real logs resolve to the right rows. */
	CHECK_STR(name_of(p, "claude-sonnet-4-5-20250929"), "claude-sonnet-4-5-20250929");
	CHECK_STR(name_of(p, "anthropic/claude-sonnet-4.5"), "claude-sonnet-4-5");
	CHECK_STR(name_of(p, "claude-sonnet-4.5"), "claude-sonnet-4-5");
	CHECK_STR(name_of(p, "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
		  "claude-sonnet-4-5-20250929");
	CHECK_STR(name_of(p, "global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
		  "claude-sonnet-4-5-20250929");
	CHECK_STR(name_of(p, "vertex_ai/claude-sonnet-4-5@20250929"), "claude-sonnet-4-5");
	CHECK_STR(name_of(p, "openrouter/anthropic/claude-sonnet-4.5"), "claude-sonnet-4-5");
	CHECK_STR(name_of(p, "claude-opus-4-1-20250805"), "claude-opus-4-1-20250805");
	CHECK_STR(name_of(p, "claude-sonnet-4-20250514"), "claude-sonnet-4-20250514");
	CHECK_STR(name_of(p, "claude-3-5-haiku-20241022"), "claude-3-5-haiku-20241022");
	CHECK_STR(name_of(p, "claude-3-7-sonnet-20250219"), "claude-3-7-sonnet-20250219");
	CHECK_STR(name_of(p, "claude-3-7-sonnet-latest"), "claude-3-7-sonnet");
	CHECK_STR(name_of(p, "gpt-5-codex"), "gpt-5-codex");
	CHECK_STR(name_of(p, "gpt-5.1-codex-max"), "gpt-5.1-codex-max");
	CHECK_STR(name_of(p, "openai/gpt-5"), "gpt-5");
	CHECK_STR(name_of(p, "gpt-5-2025-08-07"), "gpt-5-2025-08-07");
	CHECK_STR(name_of(p, "openai/gpt-5-mini-2025-08-07"), "gpt-5-mini-2025-08-07");
	CHECK_STR(name_of(p, "claude-opus-4-5-thinking"), "claude-opus-4-5");
	CHECK_STR(name_of(p, "claude-opus-4-5-20251101-thinking"), "claude-opus-4-5-20251101");
	CHECK_STR(name_of(p, "claude-opus-4-6[1m]"), "claude-opus-4-6");
	CHECK_STR(name_of(p, "Claude-Sonnet-4-5"), "claude-sonnet-4-5");
	CHECK_STR(name_of(p, "gemini/gemini-2.5-pro"), "gemini/gemini-2.5-pro");
	CHECK_STR(name_of(p, "vertex_ai/gemini-2.5-pro"), "gemini-2.5-pro");
	/* Dots and dashes both ways: gpt-5-1-codex is gpt-5.1-codex. */
	CHECK_STR(name_of(p, "gpt-5-1-codex"), "gpt-5.1-codex");

	/* The near misses: a version component is never dropped. */
	CHECK_STR(name_of(p, "gpt-5"), "gpt-5");
	CHECK_STR(name_of(p, "openai/gpt-5-2025-08-07"), "gpt-5-2025-08-07");
	const au_model_price *g5 = au_pricing_lookup(p, "gpt-5-thinking");
	CHECK(g5 && strcmp(g5->name, "gpt-5") == 0);
	CHECK_STR(name_of(p, "claude-sonnet-4"), "claude-sonnet-4");
	CHECK_STR(name_of(p, "anthropic/claude-sonnet-4"), "claude-sonnet-4");
	const au_model_price *s4 = au_pricing_lookup(p, "claude-sonnet-4");
	CHECK(s4 && strncmp(s4->name, "claude-sonnet-4-5", 17) != 0);
	CHECK_STR(name_of(p, "claude-opus-4"), "claude-opus-4");
	CHECK_STR(name_of(p, "claude-opus-4-20250514"), "claude-opus-4-20250514");
	/* Opus 4 is $15 in; Opus 4.5 is $5: mixing them up would be 3x off. */
	CHECK_INT(au_pricing_lookup(p, "claude-opus-4")->base.input, 15000000);

	/* Unknown stays unknown: unpriced, never someone else's price. */
	CHECK(au_pricing_lookup(p, "totally-unknown-model") == NULL);
	CHECK(au_pricing_lookup(p, "gpt-9") == NULL);
	CHECK(au_pricing_lookup(p, "gpt-5.9") == NULL);
	/* gpt-5-pro is its own model (the catalog lists it), never gpt-5 */
	CHECK_STR(name_of(p, "gpt-5-pro"), "gpt-5-pro");
	CHECK(au_pricing_lookup(p, "claude-sonnet-4-7") == NULL);
	CHECK(au_pricing_lookup(p, "<synthetic>") == NULL);
	CHECK(au_pricing_lookup(p, "") == NULL);
	CHECK(au_pricing_lookup(p, NULL) == NULL);
	/* Asked again, the cached answer is the same. */
	CHECK(au_pricing_lookup(p, "gpt-9") == NULL);
	CHECK(au_pricing_lookup(p, "anthropic/claude-sonnet-4.5") ==
	      au_pricing_lookup(p, "anthropic/claude-sonnet-4.5"));
}

/*
 * Spot checks of the embedded catalog against the providers' published
 * list prices, $ per million tokens, as of 2026-09 (Anthropic, OpenAI and
 * Google pricing pages as quoted in docs/pricing.md A1/A3 of 2026-07/11;
 * xAI, DeepSeek, Z.ai and Moonshot API pricing pages). Columns: input,
 * output, cache read, and for Anthropic 5-minute and 1-hour writes (-1:
 * not checked). Whatever row a name resolves to, it must bill these.
 */
static void test_catalog_spot(au_pricing *p)
{
	static const struct {
		const char *model;
		double in, out, read, w5m, w1h;
	} list[] = {
		{"claude-opus-4-6", 5, 25, 0.5, 6.25, 10},
		{"claude-opus-4-7", 5, 25, 0.5, 6.25, 10},
		{"claude-opus-4-1-20250805", 15, 75, 1.5, 18.75, 30},
		{"claude-sonnet-4-5-20250929", 3, 15, 0.3, 3.75, 6},
		{"claude-sonnet-4", 3, 15, 0.3, 3.75, 6},
		{"claude-haiku-4-5-20251001", 1, 5, 0.1, 1.25, 2},
		{"claude-3-5-haiku-20241022", 0.8, 4, 0.08, 1, 1.6},
		{"claude-3-opus-20240229", 15, 75, 1.5, 18.75, 30},
		{"gpt-5", 1.25, 10, 0.125, -1, -1},
		{"gpt-5-mini", 0.25, 2, 0.025, -1, -1},
		{"gpt-5-nano", 0.05, 0.4, 0.005, -1, -1},
		{"gpt-5.2", 1.75, 14, 0.175, -1, -1},
		{"gpt-4.1", 2, 8, 0.5, -1, -1},
		{"o4-mini", 1.1, 4.4, 0.275, -1, -1},
		{"gemini-2.5-pro", 1.25, 10, 0.125, -1, -1},
		{"gemini-2.5-flash", 0.3, 2.5, 0.03, -1, -1},
		{"gemini-3-flash", 0.5, 3, 0.05, -1, -1},
		{"grok-code-fast-1", 0.2, 1.5, 0.02, -1, -1},
		{"deepseek-chat", 0.28, 0.42, 0.028, -1, -1},
		{"glm-4.6", 0.6, 2.2, 0.11, -1, -1},
		{"kimi-k2", 0.6, 2.5, 0.15, -1, -1},
	};
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		const au_model_price *mp = au_pricing_lookup(p, list[i].model);
		if (!mp) {
			fprintf(stderr, "no price for %s\n", list[i].model);
			CHECK(mp != NULL);
			continue;
		}
		/* $/MTok x 1e6 = pico-dollars per token */
#define PICO(x) ((int64_t)((x) * 1e6 + 0.5))
		CHECK_INT(mp->base.input, PICO(list[i].in));
		CHECK_INT(mp->base.output, PICO(list[i].out));
		CHECK_INT(mp->base.cache_read, PICO(list[i].read));
		if (list[i].w5m >= 0) {
			CHECK_INT(mp->base.cache_write_5m, PICO(list[i].w5m));
			CHECK_INT(mp->base.cache_write_1h, PICO(list[i].w1h));
		}
#undef PICO
	}
	/* The hand-checked rules beat the catalog: Opus 4.6 has no long-context
	 * tier (the catalog gives it one), Sonnet 4.5 keeps its 200k tier. */
	CHECK_INT(au_pricing_lookup(p, "claude-opus-4-6")->tier_threshold, 0);
	CHECK_INT(au_pricing_lookup(p, "claude-sonnet-4-5")->tier_threshold, 200000);
	CHECK(au_pricing_lookup(p, "claude-opus-4-6")->pinned);
	/* Every model the issue names is priced. */
	static const char *const named[] = {"gemini-3-flash", "kimi-k2", "glm-4.6", "qwen3-coder",
					    "deepseek-chat", "grok-code-fast-1"};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		CHECK(au_pricing_lookup(p, named[i]) != NULL);
}

/*
 * Priced modes, each from the model's own figures. One Opus 4.6 request:
 * 1000 input x $5 + 2000 5m writes x $6.25 + 1000 1h writes x $10 +
 * 10000 reads x $0.50 + 500 output x $25 (per MTok) = 0.005 + 0.0125 +
 * 0.01 + 0.005 + 0.0125 = $0.045 = 45,000,000,000 pico-dollars.
 */
static void test_modes(au_pricing *p)
{
	const au_model_price *o46 = au_pricing_lookup(p, "claude-opus-4-6-20260205");
	au_tokens t = tok(1000, 2000, 1000, 10000, 500);
	CHECK_INT(o46->fast_permille, 6000); /* the catalog's fast row: 30 / 5 */
	CHECK_INT(o46->geo_us_permille, 1100);
	CHECK_INT(au_cost_pico_mode(o46, &t, 0), INT64_C(45000000000));
	CHECK_INT(au_cost_pico(o46, &t), INT64_C(45000000000));
	/* fast: 6 x $0.045 = $0.27 */
	CHECK_INT(au_cost_pico_mode(o46, &t, AU_MODE_FAST), INT64_C(270000000000));
	/* US-only: 1.1 x $0.045 = $0.0495 */
	CHECK_INT(au_cost_pico_mode(o46, &t, AU_MODE_GEO_US), INT64_C(49500000000));
	/* both stack: 6 x 1.1 x $0.045 = $0.297 */
	CHECK_INT(au_cost_pico_mode(o46, &t, AU_MODE_FAST | AU_MODE_GEO_US), INT64_C(297000000000));
	/* Sonnet 4.5 has no fast figure: a fast request costs the standard
	 * 1000 x 3 + 2000 x 3.75 + 1000 x 6 + 10000 x 0.3 + 500 x 15 = $0.027 */
	const au_model_price *s45 = au_pricing_lookup(p, "claude-sonnet-4-5");
	CHECK_INT(au_cost_pico_mode(s45, &t, AU_MODE_FAST), INT64_C(27000000000));

	/* gpt-5, 10000 uncached input, 5000 cached, 2000 output:
	 * standard 10000 x 1.25 + 5000 x 0.125 + 2000 x 10 = $0.033125;
	 * priority 10000 x 2.5 + 5000 x 0.25 + 2000 x 20 = $0.06625;
	 * flex 10000 x 0.625 + 5000 x 0.0625 + 2000 x 5 = $0.0165625. */
	const au_model_price *g5 = au_pricing_lookup(p, "gpt-5");
	au_tokens u = tok(10000, 0, 0, 5000, 2000);
	CHECK_INT(au_cost_pico_mode(g5, &u, 0), INT64_C(33125000000));
	CHECK_INT(au_cost_pico_mode(g5, &u, AU_MODE_PRIORITY), INT64_C(66250000000));
	CHECK_INT(au_cost_pico_mode(g5, &u, AU_MODE_FLEX), INT64_C(16562500000));
	/* gpt-4.1 lists no priority price: standard 10000 x 2 + 5000 x 0.5 +
	 * 2000 x 8 = $0.0385 */
	const au_model_price *g41 = au_pricing_lookup(p, "gpt-4.1");
	CHECK_INT(au_cost_pico_mode(g41, &u, AU_MODE_PRIORITY), INT64_C(38500000000));
}

static void check_id(const char *name, const char *want)
{
	char *id = au_model_id(name);
	CHECK_STR(id, want);
	free(id);
}

/* The one id reports group by: every spelling of a model gives the same. */
static void test_model_id(void)
{
	/* Issue 17's spellings: Copilot's display names and preview marks,
	 * Gemini CLI's -preview ids, and the Claude Code / Copilot pair. */
	check_id("Gemini 3 Flash (Preview)", "gemini-3-flash");
	check_id("gemini-3-flash-preview", "gemini-3-flash");
	check_id("google/gemini-3-flash-preview", "gemini-3-flash");
	check_id("Claude Sonnet 4.5", "claude-sonnet-4-5");
	check_id("claude-sonnet-4.5", "claude-sonnet-4-5");
	check_id("claude-sonnet-4-5-20250929", "claude-sonnet-4-5");
	check_id("claude-opus-4.6 (thinking)", "claude-opus-4-6");
	/* Claude Code, Copilot, a proxy, Bedrock and Vertex: one Sonnet 4.5 */
	check_id("claude-sonnet-4-5-20250929", "claude-sonnet-4-5");
	check_id("claude-sonnet-4.5", "claude-sonnet-4-5");
	check_id("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5");
	check_id("openrouter/anthropic/claude-sonnet-4-5", "claude-sonnet-4-5");
	check_id("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5");
	check_id("vertex_ai/claude-sonnet-4-5@20250929", "claude-sonnet-4-5");
	check_id("Claude-Sonnet-4-5", "claude-sonnet-4-5");
	check_id("claude-opus-4-6[1m]", "claude-opus-4-6");
	check_id("claude-opus-4-5-20251101-thinking", "claude-opus-4-5");
	check_id("claude-3.5-sonnet", "claude-3-5-sonnet");
	check_id("claude-3-7-sonnet-latest", "claude-3-7-sonnet");
	/* the other vendors keep their dots; dates and prefixes still go */
	check_id("gpt-5.1-codex", "gpt-5.1-codex");
	check_id("openai/gpt-5-mini-2025-08-07", "gpt-5-mini");
	check_id("gemini/gemini-2.5-pro", "gemini-2.5-pro");
	/* different models stay apart: no version part is ever dropped */
	check_id("claude-sonnet-4", "claude-sonnet-4");
	check_id("claude-sonnet-4-20250514", "claude-sonnet-4");
	check_id("gpt-5-1", "gpt-5-1");
	check_id("llama-3-70b", "llama-3-70b");
	/* nothing but decoration, or nothing at all, is left as it was */
	check_id("-latest", "-latest");
	check_id("openai/", "openai/");
	check_id("", "");
	check_id("<synthetic>", "<synthetic>");

	/* the memo gives the same ids, one string per name */
	au_model_ids *m = au_model_ids_new();
	const char *a = au_model_ids_get(m, "claude-haiku-4.5");
	CHECK_STR(a, "claude-haiku-4-5");
	CHECK(au_model_ids_get(m, "claude-haiku-4.5") == a);
	CHECK_STR(au_model_ids_get(m, "claude-haiku-4-5-20251001"), "claude-haiku-4-5");
	au_model_ids_free(m);
}

static char *write_temp(const char *text)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/test_pricing.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return path;
	size_t len = strlen(text);
	CHECK(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return path;
}

static void test_overlay(void)
{
	au_pricing *p = au_pricing_new();
	size_t n0 = au_pricing_count(p);
	uint64_t fp0 = au_pricing_fingerprint(p);
	const au_model_price *before = au_pricing_lookup(p, "claude-sonnet-4-5-20250929");

	/* Overrides Sonnet 4.5 (4 / 20 / read 0.4, no cache-write fields, no
	 * tier), adds a model, and carries things LiteLLM files have that must
	 * be skipped: sample_spec, an embedding row, a non-object. */
	char *path = write_temp(
		"{\n"
		"  \"sample_spec\": {\"input_cost_per_token\": \"desc\", \"mode\": \"one of: chat\"},\n"
		"  \"claude-sonnet-4-5\": {\"input_cost_per_token\": 4e-06,\n"
		"      \"output_cost_per_token\": 2e-05, \"cache_read_input_token_cost\": 4e-07,\n"
		"      \"litellm_provider\": \"anthropic\", \"mode\": \"chat\"},\n"
		"  \"my-new-model\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06},\n"
		"  \"eu.anthropic.claude-haiku-4-5-20251001-v1:0\": {\"input_cost_per_token\": 1.1e-06,\n"
		"      \"output_cost_per_token\": 5.5e-06, \"mode\": \"chat\"},\n"
		"  \"text-embedding-3-small\": {\"input_cost_per_token\": 2e-08,\n"
		"      \"output_cost_per_token\": 0, \"mode\": \"embedding\"},\n"
		"  \"not-an-object\": 42\n"
		"}\n");
	au_err err = {{0}};
	CHECK_INT(au_pricing_load_file(p, path, &err), 0);

	const au_model_price *s45 = au_pricing_lookup(p, "claude-sonnet-4-5");
	CHECK(s45 != NULL);
	if (s45) {
		CHECK_INT(s45->base.input, 4000000);
		CHECK_INT(s45->base.output, 20000000);
		CHECK_INT(s45->base.cache_write_5m, 5000000); /* 1.25 x 4 */
		CHECK_INT(s45->base.cache_write_1h, 8000000); /* 2 x 4 */
		CHECK_INT(s45->base.cache_read, 400000);
		CHECK_INT(s45->tier_threshold, 0);
	}
	/* The plain key overrides the model however logs spell it. */
	CHECK(au_pricing_lookup(p, "claude-sonnet-4-5-20250929") == s45);
	CHECK(au_pricing_lookup(p, "us.anthropic.claude-sonnet-4-5-20250929-v1:0") == s45);
	CHECK(au_pricing_lookup(p, "anthropic/claude-sonnet-4.5") == s45);
	/* A pointer from before the overlay still reads (old prices). */
	CHECK_INT(before->base.input, 3000000);

	/* New model; no cache-read price, so cached input is full input. */
	const au_model_price *nm = au_pricing_lookup(p, "my-new-model");
	CHECK(nm != NULL);
	if (nm) {
		CHECK_INT(nm->base.input, 1000000);
		CHECK_INT(nm->base.output, 2000000);
		CHECK_INT(nm->base.cache_read, 1000000);
		CHECK_INT(nm->base.cache_write_5m, 1000000); /* not Anthropic: plain input */
	}
	/* A provider's regional key replaces itself only. */
	const au_model_price *eu = au_pricing_lookup(p, "eu.anthropic.claude-haiku-4-5-20251001-v1:0");
	CHECK_INT(eu->base.input, 1100000);
	/* Only input and output given: every cache price follows Anthropic's
	 * multipliers of input, reads (0.1x) as well as writes (1.25x, 2x);
	 * reads were once charged the full input price. */
	CHECK_INT(eu->base.cache_write_5m, 1375000);
	CHECK_INT(eu->base.cache_write_1h, 2200000);
	CHECK_INT(eu->base.cache_read, 110000);
	CHECK_INT(au_pricing_lookup(p, "claude-haiku-4-5-20251001")->base.input, 1000000);
	CHECK_STR(name_of(p, "us.anthropic.claude-haiku-4-5-20251001-v1:0"), "claude-haiku-4-5-20251001");

	CHECK(au_pricing_lookup(p, "text-embedding-3-small") == NULL);
	CHECK(au_pricing_lookup(p, "not-an-object") == NULL);
	/* Two Sonnet 4.5 rows out, Sonnet 4.5 + my-new-model + the eu row in. */
	CHECK_INT(au_pricing_count(p), n0 + 1);
	uint64_t fp1 = au_pricing_fingerprint(p);
	CHECK(fp1 != fp0);

	/* Loading the same file again changes nothing. */
	CHECK_INT(au_pricing_load_file(p, path, &err), 0);
	CHECK(au_pricing_fingerprint(p) == fp1);
	unlink(path);
	free(path);

	/* Broken JSON: an error naming the file, the table untouched. */
	path = write_temp("{\"x\": {\"input_cost_per_token\": 1e-06,");
	err.msg[0] = '\0';
	CHECK(au_pricing_load_file(p, path, &err) < 0);
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(au_pricing_fingerprint(p) == fp1);
	unlink(path);
	free(path);

	/* A price that is not a number: refused, naming file and model. */
	path = write_temp("{\"my-new-model\": {\"input_cost_per_token\": 9e-06,"
			  " \"output_cost_per_token\": 1e-06},"
			  " \"bad\": {\"input_cost_per_token\": \"abc\","
			  " \"output_cost_per_token\": 1e-06}}");
	err.msg[0] = '\0';
	CHECK_INT(au_pricing_load_file(p, path, &err), -EINVAL);
	CHECK(strstr(err.msg, path) != NULL);
	CHECK(strstr(err.msg, "\"bad\"") != NULL);
	CHECK_INT(au_pricing_lookup(p, "my-new-model")->base.input, 1000000);
	unlink(path);
	free(path);

	/* Negative prices and a top level that is not an object. */
	path = write_temp("{\"m\": {\"input_cost_per_token\": -1e-06, \"output_cost_per_token\": 0}}");
	CHECK(au_pricing_load_file(p, path, &err) < 0);
	unlink(path);
	free(path);
	path = write_temp("[1, 2]");
	CHECK(au_pricing_load_file(p, path, &err) < 0);
	CHECK(strstr(err.msg, path) != NULL);
	unlink(path);
	free(path);

	/* A missing file: -ENOENT and its name. */
	err.msg[0] = '\0';
	CHECK_INT(au_pricing_load_file(p, "/nonexistent/prices.json", &err), -ENOENT);
	CHECK(strstr(err.msg, "/nonexistent/prices.json") != NULL);
	CHECK(au_pricing_fingerprint(p) == fp1);

	au_pricing_free(p);
}

static void test_fingerprint(au_pricing *p)
{
	/* Same table, same hash, whatever was looked up in between. */
	au_pricing *q = au_pricing_new();
	CHECK(au_pricing_fingerprint(p) == au_pricing_fingerprint(q));
	CHECK(au_pricing_fingerprint(q) != 0);
	au_pricing_free(q);
	au_pricing_free(NULL);
}

static void check_usd(int64_t pico, int decimals, const char *want)
{
	char buf[64];
	au_format_usd(pico, decimals, buf, sizeof(buf));
	CHECK_STR(buf, want);
}

static void test_format(void)
{
	check_usd(0, 2, "0.00");
	check_usd(1, 2, "0.00");
	check_usd(1, 12, "0.000000000001");
	check_usd(INT64_C(5000000000), 2, "0.01");   /* $0.005: half rounds up */
	check_usd(INT64_C(4999999999), 2, "0.00");   /* just under half */
	check_usd(INT64_C(1234567890123), 2, "1.23"); /* the header's example */
	check_usd(INT64_C(39000000000), 6, "0.039000");
	check_usd(INT64_C(214650000000), 4, "0.2147"); /* 0.21465 -> away from zero */
	check_usd(INT64_C(1500000000000), 0, "2");
	check_usd(INT64_C(-5000000000), 2, "-0.01"); /* away from zero, not up */
	check_usd(INT64_C(-4999999999), 2, "0.00"); /* no negative zero */
	check_usd(-1, 2, "0.00");
	check_usd(INT64_C(-1234567890123), 2, "-1.23");
	check_usd(INT64_C(12000000000000), 14, "12.00000000000000");
	/* The extremes: 9,223,372.036854775807 and -...808. */
	check_usd(INT64_MAX, 2, "9223372.04");
	check_usd(INT64_MIN, 2, "-9223372.04");
	check_usd(INT64_MIN, 12, "-9223372.036854775808");

	/* Truncated, still terminated. */
	char small[4];
	au_format_usd(INT64_C(1234567890123), 2, small, sizeof(small));
	CHECK_STR(small, "1.2");
}

int main(void)
{
	au_pricing *p = au_pricing_new();
	test_table(p);
	test_cost(p);
	test_names(p);
	test_model_id();
	test_catalog_spot(p);
	test_modes(p);
	test_fingerprint(p);
	au_pricing_free(p);
	test_overlay();
	test_format();
	return check_done("test_pricing");
}
