/*
 * Unit tests for src/util.c. The hand-written ISO-8601 parser is checked
 * differentially against GLib's g_date_time_new_from_iso8601 over a few
 * thousand generated RFC 3339 timestamps and a list of invalid ones both
 * must refuse; the civil-date helpers against GLib's GDate; the bounded
 * buffer's cap; FNV-1a against published vectors.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "check.h"
#include "util.h"

/* splitmix64: a fixed seed, so a failure reproduces exactly. */
static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t rng(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned pick(unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rng() % (hi - lo + 1));
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int y, unsigned m)
{
	static const unsigned char d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* GLib's reading of s in ms since the epoch (its microseconds truncated,
 * as ours truncates the fraction), or false when GLib refuses it. */
static bool glib_ms(const char *s, int64_t *ret)
{
	GDateTime *dt = g_date_time_new_from_iso8601(s, NULL);
	if (!dt)
		return false;
	*ret = (int64_t)g_date_time_to_unix(dt) * 1000 + g_date_time_get_microsecond(dt) / 1000;
	g_date_time_unref(dt);
	return true;
}

static int ours_ms(const char *s, int64_t *ret)
{
	return au_parse_iso8601_ms(s, strlen(s), ret);
}

/* One random valid timestamp, 1970..2100, in the shapes the logs use and
 * GLib also accepts: with and without a fraction, Z or +-hh:mm. */
static void gen_timestamp(char *buf, size_t n)
{
	int y = (int)pick(1970, 2100);
	unsigned mo = pick(1, 12), d = pick(1, month_days(y, mo));
	unsigned h = pick(0, 23), mi = pick(0, 59), s = pick(0, 59);
	char frac[16] = "", zone[8] = "Z";

	switch (pick(0, 4)) {
	case 0:
		break;
	case 1:
		snprintf(frac, sizeof(frac), ".%03u", pick(0, 999));
		break;
	case 2: /* 1..6 digits */
	{
		unsigned digits = pick(1, 6), v = pick(0, 999999);
		char six[8];
		snprintf(six, sizeof(six), "%06u", v);
		snprintf(frac, sizeof(frac), ".%.*s", (int)digits, six);
		break;
	}
	case 3:
		snprintf(frac, sizeof(frac), ".%09u", pick(0, 999999999));
		break;
	case 4:
		snprintf(frac, sizeof(frac), ".%u", pick(0, 9));
		break;
	}
	if (pick(0, 2) != 0)
		snprintf(zone, sizeof(zone), "%c%02u:%02u", pick(0, 1) ? '+' : '-', pick(0, 23),
			 pick(0, 3) == 0 ? pick(0, 59) : 15 * pick(0, 3));
	snprintf(buf, n, "%04d-%02u-%02uT%02u:%02u:%02u%s%s", y, mo, d, h, mi, s, frac, zone);
}

static void test_iso8601_differential(void)
{
	int mismatches = 0;
	for (int i = 0; i < 5000; i++) {
		char ts[64];
		int64_t want = 0, got = 0;
		gen_timestamp(ts, sizeof(ts));
		bool g = glib_ms(ts, &want);
		int r = ours_ms(ts, &got);
		if (!g || r != 0 || got != want) {
			if (mismatches++ < 10)
				fprintf(stderr, "iso8601 %s: glib %s %lld, ours %d %lld\n", ts,
					g ? "ok" : "refused", (long long)want, r, (long long)got);
		}
	}
	CHECK_INT(mismatches, 0);

	/* Every day boundary of a whole leap cycle, both sides of the epoch. */
	mismatches = 0;
	for (int64_t day = -800; day < 146097; day += 1) {
		int y;
		unsigned m, d;
		char ts[64];
		int64_t want = 0, got = 0;
		au_civil_from_days(day, &y, &m, &d);
		snprintf(ts, sizeof(ts), "%04d-%02u-%02uT23:59:59.999-01:30", y, m, d);
		if (!glib_ms(ts, &want) || ours_ms(ts, &got) != 0 || got != want)
			mismatches++;
	}
	CHECK_INT(mismatches, 0);
}

