/*
 * aiusage config: where the config file is, an example of one, and whether
 * the current one is valid (with the settings it amounts to).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static void print_settings(const au_config *c)
{
	printf("  warn at:      %d%% of a limit\n", c->warn_percent);
	if (c->quiet_start_min >= 0)
		printf("  quiet hours:  %02d:%02d-%02d:%02d\n", c->quiet_start_min / 60, c->quiet_start_min % 60,
		       c->quiet_end_min / 60, c->quiet_end_min % 60);
	else
		printf("  quiet hours:  none\n");
	printf("  cooldown:     %ds\n", c->cooldown_s);
	printf("  time zone:    %s\n", c->timezone ? c->timezone : "local");
	static const char *const days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
	printf("  weeks start:  %s\n", days[c->week_start]);
	for (guint i = 0; i < c->budgets->len; i++) {
		const au_budget *b = c->budgets->pdata[i];
		char lim[48];
		au_format_usd(b->limit_pico, 2, lim, sizeof(lim));
		printf("  budget %-16s $%s per %s", b->name, lim, au_period_name(b->period));
		if (b->source != AU_SRC_NONE)
			printf(", %s only", au_source_name(b->source));
		if (b->project)
			printf(", project %s", b->project);
		printf("\n");
	}
}

int au_cmd_config(const au_cmd *cmd, int argc, char **argv)
{
	char *path = NULL;
	if (au_argv_take(&argc, argv, "config", true, &path) < 0) {
		fprintf(stderr, "aiusage config: option '--config' needs a value\n");
		return AU_EXIT_USAGE;
	}
	bool example = false, show_path = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--example") == 0)
			example = true;
		else if (strcmp(argv[i], "--path") == 0)
			show_path = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			au_print_help(cmd, stdout);
			free(path);
			return AU_EXIT_OK;
		} else {
			fprintf(stderr, "aiusage config: unexpected argument '%s'\nTry 'aiusage config --help'.\n",
				argv[i]);
			free(path);
			return AU_EXIT_USAGE;
		}
	}
	/* a path typed on the command line must exist; the default need not */
	char *given = path;
	if (!path)
		path = au_config_default_path();
	int code = AU_EXIT_OK;
	if (example) {
		fputs(au_config_example(), stdout);
	} else if (show_path) {
		printf("%s\n", path);
	} else {
		au_config *c;
		au_err err;
		GPtrArray *errors;
		if (au_config_load_all(given, &c, &errors, &err) < 0) {
			for (guint i = 0; i < errors->len; i++)
				fprintf(stderr, "aiusage: %s\n", (char *)errors->pdata[i]);
			g_ptr_array_free(errors, TRUE);
			code = AU_EXIT_FAIL;
		} else {
			for (guint i = 0; i < c->warnings->len; i++)
				fprintf(stderr, "aiusage: warning: %s\n", (char *)c->warnings->pdata[i]);
			if (c->path)
				printf("%s: valid, %u budget(s)\n", path, c->budgets->len);
			else
				printf("%s: does not exist, so there are no budgets ('%s config --example' shows one)\n",
				       path, au_progname);
			print_settings(c);
			au_config_free(c);
		}
	}
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;
	free(path);
	return code;
}
