/*
 * Budget alerts: the rules are in alerts.h. Per budget, the rows of
 * alert_state say which levels each period already sent or holds; the
 * current period's evaluation says which level it has reached. Rows are
 * written before the notification goes out, so a crash between the two can
 * lose one notification but never repeat one.
 */
#include "alerts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "plan_limits.h"
#include "queries.h"

/* A held alert of a period that ended longer ago than this is stale news. */
#define STALE_MS INT64_C(86400000)

static const char *scope_phrase(const au_budget *b, char *buf, size_t n)
{
	if (b->scope == AU_BUDGET_TEAM) {
		au_budget local = *b;
		local.scope = AU_BUDGET_LOCAL;
		char inner[300];
		snprintf(buf, n, " by the team%s", scope_phrase(&local, inner, sizeof(inner)));
	} else if (b->source != AU_SRC_NONE && b->project)
		snprintf(buf, n, " on %s in %s", au_source_name(b->source), b->project);
	else if (b->source != AU_SRC_NONE)
		snprintf(buf, n, " on %s", au_source_name(b->source));
	else if (b->project)
		snprintf(buf, n, " in %s", b->project);
	else
		buf[0] = '\0';
	return buf;
}

void au_alert_text(const au_budget_status *st, bool current, char **ret_summary, char **ret_body)
{
	const au_budget *b = st->budget;
	char spent[48], limit[48], proj[48], top[48], sc[300];
	au_format_usd(st->spent, 2, spent, sizeof(spent));
	au_format_usd(st->limit, 2, limit, sizeof(limit));
	au_format_usd(st->projected, 2, proj, sizeof(proj));
	au_format_usd(st->top_project_spent, 2, top, sizeof(top));
	if (st->level == AU_LEVEL_OVER)
		*ret_summary = xasprintf("aiusage: %s budget exceeded (%d%%)", b->name, st->percent);
	else
		*ret_summary = xasprintf("aiusage: %s budget %d%% used", b->name, st->percent);

	char *when;
	switch (b->period) {
	case AU_PERIOD_WEEK:
		when = current ? xasprintf("this week (since %s)", st->period_key)
			       : xasprintf("in the week of %s", st->period_key);
		break;
	case AU_PERIOD_MONTH:
		when = current ? xasprintf("this month (%s)", st->period_key) : xasprintf("in %s", st->period_key);
		break;
	default:
		when = current ? xasprintf("today (%s)", st->period_key) : xasprintf("on %s", st->period_key);
	}
	GString *body = g_string_new(NULL);
	g_string_append_printf(body, "Spent $%s of $%s%s %s.", spent, limit,
			       scope_phrase(b, sc, sizeof(sc)), when);
	if (current && st->projected > st->spent)
		g_string_append_printf(body, "\nProjected by the end of the %s: $%s.", au_period_name(b->period),
				       proj);
	if (st->top_project && !b->project)
		g_string_append_printf(body, "\nTop project: %s ($%s).", st->top_project, top);
	*ret_body = xstrdup(body->str);
	g_string_free(body, TRUE);
	free(when);
}

/* What alert_state holds for one (budget, period). */
typedef struct period_state {
	char *period;       /* "day:2026-11-16": the period kind, then its key */
	int sent_max;       /* highest level sent, 0 none */
	int held_max;       /* highest level held and not sent, 0 none */
	int64_t held_since; /* earliest hold in the period */
} period_state;

typedef struct ctx {
	au_store *s;
	const au_config *cfg;
	au_notifier *n;
	au_budget_rules rules;
	const GArray *team;
	int64_t now;
	FILE *log;
	au_err *err;
	int64_t next;
} ctx;

static int hold(ctx *c, const char *budget, const char *period, int level)
{
	return au_store_alert_hold(c->s, budget, period, level, c->now, c->err);
}

static int mark_sent(ctx *c, const char *budget, const char *period, int level)
{
	return au_store_alert_sent(c->s, budget, period, level, c->now, c->err);
}

