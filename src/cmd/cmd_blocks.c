/*
 * aiusage blocks: usage in Claude's 5-hour windows, the active block's burn
 * rate and projection; --live redraws the active block on a GLib timer until
 * Ctrl-C, scanning what the tools wrote in between.
 */
#include <glib-unix.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "insight_json.h"
#include "render.h"
#include "term.h"

static char *cell_money(int64_t pico, int64_t unpriced, int64_t requests)
{
	if (requests > 0 && unpriced == requests)
		return xstrdup("unpriced");
	char *u = au_cell_usd(pico, false);
	char *s = xasprintf("%s%s", u, unpriced ? " *" : "");
	free(u);
	return s;
}

static char *models_cell(const au_block *k)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; i < k->models->len; i++) {
		const char *m = k->models->pdata[i];
		if (strncmp(m, "claude-", 7) == 0)
			m += 7;
		size_t n = strlen(m);
		/* drop a date suffix: "sonnet-4-5-20250929" -> "sonnet-4-5" */
		if (n > 9 && m[n - 9] == '-' && strspn(m + n - 8, "0123456789") == 8)
			n -= 9;
		g_string_append_printf(g, "%s%.*s", i ? ", " : "", (int)n, m);
	}
	return g_string_free(g, FALSE);
}

static char *duration(int64_t ms)
{
	int64_t min = (ms + 59999) / 60000;
	return xasprintf("%" PRId64 "h %02" PRId64 "m", min / 60, min % 60);
}

/* The active block in words (or when the last one ended). */
static void print_active(const au_blocks *b, GTimeZone *tz)
{
	const au_block *k = b->blocks->len ? b->blocks->pdata[b->blocks->len - 1] : NULL;
	char t1[24], t2[24];
	if (!k || !k->active) {
		if (k) {
			au_format_local(tz, k->end, t1);
			printf("No active block: the last one ended %s.\n", t1);
		}
		return;
	}
	au_format_local(tz, k->start, t1);
	au_format_local(tz, k->end, t2);
	char *left = duration(k->end - b->now);
	char *tok = au_cell_int(au_tokens_total(&k->tok));
	char *cost = cell_money(k->cost, k->unpriced, k->requests);
	printf("Active block: %s to %s, %s left; so far %" PRId64 " request(s), %s tokens, %s.\n", t1, t2 + 11,
	       left, k->requests, tok, cost);
	free(left);
	free(tok);
	free(cost);
	au_format_local(tz, k->first_ts, t1);
	tok = au_cell_int(k->burn_tokens_per_min);
	cost = au_cell_usd(k->burn_cost_per_hour, false);
	printf("Burn rate since its first request (%s): %s tokens/min, %s/h.\n", t1 + 11, tok, cost);
	free(tok);
	free(cost);
	tok = au_cell_int(k->projected_tokens);
	cost = au_cell_usd(k->projected_cost, false);
	printf("Projected at its end, at that rate: %s tokens, %s%s.\n", tok, cost, k->unpriced ? " (priced requests)" : "");
	free(tok);
	free(cost);
}

