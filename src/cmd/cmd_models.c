/*
 * aiusage models: the per-model report (cmd_report.c draws its table and
 * CSV), plus each model's share of requests, tokens and cost, its average
 * cost per request and the cheapest same-vendor alternative: in a table
 * with --details, and always in --json (added fields, the report's own
 * fields unchanged).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "insight_json.h"
#include "render.h"
#include "term.h"

static double share(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part / (double)whole : NAN;
}

static char *cell_avg(int64_t pico)
{
	char b[48];
	au_format_usd(pico, 4, b, sizeof(b));
	return xasprintf("$%s", b);
}

static void print_details(const au_models *m, const au_insight_run *x)
{
	enum { C_MODEL, C_REQ, C_REQP, C_TOK, C_TOKP, C_COST, C_COSTP, C_AVG, C_ALT, C_SAVE, NC };
	const au_tcol cols[NC] = {
		[C_MODEL] = {.header = "Model", .shrink_min = 12, .shrink_late = true},
		[C_REQ] = {.header = "Requests", .right = true, .drop_rank = 2},
		[C_REQP] = {.header = "Req %", .right = true, .drop_rank = 4},
		[C_TOK] = {.header = "Tokens", .right = true, .drop_rank = 1},
		[C_TOKP] = {.header = "Tok %", .right = true, .drop_rank = 5},
		[C_COST] = {.header = "Cost (USD)", .right = true},
		[C_COSTP] = {.header = "Cost %", .right = true, .drop_rank = 6},
		[C_AVG] = {.header = "Avg/Request", .right = true, .drop_rank = 3},
		[C_ALT] = {.header = "Cheapest alternative", .shrink_min = 12},
		[C_SAVE] = {.header = "Would save", .right = true},
	};
	au_table *t = au_table_new(cols, NC);
	for (guint i = 0; i < m->rows->len; i++) {
		const au_model_detail *d = m->rows->pdata[i];
		int64_t priced = d->requests - d->unpriced;
		char *cost;
		if (!priced) {
			cost = xstrdup("unpriced");
		} else {
			char *u = au_cell_usd(d->cost, false);
			cost = xasprintf("%s%s", u, d->unpriced ? " *" : "");
			free(u);
		}
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(d->model), au_cell_int(d->requests),
			      au_cell_pct(share(d->requests, m->requests), false), au_cell_int(au_tokens_total(&d->tok)),
			      au_cell_pct(share(au_tokens_total(&d->tok), m->tokens), false), cost,
			      au_cell_pct(priced ? share(d->cost, m->cost) : NAN, false),
			      priced ? cell_avg(au_div_round(d->cost, priced)) : xstrdup("—"),
			      xstrdup(d->alt.model ? d->alt.model : "—"),
			      d->alt.model ? au_cell_usd(d->alt.saves, false) : xstrdup("—"));
	}
	int64_t priced = m->requests - m->unpriced;
	int64_t saves = 0;
	for (guint i = 0; i < m->rows->len; i++)
		saves += ((const au_model_detail *)m->rows->pdata[i])->alt.saves;
	char *u = au_cell_usd(m->cost, false);
	char *total_cost = xasprintf("%s%s", u, m->unpriced ? " *" : "");
	free(u);
	au_table_addv(t, AU_TROW_TOTAL, xstrdup("Total"), au_cell_int(m->requests), xstrdup("100.0%"),
		      au_cell_int(m->tokens), xstrdup("100.0%"), total_cost, xstrdup("100.0%"),
		      priced ? cell_avg(au_div_round(m->cost, priced)) : xstrdup("—"), xstrdup(""),
		      au_cell_usd(saves, false));
	au_table_print(stdout, t, au_use_color(&x->o, stdout), au_terminal_width());
	au_table_free(t);
	fputs("Cheapest alternative: the current model of the same vendor that would have cost\n"
	      "least for the same requests and tokens (output and quality would differ).\n",
	      stdout);
	if (m->unpriced)
		printf("* cost excludes %" PRId64 " response(s) of model(s) with no known price\n", m->unpriced);
}

enum { OPT_DETAILS };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	bool details = au_opt_own(&x.o, OPT_DETAILS) != NULL;
	au_team_filter tf;
	bool team, local_team;
	if (!au_team_args(cmd, &x.o, &tf, &team, &local_team, &code)) {
		au_insight_end(&x);
		return code;
	}
	if (details && (team || local_team)) {
		au_insight_end(&x);
		return au_usage_error(cmd, "--details prices every request again: not with --team, --by, --user "
					   "or --machine");
	}
	/* The plain table and CSV are the report's own (getopt has only
	 * reordered argv, which parses the same); so is everything of the
	 * team server or split by user or machine (the JSON then has the
	 * report's fields only). */
	if ((!details && !x.o.json) || team || local_team) {
		au_insight_end(&x);
		return au_cmd_report(cmd, argc, argv);
	}
	if (details && x.o.csv) {
		au_insight_end(&x);
		return au_usage_error(cmd, "--details has no CSV form; --json has every field");
	}
	au_report *rep = NULL;
	au_models *m = NULL;
	code = AU_EXIT_FAIL;
	if (!au_insight_open(&x))
		goto out;
	au_err err;
	if (au_models_build(x.s, x.p, &x.f, &m, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	for (guint i = 0; i < m->rows->len; i++) {
		const au_model_detail *d = m->rows->pdata[i];
		if (d->unpriced)
			au_insight_warn_unpriced(&x, d->model);
	}
	if (x.o.json) {
		au_report_opts ro = {
			.group = AU_GROUP_MODEL,
			.tz = x.tz,
			.since_day = x.f.since_day,
			.until_day = x.f.until_day,
			.source = x.f.source,
			.project = x.f.project,
			.full_path = x.f.full_path,
			.order_desc = x.o.order_desc,
			.week_start = x.o.week_start,
		};
		if (au_report_build(x.s, &ro, &rep, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			goto out;
		}
		rep->tz_name = x.tz_name;
		au_models_render_json(stdout, rep, m);
	} else if (m->rows->len == 0) {
		au_report_opts ro = {.tz = x.tz, .full_path = x.f.full_path, .week_start = x.o.week_start};
		au_explain_no_match(x.s, &x.o, &ro);
	} else {
		/* -o desc reverses the default costliest-first order, as in the plain table */
		if (x.o.order_desc)
			for (guint i = 0, j = m->rows->len - 1; i < j; i++, j--) {
				gpointer tmp = m->rows->pdata[i];
				m->rows->pdata[i] = m->rows->pdata[j];
				m->rows->pdata[j] = tmp;
			}
		print_details(m, &x);
		au_note_price_age(&x.o);
	}
	code = fflush(stdout) != 0 || x.scan_failed ? AU_EXIT_FAIL : AU_EXIT_OK;
out:
	au_report_free(rep);
	au_models_free(m);
	au_insight_end(&x);
	return code;
}

static const au_option opt_details = {
	"details", 0, NULL,
	"each model's share of requests, tokens and cost, its average cost\n"
	"per request, and the cheapest current model of the same vendor",
	AU_OWN(OPT_DETAILS),
};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_details),
	AU_OPTS_FILTER,
	AU_O(AU_O_JSON),
	AU_O(AU_O_CSV),
	AU_OH(AU_O_ORDER, "sort order (default asc: the costliest first; desc reverses it)"),
	AU_OPTS_TEAM,
	AU_O(AU_O_CONFIG),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_models_entry = {
	.name = "models",
	.summary = "usage and cost per model; --details: shares and cheaper alternatives",
	.description = "Every report first reads what is new in the logs (an incremental scan),\n"
		       "then prints one row per model, the most expensive first; with --details each\n"
		       "model's share of requests, tokens and cost, its average cost per request, and\n"
		       "the cheapest current model of the same vendor with what it would have saved\n"
		       "(--json always carries these fields).\n",
	.options = options,
	.examples = "aiusage models --details --source claude\n",
	.run = run,
	.arg = AU_GROUP_MODEL,
};
