/*
 * Where each tool keeps its logs: the root directories to walk and which
 * file names in them are logs. Environment overrides ($CLAUDE_CONFIG_DIR,
 * $CODEX_HOME, both comma-separated lists) and XDG defaults live here.
 */
#ifndef AU_SOURCES_H
#define AU_SOURCES_H

#include <glib.h>
#include <stdbool.h>

#include "parser.h"

typedef struct au_root {
	au_source source;
	char *dir;     /* the directory walked recursively */
	char *origin;  /* how we got it: "$CLAUDE_CONFIG_DIR", "default" */
	char *file;    /* a root made for one file (in dir): that file, else NULL */
} au_root;

/* Roots for one source (or all with AU_SRC_NONE). Returns a malloc'd
 * array terminated by an entry with dir == NULL; free with au_roots_free. */
au_root *au_roots_get(au_source only);
void au_roots_free(au_root *roots);

/* The parser that reads the file at path (under a root of src), or NULL
 * when the file is not one of the tool's logs. */
const au_parser_ops *au_file_parser(au_source src, const char *path);

/* The real project folder for an event's cwd, for tools whose logs carry a
 * stand-in (VS Code's workspace storage dir); malloc'd, or NULL to keep cwd.
 * Reads files, so it runs in the scan, never in a parser. */
char *au_source_project(au_source src, const char *cwd);
bool au_source_has_project_hook(au_source src);
/* Whether dir (under root) may hold logs of src, i.e. is worth walking and
 * watching; true for most tools. */
bool au_source_walks_dir(au_source src, const char *root, const char *dir);
bool au_opencode_walks(const char *root, const char *dir);

/* ~ expansion against $HOME; returns a malloc'd string. */
char *au_expand_home(const char *path);

/*
 * For the per-tool root functions (sources.c's table; a tool's own can live
 * in watchers/sources_<tool>.c): $HOME, the directories of a comma list in
 * the environment (NULL when unset; free with g_ptr_array_free), adding a
 * root (takes dir; duplicates are dropped) and a suffix test.
 */
const char *au_home_dir(void);
GPtrArray *au_env_dirs(const char *var);
void au_add_root(GArray *roots, au_source src, char *dir, const char *origin);
bool au_ends_with(const char *s, const char *suffix);

/* Gemini CLI (watchers/sources_gemini.c) */
void au_gemini_roots(GArray *a);
const au_parser_ops *au_gemini_file(const char *path, const char *name);
char *au_gemini_project(const char *cwd);
/* OpenCode (watchers/sources_opencode.c) */
void au_opencode_roots(GArray *a);
const au_parser_ops *au_opencode_file(const char *path, const char *name);
/* GitHub Copilot CLI (watchers/sources_copilot.c) */
void au_copilot_roots(GArray *a);
const au_parser_ops *au_copilot_file(const char *path, const char *name);
/* VS Code Copilot Chat (watchers/sources_vscode.c) */
void au_vscode_roots(GArray *a);
const au_parser_ops *au_vscode_file(const char *path, const char *name);
/* The folder a VS Code workspace storage directory (.../workspaceStorage/
 * <hash>, what VS Code events carry as their cwd) stands for, from its
 * workspace.json; malloc'd, or NULL when it names none. */
char *au_vscode_project(const char *storage_dir);

/* Cursor (sources_cursor.c): its global state.vscdb. */
void au_cursor_roots(GArray *a);
const au_parser_ops *au_cursor_file(const char *path, const char *name);

/* Windsurf (sources_windsurf.c): detected only, no file is read for usage.
 * au_windsurf_plan_name: the plan Windsurf cached in root/state.vscdb
 * (malloc'd; "" when cached in a shape not known), or NULL when none. */
void au_windsurf_roots(GArray *a);
const au_parser_ops *au_windsurf_file(const char *path, const char *name);
char *au_windsurf_plan_name(const char *root);

#endif
