/*
 * The incremental scan: walk every source root, compare each log file with
 * its cursor (device, inode, size, mtime, head fingerprint), parse only the
 * bytes that are new, and record events and cursors in one transaction per
 * batch, so a crash or a full disk never loses or double-counts anything.
 * Files are read and parsed on worker threads (filejob.c); this thread is
 * the store's one writer and takes their results in sorted file order, so
 * the outcome does not depend on thread timing.
 */
#ifndef AU_SCAN_H
#define AU_SCAN_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "filejob.h"
#include "parser.h"
#include "pricing.h"
#include "store.h"

typedef struct au_root_info {
	char *dir;
	au_source source;
	bool exists;
	int64_t files, bytes;
} au_root_info;

typedef struct au_scan_stats {
	GArray *roots; /* au_root_info */
	int64_t files, files_read, files_unchanged, files_reread;
	int64_t bytes_total, bytes_read;
	/* known before reading: every file the scan looks at, and the bytes
	 * of the ones it has to read (new, grown or replaced), for an ETA */
	int64_t files_total, bytes_todo;
	int64_t lines, events, responses_new, responses_replaced, copies_kept, replays;
	int64_t malformed, unreadable, oversized, partial_lines;
	/* directories walked, and those of them listed from the listing cache */
	int64_t dirs, dirs_cached;
	/* the stored cursors' keys came from the keys file (scan.c), not the store */
	bool keys_cached;
	GPtrArray *warnings;    /* "path:line: text", first AU_MAX_WARNINGS */
	/* Paths with a log's name that are not regular files (FIFOs, devices,
	 * links to them): skipped, named once each for -v; first AU_MAX_WARNINGS */
	GPtrArray *notes;
	int64_t skipped;
	int64_t warnings_total;
	GHashTable *unpriced;   /* model -> number of responses (GINT_TO_POINTER) */
	GHashTable *fallback;   /* models substituted for missing ones -> count */
	/* malformed + oversized + unreadable, per source (for /metrics) */
	int64_t errors_by_source[AU_SRC_MAX];
	/* au_unknown_note lines: a field or record type the parser did not
	 * know, seen for the first time ever (the store remembers): to log once */
	GPtrArray *unknown;
} au_scan_stats;

/* The note for a name a parser did not know (parser.h au_event.unknown),
 * g_free it: "claude: usage.NAME is a field we do not know yet (...)",
 * "codex: record type 'event_msg/NAME' is one we do not know yet (...)". */
char *au_unknown_note(au_source src, const char *name);

typedef void (*au_progress_fn)(void *ud, const au_scan_stats *st);

typedef struct au_scan_opts {
	au_source only; /* AU_SRC_NONE: every source */
	int threads;    /* reader threads; 0: one per core, at most 4 */
	au_progress_fn progress;
	void *progress_ud;
	/* the walk's cache of directory listings (walkcache.h): NULL for
	 * au_wc_default_path(), "" for none */
	const char *listing_cache;
} au_scan_opts;

/* The text of a progress line, elapsed_s into a scan (no carriage return,
 * no newline): "scanning: 12/20000 files, 1700/10240 MiB, 850 MiB/s,
 * ETA 10s", files done of all, MiB read of those to read, the rate so far
 * and the time left at that rate ("-" before anything was read). */
void au_scan_progress_line(const au_scan_stats *st, double elapsed_s, char *buf, size_t n);

void au_scan_stats_init(au_scan_stats *st);
void au_scan_stats_release(au_scan_stats *st);

/* Returns 0, or a negative errno when the store could not be written
 * (everything committed before that stays). File problems are warnings. */
int au_scan(au_store *s, au_pricing *p, const au_scan_opts *o, au_scan_stats *st, au_err *err);

/* The same for a given list of files (the watcher's changed files), in
 * the order given, in one transaction. */
int au_scan_files(au_store *s, au_pricing *p, const au_scan_opts *o, char *const *paths, const au_source *sources,
		  size_t n, au_scan_stats *st, au_err *err);

#endif
