/*
 * VS Code Copilot Chat's session files: <User>/workspaceStorage/<hash>/
 * chatSessions/ (one directory per opened folder or workspace) and
 * <User>/globalStorage/emptyWindowChatSessions/ (windows without one), for
 * each <User> of Code, Code - Insiders and VSCodium under
 * $XDG_CONFIG_HOME (default ~/.config) and of the remote servers
 * (~/.vscode-server/data/User, ~/.vscode-server-insiders/data/User);
 * and the extension's span database, <User>/globalStorage/
 * github.copilot-chat/agent-traces.db (parsers/vscode_traces.c), whose
 * directory is a root of its own, not walked below (the extension keeps
 * its debug logs and indexes there). Also the project a workspace storage directory stands for, from its
 * workspace.json (the descriptor's project hook, which the scan calls).
 */
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_vscode, au_parser_vscode_json; /* parsers/vscode.c */
extern const au_parser_ops au_parser_vscode_traces;                   /* parsers/vscode_traces.c */

#define TRACES_DIR "/globalStorage/github.copilot-chat"
#define TRACES_NAME "agent-traces.db"

static void user_dir_roots(GArray *a, const char *user)
{
	au_add_root(a, AU_SRC_VSCODE, xasprintf("%s/workspaceStorage", user), "default");
	au_add_root(a, AU_SRC_VSCODE, xasprintf("%s/globalStorage/emptyWindowChatSessions", user), "default");
	/* (no .file: the file's path would not fit an 80-column `sources`) */
	au_add_root(a, AU_SRC_VSCODE, xasprintf("%s" TRACES_DIR, user), "default");
}

/*
 * Code's folders are always roots (the watcher picks them up when VS Code
 * creates them); the other builds' only when installed, so that "where it
 * looked" does not list ten folders nobody has.
 */
static void vscode_roots(GArray *a)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *config = xdg && xdg[0] == '/' ? xstrdup(xdg) : xasprintf("%s/.config", au_home_dir());
	char *user = xasprintf("%s/Code/User", config);
	user_dir_roots(a, user);
	free(user);
	char *others[] = {
		xasprintf("%s/Code - Insiders", config),
		xasprintf("%s/VSCodium", config),
		xasprintf("%s/.vscode-server", au_home_dir()),
		xasprintf("%s/.vscode-server-insiders", au_home_dir()),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
		if (g_file_test(others[i], G_FILE_TEST_IS_DIR)) {
			/* the servers keep theirs under data/User */
			user = xasprintf("%s/%s", others[i], i < 2 ? "User" : "data/User");
			user_dir_roots(a, user);
			free(user);
		}
		free(others[i]);
	}
	free(config);
}

static const au_parser_ops *vscode_file(const char *path, const char *name)
{
	if (strcmp(name, TRACES_NAME) == 0) {
		if (name == path)
			return NULL;
		size_t dl = (size_t)(name - path) - 1; /* the directory, without its '/' */
		return dl >= sizeof(TRACES_DIR) - 1 && memcmp(path + dl - (sizeof(TRACES_DIR) - 1), TRACES_DIR,
								sizeof(TRACES_DIR) - 1) == 0
			       ? &au_parser_vscode_traces
			       : NULL;
	}
	/* only the session folders' own files: workspaceStorage holds every
	 * extension's data besides */
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0; /* the directory, with its '/' */
	static const char cs[] = "/chatSessions/", ew[] = "/emptyWindowChatSessions/";
	bool in_sessions = (n >= sizeof(cs) - 1 && memcmp(path + n - (sizeof(cs) - 1), cs, sizeof(cs) - 1) == 0) ||
			   (n >= sizeof(ew) - 1 && memcmp(path + n - (sizeof(ew) - 1), ew, sizeof(ew) - 1) == 0);
	if (!in_sessions || name[0] == '.')
		return NULL;
	/* Both can exist for one session (the log is the newer form): both are
	 * read, keyed by requestId, and the log, sorted after the .json, has
	 * the last word on a cold scan. */
	if (au_ends_with(name, ".jsonl"))
		return &au_parser_vscode;
	if (au_ends_with(name, ".json"))
		return &au_parser_vscode_json;
	return NULL;
}

/* The local path a workspace.json URI names: file:///p, or the path of a
 * remote one (vscode-remote://ssh-remote+host/p); NULL if none. */
static char *uri_path(const char *uri)
{
	if (strncmp(uri, "file://", 7) == 0) {
		char *p = g_filename_from_uri(uri, NULL, NULL);
		char *out = p ? xstrdup(p) : NULL;
		g_free(p);
		return out;
	}
	const char *sep = strstr(uri, "://");
	const char *path = sep ? strchr(sep + 3, '/') : NULL;
	if (!path)
		return NULL;
	char *p = g_uri_unescape_string(path, NULL);
	char *out = p && *p ? xstrdup(p) : NULL;
	g_free(p);
	return out;
}

/* The folder a VS Code workspace storage directory (.../workspaceStorage/
 * <hash>, what VS Code events carry as their cwd) stands for, from its
 * workspace.json; malloc'd, or NULL when it names none. */
static char *vscode_project(const char *storage_dir)
{
	char *file = xasprintf("%s/workspace.json", storage_dir);
	gchar *text = NULL;
	gsize len = 0;
	bool ok = g_file_get_contents(file, &text, &len, NULL) && len <= 65536;
	free(file);
	json_t *o = ok ? json_loadb(text, len, 0, NULL) : NULL;
	g_free(text);
	/* {"folder": uri} for a folder, {"workspace": uri} for a
	 * .code-workspace file (its path then stands for the project) */
	const char *uri = ju_str(o, "folder");
	if (!uri)
		uri = ju_str(o, "workspace");
	char *out = uri ? uri_path(uri) : NULL;
	json_decref(o);
	return out;
}

/* The span database's directory is read for that file alone. */
static bool vscode_walks(const char *root, const char *dir)
{
	return strcmp(root, dir) == 0 || !au_ends_with(root, TRACES_DIR);
}

static const au_parser_ops *const vscode_parsers[] = {&au_parser_vscode, &au_parser_vscode_json,
						       &au_parser_vscode_traces, NULL};

const au_tool au_tool_vscode = {
	.source = AU_SRC_VSCODE,
	.name = "vscode",
	.title = "VS Code Copilot Chat",
	/* no variable of its own: $XDG_CONFIG_HOME moves Code's folders */
	.defaults = "~/.config/Code/User and other VS Code builds'",
	.parsers = vscode_parsers,
	.roots = vscode_roots,
	.file = vscode_file,
	.walks_dir = vscode_walks,
	.project = vscode_project,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_NA,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EXACT,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "chat sessions record prompt and completion tokens only, no cache split; with the extension's span "
		"database on (github.copilot.chat.otel.dbSpanExporter.enabled) a session it describes counts from it "
		"alone, per model call with its cache figures (and no project)",
};
