/*
 * The box-drawn terminal table every command prints. Columns are measured
 * from their cells; to fit a terminal, free-text columns are cut first,
 * then detail columns dropped in rank order, then the late free-text
 * columns cut. Styles are ANSI escapes around cells, so the layout is the
 * same with and without colour. Every cell and header reaches the terminal
 * through au_term_safe (a cell may hold a log's model name or path), and a
 * locale that is not UTF-8 gets ASCII borders.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pricing.h"
#include "render.h"
#include "report.h"
#include "termsafe.h"
#include "util.h"

typedef struct trow {
	char **cell;
	const char **style; /* per cell, borrowed; NULL until au_table_style */
	au_trow_kind kind;
} trow;

struct au_table {
	au_tcol *cols;
	int ncols;
	int *min_width; /* per column, 0: none */
	GArray *rows; /* trow */
};

au_table *au_table_new(const au_tcol *cols, int ncols)
{
	au_table *t = xcalloc(1, sizeof(*t));
	t->cols = xcalloc((size_t)ncols, sizeof(*t->cols));
	memcpy(t->cols, cols, (size_t)ncols * sizeof(*cols));
	t->ncols = ncols;
	t->min_width = xcalloc((size_t)ncols, sizeof(int));
	t->rows = g_array_new(FALSE, TRUE, sizeof(trow));
	return t;
}

void au_table_free(au_table *t)
{
	if (!t)
		return;
	for (guint i = 0; i < t->rows->len; i++) {
		trow *r = &g_array_index(t->rows, trow, i);
		if (r->cell)
			for (int c = 0; c < t->ncols; c++)
				free(r->cell[c]);
		free(r->cell);
		free(r->style);
	}
	g_array_free(t->rows, TRUE);
	free(t->cols);
	free(t->min_width);
	free(t);
}

void au_table_add(au_table *t, au_trow_kind kind, char **cells)
{
	trow r = {.kind = kind, .cell = xcalloc((size_t)t->ncols, sizeof(char *))};
	memcpy(r.cell, cells, (size_t)t->ncols * sizeof(char *));
	g_array_append_val(t->rows, r);
}

void au_table_addv(au_table *t, au_trow_kind kind, ...)
{
	trow r = {.kind = kind, .cell = xcalloc((size_t)t->ncols, sizeof(char *))};
	va_list ap;
	va_start(ap, kind);
	for (int c = 0; c < t->ncols; c++)
		r.cell[c] = va_arg(ap, char *);
	va_end(ap);
	g_array_append_val(t->rows, r);
}

void au_table_style(au_table *t, int col, const char *sgr)
{
	if (t->rows->len == 0 || col < 0 || col >= t->ncols)
		return;
	trow *r = &g_array_index(t->rows, trow, t->rows->len - 1);
	if (!r->cell)
		return;
	if (!r->style)
		r->style = xcalloc((size_t)t->ncols, sizeof(*r->style));
	r->style[col] = sgr;
}

void au_table_rule(au_table *t)
{
	trow r = {.kind = AU_TROW_RULE};
	g_array_append_val(t->rows, r);
}

void au_table_min_width(au_table *t, int col, int width)
{
	if (col >= 0 && col < t->ncols)
		t->min_width[col] = width;
}

/* Columns a cell takes: characters, or bytes when it is not UTF-8 (a
 * name from a config file can be anything). */
static int dwidth(const char *s)
{
	if (!s)
		return 0;
	return g_utf8_validate(s, -1, NULL) ? (int)g_utf8_strlen(s, -1) : (int)strlen(s);
}

/* The drawing characters: box-drawing in a UTF-8 locale, else ASCII. */
typedef struct glyphs {
	const char *h, *v;           /* ─ │ */
	const char *tl, *tm, *tr;    /* top corners and tee */
	const char *ml, *mm, *mr;    /* a rule's ends and crossing */
	const char *bl, *bm, *br;    /* bottom */
	const char *cut;             /* ends a cell cut to fit, one column */
} glyphs;

static const glyphs UTF8_GLYPHS = {"─", "│", "┌", "┬", "┐", "├", "┼", "┤", "└", "┴", "┘", "…"};
static const glyphs ASCII_GLYPHS = {"-", "|", "+", "+", "+", "+", "+", "+", "+", "+", "+", "~"};

