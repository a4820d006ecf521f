/*
 * The one table of parsers. Adding a tool: write parsers/<tool>.c exporting
 * an au_parser_ops, add it here, and give watchers/sources.c its paths.
 */
#include <string.h>

#include "parser.h"

const au_parser_ops *const au_parsers[] = {
	&au_parser_claude,
	&au_parser_codex,
	NULL,
};

size_t au_log_stem(const char *path, const char **ret_base)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
		n -= 6;
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
	const au_parser_ops *p = au_parser_by_source(src);
	return p ? p->name : "unknown";
}
