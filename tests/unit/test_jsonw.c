/*
 * src/base/jsonw.c: the one JSON writer. Exact bytes for the layout,
 * escapes, number forms and UTF-8 repair, and Jansson parsing what it
 * writes.
 */
#include <errno.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "jsonw.h"

/* One string value written alone. */
static char *str_json(const char *s, size_t n)
{
	au_buf b;
	au_buf_init(&b, 0);
	au_jw w;
	au_jw_init_buf(&w, &b);
	au_jw_strn(&w, s, n);
	CHECK_INT(au_jw_finish(&w), 0);
	return b.data;
}

static void check_str(const char *in, size_t n, const char *want)
{
	char *got = str_json(in, n);
	CHECK_STR(got, want);
	/* and Jansson reads it back as a string, valid UTF-8 */
	json_error_t e;
	json_t *v = json_loads(got, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	CHECK(json_is_string(v));
	json_decref(v);
	free(got);
}

#define STR(lit, want) check_str(lit, sizeof(lit) - 1, want)

static char *dec_json(int64_t v, int scale)
{
	au_buf b;
	au_buf_init(&b, 0);
	au_jw w;
	au_jw_init_buf(&w, &b);
	au_jw_decimal(&w, v, scale);
	au_jw_finish(&w);
	return b.data;
}

#define DEC(v, scale, want)                                \
	do {                                               \
		char *d_ = dec_json(v, scale);             \
		CHECK_STR(d_, want);                       \
		free(d_);                                  \
	} while (0)

/* RFC 3339 UTC instants, the one formatter every JSON time goes through. */
static void test_format_utc(void)
{
	char b[32];
	CHECK(au_format_utc(INT64_C(1763301909123), false, b));
	CHECK_STR(b, "2025-11-16T14:05:09Z");
	CHECK(au_format_utc(INT64_C(1763301909123), true, b));
	CHECK_STR(b, "2025-11-16T14:05:09.123Z");
	CHECK(au_format_utc(0, true, b));
	CHECK_STR(b, "1970-01-01T00:00:00.000Z");
	/* before 1970 the second is rounded down, the milliseconds stay positive */
	CHECK(au_format_utc(-1, true, b));
	CHECK_STR(b, "1969-12-31T23:59:59.999Z");
	CHECK(au_format_utc(INT64_C(253402300799999), false, b));
	CHECK_STR(b, "9999-12-31T23:59:59Z");
	CHECK(!au_format_utc(INT64_C(253402300800000), false, b));
	CHECK_STR(b, "");
}

int main(void)
{
	test_format_utc();
	/* escapes: the two that must be, the short control forms, the rest
	 * as \u00XX; "/" and DEL need none */
	STR("plain", "\"plain\"");
	STR("", "\"\"");
	STR("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	STR("\n\r\t", "\"\\n\\r\\t\"");
	STR("\x01\x08\x0c\x1f\x7f", "\"\\u0001\\u0008\\u000c\\u001f\x7f\"");
	STR("a\0b", "\"a\\u0000b\"");

	/* valid UTF-8 goes through untouched: 2, 3 and 4 bytes, the edges */
	STR("Jos\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", "\"Jos\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"");
	STR("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	    "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");

	/* ill-formed UTF-8: each maximal subpart becomes one U+FFFD */
#define R "\xef\xbf\xbd"
	STR("\x80", "\"" R "\"");                     /* lone continuation */
	STR("a\xff" "b\xfe", "\"a" R "b" R "\"");      /* bytes never in UTF-8 */
	STR("\xc0\xaf", "\"" R R "\"");               /* overlong "/" (C0 never valid) */
	STR("\xc1\xbf", "\"" R R "\"");
	STR("\xe0\x80\xaf", "\"" R R R "\"");         /* overlong 3-byte */
	STR("\xf0\x80\x80\xaf", "\"" R R R R "\"");   /* overlong 4-byte */
	STR("\xed\xa0\x80", "\"" R R R "\"");         /* surrogate D800 */
	STR("\xed\xbf\xbf", "\"" R R R "\"");         /* surrogate DFFF */
	STR("\xf4\x90\x80\x80", "\"" R R R R "\"");   /* past U+10FFFF */
	STR("\xf5\x80", "\"" R R "\"");
	STR("\xe4\xb8", "\"" R "\"");                 /* cut short at the end */
	STR("\xe4\xb8x", "\"" R "x\"");               /* cut short before ASCII */
	STR("\xf0\x9f\x98", "\"" R "\"");
	STR("\xe4\xb8\xe4\xb8\xad", "\"" R "\xe4\xb8\xad\"");
	STR("\xc3\"", "\"" R "\\\"\"");               /* a quote is never eaten */
#undef R

	/* exact decimals: trailing zeros trimmed, never through a double */
	DEC(0, 12, "0");
	DEC(1, 12, "0.000000000001");
	DEC(1500000000000, 12, "1.5");
	DEC(2000000000000, 12, "2");
	DEC(-1, 12, "-0.000000000001");
	DEC(-2500000000000, 12, "-2.5");
	DEC(123456789012345678, 12, "123456.789012345678");
	DEC(INT64_MAX, 12, "9223372.036854775807");
	DEC(INT64_MIN, 12, "-9223372.036854775808");
	DEC(INT64_MIN, 0, "-9223372036854775808");
	DEC(37500, 4, "3.75");
	DEC(5, 0, "5");

	/* a whole document: separators, nesting, line breaks where asked,
	 * every value kind, and fixed-point doubles whatever the locale */
	setlocale(LC_NUMERIC, "de_DE.UTF-8"); /* a comma locale, if installed */
	{
		au_buf b;
		au_buf_init(&b, 0);
		au_jw w;
		au_jw_init_buf(&w, &b);
		au_jw_obj_begin(&w);
		au_jw_key(&w, "rows");
		au_jw_arr_begin(&w);
		for (int i = 0; i < 2; i++) {
			au_jw_newline(&w);
			au_jw_obj_begin(&w);
			au_jw_kint(&w, "i", i);
			au_jw_kbool(&w, "odd", i & 1);
			au_jw_kmoney(&w, "cost", 1250000000000LL * i);
			au_jw_key(&w, "share");
			au_jw_fixed(&w, i ? 0.25 : NAN, 6);
			au_jw_key(&w, "empty");
			au_jw_arr_begin(&w);
			au_jw_arr_end(&w);
			au_jw_kstr(&w, "none", NULL);
			au_jw_obj_end(&w);
		}
		au_jw_arr_end(&w);
		au_jw_newline(&w);
		au_jw_key(&w, "k\"ey");
		au_jw_obj_begin(&w);
		au_jw_obj_end(&w);
		au_jw_key(&w, "n");
		au_jw_null(&w);
		au_jw_obj_end(&w);
		au_jw_newline(&w);
		CHECK_INT(au_jw_finish(&w), 0);
		CHECK_STR(b.data, "{\"rows\":[\n"
				  "{\"i\":0,\"odd\":false,\"cost\":0,\"share\":null,\"empty\":[],\"none\":null},\n"
				  "{\"i\":1,\"odd\":true,\"cost\":1.25,\"share\":0.250000,\"empty\":[],\"none\":null}],\n"
				  "\"k\\\"ey\":{},\"n\":null}\n");
		json_error_t e;
		json_t *v = json_loads(b.data, 0, &e);
		CHECK(json_is_object(v));
		json_decref(v);
		au_buf_release(&b);
	}
	setlocale(LC_NUMERIC, "C");

	/* a line break due before a closing bracket */
	{
		au_buf b;
		au_buf_init(&b, 0);
		au_jw w;
		au_jw_init_buf(&w, &b);
		au_jw_arr_begin(&w);
		au_jw_int(&w, -7);
		au_jw_newline(&w);
		au_jw_arr_end(&w);
		au_jw_finish(&w);
		CHECK_STR(b.data, "[-7\n]");
		au_buf_release(&b);
	}

	/* a capped buffer: the error sticks and finish reports it */
	{
		au_buf b;
		au_buf_init(&b, 8);
		au_jw w;
		au_jw_init_buf(&w, &b);
		au_jw_str(&w, "longer than eight bytes");
		au_jw_int(&w, 1);
		CHECK_INT(au_jw_finish(&w), -EFBIG);
		au_buf_release(&b);
	}

	/* to a stream */
	{
		char *mem = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&mem, &n);
		au_jw w;
		au_jw_init_file(&w, f);
		au_jw_arr_begin(&w);
		au_jw_str(&w, "\xc3\xa9");
		au_jw_bool(&w, true);
		au_jw_arr_end(&w);
		CHECK_INT(au_jw_finish(&w), 0);
		fclose(f);
		CHECK_STR(mem, "[\"\xc3\xa9\",true]");
		free(mem);
	}
	/* values already JSON (each report's own document) as items of one
	 * object: commas and keys as for any value, trailing newlines dropped */
	{
		au_buf b;
		au_buf_init(&b, 0);
		au_jw w;
		au_jw_init_buf(&w, &b);
		au_jw_obj_begin(&w);
		au_jw_key(&w, "daily");
		au_jw_raw(&w, "{\"daily\":[]}\n", 13);
		au_jw_newline(&w);
		au_jw_key(&w, "models");
		au_jw_raw(&w, "[1,\n2]\n\n", 8);
		au_jw_obj_end(&w);
		CHECK_INT(au_jw_finish(&w), 0);
		CHECK_STR(b.data, "{\"daily\":{\"daily\":[]},\n\"models\":[1,\n2]}");
		au_buf_release(&b);
	}
	return check_done("test_jsonw");
}
