/*
 * What every subcommand shares: the command table entry, parsed common
 * options, and helpers to open the store, load prices and run the
 * incremental scan with its warnings printed the same way everywhere.
 */
#ifndef AU_CLI_H
#define AU_CLI_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

#include "insights.h"
#include "parser.h"
#include "pricing.h"
#include "report.h"
#include "scan.h"
#include "store.h"

/* Exit codes: documented in --help. */
enum { AU_EXIT_OK = 0, AU_EXIT_FAIL = 1, AU_EXIT_USAGE = 2 };

typedef struct au_cmd {
	const char *name;
	int (*run)(const struct au_cmd *cmd, int argc, char **argv);
	const char *summary;
	const char *usage; /* the long help text */
	int arg;           /* per-command constant (the report group) */
} au_cmd;

extern const au_cmd au_commands[];
/* How the user invoked us, for suggested commands ("./build/aiusage"). */
extern const char *au_progname;

/* Common options, filled by au_parse_options. */
typedef struct au_opts {
	char *db_path;
	char *pricing_file;
	bool no_scan;
	bool json, csv;
	bool breakdown, full_path, order_desc;
	bool with_cloud;
	int color; /* -1 auto, 0 never, 1 always */
	int verbose, quiet;
	char *since, *until, *timezone, *project;
	au_source source;
	int week_start;
} au_opts;

/* Parses argv after the subcommand name; prints the error and returns
 * false on a usage error (or after printing --help, with *ret_exit 0). */
bool au_parse_options(const au_cmd *cmd, int argc, char **argv, au_opts *o, int *ret_exit);
void au_opts_release(au_opts *o);

/* $XDG_DATA_HOME/aiusage/usage.db (malloc'd). */
char *au_default_db_path(void);

/* Opens the store read-write, falling back to read-only (after one line
 * saying why, and how to use another store) when it is locked, read-only
 * or on a full disk; NULL (after printing why) on failure. Prints the
 * store's permission warning, if any. */
au_store *au_open_store(const au_opts *o, bool *ret_writable);
/* Embedded prices plus --pricing; NULL (after printing why) on failure. */
au_pricing *au_load_pricing(const au_opts *o);

/* Runs the scan (unless --no-scan), printing a progress line on a
 * terminal. Returns false on a store failure, and for a store that could
 * only be opened read-only (the command then exits 1: the data it shows
 * may be out of date). */
bool au_run_scan(au_store *s, au_pricing *p, const au_opts *o, au_scan_stats *st, bool writable);
void au_print_scan_warnings(const au_scan_stats *st, const au_opts *o);

void au_print_help(const au_cmd *cmd, FILE *f);
bool au_use_color(const au_opts *o, FILE *f);

int au_cmd_report(const au_cmd *cmd, int argc, char **argv);
int au_cmd_scan(const au_cmd *cmd, int argc, char **argv);
int au_cmd_demo(const au_cmd *cmd, int argc, char **argv);
int au_cmd_pricing(const au_cmd *cmd, int argc, char **argv);
int au_cmd_cloud(const au_cmd *cmd, int argc, char **argv);
int au_cmd_budget(const au_cmd *cmd, int argc, char **argv);
int au_cmd_config(const au_cmd *cmd, int argc, char **argv);
int au_cmd_service(const au_cmd *cmd, int argc, char **argv);
int au_cmd_status(const au_cmd *cmd, int argc, char **argv);
int au_cmd_watch(const au_cmd *cmd, int argc, char **argv);
int au_cmd_compare(const au_cmd *cmd, int argc, char **argv);
int au_cmd_cache(const au_cmd *cmd, int argc, char **argv);
int au_cmd_blocks(const au_cmd *cmd, int argc, char **argv);
int au_cmd_models(const au_cmd *cmd, int argc, char **argv);
int au_cmd_insights(const au_cmd *cmd, int argc, char **argv);
int au_cmd_sources(const au_cmd *cmd, int argc, char **argv);
int au_cmd_cursor(const au_cmd *cmd, int argc, char **argv);

/* What compare, cache, blocks, models and insights share (cmd_insights.c):
 * the report options as a filter in a time zone, the prices, the store
 * after the incremental scan, and "now" (AIUSAGE_NOW, an RFC 3339 time,
 * pins it for tests). */
typedef struct au_insight_run {
	au_opts o;
	GTimeZone *tz;
	const char *tz_name;
	au_filter f;
	au_pricing *p;
	au_store *s;
	bool writable, scanned;
	bool scan_failed; /* the store still reports; the exit status is 1 */
	au_scan_stats st;
	int64_t now;
} au_insight_run;

/* Parses options (after the command's own were taken out), the dates and
 * the zone, and loads the prices. false: stop with *ret_exit (x is
 * already released then). */
bool au_insight_begin(const au_cmd *cmd, int argc, char **argv, au_insight_run *x, int *ret_exit);
/* Refuses (with a usage error) the report options a command has no use
 * for: --csv, --breakdown, --order, --start-of-week. */
bool au_insight_plain(const au_cmd *cmd, const au_insight_run *x);
/* Opens the store and scans; false (after saying why) when it cannot. */
bool au_insight_open(au_insight_run *x);
/* The warning the reports give for each model with no price. */
void au_insight_warn_unpriced(const au_insight_run *x, const char *model);
void au_insight_end(au_insight_run *x);
/* A usage error: "aiusage CMD: MSG" and the --help hint; returns 2. */
int au_insight_usage(const au_cmd *cmd, const char *msg);

#endif
