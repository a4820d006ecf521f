/*
 * GitHub Copilot's logs, under each directory of $COPILOT_HOME
 * (comma-separated, as the other tools' variables), else ~/.copilot:
 * the CLI's session-state/ (a directory per session with its
 * events.jsonl; older builds wrote session-state/<id>.jsonl) and the older
 * history-session-state/; the session store, session-store.db in the
 * directory itself (parsers/copilot_store.c; the directory is a root of
 * its own that is not walked below, its subdirectories being the other
 * roots or nothing of ours); and the OpenTelemetry file export, every .jsonl
 * below otel/, plus the one file $COPILOT_OTEL_FILE_EXPORTER_PATH names (wherever it is).
 *
 * That file is the one root that is not a directory. The scan and the
 * watcher walk directories, so its directory is the root, with a
 * directory filter (copilot_walks) that keeps them out of everything
 * below it except the way down to another tool's root that may appear
 * later, and a file rule that takes only that file from it. It is a late
 * root (added after every other tool's), so a path inside another root is
 * always that root's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_copilot;      /* parsers/copilot.c */
extern const au_parser_ops au_parser_copilot_otel; /* parsers/copilot_otel.c */
extern const au_parser_ops au_parser_copilot_store; /* parsers/copilot_store.c */

#define STORE_NAME "session-store.db"

#define OTEL_FILE_VAR "COPILOT_OTEL_FILE_EXPORTER_PATH"

/* The Copilot directories; *origin says where they came from. */
static GPtrArray *copilot_dirs(const char **origin)
{
	GPtrArray *dirs = au_env_dirs("COPILOT_HOME");
	*origin = dirs ? "$COPILOT_HOME" : "default";
	if (!dirs) {
		dirs = g_ptr_array_new_with_free_func(free);
		g_ptr_array_add(dirs, xasprintf("%s/.copilot", au_home_dir()));
	}
	return dirs;
}

static void copilot_roots(GArray *a)
{
	const char *origin;
	GPtrArray *dirs = copilot_dirs(&origin);
	for (guint i = 0; i < dirs->len; i++) {
		const char *dir = dirs->pdata[i];
		au_add_root(a, AU_SRC_COPILOT, xasprintf("%s/session-state", dir), origin);
		au_add_root(a, AU_SRC_COPILOT, xasprintf("%s/history-session-state", dir), origin);
	}
	for (guint i = 0; i < dirs->len; i++)
		au_add_root(a, AU_SRC_COPILOT, xasprintf("%s/otel", (char *)dirs->pdata[i]), origin);
	/* the directory itself, for its session store alone */
	for (guint i = 0; i < dirs->len; i++) {
		guint n = a->len;
		char *dir = xstrdup(dirs->pdata[i]);
		au_add_root(a, AU_SRC_COPILOT, dir, origin);
		if (a->len > n)
			g_array_index(a, au_root, n).file = xasprintf("%s/" STORE_NAME, g_array_index(a, au_root, n).dir);
	}
	g_ptr_array_free(dirs, TRUE);
}

/* Whether dir is one of the Copilot directories themselves (a root for
 * the session store alone). */
static bool is_home(const char *dir)
{
	const char *origin;
	GPtrArray *dirs = copilot_dirs(&origin);
	bool home = false;
	for (guint i = 0; i < dirs->len && !home; i++) {
		char *d = xstrdup(dirs->pdata[i]);
		size_t n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		home = strcmp(d, dir) == 0;
		free(d);
	}
	g_ptr_array_free(dirs, TRUE);
	return home;
}

/* Whether path is dir or below it. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || (n == 1 && dir[0] == '/'));
}

/* $COPILOT_OTEL_FILE_EXPORTER_PATH, ~ expanded and without "//", "." or
 * ".." (symlinks are not resolved), or NULL when unset or not absolute
 * (it is relative to a Copilot process's directory, unknown here). */
static char *otel_file(void)
{
	const char *env = getenv(OTEL_FILE_VAR);
	if (!env || !*env)
		return NULL;
	char *path = au_expand_home(env);
	char *canon = path[0] == '/' ? g_canonicalize_filename(path, "/") : NULL;
	free(path);
	if (!canon)
		return NULL;
	char *out = xstrdup(canon);
	g_free(canon);
	return out;
}

/* The directory the exporter's file needs as a root of its own, or NULL
 * when there is no such file or it is inside a root walked anyway. */
