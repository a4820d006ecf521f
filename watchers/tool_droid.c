/*
 * Factory Droid's roots and file names: ~/.factory/sessions/<project>/
 * <session id>.settings.json, the session's running token totals
 * (parsers/droid.c); the .jsonl transcripts beside them hold none. Roots:
 * each directory of $DROID_DATA_DIR (comma list, naming the sessions/
 * directory; aiusage's own variable), else ~/.factory/sessions.
 */
#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_droid;

static void droid_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("DROID_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_DROID, xstrdup(dirs->pdata[i]), "$DROID_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	au_add_root(a, AU_SRC_DROID, xasprintf("%s/.factory/sessions", au_home_dir()), "default");
}

static const au_parser_ops *droid_file(const char *path, const char *name)
{
	(void)path;
	return name[0] != '.' && au_ends_with(name, ".settings.json") ? &au_parser_droid : NULL;
}

static const au_parser_ops *const droid_parsers[] = {&au_parser_droid, NULL};

const au_tool au_tool_droid = {
	.source = AU_SRC_DROID,
	.name = "droid",
	.title = "Factory Droid",
	.defaults = "~/.factory/sessions",
	.env = {{"DROID_DATA_DIR", "Factory Droid sessions/ dirs, comma-separated"}},
	.parsers = droid_parsers,
	.roots = droid_roots,
	.file = droid_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EST,
		 [AU_FIELD_OUTPUT] = AU_CAP_EST,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EST,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EST,
		 [AU_FIELD_REASONING] = AU_CAP_EST,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EST,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "session totals only (no per-request record), dated at the session's start; field meanings from peers, Droid being closed source",
};
