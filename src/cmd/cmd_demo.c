/*
 * aiusage demo: the reports over the bundled sample logs (fixtures/demo,
 * installed as share/aiusage/demo), copied into a private temporary HOME
 * with a temporary store, so a new user sees the product work before any
 * tool has written a log. --json prints one document holding the three
 * reports. The temporary HOME is removed however the demo ends: the
 * reports run in a child process and this one waits, removes the copy and
 * then ends the way the child did (killed by SIGPIPE under `| head`, by
 * SIGINT, SIGTERM or SIGHUP, or with its exit status).
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "jsonw.h"

#ifndef AU_DEMO_FROM_BIN
#define AU_DEMO_FROM_BIN "../share/aiusage/demo"
#endif

static char *find_demo_dir(void)
{
	const char *env = getenv("AIUSAGE_DEMO_DIR");
	if (env && g_file_test(env, G_FILE_TEST_IS_DIR))
		return xstrdup(env);
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	if (exe) {
		char *bindir = g_path_get_dirname(exe);
		/* build/aiusage -> ../fixtures/demo; installed: bin/aiusage ->
		 * ../share/aiusage/demo (CMake says where cmake --install puts it) */
		const char *rel[] = {"../fixtures/demo", AU_DEMO_FROM_BIN, NULL};
		for (int i = 0; rel[i]; i++) {
			char *d = g_build_filename(bindir, rel[i], NULL);
			if (g_file_test(d, G_FILE_TEST_IS_DIR)) {
				g_free(bindir);
				g_free(exe);
				char *out = realpath(d, NULL);
				g_free(d);
				return out;
			}
			g_free(d);
		}
		g_free(bindir);
		g_free(exe);
	}
	char *d = g_build_filename(AU_SOURCE_DIR, "fixtures", "demo", NULL);
	char *out = g_file_test(d, G_FILE_TEST_IS_DIR) ? xstrdup(d) : NULL;
	g_free(d);
	return out;
}

static bool copy_tree(const char *from, const char *to)
{
	GDir *d = g_dir_open(from, 0, NULL);
	if (!d || g_mkdir_with_parents(to, 0700) < 0) {
		if (d)
			g_dir_close(d);
		return false;
	}
	bool ok = true;
	const char *n;
	while (ok && (n = g_dir_read_name(d))) {
		char *src = g_build_filename(from, n, NULL), *dst = g_build_filename(to, n, NULL);
		if (g_file_test(src, G_FILE_TEST_IS_DIR)) {
			ok = copy_tree(src, dst);
		} else {
			gchar *data;
			gsize len;
			ok = g_file_get_contents(src, &data, &len, NULL) &&
			     g_file_set_contents(dst, data, (gssize)len, NULL);
			if (ok)
				g_free(data);
		}
		g_free(src);
		g_free(dst);
	}
	g_dir_close(d);
	return ok;
}

static const char *const reports[] = {"daily", "projects", "models", "limits"};

/* Runs report i over the demo store; argv as a user would type it. */
static int run_report(size_t i, const char *db, const au_opts *o)
{
	const au_cmd *rc = au_cmd_find(NULL, reports[i]);
	char *args[8];
	int n = 0;
	args[n++] = (char *)reports[i];
	args[n++] = (char *)"--db";
	args[n++] = (char *)db;
	if (au_cmd_takes(rc, AU_O_TIMEZONE)) { /* limits has none: plan windows are instants */
		args[n++] = (char *)"-z";
		args[n++] = o->timezone ? o->timezone : (char *)"UTC";
	}
	if (o->json)
		args[n++] = (char *)"--json";
	args[n] = NULL;
	return au_cmd_dispatch(rc, n, args);
}

/* Report i's JSON document, captured from its stdout into a file of the
 * temporary HOME (the reports write to stdout). NULL when it failed. */