static char *otel_file_dir(void)
{
	char *file = otel_file();
	if (!file)
		return NULL;
	GArray *a = g_array_new(TRUE, TRUE, sizeof(au_root));
	copilot_roots(a);
	bool inside = false;
	for (guint i = 0; i < a->len; i++) {
		au_root *r = &g_array_index(a, au_root, i);
		/* the session store's root is no walk of its directory: only a
		 * file right in it is read from there */
		if (r->file) {
			char *d = g_path_get_dirname(file);
			inside = inside || strcmp(d, r->dir) == 0;
			g_free(d);
		} else {
			inside = inside || under(file, r->dir);
		}
		free(r->dir);
		free(r->origin);
		free(r->file);
	}
	g_array_free(a, TRUE);
	char *dir = NULL;
	if (!inside) {
		char *d = g_path_get_dirname(file);
		dir = xstrdup(d);
		g_free(d);
	}
	free(file);
	return dir;
}

static void copilot_file_root(GArray *a)
{
	char *dir = otel_file_dir();
	if (!dir)
		return;
	guint n = a->len;
	au_add_root(a, AU_SRC_COPILOT, dir, "$" OTEL_FILE_VAR);
	if (a->len > n) /* not already a root: this one is for the file alone */
		g_array_index(a, au_root, n).file = otel_file();
}

static bool copilot_walks(const char *root, const char *dir)
{
	if (strcmp(root, dir) == 0)
		return true;
	char *fdir = otel_file_dir();
	bool mine = (fdir && strcmp(root, fdir) == 0) || is_home(root);
	free(fdir);
	if (!mine)
		return true; /* the other roots are walked whole */
	/* below the file's (or the session store's) directory: only on the
	 * way to another root */
	au_root *roots = au_roots_get(AU_SRC_NONE);
	bool toward = false;
	for (au_root *r = roots; r->dir && !toward; r++)
		toward = strcmp(r->dir, dir) != 0 && under(r->dir, dir);
	au_roots_free(roots);
	return toward;
}

/* Whether the directory holding the file at path is named dir. */
static bool parent_is(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = strlen(dir);
	return slash && (size_t)(slash - path) >= n + 1 && slash[-(ptrdiff_t)n - 1] == '/' &&
	       memcmp(slash - n, dir, n) == 0;
}

/* Whether path is inside one of the otel/ directories. */
static bool in_otel_dir(const char *path)
{
	if (!strstr(path, "/otel/"))
		return false; /* the common case, decided without a look at the environment */
	const char *origin;
	GPtrArray *dirs = copilot_dirs(&origin);
	bool in = false;
	for (guint i = 0; i < dirs->len && !in; i++) {
		char *otel = xasprintf("%s/otel", (char *)dirs->pdata[i]);
		in = under(path, otel) && strcmp(path, otel) != 0;
		free(otel);
	}
	g_ptr_array_free(dirs, TRUE);
	return in;
}

static const au_parser_ops *copilot_file(const char *path, const char *name)
{
	/* the exporter's file wherever it is; *.jsonl below otel/ */
	char *file = otel_file();
	bool exported = file && strcmp(path, file) == 0;
	free(file);
	if (exported || (au_ends_with(name, ".jsonl") && in_otel_dir(path)))
		return &au_parser_copilot_otel;
	if (strcmp(name, STORE_NAME) == 0) {
		char *dir = g_path_get_dirname(path);
		bool home = is_home(dir);
		g_free(dir);
		return home ? &au_parser_copilot_store : NULL;
	}
	/* a session's events.jsonl (its other files are not usage logs), or
	 * an older build's flat <id>.jsonl right in the root */
	if (strcmp(name, "events.jsonl") == 0)
		return &au_parser_copilot;
	if (au_ends_with(name, ".jsonl") && (parent_is(path, "session-state") || parent_is(path, "history-session-state")))
		return &au_parser_copilot;
	return NULL;
}

static const au_parser_ops *const copilot_parsers[] = {&au_parser_copilot, &au_parser_copilot_otel,
							&au_parser_copilot_store, NULL};

const au_tool au_tool_copilot = {
	.source = AU_SRC_COPILOT,
	.name = "copilot",
	.title = "Copilot CLI",
	.defaults = "~/.copilot",
	.env = {{"COPILOT_HOME", "Copilot CLI homes, comma-separated"},
		{OTEL_FILE_VAR, "a file Copilot's OpenTelemetry export writes, read too"}},
	.parsers = copilot_parsers,
	.roots = copilot_roots,
	.late_roots = copilot_file_root,
	.file = copilot_file,
	.walks_dir = copilot_walks,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_EXACT,
		 [AU_FIELD_COST] = AU_CAP_EST,
		 [AU_FIELD_PROJECT] = AU_CAP_EST,
		 [AU_FIELD_LIVE] = AU_CAP_EST},
	.note = "counted per request from the CLI's session store (session-store.db) where it has the session; "
		"else from Copilot's OpenTelemetry file export when it is on (each request when it ends; no project); "
		"else per session and model when a session ends (its model metrics), nothing while it runs; "
		"reasoning when the record names it",
};
