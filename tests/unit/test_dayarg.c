/*
 * src/base/dayarg.c: the one --since/--until reader. Calendar dates
 * strictly, the relative forms from a pinned now in a time zone, and the
 * month edges by end.
 */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "dayarg.h"

static int64_t day(int y, unsigned m, unsigned d)
{
	return au_days_from_civil(y, m, d);
}

static int64_t ms(const char *iso)
{
	int64_t v = 0;
	CHECK_INT(au_parse_iso8601_ms(iso, strlen(iso), &v), 0);
	return v;
}

/* The day s means, or INT64_MIN when refused. */
static int64_t parse(const char *s, au_day_end end, int64_t now, GTimeZone *tz)
{
	int64_t d = 0;
	au_err err = {""};
	int r = au_day_arg_parse(s, end, now, tz, &d, &err);
	if (r < 0) {
		CHECK_INT(r, -EINVAL);
		CHECK(strstr(err.msg, s) != NULL);
		CHECK(strstr(err.msg, "this-month") != NULL);
		return INT64_MIN;
	}
	return d;
}

int main(void)
{
	int64_t now = ms("2025-03-10T12:00:00Z"); /* a Monday */

	/* calendar dates, both spellings, strict */
	CHECK_INT(parse("2025-02-28", AU_DAY_SINCE, now, NULL), day(2025, 2, 28));
	CHECK_INT(parse("20250228", AU_DAY_UNTIL, now, NULL), day(2025, 2, 28));
	CHECK_INT(parse("2024-02-29", AU_DAY_SINCE, now, NULL), day(2024, 2, 29));
	const char *refused[] = {"2025-02-31", "20250231", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
				 "2025-1-01", "2025-01-1", "2025-01-01x", "", "garbage", "0000-01-01", "-7", "-d",
				 "-7x", "7d", "-7dd", "+7d", "- 7d", "-1234567d", "Today", "this_month", "-0x1d"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		CHECK_INT(parse(refused[i], AU_DAY_SINCE, now, NULL), INT64_MIN);

	/* relative to now, in UTC */
	CHECK_INT(parse("today", AU_DAY_SINCE, now, NULL), day(2025, 3, 10));
	CHECK_INT(parse("yesterday", AU_DAY_UNTIL, now, NULL), day(2025, 3, 9));
	CHECK_INT(parse("-7d", AU_DAY_SINCE, now, NULL), day(2025, 3, 3));
	CHECK_INT(parse("-0d", AU_DAY_SINCE, now, NULL), day(2025, 3, 10));
	CHECK_INT(parse("-10d", AU_DAY_SINCE, now, NULL), day(2025, 2, 28));
	CHECK_INT(parse("-2w", AU_DAY_SINCE, now, NULL), day(2025, 2, 24));
	CHECK_INT(parse("-52w", AU_DAY_SINCE, now, NULL), day(2024, 3, 11));

	/* months: first day as --since, last day as --until */
	CHECK_INT(parse("this-month", AU_DAY_SINCE, now, NULL), day(2025, 3, 1));
	CHECK_INT(parse("this-month", AU_DAY_UNTIL, now, NULL), day(2025, 3, 31));
	CHECK_INT(parse("last-month", AU_DAY_SINCE, now, NULL), day(2025, 2, 1));
	CHECK_INT(parse("last-month", AU_DAY_UNTIL, now, NULL), day(2025, 2, 28));
	int64_t jan = ms("2024-01-15T00:00:00Z"); /* last month is in the year before */
	CHECK_INT(parse("last-month", AU_DAY_SINCE, jan, NULL), day(2023, 12, 1));
	CHECK_INT(parse("last-month", AU_DAY_UNTIL, jan, NULL), day(2023, 12, 31));
	CHECK_INT(parse("this-month", AU_DAY_UNTIL, jan, NULL), day(2024, 1, 31));
	int64_t leap = ms("2024-03-31T10:00:00Z");
	CHECK_INT(parse("last-month", AU_DAY_UNTIL, leap, NULL), day(2024, 2, 29));
	int64_t dec = ms("2025-12-31T23:00:00Z");
	CHECK_INT(parse("this-month", AU_DAY_UNTIL, dec, NULL), day(2025, 12, 31));

	/* the zone decides what today is: 23:30 UTC on the 31st of March is
	 * already April in Tokyo and still March in New York */
	GTimeZone *tokyo = g_time_zone_new_identifier("Asia/Tokyo");
	GTimeZone *ny = g_time_zone_new_identifier("America/New_York");
	CHECK(tokyo && ny);
	int64_t late = ms("2025-03-31T23:30:00Z");
	CHECK_INT(parse("today", AU_DAY_SINCE, late, NULL), day(2025, 3, 31));
	CHECK_INT(parse("today", AU_DAY_SINCE, late, tokyo), day(2025, 4, 1));
	CHECK_INT(parse("this-month", AU_DAY_SINCE, late, tokyo), day(2025, 4, 1));
	CHECK_INT(parse("last-month", AU_DAY_UNTIL, late, tokyo), day(2025, 3, 31));
	int64_t early = ms("2025-04-01T02:00:00Z");
	CHECK_INT(parse("today", AU_DAY_SINCE, early, ny), day(2025, 3, 31));
	CHECK_INT(parse("yesterday", AU_DAY_SINCE, early, ny), day(2025, 3, 30));
	CHECK_INT(parse("-1w", AU_DAY_SINCE, early, ny), day(2025, 3, 24));
	/* a calendar date does not depend on the zone */
	CHECK_INT(parse("2025-03-31", AU_DAY_SINCE, early, tokyo), day(2025, 3, 31));
	g_time_zone_unref(tokyo);
	g_time_zone_unref(ny);

	/* now: AIUSAGE_NOW pins it; garbage there is an error naming it */
	int64_t got = 0;
	au_err err = {""};
	setenv("AIUSAGE_NOW", "2025-10-01T18:00:00Z", 1);
	CHECK_INT(au_now_pinned(&got, &err), 0);
	CHECK_INT(got, ms("2025-10-01T18:00:00Z"));
	setenv("AIUSAGE_NOW", "soon", 1);
	CHECK_INT(au_now_pinned(&got, &err), -EINVAL);
	CHECK(strstr(err.msg, "AIUSAGE_NOW 'soon'") != NULL);
	unsetenv("AIUSAGE_NOW");
	CHECK_INT(au_now_pinned(&got, &err), 0);
	CHECK(got > ms("2025-01-01T00:00:00Z"));
	return check_done("test_dayarg");
}
