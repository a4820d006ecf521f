/*
 * The incremental scan (see scan.h): walk the roots, hand each file to a
 * reader thread, and store what comes back in file order: records through
 * the dedup rules in store.c, then the file's new cursor, in the same
 * transaction. Only store failures stop a scan; file trouble is a warning.
 * Another process may be writing too: a file whose cursor moved since we
 * loaded it is read again under our write lock (reread_if_moved).
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "dayarg.h"
#include "plan_limits.h"
#include "sources.h"
#include "tools.h"
#include "walkcache.h"

#define BATCH_BYTES (256 << 20) /* commit at least this often */
/* A first load into an empty store commits far less often: each commit
 * makes the next transaction copy every page it changes that existed
 * before it into the rollback journal (at 256 MiB, 366 MiB of journal
 * and 537 MiB of page writes for a 10 GiB history that stores 280 MiB;
 * at 4 GiB, 20 and 284). The bulk load's memory does not grow with it
 * (store.c flushes its sums by count). */
#define BULK_BATCH_BYTES (INT64_C(4096) << 20)
/* Read-ahead: how far the readers may run ahead of the writer, in files
 * and in bytes of input (their records wait in memory). The writer works
 * in bursts (a stage of rows going into SQLite); a short window left the
 * readers idle during each burst and the writer waiting after it: on
 * 2 cores and a dense 1 GiB, 32 files took 1.13 s, 256 1.03 s, 1024 0.87 s;
 * 128 MiB is as fast as 256 MiB there and holds 1-3 MiB less. */
#define WINDOW_FILES 1024
#define WINDOW_BYTES (INT64_C(128) << 20)
/* Readers run this much nicer than the writer: the one writer is the
 * critical path, and at equal priority three readers took half its core
 * (dense 1 GiB on 2 cores: 1.03 s at equal priority, 0.94 s at +10). */
#define READER_NICE 10
/* A scan reads the cursor of each changed file on its own up to this many
 * files, and then every cursor at once. */
#define CURSOR_READS_ALONE 256

