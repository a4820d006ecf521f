/*
 * Drawing pieces shared by every renderer: the box-drawn terminal table
 * (measured columns, fitting a narrow terminal by shrinking free-text
 * columns and dropping detail columns) and the report JSON's extension hook. The
 * report tables (render_table.c) and the insight commands both use them,
 * so every table aiusage prints looks the same.
 */
#ifndef AU_RENDER_H
#define AU_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* How a column behaves. */
typedef struct au_tcol {
	const char *header;
	bool right;      /* right-aligned (numbers) */
	int shrink_min;  /* free text that may be cut (with "…") to this width to fit; 0: never */
	bool shrink_late; /* cut only after every droppable column is gone */
	int drop_rank;   /* dropped to fit a narrow terminal, lowest rank first; 0: never */
	bool hidden;     /* not shown at all */
} au_tcol;

typedef enum au_trow_kind {
	AU_TROW_NORMAL,
	AU_TROW_SUB,   /* dimmed detail row under a normal one */
	AU_TROW_TOTAL, /* bold, preceded by a rule (one for consecutive totals) */
	AU_TROW_RULE,  /* a horizontal rule between groups of rows */
} au_trow_kind;

typedef struct au_table au_table;

/* cols is copied; its strings are borrowed and must outlive the table. */
au_table *au_table_new(const au_tcol *cols, int ncols);
void au_table_free(au_table *t);
/* Adds a row of ncols cells. Takes ownership of each malloc'd cell (NULL
 * prints as empty). */
void au_table_add(au_table *t, au_trow_kind kind, char **cells);
/* The same with the cells as ncols `char *` arguments (owned, malloc'd). */
void au_table_addv(au_table *t, au_trow_kind kind, ...);
void au_table_rule(au_table *t);
/* Column col is at least width wide, whatever its cells (a layout that
 * must not move between days with short and long figures). */
void au_table_min_width(au_table *t, int col, int width);
/* Colours the text of one cell of the row added last (sgr: an ANSI SGR
 * sequence such as "\033[31m", borrowed), shown only when printing with
 * colour: a status word, say. */
void au_table_style(au_table *t, int col, const char *sgr);
/* Prints the table fitted to width columns (0: no limit), with ANSI
 * styles when color: bold cyan headers, bold yellow totals, dim sub rows. */
void au_table_print(FILE *f, au_table *t, bool color, int width);

/* Cells (malloc'd): "1,234"; "$1.23" ("+$1.23" with sign, "-$1.23" when
 * negative); "12.3%" ("+12.3%" with sign) from a ratio, "—" for NaN. */
char *au_cell_int(int64_t v);
char *au_cell_usd(int64_t pico, bool sign);
char *au_cell_pct(double ratio, bool sign);

/* A report's JSON (au_render_json) with more fields: extra is called at
 * the end of each row object, and with row NULL at the end of "totals";
 * it writes key/value members with w. (JSON itself is written by the one
 * writer, src/base/jsonw.h.) */
struct au_report;
struct au_row;
struct au_render_opts;
struct au_jw;
typedef void (*au_json_extra_fn)(struct au_jw *w, const struct au_row *row, void *ud);
void au_render_json_ext(FILE *f, const struct au_report *r, const struct au_render_opts *o, au_json_extra_fn extra,
			void *ud);

#endif
