/*
 * Qwen Code's roots and file names: ~/.qwen/projects/<project>/chats/
 * <session id>.jsonl (parsers/qwen.c). Roots: each directory of
 * $QWEN_DATA_DIR (comma list, naming the projects/ directory; aiusage's
 * own variable, as GEMINI_DATA_DIR is for Gemini CLI), else
 * ~/.qwen/projects.
 */
#include <string.h>

#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_qwen;

static void qwen_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("QWEN_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_QWEN, xstrdup(dirs->pdata[i]), "$QWEN_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	au_add_root(a, AU_SRC_QWEN, xasprintf("%s/.qwen/projects", au_home_dir()), "default");
}

static const au_parser_ops *qwen_file(const char *path, const char *name)
{
	static const char chats[] = "/chats/";
	size_t n = sizeof(chats) - 1;
	if (!au_ends_with(name, ".jsonl") || name[0] == '.' || (size_t)(name - path) < n)
		return NULL;
	return memcmp(name - n, chats, n) == 0 ? &au_parser_qwen : NULL;
}

static const au_parser_ops *const qwen_parsers[] = {&au_parser_qwen, NULL};

const au_tool au_tool_qwen = {
	.source = AU_SRC_QWEN,
	.name = "qwen",
	.title = "Qwen Code",
	.defaults = "~/.qwen/projects",
	.env = {{"QWEN_DATA_DIR", "Qwen Code projects/ dirs, comma-separated"}},
	.parsers = qwen_parsers,
	.roots = qwen_roots,
	.file = qwen_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_EXACT,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "each response's usageMetadata (Gemini's fields); thoughts counted in output once",
};
