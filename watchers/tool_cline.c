/*
 * Cline's roots and file names: one folder per task under the
 * extension's VS Code global storage, <User>/globalStorage/saoudrizwan.claude-dev/
 * tasks/<task id>/, whose ui_messages.json holds the requests (parsers/
 * cline.c). Roots: each directory of $CLINE_DATA_DIR (comma list, naming
 * the storage directory that holds tasks/, e.g. a custom storage path),
 * else that folder under every VS Code build installed here.
 */
#include "sources.h"
#include "tools.h"
#include "vscode_ext.h"

extern const au_parser_ops au_parser_cline;

static void cline_roots(GArray *a)
{
	au_vscode_ext_roots(a, AU_SRC_CLINE, "saoudrizwan.claude-dev", "CLINE_DATA_DIR");
}

static const au_parser_ops *cline_file(const char *path, const char *name)
{
	/* api_conversation_history.json and task_metadata.json hold no usage */
	return au_vscode_ext_task_file(path, name) ? &au_parser_cline : NULL;
}

static const au_parser_ops *const cline_parsers[] = {&au_parser_cline, NULL};

const au_tool au_tool_cline = {
	.source = AU_SRC_CLINE,
	.name = "cline",
	.title = "Cline",
	.defaults = "~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks",
	.env = {{"CLINE_DATA_DIR", "Cline storage dirs (holding tasks/), comma-separated"}},
	.parsers = cline_parsers,
	.roots = cline_roots,
	.file = cline_file,
	.caps = {[AU_FIELD_INPUT] = AU_CAP_EST,
		 [AU_FIELD_OUTPUT] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_READ] = AU_CAP_EXACT,
		 [AU_FIELD_CACHE_WRITE] = AU_CAP_EXACT,
		 [AU_FIELD_REASONING] = AU_CAP_NA,
		 [AU_FIELD_COST] = AU_CAP_EXACT,
		 [AU_FIELD_PROJECT] = AU_CAP_EST,
		 [AU_FIELD_LIVE] = AU_CAP_EXACT},
	.note = "input is tokensIn as Cline records it (without cached tokens, as Anthropic reports them); the model is the message's modelInfo (Cline 3.x), else unknown; its own cost is kept (toolCost)",
};
