/*
 * aiusage: what your AI coding tools cost you. main() only dispatches:
 * every command is one row of au_commands[] (commands.c) and one entry in
 * its own src/cmd/cmd_*.c file, which also holds its help and options.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *au_progname = "aiusage";

/* "unknown command 'dialy'; did you mean 'daily'?" */
static int unknown_command(const char *name)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; au_commands[i] && n + 1 < G_N_ELEMENTS(names); i++)
		names[n++] = au_commands[i]->name;
	names[n] = NULL;
	const char *near = au_suggest(name, names);
	if (near)
		return au_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, near);
	return au_usage_error(NULL, "unknown command '%s'", name);
}

/* aiusage help [COMMAND [SUBCOMMAND]] */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		au_print_main_help(stdout);
		return AU_EXIT_OK;
	}
	const au_cmd *c = au_cmd_find(NULL, argv[2]);
	if (!c)
		return unknown_command(argv[2]);
	if (argc > 3) {
		const au_cmd *sub = c->subcommands ? au_cmd_find(c, argv[3]) : NULL;
		if (!sub)
			return au_cmd_unknown_sub(c, argv[3]);
		c = sub;
	}
	au_print_help(c, stdout);
	return AU_EXIT_OK;
}

int main(int argc, char **argv)
{
	/* Messages suggest commands the way the user ran us (./build/aiusage). */
	if (argv[0] && strchr(argv[0], '/'))
		au_progname = argv[0];
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C"); /* numbers are never locale-formatted */
	au_store_library_init();
	const char *name = argc > 1 ? argv[1] : "daily";
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0)
		return help(argc, argv);
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("aiusage %s (prices as of %s)\n", AU_VERSION, au_pricing_as_of());
		return AU_EXIT_OK;
	}
	/* "aiusage --json" means "aiusage daily --json"; argv[0] stays in
	 * place as getopt's program name. */
	if (argc > 1 && name[0] == '-')
		return au_cmd_dispatch(au_cmd_find(NULL, "daily"), argc, argv);
	const au_cmd *c = au_cmd_find(NULL, name);
	if (!c)
		return unknown_command(name);
	if (argc == 1)
		return au_cmd_dispatch(c, argc, argv);
	return au_cmd_dispatch(c, argc - 1, argv + 1);
}
