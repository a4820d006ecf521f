/*
 * Differential check of parsers/jsonscan.c against Jansson, shared by the
 * unit test and the fuzzer: both must accept the same inputs, and for an
 * accepted input every value (types, unescaped strings, integers, object
 * members with last-duplicate-wins) must agree.
 */
#ifndef AU_JSONCMP_H
#define AU_JSONCMP_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"

static bool jsoncmp_value(const js_doc *d, int t, json_t *j);

static bool jsoncmp_value(const js_doc *d, int t, json_t *j)
{
	switch (js_typeof(d, t)) {
	case JS_OBJECT: {
		if (!json_is_object(j))
			return false;
		/* every key Jansson kept maps to the same value through js_get */
		const char *k;
		json_t *v;
		size_t n = 0;
		json_object_foreach(j, k, v)
		{
			if (!jsoncmp_value(d, js_get(d, t, k), v))
				return false;
			n++;
		}
		/* and every member we saw is one of Jansson's keys */
		uint32_t end = d->toks[t].next;
		for (uint32_t kt = (uint32_t)t + 1; kt < end; kt = d->toks[kt + 1].next) {
			/* heap, not stack: this recursion is 2048 deep */
			char *buf = malloc(4096);
			int len = js_str(d, (int)kt, buf, 4096);
			bool known = len < 0 || json_object_get(j, buf);
			free(buf);
			if (!known)
				return false;
		}
		(void)n;
		return true;
	}
	case JS_ARRAY: {
		if (!json_is_array(j))
			return false;
		size_t i = 0;
		uint32_t end = d->toks[t].next;
		for (uint32_t e = (uint32_t)t + 1; e < end; e = d->toks[e].next, i++)
			if (i >= json_array_size(j) || !jsoncmp_value(d, (int)e, json_array_get(j, i)))
				return false;
		return i == json_array_size(j);
	}
	case JS_STRING: {
		if (!json_is_string(j))
			return false;
		size_t n = json_string_length(j);
		char *buf = malloc(n + 1);
		int len = js_str(d, t, buf, n + 1);
		bool ok = len >= 0 && (size_t)len == n && memcmp(buf, json_string_value(j), n) == 0;
		free(buf);
		return ok;
	}
	case JS_INTEGER: {
		int64_t v;
		return json_is_integer(j) && js_int(d, t, &v) && v == (int64_t)json_integer_value(j);
	}
	case JS_REAL:
		return json_is_real(j);
	case JS_TRUE:
		return json_is_true(j);
	case JS_FALSE:
		return json_is_false(j);
	case JS_NULL:
		return json_is_null(j);
	}
	return false;
}

/* 0 when both agree; otherwise prints why and returns 1. */
static int jsoncmp(const char *buf, size_t len)
{
	static js_doc d;
	au_err err;
	json_error_t jerr;
	/*
	 * A raw NUL byte is never valid JSON (not whitespace; a control byte
	 * inside a string). Jansson accepts one right after a number: its
	 * lexer's unget cannot push a 0 byte back, so it is dropped
	 * ({"a":3<NUL>} parses). jsonscan follows RFC 8259 and rejects; that is
	 * the one difference, checked here instead of compared.
	 */
	if (memchr(buf, '\0', len)) {
		if (js_parse(&d, buf, len, &err) == 0) {
			fprintf(stderr, "jsoncmp: jsonscan accepts a raw NUL byte in %zu bytes\n", len);
			return 1;
		}
		return 0;
	}
	json_t *j = json_loadb(buf, len, JSON_ALLOW_NUL, &jerr);
	int r = js_parse(&d, buf, len, &err);
	int bad = 0;
	if ((j != NULL) != (r == 0)) {
		fprintf(stderr, "jsoncmp: jansson %s (%s), jsonscan %s (%s) on %zu bytes: %.*s\n",
			j ? "accepts" : "rejects", j ? "" : jerr.text, r == 0 ? "accepts" : "rejects",
			r == 0 ? "" : err.msg, len, (int)(len > 200 ? 200 : len), buf);
		bad = 1;
	} else if (j && !jsoncmp_value(&d, 0, j)) {
		fprintf(stderr, "jsoncmp: values differ on: %.*s\n", (int)(len > 200 ? 200 : len), buf);
		bad = 1;
	}
	json_decref(j);
	return bad;
}

#endif