static int drop_held(ctx *c, const char *budget, const char *period)
{
	return au_store_alert_drop_held(c->s, budget, period, c->err);
}

static char *local_time(GTimeZone *tz, int64_t ms)
{
	GDateTime *u = g_date_time_new_from_unix_utc(ms / 1000);
	GDateTime *l = u ? g_date_time_to_timezone(u, tz) : NULL;
	char *s = l ? g_date_time_format(l, "%Y-%m-%d %H:%M") : NULL;
	char *r = xstrdup(s ? s : "?");
	g_free(s);
	if (l)
		g_date_time_unref(l);
	if (u)
		g_date_time_unref(u);
	return r;
}

/* When quiet hours are on at `now`, the UTC ms they end; else 0. */
static int64_t quiet_until(ctx *c)
{
	const au_config *cfg = c->cfg;
	if (cfg->quiet_start_min < 0)
		return 0;
	GDateTime *u = g_date_time_new_from_unix_utc(c->now / 1000);
	GDateTime *l = g_date_time_to_timezone(u, c->rules.tz);
	int min = g_date_time_get_hour(l) * 60 + g_date_time_get_minute(l);
	int a = cfg->quiet_start_min, b = cfg->quiet_end_min;
	bool quiet = a < b ? (min >= a && min < b) : (min >= a || min < b);
	int64_t until = 0;
	for (int add = 0; quiet && add <= 1 && !until; add++) {
		GDateTime *d = g_date_time_add_days(l, add);
		GDateTime *end = g_date_time_new(c->rules.tz, g_date_time_get_year(d), g_date_time_get_month(d),
						 g_date_time_get_day_of_month(d), b / 60, b % 60, 0);
		int64_t ms = end ? g_date_time_to_unix(end) * 1000 : 0;
		if (ms > c->now)
			until = ms;
		if (end)
			g_date_time_unref(end);
		g_date_time_unref(d);
	}
	g_date_time_unref(l);
	g_date_time_unref(u);
	return until;
}

static void log_alert(ctx *c, const char *what, const char *summary, const char *body)
{
	au_notify_log(c->log, what, summary, body);
}

static void period_state_free(period_state *p)
{
	free(p->period);
	free(p);
}

static int cmp_period(gconstpointer a, gconstpointer b)
{
	return strcmp((*(period_state *const *)a)->period, (*(period_state *const *)b)->period);
}

/* alert_state rows of one budget, one entry per period, oldest first; and
 * the budget's last notification (for the cooldown). */
static int load_states(ctx *c, const char *budget, GPtrArray *out, int64_t *ret_last_sent,
		       char **ret_last_period)
{
	au_store_iter *it;
	int r = au_store_alert_iter(c->s, budget, &it, c->err);
	if (r < 0)
		return r;
	period_state *cur = NULL;
	*ret_last_sent = 0;
	*ret_last_period = NULL;
	au_alert_row a;
	while ((r = au_store_alert_next(it, &a, c->err)) > 0) {
		const char *period = a.period;
		int level = a.level;
		bool sent = a.sent;
		int64_t sent_at = a.sent_at;
		int64_t held_since = a.held_since;
		if (!period)
			continue;
		if (!cur || strcmp(cur->period, period) != 0) {
			cur = xcalloc(1, sizeof(*cur));
			cur->period = xstrdup(period);
			g_ptr_array_add(out, cur);
		}
		if (sent) {
			if (level > cur->sent_max)
				cur->sent_max = level;
			if (sent_at >= *ret_last_sent) {
				*ret_last_sent = sent_at;
				free(*ret_last_period);
				*ret_last_period = xstrdup(period);
			}
		} else {
			if (level > cur->held_max)
				cur->held_max = level;
			if (!cur->held_since || held_since < cur->held_since)
				cur->held_since = held_since;
		}
	}
	au_store_iter_free(it);
	return r;
}

