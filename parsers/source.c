/*
 * The names of the sources (parser.h's AU_SOURCE_LIST) and a helper the
 * parsers share. The list of parsers itself is no longer here: each tool's
 * descriptor (watchers/tool_<name>.c) names its parsers, and
 * watchers/tools.c's registry is the one list of tools.
 */
#include <string.h>

#include "parser.h"

#define AU_SOURCE_NAME_(id, name) [AU_SRC_##id] = name,
static const char *const source_names[AU_SRC_MAX] = {AU_SOURCE_LIST(AU_SOURCE_NAME_)};
#undef AU_SOURCE_NAME_

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

const char *au_source_name(au_source src)
{
	return src > AU_SRC_NONE && src < AU_SRC_MAX ? source_names[src] : "unknown";
}

au_source au_source_by_name(const char *name)
{
	for (int s = AU_SRC_NONE + 1; s < AU_SRC_MAX; s++)
		if (strcmp(source_names[s], name) == 0)
			return (au_source)s;
	return AU_SRC_NONE;
}
