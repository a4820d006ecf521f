/*
 * Amp's roots and file names: <data>/amp/threads/T-<uuid>.json, one
 * document per thread, rewritten whole (parsers/amp.c). Roots: each
 * directory of $AMP_DATA_DIR (comma list, naming the threads/ directory;
 * aiusage's own variable), else ${XDG_DATA_HOME:-~/.local/share}/amp/threads.
 */
#include "sources.h"
#include "tools.h"

#include <stdlib.h>
#include <string.h>

extern const au_parser_ops au_parser_amp;

static void amp_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("AMP_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_AMP, xstrdup(dirs->pdata[i]), "$AMP_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/')
		au_add_root(a, AU_SRC_AMP, xasprintf("%s/amp/threads", xdg), "default");
	else
		au_add_root(a, AU_SRC_AMP, xasprintf("%s/.local/share/amp/threads", au_home_dir()), "default");
}

static const au_parser_ops *amp_file(const char *path, const char *name)
{
	(void)path;
	return strncmp(name, "T-", 2) == 0 && au_ends_with(name, ".json") ? &au_parser_amp : NULL;
}

static const au_parser_ops *const amp_parsers[] = {&au_parser_amp, NULL};

const au_tool au_tool_amp = {
	.source = AU_SRC_AMP,
	.name = "amp",
	.title = "Amp",
	.defaults = "~/.local/share/amp/threads",
	.env = {{"AMP_DATA_DIR", "Amp threads/ dirs, comma-separated"}},
	.parsers = amp_parsers,
	.roots = amp_roots,
	.file = amp_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EST,
		 [AU_FIELD_OUTPUT] = AU_CAP_EST,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EST,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EST,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_NA,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "per request (the usage ledger, else each message's usage; one counts when both name a request); field meanings from peers, Amp being closed source; its credits are kept as its own cost (toolCost)",
};
