/*
 * aiusage status: whether the watcher runs (its lock file, the pid in it
 * and whether the lock is actually held), how many files the store tracks,
 * the latest usage per source, the store's path and size, each tool's
 * source health (plan_limits.h), and today's
 * spending against each daily budget. Reads the store as it is: no scan,
 * no writes, so it is safe while the watcher runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "budget.h"
#include "cli.h"
#include "insights.h"
#include "term.h"
#include "queries.h"
#include "render.h"
#include "config.h"
#include "dayarg.h"
#include "health_view.h"
#include "plan_limits.h"
#include "jsonw.h"

typedef struct watcher_info {
	char *lock_path;
	bool lock_exists;
	bool held;       /* someone holds a lock on the lock file */
	long pid;        /* from the file, 0 if none */
	bool pid_alive;
} watcher_info;

/* Whether a lock on the file is held, by a POSIX/OFD record lock (tested
 * with F_GETLK, no side effect) or a flock() (tested by taking a shared
 * lock for an instant: a watcher starting in that instant would see it). */
static bool lock_is_held(int fd, long *ret_pid)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
		if (fl.l_pid > 0)
			*ret_pid = fl.l_pid;
		return true;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

static void probe_watcher(const char *db_path, watcher_info *w)
{
	memset(w, 0, sizeof(*w));
	w->lock_path = xasprintf("%s.watch.lock", db_path);
	int fd = open(w->lock_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	w->lock_exists = true;
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		char *end;
		long pid = strtol(buf, &end, 10);
		if (end != buf && pid > 0)
			w->pid = pid;
	}
	long lock_pid = 0;
	w->held = lock_is_held(fd, &lock_pid);
	if (!w->pid)
		w->pid = lock_pid;
	close(fd);
	w->pid_alive = w->pid > 0 && (kill((pid_t)w->pid, 0) == 0 || errno == EPERM);
}

typedef struct store_info {
	bool exists;
	int64_t bytes; /* the database file and its WAL */
	int64_t files;
	int64_t last_ts[AU_SRC_MAX]; /* 0: never */
	bool have_health;
	au_source_health health[AU_SRC_MAX]; /* plan_limits.h, as `sources` shows it */
	char *error;
} store_info;

static void probe_store(au_store *s, store_info *si)
{
	au_err err;
	if (au_store_file_count(s, &si->files, &err) < 0 || au_store_last_ts_by_source(s, false, si->last_ts, &err) < 0) {
		si->error = xstrdup(err.msg);
		return;
	}
	/* health is advice: a store too old to have it only leaves it out */
	int64_t now;
	if (au_now_pinned(&now, &err) == 0 && au_store_source_health(s, now, si->health, &err) == 0)
		si->have_health = true;
}

/* The tools whose files keep growing with no usage coming out, on stderr
 * as `sources` says it (the text output repeats it under Health). */
static void warn_silent(const store_info *si)
{
	for (int src = 1; si->have_health && src < AU_SRC_MAX; src++) {
		if (!au_source_health_silent(&si->health[src]))
			continue;
		char msg[512];
		au_source_health_warning((au_source)src, &si->health[src], msg, sizeof(msg));
		fprintf(stderr, "aiusage: warning: %s\n", msg);
	}
}

/* "2026-11-16 14:05" in tz (malloc'd) */
static char *local_time(GTimeZone *tz, int64_t ms)
{
	char buf[24];
	au_format_local(tz, ms, buf);
	return xstrdup(buf);
}

static char *ago(int64_t now, int64_t then)
{
	int64_t s = (now - then) / 1000;
	if (s < 0)
		return xstrdup("in the future");
	if (s < 120)
		return xasprintf("%" PRId64 " seconds ago", s);
	if (s < 7200)
		return xasprintf("%" PRId64 " minutes ago", s / 60);
	if (s < 2 * 86400)
		return xasprintf("%" PRId64 " hours ago", s / 3600);
	return xasprintf("%" PRId64 " days ago", s / 86400);
}

static void json_ts(au_jw *w, const char *key, int64_t ms)
{
	au_jw_key(w, key);
	if (!ms) {
		au_jw_null(w);
		return;
	}
	char s[32];
	au_format_utc(ms, false, s);
	au_jw_str(w, s);
}