static void print_table(const au_blocks *b, const au_insight_run *x)
{
	enum { C_START, C_END, C_REQ, C_TOK, C_COST, C_MODELS, NC };
	const au_tcol cols[NC] = {
		[C_START] = {.header = "Block Start"},
		[C_END] = {.header = "Block End", .drop_rank = 2},
		[C_REQ] = {.header = "Requests", .right = true, .drop_rank = 1},
		[C_TOK] = {.header = "Tokens", .right = true},
		[C_COST] = {.header = "Cost (USD)", .right = true},
		[C_MODELS] = {.header = "Models", .shrink_min = 12, .drop_rank = 3},
	};
	au_table *t = au_table_new(cols, NC);
	int64_t requests = 0, tokens = 0, cost = 0, unpriced = 0;
	for (guint i = 0; i < b->blocks->len; i++) {
		const au_block *k = b->blocks->pdata[i];
		char s[24], e[24];
		au_format_local(x->tz, k->start, s);
		au_format_local(x->tz, k->end, e);
		au_table_addv(t, AU_TROW_NORMAL, xstrdup(s), xasprintf("%s%s", e, k->active ? " (active)" : ""),
			      au_cell_int(k->requests), au_cell_int(au_tokens_total(&k->tok)),
			      cell_money(k->cost, k->unpriced, k->requests), models_cell(k));
		requests += k->requests;
		tokens += au_tokens_total(&k->tok);
		cost += k->cost;
		unpriced += k->unpriced;
	}
	au_table_addv(t, AU_TROW_TOTAL, xasprintf("Total (%u)", b->blocks->len), xstrdup(""), au_cell_int(requests),
		      au_cell_int(tokens), cell_money(cost, unpriced, requests), xstrdup(""));
	printf("5-hour blocks, times in %s:\n", x->tz_name);
	au_table_print(stdout, t, au_use_color(&x->o, stdout), au_terminal_width());
	au_table_free(t);
	if (unpriced)
		printf("* cost excludes %" PRId64 " response(s) of model(s) with no known price\n", unpriced);
	print_active(b, x->tz);
}

/* ---- --live ------------------------------------------------------------------ */

typedef struct live {
	au_insight_run *x;
	GMainLoop *loop;
	int code;
} live;

