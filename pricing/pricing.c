/*
 * The effective price table (the embedded rows from prices_table.c, which
 * gen_prices writes at build time, plus any --pricing overlays), model-name
 * resolution (the name rules are model_id.c's), the per-request cost in integer pico-dollars and
 * exact decimal formatting of money.
 */
#include "pricing.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "litellm.h"
#include "model_id.h"

/* Written by gen_prices into prices_table.c. */
extern const char au_price_table_as_of[];
extern const au_model_price au_price_table[];
extern const size_t au_price_table_len;

/* An overlay file is LiteLLM's whole JSON at most (about 1.5 MB in 2026). */
#define AU_PRICING_FILE_MAX ((size_t)64 << 20)
/* Model names come from logs; a flood of distinct junk must not grow memory. */
#define AU_PRICING_CACHE_MAX 4096

/* An overlay row and its name in one allocation. */
typedef struct owned_row {
	au_model_price mp;
	char name[];
} owned_row;

struct au_pricing {
	/* const au_model_price *, sorted by name: the effective table. */
	GPtrArray *rows;
	/* Every overlay row ever loaded (owned_row *), replaced ones included,
	 * so a pointer handed out before a later overlay stays valid. */
	GPtrArray *owned;
	/* canonical name -> row; built on first fallback lookup, NULL when stale. */
	GHashTable *canon;
	/* model as the log spells it -> row, or NULL for "unknown". */
	GHashTable *cache;
};

static int cmp_row_ptr(const void *a, const void *b)
{
	const au_model_price *x = *(const au_model_price *const *)a;
	const au_model_price *y = *(const au_model_price *const *)b;
	return strcmp(x->name, y->name);
}

static void sort_rows(au_pricing *p)
{
	g_ptr_array_sort(p->rows, cmp_row_ptr);
}

