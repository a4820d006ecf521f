/*
 * Gemini CLI's roots and file names. Chats live in
 * <gemini>/tmp/<project>/chats/: session-<time>-<id8>.jsonl (append-only,
 * >= 0.40), session-<time>-<id8>.json (legacy, rewritten whole; a resumed
 * one is migrated to a .jsonl copy beside it, same message ids), and
 * <parent session>/<session>.jsonl for subagents. Roots: each directory of
 * $GEMINI_DATA_DIR (comma list, naming the tmp/ directory, as ccusage),
 * else $GEMINI_CLI_HOME/.gemini/tmp (the CLI's own home override), else
 * ~/.gemini/tmp. The chats do not say where the CLI ran: a session's
 * project is the folder its <project>/.project_root names (newer CLIs),
 * else the <project> directory's name (a slug, or the hash older CLIs used).
 */
#include "sources.h"
#include "tools.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern const au_parser_ops au_parser_gemini, au_parser_gemini_json;

static void gemini_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("GEMINI_DATA_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_GEMINI, xstrdup(dirs->pdata[i]), "$GEMINI_DATA_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *home = getenv("GEMINI_CLI_HOME");
	if (home && *home) {
		char *h = au_expand_home(home);
		au_add_root(a, AU_SRC_GEMINI, xasprintf("%s/.gemini/tmp", h), "$GEMINI_CLI_HOME");
		free(h);
		return;
	}
	au_add_root(a, AU_SRC_GEMINI, xasprintf("%s/.gemini/tmp", au_home_dir()), "default");
}

/* Whether the directory `up` levels above the file is named dir. */
static bool parent_is(const char *path, const char *name, int up, const char *dir)
{
	const char *end = name - 1; /* the slash before name */
	for (; up > 1; up--) {
		while (end > path && end[-1] != '/')
			end--;
		if (end == path)
			return false;
		end--;
	}
	size_t n = strlen(dir);
	return end - path >= (ptrdiff_t)n + 1 && end[-(ptrdiff_t)n - 1] == '/' && memcmp(end - n, dir, n) == 0;
}

static const au_parser_ops *gemini_file(const char *path, const char *name)
{
	/* half-written temporaries and files the CLI set aside as unreadable */
	if (name == path || strstr(name, ".tmp-") || strstr(name, ".unreadable-"))
		return NULL;
	bool jsonl = au_ends_with(name, ".jsonl");
	if (parent_is(path, name, 1, "chats") && strncmp(name, "session-", 8) == 0)
		return jsonl ? &au_parser_gemini : au_ends_with(name, ".json") ? &au_parser_gemini_json : NULL;
	if (jsonl && parent_is(path, name, 2, "chats"))
		return &au_parser_gemini; /* a subagent's chat, under its parent session */
	return NULL;
}

/*
 * A .json or .jsonl file in a chats/ folder that is not named as Gemini
 * CLI names its chats (chatRecordingService.ts: session-<time>-<id8>.json
 * and .jsonl; a subagent's <parent session>/<id>.jsonl) is not read; a
 * file such as chats/session.json (what some other trackers' fixtures use)
 * is named under -v. Half-written temporaries and /chat save checkpoints
 * (checkpoint-<tag>.json) are not chats and pass in silence.
 */
static char *gemini_skip_note(const char *path, const char *name)
{
	if (name == path || strstr(name, ".tmp-") || strstr(name, ".unreadable-") ||
	    strncmp(name, "checkpoint-", 11) == 0)
		return NULL;
	if (!au_ends_with(name, ".json") && !au_ends_with(name, ".jsonl"))
		return NULL;
	if (!parent_is(path, name, 1, "chats") && !parent_is(path, name, 2, "chats"))
		return NULL;
	return xstrdup("not a chat file name Gemini CLI writes (session-*.json, session-*.jsonl, "
		       "<session>/<id>.jsonl)");
}

/*
 * The folder a Gemini project directory stands for (the parser's cwd when
 * the session named no workspace directory). A real folder, without a
 * chats/ directory in it, is left alone.
 */
static char *gemini_project(const char *cwd)
{
	char *chats = g_build_filename(cwd, "chats", NULL);
	bool stand_in = g_file_test(chats, G_FILE_TEST_IS_DIR);
	g_free(chats);
	if (!stand_in)
		return NULL;
	char *marker = g_build_filename(cwd, ".project_root", NULL);
	struct stat sb;
	gchar *text = NULL;
	char *out = NULL;
	/* one absolute path; anything else (or larger) is not trusted */
	if (stat(marker, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < AU_PATH_MAX &&
	    g_file_get_contents(marker, &text, NULL, NULL)) {
		g_strstrip(text);
		if (text[0] == '/' && !strchr(text, '\n'))
			out = xstrdup(text);
		g_free(text);
	}
	g_free(marker);
	if (!out) {
		char *base = g_path_get_basename(cwd);
		out = xstrdup(base);
		g_free(base);
	}
	return out;
}

static const au_parser_ops *const gemini_parsers[] = {&au_parser_gemini, &au_parser_gemini_json, NULL};

const au_tool au_tool_gemini = {
	.source = AU_SRC_GEMINI,
	.name = "gemini",
	.title = "Gemini CLI",
	.defaults = "~/.gemini/tmp",
	.env = {{"GEMINI_DATA_DIR", "Gemini CLI tmp/ dirs, comma-separated"},
		{"GEMINI_CLI_HOME", "Gemini CLI's home, when GEMINI_DATA_DIR is unset (its .gemini/tmp)"}},
	.parsers = gemini_parsers,
	.roots = gemini_roots,
	.file = gemini_file,
	.skip_note = gemini_skip_note,
	.project = gemini_project,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_EXACT,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EST,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "output includes thoughts; the project is the one its chats dir maps to (a hash when nothing names it)",
};
