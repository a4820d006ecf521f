/*
 * Small shared utilities: the error struct every library function fills,
 * a growable byte buffer with a hard cap, time parsing, and hashing.
 * Library code never prints; it returns a negative errno and, when the
 * caller passes an au_err, a one-line human explanation.
 */
#ifndef AU_UTIL_H
#define AU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct au_err {
	char msg[512];
} au_err;

/* Formats into err->msg (if err is non-NULL) and returns -code (code > 0). */
int au_fail(au_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Aborting allocators: out of memory is not something we can report around. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer that refuses to grow past cap (bounded input). */
typedef struct au_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap; /* 0 means unbounded */
} au_buf;

void au_buf_init(au_buf *b, size_t cap);
void au_buf_release(au_buf *b);
/* Ensures room for `extra` more bytes; -EFBIG past the cap. */
int au_buf_reserve(au_buf *b, size_t extra);
int au_buf_append(au_buf *b, const void *p, size_t n);
int au_buf_puts(au_buf *b, const char *s);
int au_buf_printf(au_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Parses an ISO-8601 / RFC 3339 timestamp ("2025-10-01T12:34:56.789Z",
 * "+02:00" offsets, optional fraction) into milliseconds since the epoch, UTC.
 * Returns 0 or -EINVAL. Pure, no locale, no time zone database.
 */
int au_parse_iso8601_ms(const char *s, size_t len, int64_t *ret_ms);

/* Division rounding toward negative infinity (times before 1970). */
static inline int64_t au_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t au_days_from_civil(int64_t y, unsigned m, unsigned d);
void au_civil_from_days(int64_t z, int *ret_y, unsigned *ret_m, unsigned *ret_d);

/* A calendar date as YYYY-MM-DD or YYYYMMDD (the --since/--until forms)
 * to days since 1970-01-01; false if it is not a real date. */
bool au_parse_day(const char *s, int64_t *ret_days);

/* Reads from fd into buf until n bytes or the end of the file, retrying
 * when a signal interrupts: the count read, or -errno. */
ssize_t au_read_full(int fd, char *buf, size_t n);

/* Removes a directory tree (symlinks are unlinked, never followed);
 * best effort, for temporary directories. */
void au_remove_tree(const char *path);

/* 64-bit FNV-1a: stable across runs and versions (it ends up in the store). */
uint64_t au_hash64(const void *p, size_t n);
/* A GHashFunc for NUL-terminated strings, 8 bytes a step: g_str_hash goes
 * a byte at a time, and the scan hashes every path, key and message id
 * (keys of 90 bytes: 350 instructions each). Not stable across versions:
 * never store it (au_hash64 is the stored one). */
unsigned au_str_hash(const void *s);
/* The same hash over n bytes, all 64 bits: for in-memory filters only. */
uint64_t au_mem_hash64(const void *p, size_t n);

/* strtoll-ish for an exact, whole decimal string; false on junk or overflow. */
bool au_parse_int64(const char *s, int64_t *ret);

#endif
