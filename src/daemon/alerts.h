/*
 * Budget alerts: decides, after each batch the watcher commits, which
 * budgets crossed their warning threshold or their limit, and sends each
 * crossing once per period and level. What was sent or held is kept in the
 * store's alert_state table, so a restart repeats nothing.
 *
 * Rules, in order, for each budget:
 * - A period's alert level is the highest crossed (warning, then over); a
 *   level already sent for that period is never sent again, and neither is
 *   a lower one after a higher was sent.
 * - During quiet hours an alert is held (alert_state.held_since) and sent
 *   when they end; a held alert of a period that has since ended is still
 *   sent, saying which period, unless that period ended over a day ago
 *   (then it is dropped, with a log line).
 * - Cooldown: a budget notifies at most once per cooldown_s; a later alert
 *   is held until the cooldown ends. An escalation within one period
 *   (over after a warning) is not held back by the cooldown.
 * - [limit TOOL.WINDOW] budgets follow the same rules, a window (named by
 *   its reset time) standing for the period: see check_limit in alerts.c.
 * - A team budget (scope = team) is evaluated on the team server's figure
 *   for its period, read elsewhere (the watcher's push thread, after each
 *   push) and handed in; with no figure for the period it is skipped.
 * - An alert that could not be delivered (no session bus, no notification
 *   service) is logged with its full text and counts as sent: the log is
 *   its delivery.
 */
#ifndef AU_ALERTS_H
#define AU_ALERTS_H

#include <stdint.h>
#include <stdio.h>

#include "budget.h"
#include "config.h"
#include "notify.h"
#include "store.h"
#include "team.h"

/* A team budget's spending in the period starting at start_ms, as the team
 * server reported it. */
typedef struct au_team_figure {
	char *budget; /* the budget's name */
	int64_t start_ms;
	int64_t spent, unpriced;
} au_team_figure;

/*
 * Reads every team budget's figure from the server, for the period
 * containing now_ms and the one before it (a held alert of a period that
 * just ended is still sent). A GArray of au_team_figure (empty when no
 * budget is a team one); free with au_team_figures_free. Network: never on
 * the watcher's loop thread.
 */
int au_team_figures_read(au_team *t, const au_config *cfg, int64_t now_ms, GArray **ret, au_err *err);
void au_team_figures_free(GArray *a);

/*
 * After each committed batch (and at the times it asks for): evaluates every
 * budget, sends what crossed the warn threshold or the limit and was not sent
 * for this period+level before, holds alerts during quiet hours (and within
 * the cooldown) and sends them after. Writes alert_state, so the store must
 * be writable and not inside a transaction. Logs each alert (sent, held, not
 * delivered, dropped) as one line to `log` (may be NULL). Returns 0 or a
 * negative errno (store failure). *ret_next_ms: the next wall-clock time (UTC
 * ms) it wants to be called again even with no new usage (the end of quiet
 * hours or of a cooldown, with alerts held), or 0 for none.
 * team: the team budgets' figures (au_team_figure), NULL for none.
 */
int au_alerts_check(au_store *s, const au_config *cfg, const GArray *team, au_notifier *n, int64_t now_ms,
		    FILE *log, int64_t *ret_next_ms, au_err *err);

/*
 * The notification text for a budget status: summary "aiusage: daily budget
 * 85% used" / "aiusage: daily budget exceeded (112%)", body with spent and
 * limit in dollars, the period, the projection and the top project. Both
 * malloc'd. `current` is false for a period that has ended.
 */
void au_alert_text(const au_budget_status *st, bool current, char **ret_summary, char **ret_body);

#endif
