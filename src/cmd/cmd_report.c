/*
 * daily | weekly | monthly | session | projects (and models' plain table):
 * scan, group, render. The commands differ in their group (cmd->arg) and
 * in the options that mean something for that group.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "dayarg.h"
#include "team.h"
#include "term.h"
#include "termsafe.h"

/* Reading the team server instead of the local store (src/team), and
 * splitting or filtering by user and machine (there, or locally after an
 * import). Shared with models and blocks through cli.h. */
const au_option au_opt_team = {"team", 0, NULL, "read the team server ([team] url) instead of the local store",
			       AU_OWN(AU_OWN_TEAM)};
const au_option au_opt_team_user = {"user", 0, "NAME", "only this user's machines (with --team, or imported rows)",
				    AU_OWN(AU_OWN_TEAM_USER)};
const au_option au_opt_team_machine = {"machine", 0, "NAME", "only this machine (with --team, or imported rows)",
				       AU_OWN(AU_OWN_TEAM_MACHINE)};
const au_option au_opt_team_by = {"by", 0, "user|machine",
				  "a row per user or machine within each row's group (a column; a JSON key)",
				  AU_OWN(AU_OWN_TEAM_BY)};

bool au_team_args(const au_cmd *cmd, const au_opts *o, au_team_filter *ret_f, bool *ret_team, bool *ret_local,
		  int *ret_exit)
{
	const char *by = au_opt_own(o, AU_OWN_TEAM_BY);
	*ret_f = (au_team_filter){.user = au_opt_own(o, AU_OWN_TEAM_USER),
				  .machine = au_opt_own(o, AU_OWN_TEAM_MACHINE)};
	if (by && strcmp(by, "user") == 0) {
		ret_f->by = AU_TEAM_BY_USER;
	} else if (by && strcmp(by, "machine") == 0) {
		ret_f->by = AU_TEAM_BY_MACHINE;
	} else if (by) {
		*ret_exit = au_usage_error(cmd, "--by takes user or machine");
		return false;
	}
	*ret_team = au_opt_own(o, AU_OWN_TEAM) != NULL;
	*ret_local = !*ret_team && (by || ret_f->user || ret_f->machine);
	return true;
}

