/*
 * aiusage export FILE / aiusage import FILE: the team's rows without a
 * server. export writes every row with its machine id (src/team's file
 * format, in the README); import merges such a file, idempotently.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "team.h"

static int run_export(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	if (o.nargs != 1) {
		au_opts_release(&o);
		return au_usage_error(cmd, "which file? (aiusage export FILE)");
	}
	code = AU_EXIT_FAIL;
	au_team_section c = {0};
	au_pricing *p = NULL;
	au_store *s = NULL;
	bool writable = false;
	au_err err;
	if (au_config_team_load(o.config_path, &c, &err) < 0) {
		fprintf(stderr, "aiusage export: %s\n", err.msg);
		goto out;
	}
	if (!(p = au_load_pricing(&o)) || !(s = au_open_store(&o, &writable)))
		goto out;
	au_scan_stats st;
	if (!au_run_scan(s, p, &o, &st, writable))
		goto out;
	au_print_scan_warnings(&st, &o);
	au_team_file_result res;
	if (au_team_export(s, &c, o.args[0], &res, &err) < 0) {
		fprintf(stderr, "aiusage export: %s\n", err.msg);
		goto out;
	}
	if (!o.quiet)
		fprintf(stderr, "aiusage: exported %" PRId64 " row(s) to %s\n", res.rows, o.args[0]);
	code = AU_EXIT_OK;
out:
	au_store_close(s);
	au_pricing_free(p);
	au_team_section_release(&c);
	au_opts_release(&o);
	return code;
}

static int run_import(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	if (o.nargs != 1) {
		au_opts_release(&o);
		return au_usage_error(cmd, "which file? (aiusage import FILE)");
	}
	code = AU_EXIT_FAIL;
	au_store *s = NULL;
	bool writable = false;
	au_err err;
	if (!(s = au_open_store(&o, &writable)))
		goto out;
	if (!writable) {
		fprintf(stderr, "aiusage import: the store is not writable\n");
		goto out;
	}
	au_team_file_result res;
	if (au_team_import(s, o.args[0], &res, &err) < 0) {
		fprintf(stderr, "aiusage import: %s\n", err.msg);
		goto out;
	}
	if (!o.quiet)
		fprintf(stderr,
			"aiusage: imported %" PRId64 " row(s) of %d other machine(s) from %s: %" PRId64
			" new or changed, %" PRId64 " withdrawn\n",
			res.rows, res.machines, o.args[0], res.changed, res.removed);
	code = AU_EXIT_OK;
out:
	au_store_close(s);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt export_opts[] = {
	AU_OH(AU_O_CONFIG, "the config file ([team] machine, user, projects)"),
	AU_OPTS_STORE,
	AU_OH(AU_O_QUIET, "no summary line"),
	AU_O(AU_O_VERBOSE),
	AU_OPTS_END,
};

const au_cmd au_cmd_export_entry = {
	.name = "export",
	.summary = "write every usage row with its machine id to a file (no server needed)",
	.args = "FILE",
	.max_args = 1,
	.description = "Scans, then writes every row of the store to FILE as JSON Lines: a header\n"
		       "naming the machines, then one row per line with its machine id, dedup key,\n"
		       "time, tool, session, project (as [team] projects says), model, tokens and\n"
		       "costs in pico-dollars. Never message text. 'aiusage import FILE' on another\n"
		       "machine merges it.\n",
	.options = export_opts,
	.examples = "aiusage export laptop.jsonl\n",
	.run = run_export,
};

static const au_cmd_opt import_opts[] = {
	AU_O(AU_O_DB),
	AU_OH(AU_O_QUIET, "no summary line"),
	AU_OPTS_END,
};

const au_cmd au_cmd_import_entry = {
	.name = "import",
	.summary = "merge another machine's export file into the store",
	.args = "FILE",
	.max_args = 1,
	.description = "Merges a file 'aiusage export' wrote. Each machine's rows replace what an\n"
		       "earlier import of that machine brought, so importing the same file twice\n"
		       "changes nothing; this machine's own rows in the file are skipped. Reports\n"
		       "then count every machine.\n",
	.options = import_opts,
	.examples = "aiusage import laptop.jsonl && aiusage daily\n",
	.run = run_import,
};
