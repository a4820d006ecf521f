/*
 * The JSON writer (see jsonw.h): separators, escaping, UTF-8 repair and
 * the exact number forms, over a FILE * or an au_buf.
 */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "jsonw.h"

static void put(au_jw *w, const void *p, size_t n)
{
	if (w->err || n == 0)
		return;
	if (w->f) {
		if (fwrite(p, 1, n, w->f) != n)
			w->err = -EIO;
	} else {
		int r = au_buf_append(w->buf, p, n);
		if (r < 0)
			w->err = r;
	}
}

static void puts_(au_jw *w, const char *s)
{
	put(w, s, strlen(s));
}

void au_jw_init_file(au_jw *w, FILE *f)
{
	*w = (au_jw){.f = f};
}

void au_jw_init_buf(au_jw *w, au_buf *b)
{
	*w = (au_jw){.buf = b};
}

int au_jw_finish(au_jw *w)
{
	if (w->newline) {
		put(w, "\n", 1);
		w->newline = false;
	}
	if (w->f && !w->err && ferror(w->f))
		w->err = -EIO;
	return w->err;
}

void au_jw_newline(au_jw *w)
{
	w->newline = true;
}

/* Before any item: the comma after the previous one, then a line break
 * that was asked for. A value right after its key needs neither. */
static void item(au_jw *w)
{
	if (w->keyed) {
		w->keyed = false;
		return;
	}
	if (w->comma)
		put(w, ",", 1);
	if (w->newline) {
		put(w, "\n", 1);
		w->newline = false;
	}
	w->comma = true;
}

static void open_(au_jw *w, char c)
{
	item(w);
	put(w, &c, 1);
	w->depth++;
	w->comma = false;
}

static void close_(au_jw *w, char c)
{
	if (w->newline) {
		put(w, "\n", 1);
		w->newline = false;
	}
	put(w, &c, 1);
	w->depth--;
	/* the container just closed is an item of its parent */
	w->comma = true;
	w->keyed = false;
}

void au_jw_obj_begin(au_jw *w)
{
	open_(w, '{');
}

void au_jw_obj_end(au_jw *w)
{
	close_(w, '}');
}

void au_jw_raw(au_jw *w, const char *json, size_t n)
{
	while (n && (json[n - 1] == '\n' || json[n - 1] == ' ' || json[n - 1] == '\t' || json[n - 1] == '\r'))
		n--;
	item(w);
	put(w, json, n);
}

void au_jw_arr_begin(au_jw *w)
{
	open_(w, '[');
}

void au_jw_arr_end(au_jw *w)
{
	close_(w, ']');
}

/* Length of the well-formed UTF-8 sequence at p (2 to 4 bytes), or 0 when
 * it is ill-formed; then *ret_bad is the length of its maximal subpart
 * (the bytes one U+FFFD replaces, Unicode's recommended practice). The
 * ranges of the second byte rule out overlongs, surrogates and code
 * points past U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *ret_bad)
{
	unsigned c = p[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		*ret_bad = 1; /* a stray continuation byte, C0, C1 or F5..FF */
		return 0;
	}
	size_t i = 1;
	for (; i < len && i < n; i++) {
		unsigned b = p[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			break;
	}
	if (i == len)
		return len;
	*ret_bad = i;
	return 0;
}

static void string_body(au_jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		/* a run that needs nothing done goes out in one write */
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		put(w, run, (size_t)(p - run));
		if (p == end)
			break;
		unsigned c = *p;
		if (c >= 0x80) {
			size_t bad = 0, len = utf8_seq(p, (size_t)(end - p), &bad);
			if (len) {
				put(w, p, len);
				p += len;
			} else {
				puts_(w, "\xef\xbf\xbd");
				p += bad;
			}
			continue;
		}
		char esc[6] = {'\\', 0};
		size_t k = 2;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default: /* the other controls as \u00XX, as our outputs always had */
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			k = 6;
		}
		put(w, esc, k);
		p++;
	}
}

