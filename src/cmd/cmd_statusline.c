/*
 * aiusage statusline: the command Claude Code runs for its status line.
 * It reads the JSON Claude Code sends on stdin, brings in only the new
 * bytes of that session's transcript, records the rate limits it was
 * given, and prints one line from the store's aggregate buckets (never a
 * full scan, never the whole usage table). Whatever goes wrong, it prints
 * a line and exits 0: an error must not land in the user's prompt bar.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "dayarg.h"
#include "insights.h"
#include "limit_view.h"
#include "queries.h"
#include "termsafe.h"

#define STDIN_CAP (1u << 20) /* Claude Code's input is a few KiB */
#define DAY_MS INT64_C(86400000)

/* What the line shows; a NULL/negative field is unknown and shown as "-". */
typedef struct sl_figs {
	char model[128];
	char cwd[512];
	int64_t session_cost, today_cost; /* pico, -1 unknown */
	int64_t block_left_ms, block_burn; /* burn: pico per hour; -1 unknown */
	double context_pct;               /* -1 unknown */
	double five_hour, seven_day;       /* -1 unknown */
	int64_t five_hour_reset, seven_day_reset; /* ms, -1 unknown */
} sl_figs;

static size_t read_stdin(char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

static bool num(json_t *v, double *ret)
{
	if (!json_is_number(v))
		return false;
	*ret = json_number_value(v);
	return isfinite(*ret);
}

/* resets_at as Claude Code sends it: epoch seconds (or ms), or ISO 8601. */
static int64_t reset_ms(json_t *v)
{
	double d;
	if (num(v, &d) && d > 0)
		return d > 1e11 ? (int64_t)d : (int64_t)(d * 1000);
	int64_t ms;
	const char *s = json_string_value(v);
	if (s && au_parse_iso8601_ms(s, strlen(s), &ms) == 0)
		return ms;
	return -1;
}

/* rate_limits.{five_hour,seven_day}: shown, and kept in the store. */
static void take_window(au_store *s, json_t *rl, const char *name, int32_t minutes, int64_t now, double *ret_pct,
			int64_t *ret_reset)
{
	json_t *w = json_object_get(rl, name);
	double pct;
	if (!json_is_object(w) || !(num(json_object_get(w, "used_percentage"), &pct) ||
				    num(json_object_get(w, "used_percent"), &pct)))
		return;
	if (pct < 0 || pct > 1000)
		return;
	*ret_pct = pct;
	*ret_reset = reset_ms(json_object_get(w, "resets_at"));
	if (!s)
		return;
	au_limit lim = {.source = AU_SRC_CLAUDE, .window_minutes = minutes, .used_percent = pct,
			.resets_at_ms = *ret_reset, .observed_ms = now};
	g_strlcpy(lim.window, name, sizeof(lim.window));
	au_err err = {{0}};
	(void)au_store_limit_put(s, &lim, "statusline", &err);
}

/* The context window's use: used_percentage when given, else the tokens
 * of the current usage over the window's size. */
static double context_pct(json_t *cw)
{
	double v, size;
	if (!json_is_object(cw))
		return -1;
	if (num(json_object_get(cw, "used_percentage"), &v))
		return v;
	json_t *cu = json_object_get(cw, "current_usage");
	if (json_is_object(cu) && num(json_object_get(cw, "context_window_size"), &size) && size > 0) {
		double t = 0, x;
		const char *keys[] = {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"};
		for (size_t i = 0; i < 3; i++)
			if (num(json_object_get(cu, keys[i]), &x))
				t += x;
		return t * 100.0 / size;
	}
	return -1;
}

static int64_t local_midnight(int64_t now)
{
	GTimeZone *tz = g_time_zone_new_local();
	GDateTime *dt = g_date_time_new_from_unix_utc(now / 1000);
	GDateTime *loc = g_date_time_to_timezone(dt, tz);
	GDateTime *mid = g_date_time_new(tz, g_date_time_get_year(loc), g_date_time_get_month(loc),
					 g_date_time_get_day_of_month(loc), 0, 0, 0);
	int64_t ms = mid ? g_date_time_to_unix(mid) * 1000 : now - now % DAY_MS;
	if (mid)
		g_date_time_unref(mid);
	g_date_time_unref(loc);
	g_date_time_unref(dt);
	g_time_zone_unref(tz);
	return ms;
}

/* The store's figures: this session's cost (its last 14 days), today's,
 * and the active 5-hour block from Claude's buckets of the last day. */
static void store_figs(au_store *s, const char *session, int64_t now, sl_figs *f)
{
	au_err err = {{0}};
	au_store_iter *it;
	au_agg_row row;
	if (session && *session && au_store_agg_since_iter(s, now - 14 * DAY_MS, NULL, session, &it, &err) == 0) {
		f->session_cost = 0;
		while (au_store_agg_next(it, &row, &err) > 0)
			f->session_cost += row.cost;
		au_store_iter_free(it);
	}
	if (au_store_agg_since_iter(s, local_midnight(now), NULL, NULL, &it, &err) == 0) {
		f->today_cost = 0;
		while (au_store_agg_next(it, &row, &err) > 0)
			f->today_cost += row.cost;
		au_store_iter_free(it);
	}
	if (au_store_agg_since_iter(s, now - DAY_MS, "claude", NULL, &it, &err) == 0) {
		au_blocks *b = au_blocks_new(now);
		while (au_store_agg_next(it, &row, &err) > 0)
			au_blocks_add(b, row.first_ts, row.model, &row.tok, row.cost);
		au_store_iter_free(it);
		au_blocks_finish(b);
		for (guint i = 0; i < b->blocks->len; i++) {
			const au_block *k = b->blocks->pdata[i];
			if (k->active) {
				f->block_left_ms = k->end - now;
				f->block_burn = k->burn_cost_per_hour;
			}
		}
		au_blocks_free(b);
	}
}

static void money(int64_t pico, char *buf, size_t n)
{
	if (pico < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "$%.2f", (double)pico / 1e12);
}

static void pct(double v, char *buf, size_t n)
{
	if (v < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.0f%%", v);
}

/* Green under 50 %, yellow under 80 %, red from 80 %. */
static const char *pct_color(double v)
{
	return v < 0 ? "" : v < 50 ? "\033[32m" : v < 80 ? "\033[33m" : "\033[31m";
}

/* Text from stdin made safe for a terminal (control bytes as \xNN). */
static void safe_copy(char *dst, size_t cap, const char *s)
{
	char *t = au_term_text(s);
	g_strlcpy(dst, t, cap);
	free(t);
}

typedef struct sl_field {
	const char *name;
	char text[96];
	double level; /* for colour; -1 none */
} sl_field;

static void fields(const sl_figs *f, int64_t now, sl_field out[12])
{
	static const char *const names[] = {"model",     "session_cost", "today_cost", "block_left",
					    "block_burn", "context",      "five_hour",  "seven_day",
					    "five_hour_reset", "seven_day_reset", "cwd", NULL};
	for (int i = 0; names[i]; i++) {
		out[i].name = names[i];
		out[i].level = -1;
		snprintf(out[i].text, sizeof(out[i].text), "-");
	}
	out[11].name = NULL;
	if (f->model[0])
		safe_copy(out[0].text, sizeof(out[0].text), f->model);
	money(f->session_cost, out[1].text, sizeof(out[1].text));
	money(f->today_cost, out[2].text, sizeof(out[2].text));
	if (f->block_left_ms >= 0)
		au_fmt_duration(f->block_left_ms, out[3].text, sizeof(out[3].text));
	if (f->block_burn >= 0)
		snprintf(out[4].text, sizeof(out[4].text), "$%.2f/h", (double)f->block_burn / 1e12);
	pct(f->context_pct, out[5].text, sizeof(out[5].text));
	out[5].level = f->context_pct;
	pct(f->five_hour, out[6].text, sizeof(out[6].text));
	out[6].level = f->five_hour;
	pct(f->seven_day, out[7].text, sizeof(out[7].text));
	out[7].level = f->seven_day;
	if (f->five_hour_reset >= 0)
		au_fmt_duration(f->five_hour_reset - now, out[8].text, sizeof(out[8].text));
	if (f->seven_day_reset >= 0)
		au_fmt_duration(f->seven_day_reset - now, out[9].text, sizeof(out[9].text));
	if (f->cwd[0])
		safe_copy(out[10].text, sizeof(out[10].text), f->cwd);
}

static void put_field(GString *g, const sl_field *fl, bool color)
{
	const char *c = color ? pct_color(fl->level) : "";
	g_string_append(g, c);
	g_string_append(g, fl->text);
	if (*c)
		g_string_append(g, "\033[0m");
}

/* {name} is replaced by the field; {{ and }} are braces; an unknown name
 * is kept as written. */
static void render_template(GString *g, const char *tpl, const sl_field *fl, bool color)
{
	for (const char *p = tpl; *p;) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			g_string_append_c(g, *p);
			p += 2;
			continue;
		}
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		bool done = false;
		for (int i = 0; close && fl[i].name; i++)
			if ((size_t)(close - p - 1) == strlen(fl[i].name) && strncmp(p + 1, fl[i].name, strlen(fl[i].name)) == 0) {
				put_field(g, &fl[i], color);
				p = close + 1;
				done = true;
				break;
			}
		if (!done)
			g_string_append_c(g, *p++);
	}
}

/* The default line: the parts that are known, separated by " | ". */
static void render_default(GString *g, const sl_figs *f, const sl_field *fl, bool color)
{
	const char *sep = "";
	g_string_append(g, fl[0].text);
	sep = " | ";
	g_string_append_printf(g, "%ssession %s", sep, fl[1].text);
	g_string_append_printf(g, "%stoday %s", sep, fl[2].text);
	if (f->block_left_ms >= 0)
		g_string_append_printf(g, "%sblock %s left, %s", sep, fl[3].text, fl[4].text);
	if (f->context_pct >= 0) {
		g_string_append_printf(g, "%sctx ", sep);
		put_field(g, &fl[5], color);
	}
	if (f->five_hour >= 0) {
		g_string_append_printf(g, "%s5h ", sep);
		put_field(g, &fl[6], color);
		if (f->five_hour_reset >= 0)
			g_string_append_printf(g, " (%s)", fl[8].text);
	}
	if (f->seven_day >= 0) {
		g_string_append_printf(g, "%s7d ", sep);
		put_field(g, &fl[7], color);
		if (f->seven_day_reset >= 0)
			g_string_append_printf(g, " (%s)", fl[9].text);
	}
}


static au_option opt_format = {"format", 0, "TEMPLATE",
			       "the line as a template: {model} {session_cost} {today_cost} {block_left}\n"
			       "{block_burn} {context} {five_hour} {seven_day} {five_hour_reset}\n"
			       "{seven_day_reset} {cwd}; unknown values show as -",
			       AU_OWN(0)};

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code == AU_EXIT_OK ? code : AU_EXIT_USAGE;
	sl_figs f = {.session_cost = -1, .today_cost = -1, .block_left_ms = -1, .block_burn = -1,
		     .context_pct = -1, .five_hour = -1, .seven_day = -1, .five_hour_reset = -1,
		     .seven_day_reset = -1};
	int64_t now;
	au_err err = {{0}};
	if (au_now_pinned(&now, &err) < 0)
		now = g_get_real_time() / 1000;

	char *buf = xmalloc(STDIN_CAP + 1);
	size_t n = read_stdin(buf, STDIN_CAP);
	buf[n] = '\0';
	json_error_t jerr;
	json_t *in = n ? json_loadb(buf, n, 0, &jerr) : NULL;
	free(buf);
	if (!json_is_object(in)) {
		json_decref(in);
		in = NULL;
	}
	const char *session = in ? json_string_value(json_object_get(in, "session_id")) : NULL;
	const char *transcript = in ? json_string_value(json_object_get(in, "transcript_path")) : NULL;
	json_t *model = in ? json_object_get(in, "model") : NULL;
	const char *mname = json_string_value(json_object_get(model, "display_name"));
	if (!mname)
		mname = json_string_value(json_object_get(model, "id"));
	if (mname)
		g_strlcpy(f.model, mname, sizeof(f.model));
	const char *cwd = in ? json_string_value(json_object_get(in, "cwd")) : NULL;
	if (!cwd)
		cwd = json_string_value(json_object_get(json_object_get(in, "workspace"), "current_dir"));
	if (cwd)
		g_strlcpy(f.cwd, cwd, sizeof(f.cwd));
	f.context_pct = context_pct(in ? json_object_get(in, "context_window") : NULL);

	/* the store, quietly: a missing or busy store still gives a line */
	char *db = o.db_path ? xstrdup(o.db_path) : au_default_db_path();
	au_store *s = NULL;
	if (au_store_open(db, false, &s, &err) < 0)
		s = NULL;
	if (s)
		au_store_defer_checkpoint(s);
	free(db);
	json_t *rl = in ? json_object_get(in, "rate_limits") : NULL;
	if (s && au_store_begin(s, &err) < 0) {
		au_store_close(s);
		s = NULL;
	}
	if (s && transcript && *transcript == '/' && !o.no_scan) {
		/* only the new bytes of this one transcript */
		au_pricing *p = au_load_pricing(&o);
		if (p) {
			au_scan_opts so = {.only = AU_SRC_CLAUDE, .threads = 1};
			au_scan_stats st;
			au_scan_stats_init(&st);
			char *paths[] = {(char *)transcript};
			au_source srcs[] = {AU_SRC_CLAUDE};
			au_store_commit(s, &err); /* au_scan_files runs its own transaction */
			(void)au_scan_files(s, p, &so, paths, srcs, 1, &st, &err);
			au_scan_stats_release(&st);
			au_pricing_free(p);
			au_store_begin(s, &err);
		}
	}
	take_window(s, rl, "five_hour", 300, now, &f.five_hour, &f.five_hour_reset);
	take_window(s, rl, "seven_day", 10080, now, &f.seven_day, &f.seven_day_reset);
	if (s) {
		if (au_store_commit(s, &err) < 0)
			au_store_rollback(s);
		store_figs(s, session, now, &f);
		au_store_close(s);
	}
	json_decref(in);

	bool color = o.color == 1 && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	sl_field fl[12];
	fields(&f, now, fl);
	GString *g = g_string_new(NULL);
	const char *tpl = au_opt_own(&o, 0);
	if (tpl)
		render_template(g, tpl, fl, color);
	else
		render_default(g, &f, fl, color);
	printf("%s\n", g->str);
	fflush(stdout);
	g_string_free(g, TRUE);
	au_opts_release(&o);
	return AU_EXIT_OK;
}

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_format),
	AU_OH(AU_O_COLOR, "colour the percentages (green, yellow from 50 %, red from 80 %); NO_COLOR wins"),
	AU_O(AU_O_NO_COLOR),
	AU_OH(AU_O_NO_SCAN, "do not read the transcript's new lines"),
	AU_O(AU_O_DB),
	AU_O(AU_O_PRICING),
	AU_OPTS_END,
};

const au_cmd au_cmd_statusline_entry = {
	.name = "statusline",
	.summary = "one status line for Claude Code's statusLine command (JSON on stdin)",
	.description =
		"Reads the JSON Claude Code passes to a statusLine command on stdin and prints\n"
		"one line: the model, this session's cost and today's (ours, from the store), the\n"
		"active 5-hour block's time left and burn rate, the context window used, and the\n"
		"5-hour and 7-day plan windows when Claude Code sends them (they are recorded for\n"
		"`aiusage limits`). It reads only the store and the new lines of that session's\n"
		"transcript. Bad or empty input still prints a line, and it always exits 0.\n",
	.options = options,
	.examples = "aiusage statusline --format '{model} {session_cost} 5h:{five_hour}'\n",
	.run = run,
};
