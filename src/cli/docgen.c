/*
 * The man page and the shell completions (see docgen.h). Every word in
 * them comes from the entries --help is made from: au_commands[] and each
 * entry's options through au_cmd_help_options (exactly what the help
 * lists), the top help's text in help.c, the tool registry. The scripts
 * hold that data as plain case statements and lists, so they need nothing
 * beyond the shell itself (no bash-completion helpers).
 */
#include "docgen.h"
#include "tools.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- what the documents are made of ------------------------------------------ */

char **au_option_values(const au_option *opt)
{
	GPtrArray *v = g_ptr_array_new();
	if (opt->id == AU_O_SOURCE) {
		for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++)
			if (au_tool_for((au_source)src))
				g_ptr_array_add(v, g_strdup(au_source_name((au_source)src)));
		g_ptr_array_add(v, g_strdup("all"));
	} else if (opt->id == AU_O_START_OF_WEEK) {
		/* the names the parser takes (tests/unit/test_docgen.c checks each) */
		static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday",
						   "friday", "saturday", "sunday"};
		for (size_t i = 0; i < G_N_ELEMENTS(days); i++)
			g_ptr_array_add(v, g_strdup(days[i]));
	} else if (opt->arg && strchr(opt->arg, '|')) {
		char **words = g_strsplit(opt->arg, "|", -1);
		for (size_t i = 0; words[i]; i++)
			g_ptr_array_add(v, words[i]);
		g_free(words); /* the strings moved to v */
	}
	if (v->len == 0) {
		g_ptr_array_free(v, TRUE);
		return NULL;
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

bool au_option_is_path(const au_option *opt)
{
	return opt->arg && (strcmp(opt->arg, "PATH") == 0 || strcmp(opt->arg, "FILE") == 0);
}

/* The entry whose options a command's help lists: a command with a
 * default subcommand shows that one's. */
static const au_cmd *options_of(const au_cmd *cmd)
{
	return cmd->default_sub ? cmd->default_sub : cmd;
}

#define MAX_OPTS 64

/* Calls fn for every command, then each of its subcommands. */
static void each_entry(void (*fn)(FILE *f, const au_cmd *cmd), FILE *f)
{
	for (size_t i = 0; au_commands[i]; i++) {
		fn(f, au_commands[i]);
		for (size_t j = 0; au_commands[i]->subcommands && au_commands[i]->subcommands[j]; j++)
			fn(f, au_commands[i]->subcommands[j]);
	}
}

/* Every option any entry lists, once per name, for the completions'
 * tables of option values. */
static size_t all_options(const au_option **ret, size_t n)
{
	size_t k = 0;
	const au_cmd *stack[64];
	size_t depth = 0;
	for (size_t i = 0; au_commands[i]; i++)
		stack[depth++] = au_commands[i];
	while (depth) {
		const au_cmd *c = stack[--depth];
		for (size_t j = 0; c->subcommands && c->subcommands[j] && depth < G_N_ELEMENTS(stack); j++)
			stack[depth++] = c->subcommands[j];
		const au_option *opts[MAX_OPTS];
		const char *helps[MAX_OPTS];
		size_t m = au_cmd_help_options(c, opts, helps, MAX_OPTS);
		for (size_t a = 0; a < m; a++) {
			bool seen = false;
			for (size_t b = 0; b < k && !seen; b++)
				seen = strcmp(ret[b]->name, opts[a]->name) == 0;
			if (!seen && k < n)
				ret[k++] = opts[a];
		}
	}
	return k;
}

static int finish(FILE *f)
{
	return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}

/* ---- the man page ------------------------------------------------------------- */

/* A roff writer that knows whether it is at the start of a line, where a
 * '.' or '\'' would start a request. */
typedef struct man {
	FILE *f;
	bool bol;
} man;

/* Requests and font escapes, written as they are. */
static void m_raw(man *m, const char *s)
{
	fputs(s, m->f);
	if (*s)
		m->bol = s[strlen(s) - 1] == '\n';
}

/* Text: backslashes, hyphens (as \- so they come out as the ASCII
 * hyphen-minus a user types and searches for), a '.' or '\'' starting a
 * line and every non-ASCII character (as \[uXXXX], whatever the input
 * encoding groff assumes) escaped; an empty line starts a paragraph. */
static void m_text(man *m, const char *s)
{
	for (const char *p = s; *p;) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n') {
			fputs(m->bol ? ".PP\n" : "\n", m->f);
			m->bol = true;
			p++;
			continue;
		}
		if (m->bol && (c == '.' || c == '\''))
			fputs("\\&", m->f);
		m->bol = false;
		if (c >= 0x80) {
			gunichar u = g_utf8_get_char_validated(p, -1);
			if (u == (gunichar)-1 || u == (gunichar)-2) {
				fputs("\\[uFFFD]", m->f);
				p++;
			} else {
				fprintf(m->f, "\\[u%04X]", (unsigned)u);
				p = g_utf8_next_char(p);
			}
			continue;
		}
		if (c == '\\')
			fputs("\\e", m->f);
		else if (c == '-')
			fputs("\\-", m->f);
		else if (c == '/')
			fputs("/\\:", m->f); /* a long path may break after a slash */
		else
			fputc(c, m->f);
		p++;
	}
}

