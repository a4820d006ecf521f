/*
 * Cache efficiency per day, project or model, and the sessions that cache
 * worst. Responses are read one cache stream at a time (session x model x
 * main/side chain, in time order) because whether a cache write was ever
 * read back depends on the requests after it in that stream.
 */
#include "insights.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "model_id.h"
#include "render.h"

double au_cache_hit_ratio(const au_cache_figs *c)
{
	int64_t prompt = c->tok.input + c->tok.cache_read + au_tokens_cache_create(&c->tok);
	return prompt > 0 ? (double)c->tok.cache_read / (double)prompt : -1;
}

double au_cache_write_read_ratio(const au_cache_figs *c)
{
	return c->tok.cache_read > 0 ? (double)au_tokens_cache_create(&c->tok) / (double)c->tok.cache_read : -1;
}

void au_cache_stream_waste(const int64_t *ts, const int64_t *cache_read, size_t n, int64_t ttl_ms,
			   bool *ret_wasted)
{
	/* Walk backwards remembering the next request that read the cache: a
	 * write is read back when that read comes within its TTL (a read also
	 * refreshes the entry, so only the first one matters). */
	int64_t next_read = INT64_MAX;
	for (size_t i = n; i-- > 0;) {
		ret_wasted[i] = next_read == INT64_MAX || next_read - ts[i] > ttl_ms;
		if (cache_read[i] > 0)
			next_read = ts[i];
	}
}

static void figs_merge(au_cache_figs *a, const au_cache_figs *b)
{
	a->requests += b->requests;
	au_tokens_add(&a->tok, &b->tok);
	a->saved += b->saved;
	a->write_cost += b->write_cost;
	a->waste_5m += b->waste_5m;
	a->waste_1h += b->waste_1h;
	a->waste_cost += b->waste_cost;
	a->unpriced += b->unpriced;
}

void au_cache_figs_add(au_cache_figs *c, const au_model_price *mp, const au_tokens *t, bool wasted_5m,
		       bool wasted_1h)
{
	au_cache_figs one = {.requests = 1, .tok = *t};
	int64_t w5 = wasted_5m ? t->cache_create_5m : 0, w1 = wasted_1h ? t->cache_create_1h : 0;
	one.waste_5m = w5;
	one.waste_1h = w1;
	if (mp) {
		/* the request's own rates: its tier follows from its prompt size,
		 * which moving reads to input would not change */
		const au_rates *r = au_rates_for(mp, t);
		one.saved = au_mul_rate(t->cache_read, r->input - r->cache_read);
		one.write_cost = au_mul_rate(t->cache_create_5m, r->cache_write_5m) +
				 au_mul_rate(t->cache_create_1h, r->cache_write_1h);
		one.waste_cost = au_mul_rate(w5, r->cache_write_5m - r->input) +
				 au_mul_rate(w1, r->cache_write_1h - r->input);
	} else {
		one.unpriced = 1;
	}
	figs_merge(c, &one);
}

/* A buffered response of the current stream. */
typedef struct sreq {
	int64_t ts;
	const char *key;     /* its group: day, project or model (interned) */
	const char *session; /* "source\x1fsession" (interned) */
	const char *project; /* interned */
	const au_model_price *mp;
	au_tokens tok;
} sreq;

typedef struct cache_ctx {
	au_cache *c;
	au_pricing *p;
	GStringChunk *strings;
	GHashTable *groups;   /* key -> au_cache_row* */
	GHashTable *sessions; /* session key -> au_cache_row* */
	GArray *stream;       /* sreq */
	char *stream_id;
	GArray *ts, *reads;   /* int64_t scratch */
	GArray *w5, *w1;      /* bool scratch */
} cache_ctx;

static void row_free(au_cache_row *r)
{
	free(r->key);
	free(r->project);
	free(r);
}

static au_cache_row *row_get(GHashTable *h, GPtrArray *list, const char *key)
{
	au_cache_row *row = g_hash_table_lookup(h, key);
	if (!row) {
		row = xcalloc(1, sizeof(*row));
		row->key = xstrdup(key);
		g_hash_table_insert(h, row->key, row);
		g_ptr_array_add(list, row);
	}
	return row;
}