static const au_model_price *find_exact(const au_pricing *p, const char *name)
{
	size_t lo = 0, hi = p->rows->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const au_model_price *mp = g_ptr_array_index(p->rows, mid);
		int c = strcmp(name, mp->name);
		if (c == 0)
			return mp;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* A key with no provider decoration names the model itself, not one
 * provider's (possibly regional, possibly surcharged) price for it. */
static bool plain_key(const char *name)
{
	char *s = xstrdup(name);
	au_model_lower(s);
	bool plain = au_model_prefix_len(s) == 0;
	free(s);
	return plain;
}

/*
 * Reduces a lowercased name in place to its canonical form: provider
 * prefixes, then trailing decorations, removed; dots in versions made
 * dashes. With `probe`, each intermediate form is first tried as an exact
 * key, so "claude-sonnet-4-5-20250929-v1:0" prefers the dated row to the
 * bare alias; the first hit is returned.
 */
static const au_model_price *canonicalize(const au_pricing *p, char *s, bool probe)
{
	const au_model_price *mp;

	size_t off = au_model_prefix_len(s);
	if (off) {
		memmove(s, s + off, strlen(s + off) + 1);
		if (probe && (mp = find_exact(p, s)))
			return mp;
	}
	while (au_model_strip_suffix(s)) {
		if (probe && (mp = find_exact(p, s)))
			return mp;
	}
	/* Matching is looser than the id reports show (model_id.h): a dot
	 * and a dash in a version are the same price for every vendor. */
	au_model_dots_to_dashes(s);
	return NULL;
}

static char *canonical_name(const au_pricing *p, const char *name)
{
	char *s = xstrdup(name);
	au_model_lower(s);
	canonicalize(p, s, false);
	return s;
}

/*
 * Several keys share a canonical name ("claude-sonnet-4-5" and its dated
 * twin, "gemini-2.5-pro" and "gemini/gemini-2.5-pro", Bedrock's regional
 * copies). Pick one by a rule that does not depend on hash order: a plain
 * key over a provider's, then the shortest, then the first by strcmp.
 */
static bool better_row(const au_model_price *a, const au_model_price *b)
{
	bool pa = plain_key(a->name), pb = plain_key(b->name);
	if (pa != pb)
		return pa;
	size_t la = strlen(a->name), lb = strlen(b->name);
	if (la != lb)
		return la < lb;
	return strcmp(a->name, b->name) < 0;
}

static GHashTable *canon_map(au_pricing *p)
{
	if (p->canon)
		return p->canon;
	p->canon = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	for (guint i = 0; i < p->rows->len; i++) {
		const au_model_price *mp = g_ptr_array_index(p->rows, i);
		char *c = canonical_name(p, mp->name);
		const au_model_price *old = g_hash_table_lookup(p->canon, c);
		if (!old || better_row(mp, old))
			g_hash_table_insert(p->canon, c, (gpointer)mp); /* frees c if present */
		else
			free(c);
	}
	return p->canon;
}

static void invalidate(au_pricing *p)
{
	if (p->canon) {
		g_hash_table_destroy(p->canon);
		p->canon = NULL;
	}
	g_hash_table_remove_all(p->cache);
}

au_pricing *au_pricing_new(void)
{
	au_pricing *p = xcalloc(1, sizeof(*p));
	p->rows = g_ptr_array_sized_new((guint)au_price_table_len);
	for (size_t i = 0; i < au_price_table_len; i++)
		g_ptr_array_add(p->rows, (gpointer)&au_price_table[i]);
	sort_rows(p); /* gen_prices sorts too; this keeps bsearch safe regardless */
	p->owned = g_ptr_array_new_with_free_func(free);
	p->cache = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	return p;
}

void au_pricing_free(au_pricing *p)
{
	if (!p)
		return;
	if (p->canon)
		g_hash_table_destroy(p->canon);
	g_hash_table_destroy(p->cache);
	g_ptr_array_free(p->rows, TRUE);
	g_ptr_array_free(p->owned, TRUE);
	free(p);
}

static void copy_rates(au_rates *dst, const au_litellm_rates *src)
{
	dst->input = src->input;
	dst->output = src->output;
	dst->cache_write_5m = src->cache_write_5m;
	dst->cache_write_1h = src->cache_write_1h;
	dst->cache_read = src->cache_read;
}

static owned_row *new_row(const char *name, const au_litellm_price *lp)
{
	size_t n = strlen(name) + 1;
	owned_row *o = xcalloc(1, sizeof(*o) + n);
	memcpy(o->name, name, n);
	o->mp.name = o->name;
	copy_rates(&o->mp.base, &lp->base);
	o->mp.tier_threshold = lp->tier_threshold;
	copy_rates(&o->mp.tier, &lp->tier);
	o->mp.fast_permille = lp->fast_permille;
	o->mp.geo_us_permille = lp->geo_us_permille;
	copy_rates(&o->mp.priority, &lp->priority);
	copy_rates(&o->mp.flex, &lp->flex);
	o->mp.pinned = lp->pinned;
	return o;
}

/*
 * Puts a file's rows into the table. A row replaces the row of the same
 * name; a plain key ("claude-sonnet-4-5") also replaces every row with the
 * same canonical name ("claude-sonnet-4-5-20250929"), so overriding a model
 * overrides it however the logs spell it. A provider's key ("eu.anthropic.
 * claude-haiku-4-5-20251001-v1:0") replaces only itself: LiteLLM lists
 * regional surcharges that must not become the model's price.
 */
static void apply_rows(au_pricing *p, GPtrArray *fresh)
{
	GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *families = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	for (guint i = 0; i < fresh->len; i++) {
		owned_row *o = g_ptr_array_index(fresh, i);
		g_hash_table_add(names, o->name);
		if (plain_key(o->name))
			g_hash_table_add(families, canonical_name(p, o->name));
	}

	GPtrArray *rows = g_ptr_array_sized_new(p->rows->len + fresh->len);
	for (guint i = 0; i < p->rows->len; i++) {
		const au_model_price *mp = g_ptr_array_index(p->rows, i);
		if (g_hash_table_contains(names, mp->name))
			continue;
		char *c = canonical_name(p, mp->name);
		bool replaced = g_hash_table_contains(families, c);
		free(c);
		if (!replaced)
			g_ptr_array_add(rows, (gpointer)mp);
	}
	for (guint i = 0; i < fresh->len; i++) {
		owned_row *o = g_ptr_array_index(fresh, i);
		g_ptr_array_add(rows, &o->mp);
		g_ptr_array_add(p->owned, o);
	}
	g_ptr_array_free(p->rows, TRUE);
	p->rows = rows;
	sort_rows(p);
	invalidate(p);
	g_hash_table_destroy(names);
	g_hash_table_destroy(families);
}

static int read_file(const char *path, au_buf *b, au_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return au_fail(err, errno, "%s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	int r = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (au_buf_append(b, chunk, n) < 0) {
			r = au_fail(err, EFBIG, "%s: larger than %zu MiB, not a price file", path,
				    AU_PRICING_FILE_MAX >> 20);
			break;
		}
	}
	if (r == 0 && ferror(f))
		r = au_fail(err, EIO, "%s: read error", path);
	fclose(f);
	return r;
}

static int load_file(au_pricing *p, const char *path, size_t *ret_count, au_err *err);

int au_pricing_load_file(au_pricing *p, const char *path, au_err *err)
{
	return load_file(p, path, NULL, err);
}

