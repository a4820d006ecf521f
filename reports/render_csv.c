/*
 * CSV (RFC 4180 quoting): one line per period/group, or with --breakdown
 * one line per (group, model). Costs are exact decimals.
 */
#include <inttypes.h>
#include <string.h>

#include "pricing.h"
#include "report.h"

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

static void csv_numbers(FILE *f, const au_totals *t)
{
	char cost[64];
	au_format_usd(t->cost, 6, cost, sizeof(cost));
	fprintf(f, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%" PRId64,
		t->tok.input, t->tok.output, au_tokens_cache_create(&t->tok), t->tok.cache_read,
		t->tok.reasoning, au_tokens_total(&t->tok), cost, t->unpriced);
}

/* Ends a line; --with-cloud adds billedUSD and gapUSD (empty where nothing
 * was billed, and on per-model lines: billing has no model breakdown here). */
static void csv_end(FILE *f, const au_report *r, bool has, int64_t billed, int64_t cost)
{
	if (r->with_cloud) {
		char b[64], g[64];
		au_format_usd(billed, 6, b, sizeof(b));
		au_format_usd(billed - cost, 6, g, sizeof(g));
		fprintf(f, ",%s,%s", has ? b : "", has ? g : "");
	}
	fputc('\n', f);
}

void au_render_csv(FILE *f, const au_report *r, const au_render_opts *o)
{
	fprintf(f, "%s,model,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,"
		   "reasoningTokens,totalTokens,costUSD,unpricedResponses%s\n",
		au_group_keyname(r->group), r->with_cloud ? ",billedUSD,gapUSD" : "");
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		if (o->breakdown || r->group == AU_GROUP_MODEL) {
			for (guint j = 0; j < row->models->len; j++) {
				const au_model_row *m = row->models->pdata[j];
				csv_field(f, row->key);
				fputc(',', f);
				csv_field(f, m->model);
				csv_numbers(f, &m->t);
				csv_end(f, r, false, 0, 0);
			}
			continue;
		}
		csv_field(f, row->key);
		fputc(',', f);
		GString *g = g_string_new(NULL);
		for (guint j = 0; j < row->models->len; j++) {
			const au_model_row *m = row->models->pdata[j];
			if (j)
				g_string_append_c(g, ' ');
			g_string_append(g, m->model);
		}
		csv_field(f, g->str);
		g_string_free(g, TRUE);
		csv_numbers(f, &row->t);
		csv_end(f, r, row->has_billed, row->billed, row->t.cost);
	}
}
