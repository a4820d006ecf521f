/*
 * libFuzzer target for the hand-written pieces of src/util.c that take
 * untrusted input. Every input goes to both:
 *  - au_parse_iso8601_ms on the raw bytes: whatever it accepts must print
 *    back and parse to the same instant, and when the input is a strict
 *    RFC 3339 timestamp GLib must agree with it exactly (style.md: a
 *    hand-written routine is checked against the library it replaces);
 *  - au_buf, driven by the bytes as a little program of appends, printfs,
 *    reserves and releases under a cap, against a plain shadow copy.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "util.h"
#include "require.h"


/* ---- au_parse_iso8601_ms ------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int num(const uint8_t *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Whether s is "YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|+hh:mm|-hh:mm)" with the
 * fields in the ranges both parsers share: GLib refuses year 0 and fraction
 * strings too long for its arithmetic, accepts offset hour 24 and reads
 * second 60 its own way, so those are left out of the comparison.
 */
static bool strict_rfc3339(const uint8_t *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (n < 20)
		return false;
	for (size_t i = 0; i < 19; i++)
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != (uint8_t)shape[i])
			return false;
	size_t i = 19;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < n && is_digit(s[i]))
			i++;
		if (i == start || i - start > 9)
			return false;
	}
	if (i + 1 == n && s[i] == 'Z') {
		/* fine */
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && is_digit(s[i + 1]) &&
		   is_digit(s[i + 2]) && s[i + 3] == ':' && is_digit(s[i + 4]) && is_digit(s[i + 5])) {
		if (num(s + i + 1, 2) > 23)
			return false;
	} else {
		return false;
	}
	return num(s, 4) >= 1 && num(s + 17, 2) <= 59;
}

static void fuzz_iso8601(const uint8_t *data, size_t size)
{
	int64_t ms = INT64_MIN;
	/* data is exactly size bytes with no terminator: an overread is an
	 * ASan report. */
	int r = au_parse_iso8601_ms((const char *)data, size, &ms);
	REQUIRE(r == 0 || r == -EINVAL);

	bool strict = strict_rfc3339(data, size);
	if (strict) {
		char *z = g_strndup((const char *)data, size);
		GDateTime *dt = g_date_time_new_from_iso8601(z, NULL);
		g_free(z);
		REQUIRE((dt != NULL) == (r == 0));
		if (dt) {
			int64_t want = (int64_t)g_date_time_to_unix(dt) * 1000 +
				       g_date_time_get_microsecond(dt) / 1000;
			g_date_time_unref(dt);
			if (want != ms)
				fprintf(stderr, "GLib %lld, ours %lld\n", (long long)want, (long long)ms);
			REQUIRE(want == ms);
		}
	}
	if (r != 0)
		return;

	/* Years 0000..9999 with offsets up to a day either way. */
	REQUIRE(ms >= (au_days_from_civil(0, 1, 1) - 1) * 86400000);
	REQUIRE(ms <= (au_days_from_civil(10000, 1, 1) + 1) * 86400000);

	/* Print the instant back in UTC with milliseconds: it must parse to
	 * the same value (the fraction was truncated, so nothing is lost). */
	int64_t day = floor_div(ms, 86400000), rem = ms - day * 86400000;
	int y;
	unsigned mo, d;
	au_civil_from_days(day, &y, &mo, &d);
	if (y < 0 || y > 9999)
		return; /* an offset pushed it out of four-digit years */
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, d,
			 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
			 (int)(rem % 1000));
	int64_t back = INT64_MIN;
	REQUIRE(au_parse_iso8601_ms(buf, (size_t)n, &back) == 0);
	REQUIRE(back == ms);
}

/* ---- au_buf --------------------------------------------------------- */

/* What the buffer must hold, grown as needed. */
typedef struct shadow {
	uint8_t *data;
	size_t len, alloc;
} shadow;

