/*
 * Where Cursor keeps its data: <config>/User/globalStorage/state.vscdb for
 * each Cursor config dir in $CURSOR_CONFIG_DIR (a comma list), else
 * $XDG_CONFIG_HOME/Cursor (default ~/.config/Cursor). Only globalStorage
 * is walked: the rest of the config dir (History, workspaceStorage, logs)
 * is large and holds no usage.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "sources.h"
#include "tools.h"

static void cursor_roots(GArray *a)
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

static const au_parser_ops *cursor_file(const char *path, const char *name)
{
	/* the global database only: a workspace's own state.vscdb lives
	 * elsewhere, and extensions' folders under globalStorage hold none */
	return strcmp(name, "state.vscdb") == 0 && au_ends_with(path, "/globalStorage/state.vscdb") ? &au_parser_cursor
												    : NULL;
}

/* How many AI replies the databases read hold, and how many of them carry
 * token counts: Cursor's local counts are often missing, so say so. */
static void cursor_states_note(const char *const *states, size_t n, GPtrArray *ret_notes)
{
	int64_t replies = 0, zero = 0, undated = 0;
	bool read = false;
	for (size_t i = 0; i < n; i++) {
		int64_t a, b, c, d; /* replies, counted, zero, undated */
		if (au_cursor_state_counts(states[i], &a, &b, &c, &d)) {
			read = true;
			replies += a;
			zero += c;
			undated += d;
		}
	}
	if (!read)
		return;
	if (replies == 0)
		g_ptr_array_add(ret_notes, xstrdup("state.vscdb holds no AI replies yet"));
	else if (zero == 0)
		g_ptr_array_add(ret_notes, xasprintf("state.vscdb: all %" PRId64 " AI replies carry token counts", replies));
	else
		g_ptr_array_add(ret_notes, xasprintf("state.vscdb: %" PRId64 " of %" PRId64 " AI replies carry token counts; %" PRId64
						     " have none or zeros: not recorded locally (counted as nothing)",
						     replies - zero, replies, zero));
	if (undated)
		g_ptr_array_add(ret_notes,
				xasprintf("%" PRId64 " message(s) with counts but no time were not counted", undated));
}

static const au_parser_ops *const cursor_parsers[] = {&au_parser_cursor, NULL};

const au_tool au_tool_cursor = {
	.source = AU_SRC_CURSOR,
	.name = "cursor",
	.title = "Cursor",
	.defaults = "~/.config/Cursor",
	.env = {{"CURSOR_CONFIG_DIR", "Cursor config dirs, comma-separated"}},
	.parsers = cursor_parsers,
	.roots = cursor_roots,
	.file = cursor_file,
	.states_note = cursor_states_note,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EXACT,
		 [AU_FIELD_PROJECT] = AU_CAP_NA,
		 [AU_FIELD_LIVE] = AU_CAP_NA},
	.note = "tokens and Cursor's own cost come from the account's usage events, fetched by `aiusage cursor sync` "
		"(account-wide: no project); locally only builds that record counts in chat messages (input and output)",
};
