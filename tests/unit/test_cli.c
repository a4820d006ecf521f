/*
 * The command table and the option parser: every entry is whole (summary,
 * description, example, options that make sense), the parser fills au_opts
 * from exactly the options a command lists, and names get suggestions.
 * tests/e2e/options.sh checks the same from the outside, through --help.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

const char *au_progname = "aiusage"; /* main.c's, which tests do not link */

static int parse(const char *cmd, const char *sub, const char *const *words, au_opts *o)
{
	const au_cmd *c = au_cmd_find(NULL, cmd);
	if (c && sub)
		c = au_cmd_find(c, sub);
	if (!c)
		return -1;
	char *argv[16];
	int argc = 0;
	argv[argc++] = (char *)(sub ? sub : cmd);
	for (size_t i = 0; words[i]; i++)
		argv[argc++] = (char *)words[i];
	argv[argc] = NULL;
	int code = -1;
	return au_parse_options(c, argc, argv, o, &code) ? 0 : code;
}

/* Every option row of one entry: real, unique by name and letter, its
 * own options' ids in range. */
static void check_entry(const au_cmd *c)
{
	CHECK(c->name && *c->name);
	CHECK(c->summary && *c->summary);
	CHECK(c->examples && strncmp(c->examples, "aiusage ", 8) == 0);
	if (!c->examples || !c->summary)
		return;
	CHECK(c->run || c->subcommands);
	for (const au_cmd_opt *r = c->options; r && r->opt; r++) {
		CHECK(r->opt->help && *r->opt->help);
		CHECK(r->opt->id < AU_O_CATALOGUE_SIZE || (r->opt->id >= AU_OWN(0) && r->opt->id < AU_OWN(AU_OWN_MAX)));
		/* a refusal is for a catalogue option */
		CHECK(!r->refused || r->opt == &au_options[r->opt->id]);
		for (const au_cmd_opt *q = c->options; q != r; q++) {
			if (strcmp(q->opt->name, r->opt->name) == 0 || (r->opt->letter && q->opt->letter == r->opt->letter)) {
				fprintf(stderr, "%s: --%s twice\n", c->name, r->opt->name);
				CHECK(false);
			}
		}
	}
	for (size_t i = 0; c->subcommands && c->subcommands[i]; i++) {
		const au_cmd *s = c->subcommands[i];
		CHECK(s->parent && strcmp(s->parent, c->name) == 0);
		CHECK(au_cmd_find(c, s->name) == s);
		check_entry(s);
	}
	CHECK(!c->default_sub || au_cmd_find(c, c->default_sub->name) == c->default_sub);
}

/* Whether the command takes the catalogue option id (and does not refuse it). */
static bool takes(const char *cmd, int id)
{
	const au_cmd *c = au_cmd_find(NULL, cmd);
	for (const au_cmd_opt *r = c ? c->options : NULL; r && r->opt; r++)
		if (r->opt == &au_options[id])
			return !r->refused;
	return false;
}

