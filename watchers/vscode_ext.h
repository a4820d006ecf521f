/*
 * The places a VS Code extension keeps its global storage, shared by the
 * descriptors of the agent extensions (Cline, Roo Code, Kilo Code): each
 * <User>/globalStorage/<extension id>/ of Code, Code - Insiders, VSCodium
 * and the remote servers, or the directories a variable names instead.
 */
#ifndef AU_VSCODE_EXT_H
#define AU_VSCODE_EXT_H

#include <glib.h>
#include <stdbool.h>

#include "parser.h"

/* Adds <storage>/tasks of extension ext_id (saoudrizwan.claude-dev) for
 * src, or each directory of the comma list in $var (a storage directory,
 * the one holding tasks/) when it is set. */
void au_vscode_ext_roots(GArray *a, au_source src, const char *ext_id, const char *var);

/* Whether path is <anything>/tasks/<task id>/ui_messages.json. */
bool au_vscode_ext_task_file(const char *path, const char *name);

#endif
