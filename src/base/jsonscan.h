/*
 * A validating JSON tokenizer for the parsers' hot path. It checks a whole
 * line against RFC 8259 (UTF-8, escapes, surrogates, numbers, nesting) the
 * way Jansson does, but builds only a flat token array pointing into the
 * line: no allocation per value, no string copies. Lookups then find the
 * few fields a parser needs. Jansson remains the reference: tests and a
 * fuzzer compare the two on every input (tests/unit/test_jsonscan.c).
 */
#ifndef AU_JSONSCAN_H
#define AU_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum js_type {
	JS_OBJECT = 1,
	JS_ARRAY,
	JS_STRING,
	JS_INTEGER,
	JS_REAL,
	JS_TRUE,
	JS_FALSE,
	JS_NULL,
} js_type;

typedef struct js_tok {
	uint8_t type;
	uint8_t escaped; /* strings: contains a backslash escape */
	uint32_t start;  /* strings: first byte after the quote */
	uint32_t end;    /* strings: the closing quote; others: one past */
	uint32_t next;   /* index of the token after this whole subtree */
} js_tok;

typedef struct js_doc {
	const char *src;
	js_tok *toks;
	uint32_t ntok, cap;
	uint64_t gen; /* counts js_parse calls: a caller can tell its parse is still the one held */
} js_doc;

#define JS_MAX_DEPTH 2048 /* as Jansson */

void js_doc_init(js_doc *d);
void js_doc_release(js_doc *d);

/* A document owned by the calling thread, reused line after line and freed
 * when the thread exits (the scan's reader threads come and go). */
js_doc *js_thread_doc(void);

/* Tokenizes and validates src[0..len). 0, or -EINVAL with err->msg naming
 * the byte column and the problem. Token 0 is the root value. */
int js_parse(js_doc *d, const char *src, size_t len, au_err *err);
/* A whole document file: 0 when it holds only white space (a file caught
 * between its truncation and the rewrite: nothing yet, not an error), 1
 * when parsed into d, or js_parse's negative errno. */
int js_parse_document(js_doc *d, const char *src, size_t len, au_err *err);

/* Value token of the last member named key in object obj, or -1. */
int js_get(const js_doc *d, int obj, const char *key);
/* The first member name of object obj that is not in known (NULL-ended)
 * into buf (cut to cap - 1 bytes); false when obj has none or is no object. */
bool js_unknown_key(const js_doc *d, int obj, const char *const *known, char *buf, size_t cap);
/* Object member lookups that also check the type; -1 if absent/other. */
int js_get_obj(const js_doc *d, int obj, const char *key);

static inline js_type js_typeof(const js_doc *d, int t)
{
	return t >= 0 ? (js_type)d->toks[t].type : (js_type)0;
}

/* An integer token's value (false for anything else). */
bool js_int(const js_doc *d, int t, int64_t *ret);
/* A number token (integer or real) as a finite double, read whole and
 * without the locale; false for anything else. */
bool js_real(const js_doc *d, int t, double *ret);
/* Integer member with a default for missing / non-integer. */
int64_t js_int_or(const js_doc *d, int obj, const char *key, int64_t dflt);

/* Unescaped string value into buf (NUL-terminated). Returns its length,
 * -EINVAL if t is not a string, -ENOSPC if it does not fit. */
int js_str(const js_doc *d, int t, char *buf, size_t cap);
/* Copies string member key of obj into dst (unescaped, NUL-terminated):
 * its length, or -1 when absent, not a string or longer than cap - 1. */
int js_get_str(const js_doc *d, int obj, const char *key, char *dst, size_t cap);
/*
 * The same for an id (a session, message or request id). JSON may spell a
 * NUL (\u0000), which a C string would silently cut short, so that ids
 * apart would count as one: -EILSEQ then (buf emptied), for the parser to
 * reject the line, as the scanner rejects a raw control character.
 */
int js_id(const js_doc *d, int t, char *buf, size_t cap);
int js_get_id(const js_doc *d, int obj, const char *key, char *dst, size_t cap);
/* What a parser says when js_id refuses an id: "<what> " AU_ID_NUL_MSG. */
#define AU_ID_NUL_MSG "holds a NUL character (\\u0000)"
/* Whether string token t equals s exactly (after unescaping). */
bool js_str_eq(const js_doc *d, int t, const char *s);
/* Whether string token t is one of known (NULL-ended); false for anything
 * that is not a string. */
bool js_str_in(const js_doc *d, int t, const char *const *known);
/* String token t into buf, cut to cap - 1 bytes when longer (to name it in
 * a message); false when t is not a string. */
bool js_str_cut(const js_doc *d, int t, char *buf, size_t cap);

#endif
