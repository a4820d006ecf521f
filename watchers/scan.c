/*
 * Incremental scan of every log file: see scan.h. File-level trouble
 * (unreadable, corrupt lines, oversized lines, a half-written last line)
 * becomes a warning naming the file and line; only store failures stop it.
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources.h"

#define READ_CHUNK (1u << 20)
#define BATCH_BYTES (256 << 20) /* commit at least this often */

typedef struct scanner {
	au_store *store;
	au_pricing *pricing;
	au_scan_stats *st;
	const au_scan_opts *opts;
	GHashTable *cursors;
	au_buf buf;
	int64_t batch_bytes;
	gint64 last_progress;
	/*
	 * Streaming writes several copies of one response on consecutive lines:
	 * the best of a run of same-key events is held here and written once
	 * (the dedup rules do not depend on order, so this changes nothing but
	 * the number of store writes).
	 */
	bool have_pending;
	au_event pending;
	int64_t pending_file, pending_offset;
	au_event scratch;
} scanner;

void au_scan_stats_init(au_scan_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->roots = g_array_new(FALSE, TRUE, sizeof(au_root_info));
	st->warnings = g_ptr_array_new_with_free_func(g_free);
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
	if (st->unpriced)
		g_hash_table_destroy(st->unpriced);
	if (st->fallback)
		g_hash_table_destroy(st->fallback);
	memset(st, 0, sizeof(*st));
}

