/*
 * The watcher's silent-tool notice: a tool whose log files keep growing
 * while no usage comes out of them (plan_limits.h, au_source_health_silent)
 * gets one desktop notification per day, with the warning `sources` and
 * `status` print. What was sent is kept in alert_state under the name
 * "health:TOOL" (no budget can be named so: budget names have no ':'), so a
 * restart repeats nothing.
 */
#ifndef AU_HEALTH_ALERTS_H
#define AU_HEALTH_ALERTS_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "notify.h"
#include "store.h"

/* Checks every tool's health at now_ms and notifies each silent one not yet
 * notified on this day (the config's zone; cfg may be NULL: local time).
 * The store must be writable and outside a transaction. Logs each notice to
 * `log` (may be NULL). 0 or a negative errno (a store failure). */
int au_health_alerts_check(au_store *s, const au_config *cfg, au_notifier *n, int64_t now_ms, FILE *log,
			   au_err *err);

#endif
