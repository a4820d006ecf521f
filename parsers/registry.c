/*
 * The one table of parsers. Adding a tool: write parsers/<tool>.c exporting
 * an au_parser_ops (one per storage shape the tool uses), add it here, and
 * give watchers/sources.c its roots and which files each parser reads.
 */
#include <string.h>

#include "cursor.h"
#include "parser.h"

/* Gemini CLI: the JSONL log, the legacy JSON document (parsers/gemini.c). */
extern const au_parser_ops au_parser_gemini, au_parser_gemini_json;
/* OpenCode: opencode.db, the legacy per-message JSON (parsers/opencode.c). */
extern const au_parser_ops au_parser_opencode, au_parser_opencode_json;

/* GitHub Copilot CLI session logs (parsers/copilot.c). */
extern const au_parser_ops au_parser_copilot;
/* GitHub Copilot's OpenTelemetry file export (parsers/copilot_otel.c). */
extern const au_parser_ops au_parser_copilot_otel;
/* VS Code Copilot Chat: the mutation log, the legacy JSON (parsers/vscode.c). */
extern const au_parser_ops au_parser_vscode, au_parser_vscode_json;

const au_parser_ops *const au_parsers[] = {
	&au_parser_claude,
	&au_parser_codex,
	&au_parser_gemini,
	&au_parser_gemini_json,
	&au_parser_opencode,
	&au_parser_opencode_json,
	&au_parser_copilot,
	&au_parser_copilot_otel,
	&au_parser_vscode,
	&au_parser_vscode_json,
	&au_parser_cursor,
	NULL,
};

size_t au_log_stem(const char *path, const char **ret_base)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
		n -= 6;
	else if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	*ret_base = base;
	return n;
}

const au_parser_ops *au_parser_by_name(const char *name)
{
	for (size_t i = 0; au_parsers[i]; i++)
		if (strcmp(au_parsers[i]->name, name) == 0)
			return au_parsers[i];
	return NULL;
}

const au_parser_ops *au_parser_by_source(au_source src)
{
	for (size_t i = 0; au_parsers[i]; i++)
		if (au_parsers[i]->source == src)
			return au_parsers[i];
	return NULL;
}

const char *au_source_name(au_source src)
{
	static const char *const names[AU_SRC_MAX] = {
		[AU_SRC_NONE] = "unknown", [AU_SRC_CLAUDE] = "claude",     [AU_SRC_CODEX] = "codex",
		[AU_SRC_GEMINI] = "gemini", [AU_SRC_OPENCODE] = "opencode", [AU_SRC_COPILOT] = "copilot",
		[AU_SRC_VSCODE] = "vscode", [AU_SRC_CURSOR] = "cursor",     [AU_SRC_WINDSURF] = "windsurf",
	};
	return src > AU_SRC_NONE && src < AU_SRC_MAX ? names[src] : "unknown";
}

au_source au_source_by_name(const char *name)
{
	for (int s = AU_SRC_NONE + 1; s < AU_SRC_MAX; s++)
		if (strcmp(au_source_name((au_source)s), name) == 0)
			return (au_source)s;
	return AU_SRC_NONE;
}
