/*
 * The watcher daemon behind `aiusage watch`: one GLib main loop owns the
 * inotify fd, the signals and the timers; changed files are read and
 * committed in one transaction from an idle callback, i.e. before the loop
 * sleeps, and budgets are checked after each commit (and when held alerts
 * fall due); a tool gone silent is noticed once a day (health_alerts.h).
 * Cloud billing is polled on a thread of its own, and with [team] set the
 * rows go to the team server on another, at most once every push_interval
 * seconds after commits, backing off while the server is down (the store
 * stays the source of truth: a failed push loses nothing, the next one
 * catches up). A lock file
 * next to the store keeps a second watcher out (and tells `aiusage status`
 * the pid); every clean stop removes it, and one left by a crash is taken
 * over. SIGHUP reloads the config; SIGTERM and SIGINT flush and return.
 * Its callbacks are the top level of a long-running process: they log to
 * stderr themselves.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <inttypes.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "cloud.h"
#include "plan_quota.h"
#include "config.h"
#include "health_alerts.h"
#include "notify.h"
#include "team.h"
#include "watch.h"

#define DEGRADED_RESCAN_S 60

typedef struct watcher {
	GMainLoop *loop;
	au_watch *w;
	au_store *store;
	const char *db;
	/* cloud billing polls (only when providers are configured): one at a
	 * time, on a thread of its own with its own store connection, since a
	 * poll blocks on the network */
	GThread *cloud_thread;
	guint cloud_timer;
	int64_t cloud_next_ms;
	au_config *cfg;
	/* team pushes (only with [team]): one at a time, on a thread with its
	 * own store connection; push_* below are the loop thread's */
	au_team_section team;
	GThread *push_thread;
	guint push_timer;
	bool push_wanted;   /* rows were committed since the last push began */
	int64_t push_last_ms; /* when the last push began */
	int push_backoff_s; /* after failures: the wait before the next try; 0: none */
	int push_result;    /* the thread's: 0 or a negative errno */
	au_team_push_result push_res;
	char push_msg[512];
	/* team budgets' figures: the thread's latest read (push_figures, handed
	 * over in on_push_done) and the loop's copy the alert checks use */
	GArray *push_figures;
	char figures_msg[512];
	GArray *team_figures;
	au_notifier *notifier;
	guint idle_id, alert_timer;
	bool verbose;
	au_server *server; /* watch --serve */
	/* the silent-tool notice (health_alerts.h): when it last looked, and
	 * the timer of a look put off by HEALTH_EVERY_S */
	int64_t health_at;
	guint health_timer;
	/* the lock file, and whether it says "live" (au_daemon_keeps_current) */
	int lock_fd;
	bool live;
} watcher;

/*
 * The lock file holds the pid, and a second line "live <roots>" while
 * this watcher has read everything it watches and keeps watching all of
 * it (no inotify limit hit): a report then has nothing to scan. <roots> is
 * the fingerprint of the roots it watches, so a report whose environment
 * names other logs scans them itself.
 */
static void mark_live(watcher *wr, bool live)
{
	if (wr->live == live || wr->lock_fd < 0)
		return;
	char text[96];
	int n = live ? snprintf(text, sizeof(text), "%ld\nlive %016" PRIx64 "\n", (long)getpid(),
				au_watch_roots_fingerprint(wr->w))
		     : snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(wr->lock_fd, 0) < 0 || pwrite(wr->lock_fd, text, (size_t)n, 0) != n) {
		fprintf(stderr, "aiusage watch: warning: cannot update the lock file: %s\n", strerror(errno));
		return;
	}
	wr->live = live;
}

bool au_daemon_keeps_current(const char *db, uint64_t roots, long *ret_pid)
{
	char *path = xasprintf("%s.watch.lock", db);
	char text[96] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return false;
	text[n] = '\0';
	char *end;
	long pid = strtol(text, &end, 10);
	uint64_t fp;
	if (pid <= 0 || sscanf(end, "\nlive %" SCNx64, &fp) != 1 || fp != roots)
		return false;
	/* a watcher killed -9 leaves its file: its pid must still run */
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return false;
	*ret_pid = pid;
	return true;
}

static gboolean on_alert_timer(gpointer data);

/* Budgets: after each commit, at start, after a reload, and when held
 * alerts fall due (the only timer an idle watcher may have). */
