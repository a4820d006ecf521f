/*
 * The option catalogue and the one option parser. An option several
 * commands share (--db, --json, --since ...) is described once here; each
 * command's entry lists which of them it takes, plus its own. The parser
 * reads argv against that list only: an option the command does not take
 * is a usage error naming the option and the command.
 */
#include "cli.h"
#include "dayarg.h"
#include "tools.h"
#include "sources.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

const au_option au_options[AU_O_CATALOGUE_SIZE] = {
	[AU_O_SINCE] = {"since", 's', "DATE",
			"first day to include: YYYY-MM-DD, YYYYMMDD, today, yesterday,\n-7d, -2w, this-month, last-month", AU_O_SINCE},
	[AU_O_UNTIL] = {"until", 'u', "DATE", "last day to include (same forms; a month: its last day)", AU_O_UNTIL},
	[AU_O_TIMEZONE] = {"timezone", 'z', "ZONE", "IANA zone for day boundaries (default: the local zone)",
			   AU_O_TIMEZONE},
	[AU_O_SOURCE] = {"source", 0, "NAME", "only one tool's usage", AU_O_SOURCE},
	[AU_O_PROJECT] = {"project", 'p', "NAME", "only one project (its name or its path)", AU_O_PROJECT},
	[AU_O_BREAKDOWN] = {"breakdown", 'b', NULL, "a row per model under each line", AU_O_BREAKDOWN},
	[AU_O_ORDER] = {"order", 'o', "asc|desc", "sort order (default asc)", AU_O_ORDER},
	[AU_O_START_OF_WEEK] = {"start-of-week", 0, "DAY", "the day weeks start on (default monday)",
				AU_O_START_OF_WEEK},
	[AU_O_FULL_PATH] = {"full-path", 0, NULL, "show project paths instead of repository names", AU_O_FULL_PATH},
	[AU_O_WITH_CLOUD] = {"with-cloud", 0, NULL,
			     "add what the providers billed (aiusage cloud sync)\nand the gap to our estimate",
			     AU_O_WITH_CLOUD},
	[AU_O_JSON] = {"json", 'j', NULL, "JSON", AU_O_JSON},
	[AU_O_CSV] = {"csv", 0, NULL, "CSV", AU_O_CSV},
	[AU_O_NO_SCAN] = {"no-scan", 0, NULL, "use the store as it is, without reading logs", AU_O_NO_SCAN},
	[AU_O_DB] = {"db", 0, "PATH", "the store (default $XDG_DATA_HOME/aiusage/usage.db)", AU_O_DB},
	[AU_O_PRICING] = {"pricing", 0, "FILE", "extra or overriding prices, LiteLLM JSON format", AU_O_PRICING},
	[AU_O_CONFIG] = {"config", 0, "FILE", "the config file (default $XDG_CONFIG_HOME/aiusage/config.ini)",
			 AU_O_CONFIG},
	[AU_O_COLOR] = {"color", 0, NULL, "colour even when not on a terminal", AU_O_COLOR},
	[AU_O_NO_COLOR] = {"no-color", 0, NULL, "no colour (also NO_COLOR=1; default: on a terminal)", AU_O_NO_COLOR},
	[AU_O_QUIET] = {"quiet", 'q', NULL, "no warnings on stderr", AU_O_QUIET},
	[AU_O_VERBOSE] = {"verbose", 'v', NULL, "every warning", AU_O_VERBOSE},
	[AU_O_HELP] = {"help", 'h', NULL, "this help", AU_O_HELP},
};

/* ---- --source ------------------------------------------------------------ */

/* "claude, codex, ..., all": the names --source takes (malloc'd). */
static char *source_choices(void)
{
	char *tools = au_tool_names(); /* every tool in the registry */
	char *s = g_strdup_printf("%s, all", tools);
	free(tools);
	return s;
}

bool au_source_option(const au_cmd *cmd, const char *name, au_source *ret_source, int *ret_exit)
{
	au_source src = au_source_by_name(name);
	if (src == AU_SRC_NONE && strcmp(name, "all") != 0) {
		char *known = source_choices();
		*ret_exit = au_usage_error(cmd, "unknown source '%s' (known: %s)", name, known);
		g_free(known);
		return false;
	}
	*ret_source = src;
	return true;
}

char *au_option_choices(const au_option *opt)
{
	return opt->id == AU_O_SOURCE ? source_choices() : NULL;
}

/* ---- the parser ------------------------------------------------------------ */

/* How cmd takes opt: its row in cmd's list, or NULL when it does not. */
static const au_cmd_opt *cmd_row(const au_cmd *cmd, const au_option *opt)
{
	static const au_cmd_opt help_row = AU_O(AU_O_HELP);
	if (opt->id == AU_O_HELP)
		return &help_row;
	for (const au_cmd_opt *r = cmd->options; r && r->opt; r++)
		if (r->opt == opt || strcmp(r->opt->name, opt->name) == 0)
			return r;
	return NULL;
}