static void warn(scanner *sc, const char *path, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(scanner *sc, const char *path, int64_t line, const char *fmt, ...)
{
	sc->st->warnings_total++;
	if (sc->st->warnings->len >= AU_MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *msg = line > 0 ? g_strdup_printf("%s:%" PRId64 ": %s", path, line, text)
			     : g_strdup_printf("%s: %s", path, text);
	g_free(text);
	g_ptr_array_add(sc->st->warnings, msg);
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

/* Collects log files under dir (not following symlinked directories). */
static void walk(const char *dir, au_source src, GPtrArray *out, int depth)
{
	if (depth > 16)
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
		unsigned char type = de->d_type;
		if (type == DT_UNKNOWN || type == DT_LNK) {
			struct stat sb;
			/* a symlinked file is read; a symlinked directory is not walked */
			if (type == DT_LNK ? stat(path, &sb) == 0 && S_ISREG(sb.st_mode)
					   : lstat(path, &sb) == 0)
				type = S_ISDIR(sb.st_mode) && type != DT_LNK ? DT_DIR
				       : S_ISREG(sb.st_mode)		      ? DT_REG
										      : DT_UNKNOWN;
			else
				type = DT_UNKNOWN;
		}
		if (type == DT_DIR)
			walk(path, src, out, depth + 1);
		else if (type == DT_REG && au_source_wants_file(src, n)) {
			g_ptr_array_add(out, path);
			path = NULL;
		}
		g_free(path);
	}
	closedir(d);
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int fingerprint(int fd, int64_t len, uint64_t *ret)
{
	char head[AU_FP_BYTES];
	if (len > AU_FP_BYTES)
		len = AU_FP_BYTES;
	ssize_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, head + got, (size_t)(len - got), got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += n;
	}
	*ret = au_hash64(head, (size_t)len);
	return 0;
}

static int64_t mtime_ns(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

static void count_put(scanner *sc, const au_event *ev, bool priced, au_put_result res)
{
	switch (res) {
	case AU_PUT_NEW:
		sc->st->responses_new++;
		break;
	case AU_PUT_REPLACED:
		sc->st->responses_replaced++;
		break;
	case AU_PUT_KEPT:
		sc->st->copies_kept++;
		break;
	case AU_PUT_REPLAY:
		sc->st->replays++;
		break;
	}
	if (res == AU_PUT_NEW || res == AU_PUT_REPLACED) {
		if (!priced)
			count_model(sc->st->unpriced, ev->model);
		if (ev->model_fallback)
			count_model(sc->st->fallback, ev->model);
	}
}

/* Writes the held event, if any. */
static int flush_pending(scanner *sc, au_err *err)
{
	if (!sc->have_pending)
		return 0;
	sc->have_pending = false;
	const au_event *ev = &sc->pending;
	int64_t cost = AU_COST_UNPRICED;
	const au_model_price *mp = au_pricing_lookup(sc->pricing, ev->model);
	if (mp)
		cost = au_cost_pico(mp, &ev->tok);
	au_put_result res;
	int r = au_store_put(sc->store, ev, sc->pending_file, sc->pending_offset, cost, &res, err);
	if (r < 0)
		return r;
	count_put(sc, ev, mp != NULL, res);
	return 0;
}

/* Whether ev should replace the held copy with the same key (store.c's rules). */
static bool better_copy(const au_event *ev, const au_event *held)
{
	int64_t a = au_tokens_total(&ev->tok), b = au_tokens_total(&held->tok);
	if (ev->dedup == AU_DEDUP_MIN)
		return a < b;
	return (held->sidechain && !ev->sidechain) || (held->sidechain == ev->sidechain && a > b);
}

/* Handles one complete line; a negative return is a store failure. */
static int handle_line(scanner *sc, const au_parser_ops *p, void *state, au_cursor *c, const char *line,
		       size_t len, int64_t offset, au_err *err)
{
	if (len == 0 || !p->candidate(line, len))
		return 0;
	au_event *ev = &sc->scratch;
	au_err perr = {{0}};
	int r = p->parse_line(state, line, len, ev, &perr);
	if (r < 0) {
		sc->st->malformed++;
		warn(sc, c->path, c->line, "skipped: %s", perr.msg);
		return 0;
	}
	if (r == 0)
		return 0;
	sc->st->events++;
	if (sc->have_pending && ev->key[0] && strcmp(ev->key, sc->pending.key) == 0) {
		sc->st->copies_kept++; /* one of the two copies is not written */
		if (better_copy(ev, &sc->pending)) {
			sc->pending = *ev;
			sc->pending_offset = offset;
		}
		return 0;
	}
	if ((r = flush_pending(sc, err)) < 0)
		return r;
	sc->pending = *ev;
	sc->pending_file = c->id;
	sc->pending_offset = offset;
	sc->have_pending = true;
	return 0;
}

/*
 * Reads a file from c->offset to EOF, line by line. Only complete lines are
 * consumed; a trailing partial line waits for the next scan.
 */
static int read_lines(scanner *sc, int fd, const au_parser_ops *p, void *state, au_cursor *c, au_err *err)
{
	au_buf *b = &sc->buf;
	b->len = 0;
	bool skipping = false; /* inside a line longer than AU_LINE_CAP */
	int64_t skipped = 0;   /* bytes of that line already thrown away */
	int64_t skip_line = 0;
	if (lseek(fd, c->offset, SEEK_SET) < 0) {
		warn(sc, c->path, 0, "cannot seek: %s", strerror(errno));
		return 0;
	}
	for (;;) {
		if (au_buf_reserve(b, READ_CHUNK) < 0 && b->alloc - 1 == b->len) {
			/* The buffer is at its cap and holds no newline. */
			if (!skipping) {
				skipping = true;
				skip_line = c->line + 1;
			}
			skipped += (int64_t)b->len;
			b->len = 0;
			continue;
		}
		size_t room = b->alloc - 1 - b->len;
		if (room > READ_CHUNK)
			room = READ_CHUNK;
		ssize_t n = read(fd, b->data + b->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			warn(sc, c->path, c->line + 1, "read error: %s", strerror(errno));
			sc->st->unreadable++;
			break;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		sc->st->bytes_read += n;
		sc->batch_bytes += n;

		char *pos = b->data, *end = b->data + b->len;
		char *nl;
		while ((nl = memchr(pos, '\n', (size_t)(end - pos)))) {
			size_t len = (size_t)(nl - pos);
			int64_t line_off = c->offset;
			c->offset += (int64_t)len + 1;
			c->line++;
			if (skipping) {
				/* the tail of an oversized line */
				c->offset += skipped;
				skipping = false;
				skipped = 0;
				sc->st->oversized++;
				warn(sc, c->path, skip_line, "skipped: line longer than %u MiB",
				     AU_LINE_CAP >> 20);
			} else {
				int r = handle_line(sc, p, state, c, pos, len, line_off, err);
				if (r < 0)
					return r;
			}
			pos = nl + 1;
		}
		size_t rest = (size_t)(end - pos);
		if (skipping) {
			skipped += (int64_t)rest;
			b->len = 0;
			continue;
		}
		memmove(b->data, pos, rest);
		b->len = rest;
		progress(sc, false);
	}
	if (skipping || b->len > 0)
		sc->st->partial_lines++;
	return 0;
}

static int scan_file(scanner *sc, const char *path, au_source src, au_root_info *ri, au_err *err)
{
	const au_parser_ops *p = au_parser_by_source(src);
	sc->st->files++;
	ri->files++;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		sc->st->unreadable++;
		warn(sc, path, 0, "cannot open: %s", strerror(errno));
		return 0;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		sc->st->unreadable++;
		warn(sc, path, 0, "cannot stat: %s", strerror(errno));
		close(fd);
		return 0;
	}
	ri->bytes += sb.st_size;
	sc->st->bytes_total += sb.st_size;

	au_cursor *c = g_hash_table_lookup(sc->cursors, path);
	bool fresh = true;
	if (c && c->source == src) {
		if ((int64_t)sb.st_dev == c->dev && (int64_t)sb.st_ino == c->ino &&
		    sb.st_size == c->size && mtime_ns(&sb) == c->mtime_ns) {
			sc->st->files_unchanged++;
			close(fd);
			return 0;
		}
		uint64_t fp = 0;
		if ((int64_t)sb.st_dev == c->dev && (int64_t)sb.st_ino == c->ino && sb.st_size >= c->offset &&
		    sb.st_size >= c->fp_len && fingerprint(fd, c->fp_len, &fp) == 0 && fp == c->fp)
			fresh = false; /* appended to: resume */
		else
			sc->st->files_reread++; /* truncated, replaced or rewritten */
	} else if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->path = xstrdup(path);
		g_hash_table_replace(sc->cursors, c->path, c);
	}
	c->source = src;

	void *state = xcalloc(1, p->state_size);
	p->init(state, path);
	if (!fresh && c->state && p->load) {
		au_err lerr;
		if (p->load(state, c->state, &lerr) < 0) {
			warn(sc, path, 0, "%s; reading the file again from the start", lerr.msg);
			p->init(state, path);
			fresh = true;
		}
	}
	if (fresh) {
		c->offset = 0;
		c->line = 0;
	}
	c->dev = (int64_t)sb.st_dev;
	c->ino = (int64_t)sb.st_ino;
	c->size = sb.st_size;
	c->mtime_ns = mtime_ns(&sb);
	c->fp_len = sb.st_size < AU_FP_BYTES ? sb.st_size : AU_FP_BYTES;
	if (fingerprint(fd, c->fp_len, &c->fp) < 0)
		c->fp_len = 0, c->fp = au_hash64("", 0);

	int r = 0;
	if (!c->id && (r = au_store_save_cursor(sc->store, c, err)) < 0)
		goto out;
	sc->st->files_read++;
	if ((r = read_lines(sc, fd, p, state, c, err)) < 0 || (r = flush_pending(sc, err)) < 0)
		goto out;
	free(c->state);
	c->state = p->save ? p->save(state) : NULL;
	r = au_store_save_cursor(sc->store, c, err);
out:
	free(state);
	close(fd);
	return r;
}

int au_scan(au_store *s, au_pricing *p, const au_scan_opts *o, au_scan_stats *st, au_err *err)
{
	static const au_scan_opts defaults = {0};
	scanner sc = {.store = s, .pricing = p, .st = st, .opts = o ? o : &defaults};
	au_buf_init(&sc.buf, AU_LINE_CAP);
	int r = au_store_load_cursors(s, (void **)&sc.cursors, err);
	if (r < 0)
		return r;

	au_root *roots = au_roots_get(sc.opts->only);
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	if ((r = au_store_begin(s, err)) < 0)
		goto done;
	for (au_root *rt = roots; rt->dir; rt++) {
		struct stat sb;
		au_root_info ri = {.dir = g_strdup(rt->dir), .source = rt->source};
		ri.exists = stat(rt->dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		g_ptr_array_set_size(files, 0);
		if (ri.exists)
			walk(rt->dir, rt->source, files, 0);
		g_ptr_array_sort(files, cmp_str);
		for (guint i = 0; i < files->len; i++) {
			if ((r = scan_file(&sc, files->pdata[i], rt->source, &ri, err)) < 0) {
				g_array_append_val(st->roots, ri);
				goto done;
			}
			if (sc.batch_bytes >= BATCH_BYTES) {
				if ((r = au_store_commit(s, err)) < 0 || (r = au_store_begin(s, err)) < 0) {
					g_array_append_val(st->roots, ri);
					goto done;
				}
				sc.batch_bytes = 0;
			}
		}
		g_array_append_val(st->roots, ri);
	}
	r = au_store_commit(s, err);
done:
	if (r < 0)
		au_store_rollback(s);
	progress(&sc, true);
	g_ptr_array_free(files, TRUE);
	au_roots_free(roots);
	g_hash_table_destroy(sc.cursors);
	au_buf_release(&sc.buf);
	return r;
}
