/*
 * Everything the user reads about commands, made from their entries: a
 * command's help (synopsis, description, subcommands, exactly the options
 * it takes, examples), the top-level help from the command table, the one
 * usage error, and the "did you mean" suggestion for a mistyped name.
 */
#include "cli.h"
#include "tools.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *au_cmd_title(const au_cmd *cmd, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", cmd->parent ? cmd->parent : "", cmd->parent ? " " : "", cmd->name);
	return buf;
}

int au_usage_error(const au_cmd *cmd, const char *fmt, ...)
{
	char title[64] = "";
	if (cmd) {
		title[0] = ' ';
		au_cmd_title(cmd, title + 1, sizeof(title) - 1);
	}
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "aiusage%s: ", title);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'aiusage%s --help'.\n", title);
	return AU_EXIT_USAGE;
}

/* Edits (insert, delete, replace, swap two neighbours) from a to b. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]);
			size_t v = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);
			v = MIN(v, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = MIN(v, d[i - 2][j - 2] + 1);
			d[i][j] = v;
		}
	return d[la][lb];
}

const char *au_suggest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = 3; /* within two edits */
	for (size_t i = 0; names[i]; i++) {
		size_t d = distance(word, names[i]);
		if (d < best_d && d < strlen(word)) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

/* ---- a command's help ------------------------------------------------------ */

#define HELP_COLUMN 28

/* Writes text with every line after the first indented by indent. */
static void put_indented(FILE *f, const char *text, int indent)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (p != text)
			fprintf(f, "%*s", indent, "");
		fprintf(f, "%.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
}

static void print_option(FILE *f, const au_option *opt, const char *help)
{
	char head[80];
	if (opt->letter)
		snprintf(head, sizeof(head), "  -%c, --%s%s%s", opt->letter, opt->name, opt->arg ? " " : "",
			 opt->arg ? opt->arg : "");
	else
		snprintf(head, sizeof(head), "      --%s%s%s", opt->name, opt->arg ? " " : "", opt->arg ? opt->arg : "");
	if (strlen(head) + 1 >= HELP_COLUMN)
		fprintf(f, "%s\n%*s", head, HELP_COLUMN, "");
	else
		fprintf(f, "%-*s", HELP_COLUMN, head);
	put_indented(f, help, HELP_COLUMN);
	char *choices = au_option_choices(opt);
	if (choices)
		fprintf(f, "%*s(%s)\n", HELP_COLUMN, "", choices);
	g_free(choices);
}

size_t au_cmd_help_options(const au_cmd *cmd, const au_option **ret_opts, const char **ret_helps, size_t n)
{
	size_t k = 0;
	for (const au_cmd_opt *r = cmd->options; r && r->opt && k + 1 < n; r++)
		if (!r->refused && r->opt->id != AU_O_HELP) {
			ret_opts[k] = r->opt;
			ret_helps[k++] = r->help ? r->help : r->opt->help;
		}
	ret_opts[k] = &au_options[AU_O_HELP];
	ret_helps[k++] = au_options[AU_O_HELP].help;
	return k;
}

/* The options cmd takes, -h/--help last. */
static void print_options(FILE *f, const au_cmd *cmd)
{
	const au_option *opts[64];
	const char *helps[64];
	size_t n = au_cmd_help_options(cmd, opts, helps, G_N_ELEMENTS(opts));
	for (size_t i = 0; i < n; i++)
		print_option(f, opts[i], helps[i]);
}

static void print_examples(FILE *f, const char *examples)
{
	fputs(strchr(examples, '\n') && strchr(examples, '\n')[1] ? "\nExamples:\n" : "\nExample:\n", f);
	fputs("  ", f);
	put_indented(f, examples, 2);
}

char *au_cmd_synopsis(const au_cmd *cmd)
{
	char title[64];
	GString *s = g_string_new("aiusage ");
	g_string_append(s, au_cmd_title(cmd, title, sizeof(title)));
	if (cmd->subcommands) {
		g_string_append(s, cmd->default_sub ? " [" : " ");
		for (size_t i = 0; cmd->subcommands[i]; i++)
			g_string_append_printf(s, "%s%s", i ? "|" : "", cmd->subcommands[i]->name);
		g_string_append(s, cmd->default_sub ? "]" : "");
	}
	if (cmd->args)
		g_string_append_printf(s, " %s", cmd->args);
	g_string_append(s, " [OPTIONS]");
	return g_string_free(s, FALSE);
}

void au_print_help(const au_cmd *cmd, FILE *f)
{
	char title[64];
	au_cmd_title(cmd, title, sizeof(title));
	char *synopsis = au_cmd_synopsis(cmd);
	fprintf(f, "Usage: %s\n%s.\n", synopsis, cmd->summary);
	g_free(synopsis);
	if (cmd->description)
		fprintf(f, "\n%s", cmd->description);
	if (cmd->subcommands) {
		fputs("\nSubcommands:\n", f);
		for (size_t i = 0; cmd->subcommands[i]; i++) {
			const au_cmd *sub = cmd->subcommands[i];
			fprintf(f, "  %-10s ", sub->name);
			put_indented(f, sub->summary, 13);
			if (sub == cmd->default_sub)
				fprintf(f, "%13s(the default)\n", "");
		}
	}
	if (cmd->default_sub) {
		fprintf(f, "\nOptions (of '%s %s', which runs when no subcommand is named):\n", title,
			cmd->default_sub->name);
		print_options(f, cmd->default_sub);
	} else {
		fputs("\nOptions:\n", f);
		print_options(f, cmd);
	}
	if (cmd->subcommands)
		fprintf(f, "'aiusage %s SUBCOMMAND --help' lists each subcommand's options.\n", title);
	if (cmd->examples)
		print_examples(f, cmd->examples);
}

/* ---- the top-level help ---------------------------------------------------- */

void au_help_tool_env(FILE *f)
{
	/* every tool's variables, from the registry (watchers/tools.c) */
	char *env = au_tools_env_help();
	fputs(env, f);
	free(env);
}

/* What the top help says besides the command table; the man page
 * (docgen.c) makes its NAME, DESCRIPTION, FILES, ENVIRONMENT and EXIT
 * STATUS from the same text. */
const char au_help_tagline[] = "what your AI coding tools cost you";
const char au_help_intro[] = "Reads the local logs of your AI coding tools, counts every response once,\n"
			     "prices it, keeps it in a SQLite store (history survives the tools deleting\n"
			     "old logs) and reports it.";
const char au_help_default_cmd[] = "With no command, 'daily' runs ('aiusage --json' is 'aiusage daily --json').\n"
				   "'aiusage help COMMAND [SUBCOMMAND]' or 'aiusage COMMAND --help' explains each,\n"
				   "with exactly the options it takes.";
const au_option au_top_options[] = {
	{"help", 'h', NULL, "this help", AU_O_HELP},
	{"version", 'V', NULL, "the version and the date of the price table", -1},
	{NULL, 0, NULL, NULL, -1},
};
const au_help_item au_help_files[] = {
	{"$XDG_DATA_HOME/aiusage/usage.db", "the store (default ~/.local/share/aiusage)"},
	{"$XDG_CONFIG_HOME/aiusage/config.ini", "the config (default ~/.config/aiusage)"},
	{"$XDG_CACHE_HOME/aiusage/", "the scan's caches (default ~/.cache/aiusage; safe to delete)"},
	{NULL, NULL},
};
const au_help_item au_help_env[] = {
	{"TZ", "the local time zone"},
	{"NO_COLOR", "disables colour"},
	{NULL, NULL},
};
const au_help_item au_help_exit[] = {
	{"0", "success"},
	{"1", "failure (store or input)"},
	{"2", "usage error"},
	{NULL, NULL},
};

void au_print_main_help(FILE *f)
{
	char *tools = au_tools_help(); /* the registry's tools and their places */
	fprintf(f,
		"aiusage - %s\n\n"
		"Usage: aiusage [COMMAND] [OPTIONS]\n\n"
		"%s The tools (--source NAME) and where they log:\n"
		"%s\nCommands:\n",
		au_help_tagline, au_help_intro, tools);
	free(tools);
	for (size_t i = 0; au_commands[i]; i++)
		fprintf(f, "  %-10s %s\n", au_commands[i]->name, au_commands[i]->summary);
	fprintf(f, "\n%s\n\nOptions:\n", au_help_default_cmd);
	for (const au_option *o = au_top_options; o->name; o++) {
		char head[32];
		snprintf(head, sizeof(head), "-%c, --%s", o->letter, o->name);
		fprintf(f, "  %-19s %s\n", head, o->help);
	}
	fputs("\nFiles:\n", f);
	for (const au_help_item *i = au_help_files; i->name; i++)
		fprintf(f, "  %-36s %s\n", i->name, i->help);
	fputs("\nEnvironment (a tool's variable replaces its default places):\n", f);
	au_help_tool_env(f);
	for (const au_help_item *i = au_help_env; i->name; i++)
		fprintf(f, "  %-19s %s\n", i->name, i->help);
	fputs("\nExit status:", f);
	for (const au_help_item *i = au_help_exit; i->name; i++)
		fprintf(f, "%s %s %s", i == au_help_exit ? "" : ",", i->name, i->help);
	fputs(".\n", f);
}