static void shadow_put(shadow *sh, const void *p, size_t n)
{
	if (sh->len + n > sh->alloc) {
		sh->alloc = (sh->len + n) * 2;
		sh->data = realloc(sh->data, sh->alloc);
		REQUIRE(sh->data != NULL);
	}
	if (n)
		memcpy(sh->data + sh->len, p, n);
	sh->len += n;
}

/* The bytes as a program: the first byte picks a cap (0 = unbounded),
 * then each op byte's low 3 bits pick an operation and the next byte its
 * size; the bytes that follow are the data. */
static void fuzz_buf(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	static const size_t caps[] = {0, 1, 7, 16, 255, 256, 257, 1000, 4096, 65536};
	au_buf b;
	au_buf_init(&b, caps[data[0] % (sizeof(caps) / sizeof(caps[0]))]);
	const size_t cap = b.cap;
	shadow sh = {NULL, 0, 0};
	bool nul = false; /* whether data[len] must be a NUL by now */

	for (size_t i = 1; i + 1 < size; i += 2) {
		uint8_t op = data[i] & 7;
		size_t n = data[i + 1];
		if (data[i] & 8)
			n *= 37; /* now and then, larger steps */
		const uint8_t *rest = data + i + 2;
		size_t avail = size - i - 2;
		char text[64];
		const void *bytes = NULL; /* what a successful op appends */
		size_t add = 0;
		bool was_null = b.data == NULL;
		int r = 0;

		switch (op) {
		case 0:
		case 1: /* raw bytes, NULs included */
			add = n < avail ? n : avail;
			bytes = rest;
			r = au_buf_append(&b, rest, add);
			break;
		case 2: { /* a C string: stops at an embedded NUL */
			size_t k = n % sizeof(text);
			if (k > avail)
				k = avail;
			memcpy(text, rest, k);
			text[k] = '\0';
			add = strlen(text);
			bytes = text;
			r = au_buf_puts(&b, text);
			break;
		}
		case 3:
			add = (size_t)snprintf(text, sizeof(text), "%zu:%.*s", n, (int)(n % 8), "abcdefgh");
			bytes = text;
			r = au_buf_printf(&b, "%zu:%.*s", n, (int)(n % 8), "abcdefgh");
			break;
		case 4:
			r = au_buf_reserve(&b, n);
			REQUIRE((r == 0) == (!cap || sh.len + n <= cap));
			if (r == 0)
				REQUIRE(b.alloc >= b.len + n + 1);
			if (was_null)
				nul = false; /* a fresh allocation holds no terminator yet */
			break;
		case 5: /* sizes no buffer can have: refused, not attempted */
			if (!cap && n > b.len)
				n = b.len; /* unbounded, SIZE_MAX - n could be tried (and abort as OOM) */
			REQUIRE(au_buf_reserve(&b, SIZE_MAX - n) == -EFBIG);
			break;
		case 6:
			au_buf_release(&b);
			REQUIRE(b.data == NULL && b.len == 0 && b.alloc == 0 && b.cap == cap);
			sh.len = 0;
			nul = false;
			break;
		case 7:
			bytes = "";
			r = au_buf_append(&b, "", 0);
			break;
		}
		REQUIRE(r == 0 || r == -EFBIG);
		if (bytes) {
			/* Refused exactly when the result would pass the cap. */
			REQUIRE((r == 0) == (!cap || sh.len + add <= cap));
			if (r == 0) {
				shadow_put(&sh, bytes, add);
				nul = true;
			}
		}
		/* Contents intact whatever happened. */
		REQUIRE(b.len == sh.len);
		if (cap)
			REQUIRE(b.alloc <= cap + 1);
		if (b.data) {
			REQUIRE(b.alloc > b.len);
			REQUIRE(!nul || b.data[b.len] == '\0');
			REQUIRE(b.len == 0 || memcmp(b.data, sh.data, b.len) == 0);
		} else {
			REQUIRE(b.len == 0);
		}
	}
	au_buf_release(&b);
	free(sh.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_iso8601(data, size);
	fuzz_buf(data, size);
	return 0;
}
