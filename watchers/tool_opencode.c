/*
 * OpenCode's roots and file names. Its data directory holds opencode.db
 * (opencode-<channel>.db for channel builds) and, from before v1.2,
 * storage/message/<session>/<message>.json. Roots: each directory of
 * $OPENCODE_DATA_DIR (comma list, as ccusage), else
 * ${XDG_DATA_HOME:-~/.local/share}/opencode.
 */
#include "sources.h"
#include "tools.h"

#include <stdlib.h>
#include <string.h>

extern const au_parser_ops au_parser_opencode, au_parser_opencode_json;

static void opencode_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("OPENCODE_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_OPENCODE, xstrdup(dirs->pdata[i]), "$OPENCODE_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/')
		au_add_root(a, AU_SRC_OPENCODE, xasprintf("%s/opencode", xdg), "default");
	else
		au_add_root(a, AU_SRC_OPENCODE, xasprintf("%s/.local/share/opencode", au_home_dir()), "default");
}

/* opencode.db, or opencode-<channel>.db with a channel of [A-Za-z0-9_-]. */
static bool database_name(const char *name)
{
	if (strcmp(name, "opencode.db") == 0)
		return true;
	size_t n = strlen(name);
	if (n <= 12 || strncmp(name, "opencode-", 9) != 0 || strcmp(name + n - 3, ".db") != 0)
		return false;
	for (size_t i = 9; i < n - 3; i++)
		if (!g_ascii_isalnum(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

static const au_parser_ops *opencode_file(const char *path, const char *name)
{
	if (database_name(name))
		return &au_parser_opencode;
	/* .../storage/message/<session>/<name>.json */
	static const char legacy[] = "/storage/message/";
	size_t dir_len = (size_t)(name - path);
	if (!au_ends_with(name, ".json") || dir_len < sizeof(legacy) + 1)
		return NULL;
	const char *session = name - 1; /* the slash before name */
	while (session > path && session[-1] != '/')
		session--;
	if (session == name - 1 || (size_t)(session - path) < sizeof(legacy) - 1)
		return NULL;
	return memcmp(session - (sizeof(legacy) - 1), legacy, sizeof(legacy) - 1) == 0 ? &au_parser_opencode_json
											: NULL;
}

/* Only the root (its databases) and storage/message/ hold usage; the rest
 * (snapshot/'s git object stores, storage/part/'s directory per message)
 * would cost walk time and inotify watches for nothing. */
static bool opencode_walks(const char *root, const char *dir)
{
	size_t n = strlen(root);
	if (strncmp(dir, root, n) != 0)
		return false;
	const char *rel = dir + n;
	if (*rel == '/')
		rel++;
	return *rel == '\0' || strcmp(rel, "storage") == 0 || strcmp(rel, "storage/message") == 0 ||
	       strncmp(rel, "storage/message/", 16) == 0;
}

static const au_parser_ops *const opencode_parsers[] = {&au_parser_opencode, &au_parser_opencode_json, NULL};

const au_tool au_tool_opencode = {
	.source = AU_SRC_OPENCODE,
	.name = "opencode",
	.title = "OpenCode",
	.defaults = "~/.local/share/opencode",
	.env = {{"OPENCODE_DATA_DIR", "OpenCode data dirs, comma-separated"}},
	.parsers = opencode_parsers,
	.roots = opencode_roots,
	.file = opencode_file,
	.walks_dir = opencode_walks,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_EXACT,
		 [AU_FIELD_COST] = AU_CAP_EXACT,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "OpenCode's own per-message cost is kept beside ours (toolCost; 0 for subscription providers)",
};
