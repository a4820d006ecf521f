/*
 * Reading one entry of LiteLLM's model_prices_and_context_window.json into
 * integer pico-dollar rates. Shared by the build-time generator (gen_prices)
 * and the runtime --pricing overlay, so both apply the same fallbacks and
 * rounding. Depends on Jansson and libc only: the generator links no core.
 */
#ifndef AU_LITELLM_H
#define AU_LITELLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/*
 * Same layout and meaning as au_rates / au_model_price in pricing.h (pico-
 * dollars per token); repeated here so this file needs none of the core's
 * headers. pricing.c copies the fields across.
 */
typedef struct au_litellm_rates {
	int64_t input;
	int64_t output;
	int64_t cache_write_5m;
	int64_t cache_write_1h;
	int64_t cache_read;
} au_litellm_rates;

typedef struct au_litellm_price {
	au_litellm_rates base;
	int64_t tier_threshold; /* prompt tokens; 0: no tier */
	au_litellm_rates tier;
	/* Priced modes, 0 where the entry gives none: Anthropic's fast mode
	 * and US-only inference as multipliers in thousandths
	 * (provider_specific_entry.fast / .us), OpenAI's Priority and Flex
	 * service tiers as their own rates (the *_priority / *_flex fields;
	 * input 0: none). */
	int64_t fast_permille;
	int64_t geo_us_permille;
	au_litellm_rates priority;
	au_litellm_rates flex;
	/* "aiusage_pinned": a hand-checked row that a downloaded catalog must
	 * not replace (pricing/convert_catalog.mjs). */
	int pinned;
} au_litellm_price;

/* Largest accepted price: $1000 per token keeps every product in range. */
#define AU_LITELLM_MAX_USD_PER_TOKEN 1000.0

/* Top-level keys that are documentation, not models: "sample_spec" and
 * anything starting with '_' (our own "_aiusage" metadata). */
bool au_litellm_meta_key(const char *key);

/* USD per token -> pico-dollars per token, rounded half away from zero.
 * false for NaN, infinities, negatives and values above the cap. */
bool au_litellm_usd_to_pico(double usd, int64_t *ret);

/*
 * Converts the entry `key` -> `entry`. Returns 1 with *ret filled, 0 when
 * the entry is not a per-token chat price (not an object, a mode other than
 * chat/responses, or no input/output price), or -EINVAL with a one-line
 * reason in errbuf (a price that is not a non-negative number).
 */
int au_litellm_convert(const char *key, const json_t *entry, au_litellm_price *ret,
		       char *errbuf, size_t errsz);

#endif
