/*
 * Plan-limit views (limit_view.h): the latest observation per window and
 * our estimate from the observations in the same window.
 */
#include "limit_view.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this span between two observations the pace between them is noise. */
#define MIN_SPAN_MS INT64_C(600000)
#define HOUR_MS 3600000.0

static void estimate(au_store *s, au_limit_view *v, au_err *err)
{
	const au_limit *l = &v->lim;
	if (!v->has_reset || v->window_over || l->window_minutes <= 0)
		return;
	au_limit first;
	bool found = false;
	if (au_store_limit_window_start(s, l, &first, &found, err) < 0)
		return;
	double rate;
	int64_t span = found ? l->observed_ms - first.observed_ms : 0;
	if (found && span >= MIN_SPAN_MS && l->used_percent >= first.used_percent) {
		rate = (l->used_percent - first.used_percent) / ((double)span / HOUR_MS);
	} else {
		/* a window starts empty when it begins: the average since then */
		int64_t begun = l->resets_at_ms - (int64_t)l->window_minutes * 60000;
		int64_t elapsed = l->observed_ms - begun;
		if (elapsed < 60000)
			return;
		rate = l->used_percent / ((double)elapsed / HOUR_MS);
	}
	v->has_estimate = true;
	v->burn_per_hour = rate;
	v->projected_at_reset = l->used_percent + rate * ((double)(l->resets_at_ms - l->observed_ms) / HOUR_MS);
	v->full_at_ms = -1;
	if (l->used_percent >= 100)
		v->full_at_ms = l->observed_ms;
	else if (rate > 0 && v->projected_at_reset >= 100)
		v->full_at_ms = l->observed_ms + (int64_t)((100 - l->used_percent) / rate * HOUR_MS);
}

int au_limit_views(au_store *s, int64_t now_ms, au_limit_view **ret, size_t *ret_n, au_err *err)
{
	au_limit *lims;
	size_t n;
	*ret = NULL;
	*ret_n = 0;
	int r = au_store_limits_latest(s, &lims, &n, err);
	if (r < 0)
		return r;
	au_limit_view *v = g_new0(au_limit_view, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		v[i].lim = lims[i];
		v[i].age_ms = now_ms - lims[i].observed_ms;
		v[i].has_reset = lims[i].resets_at_ms >= 0;
		v[i].resets_in_ms = v[i].has_reset ? lims[i].resets_at_ms - now_ms : 0;
		v[i].window_over = v[i].has_reset && v[i].resets_in_ms <= 0;
		v[i].full_at_ms = -1;
		au_err e = {{0}};
		estimate(s, &v[i], &e); /* an estimate that cannot be made is left out */
	}
	g_free(lims);
	*ret = v;
	*ret_n = n;
	return 0;
}

void au_fmt_duration(int64_t ms, char *buf, size_t n)
{
	if (ms < 0)
		ms = 0;
	int64_t m = ms / 60000, h = m / 60, d = h / 24;
	if (d > 0)
		snprintf(buf, n, "%lldd %lldh", (long long)d, (long long)(h % 24));
	else if (h > 0)
		snprintf(buf, n, "%lldh %02lldm", (long long)h, (long long)(m % 60));
	else if (m > 0)
		snprintf(buf, n, "%lldm", (long long)m);
	else
		snprintf(buf, n, "%llds", (long long)(ms / 1000));
}