static void want_call_at(ctx *c, int64_t t)
{
	if (t > 0 && (c->next == 0 || t < c->next))
		c->next = t;
}

/* A budget's status over the period containing at_ms: a local one from the
 * store, a team one from the server's figure. 1: a team budget with no
 * figure for that period (nothing to say yet). */
static int evaluate(ctx *c, const au_budget *b, int64_t at_ms, au_budget_status *ret)
{
	if (b->scope != AU_BUDGET_TEAM)
		return au_budget_evaluate(c->s, &c->rules, b, at_ms, c->now, ret, c->err);
	int64_t start, end;
	au_period_bounds(c->rules.tz, b->period, c->rules.week_start, at_ms, &start, &end, NULL);
	for (guint i = 0; c->team && i < c->team->len; i++) {
		const au_team_figure *f = &g_array_index(c->team, au_team_figure, i);
		if (f->start_ms == start && strcmp(f->budget, b->name) == 0) {
			au_budget_status_from(&c->rules, b, at_ms, c->now, f->spent, f->unpriced, ret);
			return 0;
		}
	}
	return 1;
}

static int check_budget(ctx *c, const au_budget *b)
{
	au_budget_status cur;
	int r = evaluate(c, b, c->now, &cur);
	if (r != 0)
		return r < 0 ? r : 0;
	char *cur_key = xasprintf("%s:%s", au_period_name(b->period), cur.period_key);
	size_t kind_len = strlen(au_period_name(b->period)) + 1;

	GPtrArray *states = g_ptr_array_new_with_free_func((GDestroyNotify)period_state_free);
	int64_t last_sent = 0;
	char *last_period = NULL;
	if ((r = load_states(c, b->name, states, &last_sent, &last_period)) < 0)
		goto out;
	bool have_cur = false;
	for (guint i = 0; i < states->len; i++)
		have_cur = have_cur || strcmp(((period_state *)states->pdata[i])->period, cur_key) == 0;
	if (!have_cur) {
		period_state *p = xcalloc(1, sizeof(*p));
		p->period = xstrdup(cur_key);
		g_ptr_array_add(states, p);
	}
	g_ptr_array_sort(states, cmp_period);

	for (guint i = 0; i < states->len && r == 0; i++) {
		period_state *ps = states->pdata[i];
		bool is_cur = strcmp(ps->period, cur_key) == 0;
		if (!is_cur && ps->held_max == 0)
			continue; /* history */
		if (!is_cur && strncmp(ps->period, cur_key, kind_len) != 0) {
			/* held under another period kind: the config changed */
			r = drop_held(c, b->name, ps->period);
			continue;
		}
		int target = ps->held_max;
		if (is_cur && (int)cur.level > target)
			target = (int)cur.level;
		if (target <= ps->sent_max) {
			if (ps->held_max)
				r = drop_held(c, b->name, ps->period);
			continue;
		}

		au_budget_status past, *st = &cur;
		if (!is_cur) {
			if ((r = evaluate(c, b, ps->held_since, &past)) != 0) {
				r = r < 0 ? r : 0; /* a team figure not read for it: keep it held */
				continue;
			}
			st = &past;
		}
		/* Text at the level being announced, with today's figures. */
		au_level shown = st->level;
		st->level = (au_level)target;
		char *summary, *body;
		au_alert_text(st, is_cur, &summary, &body);
		st->level = shown;

		int64_t until = 0;
		const char *why = NULL;
		bool escalation = last_period && strcmp(last_period, ps->period) == 0;
		if (!is_cur && c->now - st->end_ms > STALE_MS) {
			r = drop_held(c, b->name, ps->period);
			if (r == 0)
				log_alert(c, "dropped (held past the end of its period)", summary, body);
		} else if ((until = quiet_until(c))) {
			why = "quiet hours";
		} else if (last_sent && !escalation && c->now < last_sent + (int64_t)c->cfg->cooldown_s * 1000) {
			until = last_sent + (int64_t)c->cfg->cooldown_s * 1000;
			why = "cooldown";
		} else {
			r = mark_sent(c, b->name, ps->period, target);
			if (r == 0) {
				/* logged as sent or not delivered by the notifier: at
				 * once, or (the watcher's) when the server answers */
				au_notify_alert(c->n, summary, body,
						target >= AU_LEVEL_OVER ? AU_URGENCY_CRITICAL : AU_URGENCY_NORMAL, c->log);
				last_sent = c->now;
				free(last_period);
				last_period = xstrdup(ps->period);
			}
		}
		if (why) {
			want_call_at(c, until);
			if (ps->held_max < target) { /* log a hold once, not after every batch */
				r = hold(c, b->name, ps->period, target);
				if (r == 0) {
					char *t = local_time(c->rules.tz, until);
					char *what = xasprintf("held until %s (%s)", t, why);
					log_alert(c, what, summary, body);
					free(what);
					free(t);
				}
			}
		}
		free(summary);
		free(body);
		if (!is_cur)
			au_budget_status_release(&past);
	}
out:
	free(last_period);
	g_ptr_array_free(states, TRUE);
	free(cur_key);
	au_budget_status_release(&cur);
	return r;
}

