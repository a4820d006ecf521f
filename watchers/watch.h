/*
 * The live watcher: inotify watches on every source root (and, for a root
 * that does not exist yet, on its nearest existing ancestor), new
 * directories watched as they appear, changed log files collected and
 * scanned in one transaction per burst. It owns no loop: the caller polls
 * au_watch_fd() (cmd_watch.c uses the GLib main loop) and calls
 * au_watch_dispatch() when readable and au_watch_flush() before sleeping.
 */
#ifndef AU_WATCH_H
#define AU_WATCH_H

#include <stdbool.h>
#include <stdio.h>

#include "pricing.h"
#include "scan.h"
#include "store.h"

typedef struct au_watch au_watch;

typedef struct au_watch_opts {
	au_store *store;
	au_pricing *pricing;
	FILE *log;   /* one line per notable thing; never NULL */
	int verbose; /* 1: a line per stored batch */
} au_watch_opts;

/* Sets up the watches and runs a first full incremental scan. */
int au_watch_new(const au_watch_opts *o, au_watch **ret, au_err *err);
void au_watch_free(au_watch *w);

int au_watch_fd(const au_watch *w);
/* Drains the inotify queue (non-blocking) into the set of changed files. */
void au_watch_dispatch(au_watch *w);
/* Whether changed files (or a pending rescan) wait for au_watch_flush. */
bool au_watch_pending(const au_watch *w);
/* Whether the next flush is a full rescan (the event queue overflowed):
 * until it is done, the store may lack changes no event named. */
bool au_watch_rescan_pending(const au_watch *w);
/* Scans what changed in one transaction (or everything after a queue
 * overflow). *ret_stored: responses added or updated. */
int au_watch_flush(au_watch *w, int64_t *ret_stored, au_err *err);
/* A full incremental rescan, as after an overflow. */
int au_watch_rescan(au_watch *w, au_err *err);
/* Some directory could not be watched (the inotify watch limit): the
 * caller should rescan periodically until a restart. */
bool au_watch_degraded(const au_watch *w);
/* au_roots_fingerprint of the roots this watcher watches. */
uint64_t au_watch_roots_fingerprint(const au_watch *w);
size_t au_watch_count(const au_watch *w);
/* Malformed, oversized and unreadable input per source, summed over every
 * scan this watcher ran (for the dashboard's /metrics). */
void au_watch_scan_errors(const au_watch *w, int64_t ret_errors[AU_SRC_MAX]);
/* When inotify last reported a change to a log file of each source (UTC
 * ms; 0: none since the watcher started), for /metrics. */
void au_watch_last_events(const au_watch *w, int64_t ret_ms[AU_SRC_MAX]);

#endif