bool au_cmd_takes(const au_cmd *cmd, enum au_opt_id id)
{
	const au_cmd_opt *row = cmd_row(cmd, &au_options[id]);
	return row && !row->refused;
}

/* The options the parser recognises for cmd: the whole catalogue (so that
 * one cmd does not take is named as such) and cmd's own. */
typedef struct known {
	const au_option *opt[AU_O_CATALOGUE_SIZE + 16];
	size_t n;
} known;

static void known_init(known *k, const au_cmd *cmd)
{
	k->n = 0;
	for (int i = 0; i < AU_O_CATALOGUE_SIZE; i++)
		k->opt[k->n++] = &au_options[i];
	for (const au_cmd_opt *r = cmd->options; r && r->opt; r++)
		if (r->opt->id >= AU_OWN(0) && k->n < G_N_ELEMENTS(k->opt))
			k->opt[k->n++] = r->opt;
}

/* "--csv", or "-b (--breakdown)" when the short form was typed. */
static char *typed_name(const au_option *opt, bool short_form)
{
	if (short_form && opt->letter)
		return xasprintf("-%c (--%s)", opt->letter, opt->name);
	return xasprintf("--%s", opt->name);
}

/* Whether any command or subcommand takes an option called name. */
static bool someone_takes(const au_cmd *const *table, const char *name)
{
	for (size_t i = 0; table && table[i]; i++) {
		for (const au_cmd_opt *r = table[i]->options; r && r->opt; r++)
			if (!r->refused && strcmp(r->opt->name, name) == 0)
				return true;
		if (someone_takes(table[i]->subcommands, name))
			return true;
	}
	return false;
}

/* The usage error for an option cmd does not take. */
static int refuse(const au_cmd *cmd, const au_option *opt, bool short_form)
{
	const au_cmd_opt *row = cmd_row(cmd, opt);
	char *name = typed_name(opt, short_form);
	char full[64];
	au_cmd_title(cmd, full, sizeof(full));
	int r = row && row->refused ? au_usage_error(cmd, "%s does not apply: %s", name, row->refused)
				    : au_usage_error(cmd, "'%s' is not an option of %s", name, full);
	free(name);
	return r;
}

/* An option nothing here knows: name it, and the closest one cmd takes. */
static int unknown(const au_cmd *cmd, const char *arg)
{
	char *word = xstrdup(arg);
	char *eq = strchr(word, '=');
	if (eq && word[1] == '-')
		*eq = '\0';
	if (word[0] == '-' && word[1] == '-' && someone_takes(au_commands, word + 2)) {
		const au_option opt = {word + 2, 0, NULL, NULL, -1};
		int r = refuse(cmd, &opt, false);
		free(word);
		return r;
	}
	const char *names[64];
	size_t n = 0;
	if (word[0] == '-' && word[1] == '-') {
		for (const au_cmd_opt *r = cmd->options; r && r->opt && n < G_N_ELEMENTS(names) - 1; r++)
			if (!r->refused)
				names[n++] = r->opt->name;
		names[n] = NULL;
	} else {
		names[0] = NULL;
	}
	const char *near = au_suggest(word + 2, names);
	int r;
	if (near)
		r = au_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", word, near);
	else
		r = au_usage_error(cmd, "unknown option '%s'", word);
	free(word);
	return r;
}

static char *dup_path(char *old, const char *arg)
{
	free(old);
	return au_expand_home(arg);
}

static char *dup_str(char *old, const char *arg)
{
	free(old);
	return xstrdup(arg);
}

/* Applies one option cmd takes; false with *ret_exit on a bad value. */
static bool apply(const au_cmd *cmd, const au_option *opt, const char *arg, au_opts *o, int *ret_exit)
{
	switch (opt->id) {
	case AU_O_SINCE:
		o->since = dup_str(o->since, arg);
		break;
	case AU_O_UNTIL:
		o->until = dup_str(o->until, arg);
		break;
	case AU_O_TIMEZONE:
		o->timezone = dup_str(o->timezone, arg);
		break;
	case AU_O_SOURCE:
		if (!au_source_option(cmd, arg, &o->source, ret_exit))
			return false;
		o->source_given = true;
		break;
	case AU_O_PROJECT:
		o->project = dup_str(o->project, arg);
		break;
	case AU_O_BREAKDOWN:
		o->breakdown = true;
		break;
	case AU_O_ORDER:
		if (strcmp(arg, "asc") == 0) {
			o->order_desc = false;
		} else if (strcmp(arg, "desc") == 0) {
			o->order_desc = true;
		} else {
			*ret_exit = au_usage_error(cmd, "--order takes asc or desc, not '%s'", arg);
			return false;
		}
		break;
	case AU_O_START_OF_WEEK:
		o->week_start = au_weekday_from_name(arg);
		if (o->week_start < 0) {
			*ret_exit = au_usage_error(cmd, "--start-of-week takes a day name, not '%s'", arg);
			return false;
		}
		break;
	case AU_O_FULL_PATH:
		o->full_path = true;
		break;
	case AU_O_WITH_CLOUD:
		o->with_cloud = true;
		break;
	case AU_O_JSON:
		o->json = true;
		break;
	case AU_O_CSV:
		o->csv = true;
		break;
	case AU_O_NO_SCAN:
		o->no_scan = true;
		break;
	case AU_O_DB:
		o->db_path = dup_path(o->db_path, arg);
		break;
	case AU_O_PRICING:
		o->pricing_file = dup_path(o->pricing_file, arg);
		break;
	case AU_O_CONFIG:
		o->config_path = dup_path(o->config_path, arg);
		break;
	case AU_O_COLOR:
		o->color = 1;
		break;
	case AU_O_NO_COLOR:
		o->color = 0;
		break;
	case AU_O_QUIET:
		o->quiet++;
		break;
	case AU_O_VERBOSE:
		o->verbose++;
		break;
	case AU_O_HELP:
		au_print_help(cmd, stdout);
		*ret_exit = AU_EXIT_OK;
		return false;
	default: {
		int k = opt->id - AU_OWN(0);
		g_assert(k >= 0 && k < AU_OWN_MAX);
		o->own[k] = dup_str(o->own[k], arg ? arg : "");
		break;
	}
	}
	return true;
}

