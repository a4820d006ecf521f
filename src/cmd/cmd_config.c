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
	if (c->fetch.claude_oauth || c->fetch.copilot_quota)
		printf("  plan limits:  fetched every %ds from%s%s\n", c->fetch.interval_s,
		       c->fetch.claude_oauth ? " claude_oauth" : "", c->fetch.copilot_quota ? " copilot_quota" : "");
	else
		printf("  plan limits:  not fetched from any account ([limits] turns it on)\n");
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

enum { OPT_EXAMPLE, OPT_PATH };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	bool example = au_opt_own(&o, OPT_EXAMPLE) != NULL, show_path = au_opt_own(&o, OPT_PATH) != NULL;
	/* a path typed on the command line must exist; the default need not */
	char *given = o.config_path ? xstrdup(o.config_path) : NULL;
	char *path = given ? xstrdup(given) : au_config_default_path();
	au_opts_release(&o);
	code = AU_EXIT_OK;
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
	free(given);
	free(path);
	return code;
}

static const au_option opt_example = {"example", 0, NULL, "print a commented example config.ini", AU_OWN(OPT_EXAMPLE)};
static const au_option opt_path = {"path", 0, NULL, "print the config file's path", AU_OWN(OPT_PATH)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_example),
	AU_OWN_OPT(opt_path),
	AU_OH(AU_O_CONFIG, "use this file instead of $XDG_CONFIG_HOME/aiusage/config.ini"),
	AU_OPTS_END,
};

const au_cmd au_cmd_config_entry = {
	.name = "config",
	.summary = "where the config file is, an example, and whether it is valid",
	.description = "With no option, checks the config file and prints the settings it amounts to.\n",
	.options = options,
	.examples = "aiusage config --example > ~/.config/aiusage/config.ini\naiusage config\n",
	.run = run,
};
