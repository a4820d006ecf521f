/*
 * The one JSON writer: every --json output goes through it. It owns the
 * separators (commas, colons), RFC 8259 string escaping, and the promise
 * that what it writes is valid UTF-8 whatever bytes it is given (each
 * ill-formed sequence becomes U+FFFD). Numbers are integers, exact
 * decimals from scaled integers (money: pico-dollars, never a double) or
 * fixed-point doubles formatted without the locale.
 *
 * Layout is compact; the caller asks for a line break before the next item
 * with au_jw_newline, which is how the outputs keep one row per line.
 * The writer does not check that keys and values alternate: that is the
 * caller's structure.
 */
#ifndef AU_JSONW_H
#define AU_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

typedef struct au_jw {
	FILE *f;      /* the sink: f, or else buf */
	au_buf *buf;
	int err;      /* first write error (negative errno), sticky */
	int depth;    /* open containers */
	bool comma;   /* the current container already holds an item */
	bool keyed;   /* a key was written; its value comes next */
	bool newline; /* a line break is due before the next item */
} au_jw;

/* A writer to an open stream, or appending to b (b's cap applies: going
 * past it makes au_jw_finish return -EFBIG). Neither owns its sink. */
void au_jw_init_file(au_jw *w, FILE *f);
void au_jw_init_buf(au_jw *w, au_buf *b);
/* Writes a line break still due, and returns 0 or the first error
 * (-EFBIG from a capped buffer, -EIO from a stream). */
int au_jw_finish(au_jw *w);

/* A line break before the next item (after its comma) or before the next
 * closing bracket, or at au_jw_finish. */
void au_jw_newline(au_jw *w);

void au_jw_obj_begin(au_jw *w);
void au_jw_obj_end(au_jw *w);
void au_jw_arr_begin(au_jw *w);
void au_jw_arr_end(au_jw *w);
void au_jw_key(au_jw *w, const char *key);

/* A string; s NULL writes null. strn takes n bytes, NUL bytes included. */
void au_jw_str(au_jw *w, const char *s);
void au_jw_strn(au_jw *w, const char *s, size_t n);
void au_jw_int(au_jw *w, int64_t v);
void au_jw_bool(au_jw *w, bool v);
void au_jw_null(au_jw *w);
/* One value that is already JSON (another writer's whole output), written
 * as is, its trailing whitespace dropped: how one document holds several
 * reports each rendered on its own. The caller vouches that it is exactly
 * one valid JSON value; the writer does not parse it. */
void au_jw_raw(au_jw *w, const char *json, size_t n);
/* v / 10^scale written exactly, trailing zeros trimmed ("1.5", "0",
 * "-0.000001"); scale at most 18. */
void au_jw_decimal(au_jw *w, int64_t v, int scale);
/* The same exact decimal as text (for CSV cells too): v / 10^scale with
 * trailing zeros trimmed, "-1.5", "0". Returns the length snprintf would
 * (buf of 48 bytes always suffices). */
int au_format_decimal(int64_t v, int scale, char *buf, size_t n);
/* A UTC instant as RFC 3339, "2026-11-16T14:05:09Z", or with its
 * milliseconds, "2026-11-16T14:05:09.123Z" (seconds rounded down, also
 * before 1970). false outside the years 1 to 9999 (buf is then ""). */
bool au_format_utc(int64_t ms, bool with_ms, char buf[static 32]);
/* Money: pico-dollars as an exact decimal dollar amount. */
static inline void au_jw_money(au_jw *w, int64_t pico)
{
	au_jw_decimal(w, pico, 12);
}
/* A double with prec digits after the point, "." whatever the locale;
 * NaN and infinities write null. */
void au_jw_fixed(au_jw *w, double v, int prec);

/* key + value in one call. */
void au_jw_kstr(au_jw *w, const char *key, const char *s);
void au_jw_kint(au_jw *w, const char *key, int64_t v);
void au_jw_kbool(au_jw *w, const char *key, bool v);
void au_jw_kmoney(au_jw *w, const char *key, int64_t pico);

#endif
