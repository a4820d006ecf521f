/*
 * inotify watcher (see watch.h). Events only mark files as changed; the
 * reading itself is the scan's (filejob.c + scan.c), so the watcher and
 * `aiusage scan` can never disagree about what a file contains. Queue
 * overflow and the watch limit fall back to full incremental rescans, with
 * a warning that says how to fix the limit.
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources.h"
#include "termsafe.h"

#define WATCH_MASK                                                                                        \
	(IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | \
	 IN_EXCL_UNLINK)

struct au_watch {
	au_watch_opts o;
	int fd;
	au_root *roots;
	GHashTable *wd_dir;  /* wd -> directory (char*) */
	GHashTable *dir_wd;  /* directory -> wd */
	GHashTable *dirty;   /* path -> source, files to read */
	bool rescan;         /* overflow: read everything */
	bool degraded;       /* the watch limit was hit */
	bool limit_warned;
	long test_max_watches;  /* AIUSAGE_TEST_MAX_WATCHES: pretend a limit */
	long test_overflow_every; /* AIUSAGE_TEST_OVERFLOW_EVERY: pretend overflows */
	long reads;
	GHashTable *noted;   /* skipped non-regular paths already logged */
	int64_t errors[AU_SRC_MAX]; /* scan errors per source, since start */
	int64_t last_event[AU_SRC_MAX]; /* UTC ms of the last change seen to a source's log */
};