void au_scan_stats_init(au_scan_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->roots = g_array_new(FALSE, TRUE, sizeof(au_root_info));
	st->warnings = g_ptr_array_new_with_free_func(g_free);
	st->notes = g_ptr_array_new_with_free_func(g_free);
	st->unknown = g_ptr_array_new_with_free_func(g_free);
	st->unpriced = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	st->fallback = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void au_scan_stats_release(au_scan_stats *st)
{
	if (st->roots) {
		for (guint i = 0; i < st->roots->len; i++)
			g_free(g_array_index(st->roots, au_root_info, i).dir);
		g_array_free(st->roots, TRUE);
	}
	if (st->warnings)
		g_ptr_array_free(st->warnings, TRUE);
	if (st->notes)
		g_ptr_array_free(st->notes, TRUE);
	if (st->unknown)
		g_ptr_array_free(st->unknown, TRUE);
	if (st->unpriced)
		g_hash_table_destroy(st->unpriced);
	if (st->fallback)
		g_hash_table_destroy(st->fallback);
	memset(st, 0, sizeof(*st));
}

void au_scan_progress_line(const au_scan_stats *st, double elapsed_s, char *buf, size_t n)
{
	double mib = (double)st->bytes_read / 1048576.0;
	double rate = elapsed_s > 0 ? mib / elapsed_s : 0;
	double left = (double)(st->bytes_todo > st->bytes_read ? st->bytes_todo - st->bytes_read : 0) / 1048576.0;
	char eta[32] = "-";
	if (rate > 0) {
		long secs = (long)(left / rate + 0.5);
		if (secs < 60)
			snprintf(eta, sizeof(eta), "%lds", secs);
		else
			snprintf(eta, sizeof(eta), "%ldm%02lds", secs / 60, secs % 60);
	}
	snprintf(buf, n, "scanning: %" PRId64 "/%" PRId64 " files, %.0f/%.0f MiB, %.0f MiB/s, ETA %s", st->files,
		 st->files_total, mib, (double)st->bytes_todo / 1048576.0, rate, eta);
}

static void add_warning(au_scan_stats *st, char *msg)
{
	st->warnings_total++;
	if (st->warnings->len < AU_MAX_WARNINGS)
		g_ptr_array_add(st->warnings, msg);
	else
		g_free(msg);
}

/* A note for -v that is not a path skipped (the listing cache's) */
static void add_info(au_scan_stats *st, char *msg)
{
	if (st->notes->len < AU_MAX_WARNINGS)
		g_ptr_array_add(st->notes, msg);
	else
		g_free(msg);
}

static void add_note(au_scan_stats *st, char *msg)
{
	st->skipped++;
	add_info(st, msg);
}

/* A log file the walk found, with the stat() it made of it there. */
typedef struct found {
	char *path;
	guint root; /* index into the roots walked */
	bool statted;
	struct stat sb;
} found;

static void found_clear(gpointer p)
{
	g_free(((found *)p)->path);
}

/* dir/name, as g_build_filename gives it; that one parses its varargs and
 * each element's separators, a tenth of a warm run's instructions. */
static char *join_path(const char *dir, size_t dir_len, const char *name)
{
	if (!dir_len || dir[dir_len - 1] == '/')
		return g_build_filename(dir, name, NULL);
	size_t n = strlen(name);
	char *p = g_malloc(dir_len + n + 2);
	memcpy(p, dir, dir_len);
	p[dir_len] = '/';
	memcpy(p + dir_len + 1, name, n + 1);
	return p;
}

/*
 * The walk: every root's directories listed by a few threads at once (a
 * warm run is mostly this, system calls that wait on nothing but the
 * CPU: 10k directories and 22k files took 105 ms on one thread). A
 * directory is a unit of work; each walker keeps what it finds, its
 * warnings and its notes apart, and they are merged in name order after.
 */
typedef struct walk_root {
	const char *dir;
	size_t dir_len;
	au_source src;
	bool exists;
	int fd; /* the directory (O_PATH) while a walk uses a cache, or -1 */
	/* out: the files found as their cursors left them, and their bytes */
	int64_t same_files, same_bytes;
} walk_root;

typedef struct walk_dir {
	char *dir;
	guint root;
	int depth;
	/* a directory above it, open (O_PATH) while the walk uses the listing
	 * cache: entries are stat'ed from it by the rest of their path; -1 when
	 * none (then by their whole path). base_len: its path's length in dir */
	int base;
	size_t base_len;
} walk_dir;

typedef struct walk_sink {
	GArray *found;	     /* found */
	GPtrArray *warnings; /* char*: a directory that cannot be read */
	GPtrArray *notes;    /* char*: a path skipped, for -v */
	int64_t unreadable;
	/* per root: the files found as their cursors left them (no longer in
	 * found), and their bytes */
	int64_t *same_files, *same_bytes;
	/* for the listing cache: the records of the directories this walker
	 * listed (getdents), and how many it listed from the cache */
	GByteArray *listing;
	int64_t dirs, dirs_cached;
	/* the last device whose file system was asked about (fs_local) */
	dev_t fs_dev;
	bool fs_known, fs_local;
} walk_sink;

/* What each walker does with what it found once the walk is over, on its
 * own thread (the sink's roots and found are its own). */
typedef void (*walk_done_fn)(walk_sink *k, const struct walk_root *roots, void *ud);
/* A file about to be stat'ed: the settle_fn's lookup begun while the
 * kernel works, and a token for it. */
typedef uint64_t (*walk_hint_fn)(void *ud, const char *path);
/* A file just stat'ed (hint: what the hint_fn gave) that is known
 * unchanged already (its size in *ret_size): counted, not kept. False when
 * it is not, or not known yet. */
typedef bool (*walk_settle_fn)(void *ud, const au_parser_ops *p, const char *path, uint64_t hint,
			       const struct stat *sb, int64_t *ret_size);

/* What the walk's caller does with files (any may be NULL), with ud. */
typedef struct walk_fns {
	walk_hint_fn hint;
	walk_settle_fn settle;
	walk_done_fn done;
	void *ud;
} walk_fns;

typedef struct walker {
	GMutex lock;
	GCond cond;
	GQueue todo; /* walk_dir* */
	int busy;    /* walkers inside a directory: they may add more */
	int waiting; /* walkers waiting for work */
	const walk_root *roots;
	/* the listing cache: the one read (NULL when none) when caching; a
	 * listing is kept only when its directory changed before cut_ns (now
	 * less a margin, so that a change within the clock's granularity of a
	 * listing cannot hide behind the same mtime) */
	bool caching;
	au_wc *cache;
	int64_t cut_ns;
	GArray *bases; /* int: the walk_dir bases opened, closed at the end (lock) */
	walk_fns fns;
} walker;

/* A directory listed from the cache with this many bytes of entries or more
 * (about 25 names) becomes the base of the walk below it: one open instead
 * of one name looked up again for each thing below. On the 10 GiB history
 * the 12 project folders (1,000 entries each) took a third of the names
 * the kernel looked up. At most BASES_MAX are open at once. */
#define BASE_MIN_ENTRY_BYTES 1024
#define BASES_MAX 256

#define WALKERS_MAX 3

static void sink_unreadable(walk_sink *out, const char *dir)
{
	out->unreadable++;
	g_ptr_array_add(out->warnings, g_strdup_printf("%s: cannot read the directory: %s", dir, g_strerror(errno)));
}

static void walk_push(walker *w, char *dir, guint root, int depth, int base, size_t base_len)
{
	walk_dir *d = g_new(walk_dir, 1);
	*d = (walk_dir){.dir = dir, .root = root, .depth = depth, .base = base, .base_len = base_len};
	g_mutex_lock(&w->lock);
	g_queue_push_tail(&w->todo, d);
	g_cond_signal(&w->cond);
	g_mutex_unlock(&w->lock);
}

/* The file systems whose directory times a listing may be trusted on: local
 * ones (a network or FUSE file system may not move a directory's mtime on
 * another client's change, and overlayfs not on a lower layer's) */
static bool fs_is_local(walk_sink *out, int fd, dev_t dev)
{
	if (out->fs_known && out->fs_dev == dev)
		return out->fs_local;
	struct statfs sf;
	bool local = false;
	if (fstatfs(fd, &sf) == 0)
		switch ((unsigned long)sf.f_type) {
		case 0xEF53UL:	   /* ext2, ext3, ext4 */
		case 0x58465342UL: /* xfs */
		case 0x9123683EUL: /* btrfs */
		case 0x01021994UL: /* tmpfs */
		case 0xF2F52010UL: /* f2fs */
		case 0x2FC12FC1UL: /* zfs */
		case 0xCA451A4EUL: /* bcachefs */
			local = true;
			break;
		}
	out->fs_dev = dev, out->fs_known = true, out->fs_local = local;
	return local;
}

/* stat() of a path at or below d's base: looked up from the base, a few
 * names instead of the whole path */
static int stat_under(const walk_dir *d, const char *path, struct stat *sb)
{
	if (d->base >= 0) {
		if (path[d->base_len] == '\0')
			return fstatat(d->base, "", sb, AT_EMPTY_PATH);
		if (path[d->base_len] == '/')
			return fstatat(d->base, path + d->base_len + 1, sb, 0);
	}
	return stat(path, sb);
}

/* The directory d (just found as sb says) opened as the base of the walk
 * below it; -1 when it is not worth one or cannot be had. */
static int open_base(walker *w, const walk_dir *d, size_t dir_len, const struct stat *sb)
{
	if (d->base < 0 || dir_len <= d->base_len || d->dir[d->base_len] != '/')
		return -1;
	g_mutex_lock(&w->lock);
	bool room = w->bases->len < BASES_MAX; /* a walker or two past it at most */
	g_mutex_unlock(&w->lock);
	if (!room)
		return -1;
	int fd = openat(d->base, d->dir + d->base_len + 1, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat now;
	/* the same directory the stat found, not one renamed into its place */
	if (fd >= 0 && (fstat(fd, &now) != 0 || now.st_dev != sb->st_dev || now.st_ino != sb->st_ino)) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		g_mutex_lock(&w->lock);
		g_array_append_val(w->bases, fd);
		g_mutex_unlock(&w->lock);
	}
	return fd;
}

static void walk_one(walker *w, walk_sink *out, const walk_dir *d, int parent_fd, const char *name);

/*
 * One entry of a directory: fd is the directory, or -1 when its listing
 * came from the cache (then the entry is stat'ed from d's base). A
 * directory becomes work; a log file is stat'ed; a log-named path that is
 * not a regular file, or a file the tool names as looking like a log it
 * does not read, is a note for -v.
 */
static void walk_entry(walker *w, walk_sink *out, const walk_dir *d, int fd, size_t dir_len, const char *n,
		       unsigned char type)
{
	const walk_root *rt = &w->roots[d->root];
	char *path = join_path(d->dir, dir_len, n);
	struct stat sb = {0};
	bool statted = false;
	const au_parser_ops *fp;
	if (type == DT_UNKNOWN || type == DT_LNK) {
		/* a symlinked file is read; a symlinked directory is not walked */
		if (type == DT_LNK ? stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode) : lstat(path, &sb) == 0) {
			type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISREG(sb.st_mode) ? DT_REG : DT_UNKNOWN;
			statted = true;
		} else {
			type = DT_UNKNOWN;
		}
	}
	if (type == DT_DIR && g_atomic_int_get(&w->waiting) > 0) {
		/* a walker is idle: the directory is its work */
		walk_push(w, path, d->root, d->depth + 1, d->base, d->base_len);
		path = NULL;
	} else if (type == DT_DIR) {
		walk_dir sub = {
			.dir = path, .root = d->root, .depth = d->depth + 1, .base = d->base, .base_len = d->base_len};
		walk_one(w, out, &sub, fd, fd < 0 ? NULL : n);
	} else if (type != DT_REG && type != DT_LNK && au_file_parser(rt->src, path)) {
		g_ptr_array_add(out->notes, g_strdup_printf("%s: skipped: not a regular file, not a log file", path));
	} else if (type == DT_REG && (fp = au_file_parser(rt->src, path))) {
		found f = {.path = path, .root = d->root};
		uint64_t hint = w->fns.hint ? w->fns.hint(w->fns.ud, path) : 0;
		if (statted)
			f.sb = sb, f.statted = true;
		else
			f.statted = (fd < 0 ? stat_under(d, path, &f.sb) : fstatat(fd, n, &f.sb, 0)) == 0;
		int64_t size;
		if (f.statted && w->fns.settle && w->fns.settle(w->fns.ud, fp, path, hint, &f.sb, &size)) {
			out->same_files[d->root]++;
			out->same_bytes[d->root] += size;
			g_free(path);
		} else {
			g_array_append_val(out->found, f);
		}
		path = NULL;
	} else if (type == DT_REG) {
		char *why = au_file_skip_note(rt->src, path);
		if (why)
			g_ptr_array_add(out->notes, g_strdup_printf("%s: skipped: %s", path, why));
		free(why);
	}
	g_free(path);
}

