/*
 * The local estimate beside a tool's own rate-limit figure: how fast the
 * window is being used (from the observations kept in it) and where that
 * pace ends at the reset. Always labelled as ours: the tool's number is
 * the authority, this is arithmetic over it.
 */
#ifndef AU_REPORTS_LIMIT_VIEW_H
#define AU_REPORTS_LIMIT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan_limits.h"

typedef struct au_limit_view {
	au_limit lim;
	int64_t age_ms;       /* now - observed */
	int64_t resets_in_ms; /* resets_at - now; meaningless when no reset time */
	bool has_reset, window_over; /* window_over: the reset is already past */
	bool has_estimate;
	double burn_per_hour;     /* percentage points per hour (ours) */
	double projected_at_reset; /* used + burn until the reset (ours) */
	int64_t full_at_ms;        /* when the pace reaches 100 %, -1 if not before the reset */
} au_limit_view;

/* The latest window of every tool with its estimate at now_ms: *ret
 * (g_free) holds *ret_n, in source then window order. */
int au_limit_views(au_store *s, int64_t now_ms, au_limit_view **ret, size_t *ret_n, au_err *err);

/* "2h 05m", "3d 4h", "12m", "45s" for a duration >= 0. */
void au_fmt_duration(int64_t ms, char *buf, size_t n);

#endif