int au_pricing_load_catalog(au_pricing *p, const char *path, size_t *ret_count, au_err *err)
{
	int r = load_file(p, path, ret_count, err);
	if (r < 0)
		return r;
	GPtrArray *pins = g_ptr_array_new();
	for (size_t i = 0; i < au_price_table_len; i++) {
		const au_model_price *mp = &au_price_table[i];
		if (!mp->pinned)
			continue;
		size_t n = strlen(mp->name) + 1;
		owned_row *o = xcalloc(1, sizeof(*o) + n);
		memcpy(o->name, mp->name, n);
		o->mp = *mp;
		o->mp.name = o->name;
		g_ptr_array_add(pins, o);
	}
	apply_rows(p, pins);
	g_ptr_array_free(pins, TRUE); /* the rows now belong to p->owned */
	return 0;
}

static int load_file(au_pricing *p, const char *path, size_t *ret_count, au_err *err)
{
	au_buf b;
	au_buf_init(&b, AU_PRICING_FILE_MAX);
	int r = read_file(path, &b, err);
	if (r < 0) {
		au_buf_release(&b);
		return r;
	}
	json_error_t jerr;
	json_t *root = json_loadb(b.data ? b.data : "", b.len, 0, &jerr);
	au_buf_release(&b);
	if (!root)
		return au_fail(err, EINVAL, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return au_fail(err, EINVAL, "%s: not a LiteLLM price file (the top level is not an object)",
			       path);
	}

	/* Convert everything first: a bad row leaves the table untouched. */
	GPtrArray *fresh = g_ptr_array_new();
	const char *key;
	json_t *v;
	json_object_foreach (root, key, v) {
		au_litellm_price lp;
		char msg[400];
		if (au_litellm_meta_key(key))
			continue;
		int c = au_litellm_convert(key, v, &lp, msg, sizeof(msg));
		if (c < 0) {
			r = au_fail(err, EINVAL, "%s: %s", path, msg);
			break;
		}
		if (c > 0)
			g_ptr_array_add(fresh, new_row(key, &lp));
	}
	json_decref(root);
	if (r < 0) {
		g_ptr_array_set_free_func(fresh, free);
		g_ptr_array_free(fresh, TRUE);
		return r;
	}
	if (ret_count)
		*ret_count = fresh->len;
	apply_rows(p, fresh);
	g_ptr_array_free(fresh, TRUE); /* the rows now belong to p->owned */
	return 0;
}

static const au_model_price *resolve(au_pricing *p, const char *model)
{
	const au_model_price *mp = find_exact(p, model);
	if (mp)
		return mp;
	char *s = xstrdup(model);
	au_model_lower(s);
	mp = find_exact(p, s);
	if (!mp)
		mp = canonicalize(p, s, true);
	/* Last, compare canonical forms only: equality, never a prefix or
	 * substring, is what keeps gpt-5 off gpt-5.1 and gpt-5-mini. */
	if (!mp)
		mp = g_hash_table_lookup(canon_map(p), s);
	free(s);
	return mp;
}

const au_model_price *au_pricing_lookup(au_pricing *p, const char *model)
{
	gpointer key, val;
	if (!p || !model)
		return NULL;
	if (g_hash_table_lookup_extended(p->cache, model, &key, &val))
		return val;
	const au_model_price *mp = resolve(p, model);
	if (g_hash_table_size(p->cache) >= AU_PRICING_CACHE_MAX)
		g_hash_table_remove_all(p->cache);
	g_hash_table_insert(p->cache, xstrdup(model), (gpointer)mp);
	return mp;
}

/* Clamps to int64 after every step, so a running sum of products (each
 * under 2^126) can never overflow the 128-bit accumulator. */
static __int128 clamp64(__int128 v)
{
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return v;
}

static int64_t cost_at(const au_model_price *mp, const au_tokens *t, const au_rates *service);

int64_t au_cost_pico(const au_model_price *mp, const au_tokens *t)
{
	return cost_at(mp, t, NULL);
}

/* x * permille / 1000, rounded half up, clamped to int64. */
static int64_t times_permille(int64_t x, int64_t permille)
{
	__int128 v = ((__int128)x * permille + 500) / 1000;
	return (int64_t)clamp64(v);
}

int64_t au_cost_pico_mode(const au_model_price *mp, const au_tokens *t, unsigned mode)
{
	if (!mp || !t)
		return 0;
	/* A service tier has its own rates (and no long-context tier of its
	 * own in any catalog: the tier table then still decides nothing). */
	const au_rates *service = NULL;
	if ((mode & AU_MODE_PRIORITY) && mp->priority.input > 0)
		service = &mp->priority;
	else if ((mode & AU_MODE_FLEX) && mp->flex.input > 0)
		service = &mp->flex;
	int64_t c = cost_at(mp, t, service);
	/* Anthropic states both as multipliers of the whole request's price,
	 * long-context tier included, and they stack. */
	if ((mode & AU_MODE_FAST) && mp->fast_permille > 0)
		c = times_permille(c, mp->fast_permille);
	if ((mode & AU_MODE_GEO_US) && mp->geo_us_permille > 0)
		c = times_permille(c, mp->geo_us_permille);
	return c;
}

