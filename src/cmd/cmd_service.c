/*
 * aiusage service install|uninstall|status: a systemd user unit that runs
 * `aiusage watch`. The unit file is written whether or not systemd is
 * there; systemctl is run only when a user manager answers, and otherwise
 * we print the commands to run. Every step taken is printed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sources.h"

#define UNIT_NAME "aiusage.service"

static char *unit_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/systemd/user/" UNIT_NAME, xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.config/systemd/user/" UNIT_NAME, home && *home ? home : g_get_home_dir());
}

/* The absolute path of this binary, for ExecStart. */
static char *self_path(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	/* No /proc: resolve how we were run. */
	char *found = strchr(au_progname, '/') ? realpath(au_progname, NULL) : NULL;
	if (!found) {
		gchar *p = g_find_program_in_path(au_progname);
		found = p ? xstrdup(p) : xstrdup("/usr/bin/aiusage");
		g_free(p);
	}
	return found;
}

/* systemd's command-line syntax: '%' is a specifier and '$' a variable;
 * a path with blanks, quotes or backslashes goes in double quotes. */
static char *exec_quote(const char *path)
{
	GString *g = g_string_new(NULL);
	bool quote = strpbrk(path, " \t\"'\\") != NULL;
	if (quote)
		g_string_append_c(g, '"');
	for (const char *c = path; *c; c++) {
		if (*c == '%')
			g_string_append(g, "%%");
		else if (*c == '$')
			g_string_append(g, "$$");
		else if (quote && (*c == '"' || *c == '\\'))
			g_string_append_printf(g, "\\%c", *c);
		else
			g_string_append_c(g, *c);
	}
	if (quote)
		g_string_append_c(g, '"');
	char *r = xstrdup(g->str);
	g_string_free(g, TRUE);
	return r;
}

/* db: the store the watcher should use, or NULL for its default. */
static char *unit_text(const char *db)
{
	char *self = self_path();
	char *exe = exec_quote(self);
	char *qdb = db ? exec_quote(db) : NULL;
	char *q = qdb ? xasprintf("%s watch --db %s", exe, qdb) : xasprintf("%s watch", exe);
	free(exe);
	free(qdb);
	char *text = xasprintf("# Written by 'aiusage service install'; 'aiusage service uninstall' removes it.\n"
			       "[Unit]\n"
			       "Description=aiusage: keep the AI coding usage store current, budget alerts\n"
			       "\n"
			       "[Service]\n"
			       "Type=simple\n"
			       "ExecStart=%s\n"
			       "Restart=on-failure\n"
			       "RestartSec=10\n"
			       "\n"
			       "[Install]\n"
			       "WantedBy=default.target\n",
			       q);
	free(q);
	free(self);
	return text;
}

/* Runs `systemctl --user ARGS...`; returns its exit status (-1 when it
 * could not run), output in *ret_out (malloc'd, stdout then stderr). */