static char *capture_json(size_t i, const char *tmp, const char *db, const au_opts *o, int *ret_code)
{
	char *path = g_strdup_printf("%s/%s.json", tmp, reports[i]);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int saved = fd >= 0 ? dup(STDOUT_FILENO) : -1;
	if (saved < 0 || fflush(stdout) != 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "aiusage: cannot capture the %s report: %s\n", reports[i], strerror(errno));
		if (fd >= 0)
			close(fd);
		if (saved >= 0)
			close(saved);
		g_free(path);
		*ret_code = AU_EXIT_FAIL;
		return NULL;
	}
	close(fd);
	*ret_code = run_report(i, db, o);
	if (fflush(stdout) != 0)
		*ret_code = AU_EXIT_FAIL;
	dup2(saved, STDOUT_FILENO);
	close(saved);
	char *text = NULL;
	gsize len;
	if (*ret_code == AU_EXIT_OK && !g_file_get_contents(path, &text, &len, NULL))
		*ret_code = AU_EXIT_FAIL;
	g_free(path);
	/* au_jw_raw trusts its input: hold the report to that */
	json_error_t e;
	json_t *v = text ? json_loadb(text, len, 0, &e) : NULL;
	if (text && !v) {
		fprintf(stderr, "aiusage: the %s report's JSON does not parse: %s\n", reports[i], e.text);
		*ret_code = AU_EXIT_FAIL;
		g_free(text);
		text = NULL;
	}
	json_decref(v);
	return text;
}

/* --json: {"daily": ..., "projects": ..., "models": ..., "limits": ...},
 * each the report's own document, printed only when all were made. */
static int show_json(const char *tmp, const char *db, const au_opts *o)
{
	char *docs[G_N_ELEMENTS(reports)] = {NULL};
	int code = AU_EXIT_OK;
	for (size_t i = 0; i < G_N_ELEMENTS(reports) && code == AU_EXIT_OK; i++)
		docs[i] = capture_json(i, tmp, db, o, &code);
	if (code == AU_EXIT_OK) {
		au_jw w;
		au_jw_init_file(&w, stdout);
		au_jw_obj_begin(&w);
		for (size_t i = 0; i < G_N_ELEMENTS(reports); i++) {
			au_jw_newline(&w);
			au_jw_key(&w, reports[i]);
			au_jw_raw(&w, docs[i], strlen(docs[i]));
		}
		au_jw_newline(&w);
		au_jw_obj_end(&w);
		au_jw_newline(&w);
		if (au_jw_finish(&w) < 0 || fflush(stdout) != 0)
			code = AU_EXIT_FAIL;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(reports); i++)
		g_free(docs[i]);
	return code;
}

static int show_tables(const char *demo, const char *tmp, const char *db, const au_opts *o)
{
	printf("Sample logs from %s, in a temporary HOME %s.\n"
	       "These are the reports 'aiusage daily', 'aiusage projects', 'aiusage models' and\n"
	       "'aiusage limits' print over your own logs.\n\n",
	       demo, tmp);
	int code = AU_EXIT_OK;
	for (size_t i = 0; i < G_N_ELEMENTS(reports) && code == AU_EXIT_OK; i++) {
		printf("%s$ aiusage %s\n", i ? "\n" : "", reports[i]);
		fflush(stdout);
		code = run_report(i, db, o);
	}
	return code;
}

/* Points every source at the temporary HOME and runs the reports. */
static int show(const char *demo, const char *tmp, const au_opts *o)
{
	char *db = g_build_filename(tmp, "usage.db", NULL);
	g_setenv("HOME", tmp, TRUE);
	/* every variable that would point a source at the user's own logs */
	static const char *const own[] = {
		"CLAUDE_CONFIG_DIR", "CODEX_HOME",        "COPILOT_HOME",        "COPILOT_OTEL_FILE_EXPORTER_PATH",
		"CURSOR_CONFIG_DIR", "GEMINI_CLI_HOME",   "GEMINI_DATA_DIR",     "OPENCODE_DATA_DIR",
		"WINDSURF_CONFIG_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
		/* and the walk's listing cache goes with the HOME */
		"XDG_CACHE_HOME",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(own); i++)
		g_unsetenv(own[i]);
	int code = o->json ? show_json(tmp, db, o) : show_tables(demo, tmp, db, o);
	g_free(db);
	return code;
}

