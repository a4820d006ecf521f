/*
 * GitHub Copilot CLI's logs: session-state/ (a directory per session with
 * its events.jsonl; older builds wrote session-state/<id>.jsonl) and the
 * older history-session-state/, under each directory of $COPILOT_HOME
 * (comma-separated, as the other tools' variables), else ~/.copilot.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"

extern const au_parser_ops au_parser_copilot; /* parsers/copilot.c */

void au_copilot_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("COPILOT_HOME");
	const char *origin = dirs ? "$COPILOT_HOME" : "default";
	if (!dirs) {
		dirs = g_ptr_array_new_with_free_func(free);
		g_ptr_array_add(dirs, xasprintf("%s/.copilot", au_home_dir()));
	}
	for (guint i = 0; i < dirs->len; i++) {
		const char *dir = dirs->pdata[i];
		au_add_root(a, AU_SRC_COPILOT, xasprintf("%s/session-state", dir), origin);
		au_add_root(a, AU_SRC_COPILOT, xasprintf("%s/history-session-state", dir), origin);
	}
	g_ptr_array_free(dirs, TRUE);
}

/* Whether the directory holding the file at path is named dir. */
static bool parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = strlen(dir);
	return slash && (size_t)(slash - path) >= n + 1 && slash[-(ptrdiff_t)n - 1] == '/' &&
	       memcmp(slash - n, dir, n) == 0;
}

const au_parser_ops *au_copilot_file(const char *path, const char *name)
{
	/* a session's events.jsonl (its other files are not usage logs), or
	 * an older build's flat <id>.jsonl right in the root */
	if (strcmp(name, "events.jsonl") == 0)
		return &au_parser_copilot;
	if (au_ends_with(name, ".jsonl") && (parent_is(path, "session-state") || parent_is(path, "history-session-state")))
		return &au_parser_copilot;
	return NULL;
}
