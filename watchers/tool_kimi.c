/*
 * Kimi CLI's roots and file names: <share dir>/sessions/<hash of the work
 * dir>/<session id>/wire.jsonl (parsers/kimi.c). Roots: each directory of
 * $KIMI_SHARE_DIR (comma list; the CLI's own variable for its share
 * directory), its sessions/, else ~/.kimi/sessions.
 */
#include <string.h>

#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_kimi;

static void kimi_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("KIMI_SHARE_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_KIMI, xasprintf("%s/sessions", (char *)dirs->pdata[i]), "$KIMI_SHARE_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	au_add_root(a, AU_SRC_KIMI, xasprintf("%s/.kimi/sessions", au_home_dir()), "default");
}

static const au_parser_ops *kimi_file(const char *path, const char *name)
{
	(void)path;
	return strcmp(name, "wire.jsonl") == 0 ? &au_parser_kimi : NULL;
}

static const au_parser_ops *const kimi_parsers[] = {&au_parser_kimi, NULL};

const au_tool au_tool_kimi = {
	.source = AU_SRC_KIMI,
	.name = "kimi",
	.title = "Kimi CLI",
	.defaults = "~/.kimi/sessions",
	.env = {{"KIMI_SHARE_DIR", "Kimi CLI share dirs (holding sessions/), comma-separated"}},
	.parsers = kimi_parsers,
	.roots = kimi_roots,
	.file = kimi_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_NA,
		 [AU_FIELD_PROJECT] = AU_CAP_NA,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "per step; the wire names no model (shown as unknown, unpriced) and its folders only a hash of the work dir",
};
