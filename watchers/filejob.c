/*
 * One file's incremental read (see filejob.h). File-level trouble: a file
 * that cannot be opened, a corrupt or oversized line, a half-written last
 * line: becomes a warning naming the file and line, never a failure.
 */
#include "filejob.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define READ_CHUNK (1u << 20)

/* Per-thread state of a running job. */
typedef struct reader {
	au_filejob *j;
	const au_parser_ops *p;
	void *state;
	au_cursor *c; /* &j->next */
	/*
	 * Streaming writes several copies of one response on consecutive lines:
	 * the best of such a run is kept here and recorded once (the dedup
	 * rules do not depend on order, so only the number of writes changes).
	 */
	bool have_pending;
	int64_t pending_offset;
	int64_t line_offset; /* of the line being parsed, for its emits */
	au_event pending, scratch;
	/* the last strings interned: a file's records mostly repeat them */
	const char *last_session, *last_model, *last_cwd;
} reader;

static void warn(au_filejob *j, int64_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void warn(au_filejob *j, int64_t line, const char *fmt, ...)
{
	j->warnings_total++;
	if (j->warnings->len >= AU_MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *msg = line > 0 ? g_strdup_printf("%s:%" PRId64 ": %s", j->path, line, text)
			     : g_strdup_printf("%s: %s", j->path, text);
	g_free(text);
	g_ptr_array_add(j->warnings, msg);
}

/* A record the parser left out as AU_PARSE_SKIPPED: counted, and the
 * file's note (for -v) says how many and why. */
static void skipped_record(au_filejob *j, const char *why)
{
	j->skipped_recs++;
	g_free(j->note);
	j->note = g_strdup_printf("%s: %" PRId64 " record(s) skipped: %s", j->path, j->skipped_recs,
				  why && *why ? why : "no usage");
}

au_filejob *au_filejob_new(const char *path, const au_parser_ops *parser, const au_cursor *prev)
{
	au_filejob *j = xcalloc(1, sizeof(*j));
	j->path = xstrdup(path);
	j->parser = parser;
	if (prev) {
		j->prev = xcalloc(1, sizeof(*j->prev));
		*j->prev = *prev;
		j->prev->path = NULL;
		j->prev->state = prev->state ? xstrdup(prev->state) : NULL;
	}
	j->recs = g_array_new(FALSE, FALSE, sizeof(au_rec));
	j->limits = g_array_new(FALSE, FALSE, sizeof(au_limit));
	j->unknown = g_ptr_array_new_with_free_func(g_free);
	j->strings = g_string_chunk_new(4096);
	j->warnings = g_ptr_array_new_with_free_func(g_free);
	return j;
}

void au_filejob_free(au_filejob *j)
{
	if (!j)
		return;
	free(j->path);
	au_cursor_free(j->prev);
	free(j->next.state);
	g_array_free(j->recs, TRUE);
	g_array_free(j->limits, TRUE);
	g_ptr_array_free(j->unknown, TRUE);
	g_string_chunk_free(j->strings);
	g_ptr_array_free(j->warnings, TRUE);
	g_free(j->note);
	free(j);
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

static const char *intern(au_filejob *j, const char *s)
{
	return *s ? g_string_chunk_insert_const(j->strings, s) : "";
}

/* intern() through a one-entry cache of the same field's last string */
static const char *intern_last(au_filejob *j, const char **last, const char *s)
{
	if (!*last || strcmp(*last, s) != 0)
		*last = intern(j, s);
	return *last;
}

static void record(reader *rd, const au_event *ev, int64_t offset)
{
	au_filejob *j = rd->j;
	au_rec r = {
		.source = ev->source,
		.dedup = ev->dedup,
		.sidechain = ev->sidechain,
		.model_fallback = ev->model_fallback,
		.retract = ev->retract,
		.has_tool_cost = ev->has_tool_cost,
		.price_mode = ev->price_mode,
		.tool_cost = ev->tool_cost,
		.ts_ms = ev->ts_ms,
		.offset = offset,
		.tok = ev->tok,
		.key = *ev->key ? g_string_chunk_insert(j->strings, ev->key) : "",
		/* one per response: kept, not looked up among the others */
		.msg_id = *ev->msg_id ? g_string_chunk_insert(j->strings, ev->msg_id) : "",
		.session = intern_last(j, &rd->last_session, ev->session),
		.model = intern_last(j, &rd->last_model, ev->model),
		.cwd = intern_last(j, &rd->last_cwd, ev->cwd),
	};
	g_array_append_val(j->recs, r);
}

/* g_strlcpy's result without its byte-at-a-time loop: the writer copies
 * five strings a record (5 % of its instructions on a dense first scan). */
static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void au_rec_to_event(const au_rec *r, au_event *ev)
{
	ev->source = r->source;
	ev->dedup = r->dedup;
	ev->sidechain = r->sidechain;
	ev->model_fallback = r->model_fallback;
	ev->retract = r->retract;
	ev->has_tool_cost = r->has_tool_cost;
	ev->price_mode = r->price_mode;
	ev->tool_cost = r->tool_cost;
	ev->ts_ms = r->ts_ms;
	ev->tok = r->tok;
	copy_str(ev->key, sizeof(ev->key), r->key);
	copy_str(ev->msg_id, sizeof(ev->msg_id), r->msg_id);
	copy_str(ev->session, sizeof(ev->session), r->session);
	copy_str(ev->model, sizeof(ev->model), r->model);
	copy_str(ev->cwd, sizeof(ev->cwd), r->cwd);
}

static void flush_pending(reader *rd)
{
	if (rd->have_pending)
		record(rd, &rd->pending, rd->pending_offset);
	rd->have_pending = false;
}

/* Whether ev should replace the held copy with the same key (store.c's rules). */
static bool better_copy(const au_event *ev, const au_event *held)
{
	int64_t a = au_tokens_total(&ev->tok), b = au_tokens_total(&held->tok);
	if (ev->dedup == AU_DEDUP_MIN)
		return a < b;
	if (ev->dedup == AU_DEDUP_LATEST || ev->dedup == AU_DEDUP_FALLBACK)
		return true; /* one file: a later copy is its later read */
	return (held->sidechain && !ev->sidechain) || (held->sidechain == ev->sidechain && a > b);
}

static void take_event(reader *rd, const au_event *ev, int64_t offset);
static int emit_event(void *ctx, const au_event *ev);
static void note_unknown(au_filejob *j, const char *name);

static bool same_reading(const au_limit *a, const au_limit *b)
{
	return a->source == b->source && strcmp(a->window, b->window) == 0 && a->used_percent == b->used_percent &&
	       a->resets_at_ms == b->resets_at_ms && a->window_minutes == b->window_minutes &&
	       strcmp(a->plan, b->plan) == 0;
}

/*
 * limit callback. Codex repeats its windows on every token_count event, so
 * most observations say what the one before said (tens of thousands per
 * history). Of a run of identical readings of one window only the first
 * and the last are kept: what `limits` and the statusline read (the latest
 * observation, and the first of a window for its burn rate) is the same,
 * and the store is spared a row per event. The store ignores one it has:
 * a re-read file gives the same ones again.
 */
static int take_limit(void *ctx, const au_limit *lim)
{
	au_filejob *j = ctx;
	j->limits_seen++;
	/* the last two kept readings of this window, a few entries back at
	 * most (windows interleave: primary, secondary, primary, ...) */
	au_limit *last = NULL, *before = NULL;
	for (guint n = j->limits->len, i = n; i > 0 && i + 8 > n && !before; i--) {
		au_limit *x = &g_array_index(j->limits, au_limit, i - 1);
		if (x->source != lim->source || strcmp(x->window, lim->window) != 0)
			continue;
		if (!last)
			last = x;
		else
			before = x;
	}
	if (last && before && same_reading(lim, last) && same_reading(lim, before) &&
	    lim->observed_ms >= last->observed_ms) {
		last->observed_ms = lim->observed_ms; /* the run's tail moves on */
		return 0;
	}
	g_array_append_val(j->limits, *lim);
	return 0;
}

static void handle_line(reader *rd, const char *line, size_t len, int64_t offset)
{
	if (len == 0)
		return;
	rd->j->lines_seen++;
	if (!rd->p->candidate(line, len))
		return;
	au_event *ev = &rd->scratch;
	au_err perr = {{0}};
	int r;
	rd->line_offset = offset;
	int64_t events0 = rd->j->events;
	int64_t limits0 = rd->j->limits_seen;
	ev->unknown[0] = '\0'; /* a parser may name one on a line without usage */
	if (rd->p->parse_line_emit) /* its events come through emit_event */
		r = rd->p->parse_line_emit(rd->state, line, len, emit_event, rd, &perr);
	else
		r = rd->p->parse_line(rd->state, line, len, ev, &perr);
	if (r < 0) {
		rd->j->malformed++;
		rd->j->lines_quiet++;
		warn(rd->j, rd->c->line, "skipped: %s", perr.msg);
		return;
	}
	if (r == 1)
		take_event(rd, ev, offset);
	else if (!rd->p->parse_line_emit && ev->unknown[0] && memchr(ev->unknown, '\0', sizeof(ev->unknown)))
		note_unknown(rd->j, ev->unknown); /* an unknown record type, say */
	if (rd->p->parse_limits && rd->p->parse_limits(rd->state, line, len, take_limit, rd->j, &perr) < 0) {
		rd->j->malformed++;
		warn(rd->j, rd->c->line, "rate limits skipped: %s", perr.msg);
	}
	if (rd->j->events == events0 && rd->j->limits_seen == limits0)
		rd->j->lines_quiet++;
}

/* emit callback of whole-document, database and several-per-line parsers */
static int emit_event(void *ctx, const au_event *ev)
{
	reader *rd = ctx;
	take_event(rd, ev, rd->p->storage == AU_STORAGE_JSONL ? rd->line_offset : rd->c->offset);
	return 0;
}

/* A name the parser did not know (au_event.unknown): kept once per file
 * for the scan to log once per tool (plan_limits.h au_store_unknown_field). */
static void note_unknown(au_filejob *j, const char *name)
{
	for (guint i = 0; i < j->unknown->len; i++)
		if (strcmp(j->unknown->pdata[i], name) == 0)
			return;
	if (j->unknown->len < AU_MAX_UNKNOWN)
		g_ptr_array_add(j->unknown, g_strdup(name));
}

/* Keeps the best of a run of same-key copies; records the others. */
static void take_event(reader *rd, const au_event *ev, int64_t offset)
{
	if (ev->retract) {
		/* a withdrawal is never merged: it must reach the store after
		 * what it withdraws, and on its own */
		flush_pending(rd);
		record(rd, ev, offset);
		return;
	}
	rd->j->events++;
	if (ev->unknown[0] && memchr(ev->unknown, '\0', sizeof(ev->unknown)))
		note_unknown(rd->j, ev->unknown);
	if (rd->have_pending && ev->key[0] && strcmp(ev->key, rd->pending.key) == 0) {
		rd->j->merged++;
		if (better_copy(ev, &rd->pending)) {
			rd->pending = *ev;
			rd->pending_offset = offset;
		}
		return;
	}
	flush_pending(rd);
	rd->pending = *ev;
	rd->pending_offset = offset;
	rd->have_pending = true;
}

static void free_thread_buf(gpointer p)
{
	au_buf_release(p);
	free(p);
}

/* The calling reader thread's buffer: grows to the longest line, is
 * reused file after file, and is freed when the thread exits. */
static au_buf *thread_buf(void)
{
	static GPrivate key = G_PRIVATE_INIT(free_thread_buf);
	au_buf *b = g_private_get(&key);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		au_buf_init(b, AU_LINE_CAP);
		g_private_set(&key, b);
	}
	return b;
}

/* Reads from c->offset to EOF; only complete lines are consumed. */
static void read_lines(reader *rd, int fd)
{
	au_buf *b = thread_buf();
	au_filejob *j = rd->j;
	au_cursor *c = rd->c;
	b->cap = AU_LINE_CAP;
	b->len = 0;
	/* room for two reads before the partial line must move; the -1 keeps
	 * the NUL inside 2 MiB (au_buf_reserve doubles past it: 4 MiB here cost
	 * 8 MiB per reader thread, the largest part of a scan's peak RSS) */
	au_buf_reserve(b, 2 * READ_CHUNK - 1);
	bool skipping = false; /* inside a line longer than AU_LINE_CAP */
	int64_t skipped = 0;   /* bytes of that line already thrown away */
	int64_t skip_line = 0;
	if (lseek(fd, c->offset, SEEK_SET) < 0) {
		warn(j, 0, "cannot seek: %s", strerror(errno));
		return;
	}
	size_t head = 0; /* data[head, len) is read but not yet consumed */
	for (;;) {
		/* Move the unconsumed tail to the front only when the buffer's
		 * free end gets short, not after every read. */
		if (head > 0 && b->alloc - 1 - b->len < READ_CHUNK) {
			memmove(b->data, b->data + head, b->len - head);
			b->len -= head;
			head = 0;
		}
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
			warn(j, c->line + 1, "read error: %s", strerror(errno));
			j->unreadable++;
			break;
		}
		if (n == 0)
			break;
		/* data[head, len) held no newline: only the new bytes are searched */
		char *pos = b->data + head, *search = b->data + b->len;
		b->len += (size_t)n;
		j->bytes_read += n;

		char *end = b->data + b->len;
		char *nl;
		while ((nl = memchr(search, '\n', (size_t)(end - search)))) {
			size_t len = (size_t)(nl - pos);
			int64_t line_off = c->offset;
			c->offset += (int64_t)len + 1;
			c->line++;
			if (skipping) {
				/* the tail of an oversized line */
				c->offset += skipped;
				skipping = false;
				skipped = 0;
				j->oversized++;
				warn(j, skip_line, "skipped: line longer than %u MiB", AU_LINE_CAP >> 20);
			} else {
				handle_line(rd, pos, len, line_off);
			}
			pos = search = nl + 1;
		}
		head = (size_t)(pos - b->data);
		if (skipping) {
			skipped += (int64_t)(b->len - head);
			b->len = 0;
			head = 0;
		}
	}
	b->len -= head; /* what is left is the partial last line */
	if (skipping || b->len > 0)
		j->partial++;
	/* a very long line should not pin its memory for the rest of the scan */
	if (b->alloc > 16 * READ_CHUNK)
		au_buf_release(b);
}

bool au_file_version(const au_parser_ops *p, const char *path, int64_t *ret_dev, int64_t *ret_ino,
		     int64_t *ret_size, int64_t *ret_mtime_ns)
{
	return au_file_version_from(p, path, NULL, ret_dev, ret_ino, ret_size, ret_mtime_ns);
}

bool au_file_version_from(const au_parser_ops *p, const char *path, const struct stat *known, int64_t *ret_dev,
			  int64_t *ret_ino, int64_t *ret_size, int64_t *ret_mtime_ns)
{
	struct stat sb;
	if (known)
		sb = *known;
	else if (stat(path, &sb) < 0)
		return false;
	*ret_dev = (int64_t)sb.st_dev;
	*ret_ino = (int64_t)sb.st_ino;
	*ret_size = sb.st_size;
	*ret_mtime_ns = mtime_ns(&sb);
	if (p->storage == AU_STORAGE_SQLITE) {
		/* writes reach the -wal long before the database file */
		char *wal = xasprintf("%s-wal", path);
		if (stat(wal, &sb) == 0) {
			*ret_size += sb.st_size;
			if (mtime_ns(&sb) > *ret_mtime_ns)
				*ret_mtime_ns = mtime_ns(&sb);
		}
		free(wal);
	}
	return true;
}

/* AU_STORAGE_FILE: the whole document, parsed on every change. */
static void read_document(reader *rd, int fd)
{
	au_filejob *j = rd->j;
	au_buf *b = thread_buf();
	b->len = 0;
	if (rd->c->size > (int64_t)AU_FILE_CAP) {
		j->oversized++;
		warn(j, 0, "skipped: larger than %u MiB", AU_FILE_CAP >> 20);
		return;
	}
	for (;;) {
		if (au_buf_reserve(b, READ_CHUNK) < 0) {
			j->oversized++;
			warn(j, 0, "skipped: larger than %u MiB", AU_FILE_CAP >> 20);
			return;
		}
		ssize_t n = read(fd, b->data + b->len, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			j->unreadable++;
			warn(j, 0, "read error: %s", strerror(errno));
			return;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		j->bytes_read += n;
	}
	rd->c->offset = (int64_t)b->len;
	au_err perr = {{0}};
	int pr = rd->p->parse_file(rd->state, b->data, b->len, emit_event, rd, &perr);
	if (pr == AU_PARSE_SKIPPED)
		skipped_record(j, perr.msg);
	if (pr < 0) {
		/* a tool caught mid-rewrite looks like this too: nothing is kept,
		 * and the next change reads it again */
		j->malformed++;
		warn(j, 0, "skipped: %s", perr.msg);
		rd->have_pending = false;
		g_array_set_size(j->recs, 0);
	}
}

/* AU_STORAGE_SQLITE: the parser's query, read-only, no write lock taken. */
static void read_database(reader *rd, bool incremental)
{
	au_filejob *j = rd->j;
	const au_parser_ops *p = rd->p;
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(j->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	sqlite3_stmt *st = NULL;
	int64_t since[2];
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 2000);
		/* only what changed since the watermark of the last read */
		if (incremental && p->query_since && p->since && p->since(rd->state, since) &&
		    sqlite3_prepare_v2(db, p->query_since, -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, since[0]);
			sqlite3_bind_int64(st, 2, since[1]);
		} else {
			if (incremental && p->init)
				p->init(rd->state, j->path); /* a full read starts clean */
			rc = sqlite3_prepare_v2(db, p->query, -1, &st, NULL);
		}
	}
	if (rc != SQLITE_OK) {
		j->unreadable++;
		j->outcome = AU_JOB_UNREADABLE; /* keep the old cursor: try again */
		warn(j, 0, "cannot read the database: %s", db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return;
	}
	int ncols = sqlite3_column_count(st);
	const char **cols = xcalloc((size_t)ncols, sizeof(char *));
	size_t *lens = xcalloc((size_t)ncols, sizeof(size_t));
	int64_t row = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row++;
		for (int i = 0; i < ncols; i++) {
			cols[i] = (const char *)sqlite3_column_text(st, i);
			lens[i] = (size_t)sqlite3_column_bytes(st, i);
			j->bytes_read += (int64_t)lens[i];
		}
		au_err perr = {{0}};
		rd->c->line = row;
		int pr = p->parse_row(rd->state, ncols, cols, lens, emit_event, rd, &perr);
		if (pr == AU_PARSE_SKIPPED) {
			skipped_record(j, perr.msg);
		} else if (pr < 0) {
			j->malformed++;
			warn(j, 0, "row %" PRId64 " skipped: %s", row, perr.msg);
		}
	}
	if (rc != SQLITE_DONE) {
		j->unreadable++;
		j->outcome = AU_JOB_UNREADABLE;
		warn(j, 0, "reading the database stopped: %s%s", sqlite3_errmsg(db),
		     rc == SQLITE_BUSY ? " (it is locked by its program; the next scan tries again)" : "");
		rd->have_pending = false;
		g_array_set_size(j->recs, 0);
	}
	free(cols);
	free(lens);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* What a file that is not a regular one is, for the note that skips it. */
static const char *file_kind(mode_t m)
{
	return S_ISFIFO(m)  ? "a FIFO"
	       : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISDIR(m)  ? "a directory"
			     : "not a regular file";
}

void au_filejob_run(au_filejob *j)
{
	const au_parser_ops *p = j->parser;
	/*
	 * A log name can be given to anything: a FIFO would block open() (and
	 * the watcher with it) forever, a link to /dev/urandom would never end.
	 * Open without blocking and read only what fstat() calls a regular file.
	 */
	struct stat fsb;
	int fd = p->storage == AU_STORAGE_SQLITE ? -2
		 : open(j->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	bool regular = fd >= 0 ? fstat(fd, &fsb) == 0 && S_ISREG(fsb.st_mode)
		       : fd == -2 && stat(j->path, &fsb) == 0 ? S_ISREG(fsb.st_mode)
							    : true; /* gone: the warning below */
	if (!regular) {
		j->outcome = AU_JOB_SKIPPED;
		j->note = g_strdup_printf("%s: skipped: %s, not a log file", j->path, file_kind(fsb.st_mode));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0) {
		/* back to blocking reads for a regular file */
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	int64_t dev, ino, size, mtime;
	if (fd == -1 || !au_file_version(p, j->path, &dev, &ino, &size, &mtime)) {
		j->outcome = AU_JOB_UNREADABLE;
		j->unreadable++;
		warn(j, 0, "cannot %s: %s", fd == -1 ? "open" : "stat", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	j->bytes_total = size;
	struct stat db;
	if (p->storage == AU_STORAGE_SQLITE && stat(j->path, &db) == 0 && db.st_size < 512) {
		/* A database being created: opening it now would only find no
		 * tables, and our read lock could fail its creator's switch to
		 * WAL. Its next change brings it back here. */
		j->outcome = AU_JOB_UNCHANGED;
		return;
	}

	const au_cursor *prev = j->prev;
	bool fresh = true;
	if (prev && prev->parser == p) {
		bool same_file = dev == prev->dev && ino == prev->ino;
		if (same_file && size == prev->size && mtime == prev->mtime_ns) {
			j->outcome = AU_JOB_UNCHANGED;
			if (fd >= 0)
				close(fd);
			return;
		}
		uint64_t fp = 0;
		if (p->storage == AU_STORAGE_SQLITE && p->query_since && same_file && prev->state)
			fresh = false; /* a database: what changed since the watermark */
		else if (p->storage != AU_STORAGE_JSONL)
			fresh = true; /* documents are read whole */
		else if (same_file && size >= prev->offset && size >= prev->fp_len &&
			 fingerprint(fd, prev->fp_len, &fp) == 0 && fp == prev->fp &&
			 (prev->state || !p->load))
			fresh = false; /* appended to: resume */
		else
			/* truncated, replaced or rewritten; or read before by a
			 * version of the parser that kept no state to resume with */
			j->reread = true;
	}
	j->outcome = AU_JOB_READ;

	reader rd = {.j = j, .p = p, .c = &j->next};
	rd.state = xcalloc(1, p->state_size ? p->state_size : 1);
	if (p->init)
		p->init(rd.state, j->path);
	if (!fresh && prev->state && p->load) {
		au_err lerr;
		if (p->load(rd.state, prev->state, &lerr) < 0) {
			warn(j, 0, "%s; reading the file again from the start", lerr.msg);
			p->init(rd.state, j->path);
			fresh = true;
			j->reread = true;
		}
	}
	au_cursor *c = &j->next;
	c->parser = p;
	c->offset = fresh ? 0 : prev->offset;
	c->line = fresh ? 0 : prev->line;
	c->dev = dev;
	c->ino = ino;
	c->size = size;
	c->mtime_ns = mtime;
	if (p->storage != AU_STORAGE_JSONL) {
		/*
		 * A document or database changed in the last moments may change
		 * again within the same tick of the file system's clock, to the
		 * same size (a row updated in place): its size and time would
		 * then say "unchanged" although this read missed the change.
		 * Such a racy version is not trusted: the next look reads again.
		 */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		if (now_ns - mtime < INT64_C(2000000000))
			c->mtime_ns = -1;
	}
	c->fp_len = 0;
	c->fp = au_hash64("", 0);
	if (fd >= 0) {
		c->fp_len = size < AU_FP_BYTES ? size : AU_FP_BYTES;
		if (fingerprint(fd, c->fp_len, &c->fp) < 0) {
			c->fp_len = 0;
			c->fp = au_hash64("", 0);
		}
	}

	switch (p->storage) {
	case AU_STORAGE_JSONL:
		read_lines(&rd, fd);
		break;
	case AU_STORAGE_FILE:
		read_document(&rd, fd);
		break;
	case AU_STORAGE_SQLITE:
		read_database(&rd, !fresh);
		break;
	}
	flush_pending(&rd);
	c->state = p->save ? p->save(rd.state) : NULL;
	free(rd.state);
	if (fd >= 0)
		close(fd);
}
