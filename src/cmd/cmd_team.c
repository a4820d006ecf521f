/*
 * aiusage team push | status: the PostgreSQL server a team (or one person's
 * several machines) shares. push scans, then sends every row the server
 * does not have yet (src/team); status shows what the server holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "jsonw.h"
#include "team.h"

/* [team] of the config (or $AIUSAGE_TEAM_URL); false after saying why. */
static bool load_team(const au_cmd *cmd, const au_opts *o, au_team_section *ret)
{
	au_err err;
	char title[64];
	if (au_config_team_load(o->config_path, ret, &err) < 0) {
		fprintf(stderr, "aiusage %s: %s\n", au_cmd_title(cmd, title, sizeof(title)), err.msg);
		return false;
	}
	if (!ret->configured) {
		fprintf(stderr,
			"aiusage %s: no team server is configured: add a [team] section with url = "
			"postgresql://HOST/DB to config.ini, or set AIUSAGE_TEAM_URL\n",
			au_cmd_title(cmd, title, sizeof(title)));
		au_team_section_release(ret);
		return false;
	}
	return true;
}

static int run_push(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	code = AU_EXIT_FAIL;
	au_team_section c = {0};
	au_pricing *p = NULL;
	au_store *s = NULL;
	au_team *t = NULL;
	bool writable = false;
	au_err err;
	if (!load_team(cmd, &o, &c))
		goto out;
	if (!(p = au_load_pricing(&o)) || !(s = au_open_store(&o, &writable)))
		goto out;
	if (!writable) {
		fprintf(stderr, "aiusage team push: the store is not writable (the push keeps its watermark there)\n");
		goto out;
	}
	au_scan_stats st;
	if (!au_run_scan(s, p, &o, &st, writable))
		goto out;
	au_print_scan_warnings(&st, &o);
	if (au_team_connect(&c, &t, &err) < 0) {
		fprintf(stderr, "aiusage team push: %s\n", err.msg);
		goto out;
	}
	au_team_push_result res;
	if (au_team_push(t, s, &c, &res, &err) < 0) {
		fprintf(stderr, "aiusage team push: %s\n", err.msg);
		goto out;
	}
	if (!o.quiet)
		printf("pushed to %s as %s on %s: %" PRId64 " row(s) sent, %" PRId64 " withdrawn%s\n",
		       au_team_server(t), c.user, c.machine, res.sent, res.withdrawn,
		       res.full ? " (every row: the server did not have this machine's watermark)" : "");
	code = AU_EXIT_OK;
out:
	au_team_free(t);
	au_store_close(s);
	au_pricing_free(p);
	au_team_section_release(&c);
	au_opts_release(&o);
	return code;
}

static void format_time(int64_t ms, char *buf, size_t n)
{
	if (!ms) {
		snprintf(buf, n, "never");
		return;
	}
	GDateTime *d = g_date_time_new_from_unix_utc(ms / 1000);
	gchar *s = d ? g_date_time_format(d, "%Y-%m-%d %H:%M:%SZ") : NULL;
	snprintf(buf, n, "%s", s ? s : "?");
	g_free(s);
	if (d)
		g_date_time_unref(d);
}

