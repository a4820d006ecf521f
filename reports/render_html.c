/*
 * The HTML renderer: one self-contained page from an au_dash. Charts are
 * inline SVG, styles inline CSS; hovering a bar or a cell shows its exact
 * figures (an SVG <title>, the browser's own tooltip), and each chart has a
 * table under it for screen readers and for copying. The stack toggle is
 * CSS radio buttons, so the file runs no script; only the live page carries
 * one, a few lines that reload it when the server says the store changed.
 * Nothing here names a URL: a Content-Security-Policy meta tag forbids
 * every load, so the file opens offline and can be mailed.
 */
#include "dashboard.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static const char *const palette[AU_DASH_STACKS] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
};
#define OTHER_COLOUR "#a0a0a0"

/* The live page's script; the CSP allows exactly this text by its hash. */
static const char live_script[] = "(function(){if(!window.EventSource)return;"
				  "var e=new EventSource('/events');"
				  "e.addEventListener('commit',function(){location.reload();});})();";

static const char css[] =
	":root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--grid:#d1d9e0;--card:#f6f8fa;--accent:#0969da;"
	"--h0:#ebedf0;--h1:#9be9a8;--h2:#40c463;--h3:#30a14e;--h4:#216e39;color-scheme:light dark}\n"
	"@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--grid:#30363d;"
	"--card:#161b22;--accent:#4493f8;--h0:#1c2128;--h1:#0e4429;--h2:#006d32;--h3:#26a641;--h4:#39d353}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1100px;padding:16px;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
	"Roboto,sans-serif;background:var(--bg);color:var(--fg)}\n"
	"h1{font-size:1.4em;margin:0 0 2px}h2{font-size:1.1em;margin:0 0 6px}\n"
	".sub{color:var(--muted);margin:0}\n"
	".cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}\n"
	".card{background:var(--card);border-radius:6px;padding:8px 12px;flex:1 1 150px}\n"
	".card b{display:block;font-size:1.5em;font-variant-numeric:tabular-nums}\n"
	"section{margin:22px 0;break-inside:avoid}\n"
	".chart{overflow-x:auto}\n"
	/* the charts scale to the width (a phone, a printed page) rather than scroll */
	".chart svg{display:block;width:100%;height:auto}\n"
	".chart svg.cal{min-width:0;max-width:100%;width:auto}\n"
	"svg text{fill:var(--muted);font-size:11px}\n"
	"svg .grid{stroke:var(--grid);stroke-width:1}\n"
	"svg .hit{fill:transparent}svg .day:hover .hit{fill:var(--grid);opacity:.35}\n"
	"svg .line{fill:none;stroke:var(--fg);stroke-width:1.5}\n"
	"svg .l0{fill:var(--h0)}svg .l1{fill:var(--h1)}svg .l2{fill:var(--h2)}svg .l3{fill:var(--h3)}"
	"svg .l4{fill:var(--h4)}\n"
	".legend{display:flex;flex-wrap:wrap;gap:2px 14px;font-size:12px;margin:4px 0;padding:0;list-style:none}\n"
	".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}\n"
	"th,td{padding:2px 8px;text-align:right;border-bottom:1px solid var(--grid);white-space:nowrap}\n"
	"th:first-child,td:first-child,td.t,th.t{text-align:left}\n"
	"td.t{white-space:normal;overflow-wrap:anywhere;max-width:28em}\n"
	".bar{display:inline-block;height:8px;background:var(--accent);border-radius:2px;vertical-align:0}\n"
	".over .bar{background:#e15759}.warning .bar{background:#edc948}\n"
	"details{margin-top:6px}summary{cursor:pointer;color:var(--accent);font-size:12px}\n"
	".radio{position:absolute;opacity:0;pointer-events:none}\n"
	".toggle{display:flex;flex-wrap:wrap;gap:4px;margin:2px 0 8px}\n"
	".toggle label{border:1px solid var(--grid);border-radius:6px;padding:1px 10px;cursor:pointer;font-size:12px}\n"
	".stack{display:none}\n"
	"#by-model:checked~.s-model,#by-source:checked~.s-source,#by-project:checked~.s-project{display:block}\n"
	"#by-model:checked~.toggle [for=by-model],#by-source:checked~.toggle [for=by-source],"
	"#by-project:checked~.toggle [for=by-project]{background:var(--accent);border-color:var(--accent);color:#fff}\n"
	"#by-model:focus-visible~.toggle [for=by-model],#by-source:focus-visible~.toggle [for=by-source],"
	"#by-project:focus-visible~.toggle [for=by-project]{outline:2px solid var(--accent)}\n"
	".note{color:var(--muted);font-size:12px}\n"
	"footer{color:var(--muted);font-size:12px;margin-top:24px}\n"
	"@page{margin:12mm}\n"
	"@media print{body{max-width:none;padding:0;font-size:11px}.toggle,summary{display:none}"
	".stack{display:none!important}.s-model{display:block!important}"
	"section{break-inside:avoid}.card{border:1px solid #ccc}}\n"
	/* at phone width an 800-unit chart is drawn at less than half size:
	 * its labels grow to stay legible */
	"@media (max-width:480px){body{padding:10px}.card b{font-size:1.25em}.chart svg:not(.cal) text{font-size:16px}}\n";