/* Text ending its line. */
static void m_line(man *m, const char *s)
{
	m_text(m, s);
	if (!m->bol)
		m_raw(m, "\n");
}

/* ".TP" and a bold tag. */
static void m_tag(man *m, const char *tag)
{
	m_raw(m, ".TP\n\\fB");
	m_text(m, tag);
	m_raw(m, "\\fR\n");
}

static void m_option(man *m, const au_option *o, const char *help)
{
	m_raw(m, ".TP\n");
	if (o->letter) {
		char s[3] = {'-', o->letter, '\0'};
		m_raw(m, "\\fB");
		m_text(m, s);
		m_raw(m, "\\fR, ");
	}
	m_raw(m, "\\fB\\-\\-");
	m_text(m, o->name);
	m_raw(m, "\\fR");
	if (o->arg) {
		m_raw(m, " \\fI");
		m_text(m, o->arg);
		m_raw(m, "\\fR");
	}
	m_raw(m, "\n");
	m_line(m, help);
	char *choices = au_option_choices(o);
	if (choices) {
		m_raw(m, ".br\n(");
		m_text(m, choices);
		m_raw(m, ")\n");
	}
	g_free(choices);
}

static void man_entry(FILE *f, const au_cmd *cmd)
{
	man m = {f, true};
	char *synopsis = au_cmd_synopsis(cmd);
	m_raw(&m, ".SS \"");
	m_text(&m, synopsis);
	m_raw(&m, "\"\n");
	g_free(synopsis);
	m_text(&m, cmd->summary);
	m_raw(&m, ".\n");
	if (cmd->description) {
		m_raw(&m, ".PP\n");
		m_text(&m, cmd->description);
	}
	char title[64];
	au_cmd_title(cmd, title, sizeof(title));
	if (cmd->subcommands) {
		m_raw(&m, ".PP\nSubcommands (each has its own section below):\n");
		for (size_t i = 0; cmd->subcommands[i]; i++) {
			m_tag(&m, cmd->subcommands[i]->name);
			m_line(&m, cmd->subcommands[i]->summary);
			if (cmd->subcommands[i] == cmd->default_sub)
				m_raw(&m, "(the default)\n");
		}
	}
	m_raw(&m, ".PP\n");
	if (cmd->default_sub) {
		char *s = g_strdup_printf("Options (of '%s %s', which runs when no subcommand is named):", title,
					  cmd->default_sub->name);
		m_line(&m, s);
		g_free(s);
	} else {
		m_raw(&m, "Options:\n");
	}
	const au_option *opts[MAX_OPTS];
	const char *helps[MAX_OPTS];
	size_t n = au_cmd_help_options(options_of(cmd), opts, helps, MAX_OPTS);
	for (size_t i = 0; i < n; i++)
		m_option(&m, opts[i], helps[i]);
	if (cmd->examples) {
		const char *nl = strchr(cmd->examples, '\n');
		m_raw(&m, nl && nl[1] ? ".PP\nExamples:\n" : ".PP\nExample:\n");
		m_raw(&m, ".RS\n.nf\n");
		m_text(&m, cmd->examples);
		if (!m.bol)
			m_raw(&m, "\n");
		m_raw(&m, ".fi\n.RE\n");
	}
}

