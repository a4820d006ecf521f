/*
 * Cursor's local chat records (parsers/cursor.c): the parser of its
 * state.vscdb, and what a read of it found, for `aiusage sources`.
 */
#ifndef AU_CURSOR_H
#define AU_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "parser.h"

extern const au_parser_ops au_parser_cursor;

/*
 * The counts a read of state.vscdb saved with its cursor (the `state` text
 * of its row in the store's files table): AI replies seen, messages with
 * token counts (counted), replies with zeros or none (not recorded
 * locally), and messages with counts but no time (not counted). false when
 * text is NULL or not such a state.
 */
bool au_cursor_state_counts(const char *text, int64_t *ret_replies, int64_t *ret_counted, int64_t *ret_zero,
			    int64_t *ret_undated);

/* ---- the dashboard's usage-events CSV export (`aiusage cursor sync`) ---- */

/* One exported event: a usage event keyed "cursor:e:<ms>:<model>" (with
 * "#<n>" for the n-th repeat of that pair in one export, so identical
 * events stay apart and a re-export maps to the same keys), and the cost
 * Cursor itself states for it, when the row has one in dollars. */
typedef struct au_cursor_export_event {
	au_event ev;
	bool has_cost;
	int64_t cost_pico;
} au_cursor_export_event;

typedef struct au_cursor_export_stats {
	int64_t rows;  /* data rows */
	int64_t empty; /* rows with no tokens at all: not events */
} au_cursor_export_stats;

/* A negative return stops the parse with that error. */
typedef int (*au_cursor_export_fn)(void *ctx, const au_cursor_export_event *e);

/*
 * Parses an export (RFC 4180 CSV; columns found by their header names:
 * Date, Model, "Input (w/ Cache Write)", "Input (w/o Cache Write)", "Cache
 * Read", "Output Tokens", Cost). Unified fields: input = input without
 * cache write, cache creation = with - without, cache read, output.
 * All or nothing: 0 when every row parsed (each went to fn), else -EINVAL
 * with the row and the reason in err (and no promise about what fn saw).
 * Pure: no I/O.
 */
int au_cursor_export_parse(const char *data, size_t len, au_cursor_export_fn fn, void *ctx,
			   au_cursor_export_stats *ret_stats, au_err *err);

#endif
