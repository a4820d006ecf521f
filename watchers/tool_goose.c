/*
 * Goose's roots and file names: <data>/sessions/sessions.db, the session
 * store (parsers/goose.c). <data> is Goose's own data directory
 * (crates/goose/src/config/paths.rs): $GOOSE_PATH_ROOT/data when that is
 * an absolute path, else the XDG one, ${XDG_DATA_HOME:-~/.local/share}/
 * goose. Roots: each directory of $GOOSE_DATA_DIR (comma list, naming the
 * sessions/ directory; aiusage's own variable), else the above.
 */
#include "sources.h"
#include "tools.h"

#include <stdlib.h>
#include <string.h>

extern const au_parser_ops au_parser_goose;

static void goose_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("GOOSE_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_GOOSE, xstrdup(dirs->pdata[i]), "$GOOSE_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *root = getenv("GOOSE_PATH_ROOT");
	const char *xdg = getenv("XDG_DATA_HOME");
	if (root && root[0] == '/')
		au_add_root(a, AU_SRC_GOOSE, xasprintf("%s/data/sessions", root), "$GOOSE_PATH_ROOT");
	else if (xdg && xdg[0] == '/')
		au_add_root(a, AU_SRC_GOOSE, xasprintf("%s/goose/sessions", xdg), "default");
	else
		au_add_root(a, AU_SRC_GOOSE, xasprintf("%s/.local/share/goose/sessions", au_home_dir()), "default");
}

static const au_parser_ops *goose_file(const char *path, const char *name)
{
	(void)path;
	return strcmp(name, "sessions.db") == 0 ? &au_parser_goose : NULL;
}

/* The database sits at the root; the legacy .jsonl sessions beside it
 * (before the database, imported by Goose into it) hold no counters. */
static bool goose_walks(const char *root, const char *dir)
{
	return strcmp(root, dir) == 0;
}

static const au_parser_ops *const goose_parsers[] = {&au_parser_goose, NULL};

const au_tool au_tool_goose = {
	.source = AU_SRC_GOOSE,
	.name = "goose",
	.title = "Goose",
	.defaults = "~/.local/share/goose/sessions",
	.env = {{"GOOSE_DATA_DIR", "Goose sessions/ dirs, comma-separated"},
		{"GOOSE_PATH_ROOT", "Goose's own root: reads <root>/data/sessions"}},
	.parsers = goose_parsers,
	.roots = goose_roots,
	.file = goose_file,
	.walks_dir = goose_walks,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EST,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_NA,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "session totals only (accumulated_input/output_tokens, no cache split: cached input counts as input), dated at the session's start, under the session's last model",
};
