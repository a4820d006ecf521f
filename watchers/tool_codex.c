/*
 * Codex CLI: <home>/sessions and <home>/archived_sessions for each home in
 * $CODEX_HOME (comma list), else ~/.codex; the rollout-*.jsonl files below
 * are session logs (parsers/codex.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "tools.h"

static void codex_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("CODEX_HOME");
	if (!dirs) {
		dirs = g_ptr_array_new_with_free_func(free);
		g_ptr_array_add(dirs, xasprintf("%s/.codex", au_home_dir()));
	}
	const char *origin = getenv("CODEX_HOME") && *getenv("CODEX_HOME") ? "$CODEX_HOME" : "default";
	for (guint i = 0; i < dirs->len; i++) {
		au_add_root(a, AU_SRC_CODEX, xasprintf("%s/sessions", (char *)dirs->pdata[i]), origin);
		au_add_root(a, AU_SRC_CODEX, xasprintf("%s/archived_sessions", (char *)dirs->pdata[i]), origin);
	}
	g_ptr_array_free(dirs, TRUE);
}

static const au_parser_ops *codex_file(const char *path, const char *name)
{
	return strncmp(name, "rollout-", 8) == 0 && au_ends_with(name, ".jsonl") ? &au_parser_codex : NULL;
}

/* A JSONL file in the sessions tree that is not named as Codex names its
 * rollouts (codex-rs/rollout/src/recorder.rs: rollout-<time>-<uuid>.jsonl)
 * is not read: say so rather than leave it out unseen. */
static char *codex_skip_note(const char *path, const char *name)
{
	(void)path;
	if (!strstr(name, ".jsonl"))
		return NULL;
	return xstrdup(strncmp(name, "rollout-", 8) == 0 ? "a rollout that is not plain .jsonl is not read"
							: "not named rollout-*.jsonl, as Codex names its rollouts");
}

static const au_parser_ops *const codex_parsers[] = {&au_parser_codex, NULL};

const au_tool au_tool_codex = {
	.source = AU_SRC_CODEX,
	.name = "codex",
	.title = "Codex CLI",
	.defaults = "~/.codex",
	.env = {{"CODEX_HOME", "Codex homes, comma-separated"}},
	.parsers = codex_parsers,
	.roots = codex_roots,
	.file = codex_file,
	.skip_note = codex_skip_note,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_EXACT,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "OpenAI reports no cache writes; reasoning is the part of output it names",
};