static gboolean live_draw(gpointer ud)
{
	live *l = ud;
	au_insight_run *x = l->x;
	au_scan_stats st;
	au_opts quiet = x->o;
	quiet.quiet = 1; /* warnings would scroll the screen */
	if (!au_run_scan(x->s, x->p, &quiet, &st, x->writable))
		l->code = AU_EXIT_FAIL;
	au_scan_stats_release(&st);
	const char *now = getenv("AIUSAGE_NOW");
	if (!now || !*now)
		x->now = g_get_real_time() / 1000;
	au_blocks *b;
	au_err err;
	if (au_blocks_build(x->s, &x->f, x->now, &b, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		l->code = AU_EXIT_FAIL;
		g_main_loop_quit(l->loop);
		return G_SOURCE_REMOVE;
	}
	fputs("\033[H\033[2J", stdout); /* home, clear */
	char t[24];
	au_format_local(x->tz, x->now, t);
	printf("aiusage blocks --live   %s %s   (Ctrl-C stops)\n\n", t, x->tz_name);
	if (b->blocks->len)
		print_active(b, x->tz);
	else
		printf("No usage yet.\n");
	fflush(stdout);
	au_blocks_free(b);
	return G_SOURCE_CONTINUE;
}

static gboolean live_stop(gpointer ud)
{
	g_main_loop_quit(((live *)ud)->loop);
	return G_SOURCE_CONTINUE; /* removed with the others below */
}

static int run_live(au_insight_run *x)
{
	int64_t secs = 5;
	const char *env = getenv("AIUSAGE_LIVE_SECONDS");
	if (env && (!au_parse_int64(env, &secs) || secs < 1 || secs > 3600))
		secs = 5;
	live l = {.x = x, .loop = g_main_loop_new(NULL, FALSE), .code = AU_EXIT_OK};
	live_draw(&l);
	guint timer = g_timeout_add_seconds((guint)secs, live_draw, &l);
	guint sigint = g_unix_signal_add(SIGINT, live_stop, &l);
	guint sigterm = g_unix_signal_add(SIGTERM, live_stop, &l);
	g_main_loop_run(l.loop);
	g_source_remove(timer);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	g_main_loop_unref(l.loop);
	return l.code;
}

enum { OPT_LIVE };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_insight_run x;
	int code;
	if (!au_insight_begin(cmd, argc, argv, &x, &code))
		return code;
	bool live_mode = au_opt_own(&x.o, OPT_LIVE) != NULL;
	au_blocks *b = NULL;
	code = AU_EXIT_USAGE;
	if (live_mode && x.o.json) {
		au_usage_error(cmd, "--live redraws a terminal; --json prints one snapshot");
		goto out;
	}
	if (live_mode && !isatty(STDOUT_FILENO)) {
		au_usage_error(cmd, "--live needs a terminal (without it, blocks prints once)");
		goto out;
	}
	au_team_filter tf;
	bool team, local_team;
	if (!au_team_args(cmd, &x.o, &tf, &team, &local_team, &code))
		goto out;
	code = AU_EXIT_USAGE;
	if (local_team || tf.by) {
		au_usage_error(cmd, "--user and --machine filter the team server's blocks: add --team "
				    "(a 5-hour block spans every user and machine: no --by)");
		goto out;
	}
	if (team && live_mode) {
		au_usage_error(cmd, "--live redraws this machine's active block: not with --team");
		goto out;
	}
	if (!x.o.source_given)
		x.f.source = AU_SRC_CLAUDE; /* the 5-hour windows are Claude's */
	code = AU_EXIT_FAIL;
	au_err err;
	if (team) {
		au_team_section c;
		au_team *t;
		bool ok = au_team_open(&x.o, true, &c, &t);
		if (ok && au_team_blocks_build(t, &tf, &x.f, x.now, &b, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			ok = false;
		}
		au_team_free(t);
		au_team_section_release(&c);
		if (!ok)
			goto out;
	} else {
		if (!au_insight_open(&x))
			goto out;
		if (live_mode) {
			code = run_live(&x);
			goto out;
		}
		if (au_blocks_build(x.s, &x.f, x.now, &b, &err) < 0) {
			fprintf(stderr, "aiusage: %s\n", err.msg);
			goto out;
		}
	}
	for (guint i = 0; i < b->unpriced_models->len; i++)
		au_insight_warn_unpriced(&x, b->unpriced_models->pdata[i]);
	if (x.o.json)
		au_blocks_render_json(stdout, b, x.tz, x.tz_name);
	else if (b->blocks->len == 0)
		printf("No usage in the selected period.\n");
	else {
		print_table(b, &x);
		au_note_price_age(&x.o);
	}
	code = fflush(stdout) != 0 || x.scan_failed ? AU_EXIT_FAIL : AU_EXIT_OK;
out:
	au_blocks_free(b);
	au_insight_end(&x);
	return code;
}

static const au_option opt_live = {"live", 0, NULL,
				   "redraw the active block every 5 seconds (a terminal only;\n"
				   "Ctrl-C stops; AIUSAGE_LIVE_SECONDS changes the period)",
				   AU_OWN(OPT_LIVE)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_live),
	AU_O(AU_O_SINCE),
	AU_O(AU_O_UNTIL),
	AU_O(AU_O_TIMEZONE),
	AU_OH(AU_O_SOURCE, "only one tool's usage (default claude: the 5-hour windows\nare Claude's)"),
	AU_ONOT(AU_O_PROJECT, "a 5-hour window counts every project"),
	AU_O(AU_O_JSON),
	AU_OWN_OPT(au_opt_team),
	AU_OWN_OPT(au_opt_team_user),
	AU_OWN_OPT(au_opt_team_machine),
	AU_O(AU_O_CONFIG),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_blocks_entry = {
	.name = "blocks",
	.summary = "Claude's 5-hour usage windows, burn rate and projection",
	.description = "Cuts usage into 5-hour blocks: a block starts at its first request floored to\n"
		       "the hour and ends 5 hours later; the next request after that starts a new\n"
		       "one. Prints each block's requests, tokens and cost, and for the active block\n"
		       "its burn rate (since its first request) and the totals projected to its end.\n"
		       "Only Claude Code usage unless --source says otherwise.\n",
	.options = options,
	.examples = "aiusage blocks --since 2025-11-01\naiusage blocks --live\n",
	.run = run,
};