static int64_t cost_at(const au_model_price *mp, const au_tokens *t, const au_rates *service)
{
	if (!mp || !t)
		return 0;
	/* The tier is a property of the whole request: the prompt includes
	 * cache writes and reads, and past the threshold every bucket,
	 * output included, moves to the tier's rates. */
	__int128 prompt = (__int128)t->input + t->cache_create_5m + t->cache_create_1h + t->cache_read;
	const au_rates *r = mp->tier_threshold > 0 && prompt > mp->tier_threshold ? &mp->tier : &mp->base;
	if (service)
		r = service;

	/* Reasoning is not a bucket: it is already inside output. */
	__int128 sum = 0;
	sum = clamp64(sum + (__int128)t->input * r->input);
	sum = clamp64(sum + (__int128)t->cache_create_5m * r->cache_write_5m);
	sum = clamp64(sum + (__int128)t->cache_create_1h * r->cache_write_1h);
	sum = clamp64(sum + (__int128)t->cache_read * r->cache_read);
	sum = clamp64(sum + (__int128)t->output * r->output);
	return (int64_t)sum;
}

const char *au_pricing_as_of(void)
{
	return au_price_table_as_of;
}

int64_t au_pricing_age_days(int64_t now_ms)
{
	int64_t as_of = 0;
	/* gen_prices refuses a table without a valid date */
	(void)au_parse_day(au_price_table_as_of, &as_of);
	return au_floor_div(now_ms, 86400000) - as_of;
}

static void put_le64(au_buf *b, int64_t v)
{
	unsigned char le[8];
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(u >> (8 * i));
	(void)au_buf_append(b, le, sizeof(le)); /* unbounded buffer: cannot fail */
}

static void put_rates(au_buf *b, const au_rates *r)
{
	put_le64(b, r->input);
	put_le64(b, r->output);
	put_le64(b, r->cache_write_5m);
	put_le64(b, r->cache_write_1h);
	put_le64(b, r->cache_read);
}

uint64_t au_pricing_fingerprint(const au_pricing *p)
{
	/* Rows are sorted by name and serialised with fixed-width little-
	 * endian numbers, so the hash depends on the prices alone: not on
	 * hash-table order, load order or the host's byte order. */
	au_buf b;
	au_buf_init(&b, 0);
	for (guint i = 0; i < p->rows->len; i++) {
		const au_model_price *mp = g_ptr_array_index(p->rows, i);
		(void)au_buf_append(&b, mp->name, strlen(mp->name) + 1);
		put_rates(&b, &mp->base);
		put_le64(&b, mp->tier_threshold);
		put_rates(&b, &mp->tier);
		put_le64(&b, mp->fast_permille);
		put_le64(&b, mp->geo_us_permille);
		put_rates(&b, &mp->priority);
		put_rates(&b, &mp->flex);
	}
	uint64_t h = au_hash64(b.data, b.len);
	au_buf_release(&b);
	return h;
}

size_t au_pricing_count(const au_pricing *p)
{
	return p->rows->len;
}

const au_model_price *au_pricing_at(const au_pricing *p, size_t i)
{
	return i < p->rows->len ? g_ptr_array_index(p->rows, i) : NULL;
}

void au_format_usd(int64_t pico, int decimals, char *buf, size_t bufsz)
{
	static const char zeros[] = "000000000000000000";
	if (!buf || bufsz == 0)
		return;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 12 + (int)sizeof(zeros) - 1)
		decimals = 12 + (int)sizeof(zeros) - 1;
	/* Past 12 digits there is nothing left to round: pad with zeros. */
	int shown = decimals > 12 ? 12 : decimals;

	uint64_t unit = 1;
	for (int i = shown; i < 12; i++)
		unit *= 10;
	/* Magnitude in unsigned arithmetic, so INT64_MIN has one too. */
	uint64_t mag = pico < 0 ? (uint64_t)0 - (uint64_t)pico : (uint64_t)pico;
	uint64_t q = mag / unit, rem = mag % unit;
	if (rem >= unit - rem) /* rem*2 >= unit without overflow: half rounds away from zero */
		q++;

	uint64_t scale = 1;
	for (int i = 0; i < shown; i++)
		scale *= 10;
	/* No "-0.00": a loss that rounds to nothing is nothing. */
	const char *sign = pico < 0 && q != 0 ? "-" : "";
	if (shown == 0)
		snprintf(buf, bufsz, "%s%" PRIu64, sign, q);
	else
		snprintf(buf, bufsz, "%s%" PRIu64 ".%0*" PRIu64 "%.*s", sign, q / scale, shown,
			 q % scale, decimals - shown, zeros);
}
