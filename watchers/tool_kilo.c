/*
 * Kilo Code's roots and file names: one folder per task under the
 * extension's VS Code global storage, <User>/globalStorage/kilocode.kilo-code/
 * tasks/<task id>/, whose ui_messages.json holds the requests (parsers/
 * cline.c). Roots: each directory of $KILO_DATA_DIR (comma list, naming
 * the storage directory that holds tasks/, e.g. a custom storage path),
 * else that folder under every VS Code build installed here.
 */
#include "sources.h"
#include "tools.h"
#include "vscode_ext.h"

extern const au_parser_ops au_parser_kilo;

static void kilo_roots(GArray *a)
{
	au_vscode_ext_roots(a, AU_SRC_KILO, "kilocode.kilo-code", "KILO_DATA_DIR");
}

static const au_parser_ops *kilo_file(const char *path, const char *name)
{
	/* api_conversation_history.json and task_metadata.json hold no usage */
	return au_vscode_ext_task_file(path, name) ? &au_parser_kilo : NULL;
}

static const au_parser_ops *const kilo_parsers[] = {&au_parser_kilo, NULL};

const au_tool au_tool_kilo = {
	.source = AU_SRC_KILO,
	.name = "kilo",
	.title = "Kilo Code",
	.defaults = "~/.config/Code/User/globalStorage/kilocode.kilo-code/tasks",
	.env = {{"KILO_DATA_DIR", "Kilo Code storage dirs (holding tasks/), comma-separated"}},
	.parsers = kilo_parsers,
	.roots = kilo_roots,
	.file = kilo_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EXACT,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EXACT,
		 [AU_FIELD_PROJECT] = AU_CAP_EST,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "the model and folder are the ones its requests' environment details name; its own cost is kept (toolCost)",
};