int au_gen_man(FILE *f)
{
	man m = {f, true};
	m_raw(&m, ".\\\" aiusage(1), written by gen_docs from the command entries (src/cmd/*.c),\n"
		  ".\\\" the top help's text (src/cli/help.c) and the tool registry, as --help is.\n"
		  ".\\\" Edit those, not this file.\n");
	/* the date field: the price table's, which moves with each release */
	fprintf(f, ".TH AIUSAGE 1 \"%s\" \"aiusage %s\" \"User Commands\"\n", au_pricing_as_of(), AU_VERSION);
	/* option names stay whole: no hyphenation, no stretched lines */
	m_raw(&m, ".nh\n.ad l\n.SH NAME\naiusage \\- ");
	m_line(&m, au_help_tagline);
	m_raw(&m, ".SH SYNOPSIS\n"
		  "\\fBaiusage\\fR [\\fICOMMAND\\fR] [\\fIOPTIONS\\fR]\n.br\n"
		  "\\fBaiusage help\\fR [\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR]]\n.br\n"
		  "\\fBaiusage \\-\\-version\\fR\n"
		  ".SH DESCRIPTION\n");
	m_text(&m, au_help_intro);
	m_line(&m, " The tools (--source NAME) and where they log:");
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		const au_tool *t = au_tool_for((au_source)src);
		if (!t)
			continue;
		m_tag(&m, t->name);
		char *s = g_strdup_printf("%s: %s", t->title, t->defaults);
		m_line(&m, s);
		g_free(s);
	}
	m_raw(&m, ".PP\n");
	m_line(&m, au_help_default_cmd);
	m_raw(&m, ".SH OPTIONS\n");
	for (const au_option *o = au_top_options; o->name; o++)
		m_option(&m, o, o->help);
	m_raw(&m, ".PP\nEach command's own options are in its section under COMMANDS.\n.SH COMMANDS\n");
	each_entry(man_entry, f);
	m_raw(&m, ".SH FILES\n");
	for (const au_help_item *i = au_help_files; i->name; i++) {
		m_raw(&m, ".TP\n\\fI");
		m_text(&m, i->name);
		m_raw(&m, "\\fR\n");
		m_line(&m, i->help);
	}
	m_raw(&m, ".SH ENVIRONMENT\nA tool's variable replaces its default places.\n");
	for (int src = AU_SRC_NONE + 1; src < AU_SRC_MAX; src++) {
		const au_tool *t = au_tool_for((au_source)src);
		for (int i = 0; t && i < AU_TOOL_VARS && t->env[i].name; i++) {
			m_tag(&m, t->env[i].name);
			char *s = g_strdup_printf("%s: %s", t->title, t->env[i].help);
			m_line(&m, s);
			g_free(s);
		}
	}
	for (const au_help_item *i = au_help_env; i->name; i++) {
		m_tag(&m, i->name);
		m_line(&m, i->help);
	}
	m_raw(&m, ".SH EXIT STATUS\n");
	for (const au_help_item *i = au_help_exit; i->name; i++) {
		m_tag(&m, i->name);
		m_line(&m, i->help);
	}
	return finish(f);
}

/* ---- shell words ---------------------------------------------------------------- */

/* s in single quotes, for sh and fish alike: a quote inside ends the
 * quoting, is escaped, and starts it again (fish reads '\'' inside single
 * quotes too, so the one form suits both). */
