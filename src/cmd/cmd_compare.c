/*
 * aiusage compare --to MODEL[,MODEL...]: the selected usage priced again as
 * if every request had gone to each target model, per model actually used
 * and in total, with the difference in dollars and percent.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "jsonw.h"
#include "render.h"
#include "term.h"
#include "termsafe.h"

static const char note[] =
	"Same requests and tokens at each target's own prices, its long-context tier per\n"
	"request where it has one. Output length and quality would differ on another\n"
	"model: this prices the tokens you used, nothing more.\n";

/* (whatif - actual) / actual; NaN without an actual cost. */
static double change(int64_t whatif, int64_t actual)
{
	return actual > 0 ? (double)(whatif - actual) / (double)actual : NAN;
}

static void add_rows(au_table *t, const au_compare *c, const au_compare_row *row, bool total)
{
	bool unknown = row->unpriced > 0 && row->unpriced == row->requests;
	for (int k = 0; k < c->ntargets; k++) {
		bool first = k == 0;
		char *label = first ? xstrdup(total ? "Total" : row->model) : NULL;
		char *actual = NULL, *diff, *pct;
		if (first && unknown) {
			actual = xstrdup("unpriced");
		} else if (first) {
			char *u = au_cell_usd(row->actual, false);
			actual = xasprintf("%s%s", u, row->unpriced ? " *" : "");
			free(u);
		}
		int64_t base = row->whatif_priced[k]; /* like with like */
		if (unknown) {
			diff = xstrdup("—");
			pct = xstrdup("—");
		} else {
			diff = au_cell_usd(base - row->actual, true);
			pct = au_cell_pct(change(base, row->actual), true);
		}
		au_table_addv(t, total ? AU_TROW_TOTAL : AU_TROW_NORMAL, label,
			      first ? au_cell_int(row->requests) : NULL,
			      first ? au_cell_int(au_tokens_total(&row->tok)) : NULL, actual, xstrdup(c->target[k]),
			      au_cell_usd(row->whatif[k], false), diff, pct);
	}
}

static void print_table(const au_compare *c, const au_insight_run *x)
{
	enum { C_MODEL, C_REQ, C_TOK, C_ACTUAL, C_AS, C_WHATIF, C_DIFF, C_PCT, NC };
	const au_tcol cols[NC] = {
		[C_MODEL] = {.header = "Model used", .shrink_min = 12, .shrink_late = true},
		[C_REQ] = {.header = "Requests", .right = true, .drop_rank = 2},
		[C_TOK] = {.header = "Tokens", .right = true, .drop_rank = 1},
		[C_ACTUAL] = {.header = "Actual", .right = true},
		[C_AS] = {.header = "As model", .shrink_min = 12},
		[C_WHATIF] = {.header = "What-if", .right = true},
		[C_DIFF] = {.header = "Difference", .right = true},
		[C_PCT] = {.header = "Change", .right = true, .drop_rank = 3},
	};
	au_table *t = au_table_new(cols, NC);
	for (guint i = 0; i < c->rows->len; i++) {
		if (i)
			au_table_rule(t);
		add_rows(t, c, c->rows->pdata[i], false);
	}
	add_rows(t, c, &c->total, true);
	au_table_print(stdout, t, au_use_color(&x->o, stdout), au_terminal_width());
	au_table_free(t);
	fputs(note, stdout);
	bool first = true;
	for (guint i = 0; i < c->rows->len; i++) {
		const au_compare_row *row = c->rows->pdata[i];
		if (!row->unpriced)
			continue;
		char *model = au_term_text(row->model); /* from a log */
		printf("%s %s", first ? "* no price known for" : ",", model);
		free(model);
		first = false;
	}
	if (!first)
		printf(": the totals leave out %" PRId64 " response(s)\n", c->total.unpriced);
}

static void json_tokens(au_jw *w, const au_compare_row *row)
{
	au_jw_kint(w, "requests", row->requests);
	au_jw_kint(w, "inputTokens", row->tok.input);
	au_jw_kint(w, "outputTokens", row->tok.output);
	au_jw_kint(w, "cacheCreationTokens", au_tokens_cache_create(&row->tok));
	au_jw_kint(w, "cacheReadTokens", row->tok.cache_read);
	au_jw_kint(w, "totalTokens", au_tokens_total(&row->tok));
}

