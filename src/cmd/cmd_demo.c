/*
 * aiusage demo: the reports over the bundled sample logs (fixtures/demo),
 * copied into a private temporary HOME with a temporary store, so a new
 * user sees the product work before any tool has written a log.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char *find_demo_dir(void)
{
	const char *env = getenv("AIUSAGE_DEMO_DIR");
	if (env && g_file_test(env, G_FILE_TEST_IS_DIR))
		return xstrdup(env);
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	if (exe) {
		char *bindir = g_path_get_dirname(exe);
		/* build/aiusage -> ../fixtures/demo; installed: ../share/aiusage/demo */
		const char *rel[] = {"../fixtures/demo", "../share/aiusage/demo", NULL};
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

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	char *demo = find_demo_dir();
	if (!demo) {
		fprintf(stderr, "aiusage: cannot find the bundled sample logs (fixtures/demo); set AIUSAGE_DEMO_DIR\n");
		au_opts_release(&o);
		return AU_EXIT_FAIL;
	}
	char *tmp = g_dir_make_tmp("aiusage-demo-XXXXXX", NULL);
	if (!tmp || !copy_tree(demo, tmp)) {
		fprintf(stderr, "aiusage: cannot prepare a temporary HOME: %s\n", strerror(errno));
		free(demo);
		g_free(tmp);
		au_opts_release(&o);
		return AU_EXIT_FAIL;
	}
	char *db = g_build_filename(tmp, "usage.db", NULL);
	g_setenv("HOME", tmp, TRUE);
	/* every variable that would point a source at the user's own logs */
	static const char *const own[] = {
		"CLAUDE_CONFIG_DIR", "CODEX_HOME",        "COPILOT_HOME",        "COPILOT_OTEL_FILE_EXPORTER_PATH",
		"CURSOR_CONFIG_DIR", "GEMINI_CLI_HOME",   "GEMINI_DATA_DIR",     "OPENCODE_DATA_DIR",
		"WINDSURF_CONFIG_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(own); i++)
		g_unsetenv(own[i]);
	if (!o.json)
		printf("Sample logs from %s, in a temporary HOME %s.\n"
		       "These are the reports 'aiusage daily', 'aiusage projects' and 'aiusage models'\n"
		       "print over your own logs.\n\n",
		       demo, tmp);
	fflush(stdout);

	static const char *const reports[] = {"daily", "projects", "models"};
	code = AU_EXIT_OK;
	for (size_t i = 0; i < 3 && code == AU_EXIT_OK; i++) {
		const au_cmd *rc = au_cmd_find(NULL, reports[i]);
		char *args[12];
		int n = 0;
		args[n++] = (char *)reports[i];
		args[n++] = (char *)"--db";
		args[n++] = db;
		args[n++] = (char *)"-z";
		args[n++] = o.timezone ? o.timezone : (char *)"UTC";
		if (o.json)
			args[n++] = (char *)"--json";
		if (i > 0 && !o.json)
			printf("\n");
		if (!o.json)
			printf("$ aiusage %s\n", reports[i]);
		fflush(stdout);
		args[n] = NULL;
		code = au_cmd_dispatch(rc, n, args);
	}
	au_remove_tree(tmp);
	g_free(db);
	g_free(tmp);
	free(demo);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_OH(AU_O_TIMEZONE, "time zone for day boundaries (default UTC here)"),
	AU_OH(AU_O_JSON, "JSON instead of tables"),
	AU_OPTS_END,
};

const au_cmd au_cmd_demo_entry = {
	.name = "demo",
	.summary = "reports over the bundled sample logs, in a private temporary HOME",
	.description = "Copies the bundled fixture logs into a temporary HOME, scans them into a\n"
		       "temporary store and prints the daily, projects and models reports. Your own\n"
		       "logs and store are not touched.\n",
	.options = options,
	.examples = "aiusage demo\n",
	.run = run,
};
