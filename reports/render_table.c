/*
 * Terminal tables. Columns are measured, the label/models columns shrink to
 * fit the terminal, and a narrow terminal gets a compact layout (cache and
 * total columns dropped). Colour only when the caller says so (a tty and no
 * NO_COLOR); the layout is identical without it.
 */
#include <inttypes.h>
#include <string.h>

#include "pricing.h"
#include "report.h"

enum { COL_LABEL, COL_MODELS, COL_INPUT, COL_OUTPUT, COL_CW, COL_CR, COL_TOTAL, COL_COST, NCOLS };
enum { ROW_NORMAL, ROW_SUB, ROW_TOTAL };

typedef struct trow {
	char *cell[NCOLS];
	int kind;
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
}

static int dwidth(const char *s)
{
	return s ? (int)g_utf8_strlen(s, -1) : 0;
}

/* Prints s in w columns, cut with an ellipsis if longer. */
static void put_cell(FILE *f, const char *s, int w, bool right)
{
	if (!s)
		s = "";
	int n = dwidth(s);
	if (n > w) {
		const char *end = g_utf8_offset_to_pointer(s, w > 0 ? w - 1 : 0);
		fwrite(s, 1, (size_t)(end - s), f);
		if (w > 0)
			fputs("…", f);
		return;
	}
	if (right)
		fprintf(f, "%*s", w - n, "");
	fputs(s, f);
	if (!right)
		fprintf(f, "%*s", w - n, "");
}

static void hline(FILE *f, const int *w, const bool *show, const char *l, const char *m, const char *r)
{
	fputs(l, f);
	bool first = true;
	for (int c = 0; c < NCOLS; c++) {
		if (!show[c])
			continue;
		if (!first)
			fputs(m, f);
		first = false;
		for (int i = 0; i < w[c] + 2; i++)
			fputs("─", f);
	}
	fputs(r, f);
	fputc('\n', f);
}

void au_render_table(FILE *f, const au_report *r, const au_render_opts *o)
{
	static const char *label_headers[] = {"Date", "Week", "Month", "Session", "Project", "Model"};
	const char *headers[NCOLS] = {label_headers[r->group], "Models", "Input", "Output",
				      "Cache Create", "Cache Read", "Total Tokens", "Cost (USD)"};
	bool show[NCOLS];
	for (int c = 0; c < NCOLS; c++)
		show[c] = true;
	if (r->group == AU_GROUP_MODEL)
		show[COL_MODELS] = false;

	GArray *rows = g_array_new(FALSE, TRUE, sizeof(trow));
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		trow t = {.kind = ROW_NORMAL};
		if (r->group == AU_GROUP_SESSION)
			t.cell[COL_LABEL] = xasprintf("%s  %.8s", row->project ? row->project : "", row->key);
		else
			t.cell[COL_LABEL] = xstrdup(row->key);
		t.cell[COL_MODELS] = models_cell(row->models);
		fill_numbers(&t, &row->t);
		g_array_append_val(rows, t);
		if (o->breakdown && r->group != AU_GROUP_MODEL) {
			for (guint j = 0; j < row->models->len; j++) {
				au_model_row *m = row->models->pdata[j];
				trow s = {.kind = ROW_SUB};
				s.cell[COL_LABEL] = xstrdup("");
				s.cell[COL_MODELS] = xasprintf("└ %s", m->model);
				fill_numbers(&s, &m->t);
				g_array_append_val(rows, s);
			}
		}
	}
	trow tot = {.kind = ROW_TOTAL};
	tot.cell[COL_LABEL] = xstrdup("Total");
	tot.cell[COL_MODELS] = xstrdup("");
	fill_numbers(&tot, &r->total);
	g_array_append_val(rows, tot);

	int w[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		w[c] = dwidth(headers[c]);
		for (guint i = 0; i < rows->len; i++) {
			int n = dwidth(g_array_index(rows, trow, i).cell[c]);
			if (n > w[c])
				w[c] = n;
		}
	}
	/* Fit: shrink the free-text columns, then drop detail columns. */
	if (o->width > 0) {
		int total;
#define TABLE_WIDTH()                                   \
	do {                                            \
		total = 1;                              \
		for (int c_ = 0; c_ < NCOLS; c_++)      \
			if (show[c_])                   \
				total += w[c_] + 3;     \
	} while (0)
		TABLE_WIDTH();
		if (total > o->width && show[COL_MODELS]) {
			int cut = total - o->width;
			int room = w[COL_MODELS] - 16;
			if (room > 0) {
				w[COL_MODELS] -= cut < room ? cut : room;
				TABLE_WIDTH();
			}
		}
		static const int drop[] = {COL_CW, COL_CR, COL_TOTAL, COL_MODELS};
		for (size_t k = 0; k < sizeof(drop) / sizeof(drop[0]) && total > o->width; k++) {
			show[drop[k]] = false;
			TABLE_WIDTH();
		}
		if (total > o->width) {
			int cut = total - o->width;
			int room = w[COL_LABEL] - 10;
			if (room > 0)
				w[COL_LABEL] -= cut < room ? cut : room;
		}
#undef TABLE_WIDTH
	}

	const char *bold = o->color ? "\033[1m" : "", *cyan = o->color ? "\033[36m" : "";
	const char *yellow = o->color ? "\033[33m" : "", *dim = o->color ? "\033[2m" : "";
	const char *reset = o->color ? "\033[0m" : "";

	hline(f, w, show, "┌", "┬", "┐");
	fputs("│", f);
	for (int c = 0; c < NCOLS; c++) {
		if (!show[c])
			continue;
		fprintf(f, " %s%s", bold, cyan);
		put_cell(f, headers[c], w[c], c >= COL_INPUT);
		fprintf(f, "%s │", reset);
	}
	fputc('\n', f);
	hline(f, w, show, "├", "┼", "┤");
	for (guint i = 0; i < rows->len; i++) {
		trow *t = &g_array_index(rows, trow, i);
		if (t->kind == ROW_TOTAL)
			hline(f, w, show, "├", "┼", "┤");
		fputs("│", f);
		const char *style = t->kind == ROW_TOTAL ? yellow : t->kind == ROW_SUB ? dim : "";
		for (int c = 0; c < NCOLS; c++) {
			if (!show[c])
				continue;
			fprintf(f, " %s%s", t->kind == ROW_TOTAL ? bold : "", style);
			put_cell(f, t->cell[c], w[c], c >= COL_INPUT);
			fprintf(f, "%s │", *style || t->kind == ROW_TOTAL ? reset : "");
		}
		fputc('\n', f);
	}
	hline(f, w, show, "└", "┴", "┘");
	if (r->unpriced_models->len) {
		fprintf(f, "* cost excludes %" PRId64 " response(s) of model(s) with no known price:",
			r->total.unpriced);
		for (guint i = 0; i < r->unpriced_models->len; i++)
			fprintf(f, "%s %s", i ? "," : "", (char *)r->unpriced_models->pdata[i]);
		fputs(" (add them with --pricing FILE)\n", f);
	}
	for (guint i = 0; i < rows->len; i++) {
		trow *t = &g_array_index(rows, trow, i);
		for (int c = 0; c < NCOLS; c++)
			free(t->cell[c]);
	}
	g_array_free(rows, TRUE);
}
