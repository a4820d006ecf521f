/*
 * What every command shares: the command entry each src/cmd file exports
 * (its help, its options, its run), the option catalogue and parser, the
 * one usage error, and helpers to open the store, load prices and run the
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
#include "team.h"

/* Exit codes: documented in --help. */
enum { AU_EXIT_OK = 0, AU_EXIT_FAIL = 1, AU_EXIT_USAGE = 2 };

/*
 * One option as the help shows it and the parser knows it. The options
 * several commands share are described once, in the catalogue
 * au_options[] (options.c), indexed by their id; a command's own options
 * are static au_option values in its file with an id from AU_OWN(k).
 */
typedef struct au_option {
	const char *name;   /* long name, without "--" */
	char letter;        /* short form, 0 for none */
	const char *arg;    /* the value's name in help ("DATE"); NULL: a flag */
	const char *help;   /* what it does; '\n' starts a continuation line */
	int id;
} au_option;

enum au_opt_id {
	AU_O_SINCE,
	AU_O_UNTIL,
	AU_O_TIMEZONE,
	AU_O_SOURCE,
	AU_O_PROJECT,
	AU_O_BREAKDOWN,
	AU_O_ORDER,
	AU_O_START_OF_WEEK,
	AU_O_FULL_PATH,
	AU_O_WITH_CLOUD,
	AU_O_JSON,
	AU_O_CSV,
	AU_O_NO_SCAN,
	AU_O_DB,
	AU_O_PRICING,
	AU_O_CONFIG,
	AU_O_COLOR,
	AU_O_NO_COLOR,
	AU_O_QUIET,
	AU_O_VERBOSE,
	AU_O_HELP,
	AU_O_CATALOGUE_SIZE,
};
extern const au_option au_options[AU_O_CATALOGUE_SIZE];

/* A command's own options: ids AU_OWN(0) .. AU_OWN(AU_OWN_MAX - 1); the
 * parser leaves their values in au_opts.own[k]. */
#define AU_OWN_MAX 8
#define AU_OWN(k) (1000 + (k))

/* One option as a command takes it. */
typedef struct au_cmd_opt {
	const au_option *opt;
	const char *help;    /* this command's wording, NULL: the option's own */
	const char *refused; /* non-NULL: not taken, and why (the usage error says it) */
} au_cmd_opt;

/* A catalogue option as the command takes it, with the catalogue's help,
 * with the command's own wording, or refused with a reason. */
#define AU_O(id) {&au_options[id], NULL, NULL}
#define AU_OH(id, help) {&au_options[id], help, NULL}
#define AU_ONOT(id, why) {&au_options[id], NULL, why}
/* One of the command's own options (a static au_option in its file). */
#define AU_OWN_OPT(opt) {&(opt), NULL, NULL}
/* The end of a list. */
#define AU_OPTS_END {NULL, NULL, NULL}

/* Rows most commands that read the store share. */
#define AU_OPTS_FILTER                                                                          \
	AU_O(AU_O_SINCE), AU_O(AU_O_UNTIL), AU_O(AU_O_TIMEZONE), AU_O(AU_O_SOURCE), AU_O(AU_O_PROJECT)
#define AU_OPTS_STORE AU_O(AU_O_NO_SCAN), AU_O(AU_O_DB), AU_O(AU_O_PRICING)
#define AU_OPTS_COLOR AU_O(AU_O_COLOR), AU_O(AU_O_NO_COLOR)
#define AU_OPTS_WARN AU_O(AU_O_QUIET), AU_O(AU_O_VERBOSE)

/*
 * One command or subcommand: everything a user can see about it (help,
 * options, examples) and what runs it. Each src/cmd/cmd_*.c file exports
 * its entry; the table in commands.c lists them. A command with
 * subcommands (cloud, service, cursor) names them; the dispatcher picks
 * the subcommand word and runs that entry.
 */
typedef struct au_cmd {
	const char *name;        /* the word on the command line */
	const char *parent;      /* a subcommand's command ("cloud"), else NULL */
	const char *summary;     /* one line, no final period */
	const char *args;        /* positional arguments in the synopsis ("[MODEL]"), or NULL */
	int max_args;            /* how many positional arguments it takes */
	const char *description; /* paragraphs, every line ending in '\n' */
	const au_cmd_opt *options; /* ended by {NULL}; -h/--help is implied */
	const char *examples;    /* one command line per line */
	const struct au_cmd *const *subcommands; /* NULL-ended, or NULL */
	const struct au_cmd *default_sub; /* runs when no subcommand word is given */
	int (*run)(const struct au_cmd *cmd, int argc, char **argv);
	int arg;                 /* per-command constant (the report group) */
} au_cmd;