bool au_parse_options(const au_cmd *cmd, int argc, char **argv, au_opts *o, int *ret_exit)
{
	memset(o, 0, sizeof(*o));
	o->color = -1;
	o->week_start = 1;
	known k;
	known_init(&k, cmd);
	/* getopt_long's tables, built from the known options: a long option
	 * returns 0x10000 + its index, a short one its letter */
	struct option longs[G_N_ELEMENTS(k.opt) + 1];
	char shorts[2 * G_N_ELEMENTS(k.opt) + 2];
	size_t ns = 0;
	shorts[ns++] = ':';
	for (size_t i = 0; i < k.n; i++) {
		longs[i] = (struct option){k.opt[i]->name, k.opt[i]->arg ? required_argument : no_argument, NULL,
					   0x10000 + (int)i};
		if (k.opt[i]->letter) {
			shorts[ns++] = k.opt[i]->letter;
			if (k.opt[i]->arg)
				shorts[ns++] = ':';
		}
	}
	longs[k.n] = (struct option){NULL, 0, NULL, 0};
	shorts[ns] = '\0';

	optind = 0; /* glibc: start over, a previous parse may have permuted argv */
	opterr = 0;
	int c;
	bool ok = true;
	while (ok && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const char *typed = argv[optind - 1];
		if (c == '?') {
			char letter[3] = {'-', (char)optopt, '\0'};
			*ret_exit = unknown(cmd, optopt > 0 && optopt < 0x10000 ? letter : typed);
			ok = false;
			break;
		}
		const au_option *opt = NULL;
		int key = c == ':' ? optopt : c;
		if (key >= 0x10000) {
			opt = k.opt[key - 0x10000];
		} else {
			/* a letter the command's own option shares with a catalogue
			 * one it does not take (html's -o FILE, --order's -o) is its own */
			for (size_t i = 0; i < k.n && !opt; i++) {
				const au_cmd_opt *r = k.opt[i]->letter == key ? cmd_row(cmd, k.opt[i]) : NULL;
				if (r && !r->refused)
					opt = k.opt[i];
			}
			for (size_t i = 0; i < k.n && !opt; i++)
				if (k.opt[i]->letter == key)
					opt = k.opt[i];
		}
		const au_cmd_opt *row = opt ? cmd_row(cmd, opt) : NULL;
		if (!opt) { /* cannot happen: getopt only returns what it was given */
			*ret_exit = unknown(cmd, typed);
			ok = false;
		} else if (!row || row->refused) {
			*ret_exit = refuse(cmd, opt, key < 0x10000);
			ok = false;
		} else if (c == ':') {
			*ret_exit = au_usage_error(cmd, "option '--%s' needs a value", opt->name);
			ok = false;
		} else {
			ok = apply(cmd, opt, optarg, o, ret_exit);
		}
	}
	if (ok) {
		o->args = argv + optind;
		o->nargs = argc - optind;
		if (o->nargs > cmd->max_args) {
			*ret_exit = au_usage_error(cmd, "unexpected argument '%s'", argv[optind + cmd->max_args]);
			ok = false;
		} else if (o->json && o->csv) {
			*ret_exit = au_usage_error(cmd, "%s", "--json and --csv exclude each other");
			ok = false;
		}
	}
	if (!ok) /* the caller has nothing to release */
		au_opts_release(o);
	return ok;
}

void au_opts_release(au_opts *o)
{
	free(o->db_path);
	free(o->pricing_file);
	free(o->config_path);
	free(o->since);
	free(o->until);
	free(o->timezone);
	free(o->project);
	for (int i = 0; i < AU_OWN_MAX; i++)
		free(o->own[i]);
	memset(o, 0, sizeof(*o));
}