static int systemctl(const char *a1, const char *a2, const char *a3, char **ret_out)
{
	const char *argv[] = {"systemctl", "--user", a1, a2, a3, NULL};
	gchar *out = NULL, *errs = NULL;
	gint status = 0;
	GError *e = NULL;
	int r;
	if (!g_spawn_sync(NULL, (gchar **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &errs, &status, &e)) {
		if (ret_out)
			*ret_out = xstrdup(e->message);
		g_error_free(e);
		return -1;
	}
	r = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (ret_out)
		*ret_out = g_strstrip(g_strdup_printf("%s%s", out ? out : "", errs ? errs : ""));
	g_free(out);
	g_free(errs);
	return r;
}

/* Whether systemctl exists and a user manager answers it. */
static bool have_user_manager(void)
{
	gchar *sc = g_find_program_in_path("systemctl");
	if (!sc)
		return false;
	g_free(sc);
	return systemctl("show", "--property=Version", NULL, NULL) == 0;
}

/* Runs one systemctl step and prints it; false when it failed. */
static bool step(const char *a1, const char *a2, const char *a3)
{
	char *out = NULL;
	int r = systemctl(a1, a2, a3, &out);
	printf("ran: systemctl --user %s%s%s%s%s\n", a1, a2 ? " " : "", a2 ? a2 : "", a3 ? " " : "", a3 ? a3 : "");
	if (out && *out)
		printf("  %s\n", out);
	if (r != 0)
		fprintf(stderr, "aiusage: systemctl --user %s failed (exit %d)\n", a1, r);
	free(out);
	return r == 0;
}

static int install(const char *db)
{
	char *path = unit_path();
	char *text = unit_text(db);
	char *dir = g_path_get_dirname(path);
	int code = AU_EXIT_OK;
	gchar *old = NULL;
	GError *e = NULL;
	bool same = g_file_get_contents(path, &old, NULL, NULL) && strcmp(old, text) == 0;
	if (same) {
		printf("unit file %s is already up to date\n", path);
	} else if (g_mkdir_with_parents(dir, 0755) < 0) {
		fprintf(stderr, "aiusage: cannot create %s: %s\n", dir, strerror(errno));
		code = AU_EXIT_FAIL;
	} else if (!g_file_set_contents(path, text, -1, &e)) {
		fprintf(stderr, "aiusage: cannot write %s: %s\n", path, e->message);
		g_error_free(e);
		code = AU_EXIT_FAIL;
	} else {
		printf("%s unit file %s\n", old ? "updated" : "wrote", path);
	}
	if (code == AU_EXIT_OK) {
		if (have_user_manager()) {
			if (!step("daemon-reload", NULL, NULL) || !step("enable", "--now", UNIT_NAME))
				code = AU_EXIT_FAIL;
			else if (old && !same && !step("restart", UNIT_NAME, NULL))
				code = AU_EXIT_FAIL;
			if (code == AU_EXIT_OK)
				printf("the watcher runs now and at every login; 'aiusage service status' shows it\n");
		} else {
			printf("no systemd user manager answered, so nothing was started; where one runs, do:\n"
			       "  systemctl --user daemon-reload\n"
			       "  systemctl --user enable --now " UNIT_NAME "\n"
			       "or start the watcher by hand: %s watch &\n",
			       au_progname);
		}
	}
	g_free(old);
	g_free(dir);
	free(text);
	free(path);
	return code;
}

static int uninstall(void)
{
	char *path = unit_path();
	int code = AU_EXIT_OK;
	struct stat sb;
	if (stat(path, &sb) < 0) {
		printf("not installed: %s does not exist\n", path);
		free(path);
		return AU_EXIT_OK;
	}
	bool manager = have_user_manager();
	if (manager && !step("disable", "--now", UNIT_NAME))
		code = AU_EXIT_FAIL;
	if (unlink(path) < 0) {
		fprintf(stderr, "aiusage: cannot remove %s: %s\n", path, strerror(errno));
		code = AU_EXIT_FAIL;
	} else {
		printf("removed unit file %s\n", path);
	}
	if (manager) {
		if (!step("daemon-reload", NULL, NULL))
			code = AU_EXIT_FAIL;
	} else {
		printf("no systemd user manager answered; if the service was enabled elsewhere, there run:\n"
		       "  systemctl --user disable --now " UNIT_NAME "\n"
		       "  systemctl --user daemon-reload\n");
	}
	free(path);
	return code;
}

static int status(void)
{
	char *path = unit_path();
	gchar *text = NULL;
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		printf("unit file %s:\n", path);
		gchar **lines = g_strsplit(text, "\n", -1);
		for (gchar **l = lines; *l; l++)
			if (**l || l[1])
				printf("  %s\n", *l);
		g_strfreev(lines);
	} else {
		printf("not installed: %s does not exist ('aiusage service install' writes it)\n", path);
	}
	if (have_user_manager()) {
		char *out = NULL;
		systemctl("is-active", UNIT_NAME, NULL, &out);
		printf("systemctl --user is-active " UNIT_NAME ": %s\n", out && *out ? out : "(no answer)");
		free(out);
	} else {
		printf("systemctl --user is-active " UNIT_NAME ": unknown (no systemd user manager answered)\n");
	}
	g_free(text);
	free(path);
	return AU_EXIT_OK;
}

/* The three subcommands take no option but install's --db. */
static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	char *db = NULL;
	if (o.db_path) { /* already ~-expanded */
		db = realpath(o.db_path, NULL);
		if (!db) /* not created yet: keep it as given, made absolute */
			db = g_path_is_absolute(o.db_path) ? xstrdup(o.db_path)
							   : g_build_filename(g_get_current_dir(), o.db_path, NULL);
	}
	au_opts_release(&o);
	if (strcmp(cmd->name, "install") == 0)
		code = install(db);
	else if (strcmp(cmd->name, "uninstall") == 0)
		code = uninstall();
	else
		code = status();
	free(db);
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;
	return code;
}

static const au_cmd_opt install_opts[] = {
	AU_OH(AU_O_DB, "the store the service's watcher keeps (default\n$XDG_DATA_HOME/aiusage/usage.db)"),
	AU_OPTS_END,
};

static const au_cmd install_cmd = {
	.name = "install",
	.parent = "service",
	.summary = "write the unit file, then enable and start it",
	.description = "Writes $XDG_CONFIG_HOME/systemd/user/aiusage.service (default\n"
		       "~/.config/systemd/user), running '<this binary> watch' (with --db PATH when\n"
		       "given) with Restart=on-failure, then 'systemctl --user daemon-reload' and\n"
		       "'enable --now' when a systemd user manager answers (else it says what to run).\n",
	.options = install_opts,
	.examples = "aiusage service install\naiusage service install --db ~/usage.db\n",
	.run = run,
};

static const au_cmd uninstall_cmd = {
	.name = "uninstall",
	.parent = "service",
	.summary = "stop and disable the service, remove the unit file",
	.description = "Runs 'systemctl --user disable --now aiusage.service' when a systemd user\n"
		       "manager answers, then removes the unit file.\n",
	.examples = "aiusage service uninstall\n",
	.run = run,
};

static const au_cmd status_cmd = {
	.name = "status",
	.parent = "service",
	.summary = "the unit file and whether systemd runs it",
	.description = "Prints the unit file, if any, and 'systemctl --user is-active aiusage.service'.\n",
	.examples = "aiusage service status\n",
	.run = run,
};

static const au_cmd *const subcommands[] = {&install_cmd, &uninstall_cmd, &status_cmd, NULL};

const au_cmd au_cmd_service_entry = {
	.name = "service",
	.summary = "install, remove or show the systemd user service that runs the watcher",
	.description = "A systemd user unit that runs 'aiusage watch'. The unit file is written\n"
		       "whether or not systemd is there; systemctl runs only when a user manager\n"
		       "answers, and otherwise the commands to run are printed.\n",
	.examples = "aiusage service install\naiusage service status\n",
	.subcommands = subcommands,
};
