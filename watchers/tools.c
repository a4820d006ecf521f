/*
 * The registry: the one list of tools (au_tools[]), lookups over it, and
 * the text made from it for --help, --source's error, `config --example`
 * and the README's capability table. Adding a tool is one descriptor file
 * (watchers/tool_<name>.c) and one row below (README, "Adding a tool").
 */
#include "tools.h"

#include <string.h>

/* watchers/tool_<name>.c */
extern const au_tool au_tool_claude, au_tool_codex, au_tool_copilot, au_tool_vscode, au_tool_gemini,
	au_tool_opencode, au_tool_cursor, au_tool_windsurf;
extern const au_tool au_tool_cline, au_tool_roo, au_tool_kilo, au_tool_qwen, au_tool_kimi, au_tool_droid;
extern const au_tool au_tool_goose, au_tool_amp;

/*
 * In the order roots are walked (so scans, and their warnings, come out in
 * the same order every time). Users see the tools in parser.h's order
 * (AU_SOURCE_LIST); au_tool_for() maps one to the other.
 */
const au_tool *const au_tools[] = {
	&au_tool_claude,
	&au_tool_codex,
	&au_tool_copilot,
	&au_tool_vscode,
	&au_tool_gemini,
	&au_tool_opencode,
	&au_tool_cursor,
	&au_tool_windsurf,
	&au_tool_cline,
	&au_tool_roo,
	&au_tool_kilo,
	&au_tool_qwen,
	&au_tool_kimi,
	&au_tool_droid,
	&au_tool_goose,
	&au_tool_amp,
	NULL,
};

const au_tool *au_tool_for(au_source src)
{
	for (size_t i = 0; au_tools[i]; i++)
		if (au_tools[i]->source == src)
			return au_tools[i];
	return NULL;
}

const au_parser_ops *au_tool_parser_by_name(const char *name)
{
	for (size_t i = 0; au_tools[i]; i++)
		for (const au_parser_ops *const *p = au_tools[i]->parsers; *p; p++)
			if (strcmp((*p)->name, name) == 0)
				return *p;
	return NULL;
}

static const char *const field_keys[AU_FIELD_N] = {"input",     "output", "cacheRead", "cacheWrite",
						  "reasoning", "cost",   "project",   "live"};
static const char *const field_headers[AU_FIELD_N] = {"Input",     "Output", "Cache read", "Cache write",
						     "Reasoning", "Cost",   "Project",    "Live"};

const char *au_field_key(au_field f)
{
	return f < AU_FIELD_N ? field_keys[f] : "";
}

const char *au_field_header(au_field f)
{
	return f < AU_FIELD_N ? field_headers[f] : "";
}

const char *au_cap_name(au_cap c)
{
	return c == AU_CAP_EXACT ? "exact" : c == AU_CAP_EST ? "estimated" : "not available";
}

char *au_tool_names(void)
{
	GString *s = g_string_new(NULL);
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++)
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", au_source_name((au_source)src));
	char *out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

char *au_tools_help(void)
{
	GString *s = g_string_new(NULL);
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		const au_tool *t = au_tool_for((au_source)src);
		if (t)
			g_string_append_printf(s, "  %-9s %-21s %s\n", t->name, t->title, t->defaults);
	}
	char *out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

char *au_tools_env_help(void)
{
	GString *s = g_string_new(NULL);
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		const au_tool *t = au_tool_for((au_source)src);
		for (int i = 0; t && i < AU_TOOL_VARS && t->env[i].name; i++) {
			/* a name too long for the column gets the help on its own line */
			if (strlen(t->env[i].name) < 20)
				g_string_append_printf(s, "  %-19s %s\n", t->env[i].name, t->env[i].help);
			else
				g_string_append_printf(s, "  %s\n  %-19s %s\n", t->env[i].name, "", t->env[i].help);
		}
	}
	char *out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

char *au_tools_caps_markdown(void)
{
	GString *s = g_string_new("| Source |");
	for (int f = 0; f < AU_FIELD_N; f++)
		g_string_append_printf(s, " %s |", au_field_header((au_field)f));
	g_string_append(s, "\n|---|");
	for (int f = 0; f < AU_FIELD_N; f++)
		g_string_append(s, "---|");
	g_string_append_c(s, '\n');
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		const au_tool *t = au_tool_for((au_source)src);
		if (!t)
			continue;
		g_string_append_printf(s, "| %s (%s) |", t->name, t->title);
		for (int f = 0; f < AU_FIELD_N; f++)
			g_string_append_printf(s, " %s |", t->caps[f] == AU_CAP_NA ? "n/a" : au_cap_name(t->caps[f]));
		g_string_append_c(s, '\n');
	}
	char *out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}
