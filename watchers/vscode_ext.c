/*
 * Roots and the file rule the VS Code agent extensions share (see
 * vscode_ext.h). Cursor's and Windsurf's own globalStorage are left out:
 * they are the Cursor and Windsurf tools' roots, and a path inside one is
 * that tool's (watchers/sources.c), so an extension's tasks there are
 * reached through the extension's variable instead.
 */
#include "vscode_ext.h"

#include <stdlib.h>
#include <string.h>

#include "sources.h"

void au_vscode_ext_roots(GArray *a, au_source src, const char *ext_id, const char *var)
{
	GPtrArray *dirs = au_env_dirs(var);
	if (dirs) {
		char *origin = xasprintf("$%s", var);
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, src, xasprintf("%s/tasks", (char *)dirs->pdata[i]), origin);
		free(origin);
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *config = xdg && xdg[0] == '/' ? xstrdup(xdg) : xasprintf("%s/.config", au_home_dir());
	/* Code's is always a root (the watcher picks it up when the extension
	 * creates it); the other builds' only when they are installed */
	au_add_root(a, src, xasprintf("%s/Code/User/globalStorage/%s/tasks", config, ext_id), "default");
	char *others[] = {
		xasprintf("%s/Code - Insiders/User", config),
		xasprintf("%s/VSCodium/User", config),
		xasprintf("%s/.vscode-server/data/User", au_home_dir()),
		xasprintf("%s/.vscode-server-insiders/data/User", au_home_dir()),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
		if (g_file_test(others[i], G_FILE_TEST_IS_DIR))
			au_add_root(a, src, xasprintf("%s/globalStorage/%s/tasks", others[i], ext_id), "default");
		free(others[i]);
	}
	free(config);
}

bool au_vscode_ext_task_file(const char *path, const char *name)
{
	if (strcmp(name, "ui_messages.json") != 0 || name - path < 2)
		return false;
	const char *task = name - 1; /* the slash before name */
	while (task > path && task[-1] != '/')
		task--;
	static const char tasks[] = "/tasks/";
	size_t n = sizeof(tasks) - 1;
	return task < name - 1 && (size_t)(task - path) + 1 >= n && memcmp(task - n, tasks, n) == 0;
}