static void print_text(const watcher_info *w, const char *db_path, const store_info *si, const au_config *cfg,
		       const char *cfg_path, GTimeZone *tz, const char *tz_name, int64_t now, const char *today,
		       int64_t today_spent, const GArray *sts)
{
	if (w->held)
		printf("Watcher:    running (pid %ld)\n", w->pid);
	else if (!w->lock_exists) {
		char *text = xasprintf("not running ('%s watch' or '%s service install' starts it)", au_progname,
				       au_progname);
		au_print_wrapped(stdout, "Watcher:    ", "            ", text, au_terminal_width());
		free(text);
	}
	else if (w->pid_alive)
		printf("Watcher:    not running (%s names pid %ld, which holds no lock on it)\n", w->lock_path, w->pid);
	else
		printf("Watcher:    not running (stale lock file %s)\n", w->lock_path);

	char size[32];
	au_format_int(si->bytes, size, sizeof(size));
	if (si->exists)
		printf("Store:      %s (%s bytes)\n", db_path, size);
	else
		printf("Store:      %s (not created yet)\n", db_path);
	if (si->exists && !si->error) {
		printf("Files:      %" PRId64 " tracked\n", si->files);
		/* the sources that have recorded anything; "none" if none has */
		int shown = 0;
		for (int src = 1; src < AU_SRC_MAX; src++) {
			if (!si->last_ts[src])
				continue;
			char *t = local_time(tz, si->last_ts[src]), *a = ago(now, si->last_ts[src]);
			printf("%s %-8s %s (%s)\n", shown++ ? "           " : "Last usage:", au_source_name((au_source)src), t,
			       a);
			free(t);
			free(a);
		}
		if (!shown)
			printf("Last usage: none yet\n");
		shown = 0;
		for (int src = 1; si->have_health && src < AU_SRC_MAX; src++) {
			const au_source_health *h = &si->health[src];
			if (h->last_write_ms <= 0)
				continue;
			if (!shown++)
				printf("Health:     last write seen; last row; parse errors per 1,000 lines, day / week\n");
			char *fig = au_source_health_figures(h, tz);
			printf("            %-8s %s\n", au_source_name((au_source)src), fig);
			free(fig);
			if (au_source_health_silent(h)) {
				char msg[512];
				au_source_health_warning((au_source)src, h, msg, sizeof(msg));
				au_print_wrapped(stdout, "              ", "              ", msg, au_terminal_width());
			}
		}
		char spent[48];
		au_format_usd(today_spent, 2, spent, sizeof(spent));
		printf("Today:      $%s (%s, %s)\n", spent, today, tz_name);
		for (guint i = 0; sts && i < sts->len; i++) {
			const au_budget_status *st = &g_array_index(sts, au_budget_status, i);
			if (st->budget->period != AU_PERIOD_DAY)
				continue;
			char sp[48], lim[48], pr[48];
			au_format_usd(st->spent, 2, sp, sizeof(sp));
			au_format_usd(st->limit, 2, lim, sizeof(lim));
			au_format_usd(st->projected, 2, pr, sizeof(pr));
			printf("  budget %-12s $%s of $%s (%d%%, %s), projected $%s\n", st->budget->name, sp, lim,
			       st->percent, au_level_name(st->level), pr);
		}
	}
	if (cfg->path)
		printf("Config:     %s (%u budget(s))\n", cfg_path, cfg->budgets->len);
	else
		printf("Config:     %s (none; '%s config --example' shows one)\n", cfg_path, au_progname);
}

