/*
 * aiusage cache: prompt-cache efficiency per day, project or model (hit
 * ratio, what reads saved, what writes cost, writes never read back within
 * their TTL) and the sessions that cache worst.
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

static const char formulas[] =
	"Hit ratio = read / (input + read + write). Saved = read x (input rate - read\n"
	"rate). Unread: writes not followed within their TTL (5m or 1h) by a cache read\n"
	"in the same session, model and chain; Waste = what they paid over plain input.\n";

static char *cell_ratio(double r)
{
	return r < 0 ? xstrdup("—") : xasprintf("%.2f", r);
}

/* A dollar figure of rows that may hold unpriced requests. */
static char *cell_money(const au_cache_figs *c, int64_t pico)
{
	if (c->unpriced == c->requests && c->requests > 0)
		return xstrdup("unpriced");
	char *u = au_cell_usd(pico, false);
	char *s = xasprintf("%s%s", u, c->unpriced ? " *" : "");
	free(u);
	return s;
}

static void add_row(au_table *t, au_trow_kind kind, const char *label, const au_cache_figs *c)
{
	double hit = au_cache_hit_ratio(c);
	au_table_addv(t, kind, xstrdup(label), au_cell_int(c->requests), au_cell_pct(hit < 0 ? NAN : hit, false),
		      au_cell_int(c->tok.cache_read), cell_money(c, c->saved), au_cell_int(au_tokens_cache_create(&c->tok)),
		      cell_money(c, c->write_cost), cell_ratio(au_cache_write_read_ratio(c)), au_cell_int(c->waste_5m),
		      au_cell_int(c->waste_1h), cell_money(c, c->waste_cost));
}

static void print_tables(const au_cache *c, const au_insight_run *x)
{
	static const char *const labels[] = {"Date", "Project", "Model"};
	enum { C_KEY, C_REQ, C_HIT, C_READ, C_SAVED, C_WRITE, C_WCOST, C_WR, C_U5, C_U1, C_WASTE, NC };
	const au_tcol cols[NC] = {
		[C_KEY] = {.header = labels[c->by], .shrink_min = 10, .shrink_late = true},
		[C_REQ] = {.header = "Requests", .right = true, .drop_rank = 1},
		[C_HIT] = {.header = "Hit Ratio", .right = true},
		[C_READ] = {.header = "Cache Read", .right = true, .drop_rank = 3},
		[C_SAVED] = {.header = "Saved", .right = true},
		[C_WRITE] = {.header = "Cache Write", .right = true, .drop_rank = 4},
		[C_WCOST] = {.header = "Write Cost", .right = true},
		[C_WR] = {.header = "Write:Read", .right = true, .drop_rank = 2},
		[C_U5] = {.header = "Unread 5m", .right = true, .drop_rank = 5},
		[C_U1] = {.header = "Unread 1h", .right = true, .drop_rank = 6},
		[C_WASTE] = {.header = "Waste", .right = true},
	};
	bool color = au_use_color(&x->o, stdout);
	int width = au_terminal_width();
	au_table *t = au_table_new(cols, NC);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_cache_row *row = c->rows->pdata[i];
		add_row(t, AU_TROW_NORMAL, row->key, &row->f);
	}
	add_row(t, AU_TROW_TOTAL, "Total", &c->total);
	au_table_print(stdout, t, color, width);
	au_table_free(t);
	fputs(formulas, stdout);
	if (c->total.unpriced)
		printf("* dollar figures exclude %" PRId64 " response(s) of model(s) with no known price\n",
		       c->total.unpriced);
	if (!c->worst->len)
		return;

	enum { S_ID, S_PROJECT, S_REQ, S_PROMPT, S_HIT, S_SAVED, S_WASTE, NS };
	const au_tcol scols[NS] = {
		[S_ID] = {.header = "Session", .shrink_min = 8, .shrink_late = true},
		[S_PROJECT] = {.header = "Project", .shrink_min = 10},
		[S_REQ] = {.header = "Requests", .right = true, .drop_rank = 1},
		[S_PROMPT] = {.header = "Prompt Tokens", .right = true, .drop_rank = 2},
		[S_HIT] = {.header = "Hit Ratio", .right = true},
		[S_SAVED] = {.header = "Saved", .right = true},
		[S_WASTE] = {.header = "Waste", .right = true},
	};
	printf("\nSessions with the lowest hit ratio:\n");
	t = au_table_new(scols, NS);
	for (guint i = 0; i < c->worst->len; i++) {
		const au_cache_row *row = c->worst->pdata[i];
		const au_cache_figs *f = &row->f;
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(row->key), xstrdup(row->project ? row->project : ""),
			      au_cell_int(f->requests),
			      au_cell_int(f->tok.input + f->tok.cache_read + au_tokens_cache_create(&f->tok)),
			      au_cell_pct(au_cache_hit_ratio(f), false), cell_money(f, f->saved),
			      cell_money(f, f->waste_cost));
	}
	au_table_print(stdout, t, color, width);
	au_table_free(t);
}

enum { OPT_BY };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	const char *by_name = au_opt_own(&x.o, OPT_BY);
	au_cache *c = NULL;
	au_cache_by by = AU_CACHE_BY_DAY;
	code = AU_EXIT_USAGE;
	if (by_name) {
		if (strcmp(by_name, "day") == 0)
			by = AU_CACHE_BY_DAY;
		else if (strcmp(by_name, "project") == 0)
			by = AU_CACHE_BY_PROJECT;
		else if (strcmp(by_name, "model") == 0)
			by = AU_CACHE_BY_MODEL;
		else {
			au_usage_error(cmd, "--by takes day, project or model, not '%s'", by_name);
			goto out;
		}
	}
	code = AU_EXIT_FAIL;
	if (!au_insight_open(&x))
		goto out;
	au_err err;
	if (au_cache_build(x.s, x.p, &x.f, by, &c, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	for (guint i = 0; i < c->unpriced_models->len; i++)
		au_insight_warn_unpriced(&x, c->unpriced_models->pdata[i]);
	if (x.o.json)
		au_cache_render_json(stdout, c, x.tz_name);
	else if (c->rows->len == 0)
		printf("No usage in the selected period.\n");
	else {
		print_tables(c, &x);
		au_note_price_age(&x.o);
	}
	code = fflush(stdout) != 0 || x.scan_failed ? AU_EXIT_FAIL : AU_EXIT_OK;
out:
	au_cache_free(c);
	au_insight_end(&x);
	return code;
}

static const au_option opt_by = {"by", 0, "day|project|model", "one row per (default day)", AU_OWN(OPT_BY)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_by),
	AU_OPTS_FILTER,
	AU_O(AU_O_FULL_PATH),
	AU_O(AU_O_JSON),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_cache_entry = {
	.name = "cache",
	.summary = "prompt cache efficiency: hit ratio, savings, wasted writes",
	.description = "Per day (or project, or model): the cache hit ratio, the dollars cache reads\n"
		       "saved against paying full input, the dollars spent on cache writes, the\n"
		       "write-to-read ratio, and cache writes never read back within their TTL (5m\n"
		       "or 1h); then the sessions with the worst hit ratio. The README's Insights\n"
		       "section gives every formula.\n",
	.options = options,
	.examples = "aiusage cache --by project --since 2025-11-01\n",
	.run = run,
};
