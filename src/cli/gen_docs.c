/*
 * gen_docs: the build's writer of the man page and the shell completions
 * (docgen.c), run by CMake after it links the same au_cli library as the
 * aiusage binary, so the files say what --help says:
 *
 *   gen_docs man|bash|zsh|fish OUT
 *
 * A separate tool rather than a hidden `aiusage __generate` command: the
 * shipped binary keeps no command its help does not list (the command
 * table, the did-you-mean suggestions and tests/e2e/options.sh all walk
 * au_commands[]), and the generators are linked into this tool only.
 */
#include <stdio.h>
#include <string.h>

#include "docgen.h"

const char *au_progname = "aiusage"; /* main.c's, which this tool does not link */

int main(int argc, char **argv)
{
	static const struct {
		const char *kind;
		int (*gen)(FILE *f);
	} kinds[] = {{"man", au_gen_man}, {"bash", au_gen_bash}, {"zsh", au_gen_zsh}, {"fish", au_gen_fish}};
	for (size_t i = 0; argc == 3 && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].kind) != 0)
			continue;
		FILE *f = fopen(argv[2], "w");
		if (!f) {
			perror(argv[2]);
			return 1;
		}
		int r = kinds[i].gen(f);
		if (fclose(f) != 0 || r < 0) {
			fprintf(stderr, "gen_docs: cannot write %s\n", argv[2]);
			remove(argv[2]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "usage: gen_docs man|bash|zsh|fish OUT\n");
	return 2;
}
