/*
 * `aiusage cloud`'s report (see cloud_report.h): one pass over the billed
 * sums and one over the local aggregate, both per UTC day, joined in a hash
 * of (day, provider); then the renderers. A day's daily buckets win over
 * its hourly ones, which the providers send for the day still running.
 */
#include "cloud_report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "pricing.h"
#include "render.h"

#define DAY_MS INT64_C(86400000)

/* What the two passes gather per (day, provider), before the daily/hourly choice. */
typedef struct acc {
	int64_t day;
	size_t p; /* index into the providers */
	int64_t tok[2][5]; /* [daily, hourly][input, output, cache_read, cache_write, requests] */
	int64_t cost[2], ncost[2];
	bool cloud, local;
	int64_t ltokens, lcost, lunpriced, lresponses;
} acc;

static const au_cloud_report_provider *provider_named(const au_cloud_report_opts *o, const char *name, size_t *ret_i)
{
	for (size_t i = 0; name && i < o->n_providers; i++)
		if (strcmp(o->providers[i].name, name) == 0) {
			*ret_i = i;
			return &o->providers[i];
		}
	return NULL;
}

static const au_cloud_report_provider *provider_billing(const au_cloud_report_opts *o, const char *source,
						       size_t *ret_i)
{
	for (size_t i = 0; source && i < o->n_providers; i++)
		if (o->providers[i].local_source && strcmp(o->providers[i].local_source, source) == 0) {
			*ret_i = i;
			return &o->providers[i];
		}
	return NULL;
}

static acc *find_acc(GArray *rows, GHashTable *idx, int64_t day, size_t p)
{
	char k[64];
	snprintf(k, sizeof(k), "%" PRId64 "/%zu", day, p);
	gpointer v;
	if (g_hash_table_lookup_extended(idx, k, NULL, &v))
		return &g_array_index(rows, acc, GPOINTER_TO_UINT(v));
	acc a = {.day = day, .p = p};
	g_array_append_val(rows, a);
	g_hash_table_insert(idx, xstrdup(k), GUINT_TO_POINTER(rows->len - 1));
	return &g_array_index(rows, acc, rows->len - 1);
}

