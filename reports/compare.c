/*
 * compare and `models --details`: every selected response priced again as
 * another model, with au_cost_pico on the same au_tokens, so a target's
 * long-context tier applies per request exactly as it would have. Sums are
 * pico-dollars.
 */
#include "insights.h"
#include "model_id.h"

#include <stdlib.h>
#include <string.h>

static void tokens_add(au_tokens *a, const au_tokens *b)
{
	a->input += b->input;
	a->cache_create_5m += b->cache_create_5m;
	a->cache_create_1h += b->cache_create_1h;
	a->cache_read += b->cache_read;
	a->output += b->output;
	a->reasoning += b->reasoning;
}

static void row_init(au_compare_row *r, int ntargets)
{
	memset(r, 0, sizeof(*r));
	r->whatif = xcalloc((size_t)ntargets + 1, sizeof(int64_t));
	r->whatif_priced = xcalloc((size_t)ntargets + 1, sizeof(int64_t));
}

static void row_release(au_compare_row *r)
{
	free(r->model);
	free(r->whatif);
	free(r->whatif_priced);
}

static void row_free(au_compare_row *r)
{
	row_release(r);
	free(r);
}

void au_compare_add(au_compare_row *row, int ntargets, const au_model_price *const *targets,
		    const au_tokens *tok, int64_t cost)
{
	row->requests++;
	tokens_add(&row->tok, tok);
	bool priced = cost != AU_COST_UNPRICED;
	if (priced)
		row->actual += cost;
	else
		row->unpriced++;
	for (int k = 0; k < ntargets; k++) {
		int64_t c = au_cost_pico(targets[k], tok);
		row->whatif[k] += c;
		if (priced)
			row->whatif_priced[k] += c;
	}
}

typedef struct compare_ctx {
	au_compare *c;
	GHashTable *by_model; /* model id -> au_compare_row* */
	au_model_ids *ids;
} compare_ctx;

static int compare_one(void *ud, const au_req *r)
{
	compare_ctx *x = ud;
	/* one row per model, however each tool spells it (model_id.h) */
	const char *model = au_model_ids_get(x->ids, r->model);
	au_compare_row *row = g_hash_table_lookup(x->by_model, model);
	if (!row) {
		row = xmalloc(sizeof(*row));
		row_init(row, x->c->ntargets);
		row->model = xstrdup(model);
		g_ptr_array_add(x->c->rows, row);
		g_hash_table_insert(x->by_model, row->model, row);
	}
	au_compare_add(row, x->c->ntargets, x->c->price, &r->tok, r->cost);
	return 0;
}

static int cmp_rows(gconstpointer a, gconstpointer b)
{
	const au_compare_row *x = *(au_compare_row *const *)a, *y = *(au_compare_row *const *)b;
	if (x->actual != y->actual)
		return x->actual > y->actual ? -1 : 1;
	return strcmp(x->model, y->model);
}

int au_compare_build(au_store *s, const au_filter *f, const au_model_price *const *targets,
		     char *const *names, int ntargets, au_compare **ret, au_err *err)
{
	au_compare *c = xcalloc(1, sizeof(*c));
	c->ntargets = ntargets;
	c->target = xcalloc((size_t)ntargets + 1, sizeof(char *));
	c->price = xcalloc((size_t)ntargets + 1, sizeof(*c->price));
	for (int k = 0; k < ntargets; k++) {
		c->target[k] = xstrdup(names[k]);
		c->price[k] = targets[k];
	}
	c->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	row_init(&c->total, ntargets);
	compare_ctx x = {c, g_hash_table_new(g_str_hash, g_str_equal), au_model_ids_new()};
	int r = au_req_each(s, f, AU_REQ_BY_TIME, compare_one, &x, err);
	g_hash_table_destroy(x.by_model);
	au_model_ids_free(x.ids);
	if (r < 0) {
		au_compare_free(c);
		return r;
	}
	g_ptr_array_sort(c->rows, cmp_rows);
	/* The total compares like with like: only requests with an actual price. */
	for (guint i = 0; i < c->rows->len; i++) {
		au_compare_row *row = c->rows->pdata[i];
		c->total.requests += row->requests;
		tokens_add(&c->total.tok, &row->tok);
		c->total.actual += row->actual;
		c->total.unpriced += row->unpriced;
		for (int k = 0; k < ntargets; k++) {
			c->total.whatif[k] += row->whatif_priced[k];
			c->total.whatif_priced[k] += row->whatif_priced[k];
		}
	}
	*ret = c;
	return 0;
}