static void print_json(const watcher_info *w, const char *db_path, const store_info *si, const au_config *cfg,
		       const char *cfg_path, const char *tz_name, const char *today, int64_t today_spent,
		       const GArray *sts)
{
	au_jw jw, *j = &jw;
	au_jw_init_file(j, stdout);
	au_jw_obj_begin(j);
	au_jw_key(j, "watcher");
	au_jw_obj_begin(j);
	au_jw_kbool(j, "running", w->held);
	au_jw_key(j, "pid");
	if (w->pid)
		au_jw_int(j, w->pid);
	else
		au_jw_null(j);
	au_jw_kstr(j, "lockFile", w->lock_path);
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_key(j, "db");
	au_jw_obj_begin(j);
	au_jw_kstr(j, "path", db_path);
	au_jw_kbool(j, "exists", si->exists);
	au_jw_kint(j, "bytes", si->bytes);
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_kint(j, "filesTracked", si->files);
	au_jw_newline(j);
	au_jw_key(j, "lastEvent");
	au_jw_obj_begin(j);
	for (int src = 1; src < AU_SRC_MAX; src++)
		json_ts(j, au_source_name((au_source)src), si->last_ts[src]);
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_key(j, "health");
	au_jw_obj_begin(j);
	for (int src = 1; si->have_health && src < AU_SRC_MAX; src++) {
		if (si->health[src].last_write_ms <= 0)
			continue;
		au_jw_key(j, au_source_name((au_source)src));
		au_source_health_json(j, (au_source)src, &si->health[src]);
	}
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_key(j, "today");
	au_jw_obj_begin(j);
	au_jw_kstr(j, "date", today);
	au_jw_kmoney(j, "spent", today_spent);
	au_jw_key(j, "budgets");
	au_jw_arr_begin(j);
	for (guint i = 0; sts && i < sts->len; i++) {
		const au_budget_status *st = &g_array_index(sts, au_budget_status, i);
		if (st->budget->period == AU_PERIOD_DAY)
			au_budget_status_json(j, st);
	}
	au_jw_arr_end(j);
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_kstr(j, "config", cfg_path);
	au_jw_kbool(j, "configExists", cfg->path != NULL);
	au_jw_kstr(j, "timezone", tz_name);
	au_jw_obj_end(j);
	au_jw_newline(j);
	au_jw_finish(j);
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	const char *config_path = o.config_path;
	code = AU_EXIT_OK;
	au_err err;
	au_config *cfg = NULL;
	GPtrArray *errors;
	if (au_config_load_all(config_path, &cfg, &errors, &err) < 0) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "aiusage: %s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "aiusage: status goes on without budgets\n");
		g_ptr_array_free(errors, TRUE);
		cfg = au_config_new();
		code = AU_EXIT_FAIL;
	}
	for (guint i = 0; i < cfg->warnings->len; i++)
		fprintf(stderr, "aiusage: warning: %s\n", (char *)cfg->warnings->pdata[i]);
	if (o.timezone) {
		GTimeZone *z = au_cli_zone(cmd, &o, &code);
		if (!z) {
			au_config_free(cfg);
			au_opts_release(&o);
			return AU_EXIT_USAGE;
		}
		g_time_zone_unref(z);
		free(cfg->timezone);
		cfg->timezone = xstrdup(o.timezone);
	}
	char *db_path = o.db_path ? xstrdup(o.db_path) : au_default_db_path();
	char *cfg_path = config_path ? xstrdup(config_path) : au_config_default_path();
	GTimeZone *tz = au_config_tz(cfg);
	const char *tz_name = cfg->timezone ? cfg->timezone : g_time_zone_get_identifier(tz);
	int64_t now = au_now_ms();

	watcher_info w;
	probe_watcher(db_path, &w);

	store_info si = {0};
	GArray *sts = NULL;
	int64_t today_spent = 0, start, end;
	char *today = NULL;
	au_period_bounds(tz, AU_PERIOD_DAY, cfg->week_start, now, &start, &end, &today);
	struct stat sb;
	if (stat(db_path, &sb) == 0) {
		si.exists = true;
		si.bytes = sb.st_size;
		char *wal = xasprintf("%s-wal", db_path);
		if (stat(wal, &sb) == 0)
			si.bytes += sb.st_size;
		free(wal);
		au_store *s = NULL;
		/* read-only, unless a newer aiusage has to upgrade the schema first */
		int r = au_store_open(db_path, true, &s, &err);
		if (r == -EROFS)
			r = au_store_open(db_path, false, &s, &err);
		if (r < 0) {
			si.error = xstrdup(err.msg);
		} else {
			probe_store(s, &si);
			au_budget_rules rules;
			au_config_rules(cfg, &rules);
			if (!si.error && (au_period_spent(s, &rules, AU_PERIOD_DAY, now, &today_spent, &err) < 0 ||
					  au_budget_evaluate_all(s, &rules, cfg->budgets, now, &sts, &err) < 0))
				si.error = xstrdup(err.msg);
			au_budget_rules_release(&rules);
			au_store_close(s);
		}
	}
	if (si.error) {
		fprintf(stderr, "aiusage: %s\n", si.error);
		code = AU_EXIT_FAIL;
	}
	if (!o.quiet)
		warn_silent(&si);
	if (o.json)
		print_json(&w, db_path, &si, cfg, cfg_path, tz_name, today, today_spent, sts);
	else
		print_text(&w, db_path, &si, cfg, cfg_path, tz, tz_name, now, today, today_spent, sts);
	if (fflush(stdout) != 0)
		code = AU_EXIT_FAIL;

	au_budget_statuses_free(sts);
	free(si.error);
	free(today);
	free(w.lock_path);
	g_time_zone_unref(tz);
	free(cfg_path);
	free(db_path);
	au_config_free(cfg);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_O(AU_O_CONFIG),
	AU_OH(AU_O_TIMEZONE, "what \"today\" means (default: the config's zone)"),
	AU_O(AU_O_JSON),
	AU_OH(AU_O_DB, "the store (default $XDG_DATA_HOME/aiusage/usage.db); read, never scanned"),
	AU_OPTS_END,
};

const au_cmd au_cmd_status_entry = {
	.name = "status",
	.summary = "whether the watcher runs, the store, and today's spending vs budgets",
	.description = "Says whether the watcher runs (its lock file <db>.watch.lock), how many log\n"
		       "files the store tracks, the latest usage per source, the store's path and\n"
		       "size, each tool's source health (last write seen, last row, parse errors;\n"
		       "a warning when its files grow with no usage in them), and today's spending\n"
		       "against each daily budget. Reads the store as it is, without scanning.\n",
	.options = options,
	.examples = "aiusage status\naiusage status --json\n",
	.run = run,
};
