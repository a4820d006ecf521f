/*
 * One descriptor per tool, one registry of them. Everything aiusage knows
 * about a tool is one const au_tool in watchers/tool_<name>.c: its name and
 * title, the variables that move where it looks, its roots, which parser
 * reads which file under them, the directories worth walking, how its
 * stand-in working directories become projects, what its records can tell
 * (the capability row `aiusage sources` and the README show) and the notes
 * that row needs. au_tools[] (tools.c) is the only list of tools; the help
 * text, --source's error, `config --example` and the sources table are made
 * from it. The name and enum value come from parser.h's AU_SOURCE_LIST (the
 * one thing the layers below need); tests/unit/test_tools.c checks that
 * every source there has exactly one descriptor here.
 */
#ifndef AU_TOOLS_H
#define AU_TOOLS_H

#include <glib.h>
#include <stdbool.h>

#include "parser.h"

/* What a tool's records give of one unified field. */
typedef enum au_cap {
	AU_CAP_NA = 0, /* not available: no record we can read holds it */
	AU_CAP_EXACT,  /* as the tool records it, per request */
	AU_CAP_EST,    /* derived, partial or approximate */
} au_cap;

/* The unified fields a capability row covers, in the order shown. */
typedef enum au_field {
	AU_FIELD_INPUT,
	AU_FIELD_OUTPUT,
	AU_FIELD_CACHE_READ,
	AU_FIELD_CACHE_WRITE,
	AU_FIELD_REASONING,
	AU_FIELD_COST,
	AU_FIELD_PROJECT,
	AU_FIELD_LIVE,
	AU_FIELD_N
} au_field;

/* "input", "cacheRead", ...: the field's key in JSON. */
const char *au_field_key(au_field f);
/* "Input", "Cache read", ...: the field's column header. */
const char *au_field_header(au_field f);
/* "exact", "estimated", "not available". */
const char *au_cap_name(au_cap c);

/* An environment variable that moves where a tool looks. */
typedef struct au_tool_var {
	const char *name; /* "CLAUDE_CONFIG_DIR" */
	const char *help; /* one line for --help: what it names */
} au_tool_var;

#define AU_TOOL_VARS 2

typedef struct au_tool {
	au_source source;
	const char *name;     /* au_source_name(source): "claude" */
	const char *title;    /* "Claude Code" */
	const char *defaults; /* where it looks when no variable says otherwise, for --help */
	/* env[0] replaces the default places (what `aiusage sources` shows);
	 * any further one also moves them; unused entries have a NULL name */
	au_tool_var env[AU_TOOL_VARS];
	/* every parser that reads the tool's files, NULL-terminated (none for
	 * a tool that is only detected) */
	const au_parser_ops *const *parsers;

	/* Appends the tool's roots (au_add_root). */
	void (*roots)(GArray *a);
	/* Optional: roots added after every tool's roots, so that a path
	 * inside another tool's root is that root's (the watcher takes the
	 * first root a path is in): Copilot's one exported file. */
	void (*late_roots)(GArray *a);
	/* The parser that reads the file at path (name: its last component),
	 * or NULL when the file is not one of the tool's logs. NULL for a
	 * tool that is only detected. */
	const au_parser_ops *(*file)(const char *path, const char *name);
	/* Optional: for a file `file` refused, why it looks like one of the
	 * tool's logs but is not read (malloc'd, "not named ..."), or NULL:
	 * `scan -v` names such files, so none is left out unseen. */
	char *(*skip_note)(const char *path, const char *name);
	/* Optional: whether dir (under root) may hold logs, i.e. is worth
	 * walking and watching; NULL walks everything below a root. */
	bool (*walks_dir)(const char *root, const char *dir);
	/* Optional: the real project folder for an event's cwd when the logs
	 * carry a stand-in (malloc'd, or NULL to keep cwd). Reads files, so it
	 * runs in the scan, never in a parser. */
	char *(*project)(const char *cwd);
	/* Optional: what an existing root holds that `aiusage sources` should
	 * say (malloc'd note, or NULL): Windsurf's cached plan. */
	char *(*root_note)(const char *root);
	/* Optional: what the saved parser states of its files (n of them, as
	 * the store holds them) tell `aiusage sources`: notes appended to
	 * ret_notes (malloc'd strings). Cursor's replies with and without
	 * token counts. */
	void (*states_note)(const char *const *states, size_t n, GPtrArray *ret_notes);

	/* What its records give, per unified field, and what the row alone
	 * would not tell. */
	au_cap caps[AU_FIELD_N];
	const char *note;
} au_tool;

/* The registry, NULL-terminated, in the order roots are walked. */
extern const au_tool *const au_tools[];

/* The descriptor of src, or NULL (AU_SRC_NONE). Loop over sources from
 * AU_SRC_NONE + 1 to AU_SRC_MAX to list tools in the order users see. */
const au_tool *au_tool_for(au_source src);
/* The parser named name (stored with each file's cursor), or NULL. */
const au_parser_ops *au_tool_parser_by_name(const char *name);

/* Text made from the registry (each malloc'd, for the caller to free):
 * "claude, codex, ..., windsurf" (every tool, in the order users see); */
char *au_tool_names(void);
/* the top help's list of tools, a line each: name, title, default places; */
char *au_tools_help(void);
/* the top help's lines for every tool's variables; */
char *au_tools_env_help(void);
/* the capability table as Markdown (the README's copy of it). */
char *au_tools_caps_markdown(void);

#endif
