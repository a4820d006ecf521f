/*
 * Windsurf (Codeium): detected, never read for usage. It keeps no local
 * per-request token record (its Cascade trajectories under
 * ~/.codeium/windsurf are encrypted), so there is no parser; the roots are
 * here so `aiusage sources` can say it is installed and what is missing.
 * $WINDSURF_CONFIG_DIR (a comma list) replaces both defaults:
 * $XDG_CONFIG_HOME/Windsurf (default ~/.config/Windsurf) and
 * ~/.codeium/windsurf.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "sources.h"
#include "tools.h"

static void windsurf_roots(GArray *a)
{
	GPtrArray *dirs = au_env_dirs("WINDSURF_CONFIG_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++)
			au_add_root(a, AU_SRC_WINDSURF, xstrdup(dirs->pdata[i]), "$WINDSURF_CONFIG_DIR");
		g_ptr_array_free(dirs, TRUE);
		return;
	}
	/* globalStorage, not the whole config dir: it is small, and it is
	 * where the one thing worth showing (the cached plan) lives */
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		au_add_root(a, AU_SRC_WINDSURF, xasprintf("%s/Windsurf/User/globalStorage", xdg), "default");
	else
		au_add_root(a, AU_SRC_WINDSURF, xasprintf("%s/.config/Windsurf/User/globalStorage", au_home_dir()),
			    "default");
	au_add_root(a, AU_SRC_WINDSURF, xasprintf("%s/.codeium/windsurf", au_home_dir()), "default");
}

/* The plan Windsurf cached in root/state.vscdb ("" when cached in a shape
 * not known), or NULL when none. */
static char *plan_name(const char *root)
{
	char *path = xasprintf("%s/state.vscdb", root), *out = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 500) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT CAST(value AS TEXT) FROM ItemTable WHERE key = 'windsurf.settings.cachedPlanInfo'",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		js_doc d;
		js_doc_init(&d);
		char name[128];
		if (v && js_parse(&d, v, (size_t)sqlite3_column_bytes(st, 0), NULL) == 0 && js_typeof(&d, 0) == JS_OBJECT &&
		    js_get_str(&d, 0, "planName", name, sizeof(name)) > 0)
			out = xstrdup(name);
		else
			out = xstrdup(""); /* cached, but not in a shape we know */
		js_doc_release(&d);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(path);
	return out;
}

/* What `aiusage sources` says of an existing root: the cached plan. */
static char *windsurf_root_note(const char *root)
{
	char *plan = plan_name(root);
	if (!plan)
		return NULL;
	for (char *p = plan; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	char *note = *plan ? xasprintf("Windsurf caches its plan (\"%s\"): a quota, not tokens", plan)
			   : xstrdup("Windsurf caches its plan quota: not tokens");
	free(plan);
	return note;
}

/* no parsers, no file rule: nothing Windsurf writes holds per-request tokens */
static const au_parser_ops *const windsurf_parsers[] = {NULL};

const au_tool au_tool_windsurf = {
	.source = AU_SRC_WINDSURF,
	.name = "windsurf",
	.title = "Windsurf",
	.defaults = "~/.config/Windsurf, ~/.codeium (detected only)",
	.env = {{"WINDSURF_CONFIG_DIR", "Windsurf config dirs, comma-separated"}},
	.parsers = windsurf_parsers,
	.roots = windsurf_roots,
	.root_note = windsurf_root_note,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_NA,
		 [AU_FIELD_OUTPUT] = AU_CAP_NA,
		 [AU_FIELD_CACHE_READ] = AU_CAP_NA,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_NA,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_NA,
		 [AU_FIELD_PROJECT] = AU_CAP_NA,
		 [AU_FIELD_LIVE] = AU_CAP_NA},
	.note = "no local per-request token record exists (its conversations are stored encrypted): detected only",
};
