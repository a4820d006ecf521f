/*
 * The silent-tool notice (health_alerts.h). The row is written before the
 * notification goes out, as for budgets: a crash in between can lose one
 * notice but never repeat one.
 */
#include "health_alerts.h"

#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "plan_limits.h"
#include "queries.h"

static int sent_on(au_store *s, const char *name, const char *period, bool *ret_sent, au_err *err)
{
	*ret_sent = false;
	au_store_iter *it;
	int r = au_store_alert_iter(s, name, &it, err);
	if (r < 0)
		return r;
	au_alert_row a;
	while ((r = au_store_alert_next(it, &a, err)) > 0)
		if (a.sent && a.period && strcmp(a.period, period) == 0)
			*ret_sent = true;
	au_store_iter_free(it);
	return r;
}

int au_health_alerts_check(au_store *s, const au_config *cfg, au_notifier *n, int64_t now_ms, FILE *log,
			   au_err *err)
{
	au_source_health hs[AU_SRC_MAX];
	int r = au_store_source_health(s, now_ms, hs, err);
	if (r < 0)
		return r;
	char *period = NULL;
	for (int src = 1; src < AU_SRC_MAX && r == 0; src++) {
		if (!au_source_health_silent(&hs[src]))
			continue;
		if (!period) {
			GTimeZone *tz = cfg ? au_config_tz(cfg) : g_time_zone_new_local();
			int64_t start, end;
			char *day = NULL;
			au_period_bounds(tz, AU_PERIOD_DAY, cfg ? cfg->week_start : 1, now_ms, &start, &end, &day);
			period = xasprintf("day:%s", day);
			free(day);
			g_time_zone_unref(tz);
		}
		char *name = xasprintf("health:%s", au_source_name((au_source)src));
		bool sent;
		if ((r = sent_on(s, name, period, &sent, err)) == 0 && !sent &&
		    (r = au_store_alert_sent(s, name, period, 1, now_ms, err)) == 0) {
			char body[512];
			au_source_health_warning((au_source)src, &hs[src], body, sizeof(body));
			char *summary = xasprintf("aiusage: no usage found in %s's new logs", au_source_name((au_source)src));
			au_notify_alert(n, summary, body, AU_URGENCY_NORMAL, log);
			free(summary);
		}
		free(name);
	}
	free(period);
	return r;
}
