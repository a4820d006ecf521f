/*
 * Claude's 5-hour usage windows: a block starts at its first request
 * floored to the hour (UTC) and ends 5 hours later; the first request at or
 * after that end starts the next block (so a gap of more than 5 hours
 * always does). The block holding "now" is active: its burn rate runs from
 * its first request to now, and its projection extends that rate to the
 * block's end.
 */
#include "insights.h"

#include <stdlib.h>
#include <string.h>

#define HOUR_MS INT64_C(3600000)

au_blocks *au_blocks_new(int64_t now_ms)
{
	au_blocks *b = xcalloc(1, sizeof(*b));
	b->blocks = g_ptr_array_new();
	b->now = now_ms;
	b->unpriced_models = g_ptr_array_new_with_free_func(free);
	return b;
}

static void block_free(au_block *k)
{
	g_ptr_array_free(k->models, TRUE);
	free(k);
}

void au_blocks_free(au_blocks *b)
{
	if (!b)
		return;
	for (guint i = 0; i < b->blocks->len; i++)
		block_free(b->blocks->pdata[i]);
	g_ptr_array_free(b->blocks, TRUE);
	g_ptr_array_free(b->unpriced_models, TRUE);
	free(b);
}

static int64_t floor_hour(int64_t ms)
{
	int64_t q = ms / HOUR_MS;
	if (ms % HOUR_MS != 0 && ms < 0)
		q--;
	return q * HOUR_MS;
}

void au_blocks_add(au_blocks *b, int64_t ts, const char *model, const au_tokens *t, int64_t cost)
{
	au_block *k = b->blocks->len ? b->blocks->pdata[b->blocks->len - 1] : NULL;
	if (!k || ts >= k->end) {
		k = xcalloc(1, sizeof(*k));
		k->start = floor_hour(ts);
		k->end = k->start + AU_BLOCK_MS;
		k->first_ts = ts;
		k->models = g_ptr_array_new_with_free_func(free);
		g_ptr_array_add(b->blocks, k);
	}
	k->last_ts = ts;
	k->requests++;
	k->tok.input += t->input;
	k->tok.cache_create_5m += t->cache_create_5m;
	k->tok.cache_create_1h += t->cache_create_1h;
	k->tok.cache_read += t->cache_read;
	k->tok.output += t->output;
	k->tok.reasoning += t->reasoning;
	if (cost == AU_COST_UNPRICED) {
		k->unpriced++;
		au_unpriced_note(b->unpriced_models, model);
	}
	else
		k->cost += cost;
	for (guint i = 0; i < k->models->len; i++)
		if (strcmp(k->models->pdata[i], model) == 0)
			return;
	g_ptr_array_add(k->models, xstrdup(model));
}

void au_blocks_add_sum(au_blocks *b, const au_block_sum *x)
{
	au_block *k = b->blocks->len ? b->blocks->pdata[b->blocks->len - 1] : NULL;
	/* a block's end is on the hour: every request of x's quarter hour
	 * falls on the same side of it as x's first one */
	if (!k || x->first_ts >= k->end) {
		k = xcalloc(1, sizeof(*k));
		k->start = floor_hour(x->first_ts);
		k->end = k->start + AU_BLOCK_MS;
		k->first_ts = x->first_ts;
		k->last_ts = x->last_ts;
		k->models = g_ptr_array_new_with_free_func(free);
		g_ptr_array_add(b->blocks, k);
	}
	if (x->first_ts < k->first_ts)
		k->first_ts = x->first_ts;
	if (x->last_ts > k->last_ts)
		k->last_ts = x->last_ts;
	k->requests += x->requests;
	au_tokens_add(&k->tok, &x->tok);
	k->cost += x->cost;
	k->unpriced += x->unpriced;
	if (x->unpriced)
		au_unpriced_note(b->unpriced_models, x->model);
	for (guint i = 0; i < k->models->len; i++)
		if (strcmp(k->models->pdata[i], x->model) == 0)
			return;
	g_ptr_array_add(k->models, xstrdup(x->model));
}

void au_blocks_finish(au_blocks *b)
{
	if (!b->blocks->len)
		return;
	au_block *k = b->blocks->pdata[b->blocks->len - 1];
	if (b->now < k->start || b->now >= k->end)
		return;
	k->active = true;
	/* at least a minute, so a block that just began has a finite rate */
	int64_t elapsed = b->now - k->first_ts;
	if (elapsed < 60000)
		elapsed = 60000;
	int64_t tokens = au_tokens_total(&k->tok);
	int64_t left = k->end - b->now;
	k->burn_tokens_per_min = au_muldiv(tokens, 60000, elapsed);
	k->burn_cost_per_hour = au_muldiv(k->cost, HOUR_MS, elapsed);
	k->projected_tokens = tokens + au_muldiv(tokens, left, elapsed);
	k->projected_cost = k->cost + au_muldiv(k->cost, left, elapsed);
}

static int blocks_one(void *ud, const au_req *r)
{
	au_blocks_add(ud, r->ts, r->model, &r->tok, r->cost);
	return 0;
}

int au_blocks_build(au_store *s, const au_filter *f, int64_t now_ms, au_blocks **ret, au_err *err)
{
	au_blocks *b = au_blocks_new(now_ms);
	int r = au_req_each(s, f, AU_REQ_BY_TIME, blocks_one, b, err);
	if (r < 0) {
		au_blocks_free(b);
		return r;
	}
	au_blocks_finish(b);
	*ret = b;
	return 0;
}
