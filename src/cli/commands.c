/*
 * The command table, and the dispatcher that runs a command or picks one
 * of its subcommands. Adding a command: a src/cmd/cmd_NAME.c file that
 * exports its au_cmd entry, and one row (with its extern) here.
 */
#include "cli.h"

#include <string.h>

extern const au_cmd au_cmd_daily_entry, au_cmd_weekly_entry, au_cmd_monthly_entry, au_cmd_session_entry,
	au_cmd_projects_entry, au_cmd_models_entry, au_cmd_compare_entry, au_cmd_cache_entry,
	au_cmd_blocks_entry, au_cmd_insights_entry, au_cmd_scan_entry, au_cmd_watch_entry, au_cmd_demo_entry,
	au_cmd_pricing_entry, au_cmd_budget_entry, au_cmd_config_entry, au_cmd_service_entry,
	au_cmd_status_entry, au_cmd_cloud_entry, au_cmd_sources_entry, au_cmd_cursor_entry;
extern const au_cmd au_cmd_team_entry, au_cmd_export_entry, au_cmd_import_entry;
extern const au_cmd au_cmd_limits_entry, au_cmd_statusline_entry;
extern const au_cmd au_cmd_html_entry, au_cmd_serve_entry;

/* In the order the top-level help lists them. */
const au_cmd *const au_commands[] = {
	&au_cmd_daily_entry,
	&au_cmd_weekly_entry,
	&au_cmd_monthly_entry,
	&au_cmd_session_entry,
	&au_cmd_projects_entry,
	&au_cmd_models_entry,
	&au_cmd_compare_entry,
	&au_cmd_cache_entry,
	&au_cmd_blocks_entry,
	&au_cmd_insights_entry,
	&au_cmd_html_entry,
	&au_cmd_serve_entry,
	&au_cmd_scan_entry,
	&au_cmd_watch_entry,
	&au_cmd_demo_entry,
	&au_cmd_pricing_entry,
	&au_cmd_budget_entry,
	&au_cmd_config_entry,
	&au_cmd_service_entry,
	&au_cmd_status_entry,
	&au_cmd_cloud_entry,
	&au_cmd_sources_entry,
	&au_cmd_cursor_entry,
	&au_cmd_team_entry,
	&au_cmd_export_entry,
	&au_cmd_import_entry,
	&au_cmd_limits_entry,
	&au_cmd_statusline_entry,
	NULL,
};

const au_cmd *au_cmd_find(const au_cmd *parent, const char *name)
{
	const au_cmd *const *list = parent ? parent->subcommands : au_commands;
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i]->name, name) == 0)
			return list[i];
	return NULL;
}

/* Whether an option called name (or with this letter) takes a value, as
 * any command of list or their subcommands describes it; -1: none does. */
static int list_takes(const au_cmd *const *list, const char *name, char letter)
{
	for (size_t i = 0; list && list[i]; i++) {
		for (const au_cmd_opt *r = list[i]->options; r && r->opt; r++)
			if ((name && strcmp(r->opt->name, name) == 0) || (!name && r->opt->letter == letter))
				return r->opt->arg != NULL;
		int t = list_takes(list[i]->subcommands, name, letter);
		if (t >= 0)
			return t;
	}
	return -1;
}

/* Whether the option argv word a (an "-x" or "--name") takes the next
 * word as its value. Any command's option counts: one this command does
 * not take is refused by name later, and its value must not be taken for
 * the subcommand word meanwhile. */
static bool takes_value(const char *a)
{
	if (strchr(a, '='))
		return false;
	const char *name = a[1] == '-' ? a + 2 : NULL;
	char letter = name ? 0 : a[strlen(a) - 1]; /* the last of "-qs" */
	for (int i = 0; i < AU_O_CATALOGUE_SIZE; i++) {
		const au_option *o = &au_options[i];
		if ((name && strcmp(o->name, name) == 0) || (!name && o->letter == letter))
			return o->arg != NULL;
	}
	return list_takes(au_commands, name, letter) > 0;
}

/* The index of the subcommand word in argv (wherever it stands among the
 * options), or 0 when there is none. */
static int find_word(const au_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? i + 1 : 0;
		if (argv[i][0] == '-' && argv[i][1]) {
			i += takes_value(argv[i]);
			continue;
		}
		return i;
	}
	return 0;
}

static bool asks_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

/* "report, sync, check" */
static char *sub_names(const au_cmd *cmd, const char **ret_names, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t k = 0;
	for (size_t i = 0; cmd->subcommands[i]; i++) {
		g_string_append_printf(s, "%s%s", i ? ", " : "", cmd->subcommands[i]->name);
		if (k + 1 < n)
			ret_names[k++] = cmd->subcommands[i]->name;
	}
	ret_names[k] = NULL;
	return g_string_free(s, FALSE);
}

int au_cmd_unknown_sub(const au_cmd *cmd, const char *word)
{
	if (!cmd->subcommands)
		return au_usage_error(cmd, "%s has no subcommands ('%s'?)", cmd->name, word);
	const char *names[16];
	char *list = sub_names(cmd, names, G_N_ELEMENTS(names));
	const char *near = au_suggest(word, names);
	int code = near ? au_usage_error(cmd, "unknown subcommand '%s' (known: %s); did you mean '%s'?", word, list,
					 near)
			: au_usage_error(cmd, "unknown subcommand '%s' (known: %s)", word, list);
	g_free(list);
	return code;
}

int au_cmd_dispatch(const au_cmd *cmd, int argc, char **argv)
{
	if (!cmd->subcommands)
		return cmd->run(cmd, argc, argv);
	int w = find_word(cmd, argc, argv);
	if (w == 0) {
		if (asks_help(argc, argv)) {
			au_print_help(cmd, stdout);
			return AU_EXIT_OK;
		}
		if (cmd->default_sub)
			return au_cmd_dispatch(cmd->default_sub, argc, argv);
		/* the command's own options (only --help): name any other */
		au_opts o;
		int code;
		if (!au_parse_options(cmd, argc, argv, &o, &code))
			return code;
		au_opts_release(&o);
		const char *names[16];
		char *list = sub_names(cmd, names, G_N_ELEMENTS(names));
		code = au_usage_error(cmd, "say which: %s", list);
		g_free(list);
		return code;
	}
	const au_cmd *sub = au_cmd_find(cmd, argv[w]);
	if (!sub)
		return au_cmd_unknown_sub(cmd, argv[w]);
	/* the word out of argv; argv[0] stays as getopt's program name */
	memmove(argv + w, argv + w + 1, (size_t)(argc - w) * sizeof(char *));
	return au_cmd_dispatch(sub, argc - 1, argv);
}