static void logf_(au_watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Every log line goes through au_term_text: it names paths and models
 * from logs, and the log is read on a terminal (or in the journal). */
static void logf_(au_watch *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *safe = au_term_text(line);
	fprintf(w->o.log, "aiusage watch: %s\n", safe);
	fflush(w->o.log);
	free(safe);
	g_free(line);
}

/* Logs what a scan said: its warnings, and under -v each skipped path once. */
static void log_scan(au_watch *w, const au_scan_stats *st)
{
	for (int i = 0; i < AU_SRC_MAX; i++)
		w->errors[i] += st->errors_by_source[i];
	for (guint i = 0; i < st->warnings->len; i++)
		logf_(w, "warning: %s", (char *)st->warnings->pdata[i]);
	for (guint i = 0; i < st->unknown->len; i++) /* new to the store: once ever */
		logf_(w, "note: %s", (char *)st->unknown->pdata[i]);
	if (!w->o.verbose)
		return;
	for (guint i = 0; i < st->notes->len; i++) {
		const char *n = st->notes->pdata[i];
		if (g_hash_table_contains(w->noted, n))
			continue;
		g_hash_table_add(w->noted, g_strdup(n));
		logf_(w, "note: %s", n);
	}
}

/* The root a path is in (the root itself included), or NULL. */
static const au_root *root_of(const au_watch *w, const char *path)
{
	for (const au_root *r = w->roots; r->dir; r++) {
		size_t n = strlen(r->dir);
		if (strncmp(path, r->dir, n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return r;
	}
	return NULL;
}

static void forget_wd(au_watch *w, int wd)
{
	char *dir = g_hash_table_lookup(w->wd_dir, GINT_TO_POINTER(wd));
	if (!dir)
		return;
	int *cur = g_hash_table_lookup(w->dir_wd, dir);
	if (cur && GPOINTER_TO_INT(cur) == wd)
		g_hash_table_remove(w->dir_wd, dir);
	g_hash_table_remove(w->wd_dir, GINT_TO_POINTER(wd));
}

static bool add_dir(au_watch *w, const char *dir)
{
	int wd;
	if (w->test_max_watches > 0 && (long)g_hash_table_size(w->wd_dir) >= w->test_max_watches &&
	    !g_hash_table_contains(w->dir_wd, dir)) {
		wd = -1;
		errno = ENOSPC;
	} else {
		wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
	}
	if (wd < 0) {
		if (errno == ENOSPC && !w->limit_warned) {
			long max = -1;
			gchar *text = NULL;
			if (g_file_get_contents("/proc/sys/fs/inotify/max_user_watches", &text, NULL, NULL))
				max = strtol(text, NULL, 10);
			g_free(text);
			logf_(w,
			      "warning: the inotify watch limit is reached (fs.inotify.max_user_watches = %ld) at %s; "
			      "directories past it are rescanned every minute instead of watched. To fix: "
			      "sudo sysctl fs.inotify.max_user_watches=%ld (and add it to /etc/sysctl.d/), then "
			      "restart the watcher.",
			      max, dir, max > 0 ? max * 4 : 524288);
			w->limit_warned = true;
		} else if (errno != ENOSPC && errno != ENOENT && errno != ENOTDIR) {
			logf_(w, "warning: cannot watch %s: %s", dir, strerror(errno));
		}
		if (errno == ENOSPC)
			w->degraded = true;
		return false;
	}
	char *old = g_hash_table_lookup(w->wd_dir, GINT_TO_POINTER(wd));
	if (!old || strcmp(old, dir) != 0) {
		char *copy = g_strdup(dir);
		g_hash_table_replace(w->wd_dir, GINT_TO_POINTER(wd), copy);
		g_hash_table_replace(w->dir_wd, g_strdup(dir), GINT_TO_POINTER(wd));
	}
	return true;
}

/* Watches dir and everything below it; files already there are marked
 * (they may have been written before the watch existed). */
static void add_tree(au_watch *w, const char *dir, au_source src, int depth)
{
	const au_root *r = root_of(w, dir);
	if (depth > 16 || (r && !au_source_walks_dir(src, r->dir, dir)) || !add_dir(w, dir))
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
			continue;
		char *path = g_build_filename(dir, n, NULL);
		struct stat sb;
		bool is_dir = de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
		if (is_dir)
			add_tree(w, path, src, depth + 1);
		else if (au_file_parser(src, path))
			g_hash_table_replace(w->dirty, g_strdup(path), GINT_TO_POINTER(src));
		g_free(path);
	}
	closedir(d);
}

/* Watches a root if it exists, else its nearest existing ancestor, so its
 * creation (even years later, even deep: mkdir -p) is noticed. */
static void ensure_root(au_watch *w, const au_root *r)
{
	struct stat sb;
	/* A step towards the root made between our stat() and the watch
	 * taking hold sends no event to anyone: once the ancestor is
	 * watched, look again, one level deeper each time. */
	for (int depth = 0; depth < 64; depth++) {
		if (stat(r->dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			add_tree(w, r->dir, r->source, 0);
			return;
		}
		char *dir = g_strdup(r->dir);
		bool watched = false;
		for (;;) {
			char *slash = strrchr(dir, '/');
			if (!slash)
				break;
			if (slash == dir)
				slash[1] = '\0';
			else
				*slash = '\0';
			if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				watched = add_dir(w, dir);
				break;
			}
			if (slash == dir)
				break;
		}
		/* the next component below the watched ancestor, if it appeared */
		size_t n = strlen(dir);
		const char *next = r->dir + n + (n > 1);
		const char *end = strchr(next, '/');
		char *child = watched && *next ? g_strndup(r->dir, end ? (size_t)(end - r->dir) : strlen(r->dir)) : NULL;
		bool appeared = child && stat(child, &sb) == 0 && S_ISDIR(sb.st_mode);
		g_free(child);
		g_free(dir);
		if (!appeared)
			return;
	}
}

static void ensure_roots(au_watch *w)
{
	for (const au_root *r = w->roots; r->dir; r++)
		ensure_root(w, r);
}

int au_watch_rescan(au_watch *w, au_err *err)
{
	ensure_roots(w);
	g_hash_table_remove_all(w->dirty); /* the full scan covers them */
	au_scan_stats st;
	au_scan_stats_init(&st);
	int r = au_scan(w->o.store, w->o.pricing, NULL, &st, err);
	log_scan(w, &st);
	if (r == 0)
		logf_(w, "scanned %" PRId64 " files (%.1f MiB new): %" PRId64 " new responses", st.files,
		      st.bytes_read / 1048576.0, st.responses_new);
	au_scan_stats_release(&st);
	w->rescan = false;
	return r;
}

int au_watch_new(const au_watch_opts *o, au_watch **ret, au_err *err)
{
	au_watch *w = xcalloc(1, sizeof(*w));
	w->o = *o;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		int r = au_fail(err, errno, "inotify_init1: %s%s", strerror(errno),
				errno == EMFILE ? " (fs.inotify.max_user_instances is reached)" : "");
		free(w);
		return r;
	}
	const char *t = getenv("AIUSAGE_TEST_MAX_WATCHES");
	w->test_max_watches = t ? strtol(t, NULL, 10) : 0;
	t = getenv("AIUSAGE_TEST_OVERFLOW_EVERY");
	w->test_overflow_every = t ? strtol(t, NULL, 10) : 0;
	w->roots = au_roots_get(AU_SRC_NONE);
	w->wd_dir = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	w->dir_wd = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	w->noted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* watches first, then the scan: nothing written in between is missed */
	int r = au_watch_rescan(w, err);
	if (r < 0) {
		au_watch_free(w);
		return r;
	}
	int roots = 0, present = 0;
	for (const au_root *rt = w->roots; rt->dir; rt++) {
		struct stat sb;
		roots++;
		present += stat(rt->dir, &sb) == 0 && S_ISDIR(sb.st_mode);
	}
	logf_(w, "watching %u directories; %d of %d log roots exist (the others are watched for)",
	      g_hash_table_size(w->wd_dir), present, roots);
	*ret = w;
	return 0;
}

void au_watch_free(au_watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	au_roots_free(w->roots);
	g_hash_table_destroy(w->wd_dir);
	g_hash_table_destroy(w->dir_wd);
	g_hash_table_destroy(w->dirty);
	g_hash_table_destroy(w->noted);
	free(w);
}

int au_watch_fd(const au_watch *w)
{
	return w->fd;
}

bool au_watch_rescan_pending(const au_watch *w)
{
	return w->rescan;
}

bool au_watch_pending(const au_watch *w)
{
	return w->rescan || g_hash_table_size(w->dirty) > 0;
}

uint64_t au_watch_roots_fingerprint(const au_watch *w)
{
	return au_roots_fingerprint(w->roots);
}

bool au_watch_degraded(const au_watch *w)
{
	return w->degraded;
}

size_t au_watch_count(const au_watch *w)
{
	return g_hash_table_size(w->wd_dir);
}

static void handle_event(au_watch *w, const struct inotify_event *e)
{
	if (e->mask & IN_Q_OVERFLOW) {
		w->rescan = true;
		return;
	}
	const char *dir = g_hash_table_lookup(w->wd_dir, GINT_TO_POINTER(e->wd));
	if (e->mask & IN_IGNORED) {
		/* the directory is gone: if it held a root, watch towards it again */
		char *gone = dir ? g_strdup(dir) : NULL;
		forget_wd(w, e->wd);
		for (const au_root *m = w->roots; gone && m->dir; m++)
			if (g_str_has_prefix(m->dir, gone))
				ensure_root(w, m);
		g_free(gone);
		return;
	}
	if (!dir || e->len == 0 || !e->name[0])
		return;
	char *path = g_build_filename(dir, e->name, NULL);
	if (e->mask & IN_ISDIR) {
		if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
			const au_root *r = root_of(w, path);
			if (r) {
				add_tree(w, path, r->source, 0);
			} else {
				/* maybe a step towards a root that does not exist yet */
				size_t n = strlen(path);
				for (const au_root *m = w->roots; m->dir; m++)
					if (strncmp(m->dir, path, n) == 0 && m->dir[n] == '/')
						ensure_root(w, m);
			}
		}
	} else if (e->mask & (IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE)) {
		const au_root *r = root_of(w, path);
		if (r) {
			/* a database's writes land in its -wal first */
			size_t n = strlen(path);
			if (n > 4 && strcmp(path + n - 4, "-wal") == 0) {
				path[n - 4] = '\0';
				const au_parser_ops *p = au_file_parser(r->source, path);
				if (!p || p->storage != AU_STORAGE_SQLITE)
					path[n - 4] = '-';
			}
			if (au_file_parser(r->source, path)) {
				w->last_event[r->source] = g_get_real_time() / 1000;
				g_hash_table_replace(w->dirty, path, GINT_TO_POINTER(r->source));
				path = NULL;
			}
		}
	}
	g_free(path);
}

