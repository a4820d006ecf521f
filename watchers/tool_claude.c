/*
 * Claude Code: every <config>/projects for each config dir in
 * $CLAUDE_CONFIG_DIR (comma list; an entry may name projects/ itself), else
 * $XDG_CONFIG_HOME/claude and ~/.claude; every .jsonl below is a session
 * log (parsers/claude.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "tools.h"

static void claude_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("CLAUDE_CONFIG_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++) {
			const char *dir = dirs->pdata[i];
			char *base = g_path_get_basename(dir);
			/* an entry may name the config dir or its projects/ itself */
			au_add_root(a, AU_SRC_CLAUDE,
				    strcmp(base, "projects") == 0 ? xstrdup(dir) : xasprintf("%s/projects", dir),
				    "$CLAUDE_CONFIG_DIR");
			g_free(base);
		}
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && *xdg && xdg[0] == '/')
		au_add_root(a, AU_SRC_CLAUDE, xasprintf("%s/claude/projects", xdg), "default");
	else
		au_add_root(a, AU_SRC_CLAUDE, xasprintf("%s/.config/claude/projects", au_home_dir()), "default");
	au_add_root(a, AU_SRC_CLAUDE, xasprintf("%s/.claude/projects", au_home_dir()), "default");
}

static const au_parser_ops *claude_file(const char *path, const char *name)
{
	return au_ends_with(name, ".jsonl") ? &au_parser_claude : NULL;
}

static const au_parser_ops *const claude_parsers[] = {&au_parser_claude, NULL};

const au_tool au_tool_claude = {
	.source = AU_SRC_CLAUDE,
	.name = "claude",
	.title = "Claude Code",
	.defaults = "~/.config/claude, ~/.claude",
	.env = {{"CLAUDE_CONFIG_DIR", "Claude Code config dirs, comma-separated"}},
	.parsers = claude_parsers,
	.roots = claude_roots,
	.file = claude_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "thinking tokens are inside output, never reported apart",
};