static void flush_stream(cache_ctx *x, GPtrArray *session_rows)
{
	size_t n = x->stream->len;
	if (n == 0)
		return;
	g_array_set_size(x->ts, n);
	g_array_set_size(x->reads, n);
	g_array_set_size(x->w5, n);
	g_array_set_size(x->w1, n);
	for (size_t i = 0; i < n; i++) {
		sreq *q = &g_array_index(x->stream, sreq, i);
		g_array_index(x->ts, int64_t, i) = q->ts;
		g_array_index(x->reads, int64_t, i) = q->tok.cache_read;
	}
	int64_t *ts = (int64_t *)(void *)x->ts->data, *reads = (int64_t *)(void *)x->reads->data;
	au_cache_stream_waste(ts, reads, n, AU_TTL_5M_MS, (bool *)(void *)x->w5->data);
	au_cache_stream_waste(ts, reads, n, AU_TTL_1H_MS, (bool *)(void *)x->w1->data);
	for (size_t i = 0; i < n; i++) {
		sreq *q = &g_array_index(x->stream, sreq, i);
		bool w5 = g_array_index(x->w5, bool, i), w1 = g_array_index(x->w1, bool, i);
		au_cache_figs one = {0};
		au_cache_figs_add(&one, q->mp, &q->tok, w5, w1);
		figs_merge(&row_get(x->groups, x->c->rows, q->key)->f, &one);
		au_cache_row *srow = row_get(x->sessions, session_rows, q->session);
		figs_merge(&srow->f, &one);
		free(srow->project);
		srow->project = xstrdup(q->project);
		figs_merge(&x->c->total, &one);
	}
	g_array_set_size(x->stream, 0);
}

typedef struct cache_run {
	cache_ctx x;
	GPtrArray *session_rows;
	GHashTable *prices; /* model -> au_model_price* (NULL kept as a miss marker) */
	au_model_ids *ids;  /* --by model groups by the model's one id */
} cache_run;

static const void *const NO_PRICE = &NO_PRICE;

static int cache_one(void *ud, const au_req *r)
{
	cache_run *run = ud;
	cache_ctx *x = &run->x;
	char *sid = g_strdup_printf("%s\x1f%s\x1f%s\x1f%d", r->source, r->session, r->model, r->sidechain);
	if (!x->stream_id || strcmp(sid, x->stream_id) != 0) {
		flush_stream(x, run->session_rows);
		g_free(x->stream_id);
		x->stream_id = sid;
	} else {
		g_free(sid);
	}
	const void *mp = g_hash_table_lookup(run->prices, r->model);
	if (!mp) {
		mp = au_pricing_lookup(x->p, r->model);
		if (!mp) {
			mp = NO_PRICE;
			au_unpriced_note(x->c->unpriced_models, r->model);
		}
		g_hash_table_insert(run->prices, g_string_chunk_insert_const(x->strings, r->model), (void *)mp);
	}
	char day[16];
	const char *key;
	switch (x->c->by) {
	case AU_CACHE_BY_DAY:
		au_format_day(r->day, day);
		key = day;
		break;
	case AU_CACHE_BY_PROJECT:
		key = r->project;
		break;
	default:
		key = au_model_ids_get(run->ids, r->model);
	}
	char *skey = g_strdup_printf("%s\x1f%s", r->source, r->session);
	sreq q = {
		.ts = r->ts,
		.key = g_string_chunk_insert_const(x->strings, key),
		.session = g_string_chunk_insert_const(x->strings, skey),
		.project = g_string_chunk_insert_const(x->strings, r->project),
		.mp = mp == NO_PRICE ? NULL : mp,
		.tok = r->tok,
	};
	g_free(skey);
	g_array_append_val(x->stream, q);
	return 0;
}