/* Prints s in w columns, cut (ending in g->cut) if longer; sgr (may be
 * NULL) styles the text, not the padding. */
static void put_cell(FILE *f, const glyphs *g, const char *s, int w, bool right, const char *sgr)
{
	if (!s)
		s = "";
	int n = dwidth(s);
	const char *on = sgr ? sgr : "", *off = sgr ? "\033[0m" : "";
	if (n > w) {
		const char *end = g_utf8_validate(s, -1, NULL) ? g_utf8_offset_to_pointer(s, w > 0 ? w - 1 : 0)
							       : s + (w > 0 ? w - 1 : 0);
		fputs(on, f);
		fwrite(s, 1, (size_t)(end - s), f);
		if (w > 0)
			fputs(g->cut, f);
		fputs(off, f);
		return;
	}
	if (right)
		fprintf(f, "%*s", w - n, "");
	fprintf(f, "%s%s%s", on, s, off);
	if (!right)
		fprintf(f, "%*s", w - n, "");
}

static void hline(FILE *f, const glyphs *g, const au_table *t, const int *w, const bool *show, const char *l,
		  const char *m, const char *r)
{
	fputs(l, f);
	bool first = true;
	for (int c = 0; c < t->ncols; c++) {
		if (!show[c])
			continue;
		if (!first)
			fputs(m, f);
		first = false;
		for (int i = 0; i < w[c] + 2; i++)
			fputs(g->h, f);
	}
	fputs(r, f);
	fputc('\n', f);
}

static int table_width(const au_table *t, const int *w, const bool *show)
{
	int total = 1;
	for (int c = 0; c < t->ncols; c++)
		if (show[c])
			total += w[c] + 3;
	return total;
}

/* Cuts the shrinkable columns of one phase, in column order. */
static void shrink(const au_table *t, int *w, const bool *show, bool late, int width)
{
	for (int c = 0; c < t->ncols; c++) {
		int total = table_width(t, w, show);
		if (total <= width)
			return;
		if (!show[c] || t->cols[c].shrink_min <= 0 || t->cols[c].shrink_late != late)
			continue;
		int cut = total - width;
		int room = w[c] - t->cols[c].shrink_min;
		if (room > 0)
			w[c] -= cut < room ? cut : room;
	}
}

char *au_cell_int(int64_t v)
{
	char b[40];
	au_format_int(v, b, sizeof(b));
	return xstrdup(b);
}

char *au_cell_usd(int64_t pico, bool sign)
{
	char b[48];
	au_format_usd(pico < 0 ? -pico : pico, 2, b, sizeof(b));
	bool zero = strcmp(b, "0.00") == 0;
	return xasprintf("%s$%s", pico < 0 && !zero ? "-" : sign && !zero ? "+" : "", b);
}

char *au_cell_pct(double ratio, bool sign)
{
	if (ratio != ratio) /* NaN: no base to compare with */
		return xstrdup("—");
	return xasprintf(sign ? "%+.1f%%" : "%.1f%%", ratio * 100);
}

/* Makes every cell terminal-safe, once, before anything is measured. */
static void make_safe(au_table *t, char **header, bool ascii)
{
	for (int c = 0; c < t->ncols; c++)
		header[c] = au_term_safe(t->cols[c].header, ascii);
	for (guint i = 0; i < t->rows->len; i++) {
		trow *r = &g_array_index(t->rows, trow, i);
		if (!r->cell)
			continue;
		for (int c = 0; c < t->ncols; c++) {
			if (!r->cell[c])
				continue;
			char *safe = au_term_safe(r->cell[c], ascii);
			free(r->cell[c]);
			r->cell[c] = safe;
		}
	}
}

/* The one line under a table that lost columns to fit: which, and how to
 * see them. Named when that fits the width, else counted. */
static void compact_note(FILE *f, const au_table *t, char *const *header, const bool *show, int width)
{
	GString *names = g_string_new(NULL);
	int dropped = 0;
	for (int c = 0; c < t->ncols; c++) {
		if (show[c] || t->cols[c].hidden)
			continue;
		g_string_append_printf(names, "%s%s", dropped ? ", " : "", header[c]);
		dropped++;
	}
	if (dropped) {
		char *line = xasprintf("Compact layout (%s hidden): a wider terminal or --json shows all.", names->str);
		if ((int)strlen(line) > width) {
			free(line);
			line = xasprintf("Compact layout (%d column%s hidden): a wider terminal or --json shows all.",
					 dropped, dropped == 1 ? "" : "s");
		}
		fprintf(f, "%s\n", line);
		free(line);
	}
	g_string_free(names, TRUE);
}