/*
 * A [limit TOOL.WINDOW] budget: the tool's latest observation of that
 * window against warn_percent (warning) and 100 % (over), under the same
 * rules as a dollar budget: each level once per window, held in quiet hours
 * and within the cooldown, an escalation not held by the cooldown. The
 * "period" is the window, named by the reset time of its first observation
 * (later reports move it by a second or two); a window already reset, or
 * one whose reset time is unknown, alerts nothing. alert_state rows are
 * named "limit:TOOL.WINDOW" (no dollar budget can be: its names have no ':').
 */
static int check_limit(ctx *c, const au_limit_budget *lb, const au_limit *lims, size_t n_lims)
{
	const au_limit *latest = NULL;
	for (size_t i = 0; i < n_lims && !latest; i++)
		if (lims[i].source == lb->source && strcmp(lims[i].window, lb->window) == 0)
			latest = &lims[i];
	if (!latest || latest->resets_at_ms < 0 || latest->resets_at_ms <= c->now)
		return 0;
	int level = latest->used_percent >= 100 ? AU_LEVEL_OVER
		    : latest->used_percent >= lb->warn_percent ? AU_LEVEL_WARNING : 0;
	au_limit first;
	bool found;
	int r = au_store_limit_window_start(c->s, latest, &first, &found, c->err);
	if (r < 0)
		return r;
	char *name = xasprintf("limit:%s", lb->name);
	char *period = xasprintf("window:%" PRId64, (found ? first.resets_at_ms : latest->resets_at_ms) / 1000);
	GPtrArray *states = g_ptr_array_new_with_free_func((GDestroyNotify)period_state_free);
	int64_t last_sent = 0;
	char *last_period = NULL;
	if ((r = load_states(c, name, states, &last_sent, &last_period)) < 0)
		goto out;
	period_state cur = {0};
	for (guint i = 0; i < states->len; i++)
		if (strcmp(((period_state *)states->pdata[i])->period, period) == 0)
			cur = *(period_state *)states->pdata[i];
	int target = MAX(level, cur.held_max);
	if (target <= cur.sent_max) {
		if (cur.held_max)
			r = drop_held(c, name, period);
		goto out;
	}
	char pct[32], *reset = local_time(c->rules.tz, latest->resets_at_ms),
			*seen = local_time(c->rules.tz, latest->observed_ms);
	snprintf(pct, sizeof(pct), "%.0f%%", latest->used_percent);
	const char *src = au_source_name(lb->source);
	char *summary = target >= AU_LEVEL_OVER
				? xasprintf("aiusage: %s %s window full (%s)", src, lb->window, pct)
				: xasprintf("aiusage: %s %s window %s used", src, lb->window, pct);
	char *body = xasprintf("%s of %s's %s window used, as %s reported at %s; it resets at %s.", pct, src,
			       lb->window, src, seen, reset);
	int64_t until = 0;
	const char *why = NULL;
	bool escalation = last_period && strcmp(last_period, period) == 0;
	if ((until = quiet_until(c))) {
		why = "quiet hours";
	} else if (last_sent && !escalation && c->now < last_sent + (int64_t)c->cfg->cooldown_s * 1000) {
		until = last_sent + (int64_t)c->cfg->cooldown_s * 1000;
		why = "cooldown";
	} else if ((r = mark_sent(c, name, period, target)) == 0) {
		au_notify_alert(c->n, summary, body, target >= AU_LEVEL_OVER ? AU_URGENCY_CRITICAL : AU_URGENCY_NORMAL,
				c->log);
	}
	if (why) {
		want_call_at(c, until);
		if (cur.held_max < target && (r = hold(c, name, period, target)) == 0) {
			char *t = local_time(c->rules.tz, until);
			char *what = xasprintf("held until %s (%s)", t, why);
			log_alert(c, what, summary, body);
			free(what);
			free(t);
		}
	}
	free(summary);
	free(body);
	free(reset);
	free(seen);
out:
	free(last_period);
	g_ptr_array_free(states, TRUE);
	free(period);
	free(name);
	return r;
}