static void sq(FILE *f, const char *s, bool fish)
{
	fputc('\'', f);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs(fish ? "\\'" : "'\\''", f);
		else if (fish && *p == '\\')
			fputs("\\\\", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* An option's help on one line, for a completion menu (malloc'd). */
static char *one_line(const char *help)
{
	char *s = g_strdup(help);
	g_strdelimit(s, "\n", ' ');
	return s;
}

/* "--since --until ..." for a path's options, long names only. */
static char *long_names(const au_cmd *cmd)
{
	const au_option *opts[MAX_OPTS];
	const char *helps[MAX_OPTS];
	size_t n = au_cmd_help_options(options_of(cmd), opts, helps, MAX_OPTS);
	GString *s = g_string_new(NULL);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%s--%s", i ? " " : "", opts[i]->name);
	return g_string_free(s, FALSE);
}

/* "report sync check". */
static char *sub_words(const au_cmd *cmd)
{
	GString *s = g_string_new(NULL);
	for (size_t i = 0; cmd->subcommands && cmd->subcommands[i]; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", cmd->subcommands[i]->name);
	return g_string_free(s, FALSE);
}

static char *command_words(void)
{
	GString *s = g_string_new(NULL);
	for (size_t i = 0; au_commands[i]; i++)
		g_string_append_printf(s, "%s ", au_commands[i]->name);
	g_string_append(s, "help");
	return g_string_free(s, FALSE);
}

/* ---- bash ------------------------------------------------------------------------ */

static void bash_opts_row(FILE *f, const au_cmd *cmd)
{
	char title[64];
	au_cmd_title(cmd, title, sizeof(title));
	char *names = long_names(cmd);
	fputs("\t", f);
	sq(f, title, false);
	fputs(") REPLY=", f);
	sq(f, names, false);
	fputs(" ;;\n", f);
	g_free(names);
}

/* Whether two different options of the table use this short letter. */
static bool letter_shared(const au_option *const *all, size_t n, char letter)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += all[i]->letter == letter;
	return k > 1;
}

/* The rest of a case arm saying what an option takes (see _aiusage_values). */
static void bash_value_arm(FILE *f, const au_option *o)
{
	if (!o->arg) {
		fputs("return 2 ;;\n", f);
		return;
	}
	if (au_option_is_path(o)) {
		fputs("return 1 ;;\n", f);
		return;
	}
	char **values = au_option_values(o);
	if (values) {
		char *w = g_strjoinv(" ", values);
		fputs("REPLY=", f);
		sq(f, w, false);
		fputs("; return 0 ;;\n", f);
		g_free(w);
		g_strfreev(values);
	} else {
		fputs("return 0 ;;\n", f);
	}
}

int au_gen_bash(FILE *f)
{
	fputs("# bash completion for aiusage: written by gen_docs from the command table, as\n"
	      "# --help is (src/cli/docgen.c). Installed as\n"
	      "# share/bash-completion/completions/aiusage, or source it from ~/.bashrc.\n\n",
	      f);

	/* option -> values: 0 with the words in REPLY, 1 for a file, 2 for a flag */
	fputs("# The values an option takes ($1) in a command ($2): 0 with the words in REPLY\n"
	      "# (none: a free value), 1 when it names a file, 2 when it takes no value.\n"
	      "_aiusage_values() {\n\tREPLY=\n\tcase $2:$1 in\n",
	      f);
	const au_option *all[256];
	size_t n = all_options(all, G_N_ELEMENTS(all));
	/* a letter two options share (html's -o FILE, the reports' -o ORDER)
	 * means what the command at hand takes: one arm per command */
	for (size_t i = 0; au_commands[i]; i++) {
		const au_option *opts[MAX_OPTS];
		const char *helps[MAX_OPTS];
		size_t m = au_cmd_help_options(au_commands[i], opts, helps, MAX_OPTS);
		for (size_t a = 0; a < m; a++) {
			const au_option *o = opts[a];
			if (!o->letter || !letter_shared(all, n, o->letter))
				continue;
			fprintf(f, "\t%s:-%c) ", au_commands[i]->name, o->letter);
			bash_value_arm(f, o);
		}
	}
	fputs("\tesac\n\tcase $1 in\n", f);
	for (size_t i = 0; i < n; i++) {
		const au_option *o = all[i];
		if (!o->arg)
			continue;
		fputs("\t", f);
		fprintf(f, "--%s", o->name);
		if (o->letter && !letter_shared(all, n, o->letter))
			fprintf(f, "|-%c", o->letter);
		if (au_option_is_path(o)) {
			fputs(") return 1 ;;\n", f);
			continue;
		}
		char **values = au_option_values(o);
		if (values) {
			char *w = g_strjoinv(" ", values);
			fputs(") REPLY=", f);
			sq(f, w, false);
			fputs(" ;;\n", f);
			g_free(w);
			g_strfreev(values);
		} else {
			fputs(") ;;\n", f);
		}
	}
	fputs("\t*) return 2 ;;\n\tesac\n\treturn 0\n}\n\n", f);

	fputs("# A command's (or subcommand's) options, in REPLY.\n_aiusage_options() {\n\tcase $1 in\n", f);
	each_entry(bash_opts_row, f);
	fputs("\t*) return 1 ;;\n\tesac\n}\n\n", f);

	fputs("# A command's subcommands, in REPLY; 1 when it has none.\n_aiusage_subcommands() {\n\tcase $1 in\n",
	      f);
	for (size_t i = 0; au_commands[i]; i++) {
		if (!au_commands[i]->subcommands)
			continue;
		char *w = sub_words(au_commands[i]);
		fprintf(f, "\t%s) REPLY=", au_commands[i]->name);
		sq(f, w, false);
		fputs(" ;;\n", f);
		g_free(w);
	}
	fputs("\t*) return 1 ;;\n\tesac\n}\n\n", f);

	char *cmds = command_words();
	fputs("_aiusage() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= w i skip= REPLY\n"
	      "\tlocal -a pos=()\n"
	      "\tCOMPREPLY=()\n"
	      "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	      "\t# --order=desc: bash splits the word at '=' (COMP_WORDBREAKS)\n"
	      "\tif [ \"$cur\" = = ]; then\n"
	      "\t\tcur=\n"
	      "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 1 ]; then\n"
	      "\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	      "\tfi\n"
	      "\t# the words typed so far, without options and their values; an\n"
	      "\t# option first means 'daily', as 'aiusage --json' does\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [ \"$w\" = = ]; then skip=1; continue; fi\n"
	      "\t\tif [ -n \"$skip\" ]; then skip=; continue; fi\n"
	      "\t\tcase $w in\n"
	      "\t\t-*)\n"
	      "\t\t\t[ ${#pos[@]} = 0 ] && pos=(daily)\n"
	      "\t\t\t_aiusage_values \"$w\" \"${pos[0]}\"\n"
	      "\t\t\t[ $? -lt 2 ] && skip=1\n"
	      "\t\t\t;;\n"
	      "\t\t*) pos+=(\"$w\") ;;\n"
	      "\t\tesac\n"
	      "\tdone\n"
	      "\t# the value of an option, as the command at hand reads it\n"
	      "\tif [[ $prev == -* ]]; then\n"
	      "\t\t_aiusage_values \"$prev\" \"${pos[0]:-daily}\"\n"
	      "\t\tcase $? in\n"
	      "\t\t0) COMPREPLY=($(compgen -W \"$REPLY\" -- \"$cur\")); return 0 ;;\n"
	      "\t\t1) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n"
	      "\t\tesac\n"
	      "\tfi\n"
	      "\tlocal words=\n"
	      "\tif [ ${#pos[@]} = 0 ]; then\n"
	      "\t\tif [[ $cur == -* ]]; then words='--help --version'; else words=",
	      f);
	sq(f, cmds, false);
	fputs("; fi\n"
	      "\telif [ \"${pos[0]}\" = help ]; then\n"
	      "\t\tif [ ${#pos[@]} = 1 ]; then\n"
	      "\t\t\twords=",
	      f);
	sq(f, cmds, false);
	fputs("\n"
	      "\t\telif [ ${#pos[@]} = 2 ] && _aiusage_subcommands \"${pos[1]}\"; then\n"
	      "\t\t\twords=$REPLY\n"
	      "\t\tfi\n"
	      "\telif _aiusage_subcommands \"${pos[0]}\" && [ ${#pos[@]} = 1 ] && [[ $cur != -* ]]; then\n"
	      "\t\twords=$REPLY\n"
	      "\telif [[ $cur == -* ]]; then\n"
	      "\t\tlocal path=${pos[0]}\n"
	      "\t\t_aiusage_subcommands \"${pos[0]}\" && [ ${#pos[@]} -gt 1 ] && path=\"${pos[0]} ${pos[1]}\"\n"
	      "\t\t_aiusage_options \"$path\" && words=$REPLY\n"
	      "\tfi\n"
	      "\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "}\n\n"
	      "complete -F _aiusage aiusage\n",
	      f);
	g_free(cmds);
	return finish(f);
}

