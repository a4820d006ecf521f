/*
 * aiusage watch: keeps the store current while the tools write. One GLib
 * main loop owns the inotify fd, the signals and the timers; changed files
 * are read and committed in one transaction from an idle callback, i.e.
 * before the loop sleeps, and budgets are checked after each commit (and
 * when held alerts fall due). A lock file next to the store keeps a second
 * watcher out (and tells `aiusage status` the pid). SIGHUP reloads the
 * config; SIGTERM and SIGINT flush and exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "alerts.h"
#include "cli.h"
#include "cloud.h"
#include "config.h"
#include "notify.h"
#include "watch.h"

#define DEGRADED_RESCAN_S 60

typedef struct watcher {
	GMainLoop *loop;
	au_watch *w;
	au_store *store;
	char *db;
	/* cloud billing polls (only when providers are configured): one at a
	 * time, on a thread of its own with its own store connection, since a
	 * poll blocks on the network */
	GThread *cloud_thread;
	guint cloud_timer;
	int64_t cloud_next_ms;
	au_config *cfg;
	au_notifier *notifier;
	guint idle_id, alert_timer;
	int exit_code;
	bool verbose;
} watcher;

static gboolean on_alert_timer(gpointer data);

/* Budgets: after each commit, at start, after a reload, and when held
 * alerts fall due (the only timer an idle watcher may have). */
static void check_alerts(watcher *wr)
{
	if (!wr->cfg || wr->cfg->budgets->len == 0)
		return;
	au_err err;
	int64_t now = g_get_real_time() / 1000, next = 0;
	if (au_alerts_check(wr->store, wr->cfg, wr->notifier, now, stderr, &next, &err) < 0)
		fprintf(stderr, "aiusage watch: warning: budget check failed: %s\n", err.msg);
	if (wr->alert_timer) {
		g_source_remove(wr->alert_timer);
		wr->alert_timer = 0;
	}
	if (next > now)
		wr->alert_timer = g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)MIN(next - now, (int64_t)G_MAXUINT),
						     on_alert_timer, wr, NULL);
}

static gboolean on_alert_timer(gpointer data)
{
	watcher *wr = data;
	wr->alert_timer = 0;
	check_alerts(wr);
	return G_SOURCE_REMOVE;
}

static void load_config(watcher *wr)
{
	char *path = au_config_default_path();
	au_config *cfg = NULL;
	au_err err;
	if (au_config_load(path, &cfg, &err) < 0) {
		fprintf(stderr, "aiusage watch: warning: %s; %s\n", err.msg,
			wr->cfg ? "keeping the previous config" : "no budgets until it is fixed (SIGHUP reloads)");
	} else {
		au_config_free(wr->cfg);
		wr->cfg = cfg;
		fprintf(stderr, "aiusage watch: config %s: %u budget(s)\n", path, cfg->budgets->len);
	}
	free(path);
}

static gboolean on_flush(gpointer data)
{
	watcher *wr = data;
	wr->idle_id = 0;
	au_err err;
	int64_t stored;
	int r = au_watch_flush(wr->w, &stored, &err);
	if (r < 0) {
		/* a locked or full store: keep the changes, try again shortly */
		fprintf(stderr, "aiusage watch: warning: %s; retrying in 5 s\n", err.msg);
		g_timeout_add_seconds(5, on_flush, wr);
		return G_SOURCE_REMOVE;
	}
	if (stored > 0)
		check_alerts(wr);
	return G_SOURCE_REMOVE;
}

static void cloud_log(void *ud, const char *line)
{
	fprintf(stderr, "aiusage watch: cloud: %s\n", line);
}

static gboolean on_cloud_timer(gpointer data);