/* ---- text ---------------------------------------------------------------- */

/* HTML-escaped text; bytes that are not UTF-8 (from a log) become U+FFFD. */
static void esc(FILE *f, const char *s)
{
	if (!s)
		return;
	char *v = g_utf8_make_valid(s, -1);
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* control characters from a log: shown, not acted on */
			if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
				fprintf(f, "\\x%02x", (unsigned char)*p);
			else
				fputc(*p, f);
		}
	}
	g_free(v);
}

void au_format_usd_grouped(int64_t pico, char *buf, size_t n)
{
	char plain[32], grouped[48];
	au_format_usd(pico < 0 ? -pico : pico, 2, plain, sizeof(plain));
	const char *dot = strchr(plain, '.');
	size_t ilen = dot ? (size_t)(dot - plain) : strlen(plain), o = 0;
	for (size_t i = 0; i < ilen; i++) {
		if (i > 0 && (ilen - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = plain[i];
	}
	grouped[o] = '\0';
	bool neg = pico < 0 && strcmp(plain, "0.00") != 0;
	snprintf(buf, n, "%s$%s%s", neg ? "-" : "", grouped, dot ? dot : "");
}

/* "$1,234.56" */
static void usd(FILE *f, int64_t pico)
{
	char b[64];
	au_format_usd_grouped(pico, b, sizeof(b));
	fputs(b, f);
}

/* The exact decimal dollars --json prints: "0.6469641". */
static void exact(FILE *f, int64_t pico)
{
	char b[48];
	au_format_decimal(pico, 12, b, sizeof(b));
	fputs(b, f);
}

static void num(FILE *f, int64_t v)
{
	char b[32];
	au_format_int(v, b, sizeof(b));
	fputs(b, f);
}

static void day_text(int64_t day, char *buf, size_t n)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

static void pct(FILE *f, double ratio)
{
	if (ratio < 0 || ratio != ratio)
		fputs("—", f);
	else
		fprintf(f, "%.1f%%", ratio * 100);
}

static const char *colour_of(const au_dash_stack *st, guint k)
{
	if (k + 1 == st->labels->len && strcmp(st->labels->pdata[k], "other") == 0 && k >= AU_DASH_STACKS - 1)
		return OTHER_COLOUR;
	return palette[k % AU_DASH_STACKS];
}

/* A "nice" axis step (1, 2 or 5 x 10^n pico-dollars or tokens) so that
 * about four steps reach max. */
static int64_t nice_step(int64_t max)
{
	if (max <= 0)
		return 1;
	int64_t raw = (max + 3) / 4, p = 1;
	while (p <= raw / 10)
		p *= 10;
	int64_t m = raw / p + (raw % p != 0);
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* An axis label for money: "$0", "$0.50", "$12", "$1.2k" */
static void usd_short(FILE *f, int64_t pico)
{
	double v = (double)pico / 1e12;
	if (v >= 1000)
		fprintf(f, "$%.1fk", v / 1000);
	else if (v >= 10 || v == (double)(int64_t)v)
		fprintf(f, "$%.0f", v);
	else if (v >= 0.1)
		fprintf(f, "$%.2f", v);
	else
		fprintf(f, "$%.3f", v);
}

#define W 800.0
#define ML 52.0 /* room for the y axis labels */
#define MR 8.0
#define PH 200.0
#define MT 8.0

/* The y grid of a money chart whose top is `top` (a multiple of step). */
static void money_grid(FILE *f, int64_t top, int64_t step, double plot_w)
{
	for (int64_t v = 0; v <= top; v += step) {
		double y = MT + PH - PH * (double)v / (double)top;
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", ML, ML + plot_w, y,
			y);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", ML - 4, y + 4);
		usd_short(f, v);
		fputs("</text>", f);
	}
}

/* Day labels under the bars: at most about ten. */
static void day_axis(FILE *f, const au_dash *d, double slot)
{
	int64_t every = (d->ndays + 9) / 10;
	for (int64_t i = 0; i < d->ndays; i += every) {
		char b[16];
		day_text(d->first_day + i, b, sizeof(b));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", ML + slot * ((double)i + 0.5),
			MT + PH + 16, b + 5);
	}
}

static void legend(FILE *f, const au_dash_stack *st)
{
	fputs("<ul class=\"legend\">", f);
	for (guint k = 0; k < st->labels->len; k++) {
		fprintf(f, "<li><span class=\"sw\" style=\"background:%s\"></span>", colour_of(st, k));
		esc(f, st->labels->pdata[k]);
		fputs("</li>", f);
	}
	fputs("</ul>", f);
}

/* The daily cost chart stacked by one key, its legend and its table. The
 * by-model one marks its days for the tests (one group per day in range). */
static void stacked_chart(FILE *f, const au_dash *d, const au_dash_stack *st, const char *id, const char *what)
{
	guint n = st->labels->len;
	int64_t max = 0;
	for (int64_t i = 0; i < d->ndays; i++) {
		const au_row *r = au_dash_day(d, d->first_day + i);
		if (r && r->t.cost > max)
			max = r->t.cost;
	}
	int64_t step = nice_step(max), top = step * 4;
	double plot_w = W - ML - MR, slot = plot_w / (double)d->ndays, bw = MAX(slot * 0.8, 0.6);
	fprintf(f, "<div class=\"chart\"><svg id=\"%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Daily cost by %s\">",
		id, W, MT + PH + 22, what);
	money_grid(f, top, step, plot_w);
	for (int64_t i = 0; i < d->ndays; i++) {
		int64_t day = d->first_day + i;
		const au_row *r = au_dash_day(d, day);
		char b[16];
		day_text(day, b, sizeof(b));
		double x = ML + slot * (double)i;
		fprintf(f, "<g class=\"day\" data-day=\"%s\" data-cost=\"", b);
		exact(f, r ? r->t.cost : 0);
		fprintf(f, "\"><title>%s: ", b);
		usd(f, r ? r->t.cost : 0);
		fputs(" ($", f);
		exact(f, r ? r->t.cost : 0);
		fputs(")", f);
		if (r)
			fprintf(f, ", %" PRId64 " responses", r->t.responses);
		const int64_t *row = st->cost + (size_t)i * n;
		for (guint k = 0; k < n; k++)
			if (row[k] > 0) {
				fputs("\n", f);
				esc(f, st->labels->pdata[k]);
				fputs(": $", f);
				exact(f, row[k]);
			}
		fprintf(f, "</title><rect class=\"hit\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\"/>", x, MT,
			slot, PH);
		double y = MT + PH;
		for (guint k = 0; k < n; k++) {
			if (row[k] <= 0)
				continue;
			double h = PH * (double)row[k] / (double)top;
			y -= h;
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
				x + (slot - bw) / 2, y, bw, h, colour_of(st, k));
		}
		fputs("</g>", f);
	}
	day_axis(f, d, slot);
	fputs("</svg></div>", f);
	legend(f, st);
	/* the table: one row per day with usage */
	fprintf(f, "<details><summary>Table: daily cost by %s</summary><div class=\"scroll\"><table><thead><tr><th>Date</th>",
		what);
	for (guint k = 0; k < n; k++) {
		fputs("<th class=\"t\">", f);
		esc(f, st->labels->pdata[k]);
		fputs("</th>", f);
	}
	fputs("<th>Total</th></tr></thead><tbody>", f);
	for (int64_t i = 0; i < d->ndays; i++) {
		const au_row *r = au_dash_day(d, d->first_day + i);
		if (!r)
			continue;
		fputs("<tr><td>", f);
		esc(f, r->key);
		fputs("</td>", f);
		for (guint k = 0; k < n; k++) {
			fputs("<td>", f);
			usd(f, st->cost[(size_t)i * n + k]);
			fputs("</td>", f);
		}
		fputs("<td>", f);
		usd(f, r->t.cost);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div></details>", f);
}

static void section_daily(FILE *f, const au_dash *d)
{
	fputs("<section id=\"daily\"><h2>Daily cost</h2>"
	      "<input class=\"radio\" type=\"radio\" name=\"stack\" id=\"by-model\" checked>"
	      "<input class=\"radio\" type=\"radio\" name=\"stack\" id=\"by-source\">"
	      "<input class=\"radio\" type=\"radio\" name=\"stack\" id=\"by-project\">"
	      "<div class=\"toggle\" role=\"group\" aria-label=\"Stack the bars by\">"
	      "<label for=\"by-model\">Model</label><label for=\"by-source\">Source</label>"
	      "<label for=\"by-project\">Project</label></div>",
	      f);
	fputs("<div class=\"stack s-model\">", f);
	stacked_chart(f, d, &d->by_model, "daily-model", "model");
	fputs("</div><div class=\"stack s-source\">", f);
	stacked_chart(f, d, &d->by_source, "daily-source", "source");
	fputs("</div><div class=\"stack s-project\">", f);
	stacked_chart(f, d, &d->by_project, "daily-project", "project");
	fputs("</div></section>\n", f);
}

/* Horizontal bars with a label each (tokens by kind). */
static void section_tokens(FILE *f, const au_dash *d)
{
	const au_tokens *t = &d->daily->total.tok;
	struct {
		const char *name;
		int64_t v;
	} k[] = {
		{"Input", t->input},
		{"Output", t->output},
		{"Cache write", t->cache_create_5m + t->cache_create_1h},
		{"Cache read", t->cache_read},
	};
	int64_t max = 1;
	for (size_t i = 0; i < G_N_ELEMENTS(k); i++)
		max = MAX(max, k[i].v);
	fputs("<section id=\"tokens\"><h2>Tokens by kind</h2><div class=\"chart\">"
	      "<svg viewBox=\"0 0 800 112\" role=\"img\" aria-label=\"Tokens by kind\">",
	      f);
	for (size_t i = 0; i < G_N_ELEMENTS(k); i++) {
		double y = 4 + 27.0 * (double)i, w = 560.0 * (double)k[i].v / (double)max;
		fprintf(f, "<g><title>%s: ", k[i].name);
		num(f, k[i].v);
		fprintf(f, " tokens</title><text x=\"96\" y=\"%.0f\" text-anchor=\"end\">%s</text>", y + 15, k[i].name);
		fprintf(f, "<rect x=\"104\" y=\"%.0f\" width=\"%.1f\" height=\"20\" fill=\"%s\"/>", y, w, palette[i]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\">", 110 + w, y + 15);
		num(f, k[i].v);
		fputs("</text></g>", f);
	}
	fputs("</svg></div><details><summary>Table: tokens by kind</summary><table><thead><tr><th>Kind</th>"
	      "<th>Tokens</th></tr></thead><tbody>",
	      f);
	for (size_t i = 0; i < G_N_ELEMENTS(k); i++) {
		fprintf(f, "<tr><td>%s</td><td>", k[i].name);
		num(f, k[i].v);
		fputs("</td></tr>", f);
	}
	fputs("<tr><td>Cache write 5m / 1h</td><td>", f);
	num(f, t->cache_create_5m);
	fputs(" / ", f);
	num(f, t->cache_create_1h);
	fputs("</td></tr><tr><td>Reasoning (inside output)</td><td>", f);
	num(f, t->reasoning);
	fputs("</td></tr></tbody></table></details></section>\n", f);
}

/* Cache: dollars saved by reads per day (bars) and the hit ratio (a line). */
static void section_cache(FILE *f, const au_dash *d)
{
	const au_cache *c = d->cache;
	int64_t max = 0;
	for (guint i = 0; i < c->rows->len; i++)
		max = MAX(max, ((au_cache_row *)c->rows->pdata[i])->f.saved);
	int64_t step = nice_step(max), top = step * 4;
	double plot_w = W - ML - 40, slot = plot_w / (double)d->ndays, bw = MAX(slot * 0.7, 0.6);
	fputs("<section id=\"cache\"><h2>Cache: hit ratio and dollars saved</h2><p class=\"note\">Over the range: hit ratio ",
	      f);
	pct(f, au_cache_hit_ratio(&c->total));
	fputs(", saved ", f);
	usd(f, c->total.saved);
	fputs(" by cache reads, spent ", f);
	usd(f, c->total.write_cost);
	fputs(" on cache writes.</p>", f);
	fprintf(f, "<div class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Cache hit ratio and "
		   "dollars saved per day\">",
		W, MT + PH + 22);
	money_grid(f, top, step, plot_w);
	for (int i = 0; i <= 4; i++)
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%d%%</text>", ML + plot_w + 4, MT + PH - PH * i / 4 + 4, i * 25);
	GString *line = g_string_new(NULL);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_cache_row *r = c->rows->pdata[i];
		int64_t day = au_dash_day_of_key(r->key);
		if (day < d->first_day || day > d->last_day)
			continue;
		double x = ML + slot * (double)(day - d->first_day), h = PH * (double)r->f.saved / (double)top;
		double ratio = au_cache_hit_ratio(&r->f);
		fprintf(f, "<g><title>%s: hit ratio ", r->key);
		pct(f, ratio);
		fputs(", saved $", f);
		exact(f, r->f.saved);
		fputs(", cache writes $", f);
		exact(f, r->f.write_cost);
		fprintf(f, "</title><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/></g>",
			x + (slot - bw) / 2, MT + PH - h, bw, h, palette[3]);
		if (ratio >= 0)
			g_string_append_printf(line, "%s%.1f,%.1f", line->len ? " " : "", x + slot / 2,
					       MT + PH - PH * ratio);
	}
	if (line->len)
		fprintf(f, "<polyline class=\"line\" points=\"%s\"/>", line->str);
	g_string_free(line, TRUE);
	day_axis(f, d, slot);
	fprintf(f, "</svg></div><ul class=\"legend\"><li><span class=\"sw\" style=\"background:%s\"></span>saved by "
		   "cache reads</li><li>— hit ratio (right axis)</li></ul>",
		palette[3]);
	fputs("<details><summary>Table: cache per day</summary><div class=\"scroll\"><table><thead><tr><th>Date</th>"
	      "<th>Hit ratio</th><th>Saved</th><th>Cache writes</th><th>Unread writes</th></tr></thead><tbody>",
	      f);
	for (guint i = 0; i < c->rows->len; i++) {
		const au_cache_row *r = c->rows->pdata[i];
		fputs("<tr><td>", f);
		esc(f, r->key);
		fputs("</td><td>", f);
		pct(f, au_cache_hit_ratio(&r->f));
		fputs("</td><td>", f);
		usd(f, r->f.saved);
		fputs("</td><td>", f);
		usd(f, r->f.write_cost);
		fputs("</td><td>", f);
		usd(f, r->f.waste_cost);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div></details></section>\n", f);
}

static gint cmp_int64(gconstpointer a, gconstpointer b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Monday = 0 ... Sunday = 6; 1970-01-01 was a Thursday. */
static int weekday(int64_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7);
}

/* A GitHub-style calendar: a column per week, a row per weekday, one cell
 * per day shaded by its cost (four levels by quartile of the days with
 * usage). */
static void section_calendar(FILE *f, const au_dash *d)
{
	int64_t start = d->first_day - weekday(d->first_day);
	int64_t weeks = (d->last_day - start) / 7 + 1;
	GArray *costs = g_array_new(FALSE, FALSE, sizeof(int64_t));
	for (int64_t day = d->first_day; day <= d->last_day; day++) {
		const au_row *r = au_dash_day(d, day);
		if (r && r->t.cost > 0)
			g_array_append_val(costs, r->t.cost);
	}
	int64_t q[3] = {0, 0, 0};
	if (costs->len) {
		g_array_sort(costs, cmp_int64);
		for (int i = 0; i < 3; i++)
			q[i] = g_array_index(costs, int64_t, (costs->len - 1) * (guint)(i + 1) / 4);
	}
	g_array_free(costs, TRUE);
	const double cell = 13, x0 = 30, y0 = 18;
	fprintf(f, "<section id=\"calendar\"><h2>Calendar</h2><div class=\"chart\"><svg class=\"cal\" viewBox=\"0 0 %.0f %.0f\" "
		   "width=\"%.0f\" role=\"img\" aria-label=\"Daily cost calendar\">",
		MAX(x0 + cell * (double)weeks + 4, 60), y0 + cell * 7 + 4, 1.5 * MAX(x0 + cell * (double)weeks + 4, 60));
	static const char *const wd[] = {"Mon", "", "Wed", "", "Fri", "", ""};
	for (int i = 0; i < 7; i++)
		if (*wd[i])
			fprintf(f, "<text x=\"0\" y=\"%.1f\">%s</text>", y0 + cell * i + 10, wd[i]);
	unsigned last_month = 0;
	for (int64_t w = 0; w < weeks; w++) {
		int y;
		unsigned m, dd;
		au_civil_from_days(MAX(start + w * 7, d->first_day), &y, &m, &dd);
		if (m != last_month) {
			static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
							     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
			fprintf(f, "<text x=\"%.1f\" y=\"11\">%s</text>", x0 + cell * (double)w, months[(m - 1) % 12]);
			last_month = m;
		}
	}
	for (int64_t day = d->first_day; day <= d->last_day; day++) {
		const au_row *r = au_dash_day(d, day);
		int64_t c = r ? r->t.cost : 0;
		int level = c <= 0 ? 0 : c <= q[0] ? 1 : c <= q[1] ? 2 : c <= q[2] ? 3 : 4;
		char b[16];
		day_text(day, b, sizeof(b));
		fprintf(f, "<rect class=\"l%d\" x=\"%.0f\" y=\"%.0f\" width=\"11\" height=\"11\" rx=\"2\"><title>%s: ", level,
			x0 + cell * (double)((day - start) / 7), y0 + cell * weekday(day), b);
		usd(f, c);
		fputs(" ($", f);
		exact(f, c);
		fputs(")</title></rect>", f);
	}
	fputs("</svg></div>", f);
	fputs("<details><summary>Table: cost per week</summary><div class=\"scroll\"><table><thead><tr><th>Week of</th>"
	      "<th>Mon</th><th>Tue</th><th>Wed</th><th>Thu</th><th>Fri</th><th>Sat</th><th>Sun</th><th>Week</th></tr>"
	      "</thead><tbody>",
	      f);
	for (int64_t w = 0; w < weeks; w++) {
		char b[16];
		day_text(start + w * 7, b, sizeof(b));
		fprintf(f, "<tr><td>%s</td>", b);
		int64_t sum = 0;
		for (int i = 0; i < 7; i++) {
			int64_t day = start + w * 7 + i;
			const au_row *r = day >= d->first_day && day <= d->last_day ? au_dash_day(d, day) : NULL;
			fputs("<td>", f);
			if (r) {
				usd(f, r->t.cost);
				sum += r->t.cost;
			}
			fputs("</td>", f);
		}
		fputs("<td>", f);
		usd(f, sum);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div></details></section>\n", f);
}

/* A share bar inside a table cell. */
static void share_bar(FILE *f, int64_t v, int64_t max)
{
	double w = max > 0 ? 100.0 * (double)v / (double)max : 0;
	fprintf(f, "<td class=\"t\" aria-hidden=\"true\" style=\"min-width:80px\"><span class=\"bar\" style=\"width:%.1f%%\"></span></td>", w);
}

#define TOP_N 10

/* Top projects, sessions or models: a table with a bar per row (the bar
 * and its figures in one, so the chart is its own table). */
static void top_table(FILE *f, const char *title, const char *key_head, GPtrArray *rows, bool session)
{
	int64_t max = 0;
	for (guint i = 0; i < rows->len && i < TOP_N; i++)
		max = MAX(max, ((au_row *)rows->pdata[i])->t.cost);
	fprintf(f, "<div class=\"top\"><h3>%s</h3><div class=\"scroll\"><table><thead><tr><th class=\"t\">%s</th>", title,
		key_head);
	if (session)
		fputs("<th class=\"t\">Project</th><th>Last day</th>", f);
	fputs("<th>Cost</th><th class=\"t\"><span class=\"note\">share</span></th><th>Tokens</th><th>Responses</th>"
	      "</tr></thead><tbody>",
	      f);
	for (guint i = 0; i < rows->len && i < TOP_N; i++) {
		const au_row *r = rows->pdata[i];
		fputs("<tr><td class=\"t\">", f);
		esc(f, session && strlen(r->key) > 12 ? "" : r->key);
		if (session && strlen(r->key) > 12) {
			fputs("<span title=\"", f);
			esc(f, r->key);
			fputs("\">", f);
			char shortid[13];
			g_strlcpy(shortid, r->key, sizeof(shortid));
			esc(f, shortid);
			fputs("…</span>", f);
		}
		fputs("</td>", f);
		if (session) {
			char b[16];
			day_text(r->last_day, b, sizeof(b));
			fputs("<td class=\"t\">", f);
			esc(f, r->project);
			fprintf(f, "</td><td>%s</td>", b);
		}
		fputs("<td>", f);
		usd(f, r->t.cost);
		fputs("</td>", f);
		share_bar(f, r->t.cost, max);
		fputs("<td>", f);
		num(f, au_tokens_total(&r->t.tok));
		fputs("</td><td>", f);
		num(f, r->t.responses);
		fputs("</td></tr>", f);
	}
	if (rows->len == 0)
		fputs("<tr><td class=\"t\">none</td></tr>", f);
	fputs("</tbody></table></div></div>", f);
}

static void section_top(FILE *f, const au_dash *d)
{
	fputs("<section id=\"top\"><h2>Top projects, sessions and models</h2>", f);
	top_table(f, "Projects", "Project", d->projects->rows, false);
	top_table(f, "Sessions", "Session", d->sessions, true);
	top_table(f, "Models", "Model", d->models->rows, false);
	fputs("</section>\n", f);
}

static void local_time(FILE *f, GTimeZone *tz, int64_t ms)
{
	GDateTime *u = g_date_time_new_from_unix_utc(ms / 1000);
	GDateTime *l = u ? g_date_time_to_timezone(u, tz) : NULL;
	char *s = l ? g_date_time_format(l, "%Y-%m-%d %H:%M") : NULL;
	fputs(s ? s : "?", f);
	g_free(s);
	if (l)
		g_date_time_unref(l);
	if (u)
		g_date_time_unref(u);
}

#define BLOCKS_SHOWN 24

static void section_blocks(FILE *f, const au_dash *d)
{
	GPtrArray *b = d->blocks->blocks;
	guint from = b->len > BLOCKS_SHOWN ? b->len - BLOCKS_SHOWN : 0;
	fputs("<section id=\"blocks\"><h2>5-hour blocks</h2>", f);
	if (b->len == 0) {
		fputs("<p class=\"note\">No Claude usage in the range.</p></section>\n", f);
		return;
	}
	int64_t max = 0;
	for (guint i = from; i < b->len; i++)
		max = MAX(max, ((au_block *)b->pdata[i])->cost);
	int64_t step = nice_step(max), top = step * 4;
	guint n = b->len - from;
	double plot_w = W - ML - MR, slot = plot_w / (double)n, bw = MAX(slot * 0.7, 0.6);
	fprintf(f, "<p class=\"note\">Claude's 5-hour windows%s, oldest first.</p>", b->len > BLOCKS_SHOWN ? " (the last 24)" : "");
	fprintf(f, "<div class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Cost per 5-hour block\">", W,
		MT + PH + 8);
	money_grid(f, top, step, plot_w);
	for (guint i = from; i < b->len; i++) {
		const au_block *k = b->pdata[i];
		double h = PH * (double)k->cost / (double)top, x = ML + slot * (double)(i - from);
		fputs("<g><title>", f);
		local_time(f, d->tz, k->start);
		fprintf(f, "%s: %" PRId64 " requests, ", k->active ? " (active)" : "", k->requests);
		num(f, au_tokens_total(&k->tok));
		fputs(" tokens, $", f);
		exact(f, k->cost);
		fprintf(f, "</title><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/></g>",
			x + (slot - bw) / 2, MT + PH - h, bw, h, k->active ? palette[1] : palette[0]);
	}
	fputs("</svg></div><details><summary>Table: 5-hour blocks</summary><div class=\"scroll\"><table><thead><tr>"
	      "<th>Start</th><th>Requests</th><th>Tokens</th><th>Cost</th><th class=\"t\">State</th></tr></thead><tbody>",
	      f);
	for (guint i = from; i < b->len; i++) {
		const au_block *k = b->pdata[i];
		fputs("<tr><td>", f);
		local_time(f, d->tz, k->start);
		fputs("</td><td>", f);
		num(f, k->requests);
		fputs("</td><td>", f);
		num(f, au_tokens_total(&k->tok));
		fputs("</td><td>", f);
		usd(f, k->cost);
		fputs("</td><td class=\"t\">", f);
		if (k->active) {
			fputs("active, projected ", f);
			usd(f, k->projected_cost);
		}
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div></details></section>\n", f);
}

static void section_budgets(FILE *f, const au_dash *d)
{
	fputs("<section id=\"budgets\"><h2>Budgets</h2>", f);
	if (!d->budgets || d->budgets->len == 0) {
		fputs("<p class=\"note\">No budgets: add a [budget NAME] group to config.ini.</p></section>\n", f);
		return;
	}
	fputs("<div class=\"scroll\"><table><thead><tr><th class=\"t\">Budget</th><th class=\"t\">Period</th><th>Spent</th>"
	      "<th>Limit</th><th class=\"t\">Progress</th><th>Used</th><th>Projected</th></tr></thead><tbody>",
	      f);
	for (guint i = 0; i < d->budgets->len; i++) {
		const au_budget_status *st = &g_array_index(d->budgets, au_budget_status, i);
		fprintf(f, "<tr class=\"%s\"><td class=\"t\">", au_level_name(st->level));
		esc(f, st->budget->name);
		fputs("</td><td class=\"t\">", f);
		esc(f, au_period_name(st->budget->period));
		fputs(" ", f);
		esc(f, st->period_key);
		fputs("</td><td>", f);
		usd(f, st->spent);
		fputs("</td><td>", f);
		usd(f, st->limit);
		fputs("</td>", f);
		fprintf(f, "<td class=\"t\" style=\"min-width:100px\"><span class=\"bar\" style=\"width:%d%%\" role=\"img\" "
			   "aria-label=\"%d%%\"></span></td><td>%d%%</td><td>",
			MIN(st->percent, 100), st->percent, st->percent);
		usd(f, st->projected);
		fputs("</td></tr>", f);
	}
	fputs("</tbody></table></div></section>\n", f);
}

/* What the providers billed beside our estimate, per day that has a bill. */
static void section_billed(FILE *f, const au_dash *d)
{
	if (!d->daily->has_billed)
		return;
	int64_t max = 0;
	for (guint i = 0; i < d->daily->rows->len; i++) {
		const au_row *r = d->daily->rows->pdata[i];
		max = MAX(max, MAX(r->t.cost, r->has_billed ? r->billed : 0));
	}
	int64_t step = nice_step(max), top = step * 4;
	double plot_w = W - ML - MR, slot = plot_w / (double)d->ndays, bw = MAX(slot * 0.4, 0.4);
	fputs("<section id=\"billed\"><h2>Billed beside estimated</h2>", f);
	fprintf(f, "<div class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Billed and estimated cost per day\">",
		W, MT + PH + 22);
	money_grid(f, top, step, plot_w);
	for (guint i = 0; i < d->daily->rows->len; i++) {
		const au_row *r = d->daily->rows->pdata[i];
		int64_t day = au_dash_day_of_key(r->key);
		if (day < d->first_day || day > d->last_day)
			continue;
		double x = ML + slot * (double)(day - d->first_day) + (slot - 2 * bw) / 2;
		double he = PH * (double)r->t.cost / (double)top, hb = r->has_billed ? PH * (double)r->billed / (double)top : 0;
		fprintf(f, "<g><title>%s: estimated $", r->key);
		exact(f, r->t.cost);
		if (r->has_billed) {
			fputs(", billed $", f);
			exact(f, r->billed);
		}
		fprintf(f, "</title><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>"
			   "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/></g>",
			x, MT + PH - he, bw, he, palette[0], x + bw, MT + PH - hb, bw, hb, palette[1]);
	}
	day_axis(f, d, slot);
	fprintf(f, "</svg></div><ul class=\"legend\"><li><span class=\"sw\" style=\"background:%s\"></span>estimated from "
		   "logs</li><li><span class=\"sw\" style=\"background:%s\"></span>billed</li></ul>",
		palette[0], palette[1]);
	fputs("<details><summary>Table: billed and estimated</summary><div class=\"scroll\"><table><thead><tr><th>Date</th>"
	      "<th>Estimated</th><th>Billed</th></tr></thead><tbody>",
	      f);
	for (guint i = 0; i < d->daily->rows->len; i++) {
		const au_row *r = d->daily->rows->pdata[i];
		fputs("<tr><td>", f);
		esc(f, r->key);
		fputs("</td><td>", f);
		usd(f, r->t.cost);
		fputs("</td><td>", f);
		if (r->has_billed)
			usd(f, r->billed);
		else
			fputs("—", f);
		fputs("</td></tr>", f);
	}
	fputs("<tr><td>Total</td><td>", f);
	usd(f, d->daily->total.cost);
	fputs("</td><td>", f);
	usd(f, d->daily->billed);
	fputs("</td></tr></tbody></table></div></details></section>\n", f);
}

/* 'sha256-BASE64' of the live script, for the CSP. */
static char *script_hash(void)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(c, (const guchar *)live_script, sizeof(live_script) - 1);
	guint8 dig[32];
	gsize len = sizeof(dig);
	g_checksum_get_digest(c, dig, &len);
	g_checksum_free(c);
	return g_base64_encode(dig, len);
}

static void header(FILE *f, const au_dash *d, const au_html_opts *o)
{
	char a[16], b[16];
	day_text(d->first_day, a, sizeof(a));
	day_text(d->last_day, b, sizeof(b));
	const au_totals *t = &d->daily->total;
	fputs("<header><h1>AI coding usage</h1><p class=\"sub\" id=\"range\">", f);
	fprintf(f, "%s to %s (", a, b);
	esc(f, d->tz_name);
	fputs(")", f);
	if (o->filters && *o->filters) {
		fputs(", ", f);
		esc(f, o->filters);
	}
	fputs("</p><div class=\"cards\"><div class=\"card\">Cost<b id=\"total-cost\" data-cost=\"", f);
	exact(f, t->cost);
	fputs("\">", f);
	usd(f, t->cost);
	fprintf(f, "</b></div><div class=\"card\">Tokens<b id=\"total-tokens\" data-tokens=\"%" PRId64 "\">",
		au_tokens_total(&t->tok));
	num(f, au_tokens_total(&t->tok));
	fprintf(f, "</b></div><div class=\"card\">Responses<b id=\"total-responses\" data-responses=\"%" PRId64 "\">",
		t->responses);
	num(f, t->responses);
	fputs("</b></div></div>", f);
	if (d->daily->unpriced_models->len) {
		fputs("<p class=\"note\">No price known for ", f);
		for (guint i = 0; i < d->daily->unpriced_models->len; i++) {
			fputs(i ? ", " : "", f);
			esc(f, d->daily->unpriced_models->pdata[i]);
		}
		fprintf(f, ": %" PRId64 " response(s) are counted but not in the cost.</p>", t->unpriced);
	}
	fputs("</header>\n", f);
}

void au_render_html(FILE *f, const au_dash *d, const au_html_opts *o)
{
	char a[16], b[16];
	day_text(d->first_day, a, sizeof(a));
	day_text(d->last_day, b, sizeof(b));
	char *hash = o->live ? script_hash() : NULL;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
	      f);
	/* Nothing may load: no script, image, font, frame or connection
	 * anywhere, except the live page's own script (by hash) talking back
	 * to its own server. Styles are inline (the SVG colours too). */
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'", f);
	if (hash)
		fprintf(f, "; script-src 'sha256-%s'; connect-src 'self'", hash);
	fputs("; base-uri 'none'; form-action 'none'\">\n", f);
	fprintf(f, "<meta name=\"generator\" content=\"aiusage %s\">\n<title>AI coding usage %s to %s</title>\n", AU_VERSION,
		a, b);
	fprintf(f, "<style>\n%s</style>\n</head><body>\n", css);
	header(f, d, o);
	fputs("<main>\n", f);
	section_daily(f, d);
	section_tokens(f, d);
	section_cache(f, d);
	section_calendar(f, d);
	section_top(f, d);
	section_blocks(f, d);
	section_budgets(f, d);
	section_billed(f, d);
	fputs("</main><footer>Made by aiusage " AU_VERSION " from the logs on this machine", f);
	if (o->live)
		fputs("; this page reloads when the store changes", f);
	fputs(".</footer>\n", f);
	if (hash)
		fprintf(f, "<script>%s</script>\n", live_script);
	fputs("</body></html>\n", f);
	g_free(hash);
}