/* ---- removing the temporary HOME however the demo ends ----------------------- */

/* What ends a process without its exit path running: these are passed on
 * to the child, and end this process the same way once the copy is gone.
 * (SIGKILL cannot be caught; SIGQUIT keeps its core dump.) */
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
static volatile sig_atomic_t child_pid, got_signal;

static void pass_on(int sig)
{
	got_signal = sig; /* one that comes once the child is gone ends us after the cleanup */
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/* Blocks the fatal signals from before the copy is made until each side
 * of the fork is ready, so none is lost or ends us with the copy made. */
static void block_fatal(sigset_t *ret_saved_mask)
{
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaddset(&block, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &block, ret_saved_mask);
}

/* Runs show() in a child and waits for it, the fatal signals blocked on
 * entry (block_fatal; saved_mask: the mask before): a report killed by a
 * signal (a reader that went away, ^C, a TERM) takes only the child, and
 * the copy is removed here whatever happened. A signal the caller ignored
 * stays ignored (a background job's SIGINT), in both processes. */
static int show_guarded(const char *demo, const char *tmp, const au_opts *o, const sigset_t *saved)
{
	struct sigaction old[G_N_ELEMENTS(fatal_signals)];
	const sigset_t saved_mask = *saved;
	for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
		sigaction(fatal_signals[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN) {
			struct sigaction sa = {.sa_handler = pass_on};
			sigemptyset(&sa.sa_mask);
			sigaction(fatal_signals[i], &sa, NULL);
		}
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
			sigaction(fatal_signals[i], &old[i], NULL);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		exit(show(demo, tmp, o)); /* exit, not _exit: stdout is flushed */
	}
	int code, status = 0, sig = 0;
	if (pid < 0) { /* no child: run here; the copy goes at least on the way out */
		for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
			sigaction(fatal_signals[i], &old[i], NULL);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		code = show(demo, tmp, o);
	} else {
		child_pid = pid;
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
		code = WIFEXITED(status) ? WEXITSTATUS(status) : AU_EXIT_FAIL;
		sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	au_remove_tree(tmp);
	for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &old[i], NULL);
	if (!sig && got_signal)
		sig = got_signal;
	if (sig) { /* end as the child did, so the shell sees the signal */
		signal(sig, SIG_DFL);
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, sig);
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);
		code = 128 + sig; /* still here: the signal was ignored on entry */
	}
	return code;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	char *demo = find_demo_dir();
	if (!demo) {
		fprintf(stderr, "aiusage: cannot find the bundled sample logs (share/aiusage/demo beside the\n"
				"binary, or fixtures/demo in the source tree); set AIUSAGE_DEMO_DIR\n");
		au_opts_release(&o);
		return AU_EXIT_FAIL;
	}
	sigset_t saved_mask;
	block_fatal(&saved_mask);
	char *tmp = g_dir_make_tmp("aiusage-demo-XXXXXX", NULL);
	if (!tmp || !copy_tree(demo, tmp)) {
		fprintf(stderr, "aiusage: cannot prepare a temporary HOME: %s\n", strerror(errno));
		if (tmp)
			au_remove_tree(tmp);
		code = AU_EXIT_FAIL;
	} else {
		code = show_guarded(demo, tmp, &o, &saved_mask);
	}
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	g_free(tmp);
	free(demo);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_OH(AU_O_TIMEZONE, "time zone for day boundaries (default UTC here)"),
	AU_OH(AU_O_JSON, "one JSON document: {\"daily\": ..., \"projects\": ..., \"models\": ...,\n\"limits\": ...}, each the report's own --json"),
	AU_OPTS_END,
};

const au_cmd au_cmd_demo_entry = {
	.name = "demo",
	.summary = "reports over the bundled sample logs, in a private temporary HOME",
	.description = "Copies the bundled fixture logs into a temporary HOME, scans them into a\n"
		       "temporary store and prints the daily, projects, models and limits reports\n"
		       "(the sample Codex sessions carry plan windows). Your own logs and store are\n"
		       "not touched.\n",
	.options = options,
	.examples = "aiusage demo\n",
	.run = run,
};
