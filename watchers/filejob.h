/*
 * Reading one log file: compare it with its stored cursor, read only the
 * new complete lines, run the parser, and collect the usage records with
 * the file's new cursor. No SQLite here, so a job can run on a worker
 * thread while the scan's one writer stores the results of earlier files.
 */
#ifndef AU_FILEJOB_H
#define AU_FILEJOB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "parser.h"
#include "store.h"

#define AU_LINE_CAP (64u << 20) /* longest line we hold in memory */
#define AU_FP_BYTES 1024        /* head of a file hashed to spot rewrites */
#define AU_MAX_WARNINGS 50      /* kept verbatim; the rest are counted */

/* A usage event with its strings interned in the job (compact: a file can
 * hold thousands). */
typedef struct au_rec {
	au_source source;
	au_dedup dedup;
	bool sidechain, model_fallback, retract, has_tool_cost;
	int64_t ts_ms;
	int64_t tool_cost;
	int64_t offset; /* of its line, for records keyed by position */
	au_tokens tok;
	const char *key, *msg_id, *session, *model, *cwd;
	unsigned price_mode; /* au_event's AU_MODE_* bits */
} au_rec;

typedef enum au_job_outcome {
	AU_JOB_READ,       /* read (maybe nothing new): store recs and next */
	AU_JOB_UNCHANGED,  /* same identity, size and mtime: nothing to do */
	AU_JOB_UNREADABLE, /* could not be opened or stat'ed: a warning */
	AU_JOB_SKIPPED,    /* not a regular file (a FIFO, a device): a note */
} au_job_outcome;

typedef struct au_filejob {
	/* input */
	char *path;
	const au_parser_ops *parser;
	au_cursor *prev; /* a copy of the stored cursor, or NULL (owned) */
	/* output */
	au_job_outcome outcome;
	bool reread;      /* truncated, replaced or rewritten: read from 0 */
	au_cursor next;   /* identity, offset, line, fingerprint, state */
	GArray *recs;     /* au_rec */
	GArray *limits;   /* au_limit: rate-limit observations (parse_limits) */
	/* char*: names the parser found in usage objects and does not know
	 * (au_event.unknown), each once, at most AU_MAX_UNKNOWN */
	GPtrArray *unknown;
	int64_t lines_seen; /* non-empty lines read (JSONL), for source health */
	/* candidate lines (the parser's cheap test passed) that gave no usage
	 * record and no limit: many of these and nothing else is a tool whose
	 * format may have changed (source health) */
	int64_t lines_quiet;
	int64_t limits_seen; /* observations parsed, also those folded into a run */
	GStringChunk *strings;
	int64_t bytes_total, bytes_read, events, merged;
	int64_t malformed, oversized, partial, unreadable;
	GPtrArray *warnings; /* "path:line: text", at most AU_MAX_WARNINGS */
	/* AU_JOB_SKIPPED: "path: why"; or, for a file read, how many of its
	 * records the parser skipped as AU_PARSE_SKIPPED and why: shown under -v */
	char *note;
	int64_t skipped_recs;
	int64_t warnings_total;
} au_filejob;

#define AU_MAX_UNKNOWN 8
#define AU_FILE_CAP (64u << 20) /* largest whole document or database we read */

au_filejob *au_filejob_new(const char *path, const au_parser_ops *parser, const au_cursor *prev);
void au_filejob_run(au_filejob *j);
void au_filejob_free(au_filejob *j);

/* Fills ev from r (strings copied into ev's fixed fields). */
void au_rec_to_event(const au_rec *r, au_event *ev);

/*
 * The identity a parser's data has on disk: for a database also its -wal
 * file, where writes land before a checkpoint. false if path is gone.
 */
bool au_file_version(const au_parser_ops *p, const char *path, int64_t *ret_dev, int64_t *ret_ino,
		     int64_t *ret_size, int64_t *ret_mtime_ns);
/* The same from a stat() of path the caller already made (the scan's walk
 * stats each file relative to its directory, which spares the kernel a
 * lookup of the whole path); known NULL stats path. */
struct stat;
bool au_file_version_from(const au_parser_ops *p, const char *path, const struct stat *known, int64_t *ret_dev,
			  int64_t *ret_ino, int64_t *ret_size, int64_t *ret_mtime_ns);

#endif