/*
 * Lists one directory (not following symlinked directories), from the
 * listing cache when the directory is as the cache saw it (then it is not
 * read: its entries are stat'ed from the base), else with getdents, its log
 * files stat'ed relative to it so that the kernel looks up one name instead
 * of the whole path. A directory that cannot be read is a warning, as an
 * unreadable file is.
 */
static void walk_one(walker *w, walk_sink *out, const walk_dir *d, int parent_fd, const char *name)
{
	const walk_root *rt = &w->roots[d->root];
	const char *dir = d->dir;
	if (d->depth > 16 || !au_source_walks_dir(rt->src, rt->dir, dir))
		return;
	out->dirs++;
	size_t dir_len = strlen(dir);
	struct stat sb;
	au_wc_rec cd;
	if (w->cache && (parent_fd < 0 ? stat_under(d, dir, &sb) : fstatat(parent_fd, name, &sb, 0)) == 0 &&
	    S_ISDIR(sb.st_mode) && au_wc_find_dir(w->cache, &sb, &cd) && au_wc_matches(&cd, &sb)) {
		out->dirs_cached++;
		au_wc_mark_used(w->cache, &cd);
		walk_dir here = *d;
		if (cd.entries_end - cd.entries >= BASE_MIN_ENTRY_BYTES) {
			int base = open_base(w, d, dir_len, &sb);
			if (base >= 0)
				here.base = base, here.base_len = dir_len;
		}
		const uint8_t *e = cd.entries;
		unsigned char type;
		const char *n;
		while (au_wc_next_entry(&e, cd.entries_end, &type, &n))
			walk_entry(w, out, &here, -1, dir_len, n, type);
		return;
	}
	int fd = parent_fd < 0 ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			       : openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		sink_unreadable(out, dir);
		return;
	}
	GByteArray *entries = NULL;
	if (w->caching && fstat(fd, &sb) == 0 && MAX(au_wc_time_ns(&sb.st_mtim), au_wc_time_ns(&sb.st_ctim)) < w->cut_ns &&
	    fs_is_local(out, fd, sb.st_dev))
		entries = g_byte_array_new();
	/* the listing is recorded with the descriptor's own stat, taken before
	 * getdents: a change after it moves the mtime past the one recorded.
	 * getdents64 on the descriptor itself: fdopendir would fstat it and
	 * set its flags again, three system calls a directory for nothing */
	char buf[16384] __attribute__((aligned(8)));
	ssize_t got = 0, at = 0;
	for (;;) {
		if (at >= got) {
			got = getdents64(fd, buf, sizeof(buf));
			at = 0;
			if (got <= 0) {
				if (got < 0) {
					sink_unreadable(out, dir);
					g_clear_pointer(&entries, g_byte_array_unref);
				}
				break;
			}
		}
		const struct dirent64 *de = (const struct dirent64 *)(buf + at);
		at += de->d_reclen;
		const char *n = de->d_name;
		if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
			continue;
		if (entries)
			au_wc_entry(entries, de->d_type, n);
		walk_entry(w, out, d, fd, dir_len, n, de->d_type);
	}
	if (entries) {
		au_wc_add_dir(out->listing, &sb, entries);
		g_byte_array_unref(entries);
	}
	close(fd);
}

typedef struct walker_arg {
	walker *w;
	walk_sink sink;
} walker_arg;

static void walker_run(walker_arg *a)
{
	walker *w = a->w;
	g_mutex_lock(&w->lock);
	for (;;) {
		walk_dir *d = g_queue_pop_head(&w->todo);
		if (!d) {
			if (w->busy == 0)
				break; /* nothing queued and nobody to queue more */
			g_atomic_int_inc(&w->waiting);
			g_cond_wait(&w->cond, &w->lock);
			g_atomic_int_add(&w->waiting, -1);
			continue;
		}
		w->busy++;
		g_mutex_unlock(&w->lock);
		walk_one(w, &a->sink, d, -1, NULL);
		g_free(d->dir);
		g_free(d);
		g_mutex_lock(&w->lock);
		if (--w->busy == 0 && g_queue_is_empty(&w->todo))
			g_cond_broadcast(&w->cond);
	}
	g_mutex_unlock(&w->lock);
}

static gpointer walker_main(gpointer p)
{
	walker_arg *a = p;
	walker_run(a);
	if (a->w->fns.done)
		a->w->fns.done(&a->sink, a->w->roots, a->w->fns.ud);
	return NULL;
}