/* Back on the loop's thread: the poll ended; arm the next one. */
static gboolean on_cloud_done(gpointer data)
{
	watcher *wr = data;
	g_thread_join(wr->cloud_thread);
	wr->cloud_thread = NULL;
	int64_t now = g_get_real_time() / 1000;
	if (wr->cloud_next_ms > 0 && wr->cloud_next_ms < INT64_MAX && !wr->cloud_timer)
		wr->cloud_timer = g_timeout_add_seconds(
			(guint)MAX(1, MIN((wr->cloud_next_ms - now + 999) / 1000, (int64_t)86400)), on_cloud_timer, wr);
	return G_SOURCE_REMOVE;
}

static gpointer cloud_poll(gpointer data)
{
	watcher *wr = data;
	wr->cloud_next_ms = 0;
	au_cloud_config *cc = NULL;
	au_store *s = NULL;
	au_err err;
	char *path = au_cloud_config_default_path();
	if (au_cloud_config_load(path, &cc, &err) < 0)
		fprintf(stderr, "aiusage watch: cloud: %s\n", err.msg);
	else if (cc->confs->len > 0 && au_store_open(wr->db, false, &s, &err) < 0)
		fprintf(stderr, "aiusage watch: cloud: %s\n", err.msg);
	else if (cc->confs->len > 0)
		au_cloud_poll_due(s, cc, g_get_real_time() / 1000, cloud_log, NULL, &wr->cloud_next_ms);
	au_store_close(s);
	au_cloud_config_free(cc);
	free(path);
	g_idle_add(on_cloud_done, wr);
	return NULL;
}

/* Starts a poll unless one runs; with no provider configured it finds
 * nothing to do and arms nothing (no network access unless turned on). */
static gboolean on_cloud_timer(gpointer data)
{
	watcher *wr = data;
	wr->cloud_timer = 0;
	if (!wr->cloud_thread)
		wr->cloud_thread = g_thread_new("cloud", cloud_poll, wr);
	return G_SOURCE_REMOVE;
}

static gboolean on_reload(gpointer data)
{
	watcher *wr = data;
	fprintf(stderr, "aiusage watch: SIGHUP: reloading the config\n");
	load_config(wr);
	check_alerts(wr);
	if (wr->cloud_timer) {
		g_source_remove(wr->cloud_timer);
		wr->cloud_timer = 0;
	}
	on_cloud_timer(wr); /* providers may have been added or removed */
	return G_SOURCE_CONTINUE;
}

static void schedule_flush(watcher *wr)
{
	if (!wr->idle_id && au_watch_pending(wr->w))
		wr->idle_id = g_idle_add(on_flush, wr);
}

static gboolean on_inotify(gint fd, GIOCondition cond, gpointer data)
{
	watcher *wr = data;
	au_watch_dispatch(wr->w);
	schedule_flush(wr);
	return G_SOURCE_CONTINUE;
}

