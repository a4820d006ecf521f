/*
 * Source health shown (health_view.h): JSON and the text figures.
 */
#include "health_view.h"

#include <stdio.h>
#include <stdlib.h>

#include "insights.h"
#include "util.h"

static void json_ts(au_jw *w, int64_t ms)
{
	if (ms <= 0) {
		au_jw_null(w);
		return;
	}
	char t[32];
	au_format_utc(ms, true, t);
	au_jw_str(w, t);
}

/* A rate per 1,000 lines, or null when no lines were read. */
static void json_rate(au_jw *w, const char *key, int64_t bad, int64_t lines)
{
	au_jw_key(w, key);
	double r = au_health_error_rate(bad, lines);
	if (r < 0)
		au_jw_null(w);
	else
		au_jw_fixed(w, r, 1);
}

void au_source_health_json(au_jw *w, au_source src, const au_source_health *h)
{
	au_jw_obj_begin(w);
	au_jw_key(w, "lastFileWrite");
	json_ts(w, h->last_write_ms);
	au_jw_key(w, "lastRowProduced");
	json_ts(w, h->last_produced_ms);
	au_jw_kint(w, "linesDay", h->lines_day);
	au_jw_kint(w, "parseErrorsDay", h->malformed_day);
	json_rate(w, "parseErrorsPer1000LinesDay", h->malformed_day, h->lines_day);
	au_jw_kint(w, "linesWeek", h->lines_week);
	au_jw_kint(w, "parseErrorsWeek", h->malformed_week);
	json_rate(w, "parseErrorsPer1000LinesWeek", h->malformed_week, h->lines_week);
	au_jw_kint(w, "filesWithoutUsage", h->silent_files);
	au_jw_key(w, "warning");
	if (au_source_health_silent(h)) {
		char msg[512];
		au_source_health_warning(src, h, msg, sizeof(msg));
		au_jw_str(w, msg);
	} else {
		au_jw_null(w);
	}
	au_jw_obj_end(w);
}

char *au_source_health_figures(const au_source_health *h, GTimeZone *tz)
{
	char wr[24] = "never", pr[24] = "never", ds[32] = "-", ws[32] = "-";
	if (h->last_write_ms > 0)
		au_format_local(tz, h->last_write_ms, wr);
	if (h->last_produced_ms > 0)
		au_format_local(tz, h->last_produced_ms, pr);
	double d = au_health_error_rate(h->malformed_day, h->lines_day);
	double wk = au_health_error_rate(h->malformed_week, h->lines_week);
	if (d >= 0)
		snprintf(ds, sizeof(ds), "%.1f", d);
	if (wk >= 0)
		snprintf(ws, sizeof(ws), "%.1f", wk);
	return xasprintf("%s; %s; %s / %s", wr, pr, ds, ws);
}