static void figure_clear(gpointer p)
{
	free(((au_team_figure *)p)->budget);
}

void au_team_figures_free(GArray *a)
{
	if (a)
		g_array_free(a, TRUE);
}

int au_team_figures_read(au_team *t, const au_config *cfg, int64_t now_ms, GArray **ret, au_err *err)
{
	GArray *a = g_array_new(FALSE, TRUE, sizeof(au_team_figure));
	g_array_set_clear_func(a, figure_clear);
	au_budget_rules rules;
	au_config_rules(cfg, &rules);
	int r = 0;
	for (guint i = 0; i < cfg->budgets->len && r == 0; i++) {
		const au_budget *b = cfg->budgets->pdata[i];
		if (b->scope != AU_BUDGET_TEAM)
			continue;
		int64_t at = now_ms;
		for (int k = 0; k < 2 && r == 0; k++) { /* this period, then the one before */
			au_team_figure f = {0};
			int64_t end;
			au_period_bounds(rules.tz, b->period, rules.week_start, at, &f.start_ms, &end, NULL);
			r = au_team_budget_spent(t, f.start_ms, end, b->source != AU_SRC_NONE ? au_source_name(b->source) : NULL,
						 b->project, &f.spent, &f.unpriced, err);
			if (r == 0) {
				f.budget = xstrdup(b->name);
				g_array_append_val(a, f);
			}
			at = f.start_ms - 1;
		}
	}
	au_budget_rules_release(&rules);
	if (r < 0) {
		au_team_figures_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

int au_alerts_check(au_store *s, const au_config *cfg, const GArray *team, au_notifier *n, int64_t now_ms,
		    FILE *log, int64_t *ret_next_ms, au_err *err)
{
	ctx c = {.s = s, .cfg = cfg, .team = team, .n = n, .now = now_ms, .log = log, .err = err};
	au_config_rules(cfg, &c.rules);
	int r = 0;
	for (guint i = 0; i < cfg->budgets->len && r == 0; i++)
		r = check_budget(&c, cfg->budgets->pdata[i]);
	if (r == 0 && cfg->limits->len > 0) {
		au_limit *lims = NULL;
		size_t n_lims = 0;
		r = au_store_limits_latest(s, &lims, &n_lims, err);
		for (guint i = 0; i < cfg->limits->len && r == 0; i++)
			r = check_limit(&c, cfg->limits->pdata[i], lims, n_lims);
		g_free(lims);
	}
	au_budget_rules_release(&c.rules);
	if (ret_next_ms)
		*ret_next_ms = r == 0 ? c.next : 0;
	return r;
}