static gboolean on_quit(gpointer data)
{
	watcher *wr = data;
	fprintf(stderr, "aiusage watch: stopping\n");
	g_main_loop_quit(wr->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_degraded_rescan(gpointer data)
{
	watcher *wr = data;
	au_err err;
	if (au_watch_rescan(wr->w, &err) < 0)
		fprintf(stderr, "aiusage watch: warning: rescan failed: %s\n", err.msg);
	return G_SOURCE_CONTINUE;
}

/* Takes <db>.watch.lock; -EBUSY (after saying who holds it) if another
 * watcher does. The fd stays open (and locked) for the process's life. */
static int take_lock(const char *db, int *ret_fd)
{
	char *path = xasprintf("%s.watch.lock", db);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "aiusage watch: cannot open %s: %s\n", path, strerror(errno));
		free(path);
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		char pid[32] = "";
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		if (n > 0)
			pid[strcspn(pid, "\n")] = '\0';
		fprintf(stderr,
			"aiusage watch: another watcher is already running on this store (pid %s, lock %s); "
			"stop it first or use another --db\n",
			n > 0 ? pid : "unknown", path);
		close(fd);
		free(path);
		return -EBUSY;
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len)
		fprintf(stderr, "aiusage watch: warning: cannot write the pid to %s\n", path);
	free(path);
	*ret_fd = fd;
	return 0;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	char *db = o.db_path ? xstrdup(o.db_path) : au_default_db_path();
	watcher wr = {.exit_code = AU_EXIT_OK, .verbose = o.verbose > 0};
	int lock_fd = -1;
	au_pricing *p = NULL;
	bool writable = false;
	code = AU_EXIT_FAIL;
	p = au_load_pricing(&o);
	if (!p)
		goto out;
	wr.store = au_open_store(&o, &writable);
	if (!wr.store)
		goto out;
	if (!writable) {
		fprintf(stderr, "aiusage watch: the store %s is not writable\n", db);
		goto out;
	}
	/* the lock needs the store's directory, which opening created */
	if (take_lock(db, &lock_fd) < 0)
		goto out;
	au_err err;
	if (au_store_reprice(wr.store, p, &err) < 0)
		fprintf(stderr, "aiusage watch: warning: %s\n", err.msg);
	au_watch_opts wo = {.store = wr.store, .pricing = p, .log = stderr, .verbose = o.verbose};
	if (au_watch_new(&wo, &wr.w, &err) < 0) {
		fprintf(stderr, "aiusage watch: %s\n", err.msg);
		goto out;
	}
	wr.loop = g_main_loop_new(NULL, FALSE);
	guint io = g_unix_fd_add(au_watch_fd(wr.w), G_IO_IN, on_inotify, &wr);
	guint s1 = g_unix_signal_add(SIGTERM, on_quit, &wr);
	guint s2 = g_unix_signal_add(SIGINT, on_quit, &wr);
	guint s3 = g_unix_signal_add(SIGHUP, on_reload, &wr);
	/* notifications go out on a thread of their own: a hung notification
	 * server must not stop the loop from reading */
	wr.notifier = au_notifier_new_async();
	load_config(&wr);
	check_alerts(&wr); /* alerts held across a restart */
	wr.db = db;
	on_cloud_timer(&wr);
	guint degraded = 0;
	if (au_watch_degraded(wr.w)) {
		int64_t secs = DEGRADED_RESCAN_S;
		const char *e = getenv("AIUSAGE_RESCAN_SECONDS");
		if (e && (!au_parse_int64(e, &secs) || secs < 1))
			secs = DEGRADED_RESCAN_S;
		degraded = g_timeout_add_seconds((guint)secs, on_degraded_rescan, &wr);
	}
	fprintf(stderr, "aiusage watch: ready (pid %ld, store %s)\n", (long)getpid(), db);

	g_main_loop_run(wr.loop);

	/* flush what arrived before the signal */
	au_watch_dispatch(wr.w);
	int64_t stored;
	code = AU_EXIT_OK;
	if (au_watch_pending(wr.w) && au_watch_flush(wr.w, &stored, &err) < 0) {
		fprintf(stderr, "aiusage watch: could not store the last changes: %s\n", err.msg);
		code = AU_EXIT_FAIL;
	}
	g_source_remove(io);
	g_source_remove(s1);
	g_source_remove(s2);
	g_source_remove(s3);
	if (wr.alert_timer)
		g_source_remove(wr.alert_timer);
	if (wr.cloud_timer)
		g_source_remove(wr.cloud_timer);
	/* a poll in progress is waited for (its requests have timeouts) */
	if (wr.cloud_thread) {
		g_thread_join(wr.cloud_thread);
		wr.cloud_thread = NULL;
	}
	if (degraded)
		g_source_remove(degraded);
	if (wr.idle_id)
		g_source_remove(wr.idle_id);
	g_main_loop_unref(wr.loop);
out:
	/* lets queued notifications go out for a moment (AU_NOTIFY_GRACE_S),
	 * then leaves a stuck one behind */
	au_notifier_free(wr.notifier);
	au_config_free(wr.cfg);
	au_watch_free(wr.w);
	au_store_close(wr.store);
	au_pricing_free(p);
	if (lock_fd >= 0)
		close(lock_fd);
	free(db);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
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
	.examples = "aiusage watch &\naiusage watch -v --db /tmp/usage.db\n",
	.run = run,
};