void au_compare_free(au_compare *c)
{
	if (!c)
		return;
	for (int k = 0; k < c->ntargets; k++)
		free(c->target[k]);
	free(c->target);
	free(c->price);
	if (c->rows)
		g_ptr_array_free(c->rows, TRUE);
	row_release(&c->total);
	free(c);
}

/* ---- models --details ------------------------------------------------------ */

static void detail_free(au_model_detail *d)
{
	free(d->model);
	free(d->cand);
	free(d->cand_cost);
	free(d->cand_price);
	free(d);
}

typedef struct models_ctx {
	au_models *m;
	au_pricing *p;
	GHashTable *by_model; /* model id -> au_model_detail* */
	au_model_ids *ids;
} models_ctx;

static int models_one(void *ud, const au_req *r)
{
	models_ctx *x = ud;
	/* the rows of the models report: one per model id (model_id.h) */
	const char *model = au_model_ids_get(x->ids, r->model);
	au_model_detail *d = g_hash_table_lookup(x->by_model, model);
	if (!d) {
		d = xcalloc(1, sizeof(*d));
		d->model = xstrdup(model);
		const au_model_price *mp = au_pricing_lookup(x->p, r->model);
		const char *const *fam = au_family_candidates(mp ? mp->name : r->model);
		for (; fam && fam[d->ncand]; d->ncand++)
			;
		d->cand = xcalloc((size_t)d->ncand + 1, sizeof(char *));
		d->cand_cost = xcalloc((size_t)d->ncand + 1, sizeof(int64_t));
		d->cand_price = xcalloc((size_t)d->ncand + 1, sizeof(*d->cand_price));
		for (int64_t i = 0; i < d->ncand; i++) {
			d->cand[i] = fam[i];
			d->cand_price[i] = au_pricing_lookup(x->p, fam[i]);
		}
		g_ptr_array_add(x->m->rows, d);
		g_hash_table_insert(x->by_model, d->model, d);
	}
	au_source src = au_source_by_name(r->source);
	if (src != AU_SRC_NONE)
		d->sources |= 1u << src;
	d->requests++;
	tokens_add(&d->tok, &r->tok);
	if (r->cost == AU_COST_UNPRICED) {
		d->unpriced++;
		return 0;
	}
	d->cost += r->cost;
	for (int64_t i = 0; i < d->ncand; i++)
		if (d->cand_price[i])
			d->cand_cost[i] += au_cost_pico(d->cand_price[i], &r->tok);
	return 0;
}

static int cmp_details(gconstpointer a, gconstpointer b)
{
	const au_model_detail *x = *(au_model_detail *const *)a, *y = *(au_model_detail *const *)b;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return strcmp(x->model, y->model);
}

int au_models_build(au_store *s, au_pricing *p, const au_filter *f, au_models **ret, au_err *err)
{
	au_models *m = xcalloc(1, sizeof(*m));
	m->rows = g_ptr_array_new_with_free_func((GDestroyNotify)detail_free);
	models_ctx x = {m, p, g_hash_table_new(g_str_hash, g_str_equal), au_model_ids_new()};
	int r = au_req_each(s, f, AU_REQ_BY_TIME, models_one, &x, err);
	g_hash_table_destroy(x.by_model);
	au_model_ids_free(x.ids);
	if (r < 0) {
		au_models_free(m);
		return r;
	}
	g_ptr_array_sort(m->rows, cmp_details);
	for (guint i = 0; i < m->rows->len; i++) {
		au_model_detail *d = m->rows->pdata[i];
		m->requests += d->requests;
		m->tokens += au_tokens_total(&d->tok);
		m->cost += d->cost;
		m->unpriced += d->unpriced;
		/* the cheapest candidate that is not the model itself and costs less;
		 * an unpriced model has no actual cost to save on */
		const au_model_price *own = au_pricing_lookup(p, d->model);
		for (int64_t k = 0; own && k < d->ncand; k++) {
			/* the model itself (or a dated alias of it) never costs less */
			const au_model_price *cp = d->cand_price[k];
			if (!cp || cp == own)
				continue;
			if (d->cand_cost[k] < d->cost && (!d->alt.model || d->cand_cost[k] < d->alt.cost)) {
				d->alt.model = d->cand[k];
				d->alt.cost = d->cand_cost[k];
				d->alt.saves = d->cost - d->cand_cost[k];
			}
		}
	}
	*ret = m;
	return 0;
}

void au_models_free(au_models *m)
{
	if (!m)
		return;
	g_ptr_array_free(m->rows, TRUE);
	free(m);
}
