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
#include "termsafe.h"

enum {
	COL_DATE, COL_LABEL, COL_WHO, COL_MODELS, COL_INPUT, COL_OUTPUT, COL_CW, COL_CR, COL_TOTAL, COL_COST, COL_TOOL, COL_BILLED, COL_GAP,
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

typedef struct id_at {
	const char *id;
	guint row;
} id_at;

static int cmp_id_at(const void *a, const void *b)
{
	return strcmp(((const id_at *)a)->id, ((const id_at *)b)->id);
}

/*
 * Session ids are long and often share a start (Codex's are time-ordered
 * UUIDs), so the table shows each as git shows an abbreviated hash: the
 * shortest prefix, at least 8 characters, that no other id in the table
 * shares. Sorted, an id's nearest rivals are its neighbours. The same id
 * in two tools cannot be told apart by a prefix: it is shown whole.
 */
static size_t *id_prefix_lengths(const au_report *r)
{
	enum { MIN_ID = 8 };
	guint n = r->rows->len;
	size_t *len = xcalloc(n ? n : 1, sizeof(*len));
	id_at *v = xcalloc(n ? n : 1, sizeof(*v));
	for (guint i = 0; i < n; i++) {
		v[i].id = ((const au_row *)r->rows->pdata[i])->key;
		v[i].row = i;
		len[i] = MIN_ID;
	}
	qsort(v, n, sizeof(*v), cmp_id_at);
	for (guint i = 0; i + 1 < n; i++) {
		const char *a = v[i].id, *b = v[i + 1].id;
		size_t common = 0;
		while (a[common] && a[common] == b[common])
			common++;
		for (guint k = i; k <= i + 1; k++)
			if (common + 1 > len[v[k].row])
				len[v[k].row] = common + 1;
	}
	for (guint i = 0; i < n; i++) {
		const char *id = ((const au_row *)r->rows->pdata[i])->key;
		size_t full = strlen(id);
		if (len[i] > full)
			len[i] = full;
		/* never a cut inside a UTF-8 character */
		while (len[i] < full && ((unsigned char)id[len[i]] & 0xC0) == 0x80)
			len[i]++;
	}
	free(v);
	return len;
}

static char *day_cell(int64_t day)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	return xasprintf("%04d-%02u-%02u", y, m, d);
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
	bool sessions = r->group == AU_GROUP_SESSION;
	const au_tcol cols[NCOLS] = {
		/* sessions: the day of the last response, in the report's zone */
		[COL_DATE] = {.header = "Last Active", .hidden = !sessions},
		[COL_LABEL] = {.header = label_headers[r->group], .shrink_min = 10, .shrink_late = true},
		/* --by user|machine */
		[COL_WHO] = {.header = r->by && strcmp(r->by, "user") == 0 ? "User" : "Machine", .shrink_min = 8,
			     .hidden = !r->by},
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
	size_t *idlen = sessions ? id_prefix_lengths(r) : NULL;
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		trow t = {.kind = AU_TROW_NORMAL};
		if (sessions) {
			t.cell[COL_DATE] = day_cell(row->last_day);
			t.cell[COL_LABEL] = xasprintf("%s  %.*s", row->project ? row->project : "", (int)idlen[i],
						      row->key);
		} else {
			t.cell[COL_LABEL] = xstrdup(row->key);
		}
		t.cell[COL_WHO] = xstrdup(row->who ? row->who : "");
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
	/* "Total" in the first column shown */
	tot.cell[sessions ? COL_DATE : COL_LABEL] = xstrdup("Total");
	tot.cell[sessions ? COL_LABEL : COL_DATE] = xstrdup("");
	tot.cell[COL_WHO] = xstrdup("");
	tot.cell[COL_MODELS] = xstrdup("");
	fill_numbers(&tot, &r->total);
	fill_billed(&tot, r->has_billed, r->billed, r->total.cost);
	au_table_add(tab, tot.kind, tot.cell);
	free(idlen);
	au_table_print(f, tab, o->color, o->width);
	au_table_free(tab);
	if (r->unpriced_models->len) {
		fprintf(f, "* cost excludes %" PRId64 " response(s) of model(s) with no known price:",
			r->total.unpriced);
		for (guint i = 0; i < r->unpriced_models->len; i++) {
			char *name = au_term_text(r->unpriced_models->pdata[i]); /* from a log */
			fprintf(f, "%s %s", i ? "," : "", name);
			free(name);
		}
		fputs(" (add them with --pricing FILE)\n", f);
	}
	if (tool)
		fprintf(f, "Tool Cost: what the tools themselves reported, for %" PRId64 " of %" PRId64
			   " response(s); Cost (USD) is ours, from the price table.\n",
			r->total.tool_costed, r->total.responses);
}