/* The command table (commands.c), NULL-ended. */
extern const au_cmd *const au_commands[];
/* How the user invoked us, for suggested commands ("./build/aiusage"). */
extern const char *au_progname;

/* "cloud sync": the words that run cmd, in buf. */
const char *au_cmd_title(const au_cmd *cmd, char *buf, size_t n);
/* The values an option takes when they are a fixed list ("claude, codex,
 * ..., all" for --source), for its help (g_free it); NULL otherwise. */
char *au_option_choices(const au_option *opt);
/* The command (or subcommand of parent, when given) called name; NULL. */
const au_cmd *au_cmd_find(const au_cmd *parent, const char *name);
/* The usage error for a subcommand word cmd does not know. */
int au_cmd_unknown_sub(const au_cmd *cmd, const char *word);
/* Runs cmd with argv[0] its own word: picks the subcommand, if any, and
 * calls its run. Returns the exit status. */
int au_cmd_dispatch(const au_cmd *cmd, int argc, char **argv);

/* THE usage error: "aiusage CMD: MESSAGE", then "Try 'aiusage CMD
 * --help'." (cmd NULL: the top level). Returns AU_EXIT_USAGE. */
int au_usage_error(const au_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "did you mean 'daily'?" for the closest of names within two edits of
 * word, or NULL; names is NULL-ended. */
const char *au_suggest(const char *word, const char *const *names);

/* Common options, filled by au_parse_options. */
typedef struct au_opts {
	char *db_path;
	char *pricing_file;
	char *config_path;
	bool no_scan;
	bool always_scan; /* `scan`: even when a watcher keeps the store current */
	bool json, csv;
	bool breakdown, full_path, order_desc;
	bool with_cloud;
	int color; /* -1 auto, 0 never, 1 always */
	int verbose, quiet;
	char *since, *until, *timezone, *project;
	au_source source;
	bool source_given; /* --source all leaves source at AU_SRC_NONE */
	int week_start;
	char *own[AU_OWN_MAX]; /* the command's own options: the value ("" for a flag) or NULL */
	char **args;           /* positional arguments, pointers into argv */
	int nargs;
} au_opts;

/* Parses argv (argv[0] the command's word) against the options cmd
 * takes; prints the error and returns false on a usage error (or after
 * printing --help, with *ret_exit 0). */
bool au_parse_options(const au_cmd *cmd, int argc, char **argv, au_opts *o, int *ret_exit);
void au_opts_release(au_opts *o);
/* The value of the command's own option k (AU_OWN(k)), or NULL. */
static inline const char *au_opt_own(const au_opts *o, int k)
{
	return o->own[k];
}

/* Whether cmd takes the catalogue option id (listed, not refused). */
bool au_cmd_takes(const au_cmd *cmd, enum au_opt_id id);

/* --source NAME: the tool, or a usage error listing the known names. */
bool au_source_option(const au_cmd *cmd, const char *name, au_source *ret_source, int *ret_exit);

/* $XDG_DATA_HOME/aiusage/usage.db (malloc'd). */
char *au_default_db_path(void);

/* Opens the store read-write, falling back to read-only (after one line
 * saying why, and how to use another store) when it is locked, read-only
 * or on a full disk; NULL (after printing why) on failure. Prints the
 * store's permission warning, if any. */
au_store *au_open_store(const au_opts *o, bool *ret_writable);
/* Embedded prices, then a catalog `aiusage pricing update` saved, then
 * --pricing; NULL (after printing why) on failure. */
au_pricing *au_load_pricing(const au_opts *o);
/* $XDG_DATA_HOME/aiusage/prices.json, where `pricing update` keeps the
 * downloaded catalog (malloc'd). */
char *au_default_prices_path(void);
/* The "prices as of" date in use (the saved catalog's once loaded) and
 * where it came from (NULL: the embedded table). */
const char *au_prices_as_of(void);
const char *au_prices_source(void);
/* A saved catalog's "_aiusage" date and source; -EINVAL when it has none. */
int au_catalog_meta(const char *path, char *ret_as_of, size_t as_of_sz, char *ret_source, size_t source_sz);

/* Runs the scan (unless --no-scan), printing a progress line on a
 * terminal. Returns false on a store failure, and for a store that could
 * only be opened read-only (the command then exits 1: the data it shows
 * may be out of date). */
bool au_run_scan(au_store *s, au_pricing *p, const au_opts *o, au_scan_stats *st, bool writable);
void au_print_scan_warnings(const au_scan_stats *st, const au_opts *o);

/* "aiusage cloud [report|sync|check] [OPTIONS]": the usage line of cmd's
 * help (g_free it). */
char *au_cmd_synopsis(const au_cmd *cmd);
/* The options cmd's help lists, in its order, -h/--help last, each with
 * the wording cmd gives it (the arrays hold n; 64 is plenty). Returns
 * how many. The man page and the completions list the same. */
size_t au_cmd_help_options(const au_cmd *cmd, const au_option **ret_opts, const char **ret_helps, size_t n);
/* The help of a command or subcommand, made from its entry. */
void au_print_help(const au_cmd *cmd, FILE *f);
/* The top-level help: the commands of the table. */
void au_print_main_help(FILE *f);
/* A name and what it is: a line of the top help's Files, Environment or
 * Exit status, which the man page's sections are made from too. */
typedef struct au_help_item {
	const char *name;
	const char *help;
} au_help_item;
/* The top help's text besides the command table (help.c): the one-line
 * description, the paragraph under the usage line, the note on the
 * default command, -h and -V (ended by a NULL name), and the NULL-ended
 * Files, Environment (besides the tools' variables) and Exit status. */
extern const char au_help_tagline[];
extern const char au_help_intro[];
extern const char au_help_default_cmd[];
extern const au_option au_top_options[];
extern const au_help_item au_help_files[];
extern const au_help_item au_help_env[];
extern const au_help_item au_help_exit[];
/* The tool lines of the top help's Environment section. */
void au_help_tool_env(FILE *f);
bool au_use_color(const au_opts *o, FILE *f);
/*
 * After a report whose filters matched nothing: says so on stdout, with
 * what the store does hold (its first and last day; the projects, with
 * --project; the tools, with --source), so a typo or a date past the data
 * shows. ro is the report's options (its zone and full_path).
 */
void au_explain_no_match(au_store *s, const au_opts *o, const au_report_opts *ro);
/*
 * The zone of --timezone, or the local one (a $TZ that names no zone is
 * warned about unless --quiet). NULL after printing the usage error, with
 * *ret_exit set. Unref the zone when done.
 */
GTimeZone *au_cli_zone(const au_cmd *cmd, const au_opts *o, int *ret_exit);

/* daily .. projects (cmd_report.c); models runs it for its plain table. */
int au_cmd_report(const au_cmd *cmd, int argc, char **argv);

/* --team, --user, --machine and --by (cmd_report.c), shared by the reports,
 * models and blocks: own ids 4..7, so a command's own 0..3 stay free. */
enum { AU_OWN_TEAM = 4, AU_OWN_TEAM_USER, AU_OWN_TEAM_MACHINE, AU_OWN_TEAM_BY };
extern const au_option au_opt_team, au_opt_team_user, au_opt_team_machine, au_opt_team_by;
#define AU_OPTS_TEAM                                                                                \
	AU_OWN_OPT(au_opt_team), AU_OWN_OPT(au_opt_team_user), AU_OWN_OPT(au_opt_team_machine),    \
		AU_OWN_OPT(au_opt_team_by)
/* The filter of those options; false after a usage error (*ret_exit).
 * *ret_team: --team was given; *ret_local: --by/--user/--machine without it. */
bool au_team_args(const au_cmd *cmd, const au_opts *o, au_team_filter *ret_f, bool *ret_team, bool *ret_local,
		  int *ret_exit);
/* [team] from the config, and with server a connection to it; false after
 * saying why (release c and free *ret_t in any case). */
bool au_team_open(const au_opts *o, bool server, au_team_section *ret_c, au_team **ret_t);

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

/* Parses the command's options, the dates and the zone, and loads the
 * prices. false: stop with *ret_exit (x is already released then). */
bool au_insight_begin(const au_cmd *cmd, int argc, char **argv, au_insight_run *x, int *ret_exit);
/* Opens the store and scans; false (after saying why) when it cannot. */
bool au_insight_open(au_insight_run *x);
/* The warning the reports give for each model with no price. */
void au_insight_warn_unpriced(const au_insight_run *x, const char *model);
void au_insight_end(au_insight_run *x);

#endif
