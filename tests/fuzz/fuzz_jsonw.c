/*
 * libFuzzer target for the JSON writer (src/base/jsonw.c). The input is
 * split at its first two NUL bytes into a key, a string value and a tail
 * of 8-byte integers; the writer puts them in an object (as a string, the
 * integer, the integer as a 12-place exact decimal, and an array of the
 * strings as one member each) into an au_buf. Then:
 *  - Jansson parses the output, strictly, as one JSON document;
 *  - every string comes back as valid UTF-8, and when the input bytes were
 *    valid UTF-8 (without NUL, which C strings cannot hold) they come back
 *    unchanged;
 *  - the integer comes back equal, and the decimal equals v / 10^12.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <glib.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "require.h"

static void check_string(json_t *v, const char *in, size_t n)
{
	REQUIRE(json_is_string(v));
	const char *out = json_string_value(v);
	size_t len = json_string_length(v);
	REQUIRE(g_utf8_validate(out, (gssize)len, NULL));
	if (g_utf8_validate(in, (gssize)n, NULL) && !memchr(in, 0, n))
		REQUIRE(len == n && memcmp(out, in, n) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	const char *z1 = memchr(s, 0, size);
	const char *key = s, *val = z1 ? z1 + 1 : end;
	size_t keyn = z1 ? (size_t)(z1 - s) : size;
	const char *z2 = memchr(val, 0, (size_t)(end - val));
	size_t valn = z2 ? (size_t)(z2 - val) : (size_t)(end - val);
	const char *tail = z2 ? z2 + 1 : end;
	int64_t num = 0;
	if (end - tail >= 8)
		memcpy(&num, tail, 8);

	char *k = g_strndup(key, keyn); /* a C string key: up to a NUL */
	au_buf b;
	au_buf_init(&b, 0);
	au_jw w;
	au_jw_init_buf(&w, &b);
	au_jw_obj_begin(&w);
	au_jw_key(&w, k);
	au_jw_strn(&w, val, valn);
	au_jw_kint(&w, "n", num);
	au_jw_key(&w, "d");
	au_jw_decimal(&w, num, 12);
	au_jw_key(&w, "a");
	au_jw_arr_begin(&w);
	au_jw_newline(&w);
	au_jw_str(&w, k);
	au_jw_strn(&w, val, valn);
	au_jw_arr_end(&w);
	au_jw_obj_end(&w);
	au_jw_newline(&w);
	REQUIRE(au_jw_finish(&w) == 0);

	json_error_t jerr;
	/* one document, nothing after it but the newline (Jansson's default
	 * end check); a key equal to "n", "d" or "a" is a duplicate, which
	 * JSON allows and Jansson resolves to the last */
	json_t *doc = json_loadb(b.data, b.len, 0, &jerr);
	REQUIRE(doc);
	REQUIRE(json_is_object(doc));
	json_t *a = json_object_get(doc, "a");
	REQUIRE(json_is_array(a) && json_array_size(a) == 2);
	check_string(json_array_get(a, 0), k, strlen(k));
	check_string(json_array_get(a, 1), val, valn);
	if (strcmp(k, "n") && strcmp(k, "d") && strcmp(k, "a")) {
		/* the member is found under the key only when that was valid */
		if (g_utf8_validate(k, -1, NULL))
			check_string(json_object_get(doc, k), val, valn);
		json_t *n = json_object_get(doc, "n");
		REQUIRE(json_is_integer(n) && json_integer_value(n) == num);
		REQUIRE(json_is_number(json_object_get(doc, "d")));
	}
	/* the decimal alone: its text, read back as an exact fraction */
	{
		au_buf db;
		au_buf_init(&db, 0);
		au_jw dw;
		au_jw_init_buf(&dw, &db);
		au_jw_decimal(&dw, num, 12);
		REQUIRE(au_jw_finish(&dw) == 0);
		const char *t = db.data;
		REQUIRE((num < 0) == (*t == '-'));
		char *dot = NULL;
		long long whole = strtoll(t, &dot, 10);
		uint64_t mag = num < 0 ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
		REQUIRE((uint64_t)llabs(whole) == mag / 1000000000000u);
		uint64_t frac = 0;
		int digits = 0;
		if (*dot == '.')
			for (t = dot + 1; *t >= '0' && *t <= '9'; t++, digits++)
				frac = frac * 10 + (uint64_t)(*t - '0');
		else
			t = dot;
		REQUIRE(*t == '\0');
		REQUIRE(digits <= 12 && (digits == 0 || t[-1] != '0'));
		for (; digits < 12; digits++)
			frac *= 10;
		REQUIRE(frac == mag % 1000000000000u);
		au_buf_release(&db);
	}
	json_decref(doc);
	au_buf_release(&b);
	g_free(k);
	return 0;
}
