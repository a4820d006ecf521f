/*
 * Roo Code's roots and file names: one folder per task under the
 * extension's VS Code global storage, <User>/globalStorage/rooveterinaryinc.roo-cline/
 * tasks/<task id>/, whose ui_messages.json holds the requests (parsers/
 * cline.c). Roots: each directory of $ROO_DATA_DIR (comma list, naming
 * the storage directory that holds tasks/, e.g. a custom storage path),
 * else that folder under every VS Code build installed here.
 */
#include "sources.h"
#include "tools.h"
#include "vscode_ext.h"

extern const au_parser_ops au_parser_roo;

static void roo_roots(GArray *a)
{
	au_vscode_ext_roots(a, AU_SRC_ROO, "rooveterinaryinc.roo-cline", "ROO_DATA_DIR");
}

static const au_parser_ops *roo_file(const char *path, const char *name)
{
	/* api_conversation_history.json and task_metadata.json hold no usage */
	return au_vscode_ext_task_file(path, name) ? &au_parser_roo : NULL;
}

static const au_parser_ops *const roo_parsers[] = {&au_parser_roo, NULL};

const au_tool au_tool_roo = {
	.source = AU_SRC_ROO,
	.name = "roo",
	.title = "Roo Code",
	.defaults = "~/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
	.env = {{"ROO_DATA_DIR", "Roo Code storage dirs (holding tasks/), comma-separated"}},
	.parsers = roo_parsers,
	.roots = roo_roots,
	.file = roo_file,
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
