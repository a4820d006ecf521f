/*
 * src/cli/docgen.c: the values the completions offer are the ones the
 * parser takes (every one of them, for every command that takes the
 * option, and a word next to them is still refused), and each generated
 * file names every command and, per command, every option its help lists.
 * tests/e2e/docs.sh checks the files themselves: roff, shells, install.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "check.h"
#include "docgen.h"

const char *au_progname = "aiusage"; /* main.c's, which tests do not link */

/* Parses "cmd --name value" (sub: the subcommand entry). */
static int parse_value(const au_cmd *c, const au_option *opt, const char *value)
{
	char name[64];
	snprintf(name, sizeof(name), "--%s", opt->name);
	char *argv[] = {(char *)c->name, name, (char *)value, NULL};
	au_opts o;
	int code = -1;
	/* the usage errors are expected: keep them out of the test's output */
	fflush(stderr);
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	bool ok = au_parse_options(c, 3, argv, &o, &code);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	if (ok)
		au_opts_release(&o);
	return ok ? 0 : code;
}

static size_t values_checked;

/* Every fixed value of every option c's help lists parses; a made-up one
 * does not (for the catalogue's options: the parser checks those). */
static void check_values(const au_cmd *c)
{
	const au_option *opts[64];
	const char *helps[64];
	size_t n = au_cmd_help_options(c, opts, helps, 64);
	for (size_t i = 0; i < n; i++) {
		char **values = au_option_values(opts[i]);
		if (!opts[i]->arg)
			CHECK(!values);
		for (size_t k = 0; values && values[k]; k++) {
			if (parse_value(c, opts[i], values[k]) != 0) {
				fprintf(stderr, "%s --%s %s: refused\n", c->name, opts[i]->name, values[k]);
				CHECK(false);
			}
			values_checked++;
		}
		if (values && opts[i]->id < AU_O_CATALOGUE_SIZE)
			CHECK_INT(parse_value(c, opts[i], "nosuchvalue"), AU_EXIT_USAGE);
		g_strfreev(values);
	}
	for (size_t j = 0; c->subcommands && c->subcommands[j]; j++)
		check_values(c->subcommands[j]);
}

static bool has(char **v, const char *w)
{
	for (size_t i = 0; v && v[i]; i++)
		if (strcmp(v[i], w) == 0)
			return true;
	return false;
}

static char *generate(int (*gen)(FILE *f))
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	CHECK_INT(gen(f), 0);
	fclose(f);
	return mem;
}

/* Every command and each option its help lists, in one generated file
 * (as the shell writes them: "--name", in the man page "\-\-name"). */
static void check_names(const char *what, const char *text, const char *dashes)
{
	for (size_t i = 0; au_commands[i]; i++) {
		const au_cmd *c = au_commands[i];
		if (!strstr(text, c->name)) {
			fprintf(stderr, "%s: no command %s\n", what, c->name);
			CHECK(false);
		}
		const au_cmd *entries[16] = {c};
		size_t ne = 1;
		for (size_t j = 0; c->subcommands && c->subcommands[j] && ne < 16; j++)
			entries[ne++] = c->subcommands[j];
		for (size_t e = 0; e < ne; e++) {
			const au_option *opts[64];
			const char *helps[64];
			size_t n = au_cmd_help_options(entries[e], opts, helps, 64);
			for (size_t k = 0; k < n; k++) {
				/* the man page writes every hyphen as \- */
				char **parts = g_strsplit(opts[k]->name, "-", -1);
				char *name = g_strjoinv(strcmp(dashes, "--") && strcmp(dashes, "-l ") ? "\\-" : "-", parts);
				g_strfreev(parts);
				char *word = g_strdup_printf("%s%s", dashes, name);
				g_free(name);
				if (!strstr(text, word)) {
					fprintf(stderr, "%s: no %s (%s)\n", what, word, entries[e]->name);
					CHECK(false);
				}
				g_free(word);
			}
		}
	}
}

int main(void)
{
	for (size_t i = 0; au_commands[i]; i++)
		check_values(au_commands[i]);
	CHECK(values_checked >= 20);

	/* the fixed lists, from the registry and the option's argument */
	char **v = au_option_values(&au_options[AU_O_SOURCE]);
	CHECK(has(v, "claude") && has(v, "codex") && has(v, "windsurf") && has(v, "all"));
	g_strfreev(v);
	v = au_option_values(&au_options[AU_O_ORDER]);
	CHECK(v && has(v, "asc") && has(v, "desc") && !v[2]);
	g_strfreev(v);
	v = au_option_values(&au_options[AU_O_START_OF_WEEK]);
	CHECK(v && has(v, "monday") && has(v, "sunday") && !v[7]);
	g_strfreev(v);
	const au_cmd *cache = au_cmd_find(NULL, "cache");
	const au_option *by = NULL;
	for (const au_cmd_opt *r = cache ? cache->options : NULL; r && r->opt; r++)
		if (strcmp(r->opt->name, "by") == 0)
			by = r->opt;
	CHECK(by != NULL);
	v = by ? au_option_values(by) : NULL;
	CHECK(v && has(v, "day") && has(v, "project") && has(v, "model") && !v[3]);
	g_strfreev(v);
	CHECK(!au_option_values(&au_options[AU_O_SINCE]));
	CHECK(au_option_is_path(&au_options[AU_O_DB]) && au_option_is_path(&au_options[AU_O_PRICING]));
	CHECK(!au_option_is_path(&au_options[AU_O_PROJECT]));

	char *man = generate(au_gen_man);
	check_names("man", man, "\\-\\-");
	static const char *const sections[] = {".SH NAME",  ".SH SYNOPSIS",   ".SH DESCRIPTION", ".SH OPTIONS",
					       ".SH COMMANDS", ".SH FILES",   ".SH ENVIRONMENT", ".SH EXIT STATUS",
					       "CLAUDE_CONFIG_DIR", "WINDSURF_CONFIG_DIR", ".SS \"aiusage cloud sync"};
	for (size_t i = 0; i < G_N_ELEMENTS(sections); i++)
		if (!strstr(man, sections[i])) {
			fprintf(stderr, "man: no %s\n", sections[i]);
			CHECK(false);
		}
	/* no raw hyphen, and no line a roff request could be taken from */
	for (const char *l = man; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l))
		CHECK(*l != '\'');
	free(man);

	int (*const shells[])(FILE *) = {au_gen_bash, au_gen_zsh, au_gen_fish};
	static const char *const names[] = {"bash", "zsh", "fish"};
	for (size_t i = 0; i < G_N_ELEMENTS(shells); i++) {
		char *text = generate(shells[i]);
		check_names(names[i], text, i == 2 ? "-l " : "--");
		CHECK(strstr(text, "claude") && strstr(text, "windsurf") && strstr(text, "tuesday"));
		free(text);
	}
	return check_done("test_docgen");
}