static void test_iso8601_exact(void)
{
	int64_t ms = -1;
	CHECK_INT(ours_ms("1970-01-01T00:00:00Z", &ms), 0);
	CHECK_INT(ms, 0);
	CHECK_INT(ours_ms("2025-10-01T12:34:56.789Z", &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096789));
	/* +02:00 is two hours ahead of UTC: the same instant is 10:34:56 UTC. */
	CHECK_INT(ours_ms("2025-10-01T12:34:56.789+02:00", &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096789) - 2 * 3600 * 1000);
	CHECK_INT(ours_ms("2025-10-01T12:34:56.789+0200", &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096789) - 2 * 3600 * 1000);
	CHECK_INT(ours_ms("2025-10-01T12:34:56.789-05:30", &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096789) + 330 * 60 * 1000);
	/* More than three fraction digits are truncated, never rounded up. */
	CHECK_INT(ours_ms("2025-10-01T12:34:56.9999999Z", &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096999));
	CHECK_INT(ours_ms("1969-12-31T23:59:59.5Z", &ms), 0);
	CHECK_INT(ms, -500);
	/* The length bounds the parse: a valid prefix of a longer buffer. */
	const char *longer = "2025-10-01T12:34:56Zjunk";
	CHECK_INT(au_parse_iso8601_ms(longer, 20, &ms), 0);
	CHECK_INT(ms, INT64_C(1759322096000));
	CHECK_INT(au_parse_iso8601_ms(longer, strlen(longer), &ms), -EINVAL);
}

static void test_iso8601_invalid(void)
{
	static const char *const bad[] = {
		"2025-02-30T12:00:00Z",      /* Feb 30 */
		"2023-02-29T12:00:00Z",      /* not a leap year */
		"2100-02-29T12:00:00Z",      /* century, not a leap year */
		"2025-04-31T12:00:00Z",      /* April has 30 days */
		"2025-13-01T12:00:00Z",      /* month 13 */
		"2025-00-01T12:00:00Z",      /* month 0 */
		"2025-10-00T12:00:00Z",      /* day 0 */
		"2025-10-01T24:00:00Z",      /* hour 24 */
		"2025-10-01T12:60:00Z",      /* minute 60 */
		"2025-10-01T12:34:56",       /* no zone */
		"2025-10-01T12:34:56.789",   /* no zone */
		"2025-10-01T12:34:56Zjunk",  /* trailing junk */
		"2025-10-01T12:34:56Z ",     /* trailing space */
		"2025-10-01T12:34:56+02:00x", /* trailing junk after an offset */
		"2025-10-01T12:34:56.Z",     /* empty fraction */
		"2025-10-01T12:34:56+2:00",  /* one-digit offset hour */
		"2025-10-01T12:34:56+02:60", /* offset minute 60 */
		"2025-10-01X12:34:56Z",      /* bad separator */
		"2025-1-01T12:34:56Z",       /* one-digit month */
		"25-10-01T12:34:56Z",        /* two-digit year */
		"2025-10-01",                /* date only */
		"",
		"not a timestamp",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 12345, g;
		int r = ours_ms(bad[i], &ms);
		if (r != -EINVAL)
			fprintf(stderr, "accepted invalid timestamp \"%s\"\n", bad[i]);
		CHECK_INT(r, -EINVAL);
		CHECK_INT(ms, 12345); /* untouched on failure */
		if (glib_ms(bad[i], &g))
			fprintf(stderr, "GLib accepts \"%s\": fix the test list\n", bad[i]);
		CHECK(!glib_ms(bad[i], &g));
	}
}

