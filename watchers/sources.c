/*
 * Source roots. Claude Code: every <config>/projects for each config dir in
 * $CLAUDE_CONFIG_DIR (comma list; an entry may name projects/ itself), else
 * $XDG_CONFIG_HOME/claude and ~/.claude. Codex: <home>/sessions and
 * <home>/archived_sessions for each home in $CODEX_HOME, else ~/.codex.
 */
#include "sources.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

char *au_expand_home(const char *path)
{
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			home = g_get_home_dir();
		return xasprintf("%s%s", home, path + 1);
	}
	return xstrdup(path);
}

const char *au_home_dir(void)
{
	const char *home = getenv("HOME");
	return home && *home ? home : g_get_home_dir();
}

void au_add_root(GArray *a, au_source src, char *dir, const char *origin)
{
	/* Drop trailing slashes and duplicates (two env entries, one dir). */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	for (guint i = 0; i < a->len; i++)
		if (strcmp(g_array_index(a, au_root, i).dir, dir) == 0) {
			free(dir);
			return;
		}
	au_root r = {.source = src, .dir = dir, .origin = xstrdup(origin)};
	g_array_append_val(a, r);
}

/* The directories of a comma-separated path list in the environment,
 * ~ expanded; NULL when the variable is unset or empty. */
GPtrArray *au_env_dirs(const char *var)
{
	const char *env = getenv(var);
	if (!env || !*env)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(free);
	char **parts = g_strsplit(env, ",", -1);
	for (char **p = parts; *p; p++) {
		char *e = g_strstrip(*p);
		if (*e)
			g_ptr_array_add(out, au_expand_home(e));
	}
	g_strfreev(parts);
	return out;
}

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

bool au_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static const au_parser_ops *claude_file(const char *path, const char *name)
{
	return au_ends_with(name, ".jsonl") ? &au_parser_claude : NULL;
}

static const au_parser_ops *codex_file(const char *path, const char *name)
{
	return strncmp(name, "rollout-", 8) == 0 && au_ends_with(name, ".jsonl") ? &au_parser_codex : NULL;
}

/* watchers/sources_copilot.c: the directory of the one file
 * $COPILOT_OTEL_FILE_EXPORTER_PATH names, and what is walked below it */
void au_copilot_file_root(GArray *a);
bool au_copilot_walks(const char *root, const char *dir);

/*
 * One row per tool: where its roots are and which parser reads which file
 * under them (a tool may keep data in several shapes). Adding a tool is a
 * row here and its parsers in parsers/registry.c.
 */
typedef struct source_def {
	au_source source;
	void (*roots)(GArray *a);
	const au_parser_ops *(*file)(const char *path, const char *name);
} source_def;

static const source_def source_defs[] = {
	{AU_SRC_CLAUDE, claude_roots, claude_file},
	{AU_SRC_CODEX, codex_roots, codex_file},
	{AU_SRC_COPILOT, au_copilot_roots, au_copilot_file},
	{AU_SRC_VSCODE, au_vscode_roots, au_vscode_file},
	{AU_SRC_GEMINI, au_gemini_roots, au_gemini_file},
	{AU_SRC_OPENCODE, au_opencode_roots, au_opencode_file},
	{AU_SRC_CURSOR, au_cursor_roots, au_cursor_file},
	{AU_SRC_WINDSURF, au_windsurf_roots, au_windsurf_file},
	/* A root that stands for one file (Copilot's OpenTelemetry export):
	 * last, so that a path inside another tool's root is that root's
	 * (the watcher takes the first root a path is in). */
	{AU_SRC_COPILOT, au_copilot_file_root, au_copilot_file},
};

au_root *au_roots_get(au_source only)
{
	GArray *a = g_array_new(TRUE, TRUE, sizeof(au_root));
	for (size_t i = 0; i < G_N_ELEMENTS(source_defs); i++)
		if (only == AU_SRC_NONE || only == source_defs[i].source)
			source_defs[i].roots(a);
	/* The zero-terminated GArray's data is a plain malloc'd array. */
	au_root *out = xcalloc(a->len + 1, sizeof(au_root));
	memcpy(out, a->data, a->len * sizeof(au_root));
	g_array_free(a, TRUE);
	return out;
}

void au_roots_free(au_root *roots)
{
	if (!roots)
		return;
	for (au_root *r = roots; r->dir; r++) {
		free(r->dir);
		free(r->origin);
		free(r->file);
	}
	free(roots);
}

const au_parser_ops *au_file_parser(au_source src, const char *path)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	for (size_t i = 0; i < G_N_ELEMENTS(source_defs); i++)
		if (source_defs[i].source == src)
			return source_defs[i].file(path, name);
	return NULL;
}

/*
 * Tools whose logs name a stand-in for the working directory: the stored
 * project is the real folder (VS Code: a workspace storage directory whose
 * workspace.json names the folder).
 */
static const struct {
	au_source source;
	char *(*project)(const char *cwd);
} project_hooks[] = {
	{AU_SRC_VSCODE, au_vscode_project},
	{AU_SRC_GEMINI, au_gemini_project},
};

char *au_source_project(au_source src, const char *cwd)
{
	for (size_t i = 0; i < G_N_ELEMENTS(project_hooks); i++)
		if (project_hooks[i].source == src)
			return cwd && *cwd ? project_hooks[i].project(cwd) : NULL;
	return NULL;
}

bool au_source_has_project_hook(au_source src)
{
	for (size_t i = 0; i < G_N_ELEMENTS(project_hooks); i++)
		if (project_hooks[i].source == src)
			return true;
	return false;
}

/* Tools whose root holds much besides logs: which directories to walk and
 * watch at all (scan.c's walk and watch.c's add_tree ask). */
static const struct {
	au_source source;
	bool (*walks)(const char *root, const char *dir);
} dir_filters[] = {
	{AU_SRC_OPENCODE, au_opencode_walks},
	{AU_SRC_COPILOT, au_copilot_walks},
};

bool au_source_walks_dir(au_source src, const char *root, const char *dir)
{
	for (size_t i = 0; i < G_N_ELEMENTS(dir_filters); i++)
		if (dir_filters[i].source == src)
			return dir_filters[i].walks(root, dir);
	return true;
}