static int cmp_groups(gconstpointer a, gconstpointer b)
{
	const au_cache_row *x = *(au_cache_row *const *)a, *y = *(au_cache_row *const *)b;
	if (x->f.saved != y->f.saved)
		return x->f.saved > y->f.saved ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int cmp_days(gconstpointer a, gconstpointer b)
{
	return strcmp((*(au_cache_row *const *)a)->key, (*(au_cache_row *const *)b)->key);
}

static int cmp_worst(gconstpointer a, gconstpointer b)
{
	const au_cache_row *x = *(au_cache_row *const *)a, *y = *(au_cache_row *const *)b;
	double hx = au_cache_hit_ratio(&x->f), hy = au_cache_hit_ratio(&y->f);
	if (hx != hy)
		return hx < hy ? -1 : 1;
	int64_t px = x->f.tok.input + x->f.tok.cache_read + au_tokens_cache_create(&x->f.tok);
	int64_t py = y->f.tok.input + y->f.tok.cache_read + au_tokens_cache_create(&y->f.tok);
	if (px != py)
		return px > py ? -1 : 1;
	return strcmp(x->key, y->key);
}

int au_cache_build(au_store *s, au_pricing *p, const au_filter *f, au_cache_by by, au_cache **ret, au_err *err)
{
	au_cache *c = xcalloc(1, sizeof(*c));
	c->by = by;
	c->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	c->worst = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	c->unpriced_models = g_ptr_array_new_with_free_func(free);
	cache_run run = {
		.x = {
			.c = c,
			.p = p,
			.strings = g_string_chunk_new(4096),
			.groups = g_hash_table_new(g_str_hash, g_str_equal),
			.sessions = g_hash_table_new(g_str_hash, g_str_equal),
			.stream = g_array_new(FALSE, FALSE, sizeof(sreq)),
			.ts = g_array_new(FALSE, FALSE, sizeof(int64_t)),
			.reads = g_array_new(FALSE, FALSE, sizeof(int64_t)),
			.w5 = g_array_new(FALSE, FALSE, sizeof(bool)),
			.w1 = g_array_new(FALSE, FALSE, sizeof(bool)),
		},
		.session_rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free),
		.prices = g_hash_table_new(g_str_hash, g_str_equal),
		.ids = au_model_ids_new(),
	};
	int r = au_req_each(s, f, AU_REQ_BY_STREAM, cache_one, &run, err);
	if (r == 0)
		flush_stream(&run.x, run.session_rows);
	g_free(run.x.stream_id);
	g_string_chunk_free(run.x.strings);
	g_hash_table_destroy(run.x.groups);
	g_hash_table_destroy(run.x.sessions);
	g_hash_table_destroy(run.prices);
	au_model_ids_free(run.ids);
	g_array_free(run.x.stream, TRUE);
	g_array_free(run.x.ts, TRUE);
	g_array_free(run.x.reads, TRUE);
	g_array_free(run.x.w5, TRUE);
	g_array_free(run.x.w1, TRUE);
	if (r < 0) {
		g_ptr_array_free(run.session_rows, TRUE);
		au_cache_free(c);
		return r;
	}
	g_ptr_array_sort(c->rows, by == AU_CACHE_BY_DAY ? cmp_days : cmp_groups);
	/* the five sessions that cache worst, among those with any prompt */
	g_ptr_array_sort(run.session_rows, cmp_worst);
	for (guint i = 0; i < run.session_rows->len && c->worst->len < 5; i++) {
		au_cache_row *row = run.session_rows->pdata[i];
		if (au_cache_hit_ratio(&row->f) < 0)
			continue;
		run.session_rows->pdata[i] = NULL;
		char *sep = strchr(row->key, '\x1f');
		if (sep)
			memmove(row->key, sep + 1, strlen(sep + 1) + 1);
		g_ptr_array_add(c->worst, row);
	}
	g_ptr_array_set_free_func(run.session_rows, NULL);
	for (guint i = 0; i < run.session_rows->len; i++)
		if (run.session_rows->pdata[i])
			row_free(run.session_rows->pdata[i]);
	g_ptr_array_free(run.session_rows, TRUE);
	*ret = c;
	return 0;
}

void au_cache_free(au_cache *c)
{
	if (!c)
		return;
	g_ptr_array_free(c->rows, TRUE);
	g_ptr_array_free(c->worst, TRUE);
	g_ptr_array_free(c->unpriced_models, TRUE);
	free(c);
}

/* a ratio that is negative has no meaning (nothing to divide): null */
static void json_ratio(au_jw *w, const char *name, double v)
{
	au_jw_key(w, name);
	if (v < 0)
		au_jw_null(w);
	else
		au_jw_fixed(w, v, 6);
}

void au_cache_figs_json(au_jw *w, const au_cache_figs *c)
{
	au_jw_kint(w, "requests", c->requests);
	au_jw_kint(w, "inputTokens", c->tok.input);
	au_jw_kint(w, "cacheCreationTokens", au_tokens_cache_create(&c->tok));
	au_jw_kint(w, "cacheCreation5mTokens", c->tok.cache_create_5m);
	au_jw_kint(w, "cacheCreation1hTokens", c->tok.cache_create_1h);
	au_jw_kint(w, "cacheReadTokens", c->tok.cache_read);
	json_ratio(w, "hitRatio", au_cache_hit_ratio(c));
	au_jw_kmoney(w, "savedByReads", c->saved);
	au_jw_kmoney(w, "cacheWriteCost", c->write_cost);
	json_ratio(w, "writeToReadRatio", au_cache_write_read_ratio(c));
	au_jw_kint(w, "unreadWrite5mTokens", c->waste_5m);
	au_jw_kint(w, "unreadWrite1hTokens", c->waste_1h);
	au_jw_kmoney(w, "wasteCost", c->waste_cost);
	if (c->unpriced)
		au_jw_kint(w, "unpricedResponses", c->unpriced);
}