int main(void)
{
	/* the table: every row whole, found by its name */
	size_t n = 0;
	for (; au_commands[n]; n++) {
		check_entry(au_commands[n]);
		CHECK(au_cmd_find(NULL, au_commands[n]->name) == au_commands[n]);
	}
	CHECK(n >= 21);
	for (int i = 0; i < AU_O_CATALOGUE_SIZE; i++)
		CHECK_INT(au_options[i].id, i);

	/* options only where their report uses them */
	CHECK(takes("weekly", AU_O_START_OF_WEEK));
	CHECK(!takes("daily", AU_O_START_OF_WEEK));
	CHECK(!takes("monthly", AU_O_START_OF_WEEK));
	CHECK(takes("session", AU_O_FULL_PATH) && takes("projects", AU_O_FULL_PATH));
	CHECK(takes("cache", AU_O_FULL_PATH) && takes("insights", AU_O_FULL_PATH));
	CHECK(!takes("daily", AU_O_FULL_PATH) && !takes("models", AU_O_FULL_PATH));
	CHECK(takes("daily", AU_O_BREAKDOWN) && takes("projects", AU_O_BREAKDOWN));
	CHECK(!takes("models", AU_O_BREAKDOWN) && !takes("cache", AU_O_BREAKDOWN) && !takes("scan", AU_O_BREAKDOWN));
	CHECK(takes("monthly", AU_O_WITH_CLOUD) && !takes("session", AU_O_WITH_CLOUD));
	CHECK(!takes("watch", AU_O_CSV) && !takes("scan", AU_O_ORDER));

	/* values, own options, "--NAME=VALUE", the last one winning */
	au_opts o;
	CHECK_INT(parse("budget", NULL,
			(const char *[]){"--json", "--config", "a.ini", "--check-alerts", "--config=b.ini", "-z", "UTC", NULL},
			&o),
		  0);
	CHECK(o.json);
	CHECK_STR(o.config_path, "b.ini");
	CHECK_STR(o.timezone, "UTC");
	CHECK_STR(au_opt_own(&o, 0), "");
	au_opts_release(&o);

	/* the report options, short and long, and --source all */
	CHECK_INT(parse("weekly", NULL,
			(const char *[]){"-s", "20251001", "--start-of-week", "Sunday", "-o", "desc", "-bj", "--source",
					 "all", NULL},
			&o),
		  0);
	CHECK_STR(o.since, "20251001");
	CHECK_INT(o.week_start, 0);
	CHECK(o.order_desc && o.breakdown && o.json);
	CHECK(o.source == AU_SRC_NONE && o.source_given);
	au_opts_release(&o);
	CHECK_INT(parse("blocks", NULL, (const char *[]){"--source", "codex", "--live", NULL}, &o), 0);
	CHECK(o.source == AU_SRC_CODEX && o.source_given && au_opt_own(&o, 0));
	au_opts_release(&o);

	/* one positional MODEL for pricing, also after "--"; none elsewhere */
	CHECK_INT(parse("pricing", NULL, (const char *[]){"--json", "gpt-5", NULL}, &o), 0);
	CHECK_INT(o.nargs, 1);
	CHECK_STR(o.args[0], "gpt-5");
	au_opts_release(&o);
	CHECK_INT(parse("pricing", NULL, (const char *[]){"--", "--odd", NULL}, &o), 0);
	CHECK(o.nargs == 1 && strcmp(o.args[0], "--odd") == 0);
	au_opts_release(&o);
	CHECK_INT(parse("pricing", NULL, (const char *[]){"a", "b", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"extra", NULL}, &o), AU_EXIT_USAGE);

	/* refused: another command's option, a catalogue option, a refused
	 * one, an unknown one, a bad value, a missing value; subcommands own
	 * theirs */
	CHECK_INT(parse("scan", NULL, (const char *[]){"--breakdown", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("watch", NULL, (const char *[]){"--to", "x", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("blocks", NULL, (const char *[]){"-p", "x", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"--nosuch", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"--order", "sideways", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"--source", "nosuch", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"--since", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("daily", NULL, (const char *[]){"--json", "--csv", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("cloud", "sync", (const char *[]){"--until", "2025-10-01", NULL}, &o), AU_EXIT_USAGE);
	CHECK_INT(parse("cloud", "report", (const char *[]){"--until", "2025-10-01", "--provider", "openai", NULL}, &o),
		  0);
	CHECK_STR(o.until, "2025-10-01");
	CHECK_STR(au_opt_own(&o, 0), "openai");
	au_opts_release(&o);
	CHECK_INT(parse("service", "install", (const char *[]){"--db", "/x/usage.db", NULL}, &o), 0);
	CHECK_STR(o.db_path, "/x/usage.db");
	au_opts_release(&o);
	CHECK_INT(parse("service", "status", (const char *[]){"--db", "/x/usage.db", NULL}, &o), AU_EXIT_USAGE);

	/* did you mean: within two edits, a swap counting one */
	const char *const cmds[] = {"daily", "weekly", "monthly", "cache", "check", NULL};
	CHECK_STR(au_suggest("dialy", cmds), "daily");
	CHECK_STR(au_suggest("weekyl", cmds), "weekly");
	CHECK_STR(au_suggest("chek", cmds), "check");
	CHECK_STR(au_suggest("Daily", cmds), "daily");
	CHECK(au_suggest("xyzzy", cmds) == NULL);
	CHECK(au_suggest("da", cmds) == NULL);
	return check_done("test_cli");
}
