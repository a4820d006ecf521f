/*
 * Plan limits and source health in the store: the rate-limit observations
 * tools report (rate_limit), and what each scan saw of each tool's files
 * (source_health per day, file_health per file) so that a tool whose logs
 * keep growing while nothing comes out of them is noticed. The tables are
 * migration 6 in store.c.
 */
#ifndef AU_STORE_PLAN_LIMITS_H
#define AU_STORE_PLAN_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser.h"
#include "store.h"
#include "util.h"

/* ---- rate limits ---- */

/* Keeps one observation (origin: "log", "statusline", "oauth"); one already
 * kept for its source, window and time is left as it is. */
int au_store_limit_put(au_store *s, const au_limit *lim, const char *origin, au_err *err);

/* The newest observation of every (source, window), in source order then
 * window name: *ret (g_free it) holds *ret_n. */
int au_store_limits_latest(au_store *s, au_limit **ret, size_t *ret_n, au_err *err);

/*
 * The earliest observation of src's window in the window that `latest`
 * belongs to: observed after the window began (resets_at - window length)
 * and with about the same reset time (a window's resets_at moves by a
 * second or two between reports). *ret_found false when there is none.
 */
int au_store_limit_window_start(au_store *s, const au_limit *latest, au_limit *ret, bool *ret_found,
				au_err *err);

/* ---- source health ---- */

/*
 * After a file was read: lines is how many non-empty lines it had that were
 * new, malformed how many of them failed to parse, rows how many usage
 * records and limit observations came out, quiet how many lines looked
 * like usage to the parser's cheap test and gave nothing. write_ms is the
 * file's mtime, now_ms the scan's clock. A read with no new lines changes
 * nothing.
 */
int au_store_health_note(au_store *s, int64_t file_id, au_source src, int64_t write_ms, int64_t now_ms,
			 int64_t lines, int64_t malformed, int64_t rows, int64_t quiet, au_err *err);

typedef struct au_source_health {
	int64_t last_write_ms;    /* when a scan last found a file of it grown; -1 none */
	int64_t last_produced_ms; /* when a scan last got a row from it; -1 never */
	int64_t lines_day, malformed_day;   /* the last 24 hours (by scan day) */
	int64_t lines_week, malformed_week; /* the last 7 days */
	/* Files that grew after the tool's last row and gave none since. */
	int64_t silent_files, silent_lines;
	int64_t silent_since_ms; /* the last row, or the first such growth */
} au_source_health;

/* Every source's health at now_ms, indexed by au_source. */
int au_store_source_health(au_store *s, int64_t now_ms, au_source_health ret[AU_SRC_MAX], au_err *err);

/*
 * Whether the tool looks silent: at least AU_SILENT_FILES files written
 * since its last row, with AU_SILENT_LINES lines in all that looked like
 * usage to the parser and gave none. Lines a tool writes without usage on
 * purpose (Codex's response items and messages) never pass the parser's
 * test, and one long file growing without usage is not enough.
 */
#define AU_SILENT_FILES 3
#define AU_SILENT_LINES 20
bool au_source_health_silent(const au_source_health *h);

/* "claude: 14 files written since 2026-12-01, no usage found in them: the
 * log format may have changed; please report it with `aiusage sources
 * --json`" into buf (UTC date). */
void au_source_health_warning(au_source src, const au_source_health *h, char *buf, size_t n);

/* Per thousand lines, one decimal: -1 when there were no lines. */
double au_health_error_rate(int64_t malformed, int64_t lines);

/* Records that an unknown field or record type was seen in a usage
 * object; *ret_new true the first time (for the caller to log it once). */
int au_store_unknown_field(au_store *s, au_source src, const char *name, int64_t now_ms, bool *ret_new,
			   au_err *err);

#endif
