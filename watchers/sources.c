/*
 * Roots and the questions asked about paths under them, answered by the
 * tools' descriptors (au_tools[], tools.c) in registry order, plus the
 * helpers the descriptors share (~ expansion, comma lists of directories
 * in the environment, adding a root without duplicates).
 */
#include "sources.h"
#include "tools.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

char *au_expand_home(const char *path)
{
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			home = g_get_home_dir();
		return xasprintf("%s%s", home, path + 1);
	}
	return xstrdup(path);
}

const char *au_home_dir(void)
{
	const char *home = getenv("HOME");
	return home && *home ? home : g_get_home_dir();
}

void au_add_root(GArray *a, au_source src, char *dir, const char *origin)
{
	/* Drop trailing slashes and duplicates (two env entries, one dir). */
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	for (guint i = 0; i < a->len; i++)
		if (strcmp(g_array_index(a, au_root, i).dir, dir) == 0) {
			free(dir);
			return;
		}
	au_root r = {.source = src, .dir = dir, .origin = xstrdup(origin)};
	g_array_append_val(a, r);
}

/* The directories of a comma-separated path list in the environment,
 * ~ expanded; NULL when the variable is unset or empty. */
GPtrArray *au_env_dirs(const char *var)
{
	const char *env = getenv(var);
	if (!env || !*env)
		return NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(free);
	char **parts = g_strsplit(env, ",", -1);
	for (char **p = parts; *p; p++) {
		char *e = g_strstrip(*p);
		if (*e)
			g_ptr_array_add(out, au_expand_home(e));
	}
	g_strfreev(parts);
	return out;
}

bool au_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

au_root *au_roots_get(au_source only)
{
	GArray *a = g_array_new(TRUE, TRUE, sizeof(au_root));
	for (size_t i = 0; au_tools[i]; i++)
		if (only == AU_SRC_NONE || only == au_tools[i]->source)
			au_tools[i]->roots(a);
	/* after every tool's own roots: a path inside one of those is its */
	for (size_t i = 0; au_tools[i]; i++)
		if ((only == AU_SRC_NONE || only == au_tools[i]->source) && au_tools[i]->late_roots)
			au_tools[i]->late_roots(a);
	/* The zero-terminated GArray's data is a plain malloc'd array. */
	au_root *out = xcalloc(a->len + 1, sizeof(au_root));
	memcpy(out, a->data, a->len * sizeof(au_root));
	g_array_free(a, TRUE);
	return out;
}

uint64_t au_roots_fingerprint(const au_root *roots)
{
	GString *all = g_string_new(NULL);
	for (const au_root *r = roots; r && r->dir; r++)
		g_string_append_printf(all, "%d\n%s\n%s\n", (int)r->source, r->dir, r->file ? r->file : "");
	uint64_t h = au_hash64(all->str, all->len);
	g_string_free(all, TRUE);
	return h;
}

void au_roots_free(au_root *roots)
{
	if (!roots)
		return;
	for (au_root *r = roots; r->dir; r++) {
		free(r->dir);
		free(r->origin);
		free(r->file);
	}
	free(roots);
}

const au_parser_ops *au_file_parser(au_source src, const char *path)
{
	const au_tool *t = au_tool_for(src);
	if (!t || !t->file)
		return NULL; /* a tool only detected reads no file */
	const char *name = strrchr(path, '/');
	return t->file(path, name ? name + 1 : path);
}

char *au_file_skip_note(au_source src, const char *path)
{
	const au_tool *t = au_tool_for(src);
	if (!t || !t->skip_note)
		return NULL;
	const char *name = strrchr(path, '/');
	return t->skip_note(path, name ? name + 1 : path);
}

char *au_source_project(au_source src, const char *cwd)
{
	const au_tool *t = au_tool_for(src);
	return t && t->project && cwd && *cwd ? t->project(cwd) : NULL;
}

bool au_source_has_project_hook(au_source src)
{
	const au_tool *t = au_tool_for(src);
	return t && t->project;
}

bool au_source_walks_dir(au_source src, const char *root, const char *dir)
{
	const au_tool *t = au_tool_for(src);
	return !t || !t->walks_dir || t->walks_dir(root, dir);
}
