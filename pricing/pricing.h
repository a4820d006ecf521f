/*
 * Prices: the table compiled in from pricing/prices.json (LiteLLM's field
 * names), optional user overrides in LiteLLM's JSON format, model-name
 * matching with PCRE2, and per-request cost in integer pico-dollars.
 *
 * Money unit: 1 pico-dollar = 1e-12 USD. A price of $3 per million tokens
 * is 3,000,000 pico-dollars per token. int64 holds $9.2 million.
 */
#ifndef AU_PRICING_H
#define AU_PRICING_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"
#include "util.h"

#define AU_PICO_PER_USD INT64_C(1000000000000)

/* All rates in pico-dollars per token. */
typedef struct au_rates {
	int64_t input;
	int64_t output;
	int64_t cache_write_5m;
	int64_t cache_write_1h;
	int64_t cache_read;
} au_rates;

typedef struct au_model_price {
	const char *name; /* the table key that matched */
	au_rates base;
	/* Long-context tier: when a request's prompt (input + cache writes +
	 * cache read) exceeds tier_threshold, every bucket uses `tier`. */
	int64_t tier_threshold; /* 0: no tier */
	au_rates tier;
	/* Priced modes from the entry's own figures (litellm.h): multipliers
	 * in thousandths, 0 = the mode is not priced for this model. */
	int64_t fast_permille;
	int64_t geo_us_permille;
	au_rates priority; /* OpenAI service tiers; input 0 = none */
	au_rates flex;
	bool pinned; /* hand-checked: a downloaded catalog does not replace it */
} au_model_price;

typedef struct au_pricing au_pricing;

/* The embedded table. Never fails (aborts on OOM). */
au_pricing *au_pricing_new(void);
void au_pricing_free(au_pricing *p);

/* Overlays a LiteLLM-format JSON file: entries override or extend. */
int au_pricing_load_file(au_pricing *p, const char *path, au_err *err);

/*
 * Overlays a downloaded catalog (`aiusage pricing update`, LiteLLM's
 * format) over the embedded one, then puts the embedded hand-checked
 * (pinned) rows back on top: they are there because catalogs get those
 * models wrong. *ret_count (optional) is the catalog's priced rows.
 */
int au_pricing_load_catalog(au_pricing *p, const char *path, size_t *ret_count, au_err *err);

/*
 * Resolves a model name as the logs spell it ("claude-sonnet-4-5-20250929",
 * "anthropic/claude-sonnet-4.5", "gpt-5-codex") to a price, or NULL when
 * unknown (the caller reports it as unpriced, never as $0). Results are
 * cached; the returned pointer lives as long as p.
 */
const au_model_price *au_pricing_lookup(au_pricing *p, const char *model);

/* Cost of one request in pico-dollars; the tier is decided per request. */
int64_t au_cost_pico(const au_model_price *mp, const au_tokens *t);
/*
 * The same for a request made in a priced mode (AU_MODE_* bits, see
 * parser.h): fast mode and US-only inference multiply the request's cost
 * by the model's own multipliers; a Priority or Flex request uses the
 * model's tier rates. A mode the model has no figure for costs as
 * standard (the log's tokens are still counted; `aiusage pricing MODEL`
 * shows which modes a model prices).
 */
int64_t au_cost_pico_mode(const au_model_price *mp, const au_tokens *t, unsigned mode);

/* "prices as of" date of the embedded table, e.g. "2026-07-24". */
const char *au_pricing_as_of(void);

/* Past this many days, reports say the embedded prices may be out of date. */
#define AU_PRICING_STALE_DAYS 90
/* Whole days from the table's date to the UTC day of now_ms (negative
 * when now is before it). */
int64_t au_pricing_age_days(int64_t now_ms);
/* A stable hash of the effective table, stored so a price change reprices. */
uint64_t au_pricing_fingerprint(const au_pricing *p);

/* Iteration over the effective table, for `aiusage pricing`. */
size_t au_pricing_count(const au_pricing *p);
const au_model_price *au_pricing_at(const au_pricing *p, size_t i);

/* Formats pico-dollars as a decimal USD string with `decimals` digits,
 * rounding half away from zero, no locale: 1234567890123 -> "1.23". */
void au_format_usd(int64_t pico, int decimals, char *buf, size_t bufsz);

#endif
