/*
 * aiusage watch: its options, then src/daemon's loop (au_daemon_run) keeps
 * the store current while the tools write, until SIGTERM or SIGINT.
 */
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"

enum { OPT_SERVE };

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	char *db = o.db_path ? xstrdup(o.db_path) : au_default_db_path();
	au_store *s = NULL;
	bool writable = false;
	code = AU_EXIT_FAIL;
	au_pricing *p = au_load_pricing(&o);
	if (!p)
		goto out;
	s = au_open_store(&o, &writable);
	if (!s)
		goto out;
	if (!writable) {
		fprintf(stderr, "aiusage watch: the store %s is not writable\n", db);
		goto out;
	}
	au_daemon_opts d = {.store = s, .pricing = p, .db_path = db, .verbose = o.verbose};
	au_err err;
	/* --serve ADDR: the dashboard on the watcher's own loop */
	au_serve_section sec = {0};
	au_server_opts so = {.listen = au_opt_own(&o, OPT_SERVE), .log = stderr,
			     .log_requests = o.verbose > 0, .log_prefix = "aiusage watch"};
	if (so.listen) {
		if (au_config_serve_load(NULL, &sec, &err) < 0) {
			fprintf(stderr, "aiusage watch: %s\n", err.msg);
			goto out;
		}
		so.token = sec.token;
		d.serve = &so;
	}
	int dr = au_daemon_run(&d, &err);
	au_serve_section_release(&sec);
	if (dr < 0)
		fprintf(stderr, "aiusage watch: %s\n", err.msg);
	else
		code = AU_EXIT_OK;
out:
	au_store_close(s);
	au_pricing_free(p);
	free(db);
	au_opts_release(&o);
	return code;
}

static const au_option opt_serve = {"serve", 0, "ADDR",
				    "also serve the live dashboard there, as 'aiusage serve --listen ADDR'",
				    AU_OWN(OPT_SERVE)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_serve),
	AU_O(AU_O_DB),
	AU_O(AU_O_PRICING),
	AU_OH(AU_O_VERBOSE, "a line per stored batch"),
	AU_OPTS_END,
};

const au_cmd au_cmd_watch_entry = {
	.name = "watch",
	.summary = "keep the store current as the tools write (runs in the foreground)",
	.description = "Watches every log directory with inotify (directories that do not exist yet\n"
		       "are picked up when they appear), reads each new line within a fraction of a\n"
		       "second into the store, and keeps history after the tools delete their logs.\n"
		       "Stays in the foreground and logs to stderr, as systemd's Type=simple and a\n"
		       "shell's & expect; SIGTERM or SIGINT flush and exit 0. A second watcher on\n"
		       "the same store refuses to start. 'aiusage service install' runs it as a\n"
		       "systemd user service.\n",
	.options = options,
	.examples = "aiusage watch &\naiusage watch -v --db /tmp/usage.db\naiusage watch --serve 127.0.0.1:8787\n",
	.run = run,
};