static void test_civil_days(void)
{
	CHECK_INT(au_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(au_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(au_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(au_days_from_civil(0, 3, 1), -719468);

	/* Walk every day from 1600 to 2800 against a calendar kept by hand
	 * (month lengths and leap rule), and both directions of the mapping. */
	int y = 1600;
	unsigned m = 1, d = 1;
	int64_t z = au_days_from_civil(1600, 1, 1);
	int bad = 0;
	while (y < 2800) {
		int ry;
		unsigned rm, rd;
		au_civil_from_days(z, &ry, &rm, &rd);
		if (au_days_from_civil(y, m, d) != z || ry != y || rm != m || rd != d)
			bad++;
		z++;
		if (++d > month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	CHECK_INT(bad, 0);

	/* GDate (years 1..9999) over a stride of that range. */
	bad = 0;
	GDate *base = g_date_new_dmy(1, G_DATE_JANUARY, 1970);
	for (int64_t day = au_days_from_civil(1, 1, 1); day <= au_days_from_civil(9999, 12, 31);
	     day += 97) {
		au_civil_from_days(day, &y, &m, &d);
		GDate *gd = g_date_new_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
		if ((int64_t)g_date_days_between(base, gd) != day)
			bad++;
		g_date_free(gd);
	}
	g_date_free(base);
	CHECK_INT(bad, 0);

	/* A wide range, both signs: the round trip is the identity. */
	bad = 0;
	for (int i = 0; i < 200000; i++) {
		int64_t day = (int64_t)(rng() % UINT64_C(700000000)) - 350000000; /* about +-958,000 years */
		au_civil_from_days(day, &y, &m, &d);
		if (m < 1 || m > 12 || d < 1 || d > month_days(y, m) || au_days_from_civil(y, m, d) != day)
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void test_buf(void)
{
	au_buf b;
	au_buf_init(&b, 10);
	CHECK_INT(au_buf_append(&b, "abcd", 4), 0);
	CHECK_INT(au_buf_puts(&b, "efghij"), 0); /* exactly at the cap */
	CHECK_INT(b.len, 10);
	CHECK_STR(b.data, "abcdefghij");
	CHECK(b.alloc <= 11);
	CHECK_INT(au_buf_reserve(&b, 0), 0);
	CHECK_INT(au_buf_append(&b, "k", 1), -EFBIG);
	CHECK_INT(au_buf_puts(&b, "xyz"), -EFBIG);
	CHECK_INT(au_buf_printf(&b, "%d", 7), -EFBIG);
	CHECK_INT(au_buf_reserve(&b, SIZE_MAX), -EFBIG);
	CHECK_INT(b.len, 10);
	CHECK_STR(b.data, "abcdefghij"); /* contents intact */
	CHECK_INT(au_buf_append(&b, "", 0), 0);
	CHECK_INT(b.len, 10);
	au_buf_release(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 10); /* release keeps the cap */

	/* Over the cap in one step, starting empty. */
	CHECK_INT(au_buf_printf(&b, "%s", "0123456789A"), -EFBIG);
	CHECK_INT(b.len, 0);
	CHECK_INT(au_buf_printf(&b, "%d-%s", 42, "ok"), 0);
	CHECK_STR(b.data, "42-ok");
	CHECK_INT(au_buf_printf(&b, "%s", "12345"), 0);
	CHECK_STR(b.data, "42-ok12345");
	CHECK_INT(au_buf_printf(&b, "%s", ""), 0);
	CHECK_INT(au_buf_printf(&b, "%s", "!"), -EFBIG);
	CHECK_STR(b.data, "42-ok12345");
	au_buf_release(&b);

	/* Unbounded: grows well past the first allocation, bytes intact. */
	au_buf_init(&b, 0);
	int bad = 0;
	for (int i = 0; i < 100000; i++) {
		unsigned char c = (unsigned char)(i * 7);
		if (au_buf_append(&b, &c, 1) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(b.len, 100000);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] != (unsigned char)(i * 7))
			bad++;
	CHECK_INT(bad, 0);
	CHECK_INT(b.data[b.len], '\0');
	CHECK_INT(au_buf_reserve(&b, SIZE_MAX - 5), -EFBIG);
	au_buf_release(&b);
	au_buf_release(&b); /* twice is harmless */
}

static void test_hash(void)
{
	/* FNV-1a 64 reference values. */
	CHECK(au_hash64("", 0) == UINT64_C(0xcbf29ce484222325));
	CHECK(au_hash64("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
	CHECK(au_hash64("foobar", 6) == UINT64_C(0x85944171f73967e8));
	/* Bytes, not a C string: an embedded NUL counts. */
	CHECK(au_hash64("a\0b", 3) != au_hash64("a", 1));
}

static void test_int64(void)
{
	int64_t v = 0;
	CHECK(au_parse_int64("0", &v) && v == 0);
	CHECK(au_parse_int64("-42", &v) && v == -42);
	CHECK(au_parse_int64("9223372036854775807", &v) && v == INT64_MAX);
	CHECK(!au_parse_int64("9223372036854775808", &v));
	CHECK(!au_parse_int64("12x", &v));
	CHECK(!au_parse_int64("", &v));
	CHECK(!au_parse_int64(NULL, &v));
}

static void test_fail(void)
{
	au_err e = {{0}};
	CHECK_INT(au_fail(&e, EINVAL, "bad %s %d", "thing", 3), -EINVAL);
	CHECK_STR(e.msg, "bad thing 3");
	CHECK_INT(au_fail(NULL, ENOENT, "ignored"), -ENOENT);
}

/* au_parse_day against GLib's calendar over every day of 1899-2101, plus
 * malformed spellings. */
static void test_parse_day(void)
{
	int bad = 0;
	for (int y = 1899; y <= 2101; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31; d++) {
				char a[16], b[16];
				snprintf(a, sizeof(a), "%04d-%02d-%02d", y, m, d);
				snprintf(b, sizeof(b), "%04d%02d%02d", y, m, d);
				bool valid = g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
				int64_t da = -1, db = -1;
				bool ra = au_parse_day(a, &da), rb = au_parse_day(b, &db);
				if (ra != valid || rb != valid ||
				    (valid && (da != au_days_from_civil(y, (unsigned)m, (unsigned)d) || db != da)))
					bad++;
			}
	CHECK_INT(bad, 0);
	static const char *const junk[] = {"", "2025", "2025-1-01", "2025-01-1", "2025/01/01", "2025-01-01x",
					   "202501011", "20250101 ", "-025-01-01", "2025-00-10", "0000-01-01"};
	int64_t v;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		CHECK(!au_parse_day(junk[i], &v));
	CHECK(au_parse_day("1970-01-02", &v) && v == 1);
}

/* au_read_full: everything up to n across short reads, less at the end of
 * the data, -errno for a bad descriptor */
static void test_read_full(void)
{
	int fds[2];
	CHECK_INT(pipe(fds), 0);
	/* two writes: a pipe read returns what one write put there */
	CHECK_INT(write(fds[1], "hello ", 6), 6);
	CHECK_INT(write(fds[1], "world", 5), 5);
	char buf[32] = "";
	CHECK_INT(au_read_full(fds[0], buf, 8), 8);
	CHECK(memcmp(buf, "hello wo", 8) == 0);
	close(fds[1]);
	CHECK_INT(au_read_full(fds[0], buf, sizeof(buf)), 3); /* "rld", then the end */
	CHECK(memcmp(buf, "rld", 3) == 0);
	close(fds[0]);
	CHECK_INT(au_read_full(fds[0], buf, 4), -EBADF);
}

int main(void)
{
	test_read_full();
	test_parse_day();
	test_iso8601_exact();
	test_iso8601_invalid();
	test_iso8601_differential();
	test_civil_days();
	test_buf();
	test_hash();
	test_int64();
	test_fail();
	return check_done("test_util");
}