void au_table_print(FILE *f, au_table *t, bool color, int width)
{
	bool ascii = !au_term_utf8();
	const glyphs *g = ascii ? &ASCII_GLYPHS : &UTF8_GLYPHS;
	char **header = xcalloc((size_t)t->ncols, sizeof(char *));
	make_safe(t, header, ascii);
	int *w = xcalloc((size_t)t->ncols, sizeof(int));
	bool *show = xcalloc((size_t)t->ncols, sizeof(bool));
	int max_rank = 0;
	for (int c = 0; c < t->ncols; c++) {
		show[c] = !t->cols[c].hidden;
		if (t->cols[c].drop_rank > max_rank)
			max_rank = t->cols[c].drop_rank;
		w[c] = dwidth(header[c]);
		if (t->min_width[c] > w[c])
			w[c] = t->min_width[c];
		for (guint i = 0; i < t->rows->len; i++) {
			trow *r = &g_array_index(t->rows, trow, i);
			int n = r->cell ? dwidth(r->cell[c]) : 0;
			if (n > w[c])
				w[c] = n;
		}
	}
	if (width > 0) {
		shrink(t, w, show, false, width);
		for (int rank = 1; rank <= max_rank && table_width(t, w, show) > width; rank++)
			for (int c = 0; c < t->ncols; c++)
				if (t->cols[c].drop_rank == rank)
					show[c] = false;
		shrink(t, w, show, true, width);
	}

	const char *bold = color ? "\033[1m" : "", *cyan = color ? "\033[36m" : "";
	const char *yellow = color ? "\033[33m" : "", *dim = color ? "\033[2m" : "";
	const char *reset = color ? "\033[0m" : "";

	hline(f, g, t, w, show, g->tl, g->tm, g->tr);
	fputs(g->v, f);
	for (int c = 0; c < t->ncols; c++) {
		if (!show[c])
			continue;
		fprintf(f, " %s%s", bold, cyan);
		put_cell(f, g, header[c], w[c], t->cols[c].right, NULL);
		fprintf(f, "%s %s", reset, g->v);
	}
	fputc('\n', f);
	hline(f, g, t, w, show, g->ml, g->mm, g->mr);
	for (guint i = 0; i < t->rows->len; i++) {
		trow *r = &g_array_index(t->rows, trow, i);
		if (r->kind == AU_TROW_RULE) {
			/* no rule right after the header or before a total's own */
			bool after_header = i == 0;
			bool before_total = i + 1 < t->rows->len &&
					    g_array_index(t->rows, trow, i + 1).kind == AU_TROW_TOTAL;
			if (!after_header && !before_total && i + 1 < t->rows->len)
				hline(f, g, t, w, show, g->ml, g->mm, g->mr);
			continue;
		}
		/* a rule above the totals (once for several total lines) */
		if (r->kind == AU_TROW_TOTAL && (i == 0 || g_array_index(t->rows, trow, i - 1).kind != AU_TROW_TOTAL))
			hline(f, g, t, w, show, g->ml, g->mm, g->mr);
		fputs(g->v, f);
		const char *style = r->kind == AU_TROW_TOTAL ? yellow : r->kind == AU_TROW_SUB ? dim : "";
		for (int c = 0; c < t->ncols; c++) {
			if (!show[c])
				continue;
			fprintf(f, " %s%s", r->kind == AU_TROW_TOTAL ? bold : "", style);
			put_cell(f, g, r->cell[c], w[c], t->cols[c].right, color && r->style ? r->style[c] : NULL);
			fprintf(f, "%s %s", *style || r->kind == AU_TROW_TOTAL ? reset : "", g->v);
		}
		fputc('\n', f);
	}
	hline(f, g, t, w, show, g->bl, g->bm, g->br);
	if (width > 0)
		compact_note(f, t, header, show, width);
	for (int c = 0; c < t->ncols; c++)
		free(header[c]);
	free(header);
	free(w);
	free(show);
}