static void check_alerts(watcher *wr)
{
	if (!wr->cfg || (wr->cfg->budgets->len == 0 && wr->cfg->limits->len == 0))
		return;
	au_err err;
	int64_t now = g_get_real_time() / 1000, next = 0;
	if (au_alerts_check(wr->store, wr->cfg, wr->team_figures, wr->notifier, now, stderr, &next, &err) < 0)
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

/* Reading every file's health row after each batch would cost more than
 * the batch: at most one look this often ($AIUSAGE_HEALTH_SECONDS, for tests). */
#define HEALTH_EVERY_S 60

static int64_t health_every_ms(void)
{
	int64_t secs = HEALTH_EVERY_S;
	const char *env = getenv("AIUSAGE_HEALTH_SECONDS");
	if (env && (!au_parse_int64(env, &secs) || secs < 1 || secs > 86400))
		secs = HEALTH_EVERY_S;
	return secs * 1000;
}

static gboolean on_health_timer(gpointer data);

/* Source health: at start and after batches, at most every HEALTH_EVERY_S
 * (a look that falls within one is put off to its end, not dropped). */
static void check_health(watcher *wr)
{
	int64_t now = g_get_real_time() / 1000;
	if (wr->health_timer)
		return;
	int64_t due = wr->health_at + health_every_ms();
	if (wr->health_at && now < due) {
		wr->health_timer = g_timeout_add_full(G_PRIORITY_DEFAULT, (guint)(due - now), on_health_timer, wr, NULL);
		return;
	}
	wr->health_at = now;
	au_err err;
	if (au_health_alerts_check(wr->store, wr->cfg, wr->notifier, now, stderr, &err) < 0)
		fprintf(stderr, "aiusage watch: warning: source health check failed: %s\n", err.msg);
}

static gboolean on_health_timer(gpointer data)
{
	watcher *wr = data;
	wr->health_timer = 0;
	check_health(wr);
	return G_SOURCE_REMOVE;
}

static void load_config(watcher *wr)
{
	char *path = au_config_default_path();
	au_config *cfg = NULL;
	au_err err;
	if (au_config_load(NULL, &cfg, &err) < 0) {
		fprintf(stderr, "aiusage watch: warning: %s; %s\n", err.msg,
			wr->cfg ? "keeping the previous config" : "no budgets until it is fixed (SIGHUP reloads)");
	} else {
		au_config_free(wr->cfg);
		wr->cfg = cfg;
		fprintf(stderr, "aiusage watch: config %s: %u budget(s)\n", path, cfg->budgets->len);
		for (guint i = 0; i < cfg->warnings->len; i++)
			fprintf(stderr, "aiusage watch: warning: %s\n", (char *)cfg->warnings->pdata[i]);
	}
	au_team_section team = {0};
	if (au_config_team_load(NULL, &team, &err) < 0) {
		fprintf(stderr, "aiusage watch: team: %s; %s\n", err.msg,
			wr->team.configured ? "keeping the previous [team]" : "not pushing until it is fixed");
	} else {
		au_team_section_release(&wr->team);
		wr->team = team;
		if (team.configured)
			fprintf(stderr, "aiusage watch: team: pushing as %s on %s at most every %d s\n", team.user,
				team.machine, team.push_interval_s);
	}
	free(path);
}

/* ---- team pushes ---- */

static gboolean on_push_timer(gpointer data);

/* Arms the next push when one is wanted and none runs or waits: the
 * interval after the last one began, or the backoff after a failure. */
static void schedule_push(watcher *wr)
{
	if (!wr->team.configured || !wr->push_wanted || wr->push_thread || wr->push_timer)
		return;
	int64_t now = g_get_real_time() / 1000;
	int64_t wait_s = wr->push_backoff_s;
	if (!wait_s && wr->push_last_ms)
		wait_s = (wr->push_last_ms + (int64_t)wr->team.push_interval_s * 1000 - now + 999) / 1000;
	if (wait_s <= 0)
		wr->push_timer = g_idle_add(on_push_timer, wr);
	else
		wr->push_timer = g_timeout_add_seconds((guint)MIN(wait_s, (int64_t)86400), on_push_timer, wr);
}

/* Back on the loop's thread: log, back off or not, and maybe go again. */
static gboolean on_push_done(gpointer data)
{
	watcher *wr = data;
	g_thread_join(wr->push_thread);
	wr->push_thread = NULL;
	if (wr->push_result < 0) {
		/* doubling from the interval, up to 10 minutes (never below the interval) */
		int next = wr->push_backoff_s ? wr->push_backoff_s * 2 : wr->team.push_interval_s;
		wr->push_backoff_s = MAX(wr->team.push_interval_s, MIN(next, 600));
		wr->push_wanted = true;
		fprintf(stderr, "aiusage watch: team: push failed: %s; trying again in %d s\n", wr->push_msg,
			wr->push_backoff_s);
	} else {
		if (wr->push_backoff_s || wr->verbose || wr->push_res.sent || wr->push_res.withdrawn)
			fprintf(stderr, "aiusage watch: team: pushed %" PRId64 " row(s), withdrew %" PRId64 "%s\n",
				wr->push_res.sent, wr->push_res.withdrawn, wr->push_backoff_s ? " (the server is back)" : "");
		wr->push_backoff_s = 0;
		if (wr->figures_msg[0])
			fprintf(stderr, "aiusage watch: team: team budgets not read: %s\n", wr->figures_msg);
		if (wr->push_figures) {
			/* the server's spending: team budgets alert on it */
			au_team_figures_free(wr->team_figures);
			wr->team_figures = wr->push_figures;
			wr->push_figures = NULL;
			check_alerts(wr);
		}
	}
	schedule_push(wr);
	return G_SOURCE_REMOVE;
}

static bool has_team_budget(const au_config *cfg)
{
	for (guint i = 0; i < cfg->budgets->len; i++)
		if (((const au_budget *)cfg->budgets->pdata[i])->scope == AU_BUDGET_TEAM)
			return true;
	return false;
}

static gpointer push_run(gpointer data)
{
	watcher *wr = data;
	au_team_section c = {0};
	au_store *s = NULL;
	au_team *t = NULL;
	au_err err;
	/* its own copy of [team] (a reload may replace the loop's meanwhile) */
	int r = au_config_team_load(NULL, &c, &err);
	if (r == 0 && !c.configured)
		r = au_fail(&err, ENOENT, "[team] is no longer configured");
	if (r == 0)
		r = au_store_open(wr->db, false, &s, &err);
	if (r == 0)
		r = au_team_connect(&c, &t, &err);
	if (r == 0)
		r = au_team_push(t, s, &c, &wr->push_res, &err);
	wr->push_result = r;
	snprintf(wr->push_msg, sizeof(wr->push_msg), "%s", r < 0 ? err.msg : "");
	/* after a push, the team budgets' spending, read here (the network)
	 * and checked on the loop; its own config, as a reload may replace the
	 * loop's meanwhile */
	wr->push_figures = NULL;
	wr->figures_msg[0] = '\0';
	au_config *cfg = NULL;
	if (r == 0 && au_config_load(NULL, &cfg, &err) == 0 && has_team_budget(cfg) &&
	    au_team_figures_read(t, cfg, g_get_real_time() / 1000, &wr->push_figures, &err) < 0)
		snprintf(wr->figures_msg, sizeof(wr->figures_msg), "%s", err.msg);
	au_config_free(cfg);
	au_team_free(t);
	au_store_close(s);
	au_team_section_release(&c);
	g_idle_add(on_push_done, wr);
	return NULL;
}

static gboolean on_push_timer(gpointer data)
{
	watcher *wr = data;
	wr->push_timer = 0;
	if (wr->push_thread || !wr->team.configured)
		return G_SOURCE_REMOVE;
	wr->push_wanted = false;
	wr->push_last_ms = g_get_real_time() / 1000;
	wr->push_res = (au_team_push_result){0};
	wr->push_thread = g_thread_new("team-push", push_run, wr);
	return G_SOURCE_REMOVE;
}

/* After a commit (and at start): the server should get the new rows. */
static void want_push(watcher *wr)
{
	wr->push_wanted = true;
	schedule_push(wr);
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
	if (stored > 0) {
		check_alerts(wr);
		want_push(wr);
	}
	mark_live(wr, !au_watch_pending(wr->w) && !au_watch_degraded(wr->w));
	if (wr->server) {
		int64_t errors[AU_SRC_MAX];
		au_watch_scan_errors(wr->w, errors);
		au_server_set_scan_errors(wr->server, errors);
		int64_t last[AU_SRC_MAX];
		au_watch_last_events(wr->w, last);
		au_server_set_last_events(wr->server, last);
		if (stored > 0)
			au_server_committed(wr->server);
	}
	check_health(wr);
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

static void limits_log(void *ud, const char *line)
{
	fprintf(stderr, "aiusage watch: limits: %s\n", line);
}

/* Cloud billing and the plan windows of [limits] (plan_quota.h): both
 * network polls, both off unless configured, so they share this thread. */
static gpointer cloud_poll(gpointer data)
{
	watcher *wr = data;
	wr->cloud_next_ms = 0;
	au_cloud_config *cc = NULL;
	au_config *cfg = NULL;
	au_store *s = NULL;
	au_err err;
	/* NULL: the default file, which need not exist (no config is the
	 * normal case, not worth a line at every start) */
	if (au_cloud_config_load(NULL, &cc, &err) < 0)
		fprintf(stderr, "aiusage watch: cloud: %s\n", err.msg);
	if (au_config_load(NULL, &cfg, &err) < 0)
		cfg = NULL; /* load_config said why */
	bool clouds = cc && cc->confs->len > 0;
	bool quotas = cfg && (cfg->fetch.claude_oauth || cfg->fetch.copilot_quota);
	if ((clouds || quotas) && au_store_open(wr->db, false, &s, &err) < 0) {
		fprintf(stderr, "aiusage watch: cloud: %s\n", err.msg);
	} else if (clouds || quotas) {
		int64_t next = INT64_MAX, qnext = INT64_MAX;
		if (clouds)
			au_cloud_poll_due(s, cc, g_get_real_time() / 1000, cloud_log, NULL, &next);
		if (quotas)
			au_quota_poll_due(s, &cfg->fetch, g_get_real_time() / 1000, limits_log, NULL, &qnext);
		wr->cloud_next_ms = MIN(next, qnext);
	}
	au_store_close(s);
	au_cloud_config_free(cc);
	au_config_free(cfg);
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
	want_push(wr);      /* [team] may have been set */
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
	/* events were lost: reports scan for themselves until the rescan
	 * that follows has stored what they named */
	if (au_watch_rescan_pending(wr->w))
		mark_live(wr, false);
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

/*
 * Takes <db>.watch.lock; -EBUSY (err saying who holds it) if another
 * watcher does. The fd stays open (and locked) until release_lock. A file
 * left by a watcher that crashed (kill -9, a power cut) is not locked any
 * more, since the kernel drops a flock with its holder: it is taken over,
 * with a note naming the pid it held.
 */
static int take_lock(const char *db, int *ret_fd, char **ret_path, au_err *err)
{
	char *path = xasprintf("%s.watch.lock", db);
	for (int attempt = 0;; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			int r = au_fail(err, errno, "cannot open %s: %s", path, strerror(errno));
			free(path);
			return r;
		}
		char pid[32] = "";
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
			if (n > 0)
				pid[strcspn(pid, "\n")] = '\0';
			int r = au_fail(err, EBUSY,
					"another watcher is already running on this store (pid %s, lock %s); "
					"stop it first or use another --db",
					n > 0 ? pid : "unknown", path);
			close(fd);
			free(path);
			return r;
		}
		/* A watcher stopping unlinks its file while it holds the lock:
		 * the file we locked may be that one, no longer at the path. */
		struct stat fs, ps;
		if (fstat(fd, &fs) < 0 || stat(path, &ps) < 0 || fs.st_dev != ps.st_dev || fs.st_ino != ps.st_ino) {
			close(fd);
			if (attempt < 10)
				continue;
			int r = au_fail(err, EBUSY, "cannot take the lock %s: it keeps being replaced", path);
			free(path);
			return r;
		}
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
		if (n > 0) {
			pid[n] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			long old = strtol(pid, NULL, 10);
			bool gone = old > 0 && kill((pid_t)old, 0) < 0 && errno == ESRCH;
			fprintf(stderr,
				"aiusage watch: note: taking over the stale lock %s left by pid %s%s\n", path,
				pid, gone ? ", which is no longer running" : ", which no longer holds it");
		}
		char mine[32];
		int len = snprintf(mine, sizeof(mine), "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pwrite(fd, mine, (size_t)len, 0) != len)
			fprintf(stderr, "aiusage watch: warning: cannot write the pid to %s\n", path);
		*ret_fd = fd;
		*ret_path = path;
		return 0;
	}
}

/* Every clean stop removes the lock file (before letting go of the lock,
 * so no one can lock it in between and then lose it), so that `status`
 * does not find a stale one. */
static void release_lock(int fd, char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		fprintf(stderr, "aiusage watch: warning: cannot remove %s: %s\n", path, strerror(errno));
	close(fd);
	free(path);
}

int au_daemon_run(const au_daemon_opts *o, au_err *err)
{
	watcher wr = {.store = o->store, .db = o->db_path, .verbose = o->verbose > 0, .lock_fd = -1};
	int lock_fd = -1;
	char *lock_path = NULL;
	/* the lock needs the store's directory, which opening the store created */
	int r = take_lock(o->db_path, &lock_fd, &lock_path, err);
	if (r < 0)
		return r;
	wr.lock_fd = lock_fd;
	au_err e;
	if (au_store_reprice(wr.store, o->pricing, &e) < 0)
		fprintf(stderr, "aiusage watch: warning: %s\n", e.msg);
	au_watch_opts wo = {.store = wr.store, .pricing = o->pricing, .log = stderr, .verbose = o->verbose};
	if ((r = au_watch_new(&wo, &wr.w, err)) < 0)
		goto out;
	if (o->serve) {
		au_server_opts so = *o->serve;
		so.store = wr.store;
		so.pricing = o->pricing;
		if ((r = au_server_new(&so, &wr.server, err)) < 0)
			goto out;
		int64_t errors[AU_SRC_MAX];
		au_watch_scan_errors(wr.w, errors);
		au_server_set_scan_errors(wr.server, errors);
		int64_t last[AU_SRC_MAX];
		au_watch_last_events(wr.w, last); /* none yet: the series stay absent */
		au_server_set_last_events(wr.server, last);
		fprintf(stderr, "aiusage watch: serving the dashboard on %s\n", au_server_url(wr.server));
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
	check_health(&wr);
	on_cloud_timer(&wr);
	want_push(&wr); /* what the scan before the start stored, or a push that failed last run */
	guint degraded = 0;
	if (au_watch_degraded(wr.w)) {
		int64_t secs = DEGRADED_RESCAN_S;
		const char *env = getenv("AIUSAGE_RESCAN_SECONDS");
		if (env && (!au_parse_int64(env, &secs) || secs < 1))
			secs = DEGRADED_RESCAN_S;
		degraded = g_timeout_add_seconds((guint)secs, on_degraded_rescan, &wr);
	}
	fprintf(stderr, "aiusage watch: ready (pid %ld, store %s)\n", (long)getpid(), o->db_path);
	schedule_flush(&wr); /* the files there at the start */
	if (!wr.idle_id)
		mark_live(&wr, !au_watch_degraded(wr.w));

	g_main_loop_run(wr.loop);

	/* flush what arrived before the signal; from here on reports scan */
	mark_live(&wr, false);
	au_watch_dispatch(wr.w);
	int64_t stored;
	if (au_watch_pending(wr.w) && (r = au_watch_flush(wr.w, &stored, &e)) < 0)
		au_fail(err, -r, "could not store the last changes: %s", e.msg);
	g_source_remove(io);
	g_source_remove(s1);
	g_source_remove(s2);
	g_source_remove(s3);
	if (wr.alert_timer)
		g_source_remove(wr.alert_timer);
	if (wr.health_timer)
		g_source_remove(wr.health_timer);
	if (wr.cloud_timer)
		g_source_remove(wr.cloud_timer);
	/* a poll in progress is waited for (its requests have timeouts) */
	if (wr.cloud_thread) {
		g_thread_join(wr.cloud_thread);
		wr.cloud_thread = NULL;
	}
	if (wr.push_timer)
		g_source_remove(wr.push_timer);
	/* a push in progress is waited for (libpq's connect has a timeout; the
	 * server's transaction either commits or changes nothing) */
	if (wr.push_thread) {
		g_thread_join(wr.push_thread);
		wr.push_thread = NULL;
	}
	if (degraded)
		g_source_remove(degraded);
	if (wr.idle_id)
		g_source_remove(wr.idle_id);
	g_main_loop_unref(wr.loop);
out:
	/* lets queued notifications go out for a moment (AU_NOTIFY_GRACE_S),
	 * then leaves a stuck one behind */
	au_server_free(wr.server);
	au_notifier_free(wr.notifier);
	au_config_free(wr.cfg);
	au_team_figures_free(wr.team_figures);
	au_team_figures_free(wr.push_figures);
	au_team_section_release(&wr.team);
	au_watch_free(wr.w);
	release_lock(lock_fd, lock_path);
	return r;
}
