/*
 * Terminal tables of the reports. The label/models columns shrink to fit
 * the terminal, and a narrow terminal gets a compact layout (cache and
 * total columns dropped); the drawing itself is the shared au_table
 * (table.c). Colour only when the caller says so (a tty and no NO_COLOR);
 * the layout is identical without it.
 */
#include <inttypes.h>
#include <string.h>

#include "pricing.h"
#include "render.h"
#include "report.h"

enum {
	COL_LABEL, COL_MODELS, COL_INPUT, COL_OUTPUT, COL_CW, COL_CR, COL_TOTAL, COL_COST, COL_TOOL, COL_BILLED, COL_GAP,
	NCOLS
};

/* One row's cells before they go to the table (which takes them). */
typedef struct trow {
	char *cell[NCOLS];
	au_trow_kind kind;
} trow;

void au_format_int(int64_t v, char *buf, size_t n)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%" PRId64, v < 0 ? -v : v);
	size_t o = 0;
	if (v < 0 && o + 1 < n)
		buf[o++] = '-';
	for (int i = 0; i < len && o + 1 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 1 < n)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static char *fmt_int(int64_t v)
{
	char b[40];
	au_format_int(v, b, sizeof(b));
	return xstrdup(b);
}

static char *fmt_cost(const au_totals *t)
{
	char b[48];
	au_format_usd(t->cost, 2, b, sizeof(b));
	return xasprintf("$%s%s", b, t->unpriced ? " *" : "");
}

/* Short model names for the Models cell: drop "claude-" and date suffixes. */
static char *short_model(const char *m)
{
	if (strncmp(m, "claude-", 7) == 0)
		m += 7;
	char *s = xstrdup(m);
	size_t n = strlen(s);
	if (n > 9 && s[n - 9] == '-' && strspn(s + n - 8, "0123456789") == 8)
		s[n - 9] = '\0';
	return s;
}

static char *models_cell(GPtrArray *models)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; i < models->len; i++) {
		au_model_row *m = models->pdata[i];
		char *s = short_model(m->model);
		if (i)
			g_string_append(g, ", ");
		g_string_append(g, s);
		free(s);
	}
	char *out = xstrdup(g->str);
	g_string_free(g, TRUE);
	return out;
}

static void fill_numbers(trow *t, const au_totals *x)
{
	t->cell[COL_INPUT] = fmt_int(x->tok.input);
	t->cell[COL_OUTPUT] = fmt_int(x->tok.output);
	t->cell[COL_CW] = fmt_int(au_tokens_cache_create(&x->tok));
	t->cell[COL_CR] = fmt_int(x->tok.cache_read);
	t->cell[COL_TOTAL] = fmt_int(au_tokens_total(&x->tok));
	t->cell[COL_COST] = fmt_cost(x);
	/* the tools' own figure; "—" where no response of the row had one */
	t->cell[COL_TOOL] = x->tool_costed ? au_cell_usd(x->tool_cost, false) : xstrdup("—");
}

static void fill_billed(trow *t, bool has, int64_t billed, int64_t cost)
{
	t->cell[COL_BILLED] = has ? au_cell_usd(billed, false) : xstrdup("—");
	t->cell[COL_GAP] = has ? au_cell_usd(billed - cost, true) : xstrdup("—");
}

void au_render_table(FILE *f, const au_report *r, const au_render_opts *o)
{
	static const char *label_headers[] = {"Date", "Week", "Month", "Session", "Project", "Model"};
	/* To fit: the models list is cut to 16 columns, then cache and total
	 * columns go, then the models, and last the label is cut to 10. */
	bool tool = au_report_tool_cost_differs(r);
	const au_tcol cols[NCOLS] = {
		[COL_LABEL] = {.header = label_headers[r->group], .shrink_min = 10, .shrink_late = true},
		[COL_MODELS] = {.header = "Models", .shrink_min = 16, .drop_rank = 4,
				.hidden = r->group == AU_GROUP_MODEL},
		[COL_INPUT] = {.header = "Input", .right = true},
		[COL_OUTPUT] = {.header = "Output", .right = true},
		[COL_CW] = {.header = "Cache Create", .right = true, .drop_rank = 1},
		[COL_CR] = {.header = "Cache Read", .right = true, .drop_rank = 2},
		[COL_TOTAL] = {.header = "Total Tokens", .right = true, .drop_rank = 3},
		[COL_COST] = {.header = "Cost (USD)", .right = true},
		/* what the tools said it cost, only when that differs from ours */
		[COL_TOOL] = {.header = "Tool Cost", .right = true, .hidden = !tool},
		/* --with-cloud: what the providers billed, and billed - estimated */
		[COL_BILLED] = {.header = "Billed", .right = true, .hidden = !r->with_cloud},
		[COL_GAP] = {.header = "Gap", .right = true, .hidden = !r->with_cloud},
	};
	au_table *tab = au_table_new(cols, NCOLS);
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		trow t = {.kind = AU_TROW_NORMAL};
		if (r->group == AU_GROUP_SESSION)
			t.cell[COL_LABEL] = xasprintf("%s  %.8s", row->project ? row->project : "", row->key);
		else
			t.cell[COL_LABEL] = xstrdup(row->key);
		t.cell[COL_MODELS] = models_cell(row->models);
		fill_numbers(&t, &row->t);
		fill_billed(&t, row->has_billed, row->billed, row->t.cost);
		au_table_add(tab, t.kind, t.cell);
		if (o->breakdown && r->group != AU_GROUP_MODEL) {
			for (guint j = 0; j < row->models->len; j++) {
				au_model_row *m = row->models->pdata[j];
				trow s = {.kind = AU_TROW_SUB};
				s.cell[COL_LABEL] = xstrdup("");
				s.cell[COL_MODELS] = xasprintf("└ %s", m->model);
				fill_numbers(&s, &m->t);
				au_table_add(tab, s.kind, s.cell);
			}
		}
	}
	trow tot = {.kind = AU_TROW_TOTAL};
	tot.cell[COL_LABEL] = xstrdup("Total");
	tot.cell[COL_MODELS] = xstrdup("");
	fill_numbers(&tot, &r->total);
	fill_billed(&tot, r->has_billed, r->billed, r->total.cost);
	au_table_add(tab, tot.kind, tot.cell);
	au_table_print(f, tab, o->color, o->width);
	au_table_free(tab);
	if (r->unpriced_models->len) {
		fprintf(f, "* cost excludes %" PRId64 " response(s) of model(s) with no known price:",
			r->total.unpriced);
		for (guint i = 0; i < r->unpriced_models->len; i++)
			fprintf(f, "%s %s", i ? "," : "", (char *)r->unpriced_models->pdata[i]);
		fputs(" (add them with --pricing FILE)\n", f);
	}
	if (tool)
		fprintf(f, "Tool Cost: what the tools themselves reported, for %" PRId64 " of %" PRId64
			   " response(s); Cost (USD) is ours, from the price table.\n",
			r->total.tool_costed, r->total.responses);
}
