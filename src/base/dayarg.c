/*
 * --since/--until values and "now" (see dayarg.h). The calendar dates go
 * through au_parse_day (util.c); this file adds the relative forms, which
 * need today's date in a time zone (GLib's zone database).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dayarg.h"

/* The calendar day of now_ms in tz. */
static int64_t today_in(int64_t now_ms, GTimeZone *tz)
{
	GDateTime *utc = g_date_time_new_from_unix_utc(au_floor_div(now_ms, 1000));
	if (!utc) /* outside GLib's years 1..9999 */
		return au_floor_div(now_ms, 86400000);
	GDateTime *local = tz ? g_date_time_to_timezone(utc, tz) : g_date_time_ref(utc);
	int y, m, d;
	g_date_time_get_ymd(local, &y, &m, &d);
	g_date_time_unref(local);
	g_date_time_unref(utc);
	return au_days_from_civil(y, (unsigned)m, (unsigned)d);
}

/* First or last day of the month `back` months before the one of day. */
static int64_t month_edge(int64_t day, int back, au_day_end end)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	int64_t months = (int64_t)y * 12 + (m - 1) - back;
	int64_t fy = au_floor_div(months, 12);
	unsigned fm = (unsigned)(months - fy * 12) + 1;
	if (end == AU_DAY_SINCE)
		return au_days_from_civil(fy, fm, 1);
	/* the day before the first of the next month */
	return fm == 12 ? au_days_from_civil(fy + 1, 1, 1) - 1 : au_days_from_civil(fy, fm + 1, 1) - 1;
}

int au_day_arg_parse(const char *s, au_day_end end, int64_t now_ms, GTimeZone *tz, int64_t *ret_days,
		     au_err *err)
{
	if (au_parse_day(s, ret_days))
		return 0;
	if (strcmp(s, "today") == 0) {
		*ret_days = today_in(now_ms, tz);
		return 0;
	}
	if (strcmp(s, "yesterday") == 0) {
		*ret_days = today_in(now_ms, tz) - 1;
		return 0;
	}
	if (strcmp(s, "this-month") == 0 || strcmp(s, "last-month") == 0) {
		*ret_days = month_edge(today_in(now_ms, tz), s[0] == 'l', end);
		return 0;
	}
	/* -Nd, -Nw: digits only between the sign and the unit */
	size_t n = strlen(s);
	if (n >= 3 && n <= 8 && s[0] == '-' && (s[n - 1] == 'd' || s[n - 1] == 'w')) {
		int64_t k = 0;
		size_t i = 1;
		for (; i < n - 1 && s[i] >= '0' && s[i] <= '9'; i++)
			k = k * 10 + (s[i] - '0');
		if (i == n - 1) {
			*ret_days = today_in(now_ms, tz) - (s[n - 1] == 'w' ? 7 * k : k);
			return 0;
		}
	}
	return au_fail(err, EINVAL, "'%s' is not a date (" AU_DAY_ARG_FORMS ")", s);
}

int au_now_pinned(int64_t *ret_ms, au_err *err)
{
	const char *pin = getenv("AIUSAGE_NOW");
	if (pin && *pin) {
		if (au_parse_iso8601_ms(pin, strlen(pin), ret_ms) < 0)
			return au_fail(err, EINVAL, "AIUSAGE_NOW '%s' is not an RFC 3339 time", pin);
		return 0;
	}
	*ret_ms = g_get_real_time() / 1000;
	return 0;
}

int au_weekday_from_name(const char *s)
{
	static const char *const names[] = {"sunday",	"monday", "tuesday", "wednesday",
					    "thursday", "friday", "saturday"};
	for (int i = 0; i < 7; i++)
		if (g_ascii_strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}