static int run_status(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	code = AU_EXIT_FAIL;
	au_team_section c = {0};
	au_team *t = NULL;
	au_team_status *st = NULL;
	au_err err;
	if (!load_team(cmd, &o, &c))
		goto out;
	if (au_team_connect(&c, &t, &err) < 0 || au_team_status_get(t, &st, &err) < 0) {
		fprintf(stderr, "aiusage team status: %s\n", err.msg);
		goto out;
	}
	if (o.json) {
		au_jw w;
		au_jw_init_file(&w, stdout);
		au_jw_obj_begin(&w);
		au_jw_kstr(&w, "server", st->server);
		au_jw_kint(&w, "schemaVersion", st->schema_version);
		au_jw_kint(&w, "rows", st->rows);
		au_jw_key(&w, "machines");
		au_jw_arr_begin(&w);
		for (guint i = 0; i < st->machines->len; i++) {
			const au_team_machine *m = st->machines->pdata[i];
			char last[32];
			format_time(m->last_push_ms, last, sizeof(last));
			au_jw_newline(&w);
			au_jw_obj_begin(&w);
			au_jw_kstr(&w, "user", m->user);
			au_jw_kstr(&w, "machine", m->machine);
			au_jw_kstr(&w, "machineId", m->machine_id);
			au_jw_kstr(&w, "lastPush", m->last_push_ms ? last : NULL);
			au_jw_kint(&w, "rows", m->rows);
			au_jw_obj_end(&w);
		}
		au_jw_newline(&w);
		au_jw_arr_end(&w);
		au_jw_obj_end(&w);
		au_jw_newline(&w);
		if (au_jw_finish(&w) < 0)
			goto out;
	} else {
		printf("server: %s (schema version %d), %" PRId64 " row(s)\n", st->server, st->schema_version, st->rows);
		printf("%-16s %-20s %-20s %12s  %s\n", "user", "machine", "last push (UTC)", "rows", "machine id");
		for (guint i = 0; i < st->machines->len; i++) {
			const au_team_machine *m = st->machines->pdata[i];
			char last[32];
			format_time(m->last_push_ms, last, sizeof(last));
			printf("%-16s %-20s %-20s %12" PRId64 "  %.8s\n", m->user, m->machine, last, m->rows, m->machine_id);
		}
	}
	code = AU_EXIT_OK;
out:
	au_team_status_free(st);
	au_team_free(t);
	au_team_section_release(&c);
	au_opts_release(&o);
	return code;
}

#define TEAM_ENV                                                                                 \
	"Environment:\n"                                                                         \
	"  AIUSAGE_TEAM_URL  the server (over [team] url), e.g. postgresql://db.example/aiusage\n" \
	"  PGPASSWORD, PGPASSFILE, PGSSLMODE, ...  libpq's own settings, passwords included\n"

static const au_cmd_opt push_opts[] = {
	AU_OH(AU_O_CONFIG, "the config file ([team] url, user, machine, projects, key_command)"),
	AU_OPTS_STORE,
	AU_OH(AU_O_QUIET, "no summary line"),
	AU_O(AU_O_VERBOSE),
	AU_OPTS_END,
};

static const au_cmd push_cmd = {
	.name = "push",
	.parent = "team",
	.summary = "send this machine's usage rows to the team server",
	.description = "Scans, then sends every row the server does not have yet: new rows, rows the\n"
		       "store replaced with a better copy, and rows it withdrew. Rows are keyed on the\n"
		       "server by (machine id, dedup key), so pushing again, or after a push cut off\n"
		       "half way, never counts anything twice. The schema is created on first use.\n"
		       "When the server cannot be reached the push fails (exit 1) and nothing is lost:\n"
		       "the next push sends what this one could not.\n\n" TEAM_ENV,
	.options = push_opts,
	.examples = "aiusage team push\nAIUSAGE_TEAM_URL=postgresql://db.example/aiusage aiusage team push\n",
	.run = run_push,
};

static const au_cmd_opt status_opts[] = {
	AU_OH(AU_O_CONFIG, "the config file ([team] url, ...)"),
	AU_O(AU_O_JSON),
	AU_OPTS_END,
};

static const au_cmd status_cmd = {
	.name = "status",
	.parent = "team",
	.summary = "show the team server, its schema version and every machine's last push",
	.description = "Shows the server, the schema version, and each machine with its user, its\n"
		       "last push and how many rows the server holds for it.\n\n" TEAM_ENV,
	.options = status_opts,
	.examples = "aiusage team status\naiusage team status --json\n",
	.run = run_status,
};

static const au_cmd *const subcommands[] = {&push_cmd, &status_cmd, NULL};

const au_cmd au_cmd_team_entry = {
	.name = "team",
	.summary = "share usage across people and machines through a PostgreSQL server",
	.description = "Pushes this machine's usage rows to a PostgreSQL server ([team] in config.ini,\n"
		       "or AIUSAGE_TEAM_URL) so that reports with --team cover every person and\n"
		       "machine. The local store stays the source of truth.\n\n" TEAM_ENV,
	.examples = "aiusage team push\naiusage team status\naiusage daily --team --by user\n",
	.subcommands = subcommands,
};
