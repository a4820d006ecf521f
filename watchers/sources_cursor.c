/*
 * Where Cursor keeps its data: <config>/User/globalStorage/state.vscdb for
 * each Cursor config dir in $CURSOR_CONFIG_DIR (a comma list), else
 * $XDG_CONFIG_HOME/Cursor (default ~/.config/Cursor). Only globalStorage
 * is walked: the rest of the config dir (History, workspaceStorage, logs)
 * is large and holds no usage.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "sources.h"

void au_cursor_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("CURSOR_CONFIG_DIR");
	const char *origin = dirs ? "$CURSOR_CONFIG_DIR" : "default";
	if (!dirs) {
		dirs = g_ptr_array_new_with_free_func(free);
		const char *xdg = getenv("XDG_CONFIG_HOME");
		if (xdg && xdg[0] == '/')
			g_ptr_array_add(dirs, xasprintf("%s/Cursor", xdg));
		else
			g_ptr_array_add(dirs, xasprintf("%s/.config/Cursor", au_home_dir()));
	}
	for (guint i = 0; i < dirs->len; i++)
		au_add_root(a, AU_SRC_CURSOR, xasprintf("%s/User/globalStorage", (char *)dirs->pdata[i]), origin);
	g_ptr_array_free(dirs, TRUE);
}

const au_parser_ops *au_cursor_file(const char *path, const char *name)
{
	/* the global database only: a workspace's own state.vscdb lives
	 * elsewhere, and extensions' folders under globalStorage hold none */
	return strcmp(name, "state.vscdb") == 0 && au_ends_with(path, "/globalStorage/state.vscdb") ? &au_parser_cursor
												    : NULL;
}
