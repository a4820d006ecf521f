/*
 * The man page (aiusage.1) and the bash, zsh and fish completions, made
 * from the same entries as --help: the command table, each command's
 * options as its help lists them, the option catalogue's fixed values and
 * the tool registry. The build's gen_docs tool writes them; they cannot
 * drift from --help because nothing else says what they say.
 */
#ifndef AU_DOCGEN_H
#define AU_DOCGEN_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

/* The values an option's argument can only take, NULL-ended (g_strfreev
 * it): --source's tools and "all", the day names of --start-of-week, and
 * the words of an argument written "asc|desc". NULL for a free value. */
char **au_option_values(const au_option *opt);
/* Whether the option's value names a file (PATH, FILE): completed as one. */
bool au_option_is_path(const au_option *opt);

/* Each writes its whole file to f; 0, or -EIO when writing failed. */
int au_gen_man(FILE *f);
int au_gen_bash(FILE *f);
int au_gen_zsh(FILE *f);
int au_gen_fish(FILE *f);

#endif
