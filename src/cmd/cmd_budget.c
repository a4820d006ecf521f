/*
 * aiusage budget: each configured budget's spending in its current period,
 * its limit, the share used and a projection to the period's end. With
 * --check-alerts it runs the watcher's alert check once instead (real
 * notifications, alert state in the store), for scripts and tests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "budget.h"
#include "cli.h"
#include "term.h"
#include "render.h"
#include "config.h"
#include "notify.h"
#include "team.h"

/* Team budgets' figures from the team server ([team]); NULL with a note on
 * stderr when there is no server or it cannot be read: the local budgets
 * are still shown. */
static GArray *read_team_figures(const au_config *cfg, const char *config_path, int64_t now)
{
	bool any = false;
	for (guint i = 0; i < cfg->budgets->len; i++)
		any = any || ((const au_budget *)cfg->budgets->pdata[i])->scope == AU_BUDGET_TEAM;
	if (!any)
		return NULL;
	au_team_section c = {0};
	au_team *t = NULL;
	GArray *figs = NULL;
	au_err err;
	int r = au_config_team_load(config_path, &c, &err);
	if (r == 0 && !c.configured)
		r = au_fail(&err, ENOENT, "no [team] server is configured");
	if (r == 0)
		r = au_team_connect(&c, &t, &err);
	if (r == 0)
		r = au_team_figures_read(t, cfg, now, &figs, &err);
	if (r < 0)
		fprintf(stderr, "aiusage: note: team budgets are not shown: %s\n", err.msg);
	au_team_free(t);
	au_team_section_release(&c);
	return figs;
}

static void status_clear(gpointer p)
{
	au_budget_status_release(p);
}

/* The statuses in the config's order: local ones as evaluated, team ones
 * from the server's figures (left out without them). */
static GArray *with_team(const au_config *cfg, const au_budget_rules *rules, GArray *local, const GArray *figs,
			 int64_t now)
{
	GArray *a = g_array_sized_new(FALSE, TRUE, sizeof(au_budget_status), cfg->budgets->len);
	g_array_set_clear_func(a, status_clear);
	guint li = 0;
	for (guint i = 0; i < cfg->budgets->len; i++) {
		const au_budget *b = cfg->budgets->pdata[i];
		au_budget_status st;
		if (b->scope != AU_BUDGET_TEAM) {
			st = g_array_index(local, au_budget_status, li++);
			g_array_append_val(a, st);
			continue;
		}
		int64_t start, end;
		au_period_bounds(rules->tz, b->period, rules->week_start, now, &start, &end, NULL);
		for (guint k = 0; figs && k < figs->len; k++) {
			const au_team_figure *f = &g_array_index(figs, au_team_figure, k);
			if (f->start_ms == start && strcmp(f->budget, b->name) == 0) {
				au_budget_status_from(rules, b, now, now, f->spent, f->unpriced, &st);
				g_array_append_val(a, st);
				break;
			}
		}
	}
	/* the statuses moved into a: free local's shell only */
	g_array_set_clear_func(local, NULL);
	g_array_free(local, TRUE);
	return a;
}

static void print_no_budgets(const au_config *cfg, const char *path, bool json)
{
	if (json) {
		GArray *none = g_array_new(FALSE, FALSE, sizeof(au_budget_status));
		au_budget_render_json(stdout, none, cfg->timezone ? cfg->timezone : "local");
		g_array_free(none, TRUE);
		return;
	}
	printf("No budgets configured%s%s.\n"
	       "Add a [budget NAME] section to %s; '%s config --example' shows how.\n",
	       cfg->path ? " in " : "", cfg->path ? cfg->path : "", path, au_progname);
}

static int check_alerts(au_store *s, const au_config *cfg, const char *config_path)
{
	au_notifier *n = au_notifier_new();
	int64_t next = 0, now = au_now_ms();
	au_err err;
	GArray *figs = read_team_figures(cfg, config_path, now);
	int r = au_alerts_check(s, cfg, figs, n, now, stderr, &next, &err);
	au_team_figures_free(figs);
	au_notifier_free(n);
	if (r < 0) {
		fprintf(stderr, "aiusage: budget alerts: %s\n", err.msg);
		return AU_EXIT_FAIL;
	}
	if (next) {
		GTimeZone *tz = au_config_tz(cfg);
		GDateTime *u = g_date_time_new_from_unix_utc(next / 1000);
		GDateTime *l = g_date_time_to_timezone(u, tz);
		char *t = g_date_time_format(l, "%Y-%m-%d %H:%M");
		fprintf(stderr, "aiusage: held alerts are due at %s; run this again then (the watcher does)\n", t);
		g_free(t);
		g_date_time_unref(l);
		g_date_time_unref(u);
		g_time_zone_unref(tz);
	}
	return AU_EXIT_OK;
}