static int cmp_found(gconstpointer a, gconstpointer b)
{
	const found *x = a, *y = b;
	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Walks the roots that exist and returns every log file found that fns
 * kept, by root and then by name; the warnings and notes
 * go to st in name order, the counts of files settled to roots. With
 * caching, directories are listed from cache where they can be, and
 * *ret_listing is the listing cache to save when it changed (else NULL).
 */
static GArray *walk_roots(au_scan_stats *st, walk_root *roots, guint n, const walk_fns *fns, bool caching,
			  au_wc *cache, GByteArray **ret_listing)
{
	walker w = {.roots = roots,
		    .fns = *fns,
		    .caching = caching,
		    .cache = cache,
		    .cut_ns = (g_get_real_time() - 2 * G_USEC_PER_SEC) * 1000,
		    .bases = g_array_new(FALSE, FALSE, sizeof(int))};
	g_mutex_init(&w.lock);
	g_cond_init(&w.cond);
	g_queue_init(&w.todo);
	guint queued = 0;
	for (guint i = 0; i < n; i++) {
		roots[i].dir_len = strlen(roots[i].dir);
		roots[i].fd = cache && roots[i].exists
				      ? open(roots[i].dir, O_PATH | O_DIRECTORY | O_CLOEXEC)
				      : -1;
	}
	for (guint i = 0; i < n; i++)
		if (roots[i].exists) {
			walk_dir *d = g_new(walk_dir, 1);
			*d = (walk_dir){
				.dir = g_strdup(roots[i].dir), .root = i, .base = roots[i].fd, .base_len = roots[i].dir_len};
			g_queue_push_tail(&w.todo, d);
			queued++;
		}
	int nthreads = queued ? (int)MIN(g_get_num_processors(), WALKERS_MAX) : 1;
	walker_arg args[WALKERS_MAX];
	GThread *threads[WALKERS_MAX] = {0};
	for (int i = 0; i < nthreads; i++) {
		args[i] = (walker_arg){.w = &w};
		walk_sink *k = &args[i].sink;
		k->found = g_array_new(FALSE, FALSE, sizeof(found));
		k->warnings = g_ptr_array_new();
		k->notes = g_ptr_array_new();
		k->same_files = g_new0(int64_t, n + 1);
		k->same_bytes = g_new0(int64_t, n + 1);
		k->listing = g_byte_array_new();
		/* the calling thread is the first walker */
		if (i > 0)
			threads[i] = g_thread_try_new("walk", walker_main, &args[i], NULL);
	}
	walker_main(&args[0]);
	GArray *all = g_array_new(FALSE, FALSE, sizeof(found));
	g_array_set_clear_func(all, found_clear);
	GPtrArray *warnings = g_ptr_array_new(), *notes = g_ptr_array_new();
	bool relisted = false;
	for (int i = 0; i < nthreads; i++) {
		if (threads[i])
			g_thread_join(threads[i]);
		walk_sink *k = &args[i].sink;
		g_array_append_vals(all, k->found->data, k->found->len);
		g_array_free(k->found, TRUE);
		g_ptr_array_extend_and_steal(warnings, k->warnings);
		g_ptr_array_extend_and_steal(notes, k->notes);
		st->unreadable += k->unreadable;
		st->dirs += k->dirs;
		st->dirs_cached += k->dirs_cached;
		relisted |= k->listing->len > 0;
		for (guint r = 0; r < n; r++) {
			roots[r].same_files += k->same_files[r];
			roots[r].same_bytes += k->same_bytes[r];
		}
		g_free(k->same_files);
		g_free(k->same_bytes);
	}
	/* the cache is saved again when a directory was listed anew, or when
	 * one it had is gone or has changed */
	*ret_listing = NULL;
	if (caching && (relisted || au_wc_count_used(cache) != au_wc_count(cache))) {
		GByteArray *b = *ret_listing = g_byte_array_new();
		au_wc_start(b, NULL);
		au_wc_add_used(b, cache);
		for (int i = 0; i < nthreads; i++)
			g_byte_array_append(b, args[i].sink.listing->data, args[i].sink.listing->len);
	}
	for (int i = 0; i < nthreads; i++)
		g_byte_array_unref(args[i].sink.listing);
	for (guint r = 0; r < n; r++)
		if (roots[r].fd >= 0)
			close(roots[r].fd);
	for (guint i = 0; i < w.bases->len; i++)
		close(g_array_index(w.bases, int, i));
	g_array_free(w.bases, TRUE);
	g_array_sort(all, cmp_found);
	g_ptr_array_sort(warnings, cmp_str);
	g_ptr_array_sort(notes, cmp_str);
	for (guint j = 0; j < warnings->len; j++)
		add_warning(st, warnings->pdata[j]);
	for (guint j = 0; j < notes->len; j++)
		add_note(st, notes->pdata[j]);
	g_ptr_array_free(warnings, TRUE);
	g_ptr_array_free(notes, TRUE);
	g_queue_clear(&w.todo);
	g_mutex_clear(&w.lock);
	g_cond_clear(&w.cond);
	return all;
}

typedef struct task {
	au_filejob *job; /* NULL when unchanged */
	guint root;
	bool done;
	bool unchanged;  /* settled by a stat() here: no job to run */
	int64_t size;    /* of an unchanged file; else what is left to read */
} task;

typedef struct scanner {
	au_store *store;
	au_pricing *pricing;
	au_scan_stats *st;
	const au_scan_opts *opts;
	au_cursor_keys *keys; /* every stored cursor's key; NULL: read each file's cursor */
	GHashTable *cursors;  /* every stored cursor, once many files changed (path -> au_cursor*) */
	guint cursor_reads;   /* changed files whose cursor was read on its own */
	int64_t batch_bytes;
	gint64 last_progress;
	GMutex lock;
	GCond cond;
	au_event ev;
	GHashTable *projects; /* stand-in cwd -> real project folder ("" if none) */
	int64_t now_ms;       /* the scan's clock for source health; 0 until read */
	/* while the keys file is kept: the cursors' keys this scan learned or
	 * saved, over what the keys it started from say (&key_rec.id ->
	 * key_rec, by au_wc_path_id) */
	GHashTable *learned;
} scanner;

/* A cursor's key as the keys file keeps it: the parser's name (static)
 * and dev, ino, size, mtime_ns. */
typedef struct key_rec {
	gint64 id; /* au_wc_path_id of its path */
	const char *parser;
	int64_t num[4];
} key_rec;

static void learn_key(scanner *sc, const char *path, const au_parser_ops *parser, int64_t dev, int64_t ino,
		      int64_t size, int64_t mtime_ns)
{
	if (!sc->learned || !parser)
		return;
	key_rec *k = g_new(key_rec, 1);
	*k = (key_rec){.id = (gint64)au_wc_path_id(path), .parser = parser->name, .num = {dev, ino, size, mtime_ns}};
	g_hash_table_replace(sc->learned, &k->id, k);
}

static void reader_thread(gpointer data, gpointer user)
{
	task *t = data;
	scanner *sc = user;
	/* The pool's threads are its own (exclusive): lower each one's
	 * priority once, relative to the process's (Linux: per thread). */
	static __thread bool niced;
	if (!niced) {
		niced = true;
		errno = 0;
		int was = getpriority(PRIO_PROCESS, 0);
		if (errno == 0)
			(void)setpriority(PRIO_PROCESS, (id_t)gettid(), MIN(was + READER_NICE, 19));
	}
	au_filejob_run(t->job);
	g_mutex_lock(&sc->lock);
	t->done = true;
	g_cond_broadcast(&sc->cond);
	g_mutex_unlock(&sc->lock);
}

static void count_model(GHashTable *t, const char *model)
{
	gpointer v = g_hash_table_lookup(t, model);
	g_hash_table_replace(t, g_strdup(model), GINT_TO_POINTER(GPOINTER_TO_INT(v) + 1));
}

static void progress(scanner *sc, bool force)
{
	if (!sc->opts->progress)
		return;
	gint64 now = g_get_monotonic_time();
	if (!force && now - sc->last_progress < 100000)
		return;
	sc->last_progress = now;
	sc->opts->progress(sc->opts->progress_ud, sc->st);
}

static int store_record(scanner *sc, const au_rec *r, int64_t file_id, au_err *err)
{
	au_event *ev = &sc->ev;
	au_rec_to_event(r, ev);
	if (au_source_has_project_hook(ev->source)) {
		const char *real = g_hash_table_lookup(sc->projects, ev->cwd);
		if (!real) {
			char *p = au_source_project(ev->source, ev->cwd);
			g_hash_table_insert(sc->projects, g_strdup(ev->cwd), p ? p : xstrdup(""));
			real = g_hash_table_lookup(sc->projects, ev->cwd);
		}
		if (*real)
			g_strlcpy(ev->cwd, real, sizeof(ev->cwd));
	}
	int64_t cost = AU_COST_UNPRICED;
	const au_model_price *mp = au_pricing_lookup(sc->pricing, ev->model);
	if (mp)
		cost = au_cost_pico_mode(mp, &ev->tok, ev->price_mode);
	au_put_result res;
	int rc = au_store_put(sc->store, ev, file_id, r->offset, cost, &res, err);
	if (rc < 0)
		return rc;
	au_scan_stats *st = sc->st;
	switch (res) {
	case AU_PUT_NEW:
		st->responses_new++;
		break;
	case AU_PUT_REPLACED:
	case AU_PUT_RETRACTED:
		st->responses_replaced++;
		break;
	case AU_PUT_KEPT:
		st->copies_kept++;
		break;
	case AU_PUT_REPLAY:
		st->replays++;
		break;
	}
	if (res == AU_PUT_NEW || res == AU_PUT_REPLACED) {
		if (!mp)
			count_model(st->unpriced, ev->model);
		if (ev->model_fallback)
			count_model(st->fallback, ev->model);
	}
	return 0;
}

/* What the read of one file tells of its tool's health (plan_limits.h). */
static int note_health(scanner *sc, const au_filejob *j, const au_cursor *c)
{
	if (!sc->now_ms) {
		au_err nerr = {{0}};
		if (au_now_pinned(&sc->now_ms, &nerr) < 0)
			sc->now_ms = g_get_real_time() / 1000;
	}
	/* Error rates are per log line: a rewritten document or a database is
	 * read again whole, and counting it each time would count it twice.
	 * Those note only that rows came out. */
	bool lines_file = j->parser->storage == AU_STORAGE_JSONL;
	int64_t lines = lines_file ? j->lines_seen : 0;
	int64_t bad = lines_file ? j->malformed : 0;
	int64_t rows = (int64_t)j->recs->len + (int64_t)j->limits->len;
	au_err herr = {{0}};
	/* health is advice: a failure to note it never fails the scan */
	(void)au_store_health_note(sc->store, c->id, j->parser->source, c->mtime_ns / 1000000, sc->now_ms, lines, bad,
				   rows, lines_file ? j->lines_quiet : 0, &herr);
	for (guint i = 0; i < j->unknown->len; i++) {
		bool fresh = false;
		if (au_store_unknown_field(sc->store, j->parser->source, j->unknown->pdata[i], sc->now_ms, &fresh,
					   &herr) == 0 && fresh)
			g_ptr_array_add(sc->st->unknown, au_unknown_note(j->parser->source, j->unknown->pdata[i]));
	}
	return 0;
}

char *au_unknown_note(au_source src, const char *name)
{
	const char *tool = au_source_name(src);
	if (g_str_has_prefix(name, "type:"))
		return g_strdup_printf("%s: record type '%s' is one we do not know yet (shown once; it may hold usage"
				       " we do not count: please report it)",
				       tool, name + 5);
	return g_strdup_printf("%s: %s%s is a field we do not know yet (shown once; the usage in it may be counted"
			       " short: please report it)",
			       tool, strchr(name, '.') ? "" : "usage.", name);
}

/* Stores one finished file: its warnings, records and new cursor. */
static int apply(scanner *sc, au_filejob *j, au_root_info *ri, au_err *err)
{
	au_scan_stats *st = sc->st;
	st->files++;
	ri->files++;
	ri->bytes += j->bytes_total;
	st->bytes_total += j->bytes_total;
	st->bytes_read += j->bytes_read;
	st->events += j->events;
	st->copies_kept += j->merged;
	st->malformed += j->malformed;
	st->oversized += j->oversized;
	st->partial_lines += j->partial;
	st->unreadable += j->unreadable;
	au_source src = j->parser ? j->parser->source : ri->source;
	if (src < AU_SRC_MAX)
		st->errors_by_source[src] += j->malformed + j->oversized + j->unreadable;
	for (guint i = 0; i < j->warnings->len; i++)
		if (st->warnings->len < AU_MAX_WARNINGS)
			g_ptr_array_add(st->warnings, g_strdup(j->warnings->pdata[i]));
	st->warnings_total += j->warnings_total;
	if (j->note)
		add_note(st, g_strdup(j->note));
	if (j->outcome == AU_JOB_UNCHANGED)
		st->files_unchanged++;
	if (j->outcome != AU_JOB_READ)
		return 0;
	st->files_read++;
	if (j->reread)
		st->files_reread++;

	/* the new cursor, keeping the stored row's id (the job started from
	 * the stored cursor, or from none) */
	au_cursor c = j->next;
	c.id = j->prev ? j->prev->id : 0;
	c.path = j->path;
	int r;
	bool saved = false;
	if (!c.id) {
		/* records keyed by position need the file's id: the cursor goes
		 * in first, with its new values (one write instead of two; a
		 * failure below rolls the transaction back with it) */
		if ((r = au_store_save_cursor(sc->store, &c, err)) < 0)
			return r;
		saved = true;
	}
	for (guint i = 0; i < j->recs->len; i++)
		if ((r = store_record(sc, &g_array_index(j->recs, au_rec, i), c.id, err)) < 0)
			return r;
	for (guint i = 0; i < j->limits->len; i++)
		if ((r = au_store_limit_put(sc->store, &g_array_index(j->limits, au_limit, i), "log", err)) < 0)
			return r;
	if ((r = note_health(sc, j, &c)) < 0)
		return r;
	if (!saved && (r = au_store_save_cursor(sc->store, &c, err)) < 0)
		return r;
	learn_key(sc, c.path, c.parser, c.dev, c.ino, c.size, c.mtime_ns);
	sc->batch_bytes += j->bytes_read;
	return 0;
}

/*
 * Two processes may scan at once (two commands, or one beside the watcher).
 * The cursors were loaded before our write lock: read this file's cursor
 * again now, under the lock. When it is no longer the one the job started
 * from, the other writer stored the file first and the job's records and
 * cursor are stale (a plain insert of its cursor would even collide). Read
 * the file again from the stored cursor, here, still holding the lock: what
 * the other writer stored is kept and nothing is counted twice.
 */
static int reread_if_moved(scanner *sc, task *t, au_err *err)
{
	au_filejob *j = t->job;
	if (j->outcome != AU_JOB_READ)
		return 0;
	au_cursor *now;
	int r = au_store_load_cursor(sc->store, j->path, au_tool_parser_by_name, &now, err);
	if (r < 0)
		return r;
	if (au_cursor_equal(now, j->prev)) {
		au_cursor_free(now);
		return 0;
	}
	au_filejob *fresh = au_filejob_new(j->path, j->parser, now);
	au_cursor_free(now);
	au_filejob_run(fresh);
	au_filejob_free(j);
	t->job = fresh;
	return 0;
}

static void scanner_init(scanner *sc, au_store *s, au_pricing *p, const au_scan_opts *o, au_scan_stats *st)
{
	static const au_scan_opts defaults = {0};
	*sc = (scanner){.store = s, .pricing = p, .st = st, .opts = o ? o : &defaults};
	g_mutex_init(&sc->lock);
	g_cond_init(&sc->cond);
}

/* from: the walk's stat() of path, or NULL */
static int add_task(scanner *sc, GArray *tasks, const char *path, const struct stat *from, au_source src,
		    guint root, au_err *err)
{
	const au_parser_ops *p = au_file_parser(src, path);
	if (!p)
		return 0;
	/* the stored cursor's key: from the keys read for every file, or
	 * from the whole cursor read now (a scan of a few named files) */
	au_cursor *prev = NULL;
	const au_cursor_key *k = NULL;
	au_cursor_key pk;
	int r;
	if (sc->keys) {
		k = au_cursor_keys_get(sc->keys, path);
	} else {
		if ((r = au_store_load_cursor(sc->store, path, au_tool_parser_by_name, &prev, err)) < 0)
			return r;
		if (prev) {
			pk = (au_cursor_key){prev->parser, prev->dev, prev->ino, prev->size, prev->mtime_ns};
			k = &pk;
			learn_key(sc, path, prev->parser, prev->dev, prev->ino, prev->size, prev->mtime_ns);
		}
	}
	task t = {.root = root};
	int64_t dev, ino, size, mtime;
	bool known = k && k->parser == p && au_file_version_from(p, path, from, &dev, &ino, &size, &mtime);
	if (known && dev == k->dev && ino == k->ino && size == k->size && mtime == k->mtime_ns) {
		t.unchanged = true;
		t.size = size;
	} else {
		/* The job starts from the whole stored cursor: read on its own
		 * for a few files, all at once when many changed (20k lookups
		 * by path cost a touched 20k-file history 25 % more) */
		const au_cursor *c = prev;
		if (k && !prev) {
			if (!sc->cursors && ++sc->cursor_reads > CURSOR_READS_ALONE &&
			    (r = au_store_load_cursors(sc->store, au_tool_parser_by_name, (void **)&sc->cursors,
						       err)) < 0)
				return r;
			if (sc->cursors)
				c = g_hash_table_lookup(sc->cursors, path);
			else if ((r = au_store_load_cursor(sc->store, path, au_tool_parser_by_name, &prev, err)) < 0)
				return r;
			else
				c = prev;
		}
		t.job = au_filejob_new(path, p, c);
		/* what is left to read, for the progress line's ETA and the
		 * read-ahead window */
		struct stat sb;
		if (known && c)
			t.size = dev == c->dev && ino == c->ino && size >= c->offset ? size - c->offset : size;
		else if (from || stat(path, &sb) == 0)
			t.size = from ? from->st_size : sb.st_size;
		sc->st->bytes_todo += t.size;
	}
	au_cursor_free(prev);
	sc->st->files_total++;
	g_array_append_val(tasks, t);
	return 0;
}

/* Frees the tasks and the scanner's resources (run_tasks does, after it
 * ran them). */
static void scanner_release(scanner *sc, GArray *tasks)
{
	for (guint i = 0; i < tasks->len; i++)
		au_filejob_free(g_array_index(tasks, task, i).job);
	g_array_free(tasks, TRUE);
	sc->keys = NULL; /* au_scan's */
	if (sc->cursors)
		g_hash_table_destroy(sc->cursors);
	sc->cursors = NULL;
	if (sc->projects)
		g_hash_table_destroy(sc->projects);
	g_mutex_clear(&sc->lock);
	g_cond_clear(&sc->cond);
}

/* Reads every task's file (on threads when worth it) and stores the
 * results in task order. Frees the tasks and the scanner's resources. */
static int run_tasks(scanner *sc, GArray *tasks, au_err *err)
{
	au_store *s = sc->store;
	int r;
	sc->projects = g_hash_table_new_full(au_str_hash, g_str_equal, g_free, free);
	/* one reader more than cores: the writer thread is mostly waiting on
	 * them (measured on 2 cores, 1 GiB: 0.62 s with 2 readers, 0.58 s with 3) */
	int threads = sc->opts->threads > 0 ? sc->opts->threads : (int)g_get_num_processors() + 1;
	if (threads > 4)
		threads = 4;
	GThreadPool *pool = NULL;
	if (threads > 1 && tasks->len > 1)
		pool = g_thread_pool_new(reader_thread, sc, threads, TRUE, NULL);
	guint pushed = 0;
	int64_t ahead = 0; /* bytes of the tasks pushed and not yet stored */

	/* the write transaction starts with the first file that changed, so a
	 * warm run with nothing new never takes the store's write lock */
	bool in_tx = false, bulk = false, load_journal = false;
	r = 0;
	for (guint i = 0; i < tasks->len; i++) {
		task *t = &g_array_index(tasks, task, i);
		au_root_info *ri = &g_array_index(sc->st->roots, au_root_info, t->root);
		if (t->unchanged) {
			sc->st->files++;
			sc->st->files_unchanged++;
			ri->files++;
			ri->bytes += t->size;
			sc->st->bytes_total += t->size;
			continue;
		}
		if (!in_tx) {
			/* checked again inside the transaction, for bulk */
			load_journal = au_store_is_empty(s);
			if (load_journal)
				au_store_load_journal(s, true);
			if ((r = au_store_begin(s, err)) < 0)
				goto done;
			in_tx = true;
			/* a first scan: agg is built once at each commit instead
			 * of row by row */
			bulk = au_store_is_empty(s);
			if (bulk && (r = au_store_bulk_begin(s, err)) < 0)
				goto done;
		}
		if (pool) {
			/* at least the file the writer waits for */
			for (; pushed < tasks->len && (pushed <= i || (pushed < i + WINDOW_FILES && ahead < WINDOW_BYTES));
			     pushed++) {
				task *next = &g_array_index(tasks, task, pushed);
				if (!next->unchanged) {
					ahead += next->size;
					g_thread_pool_push(pool, next, NULL);
				}
			}
			g_mutex_lock(&sc->lock);
			while (!t->done)
				g_cond_wait(&sc->cond, &sc->lock);
			g_mutex_unlock(&sc->lock);
		} else {
			au_filejob_run(t->job);
		}
		if ((r = reread_if_moved(sc, t, err)) == 0)
			r = apply(sc, t->job, ri, err);
		au_filejob_free(t->job);
		t->job = NULL;
		if (pool)
			ahead -= t->size;
		if (r < 0)
			goto done;
		if (sc->batch_bytes >= (bulk ? BULK_BATCH_BYTES : BATCH_BYTES)) {
			if ((bulk && (r = au_store_bulk_end(s, err)) < 0) || (r = au_store_commit(s, err)) < 0 ||
			    (r = au_store_begin(s, err)) < 0 || (bulk && (r = au_store_bulk_begin(s, err)) < 0))
				goto done;
			sc->batch_bytes = 0;
		}
		progress(sc, false);
	}
	if (in_tx) {
		if (bulk)
			r = au_store_bulk_end(s, err);
		if (r == 0)
			r = au_store_commit(s, err);
	}
done:
	if (r < 0)
		au_store_rollback(s);
	if (load_journal)
		au_store_load_journal(s, false);
	if (pool)
		g_thread_pool_free(pool, TRUE, TRUE); /* drop queued files, wait for running ones */
	progress(sc, true);
	scanner_release(sc, tasks);
	return r;
}

/*
 * The stored cursors' keys, read on their own thread while the walk runs
 * (the walk uses no store): from the keys file when its tag is the store's
 * stamp now (the store unchanged since the file was made), else from the
 * store. Reading 22k keys from SQLite took 15-20 ms of CPU on the 2 cores
 * the walkers need; the file is read and checked in 2 ms.
 *
 * The keys file sits beside the listing cache, one per store (named by the
 * store's path): au_wc records found by au_wc_path_id of a file's path,
 * the four numbers dev, ino, size and mtime_ns, and one entry, the
 * parser's name. Its tag is the
 * store file's device and inode and au_store_files_stamp: a store copied,
 * replaced or written by anyone since is a different tag.
 */
typedef struct cursor_load {
	au_store *store;
	const char *keys_path; /* NULL: no keys file */
	au_cursor_keys *keys;  /* from the store */
	au_wc *kc;	       /* the keys file, when its tag is the stamp */
	char *stamp;	       /* the tag the keys are good for (NULL: unknown) */
	int r;
	au_err err;
	GMutex lock;
	GCond cond;
	bool loaded;
	gint ready; /* loaded without an error (atomic: walkers look without the lock) */
} cursor_load;

/* The store file's device and inode with its cursors' stamp; NULL when
 * there is none to be had. */
static char *keys_tag(au_store *s, const char *stamp)
{
	struct stat sb;
	if (!stamp || stat(au_store_path(s), &sb) != 0)
		return NULL;
	return g_strdup_printf("%ju:%ju:%s", (uintmax_t)sb.st_dev, (uintmax_t)sb.st_ino, stamp);
}

/* Every key from the store, in place of the keys file; with the tag they
 * are good for when a keys file is kept. */
static int load_store_keys(cursor_load *cl, au_err *err)
{
	char *stamp = NULL;
	g_clear_pointer(&cl->kc, au_wc_free);
	g_clear_pointer(&cl->stamp, g_free);
	int r = au_store_load_cursor_keys(cl->store, au_tool_parser_by_name, &cl->keys, cl->keys_path ? &stamp : NULL,
					  err);
	if (r == 0)
		cl->stamp = keys_tag(cl->store, stamp);
	g_free(stamp);
	return r;
}

static gpointer load_cursors(gpointer p)
{
	cursor_load *cl = p;
	if (cl->keys_path) {
		char *stamp = NULL;
		au_err e;
		if (au_store_files_stamp(cl->store, &stamp, &e) == 0)
			cl->stamp = keys_tag(cl->store, stamp);
		g_free(stamp);
		if (cl->stamp && (cl->kc = au_wc_load(cl->keys_path)) && strcmp(au_wc_tag(cl->kc), cl->stamp) != 0)
			g_clear_pointer(&cl->kc, au_wc_free);
	}
	if (!cl->kc)
		cl->r = load_store_keys(cl, &cl->err);
	g_atomic_int_set(&cl->ready, cl->r == 0);
	g_mutex_lock(&cl->lock);
	cl->loaded = true;
	g_cond_broadcast(&cl->cond);
	g_mutex_unlock(&cl->lock);
	return NULL;
}

/* The stored cursor of path (whose au_wc_path_id is id) was made by p from
 * the file at this version. */
static bool key_matches(const cursor_load *cl, const char *path, uint64_t id, const au_parser_ops *p, int64_t dev,
			int64_t ino, int64_t size, int64_t mtime)
{
	if (cl->kc) {
		au_wc_rec r;
		const uint8_t *e;
		unsigned char type;
		const char *name;
		return au_wc_find(cl->kc, id, 0, &r) && r.num[0] == dev && r.num[1] == ino &&
		       r.num[2] == size && r.num[3] == mtime &&
		       (e = r.entries, au_wc_next_entry(&e, r.entries_end, &type, &name)) && strcmp(name, p->name) == 0;
	}
	const au_cursor_key *key = au_cursor_keys_get(cl->keys, path);
	return key && key->parser == p && dev == key->dev && ino == key->ino && size == key->size &&
	       mtime == key->mtime_ns;
}

/* A walk_hint_fn: path's id in the keys file, whose slot for it is on its
 * way into the cache while the kernel stats the file. A lookup after a
 * stat() missed the cache twice, the slot then the record (au_wc_find was
 * 10 % of a warm run over 22k files). */
static uint64_t hint_key(void *ud, const char *path)
{
	cursor_load *cl = ud;
	uint64_t id = au_wc_path_id(path);
	if (g_atomic_int_get(&cl->ready))
		au_wc_prefetch(cl->kc, id, 0);
	return id;
}

/* A walk_settle_fn: path (read by p; id its hint_key), stat'ed as sb, is as
 * its stored cursor left it. Once the keys are read, the walkers settle
 * each file as they stat it: no path kept, no struct stat copied, for 22k
 * files. */
static bool settle_unchanged(void *ud, const au_parser_ops *p, const char *path, uint64_t id, const struct stat *sb,
			     int64_t *ret_size)
{
	cursor_load *cl = ud;
	int64_t dev, ino, mtime;
	return g_atomic_int_get(&cl->ready) && au_file_version_from(p, path, sb, &dev, &ino, ret_size, &mtime) &&
	       key_matches(cl, path, id, p, dev, ino, *ret_size, mtime);
}

/*
 * A walk_done_fn: the common case of a warm run, settled on the walkers'
 * threads without a task, a sort or an allocation. Once the cursors' keys
 * are read, each file found before they were whose stat() matches its
 * cursor's key leaves found and is only counted (22k files: 10 ms less on
 * the one thread that makes the tasks). The others stay, to be read.
 */
static void drop_unchanged(walk_sink *k, const walk_root *roots, void *ud)
{
	cursor_load *cl = ud;
	g_mutex_lock(&cl->lock);
	while (!cl->loaded)
		g_cond_wait(&cl->cond, &cl->lock);
	g_mutex_unlock(&cl->lock);
	if (cl->r < 0)
		return;
	guint kept = 0;
	for (guint i = 0; i < k->found->len; i++) {
		found *f = &g_array_index(k->found, found, i);
		const au_parser_ops *p = f->statted ? au_file_parser(roots[f->root].src, f->path) : NULL;
		int64_t size;
		if (p && settle_unchanged(cl, p, f->path, au_wc_path_id(f->path), &f->sb, &size)) {
			k->same_files[f->root]++;
			k->same_bytes[f->root] += size;
			g_free(f->path);
			continue;
		}
		g_array_index(k->found, found, kept++) = *f;
	}
	g_array_set_size(k->found, kept);
}

/* The keys file of store s, beside the listing cache at cache_path. */
static char *keys_file_path(au_store *s, const char *cache_path)
{
	if (au_store_readonly(s) || !cache_path || !cache_path[0] || !au_store_path(s))
		return NULL;
	char *dir = g_path_get_dirname(cache_path);
	const char *db = au_store_path(s);
	char *name = g_strdup_printf("keys-%016" PRIx64, au_hash64(db, strlen(db)));
	char *path = g_build_filename(dir, name, NULL);
	g_free(name);
	g_free(dir);
	return path;
}

/* A key's record: its ids, numbers, and one entry, the parser's name. */
static void key_out(GByteArray *b, uint64_t id, const char *parser, const int64_t num[4])
{
	char e[64];
	size_t n = strlen(parser);
	if (n + 2 > sizeof(e))
		return; /* no parser has such a name */
	e[0] = 0;
	memcpy(e + 1, parser, n + 1);
	au_wc_add(b, id, 0, num, e, n + 2);
}

typedef struct keys_out {
	GByteArray *blob;
	GHashTable *learned;
} keys_out;

static void keys_out_file(const au_wc_rec *r, void *ud)
{
	keys_out *o = ud;
	gint64 id = (gint64)r->a;
	if (!g_hash_table_contains(o->learned, &id))
		au_wc_add(o->blob, r->a, r->b, r->num, r->entries, (size_t)(r->entries_end - r->entries));
}

static void keys_out_store(const char *path, const au_cursor_key *k, void *ud)
{
	keys_out *o = ud;
	gint64 id = (gint64)au_wc_path_id(path);
	if (k->parser && !g_hash_table_contains(o->learned, &id))
		key_out(o->blob, (uint64_t)id, k->parser->name, (const int64_t[4]){k->dev, k->ino, k->size, k->mtime_ns});
}

/*
 * Saves the keys file after a scan that changed or learned cursors, when
 * the store holds exactly what this scan knows: the keys it started from
 * (tagged cl->stamp) with what it learned and saved since, and no other
 * writer in between (the stamp's count moved by this scan's saves alone).
 * Otherwise the old file stays, its tag no longer the store's: the next
 * scan reads the store and makes a new one.
 */
static void save_keys_file(scanner *sc, const cursor_load *cl, int64_t saved, au_scan_stats *st)
{
	if (!cl->keys_path || !cl->stamp || (cl->kc && saved == 0 && g_hash_table_size(sc->learned) <= CURSOR_READS_ALONE / 4))
		return;
	char *stamp = NULL, *tag = NULL;
	au_err e;
	if (au_store_files_stamp(sc->store, &stamp, &e) < 0 || !(tag = keys_tag(sc->store, stamp)))
		goto out;
	/* "dev:ino:store:n": the same up to n, and n moved by saved */
	const char *a = strrchr(cl->stamp, ':'), *b = strrchr(tag, ':');
	if (!a || !b || a - cl->stamp != b - tag || strncmp(cl->stamp, tag, (size_t)(a - cl->stamp)) != 0 ||
	    g_ascii_strtoll(b + 1, NULL, 10) != g_ascii_strtoll(a + 1, NULL, 10) + saved)
		goto out;
	keys_out o = {.blob = g_byte_array_sized_new(64 * (g_hash_table_size(sc->learned) + au_wc_count(cl->kc)) + 256),
		      .learned = sc->learned};
	au_wc_start(o.blob, tag);
	if (cl->kc)
		au_wc_each(cl->kc, keys_out_file, &o);
	else if (cl->keys)
		au_cursor_keys_each(cl->keys, keys_out_store, &o);
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, sc->learned);
	while (g_hash_table_iter_next(&it, NULL, &v))
		key_out(o.blob, (uint64_t)((key_rec *)v)->id, ((key_rec *)v)->parser, ((key_rec *)v)->num);
	char *why = NULL;
	if (!au_wc_save(cl->keys_path, o.blob, &why))
		add_info(st, g_strdup_printf("%s: the cursors' keys not saved: %s", cl->keys_path, why));
	g_free(why);
	g_byte_array_unref(o.blob);
out:
	g_free(tag);
	g_free(stamp);
}

