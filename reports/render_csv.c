/*
 * CSV (RFC 4180 quoting): one line per period/group, or with --breakdown
 * one line per (group, model). Costs are exact decimals. Text is exact,
 * except that a cell a spreadsheet would run as a formula gets a leading
 * apostrophe (see csv_field).
 */
#include <inttypes.h>
#include <string.h>

#include "pricing.h"
#include "report.h"

/*
 * A text cell. Model names, session ids and project names come from logs;
 * one starting with = + - @ (or a tab or CR) would be run as a formula by
 * a spreadsheet that opens the file ("=HYPERLINK(...)"). Such a cell is
 * quoted with an apostrophe first, the usual defence: spreadsheets show
 * the text, and a script sees it behind one "'". Numbers never come here.
 */
static void csv_field(FILE *f, const char *s)
{
	bool formula = *s && strchr("=+-@\t\r", *s);
	if (formula || strpbrk(s, ",\"\n\r")) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
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
 * was billed, and on per-model lines: billing has no model breakdown here);
 * a report where some tool gave its own cost adds toolCostUSD and
 * toolCostResponses (empty where no response of the line had one). */
static void csv_end(FILE *f, const au_report *r, bool tool, const au_totals *t, bool has, int64_t billed,
		    int64_t cost)
{
	if (r->with_cloud) {
		char b[64], g[64];
		au_format_usd(billed, 6, b, sizeof(b));
		au_format_usd(billed - cost, 6, g, sizeof(g));
		fprintf(f, ",%s,%s", has ? b : "", has ? g : "");
	}
	if (tool) {
		if (t->tool_costed) {
			char c[64];
			au_format_usd(t->tool_cost, 6, c, sizeof(c));
			fprintf(f, ",%s,%" PRId64, c, t->tool_costed);
		} else {
			fputs(",,", f);
		}
	}
	fputc('\n', f);
}

/* The key cell, and with --by the user or machine after it. */
static void csv_key(FILE *f, const au_report *r, const au_row *row)
{
	csv_field(f, row->key);
	if (r->by) {
		fputc(',', f);
		csv_field(f, row->who ? row->who : "");
	}
}

void au_render_csv(FILE *f, const au_report *r, const au_render_opts *o)
{
	bool tool = au_report_has_tool_cost(r);
	/* The models report's key is the model: a second "model" column
	 * would only repeat it. */
	bool by_model = r->group == AU_GROUP_MODEL;
	fprintf(f, "%s%s%s%s,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,"
		   "reasoningTokens,totalTokens,costUSD,unpricedResponses%s%s\n",
		au_group_keyname(r->group), r->by ? "," : "", r->by ? r->by : "", by_model ? "" : ",model", r->with_cloud ? ",billedUSD,gapUSD" : "",
		tool ? ",toolCostUSD,toolCostResponses" : "");
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		if (by_model) {
			csv_key(f, r, row);
			csv_numbers(f, &row->t);
			csv_end(f, r, tool, &row->t, false, 0, 0);
			continue;
		}
		if (o->breakdown) {
			for (guint j = 0; j < row->models->len; j++) {
				const au_model_row *m = row->models->pdata[j];
				csv_key(f, r, row);
				fputc(',', f);
				csv_field(f, m->model);
				csv_numbers(f, &m->t);
				csv_end(f, r, tool, &m->t, false, 0, 0);
			}
			continue;
		}
		csv_key(f, r, row);
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
		csv_end(f, r, tool, &row->t, row->has_billed, row->billed, row->t.cost);
	}
}
