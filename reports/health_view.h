/*
 * How a tool's source health (plan_limits.h) is shown: the one JSON shape
 * (`sources --json` and `status --json` share it) and the one text line of
 * figures, so that both commands say the same thing in the same words.
 */
#ifndef AU_REPORTS_HEALTH_VIEW_H
#define AU_REPORTS_HEALTH_VIEW_H

#include <glib.h>

#include "jsonw.h"
#include "plan_limits.h"

/* The health object (lastFileWrite, lastRowProduced, lines and parse
 * errors per day and week, filesWithoutUsage, warning) as a value. */
void au_source_health_json(au_jw *w, au_source src, const au_source_health *h);

/* "2026-12-01 10:00; never; 0.0 / 12.5": last write, last row (local
 * time in tz), parse errors per 1,000 lines day / week ("-": no lines).
 * malloc'd. */
char *au_source_health_figures(const au_source_health *h, GTimeZone *tz);

#endif
