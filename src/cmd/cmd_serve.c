/*
 * aiusage serve: the live dashboard, its reports' JSON and Prometheus
 * metrics over HTTP from the store (src/serve), until SIGTERM or SIGINT.
 * A watcher (`aiusage watch`) keeps the store current meanwhile; the page
 * reloads itself after each of its commits. `watch --serve` runs both in
 * one process.
 */
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "serve.h"

enum { OPT_LISTEN };

static gboolean on_quit(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_CONTINUE;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	code = AU_EXIT_FAIL;
	char *db = o.db_path ? xstrdup(o.db_path) : au_default_db_path();
	au_serve_section sec = {0};
	au_store *s = NULL;
	au_server *srv = NULL;
	au_err err;
	au_pricing *p = au_load_pricing(&o);
	if (!p)
		goto out;
	if (au_config_serve_load(o.config_path, &sec, &err) < 0) {
		fprintf(stderr, "aiusage serve: %s\n", err.msg);
		goto out;
	}
	bool writable;
	if (!(s = au_open_store(&o, &writable)))
		goto out;
	/* what is new in the logs first, as every report does */
	au_scan_stats st;
	bool scan_ok = au_run_scan(s, p, &o, &st, writable);
	au_print_scan_warnings(&st, &o);
	au_server_opts so = {
		.listen = au_opt_own(&o, OPT_LISTEN),
		.token = sec.token,
		.store = s,
		.pricing = p,
		.config_path = o.config_path,
		.poll_db = db,
		.log = stderr,
		.log_requests = o.verbose > 0,
		.log_prefix = "aiusage serve",
	};
	int r = au_server_new(&so, &srv, &err);
	if (r == 0)
		au_server_set_scan_errors(srv, st.errors_by_source);
	au_scan_stats_release(&st);
	if (r < 0) {
		fprintf(stderr, "aiusage serve: %s\n", err.msg);
		goto out;
	}
	if (!scan_ok)
		fprintf(stderr, "aiusage serve: warning: the scan failed; serving what is stored\n");
	GMainLoop *loop = g_main_loop_new(NULL, FALSE);
	guint s1 = g_unix_signal_add(SIGTERM, on_quit, loop), s2 = g_unix_signal_add(SIGINT, on_quit, loop);
	fprintf(stderr, "aiusage serve: listening on %s (store %s)\n", au_server_url(srv), db);
	g_main_loop_run(loop);
	g_source_remove(s1);
	g_source_remove(s2);
	g_main_loop_unref(loop);
	fprintf(stderr, "aiusage serve: stopping\n");
	code = AU_EXIT_OK;
out:
	au_server_free(srv);
	au_store_close(s);
	au_pricing_free(p);
	au_serve_section_release(&sec);
	free(db);
	au_opts_release(&o);
	return code;
}

static const au_option opt_listen = {"listen", 0, "ADDR",
				     "address and port (default " AU_SERVE_DEFAULT_LISTEN "; port 0 picks one);\n"
				     "beyond loopback only with a bearer token in config.ini [serve]",
				     AU_OWN(OPT_LISTEN)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_listen), AU_OPTS_STORE, AU_O(AU_O_CONFIG),
	AU_OH(AU_O_VERBOSE, "a line per request"), AU_O(AU_O_QUIET), AU_OPTS_END,
};

const au_cmd au_cmd_serve_entry = {
	.name = "serve",
	.summary = "serve the live dashboard, the reports' JSON and Prometheus metrics",
	.description =
		"Serves over HTTP, from the store:\n"
		"  /                    the dashboard of 'aiusage html', reloading itself when\n"
		"                       the watcher commits (report options as parameters:\n"
		"                       /?since=2026-11-01&source=claude)\n"
		"  /api/REPORT.json     daily, weekly, monthly, session, projects, models,\n"
		"                       cache, blocks, insights or budget, as --json prints\n"
		"                       it; parameters since, until, timezone, source,\n"
		"                       project, full_path, order, start_of_week, and cache's\n"
		"                       by, insights' budget and as_of\n"
		"  /metrics             the Prometheus text format (see the README)\n"
		"  /events              Server-Sent Events: 'commit' after each change\n"
		"A bad parameter is a 400 naming it. It listens on loopback only, unless\n"
		"--listen names another address and config.ini has a bearer token\n"
		"([serve] token_env = VAR, or token = ... in a file only you can read), which\n"
		"every request must then send. Runs in the foreground; SIGTERM or SIGINT stop\n"
		"it. 'aiusage watch --serve ADDR' runs it inside the watcher.\n",
	.options = options,
	.examples = "aiusage serve\naiusage serve --listen 127.0.0.1:9000 -v\n"
		    "curl -s localhost:8787/api/daily.json?since=-7d\n",
	.run = run,
};