enum { OPT_CHECK_ALERTS };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	const char *config_path = o.config_path;
	bool check = au_opt_own(&o, OPT_CHECK_ALERTS) != NULL;
	au_config *cfg = NULL;
	au_store *s = NULL;
	au_pricing *p = NULL;
	GArray *sts = NULL;
	au_err err;
	code = AU_EXIT_FAIL;
	GPtrArray *errors;
	if (au_config_load_all(config_path, &cfg, &errors, &err) < 0) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "aiusage: %s\n", (char *)errors->pdata[i]);
		g_ptr_array_free(errors, TRUE);
		goto out;
	}
	for (guint i = 0; i < cfg->warnings->len; i++)
		fprintf(stderr, "aiusage: warning: %s\n", (char *)cfg->warnings->pdata[i]);
	if (o.timezone) {
		GTimeZone *tz = au_cli_zone(cmd, &o, &code);
		if (!tz)
			goto out;
		g_time_zone_unref(tz);
		free(cfg->timezone);
		cfg->timezone = xstrdup(o.timezone);
	}
	if (cfg->budgets->len == 0 && !(check && cfg->limits->len > 0)) {
		char *path = config_path ? xstrdup(config_path) : au_config_default_path();
		if (!check)
			print_no_budgets(cfg, path, o.json);
		free(path);
		code = AU_EXIT_OK;
		goto out;
	}

	bool writable;
	p = au_load_pricing(&o);
	s = p ? au_open_store(&o, &writable) : NULL;
	if (!s)
		goto out;
	code = AU_EXIT_OK;
	au_scan_stats st;
	if (!au_run_scan(s, p, &o, &st, writable))
		code = AU_EXIT_FAIL;
	au_print_scan_warnings(&st, &o);
	au_scan_stats_release(&st);

	if (check) {
		if (!writable) {
			fprintf(stderr, "aiusage: budget alerts need a writable store\n");
			code = AU_EXIT_FAIL;
		} else if (check_alerts(s, cfg, config_path) != AU_EXIT_OK) {
			code = AU_EXIT_FAIL;
		}
		goto out;
	}
	au_budget_rules rules;
	au_config_rules(cfg, &rules);
	int64_t now = au_now_ms();
	int er = au_budget_evaluate_all(s, &rules, cfg->budgets, now, &sts, &err);
	if (er == 0) {
		GArray *figs = read_team_figures(cfg, config_path, now);
		sts = with_team(cfg, &rules, sts, figs, now);
		au_team_figures_free(figs);
	}
	au_budget_rules_release(&rules);
	if (er < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		code = AU_EXIT_FAIL;
		goto out;
	}
	if (o.json) {
		GTimeZone *tz = au_config_tz(cfg);
		au_budget_render_json(stdout, sts, cfg->timezone ? cfg->timezone : g_time_zone_get_identifier(tz));
		g_time_zone_unref(tz);
	} else {
		au_budget_render_table(stdout, sts, au_use_color(&o, stdout), au_terminal_width());
		au_note_price_age(&o);
	}
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;
out:
	au_budget_statuses_free(sts);
	au_store_close(s);
	au_pricing_free(p);
	au_config_free(cfg);
	au_opts_release(&o);
	return code;
}

static const au_option opt_check_alerts = {"check-alerts", 0, NULL,
					   "instead of the table, run the budget alert check once,\n"
					   "as the watcher does after each batch: notifications,\n"
					   "held alerts and their log lines on stderr",
					   AU_OWN(OPT_CHECK_ALERTS)};

#define BUDGET_SAYS "budgets say what they count in the config file"

static const au_cmd_opt options[] = {
	AU_O(AU_O_CONFIG),
	AU_OH(AU_O_TIMEZONE, "count periods in this zone instead of the config's"),
	AU_OH(AU_O_JSON, "JSON (amounts are exact decimal dollars)"),
	AU_OWN_OPT(opt_check_alerts),
	AU_OPTS_STORE,
	AU_OPTS_COLOR,
	AU_OPTS_WARN,
	AU_ONOT(AU_O_SINCE, BUDGET_SAYS),
	AU_ONOT(AU_O_UNTIL, BUDGET_SAYS),
	AU_ONOT(AU_O_PROJECT, BUDGET_SAYS),
	AU_ONOT(AU_O_SOURCE, BUDGET_SAYS),
	AU_OPTS_END,
};

const au_cmd au_cmd_budget_entry = {
	.name = "budget",
	.summary = "each budget's spending, limit and projection",
	.description = "Prints every budget of the config file ($XDG_CONFIG_HOME/aiusage/config.ini)\n"
		       "for its current day, week or month: spent, limit, percent used, and the\n"
		       "spending projected to the period's end (so far, extended linearly). Reads\n"
		       "what is new in the logs first, like the reports. A budget with scope = team\n"
		       "counts the team server's spending ([team]): every machine that pushes there.\n",
	.options = options,
	.examples = "aiusage budget --json\naiusage budget --check-alerts\n",
	.run = run,
};
