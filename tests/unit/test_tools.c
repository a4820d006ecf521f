/*
 * The tools' registry (watchers/tools.c) against everything that must agree
 * with it: every source of parser.h's AU_SOURCE_LIST has exactly one
 * descriptor and the descriptor's name is that source's; each descriptor's
 * parsers are its own source's and findable by name; the text made from the
 * registry names every tool and variable; and the README's capability table
 * is the registry's, cell for cell.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sources.h"
#include "tools.h"

extern const au_parser_ops au_parser_gemini, au_parser_gemini_json, au_parser_opencode, au_parser_opencode_json,
	au_parser_copilot, au_parser_copilot_otel, au_parser_vscode, au_parser_vscode_json, au_parser_cursor;

static void test_one_descriptor_per_source(void)
{
	size_t n = 0;
	while (au_tools[n])
		n++;
	CHECK_INT(n, AU_SRC_MAX - 1);
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		int found = 0;
		for (size_t i = 0; au_tools[i]; i++)
			found += au_tools[i]->source == (au_source)src;
		if (found != 1)
			fprintf(stderr, "source '%s' has %d descriptors in au_tools[]\n", au_source_name((au_source)src),
				found);
		CHECK_INT(found, 1);
		const au_tool *t = au_tool_for((au_source)src);
		if (!t)
			continue;
		CHECK_STR(t->name, au_source_name((au_source)src));
		CHECK(au_source_by_name(t->name) == (au_source)src);
		CHECK(t->title && *t->title);
		CHECK(t->defaults && *t->defaults);
		CHECK(t->note && *t->note);
		CHECK(t->roots != NULL);
		CHECK(t->parsers != NULL);
		for (int v = 0; v < AU_TOOL_VARS; v++)
			CHECK(!t->env[v].name || (t->env[v].help && *t->env[v].help));
		/* a tool with parsers has a rule saying which file each reads */
		CHECK(!t->parsers[0] || t->file);
	}
	CHECK(au_tool_for(AU_SRC_NONE) == NULL);
	CHECK(au_tool_for(AU_SRC_MAX) == NULL);
}

static void test_parsers(void)
{
	/* every parser belongs to its descriptor's source, under a unique name */
	for (size_t i = 0; au_tools[i]; i++)
		for (const au_parser_ops *const *p = au_tools[i]->parsers; *p; p++) {
			CHECK_INT((*p)->source, au_tools[i]->source);
			CHECK(au_tool_parser_by_name((*p)->name) == *p);
		}
	const au_parser_ops *all[] = {&au_parser_claude,	 &au_parser_codex,	   &au_parser_gemini,
				      &au_parser_gemini_json,	 &au_parser_opencode,	   &au_parser_opencode_json,
				      &au_parser_copilot,	 &au_parser_copilot_otel, &au_parser_vscode,
				      &au_parser_vscode_json, &au_parser_cursor};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		if (au_tool_parser_by_name(all[i]->name) != all[i])
			fprintf(stderr, "parser '%s' is in no descriptor\n", all[i]->name);
		CHECK(au_tool_parser_by_name(all[i]->name) == all[i]);
	}
	CHECK(au_tool_parser_by_name("claude") == &au_parser_claude);
	CHECK(au_tool_parser_by_name("nope") == NULL);
	/* the file rules hand out their own tool's parsers */
	CHECK(au_file_parser(AU_SRC_CLAUDE, "/h/.claude/projects/p/s.jsonl") == &au_parser_claude);
	CHECK(au_file_parser(AU_SRC_CODEX, "/h/.codex/sessions/2025/rollout-1.jsonl") == &au_parser_codex);
	CHECK(au_file_parser(AU_SRC_CODEX, "/h/.codex/sessions/2025/other.jsonl") == NULL);
	CHECK(au_file_parser(AU_SRC_WINDSURF, "/h/.codeium/windsurf/x.jsonl") == NULL);
	CHECK(au_file_parser(AU_SRC_NONE, "/x.jsonl") == NULL);
	CHECK(au_file_parser(AU_SRC_GOOSE, "/h/.local/share/goose/sessions/sessions.db") != NULL);
	CHECK(au_file_parser(AU_SRC_GOOSE, "/h/.local/share/goose/sessions/20250101_1.jsonl") == NULL);
}

static void test_text(void)
{
	char *names = au_tool_names();
	CHECK_STR(names, "claude, codex, gemini, opencode, copilot, vscode, cursor, windsurf, cline, roo, kilo, qwen, kimi, droid, goose, amp");
	free(names);
	char *help = au_tools_help(), *env = au_tools_env_help();
	for (size_t i = 0; au_tools[i]; i++) {
		const au_tool *t = au_tools[i];
		char *line = g_strdup_printf("  %-9s %-21s %s\n", t->name, t->title, t->defaults);
		if (!strstr(help, line))
			fprintf(stderr, "the help's tool list misses: %s", line);
		CHECK(strstr(help, line) != NULL);
		g_free(line);
		for (int v = 0; v < AU_TOOL_VARS && t->env[v].name; v++) {
			char *l = g_strdup_printf("  %s ", t->env[v].name), *l2 = g_strdup_printf("  %s\n", t->env[v].name);
			CHECK(strstr(env, l) || strstr(env, l2));
			CHECK(strstr(env, t->env[v].help) != NULL);
			g_free(l);
			g_free(l2);
		}
	}
	/* the two variables no capability row shows are in the help too */
	CHECK(strstr(env, "  GEMINI_CLI_HOME ") != NULL);
	CHECK(strstr(env, "  COPILOT_OTEL_FILE_EXPORTER_PATH\n") != NULL);
	free(help);
	free(env);
}

#define README_BEGIN "<!-- capability table: made from watchers/tool_*.c; tests/unit/test_tools.c checks it -->\n"
#define README_END "<!-- end of capability table -->\n"

static void test_readme(void)
{
	char *path = g_build_filename(AU_SOURCE_DIR, "README.md", NULL);
	gchar *text = NULL;
	CHECK(g_file_get_contents(path, &text, NULL, NULL));
	const char *a = text ? strstr(text, README_BEGIN) : NULL;
	const char *b = a ? strstr(a, README_END) : NULL;
	CHECK(a && b);
	char *want = au_tools_caps_markdown();
	if (a && b) {
		a += strlen(README_BEGIN);
		bool same = (size_t)(b - a) == strlen(want) && memcmp(a, want, strlen(want)) == 0;
		if (!same)
			fprintf(stderr, "README.md's capability table differs from the registry; it should read:\n%s", want);
		CHECK(same);
	}
	free(want);
	g_free(text);
	g_free(path);
}

int main(void)
{
	test_one_descriptor_per_source();
	test_parsers();
	test_text();
	test_readme();
	return check_done("test_tools");
}
