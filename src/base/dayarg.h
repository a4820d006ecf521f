/*
 * The one reader of --since/--until values, for every command (reports,
 * insights, cloud, cursor sync), and the one reader of "now" (AIUSAGE_NOW
 * pins it for tests). A value is a calendar day:
 *
 *   YYYY-MM-DD, YYYYMMDD   that day; strict: 2025-02-31 is refused
 *   today, yesterday       counted from now in the given time zone
 *   -7d, -2w               that many days or weeks before today
 *   this-month, last-month the month's first day as --since, its last day
 *                          as --until (so "--since last-month --until
 *                          last-month" is the whole of last month)
 */
#ifndef AU_DAYARG_H
#define AU_DAYARG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Which end of a range the value is: it decides what a month means. */
typedef enum au_day_end {
	AU_DAY_SINCE,
	AU_DAY_UNTIL,
} au_day_end;

/* s to days since 1970-01-01. Relative forms count from the calendar day
 * of now_ms in tz (NULL: UTC). 0, or -EINVAL with err saying what the
 * forms are (the message names the value, not the option). */
int au_day_arg_parse(const char *s, au_day_end end, int64_t now_ms, GTimeZone *tz, int64_t *ret_days,
		     au_err *err);

/* The forms, for help texts and messages. */
#define AU_DAY_ARG_FORMS "YYYY-MM-DD, YYYYMMDD, today, yesterday, -7d, -2w, this-month or last-month"

/* Now in milliseconds since the epoch: AIUSAGE_NOW (an RFC 3339 time)
 * when it is set and not empty, else the wall clock. -EINVAL (with err)
 * when AIUSAGE_NOW is set but not a time. */
int au_now_pinned(int64_t *ret_ms, au_err *err);

/* "sunday" ... "saturday" (any case) -> 0 ... 6; -1 for anything else. */
int au_weekday_from_name(const char *s);

#endif