void au_watch_dispatch(au_watch *w)
{
	/* Aligned for struct inotify_event; room for many events per read. */
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: drained */
		w->reads++;
		if (w->test_overflow_every > 0 && w->reads % w->test_overflow_every == 0) {
			/* test hook: behave as if the kernel had dropped these */
			w->rescan = true;
			continue;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			handle_event(w, e);
			p += sizeof(struct inotify_event) + e->len;
		}
	}
}

int au_watch_flush(au_watch *w, int64_t *ret_stored, au_err *err)
{
	*ret_stored = 0;
	if (w->rescan) {
		logf_(w, "warning: the inotify event queue overflowed; rescanning everything so nothing is missed "
			 "(raise fs.inotify.max_queued_events if this repeats)");
		return au_watch_rescan(w, err);
	}
	guint n = g_hash_table_size(w->dirty);
	if (n == 0)
		return 0;
	char **paths = xcalloc(n, sizeof(char *));
	au_source *srcs = xcalloc(n, sizeof(au_source));
	GHashTableIter it;
	gpointer k, v;
	guint i = 0;
	g_hash_table_iter_init(&it, w->dirty);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		paths[i] = k;
		srcs[i++] = (au_source)GPOINTER_TO_INT(v);
		g_hash_table_iter_steal(&it);
	}
	au_scan_stats st;
	au_scan_stats_init(&st);
	int r = au_scan_files(w->o.store, w->o.pricing, NULL, paths, srcs, n, &st, err);
	log_scan(w, &st);
	*ret_stored = st.responses_new + st.responses_replaced;
	if (r == 0 && w->o.verbose)
		logf_(w, "read %u changed file(s): %" PRId64 " new, %" PRId64 " updated responses", n, st.responses_new,
		      st.responses_replaced);
	if (r < 0) {
		/* keep them for the next attempt */
		for (guint j = 0; j < n; j++)
			g_hash_table_replace(w->dirty, paths[j], GINT_TO_POINTER(srcs[j]));
	} else {
		for (guint j = 0; j < n; j++)
			g_free(paths[j]);
	}
	au_scan_stats_release(&st);
	free(paths);
	free(srcs);
	return r;
}

void au_watch_scan_errors(const au_watch *w, int64_t ret_errors[AU_SRC_MAX])
{
	memcpy(ret_errors, w->errors, sizeof(w->errors));
}

void au_watch_last_events(const au_watch *w, int64_t ret_ms[AU_SRC_MAX])
{
	memcpy(ret_ms, w->last_event, sizeof(w->last_event));
}
