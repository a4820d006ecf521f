/*
 * Where each tool keeps its logs: the root directories to walk and which
 * file names in them are logs. Environment overrides ($CLAUDE_CONFIG_DIR,
 * $CODEX_HOME, both comma-separated lists) and XDG defaults live here.
 */
#ifndef AU_SOURCES_H
#define AU_SOURCES_H

#include <stdbool.h>

#include "parser.h"

typedef struct au_root {
	au_source source;
	char *dir;     /* the directory walked recursively */
	char *origin;  /* how we got it: "$CLAUDE_CONFIG_DIR", "default" */
} au_root;

/* Roots for one source (or all with AU_SRC_NONE). Returns a malloc'd
 * array terminated by an entry with dir == NULL; free with au_roots_free. */
au_root *au_roots_get(au_source only);
void au_roots_free(au_root *roots);

/* Whether a file name (no directory) under a root of `src` is a log. */
bool au_source_wants_file(au_source src, const char *name);

/* ~ expansion against $HOME; returns a malloc'd string. */
char *au_expand_home(const char *path);

#endif
