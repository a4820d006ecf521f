/*
 * libFuzzer target for pricing/: model-name resolution and per-request
 * cost on names and token counts straight from a hostile log. The input is
 * a model name, optionally followed by a NUL, a mode byte (bit 0: let
 * counts be negative, bit 1: shrink them to realistic sizes) and five
 * little-endian int64 token counts; missing bytes are zero. One
 * au_pricing lives across runs, as in the daemon, so the lookup cache
 * fills, is flushed at its limit and keeps answering the same way.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pricing.h"
#include "require.h"


static au_pricing *pricing;

static bool in_table(const au_model_price *mp)
{
	for (size_t i = 0; i < au_pricing_count(pricing); i++)
		if (au_pricing_at(pricing, i) == mp)
			return true;
	return false;
}

static bool has_row_named(const char *name)
{
	for (size_t i = 0; i < au_pricing_count(pricing); i++)
		if (strcmp(au_pricing_at(pricing, i)->name, name) == 0)
			return true;
	return false;
}

static bool rates_nonneg(const au_rates *r)
{
	return r->input >= 0 && r->output >= 0 && r->cache_write_5m >= 0 && r->cache_write_1h >= 0 &&
	       r->cache_read >= 0;
}

/* The cost worked out the plain way: with every count and rate >= 0 each
 * product is below 2^126, their sum cannot overflow 128 bits, and the
 * result saturates at INT64_MAX. */
static int64_t reference_cost(const au_model_price *mp, const au_tokens *t)
{
	__int128 prompt = (__int128)t->input + t->cache_create_5m + t->cache_create_1h + t->cache_read;
	const au_rates *r = mp->tier_threshold > 0 && prompt > mp->tier_threshold ? &mp->tier : &mp->base;
	__int128 sum = (__int128)t->input * r->input + (__int128)t->cache_create_5m * r->cache_write_5m +
		       (__int128)t->cache_create_1h * r->cache_write_1h +
		       (__int128)t->cache_read * r->cache_read + (__int128)t->output * r->output;
	return sum > INT64_MAX ? INT64_MAX : (int64_t)sum;
}

static void check_cost(const au_model_price *mp, const au_tokens *t, bool nonneg)
{
	int64_t c = au_cost_pico(mp, t);
	REQUIRE(au_cost_pico(mp, t) == c); /* no hidden state */
	if (!mp) {
		REQUIRE(c == 0);
		return;
	}
	if (!nonneg || !rates_nonneg(&mp->base) || !rates_nonneg(&mp->tier))
		return; /* only "no crash, no UB" for negative counts */
	REQUIRE(c >= 0);
	REQUIRE(c == reference_cost(mp, t));

	/* Output does not move the tier, so more output never costs less. */
	au_tokens more = *t;
	if (more.output < INT64_MAX) {
		more.output++;
		REQUIRE(au_cost_pico(mp, &more) >= c);
	}
	/* Reasoning is inside output: it is never charged on its own. */
	more = *t;
	more.reasoning = more.reasoning ? 0 : 12345;
	REQUIRE(au_cost_pico(mp, &more) == c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pricing)
		pricing = au_pricing_new(); /* kept across runs on purpose */

	const uint8_t *nul = memchr(data, '\0', size);
	size_t name_len = nul ? (size_t)(nul - data) : size;
	char *name = malloc(name_len + 1);
	memcpy(name, data, name_len);
	name[name_len] = '\0';

	uint8_t tail[41] = {0};
	if (nul) {
		size_t n = size - name_len - 1;
		memcpy(tail, nul + 1, n < sizeof(tail) ? n : sizeof(tail));
	}
	bool allow_negative = tail[0] & 1;
	int64_t v[5];
	for (int i = 0; i < 5; i++) {
		uint64_t u = 0;
		for (int k = 7; k >= 0; k--)
			u = u << 8 | tail[1 + 8 * i + k];
		if (!allow_negative)
			u &= INT64_MAX;
		if (tail[0] & 2)
			u >>= 24; /* realistic sizes, where tiers and sums matter */
		v[i] = (int64_t)u;
	}
	au_tokens t = {.input = v[0],
		       .cache_create_5m = v[1],
		       .cache_create_1h = v[2],
		       .cache_read = v[3],
		       .output = v[4],
		       .reasoning = v[4] / 3};
	bool nonneg = v[0] >= 0 && v[1] >= 0 && v[2] >= 0 && v[3] >= 0 && v[4] >= 0;

	const au_model_price *mp = au_pricing_lookup(pricing, name);
	/* Cached or not, the answer is the same pointer. */
	REQUIRE(au_pricing_lookup(pricing, name) == mp);
	if (mp) {
		REQUIRE(mp->name && mp->name[0]);
		REQUIRE(in_table(mp));
		REQUIRE(mp->tier_threshold >= 0);
	}
	/* Matching is ASCII case-insensitive unless a row has this exact
	 * spelling. */
	if (!has_row_named(name)) {
		char *lower = strdup(name);
		for (char *s = lower; *s; s++)
			if (*s >= 'A' && *s <= 'Z')
				*s = (char)(*s - 'A' + 'a');
		REQUIRE(au_pricing_lookup(pricing, lower) == mp);
		free(lower);
	}
	check_cost(mp, &t, nonneg);
	REQUIRE(au_pricing_lookup(NULL, name) == NULL);
	free(name);
	return 0;
}
