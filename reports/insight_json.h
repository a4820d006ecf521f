/*
 * The insight reports' JSON (models, cache, blocks, insights), written
 * here rather than by their commands so that `aiusage <report> --json`
 * and the server's /api/<report>.json are one writer: the bytes match.
 * Each writes one document, ending in a newline, to f; nothing is freed.
 */
#ifndef AU_INSIGHT_JSON_H
#define AU_INSIGHT_JSON_H

#include <glib.h>
#include <stdio.h>

#include "insights.h"
#include "report.h"

/* The per-model report (group AU_GROUP_MODEL) with each model's shares,
 * average cost and cheapest alternative from m added to its rows. */
void au_models_render_json(FILE *f, const au_report *rep, const au_models *m);
/* tz_name is the zone the days are in, as the user named it. */
void au_cache_render_json(FILE *f, const au_cache *c, const char *tz_name);
/* Block times in UTC, and start/end also local in tz. */
void au_blocks_render_json(FILE *f, const au_blocks *b, GTimeZone *tz, const char *tz_name);
void au_summary_render_json(FILE *f, const au_summary *m, GTimeZone *tz, const char *tz_name);

#endif