/* Saves the listing cache when it changed: a cache that cannot be saved
 * costs the next walk its getdents, nothing else. */
static void save_listing_cache(const char *path, GByteArray *listing, au_scan_stats *st)
{
	char *why = NULL;
	if (!au_wc_save(path, listing, &why))
		add_info(st, g_strdup_printf("%s: the listing cache not saved: %s", path, why));
	g_free(why);
}

int au_scan(au_store *s, au_pricing *p, const au_scan_opts *o, au_scan_stats *st, au_err *err)
{
	scanner sc;
	scanner_init(&sc, s, p, o, st);

	/* every file of every root, each root's files in name order */
	au_root *roots = au_roots_get(sc.opts->only);
	guint n = 0;
	while (roots[n].dir)
		n++;
	walk_root *wr = g_new0(walk_root, n + 1);
	guint first = st->roots->len;
	for (guint i = 0; i < n; i++) {
		struct stat sb;
		au_root_info ri = {.dir = g_strdup(roots[i].dir), .source = roots[i].source};
		ri.exists = stat(roots[i].dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		wr[i] = (walk_root){.dir = ri.dir, .src = ri.source, .exists = ri.exists};
		g_array_append_val(st->roots, ri);
	}
	char *cache_path = sc.opts->listing_cache ? g_strdup(sc.opts->listing_cache) : au_wc_default_path();
	bool caching = cache_path && cache_path[0];
	au_wc *cache = caching ? au_wc_load(cache_path) : NULL;
	GByteArray *listing = NULL;

	char *keys_path = keys_file_path(s, cache_path);
	cursor_load cl = {.store = s, .keys_path = keys_path};
	g_mutex_init(&cl.lock);
	g_cond_init(&cl.cond);
	GThread *loader = g_thread_try_new("cursors", load_cursors, &cl, NULL);
	if (!loader)
		load_cursors(&cl);
	walk_fns fns = {.hint = hint_key, .settle = settle_unchanged, .done = drop_unchanged, .ud = &cl};
	GArray *files = walk_roots(st, wr, n, &fns, caching, cache, &listing);
	if (loader)
		g_thread_join(loader);
	g_mutex_clear(&cl.lock);
	g_cond_clear(&cl.cond);
	for (guint i = 0; i < n; i++) {
		au_root_info *ri = &g_array_index(st->roots, au_root_info, first + i);
		ri->files += wr[i].same_files;
		ri->bytes += wr[i].same_bytes;
		st->files += wr[i].same_files;
		st->files_unchanged += wr[i].same_files;
		st->files_total += wr[i].same_files;
		st->bytes_total += wr[i].same_bytes;
	}
	GArray *tasks = g_array_new(FALSE, TRUE, sizeof(task));
	int r = cl.r;
	if (r < 0 && err)
		*err = cl.err;
	if (r == 0 && cl.kc && files->len > CURSOR_READS_ALONE)
		/* many files the keys file did not settle: every key from the
		 * store at once, as without the file, and a new file after */
		r = load_store_keys(&cl, err);
	sc.keys = cl.keys;
	st->keys_cached = cl.kc != NULL;
	int64_t saved0 = au_store_cursors_saved(s);
	if (keys_path && cl.stamp)
		sc.learned = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	for (guint i = 0; r == 0 && i < files->len; i++) {
		const found *f = &g_array_index(files, found, i);
		r = add_task(&sc, tasks, f->path, f->statted ? &f->sb : NULL, wr[f->root].src, first + f->root, err);
	}
	g_array_free(files, TRUE);
	au_roots_free(roots);
	if (r < 0)
		scanner_release(&sc, tasks);
	else
		r = run_tasks(&sc, tasks, err);
	if (r == 0 && listing)
		save_listing_cache(cache_path, listing, st);
	if (r == 0 && sc.learned)
		save_keys_file(&sc, &cl, au_store_cursors_saved(s) - saved0, st);
	if (sc.learned)
		g_hash_table_destroy(sc.learned);
	if (listing)
		g_byte_array_unref(listing);
	au_wc_free(cache);
	au_wc_free(cl.kc);
	au_cursor_keys_free(cl.keys);
	g_free(cl.stamp);
	g_free(keys_path);
	g_free(cache_path);
	g_free(wr);
	return r;
}

int au_scan_files(au_store *s, au_pricing *p, const au_scan_opts *o, char *const *paths, const au_source *sources,
		  size_t n, au_scan_stats *st, au_err *err)
{
	scanner sc;
	scanner_init(&sc, s, p, o, st);
	au_root_info ri = {.dir = g_strdup("(changed files)"), .exists = true};
	g_array_append_val(st->roots, ri);
	GArray *tasks = g_array_new(FALSE, TRUE, sizeof(task));
	/* sc.keys stays NULL: each file's cursor is read as its task is made */
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = add_task(&sc, tasks, paths[i], NULL, sources[i], st->roots->len - 1, err);
	if (r < 0) {
		scanner_release(&sc, tasks);
		return r;
	}
	return run_tasks(&sc, tasks, err);
}