static void json_row(au_jw *w, const au_compare *c, const au_compare_row *row)
{
	bool unknown = row->unpriced > 0 && row->unpriced == row->requests;
	json_tokens(w, row);
	au_jw_key(w, "actualCost");
	if (unknown)
		au_jw_null(w);
	else
		au_jw_money(w, row->actual);
	if (row->unpriced)
		au_jw_kint(w, "unpricedResponses", row->unpriced);
	au_jw_key(w, "alternatives");
	au_jw_arr_begin(w);
	for (int k = 0; k < c->ntargets; k++) {
		int64_t base = row->whatif_priced[k];
		au_jw_obj_begin(w);
		au_jw_kstr(w, "model", c->target[k]);
		au_jw_kstr(w, "priceEntry", c->price[k]->name);
		au_jw_kmoney(w, "cost", row->whatif[k]);
		au_jw_key(w, "difference");
		if (unknown) {
			au_jw_null(w);
			au_jw_key(w, "percent");
			au_jw_null(w);
		} else {
			au_jw_money(w, base - row->actual);
			au_jw_key(w, "percent");
			au_jw_fixed(w, change(base, row->actual) * 100, 2); /* NaN: null */
		}
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
}

static void print_json(const au_compare *c, const au_insight_run *x)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, stdout);
	au_jw_obj_begin(w);
	au_jw_key(w, "compare");
	au_jw_arr_begin(w);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_compare_row *row = c->rows->pdata[i];
		au_jw_newline(w);
		au_jw_obj_begin(w);
		au_jw_kstr(w, "model", row->model);
		json_row(w, c, row);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_newline(w);
	au_jw_key(w, "totals");
	au_jw_obj_begin(w);
	json_row(w, c, &c->total);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_kstr(w, "timezone", x->tz_name);
	au_jw_newline(w);
	au_jw_key(w, "unpricedModels");
	au_jw_arr_begin(w);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_compare_row *row = c->rows->pdata[i];
		if (row->unpriced)
			au_jw_str(w, row->model);
	}
	au_jw_arr_end(w);
	au_jw_newline(w);
	au_jw_kstr(w, "note", "same requests and tokens at each target's own prices and long-context tier;"
			      " output length and quality would differ");
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}

enum { OPT_TO };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	const char *to = au_opt_own(&x.o, OPT_TO);
	char **names = NULL;
	const au_model_price **prices = NULL;
	int n = 0;
	au_compare *c = NULL;
	code = AU_EXIT_USAGE;
	if (!to || !*to) {
		au_usage_error(cmd, "--to MODEL[,MODEL...] names the models to compare with");
		goto out;
	}
	names = g_strsplit(to, ",", -1);
	n = (int)g_strv_length(names);
	prices = xcalloc((size_t)n + 1, sizeof(*prices));
	for (int k = 0; k < n; k++) {
		g_strstrip(names[k]);
		prices[k] = *names[k] ? au_pricing_lookup(x.p, names[k]) : NULL;
		if (!prices[k]) {
			au_usage_error(cmd,
				       "unknown model '%s' in --to (no price known for it; "
				       "'aiusage pricing' lists the table, --pricing FILE adds models)",
				       names[k]);
			goto out;
		}
	}
	code = AU_EXIT_FAIL;
	if (!au_insight_open(&x))
		goto out;
	au_err err;
	if (au_compare_build(x.s, &x.f, prices, names, n, &c, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	for (guint i = 0; i < c->rows->len; i++) {
		const au_compare_row *row = c->rows->pdata[i];
		if (row->unpriced)
			au_insight_warn_unpriced(&x, row->model);
	}
	if (x.o.json)
		print_json(c, &x);
	else if (c->rows->len == 0)
		printf("No usage in the selected period.\n");
	else {
		print_table(c, &x);
		au_note_price_age(&x.o);
	}
	code = fflush(stdout) != 0 || x.scan_failed ? AU_EXIT_FAIL : AU_EXIT_OK;
out:
	au_compare_free(c);
	free(prices);
	g_strfreev(names);
	au_insight_end(&x);
	return code;
}

static const au_option opt_to = {"to", 0, "MODEL[,MODEL]",
				 "the models to compare with (names as 'aiusage pricing' knows them)", AU_OWN(OPT_TO)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_to),
	AU_OPTS_FILTER,
	AU_O(AU_O_JSON),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_compare_entry = {
	.name = "compare",
	.summary = "what your usage would have cost on other models",
	.description = "Prices the selected requests again as if each had gone to another model:\n"
		       "same tokens, the other model's prices and its long-context tier per request.\n"
		       "Prints the actual cost and each alternative per model used and in total,\n"
		       "with the difference in dollars and percent. Output length and quality would\n"
		       "differ on another model: this prices your tokens, nothing more.\n",
	.options = options,
	.examples = "aiusage compare --to claude-sonnet-4-5,gpt-5-codex,claude-haiku-4-5\n",
	.run = run,
};