static int cmp_acc(const void *a, const void *b)
{
	const acc *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

/* The billed figures of a day: its daily buckets, or the hourly ones when
 * it has no daily tokens (the day still running). */
static void finish(const au_cloud_report_opts *o, const acc *a, au_cloud_day *d)
{
	*d = (au_cloud_day){.day = a->day, .p = &o->providers[a->p], .cloud = a->cloud, .local = a->local,
			    .ltokens = a->ltokens, .lcost = a->lcost, .lunpriced = a->lunpriced,
			    .lresponses = a->lresponses};
	int64_t daily = 0;
	for (int k = 0; k < 4; k++)
		daily += a->tok[0][k];
	int t = daily > 0 || a->tok[0][4] > 0 ? 0 : 1;
	d->in = a->tok[t][0];
	d->out = a->tok[t][1];
	d->cache_read = a->tok[t][2];
	d->cache_write = a->tok[t][3];
	d->requests = a->tok[t][4];
	d->tokens = d->in + d->out + d->cache_read + d->cache_write;
	int c = a->ncost[0] > 0 ? 0 : a->ncost[1] > 0 ? 1 : -1;
	if (c >= 0) {
		d->cost_known = true;
		d->cost = a->cost[c];
	}
}

static void balance_row_free(au_cloud_balance_row *b)
{
	free(b->provider);
	free(b);
}

void au_cloud_report_free(au_cloud_report *r)
{
	if (!r)
		return;
	g_array_free(r->days, TRUE);
	g_ptr_array_free(r->balances, TRUE);
	free(r);
}

static int read_billed(au_store *s, const au_cloud_report_opts *o, int64_t since, int64_t until, GArray *rows,
		       GHashTable *idx, bool *seen, au_err *err)
{
	au_store_iter *it;
	int r = au_store_billed_sum_iter(s, since, until, &it, err);
	if (r < 0)
		return r;
	au_billed_sum b;
	while ((r = au_store_billed_sum_next(it, &b, err)) > 0) {
		size_t pi;
		const au_cloud_report_provider *p = provider_named(o, b.provider, &pi);
		if (!p || (o->provider && strcmp(o->provider, p->name) != 0))
			continue;
		seen[pi] = true;
		acc *a = find_acc(rows, idx, b.day, pi);
		int h = b.hourly;
		a->tok[h][0] = b.input;
		a->tok[h][1] = b.output;
		a->tok[h][2] = b.cache_read;
		a->tok[h][3] = b.cache_write;
		a->tok[h][4] = b.requests;
		a->cost[h] = b.cost;
		a->ncost[h] = b.n_costed;
		a->cloud = true;
	}
	au_store_iter_free(it);
	return r;
}

static int read_local(au_store *s, const au_cloud_report_opts *o, int64_t since, int64_t until, GArray *rows,
		      GHashTable *idx, const bool *seen, au_err *err)
{
	au_store_iter *it;
	int r = au_store_local_day_iter(s, since, until, &it, err);
	if (r < 0)
		return r;
	au_local_day l;
	while ((r = au_store_local_day_next(it, &l, err)) > 0) {
		size_t pi;
		const au_cloud_report_provider *p = provider_billing(o, l.source, &pi);
		if (!p || (o->provider && strcmp(o->provider, p->name) != 0))
			continue;
		/* only providers the user bills through: configured, or with data */
		if (!seen[pi] && !p->configured)
			continue;
		acc *a = find_acc(rows, idx, l.day, pi);
		a->local = true;
		a->ltokens = l.tokens;
		a->lcost = l.cost;
		a->lunpriced = l.unpriced;
		a->lresponses = l.responses;
	}
	au_store_iter_free(it);
	return r;
}

static int read_balances(au_store *s, const char *provider, GPtrArray *out, au_err *err)
{
	au_store_iter *it;
	int r = au_store_balance_iter(s, provider, &it, err);
	if (r < 0)
		return r;
	au_balance_row b;
	while ((r = au_store_balance_next(it, &b, err)) > 0) {
		au_cloud_balance_row *row = xcalloc(1, sizeof(*row));
		row->provider = xstrdup(b.provider ? b.provider : "");
		row->fetched_at = b.fetched_at;
		row->b = b.b;
		g_ptr_array_add(out, row);
	}
	au_store_iter_free(it);
	return r;
}

int au_cloud_report_build(au_store *s, const au_cloud_report_opts *o, au_cloud_report **ret, au_err *err)
{
	int64_t until = o->until_day, since = o->since_day;
	if (since == INT64_MIN) {
		/* from the first day any billing data was stored for */
		int64_t first_ms;
		since = until;
		if (au_store_billed_first(s, o->provider, &first_ms, NULL) == 0 && first_ms / DAY_MS < since)
			since = first_ms / DAY_MS;
	}
	au_cloud_report *r = xcalloc(1, sizeof(*r));
	r->since_day = since;
	r->until_day = until;
	r->days = g_array_new(FALSE, TRUE, sizeof(au_cloud_day));
	r->balances = g_ptr_array_new_with_free_func((GDestroyNotify)balance_row_free);

	GArray *rows = g_array_new(FALSE, TRUE, sizeof(acc));
	GHashTable *idx = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	bool *seen = xcalloc(o->n_providers + 1, sizeof(bool)); /* providers with billing data in range */
	int res;
	if ((res = read_billed(s, o, since, until, rows, idx, seen, err)) == 0 &&
	    (res = read_local(s, o, since, until, rows, idx, seen, err)) == 0)
		res = read_balances(s, o->provider, r->balances, err);
	g_array_sort(rows, cmp_acc);
	for (guint i = 0; i < rows->len; i++) {
		au_cloud_day d;
		finish(o, &g_array_index(rows, acc, i), &d);
		r->local += d.lcost;
		r->unpriced += d.lunpriced;
		if (d.cost_known) {
			r->billed += d.cost;
			r->gap += d.cost - d.lcost;
			r->any_billed = true;
		}
		g_array_append_val(r->days, d);
	}
	free(seen);
	g_hash_table_destroy(idx);
	g_array_free(rows, TRUE);
	if (res < 0) {
		au_cloud_report_free(r);
		r = NULL;
	}
	*ret = r;
	return res;
}

/* ---- renderers ---- */

static void day_str(int64_t day, char *buf, size_t n)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

static void time_str(int64_t ms, char *buf, size_t n, bool iso)
{
	int64_t day = au_floor_div(ms, DAY_MS);
	int64_t rem = ms - day * DAY_MS;
	char d[16];
	day_str(day, d, sizeof(d));
	if (iso)
		snprintf(buf, n, "%sT%02d:%02d:%02dZ", d, (int)(rem / 3600000), (int)(rem / 60000 % 60),
			 (int)(rem / 1000 % 60));
	else
		snprintf(buf, n, "%s %02d:%02d UTC", d, (int)(rem / 3600000), (int)(rem / 60000 % 60));
}

static char *dash(void)
{
	return xstrdup("—");
}

void au_cloud_report_table(FILE *f, const au_cloud_report *r)
{
	if (r->days->len == 0) {
		char a[16], b[16];
		day_str(r->since_day, a, sizeof(a));
		day_str(r->until_day, b, sizeof(b));
		fprintf(f,
			"No billing data stored for %s..%s. 'aiusage cloud sync' fetches it from each\n"
			"configured provider; 'aiusage cloud check' tells whether its key works.\n",
			a, b);
	} else {
		static const au_tcol cols[] = {
			{.header = "Date"},
			{.header = "Provider"},
			{.header = "Billed Tokens", .right = true},
			{.header = "Billed Cost", .right = true},
			{.header = "Local Tokens", .right = true},
			{.header = "Local Cost", .right = true},
			{.header = "Gap", .right = true},
		};
		au_table *t = au_table_new(cols, (int)G_N_ELEMENTS(cols));
		/* the widths the table has always had on a day of small figures */
		au_table_min_width(t, 0, 10);
		au_table_min_width(t, 6, 8);
		for (guint i = 0; i < r->days->len; i++) {
			const au_cloud_day *d = &g_array_index(r->days, au_cloud_day, i);
			char date[16];
			day_str(d->day, date, sizeof(date));
			bool local = d->p->local_source != NULL;
			char *lcost = local ? au_cell_usd(d->lcost, false) : dash();
			if (d->lunpriced) {
				char *marked = xasprintf("%s*", lcost);
				free(lcost);
				lcost = marked;
			}
			au_table_addv(t, AU_TROW_NORMAL, xstrdup(date), xstrdup(d->p->name),
				      d->tokens > 0 ? au_cell_int(d->tokens) : dash(),
				      d->cost_known ? au_cell_usd(d->cost, false) : dash(),
				      local ? au_cell_int(d->ltokens) : dash(), lcost,
				      d->cost_known && local ? au_cell_usd(d->cost - d->lcost, false) : dash());
		}
		au_table_addv(t, AU_TROW_TOTAL, xstrdup("Total"), NULL, NULL,
			      r->any_billed ? au_cell_usd(r->billed, false) : NULL, NULL, au_cell_usd(r->local, false),
			      r->any_billed ? au_cell_usd(r->gap, false) : NULL);
		au_table_print(f, t, false, 0);
		au_table_free(t);
		fprintf(f, "Billed: what the provider's API reported at the last sync (UTC days; the latest\n"
			   "days may still settle). Local: this machine's logs, priced with the embedded table.\n"
			   "Gap: billed - local, usage the logs here do not explain (other machines, other apps).\n");
		if (r->unpriced)
			fprintf(f, "* includes %" PRId64 " response(s) of a model with no known price (counted as $0 here)\n",
				r->unpriced);
	}
	for (guint i = 0; i < r->balances->len; i++) {
		const au_cloud_balance_row *b = r->balances->pdata[i];
		char when[40];
		time_str(b->fetched_at, when, sizeof(when), false);
		if (i == 0)
			fprintf(f, "\nBalances:\n");
		fprintf(f, "  %-10s", b->provider);
		const struct {
			bool has;
			const char *what;
			int64_t v;
		} v[] = {{b->b.has_balance, "balance", b->b.balance},
			 {b->b.has_used, "used", b->b.used},
			 {b->b.has_limit, "limit", b->b.limit}};
		for (size_t k = 0; k < G_N_ELEMENTS(v); k++)
			if (v[k].has) {
				char *c = au_cell_usd(v[k].v, false);
				fprintf(f, "  %s %s", v[k].what, c);
				free(c);
			}
		fprintf(f, "  (as of %s)\n", when);
	}
}

static void json_money_or_null(au_jw *w, const char *key, bool known, int64_t pico)
{
	au_jw_key(w, key);
	if (known)
		au_jw_money(w, pico);
	else
		au_jw_null(w);
}

void au_cloud_report_json(FILE *f, const au_cloud_report *r)
{
	au_jw jw;
	au_jw_init_file(&jw, f);
	au_jw_obj_begin(&jw);
	au_jw_key(&jw, "cloud");
	au_jw_arr_begin(&jw);
	for (guint i = 0; i < r->days->len; i++) {
		const au_cloud_day *d = &g_array_index(r->days, au_cloud_day, i);
		char date[16];
		day_str(d->day, date, sizeof(date));
		au_jw_newline(&jw);
		au_jw_obj_begin(&jw);
		au_jw_kstr(&jw, "date", date);
		au_jw_kstr(&jw, "provider", d->p->name);
		au_jw_key(&jw, "billed");
		au_jw_obj_begin(&jw);
		au_jw_kint(&jw, "inputTokens", d->in);
		au_jw_kint(&jw, "outputTokens", d->out);
		au_jw_kint(&jw, "cacheReadTokens", d->cache_read);
		au_jw_kint(&jw, "cacheWriteTokens", d->cache_write);
		au_jw_kint(&jw, "requests", d->requests);
		au_jw_kint(&jw, "totalTokens", d->tokens);
		json_money_or_null(&jw, "cost", d->cost_known, d->cost);
		au_jw_obj_end(&jw);
		au_jw_key(&jw, "local");
		au_jw_obj_begin(&jw);
		au_jw_kint(&jw, "totalTokens", d->ltokens);
		au_jw_kmoney(&jw, "cost", d->lcost);
		au_jw_kint(&jw, "responses", d->lresponses);
		au_jw_kint(&jw, "unpricedResponses", d->lunpriced);
		au_jw_obj_end(&jw);
		json_money_or_null(&jw, "gap", d->cost_known, d->cost - d->lcost);
		au_jw_obj_end(&jw);
	}
	au_jw_arr_end(&jw);
	au_jw_newline(&jw);
	au_jw_key(&jw, "totals");
	au_jw_obj_begin(&jw);
	json_money_or_null(&jw, "billedCost", r->any_billed, r->billed);
	au_jw_kmoney(&jw, "localCost", r->local);
	json_money_or_null(&jw, "gap", r->any_billed, r->gap);
	au_jw_obj_end(&jw);
	au_jw_newline(&jw);
	au_jw_key(&jw, "balances");
	au_jw_arr_begin(&jw);
	for (guint i = 0; i < r->balances->len; i++) {
		const au_cloud_balance_row *b = r->balances->pdata[i];
		char when[40];
		time_str(b->fetched_at, when, sizeof(when), true);
		au_jw_newline(&jw);
		au_jw_obj_begin(&jw);
		au_jw_kstr(&jw, "provider", b->provider);
		au_jw_kstr(&jw, "fetchedAt", when);
		json_money_or_null(&jw, "balance", b->b.has_balance, b->b.balance);
		json_money_or_null(&jw, "used", b->b.has_used, b->b.used);
		json_money_or_null(&jw, "limit", b->b.has_limit, b->b.limit);
		au_jw_obj_end(&jw);
	}
	au_jw_arr_end(&jw);
	au_jw_obj_end(&jw);
	au_jw_newline(&jw);
	au_jw_finish(&jw);
}

static void csv_cost(FILE *f, bool known, int64_t pico)
{
	char b[48];
	if (known && au_format_decimal(pico, 12, b, sizeof(b)) > 0)
		fputs(b, f); /* the same exact decimal as JSON */
}

void au_cloud_report_csv(FILE *f, const au_cloud_report *r)
{
	/* camelCase, as every other CSV: the JSON's names, flattened */
	fputs("date,provider,billedInputTokens,billedOutputTokens,billedCacheReadTokens,billedCacheWriteTokens,"
	      "billedRequests,billedTotalTokens,billedCostUSD,localTotalTokens,localCostUSD,gapUSD\n",
	      f);
	for (guint i = 0; i < r->days->len; i++) {
		const au_cloud_day *d = &g_array_index(r->days, au_cloud_day, i);
		char date[16];
		day_str(d->day, date, sizeof(date));
		fprintf(f, "%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", date,
			d->p->name, d->in, d->out, d->cache_read, d->cache_write, d->requests, d->tokens);
		csv_cost(f, d->cost_known, d->cost);
		fprintf(f, ",%" PRId64 ",", d->ltokens);
		csv_cost(f, true, d->lcost);
		fputc(',', f);
		csv_cost(f, d->cost_known, d->cost - d->lcost);
		fputc('\n', f);
	}
}
