/*
 * LiteLLM entry -> pico-dollar rates: field lookup, the fallbacks for
 * absent cache and tier prices, and the long-context threshold read from
 * the field-name suffix. Compiled into both gen_prices and the core.
 */
#include "litellm.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(char *errbuf, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *errbuf, size_t errsz, const char *fmt, ...)
{
	if (errbuf && errsz) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(errbuf, errsz, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

bool au_litellm_meta_key(const char *key)
{
	return key[0] == '_' || strcmp(key, "sample_spec") == 0;
}

bool au_litellm_usd_to_pico(double usd, int64_t *ret)
{
	/* isfinite/comparisons only: the generator does not link libm. */
	if (!isfinite(usd) || usd < 0 || usd > AU_LITELLM_MAX_USD_PER_TOKEN)
		return false;
	/* Prices like 3e-06 are not exact in binary (3e-06 * 1e12 is
	 * 2999999.9999999996), so round to the nearest pico-dollar. */
	*ret = (int64_t)(usd * 1e12 + 0.5);
	return true;
}

/* 1: present and valid, 0: absent (or null), -EINVAL: not a usable price. */
static int get_price(const char *key, const json_t *entry, const char *field, int64_t *ret,
		     char *errbuf, size_t errsz)
{
	const json_t *v = json_object_get(entry, field);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return fail(errbuf, errsz, "\"%s\": %s is not a number", key, field);
	if (!au_litellm_usd_to_pico(json_number_value(v), ret))
		return fail(errbuf, errsz, "\"%s\": %s = %g is not a price in USD per token",
			    key, field, json_number_value(v));
	return 1;
}

/* Rate x num / den, rounded half up; rates are capped, so no overflow. */
static int64_t scale(int64_t rate, int64_t num, int64_t den)
{
	return (rate * num + den / 2) / den;
}

/*
 * The long-context threshold comes from the field name itself
 * ("input_cost_per_token_above_200k_tokens" -> 200000) so 128k, 256k and
 * 272k tiers need no code. A model can list several tiers (Qwen: 256k and
 * 512k); au_model_price holds one, so the lowest is kept: requests past a
 * higher boundary are then priced at the first tier's rates.
 * Writes the suffix ("_above_200k_tokens") for the other tier fields.
 */
static int64_t find_tier(const json_t *entry, char *ret_suffix, size_t suffix_sz)
{
	static const char prefix[] = "input_cost_per_token_above_";
	const char *field;
	json_t *v;
	int64_t best = 0;

	json_object_foreach ((json_t *)entry, field, v) {
		(void)v; /* a non-number value is reported when it is read */
		if (strncmp(field, prefix, sizeof(prefix) - 1) != 0)
			continue;
		const char *s = field + sizeof(prefix) - 1, *digits = s;
		int64_t n = 0;
		while (*s >= '0' && *s <= '9' && n < INT64_C(1000000000))
			n = n * 10 + (*s++ - '0');
		if (s == digits)
			continue;
		if (*s == 'k') {
			n *= 1000;
			s++;
		} else if (*s == 'm') {
			n *= 1000000;
			s++;
		}
		if (strcmp(s, "_tokens") != 0 || n <= 0)
			continue; /* e.g. a per-hour or per-character variant */
		if (best == 0 || n < best) {
			best = n;
			snprintf(ret_suffix, suffix_sz, "_above_%.*s", (int)(s - digits) + 7, digits);
		}
	}
	return best;
}

/* Fills the three cache rates of one tier from their fields or fallbacks. */
static int cache_rates(const char *key, const json_t *entry, const char *tier_suffix,
		       au_litellm_rates *r, bool tier, bool anthropic, char *errbuf, size_t errsz)
{
	char f5m[128], f1h[128], fread_[128];
	int n;

	snprintf(f5m, sizeof(f5m), "cache_creation_input_token_cost%s", tier_suffix);
	snprintf(f1h, sizeof(f1h), "cache_creation_input_token_cost_above_1hr%s", tier_suffix);
	snprintf(fread_, sizeof(fread_), "cache_read_input_token_cost%s", tier_suffix);

	/* One rule for every absent cache price: the vendor's published
	 * multiplier of input. Anthropic: 5-minute write 1.25x, 1-hour write
	 * 2x, read 0.1x. Other vendors charge no write premium: tokens
	 * written to their cache are billed as plain input (this is what
	 * `compare --to gpt-5` must use for a Claude request's writes). */
	n = get_price(key, entry, f5m, &r->cache_write_5m, errbuf, errsz);
	if (n < 0)
		return n;
	if (n == 0)
		r->cache_write_5m = anthropic ? scale(r->input, 5, 4) : r->input;
	n = get_price(key, entry, f1h, &r->cache_write_1h, errbuf, errsz);
	if (n < 0)
		return n;
	if (n == 0)
		r->cache_write_1h = anthropic ? scale(r->input, 2, 1) : r->input;
	n = get_price(key, entry, fread_, &r->cache_read, errbuf, errsz);
	if (n < 0)
		return n;
	if (n == 0)
		/* Anthropic publishes 0.1x for reads, as for writes above (an
		 * overlay with only input and output once read at the full
		 * input price while its writes got 1.25x/2x). Another vendor's
		 * model with no cached-input price (older OpenAI rows) bills
		 * cached tokens as ordinary input. Tier: every tiered model
		 * caches, so use the usual 0.1x of tier input. */
		r->cache_read = tier || anthropic ? scale(r->input, 1, 10) : r->input;
	return 0;
}

/* A multiplier of provider_specific_entry in thousandths; 0 when absent. */
static int get_mult(const char *key, const json_t *pse, const char *field, int64_t *ret, char *errbuf,
		    size_t errsz)
{
	const json_t *v = json_object_get(pse, field);
	*ret = 0;
	if (!v || json_is_null(v))
		return 0;
	double m = json_is_number(v) ? json_number_value(v) : -1;
	/* isfinite via comparisons: the generator does not link libm */
	if (!(m >= 1.0 && m <= 100.0))
		return fail(errbuf, errsz, "\"%s\": provider_specific_entry.%s is not a multiplier from 1 to 100",
			    key, field);
	*ret = (int64_t)(m * 1000 + 0.5);
	return 1;
}

/* One service tier's rates from "<field>_<tier>"; input 0 when absent. */
static int tier_rates(const char *key, const json_t *entry, const char *tier, au_litellm_rates *r,
		      char *errbuf, size_t errsz)
{
	char f[128];
	int n;
	memset(r, 0, sizeof(*r));
	snprintf(f, sizeof(f), "input_cost_per_token_%s", tier);
	if ((n = get_price(key, entry, f, &r->input, errbuf, errsz)) <= 0)
		return n;
	snprintf(f, sizeof(f), "output_cost_per_token_%s", tier);
	if ((n = get_price(key, entry, f, &r->output, errbuf, errsz)) < 0)
		return n;
	if (n == 0)
		return fail(errbuf, errsz, "\"%s\": %s has no output price", key, tier);
	snprintf(f, sizeof(f), "cache_read_input_token_cost_%s", tier);
	if ((n = get_price(key, entry, f, &r->cache_read, errbuf, errsz)) < 0)
		return n;
	if (n == 0)
		r->cache_read = r->input;
	/* OpenAI has no cache writes: written tokens are input */
	r->cache_write_5m = r->cache_write_1h = r->input;
	return 0;
}

static int modes(const char *key, const json_t *entry, au_litellm_price *p, char *errbuf, size_t errsz)
{
	int n;
	const json_t *pse = json_object_get(entry, "provider_specific_entry");
	if (json_is_object(pse)) {
		if ((n = get_mult(key, pse, "fast", &p->fast_permille, errbuf, errsz)) < 0)
			return n;
		if ((n = get_mult(key, pse, "us", &p->geo_us_permille, errbuf, errsz)) < 0)
			return n;
	}
	if ((n = tier_rates(key, entry, "priority", &p->priority, errbuf, errsz)) < 0)
		return n;
	return tier_rates(key, entry, "flex", &p->flex, errbuf, errsz);
}

int au_litellm_convert(const char *key, const json_t *entry, au_litellm_price *ret,
		       char *errbuf, size_t errsz)
{
	au_litellm_price p;
	int n;

	memset(&p, 0, sizeof(p));
	if (!json_is_object(entry))
		return 0;
	/* Embeddings, images, audio and rerankers are not token chat prices. */
	const json_t *mode = json_object_get(entry, "mode");
	if (mode && !json_is_null(mode)) {
		const char *m = json_string_value(mode);
		if (!m || (strcmp(m, "chat") != 0 && strcmp(m, "responses") != 0))
			return 0;
	}

	n = get_price(key, entry, "input_cost_per_token", &p.base.input, errbuf, errsz);
	if (n <= 0)
		return n; /* absent: priced per second/character/image, skip */
	n = get_price(key, entry, "output_cost_per_token", &p.base.output, errbuf, errsz);
	if (n <= 0)
		return n;
	const json_t *prov = json_object_get(entry, "litellm_provider");
	bool anthropic = strstr(key, "claude") != NULL ||
			 (json_is_string(prov) && strstr(json_string_value(prov), "anthropic") != NULL);
	n = cache_rates(key, entry, "", &p.base, false, anthropic, errbuf, errsz);
	if (n < 0)
		return n;

	n = modes(key, entry, &p, errbuf, errsz);
	if (n < 0)
		return n;
	const json_t *pin = json_object_get(entry, "aiusage_pinned");
	p.pinned = json_is_true(pin);

	char suffix[64];
	p.tier_threshold = find_tier(entry, suffix, sizeof(suffix));
	if (p.tier_threshold > 0) {
		char field[128];
		snprintf(field, sizeof(field), "input_cost_per_token%s", suffix);
		n = get_price(key, entry, field, &p.tier.input, errbuf, errsz);
		if (n < 0)
			return n;
		snprintf(field, sizeof(field), "output_cost_per_token%s", suffix);
		n = get_price(key, entry, field, &p.tier.output, errbuf, errsz);
		if (n < 0)
			return n;
		if (n == 0) /* no output premium listed: output keeps its price */
			p.tier.output = p.base.output;
		n = cache_rates(key, entry, suffix, &p.tier, true, anthropic, errbuf, errsz);
		if (n < 0)
			return n;
	}
	*ret = p;
	return 1;
}