bool au_team_open(const au_opts *o, bool server, au_team_section *ret_c, au_team **ret_t)
{
	au_err err;
	*ret_t = NULL;
	if (au_config_team_load(o->config_path, ret_c, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		*ret_c = (au_team_section){0};
		return false;
	}
	if (!server)
		return true;
	if (!ret_c->configured) {
		fprintf(stderr, "aiusage: --team: no team server is configured ([team] url in config.ini, or "
				"AIUSAGE_TEAM_URL)\n");
		return false;
	}
	if (au_team_connect(ret_c, ret_t, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		return false;
	}
	return true;
}

/* The report from the team server; false after saying why. */
static bool team_report(const au_opts *o, const au_team_filter *f, const au_report_opts *ro, au_report **ret)
{
	au_team_section c;
	au_team *t = NULL;
	au_err err;
	*ret = NULL;
	bool ok = au_team_open(o, true, &c, &t);
	if (ok && au_team_report_build(t, f, ro, ret, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		ok = false;
	}
	au_team_free(t);
	au_team_section_release(&c);
	return ok;
}

/* Tells a user with no logs where we looked, and what to try. */
static void print_nothing_found(const au_scan_stats *st, bool scanned)
{
	printf("No AI coding tool usage found yet.\n");
	if (scanned && st->roots->len) {
		printf("Looked in:\n");
		for (guint i = 0; i < st->roots->len; i++) {
			au_root_info *ri = &g_array_index(st->roots, au_root_info, i);
			printf("  %-8s %s  (%s)\n", au_source_name(ri->source), ri->dir,
			       !ri->exists ? "does not exist"
			       : ri->files ? "log files found, but no usage in them"
					   : "no log files");
		}
	}
	printf("\nOnce one of these tools has run here, try again; if their data lives elsewhere,\n"
	       "'%s sources' names the variable that points aiusage at it. To see aiusage\n"
	       "at work on sample logs, run: %s demo\n",
	       au_progname, au_progname);
}

int au_cmd_report(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;

	au_report_opts ro = {
		.group = (au_group)cmd->arg,
		.since_day = INT64_MIN,
		.until_day = INT64_MAX,
		.source = o.source,
		.project = o.project,
		.full_path = o.full_path,
		.order_desc = o.order_desc,
		.week_start = o.week_start,
	};
	code = AU_EXIT_USAGE;
	if (o.with_cloud && o.project)
		fprintf(stderr, "aiusage: note: billing has no projects; --with-cloud adds nothing with --project\n");
	GTimeZone *tz = au_cli_zone(cmd, &o, &code);
	if (!tz)
		goto out_opts;
	ro.tz = tz;
	/* the dates after the zone: "today" and "-7d" are days in it */
	au_err derr;
	int64_t now;
	if (au_now_pinned(&now, &derr) < 0) {
		fprintf(stderr, "aiusage: %s\n", derr.msg);
		goto out_tz_only;
	}
	if (o.since && au_day_arg_parse(o.since, AU_DAY_SINCE, now, tz, &ro.since_day, &derr) < 0) {
		fprintf(stderr, "aiusage: --since %s\n", derr.msg);
		goto out_tz_only;
	}
	if (o.until && au_day_arg_parse(o.until, AU_DAY_UNTIL, now, tz, &ro.until_day, &derr) < 0) {
		fprintf(stderr, "aiusage: --until %s\n", derr.msg);
		goto out_tz_only;
	}
	if (ro.since_day > ro.until_day) {
		fprintf(stderr, "aiusage: --since is after --until\n");
		goto out_tz_only;
	}

	bool team, local_team;
	au_team_filter tf;
	if (!au_team_args(cmd, &o, &tf, &team, &local_team, &code))
		goto out_tz_only;
	if ((team || local_team) && o.with_cloud) {
		code = au_usage_error(cmd, "--with-cloud reads this machine's billing records: not with --team, "
					   "--by, --user or --machine");
		goto out_tz_only;
	}
	code = AU_EXIT_FAIL;
	bool writable = false;
	au_pricing *p = NULL;
	au_store *s = NULL;
	au_scan_stats st = {0};
	bool scanned = false;
	au_report *rep;
	au_err err;
	if (team) {
		if (!team_report(&o, &tf, &ro, &rep))
			goto out_tz;
		code = AU_EXIT_OK;
		goto render;
	}
	p = au_load_pricing(&o);
	s = p ? au_open_store(&o, &writable) : NULL;
	if (!s)
		goto out_tz;
	code = AU_EXIT_OK;
	scanned = !o.no_scan && writable;
	if (!au_run_scan(s, p, &o, &st, writable))
		code = AU_EXIT_FAIL; /* still report what is stored */
	au_print_scan_warnings(&st, &o);

	int br;
	if (local_team) {
		au_team_section c;
		au_team *none;
		if (!au_team_open(&o, false, &c, &none)) {
			code = AU_EXIT_FAIL;
			goto out_store;
		}
		br = au_team_local_report_build(s, &c, &tf, &ro, &rep, &err);
		au_team_section_release(&c);
	} else {
		br = au_report_build(s, &ro, &rep, &err);
	}
	if (br < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		code = AU_EXIT_FAIL;
		goto out_store;
	}
render:
	rep->tz_name = o.timezone ? o.timezone : g_time_zone_get_identifier(tz);
	if (s && o.with_cloud && au_report_add_billed(s, rep, &ro, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		code = AU_EXIT_FAIL;
	}
	if (!o.quiet)
		for (guint i = 0; i < rep->unpriced_models->len; i++) {
			char *model = au_term_text(rep->unpriced_models->pdata[i]); /* from a log */
			fprintf(stderr, "aiusage: warning: no price known for model '%s': its usage is shown unpriced\n",
				model);
			free(model);
		}

	au_render_opts rend = {.breakdown = o.breakdown};
	if (o.json) {
		au_render_json(stdout, rep, &rend);
	} else if (o.csv) {
		au_render_csv(stdout, rep, &rend);
	} else if (!s && rep->rows->len == 0 && rep->total.responses == 0) {
		printf("The team server holds no usage that matches.\n");
	} else if (rep->rows->len == 0 && rep->total.responses == 0 && !o.since && !o.until &&
		   !o.project && o.source == AU_SRC_NONE) {
		print_nothing_found(&st, scanned);
	} else if (rep->rows->len == 0 && rep->total.responses == 0) {
		au_explain_no_match(s, &o, &ro);
	} else {
		rend.color = au_use_color(&o, stdout);
		rend.width = au_terminal_width();
		au_render_table(stdout, rep, &rend);
		au_note_price_age(&o);
	}
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;
	au_report_free(rep);
out_store:
	if (s)
		au_scan_stats_release(&st);
	au_store_close(s);
out_tz:
	au_pricing_free(p);
out_tz_only:
	g_time_zone_unref(tz);
out_opts:
	au_opts_release(&o);
	return code;
}

#define REPORT_INTRO "Every report first reads what is new in the logs (an incremental scan),\nthen prints "

/* The options every report takes, around the ones its group uses. */
#define REPORT_HEAD AU_OPTS_FILTER
#define REPORT_TAIL AU_O(AU_O_CSV), AU_OPTS_TEAM, AU_O(AU_O_CONFIG), AU_OPTS_STORE, AU_OPTS_COLOR, AU_OPTS_WARN, AU_OPTS_END
#define REPORT_JSON AU_OH(AU_O_JSON, "JSON (the shape of ccusage's)")
#define REPORT_ORDER AU_OH(AU_O_ORDER, "sort order (default asc: oldest first)")
#define REPORT_BREAKDOWN AU_OH(AU_O_BREAKDOWN, "a row per model under each line (JSON always has them)")

static const au_cmd_opt day_opts[] = {
	REPORT_HEAD, REPORT_JSON, REPORT_ORDER, REPORT_BREAKDOWN, AU_O(AU_O_WITH_CLOUD), REPORT_TAIL,
};

static const au_cmd_opt week_opts[] = {
	REPORT_HEAD,	  REPORT_JSON, REPORT_ORDER, REPORT_BREAKDOWN, AU_O(AU_O_WITH_CLOUD),
	AU_O(AU_O_START_OF_WEEK), REPORT_TAIL,
};

static const au_cmd_opt session_opts[] = {
	REPORT_HEAD,
	AU_O(AU_O_FULL_PATH),
	AU_O(AU_O_JSON),
	AU_OH(AU_O_ORDER, "sort order (default asc: by last activity, oldest first)"),
	REPORT_BREAKDOWN,
	REPORT_TAIL,
};

static const au_cmd_opt projects_opts[] = {
	REPORT_HEAD,
	AU_O(AU_O_FULL_PATH),
	AU_O(AU_O_JSON),
	AU_OH(AU_O_ORDER, "sort order (default asc: the costliest first; desc reverses it)"),
	REPORT_BREAKDOWN,
	REPORT_TAIL,
};

const au_cmd au_cmd_daily_entry = {
	.name = "daily",
	.summary = "usage and cost per day",
	.description = REPORT_INTRO "one row per day in the chosen time zone.\n",
	.options = day_opts,
	.examples = "aiusage daily --since 2025-10-01 --breakdown\n"
		    "aiusage daily --with-cloud --source claude\n",
	.run = au_cmd_report,
	.arg = AU_GROUP_DAY,
};

const au_cmd au_cmd_weekly_entry = {
	.name = "weekly",
	.summary = "usage and cost per week",
	.description = REPORT_INTRO "one row per week, labelled by its first day.\n",
	.options = week_opts,
	.examples = "aiusage weekly --start-of-week sunday\n",
	.run = au_cmd_report,
	.arg = AU_GROUP_WEEK,
};

const au_cmd au_cmd_monthly_entry = {
	.name = "monthly",
	.summary = "usage and cost per month",
	.description = REPORT_INTRO "one row per calendar month.\n",
	.options = day_opts,
	.examples = "aiusage monthly --json\n",
	.run = au_cmd_report,
	.arg = AU_GROUP_MONTH,
};

const au_cmd au_cmd_session_entry = {
	.name = "session",
	.summary = "usage and cost per session",
	.description = REPORT_INTRO "one row per tool session, oldest first.\n",
	.options = session_opts,
	.examples = "aiusage session --source codex -o desc\n",
	.run = au_cmd_report,
	.arg = AU_GROUP_SESSION,
};

const au_cmd au_cmd_projects_entry = {
	.name = "projects",
	.summary = "usage and cost per project",
	.description = REPORT_INTRO "one row per project (git repository or working directory).\n",
	.options = projects_opts,
	.examples = "aiusage projects --since 20251101 --full-path\n",
	.run = au_cmd_report,
	.arg = AU_GROUP_PROJECT,
};
