/*
 * Roots: the directories walked for each tool's logs, and the questions the
 * scan and the watcher ask about a file or directory under one. The
 * answers come from each tool's descriptor (tools.h, watchers/tool_*.c);
 * this file holds the dispatch and the helpers the descriptors share.
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
/* A hash of the roots (source, directory, file): two processes whose
 * environments name the same logs get the same value. */
uint64_t au_roots_fingerprint(const au_root *roots);

/* The parser that reads the file at path (under a root of src), or NULL
 * when the file is not one of the tool's logs. */
const au_parser_ops *au_file_parser(au_source src, const char *path);
/* For a file au_file_parser refuses: why it looks like a log of src that
 * is not read (malloc'd, for scan -v), or NULL. */
char *au_file_skip_note(au_source src, const char *path);

/* The real project folder for an event's cwd, for tools whose logs carry a
 * stand-in (VS Code's workspace storage dir); malloc'd, or NULL to keep cwd.
 * Reads files, so it runs in the scan, never in a parser. */
char *au_source_project(au_source src, const char *cwd);
bool au_source_has_project_hook(au_source src);
/* Whether dir (under root) may hold logs of src, i.e. is worth walking and
 * watching; true for most tools. */
bool au_source_walks_dir(au_source src, const char *root, const char *dir);

/* ~ expansion against $HOME; returns a malloc'd string. */
char *au_expand_home(const char *path);

/*
 * For the descriptors' root functions (watchers/tool_<name>.c): $HOME, the
 * directories of a comma list in the environment (NULL when unset; free
 * with g_ptr_array_free), adding a root (takes dir; duplicates are
 * dropped) and a suffix test.
 */
const char *au_home_dir(void);
GPtrArray *au_env_dirs(const char *var);
void au_add_root(GArray *roots, au_source src, char *dir, const char *origin);
bool au_ends_with(const char *s, const char *suffix);

#endif