/* ---- zsh ------------------------------------------------------------------------- */

/* Text inside an _arguments description, in single quotes. */
static void zsh_desc(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else if (*p == '[' || *p == ']' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
}

/* "name:summary" for _describe, in single quotes. */
static void zsh_item(FILE *f, const char *name, const char *summary)
{
	fprintf(f, "'%s:", name);
	for (const char *p = summary; *p && *p != '\n'; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else if (*p == ':' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* _aiusage_cmd_cloud_sync */
static void zsh_fn_name(FILE *f, const au_cmd *cmd)
{
	fputs("_aiusage_cmd_", f);
	if (cmd->parent)
		fprintf(f, "%s_", cmd->parent);
	for (const char *p = cmd->name; *p; p++)
		fputc(*p == '-' ? '_' : *p, f);
}

/* One _arguments spec: '(-s --since)'{-s+,--since=}'[first day]:DATE: ' */
static void zsh_spec(FILE *f, const au_option *o, const char *help)
{
	char *desc = one_line(help);
	const char *v = o->arg ? "=" : "";
	fputs(" \\\n\t\t", f);
	if (o->id == AU_O_HELP)
		fputs("'(- *)'", f);
	if (o->letter && o->id != AU_O_HELP)
		fprintf(f, "'(-%c --%s)'", o->letter, o->name);
	if (o->letter)
		fprintf(f, "{-%c%s,--%s%s}'", o->letter, o->arg ? "+" : "", o->name, v);
	else
		fprintf(f, "'--%s%s", o->name, v);
	fputc('[', f);
	zsh_desc(f, desc);
	fputc(']', f);
	g_free(desc);
	if (o->arg) {
		fputc(':', f);
		for (const char *p = o->arg; *p; p++) /* the message: no brackets or colons */
			if (!strchr("[]:'\\", *p))
				fputc(*p, f);
		fputc(':', f);
		char **values = o->arg ? au_option_values(o) : NULL;
		if (au_option_is_path(o)) {
			fputs("_files", f);
		} else if (values) {
			fputc('(', f);
			for (size_t i = 0; values[i]; i++)
				fprintf(f, "%s%s", i ? " " : "", values[i]);
			fputc(')', f);
		} else {
			fputc(' ', f);
		}
		g_strfreev(values);
	}
	fputc('\'', f);
}

static void zsh_opt_specs(FILE *f, const au_cmd *cmd)
{
	const au_option *opts[MAX_OPTS];
	const char *helps[MAX_OPTS];
	size_t n = au_cmd_help_options(options_of(cmd), opts, helps, MAX_OPTS);
	for (size_t i = 0; i < n; i++)
		zsh_spec(f, opts[i], helps[i]);
}

static void zsh_entry(FILE *f, const au_cmd *cmd)
{
	zsh_fn_name(f, cmd);
	fputs("() {\n", f);
	if (!cmd->subcommands) {
		fputs("\t_arguments -s -S", f);
		zsh_opt_specs(f, cmd);
		for (int i = 0; i < cmd->max_args; i++)
			fprintf(f, " \\\n\t\t'%d::%s: '", i + 1, "argument");
		fputs("\n}\n\n", f);
		return;
	}
	fputs("\tlocal curcontext=$curcontext state line\n\tlocal -a subcommands=(", f);
	for (size_t i = 0; cmd->subcommands[i]; i++) {
		fputs("\n\t\t", f);
		zsh_item(f, cmd->subcommands[i]->name, cmd->subcommands[i]->summary);
	}
	fputs("\n\t)\n\t_arguments -C -s -S", f);
	zsh_opt_specs(f, cmd);
	fputs(" \\\n\t\t': :->subcommand' \\\n\t\t'*:: :->rest' && return 0\n"
	      "\tcase $state in\n"
	      "\tsubcommand) _describe -t subcommands 'subcommand' subcommands ;;\n"
	      "\trest)\n\t\tcase $line[1] in\n",
	      f);
	for (size_t i = 0; cmd->subcommands[i]; i++) {
		fprintf(f, "\t\t%s) ", cmd->subcommands[i]->name);
		zsh_fn_name(f, cmd->subcommands[i]);
		fputs(" ;;\n", f);
	}
	fputs("\t\tesac\n\t\t;;\n\tesac\n}\n\n", f);
}

int au_gen_zsh(FILE *f)
{
	fputs("#compdef aiusage\n"
	      "# zsh completion for aiusage: written by gen_docs from the command table, as\n"
	      "# --help is (src/cli/docgen.c). Installed as share/zsh/site-functions/_aiusage;\n"
	      "# any directory of $fpath will do.\n\n",
	      f);
	each_entry(zsh_entry, f);
	fputs("_aiusage_commands() {\n\tlocal -a commands=(", f);
	for (size_t i = 0; au_commands[i]; i++) {
		fputs("\n\t\t", f);
		zsh_item(f, au_commands[i]->name, au_commands[i]->summary);
	}
	fputs("\n\t\t'help:the help of a command'\n\t)\n\t_describe -t commands 'aiusage command' commands\n}\n\n", f);

	fputs("_aiusage_help() {\n"
	      "\tif (( CURRENT == 2 )); then\n"
	      "\t\t_aiusage_commands\n"
	      "\telif (( CURRENT == 3 )); then\n"
	      "\t\tcase $words[2] in\n",
	      f);
	for (size_t i = 0; au_commands[i]; i++) {
		if (!au_commands[i]->subcommands)
			continue;
		char *w = sub_words(au_commands[i]);
		fprintf(f, "\t\t%s) compadd %s ;;\n", au_commands[i]->name, w);
		g_free(w);
	}
	fputs("\t\tesac\n\tfi\n}\n\n", f);

	fputs("_aiusage() {\n"
	      "\tlocal curcontext=$curcontext state line\n"
	      "\t_arguments -C",
	      f);
	for (const au_option *o = au_top_options; o->name; o++) {
		char *desc = one_line(o->help);
		fprintf(f, " \\\n\t\t'(- *)'{-%c,--%s}'[", o->letter, o->name);
		zsh_desc(f, desc);
		fputs("]'", f);
		g_free(desc);
	}
	fputs(" \\\n\t\t': :->command' \\\n\t\t'*:: :->args' && return 0\n"
	      "\tcase $state in\n"
	      "\tcommand) _aiusage_commands ;;\n"
	      "\targs)\n\t\tcase $line[1] in\n"
	      "\t\thelp) _aiusage_help ;;\n",
	      f);
	for (size_t i = 0; au_commands[i]; i++) {
		fprintf(f, "\t\t%s) ", au_commands[i]->name);
		zsh_fn_name(f, au_commands[i]);
		fputs(" ;;\n", f);
	}
	fputs("\t\tesac\n\t\t;;\n\tesac\n}\n\n_aiusage \"$@\"\n", f);
	return finish(f);
}

/* ---- fish ------------------------------------------------------------------------ */

static void fish_opt(FILE *f, const char *cond, const au_option *o, const char *help)
{
	char *desc = one_line(help);
	fputs("complete -c aiusage -n ", f);
	sq(f, cond, true);
	if (o->letter)
		fprintf(f, " -s %c", o->letter);
	fprintf(f, " -l %s", o->name);
	if (o->arg) {
		char **values = au_option_values(o);
		if (au_option_is_path(o)) {
			fputs(" -r -F", f);
		} else if (values) {
			char *w = g_strjoinv(" ", values);
			fputs(" -x -a ", f);
			sq(f, w, true);
			g_free(w);
		} else {
			fputs(" -x", f);
		}
		g_strfreev(values);
	}
	fputs(" -d ", f);
	sq(f, desc, true);
	fputc('\n', f);
	g_free(desc);
}

static void fish_word(FILE *f, const char *cond, const char *word, const char *summary)
{
	char *desc = one_line(summary);
	fputs("complete -c aiusage -n ", f);
	sq(f, cond, true);
	fputs(" -a ", f);
	sq(f, word, true);
	fputs(" -d ", f);
	sq(f, desc, true);
	fputc('\n', f);
	g_free(desc);
}

static void fish_entry(FILE *f, const au_cmd *cmd)
{
	/* the options where exactly these words are typed (a command with
	 * subcommands: its default one's options before a subcommand word) */
	char *cond = cmd->parent ? g_strdup_printf("__aiusage_at %s %s", cmd->parent, cmd->name)
		     : cmd->subcommands ? g_strdup_printf("__aiusage_only %s", cmd->name)
					: g_strdup_printf("__aiusage_at %s", cmd->name);
	fprintf(f, "\n# %s%s%s\n", cmd->parent ? cmd->parent : "", cmd->parent ? " " : "", cmd->name);
	const au_option *opts[MAX_OPTS];
	const char *helps[MAX_OPTS];
	size_t n = au_cmd_help_options(options_of(cmd), opts, helps, MAX_OPTS);
	for (size_t i = 0; i < n; i++)
		fish_opt(f, cond, opts[i], helps[i]);
	g_free(cond);
	if (cmd->subcommands) {
		char *only = g_strdup_printf("__aiusage_only %s", cmd->name);
		for (size_t i = 0; cmd->subcommands[i]; i++)
			fish_word(f, only, cmd->subcommands[i]->name, cmd->subcommands[i]->summary);
		g_free(only);
	}
}

int au_gen_fish(FILE *f)
{
	fputs("# fish completion for aiusage: written by gen_docs from the command table, as\n"
	      "# --help is (src/cli/docgen.c). Installed as\n"
	      "# share/fish/vendor_completions.d/aiusage.fish.\n\n"
	      "# The words typed so far, without options and their values; an option\n"
	      "# first means 'daily', as 'aiusage --json' does.\n"
	      "function __aiusage_words\n"
	      "\tset -l valued",
	      f);
	const au_option *all[256];
	size_t n = all_options(all, G_N_ELEMENTS(all));
	for (size_t i = 0; i < n; i++) {
		if (!all[i]->arg)
			continue;
		fprintf(f, " --%s", all[i]->name);
		if (all[i]->letter)
			fprintf(f, " -%c", all[i]->letter);
	}
	fputs("\n"
	      "\tset -l skip 0\n"
	      "\tset -l n 0\n"
	      "\tfor w in (commandline -opc)[2..-1]\n"
	      "\t\tif test $skip = 1\n"
	      "\t\t\tset skip 0\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\tif string match -q -- '-*' $w\n"
	      "\t\t\ttest $n = 0; and echo daily; and set n 1\n"
	      "\t\t\tcontains -- $w $valued; and set skip 1\n"
	      "\t\t\tcontinue\n"
	      "\t\tend\n"
	      "\t\techo $w\n"
	      "\t\tset n (math $n + 1)\n"
	      "\tend\n"
	      "end\n\n"
	      "# The typed words start with these.\n"
	      "function __aiusage_at\n"
	      "\tset -l w (__aiusage_words)\n"
	      "\ttest (count $w) -ge (count $argv); or return 1\n"
	      "\tfor i in (seq (count $argv))\n"
	      "\t\ttest \"$w[$i]\" = \"$argv[$i]\"; or return 1\n"
	      "\tend\n"
	      "end\n\n"
	      "# The typed words are exactly these.\n"
	      "function __aiusage_only\n"
	      "\tset -l w (__aiusage_words)\n"
	      "\ttest \"$w\" = \"$argv\"\n"
	      "end\n\n"
	      "complete -c aiusage -f\n",
	      f);
	for (const au_option *o = au_top_options; o->name; o++)
		fish_opt(f, "__aiusage_only", o, o->help);
	for (size_t i = 0; au_commands[i]; i++)
		fish_word(f, "__aiusage_only", au_commands[i]->name, au_commands[i]->summary);
	fish_word(f, "__aiusage_only", "help", "the help of a command");
	for (size_t i = 0; au_commands[i]; i++) {
		fish_word(f, "__aiusage_only help", au_commands[i]->name, au_commands[i]->summary);
		for (size_t j = 0; au_commands[i]->subcommands && au_commands[i]->subcommands[j]; j++) {
			char *cond = g_strdup_printf("__aiusage_only help %s", au_commands[i]->name);
			fish_word(f, cond, au_commands[i]->subcommands[j]->name, au_commands[i]->subcommands[j]->summary);
			g_free(cond);
		}
	}
	each_entry(fish_entry, f);
	return finish(f);
}