static void string_(au_jw *w, const char *s, size_t n)
{
	put(w, "\"", 1);
	string_body(w, s, n);
	put(w, "\"", 1);
}

void au_jw_key(au_jw *w, const char *key)
{
	item(w);
	string_(w, key, strlen(key));
	put(w, ":", 1);
	w->keyed = true;
}

void au_jw_str(au_jw *w, const char *s)
{
	if (!s) {
		au_jw_null(w);
		return;
	}
	au_jw_strn(w, s, strlen(s));
}

void au_jw_strn(au_jw *w, const char *s, size_t n)
{
	item(w);
	string_(w, s, n);
}

void au_jw_int(au_jw *w, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%" PRId64, v);
	item(w);
	put(w, b, (size_t)n);
}

void au_jw_bool(au_jw *w, bool v)
{
	item(w);
	puts_(w, v ? "true" : "false");
}

void au_jw_null(au_jw *w)
{
	item(w);
	puts_(w, "null");
}

int au_format_decimal(int64_t v, int scale, char *buf, size_t n)
{
	if (scale < 0)
		scale = 0;
	if (scale > 18)
		scale = 18;
	uint64_t unit = 1;
	for (int i = 0; i < scale; i++)
		unit *= 10;
	/* the magnitude in unsigned arithmetic, so INT64_MIN has one too */
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t whole = mag / unit, frac = mag % unit;
	int len = snprintf(buf, n, "%s%" PRIu64, v < 0 ? "-" : "", whole);
	if (frac && len >= 0 && (size_t)len < n) {
		int digits = scale;
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		len += snprintf(buf + len, n - (size_t)len, ".%0*" PRIu64, digits, frac);
	}
	return len;
}

void au_jw_decimal(au_jw *w, int64_t v, int scale)
{
	char b[48];
	int n = au_format_decimal(v, scale, b, sizeof(b));
	item(w);
	put(w, b, (size_t)n);
}

void au_jw_fixed(au_jw *w, double v, int prec)
{
	if (!isfinite(v)) {
		au_jw_null(w);
		return;
	}
	if (prec < 0)
		prec = 0;
	if (prec > 17)
		prec = 17;
	char fmt[8], b[G_ASCII_DTOSTR_BUF_SIZE + 320];
	snprintf(fmt, sizeof(fmt), "%%.%df", prec);
	/* g_ascii_formatd: printf's forms with "." whatever LC_NUMERIC says */
	g_ascii_formatd(b, sizeof(b), fmt, v);
	item(w);
	puts_(w, b);
}

void au_jw_kstr(au_jw *w, const char *key, const char *s)
{
	au_jw_key(w, key);
	au_jw_str(w, s);
}

void au_jw_kint(au_jw *w, const char *key, int64_t v)
{
	au_jw_key(w, key);
	au_jw_int(w, v);
}

void au_jw_kbool(au_jw *w, const char *key, bool v)
{
	au_jw_key(w, key);
	au_jw_bool(w, v);
}

void au_jw_kmoney(au_jw *w, const char *key, int64_t pico)
{
	au_jw_key(w, key);
	au_jw_money(w, pico);
}

bool au_format_utc(int64_t ms, bool with_ms, char buf[static 32])
{
	buf[0] = '\0';
	int64_t secs = au_floor_div(ms, 1000);
	int64_t day = au_floor_div(secs, 86400), rest = secs - day * 86400;
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	if (y < 1 || y > 9999)
		return false;
	int n = snprintf(buf, 32, "%04d-%02u-%02uT%02d:%02d:%02d", y, m, d, (int)(rest / 3600), (int)(rest / 60 % 60),
			 (int)(rest % 60));
	if (with_ms)
		snprintf(buf + n, (size_t)(32 - n), ".%03dZ", (int)(ms - secs * 1000));
	else
		snprintf(buf + n, (size_t)(32 - n), "Z");
	return true;
}
