/*
 * parsers/jsonscan.c against Jansson on hand-picked edge cases and on
 * thousands of mutated real log lines (see jsoncmp.h).
 */
#include <glib.h>
#include <stdlib.h>

#include "check.h"
#include "jsoncmp.h"

static const char *const cases[] = {
	"{}", "[]", " {} ", "{\"a\":1}", "{\"a\":1,}", "[1,]", "[01]", "[-0]", "[-]", "[1.]", "[1.5e]",
	"[1e5]", "[1E+5]", "[1e-5]", "[.5]", "[9223372036854775807]", "[9223372036854775808]",
	"[-9223372036854775808]", "[-9223372036854775809]", "[1e309]", "[1e308]", "[-1e400]", "[1e-400]",
	"[true]", "[truex]", "[tru]", "[nul]", "[null ]", "\"str\"", "1", "", "  ", "{\"a\" 1}",
	"{\"a\":}", "{1:2}", "{\"a\":1}x", "[\"\\u0000\"]", "{\"\\u0000\":1}", "[\"\\ud800\"]",
	"[\"\\udc00\"]", "[\"\\ud83d\\ude00\"]", "[\"\\ud83d\\u0041\"]", "[\"\\x\"]", "[\"\\/\"]",
	"[\"a\tb\"]", "[\"\xc3\xa9\"]", "[\"\xc3\"]", "[\"\xe0\x80\x80\"]", "[\"\xed\xa0\x80\"]",
	"[\"\xf4\x90\x80\x80\"]", "[\"\xf0\x9f\x98\x80\"]", "[\"\xff\"]", "{\"a\":1,\"a\":2}",
	"{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"e\":null}", "[\"\x7f\"]", "\xef\xbb\xbf{}", "[1 2]",
	"{\"a\":1 \"b\":2}", "[[[[[]]]]]", "{\"usage\":{\"input_tokens\":5}}", "[\"\\u00e9\\u4e2d\"]",
	"[\"\\uD83D\\uDE00\"]", "[\"\\uDBFF\\uDFFF\"]", "[1.0e+2]", "[-0.0]", "[0e0]",
};

/* js_real's short-decimal path gives strtod's double, bit for bit, and
 * hands everything else (exponents, 16+ digits) to strtod. */
static void check_real(const char *num)
{
	char line[96];
	snprintf(line, sizeof(line), "[%s]", num);
	js_doc d;
	js_doc_init(&d);
	au_err err;
	CHECK_INT(js_parse(&d, line, strlen(line), &err), 0);
	double got = 0, want = g_ascii_strtod(num, NULL);
	CHECK(js_real(&d, 1, &got));
	if (memcmp(&got, &want, sizeof(got)) != 0)
		fprintf(stderr, "js_real(%s) = %.17g, strtod %.17g\n", num, got, want);
	CHECK(memcmp(&got, &want, sizeof(got)) == 0);
	js_doc_release(&d);
}

static void test_real(void)
{
	static const char *const fixed[] = {"0", "-0", "12.0", "42.5", "0.1", "0.3", "-7.25", "100",
					    "123456789012345", "1234567890123456", "0.000000000000001",
					    "9007199254740993", "1e5", "2.5E-3", "-0.0", "99.99999999999999"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_real(fixed[i]);
	GRand *r = g_rand_new_with_seed(7);
	for (int k = 0; k < 20000; k++) {
		char num[40];
		int digits = g_rand_int_range(r, 1, 18), point = g_rand_int_range(r, 0, digits + 1);
		size_t n = 0;
		if (g_rand_boolean(r))
			num[n++] = '-';
		for (int i = 0; i < digits; i++) {
			if (i == point && i > 0)
				num[n++] = '.';
			char c = (char)('0' + g_rand_int_range(r, 0, 10));
			num[n++] = (i == 0 && c == '0' && point != 1) ? '1' : c;
		}
		num[n] = '\0';
		check_real(num);
	}
	g_rand_free(r);
}

int main(void)
{
	test_real();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(jsoncmp(cases[i], strlen(cases[i])), 0);

	/* depth: Jansson allows 2048 nested values */
	for (int depth = 2046; depth <= 2050; depth++) {
		GString *g = g_string_new(NULL);
		for (int k = 0; k < depth; k++)
			g_string_append_c(g, '[');
		g_string_append_c(g, '1');
		for (int k = 0; k < depth; k++)
			g_string_append_c(g, ']');
		CHECK_INT(jsoncmp(g->str, g->len), 0);
		g_string_free(g, TRUE);
	}

	/* a member name with escapes, longer than any fixed buffer: js_get
	 * must still find it (found by fuzz_jsonscan) */
	{
		GString *g = g_string_new("{\"");
		for (int k = 0; k < 200; k++)
			g_string_append(g, "a\\\"");
		g_string_append(g, "\":1,\"b\":2}");
		CHECK_INT(jsoncmp(g->str, g->len), 0);
		g_string_free(g, TRUE);
	}

	/* every byte value inside a string, raw, and before a valid UTF-8
	 * tail: the scanner's const byte-class table (once filled lazily, a
	 * data race between reader threads) agrees with Jansson on each */
	for (int c = 1; c < 256; c++) {
		char s1[8] = {'[', '"', (char)c, '"', ']'}, s2[8] = {'[', '"', (char)c, 'x', '"', ']'};
		CHECK_INT(jsoncmp(s1, 5), 0);
		CHECK_INT(jsoncmp(s2, 6), 0);
	}

	/* NUL bytes are data, not terminators, and never valid JSON (Jansson
	 * drops one right after a number; see jsoncmp.h) */
	CHECK_INT(jsoncmp("{\"kind\":3\0,\"k\":1}", 16), 0);
	CHECK_INT(jsoncmp("[\"a\0b\"]", 7), 0);
	CHECK_INT(jsoncmp("[1]\0", 4), 0);

	/* mutations of real fixture lines: flips, cuts, insertions */
	const char *fx = getenv("AU_FIXTURES");
	char *path = g_build_filename(fx ? fx : "fixtures", "demo", ".codex", "sessions", "2026", "11", "17",
				      "rollout-2026-11-17T14-00-00-019a8c1e-1111-7000-8000-00000000aa01.jsonl", NULL);
	gchar *text = NULL;
	gsize len = 0;
	CHECK(g_file_get_contents(path, &text, &len, NULL));
	char *claude = g_build_filename(fx ? fx : "fixtures", "rules", "claude-traps", "home", ".claude", "projects",
					"-home-u-proj", "s1.jsonl", NULL);
	gchar *text2 = NULL;
	gsize len2 = 0;
	CHECK(g_file_get_contents(claude, &text2, &len2, NULL));
	gchar *all = g_strconcat(text ? text : "", text2 ? text2 : "", NULL);
	gchar **lines = g_strsplit(all, "\n", -1);
	static const char junk[] = "\"\\{}[],:0-e.tu\xc3\xa9\xff\x01 ";
	GRand *rnd = g_rand_new_with_seed(12345);
	int diffs = 0, tried = 0;
	for (int round = 0; round < 40; round++)
		for (gchar **l = lines; *l; l++) {
			size_t n = strlen(*l);
			if (!n)
				continue;
			/* room for the insertions below */
			char *m = g_malloc(n + 8);
			memcpy(m, *l, n);
			size_t mlen = n;
			int edits = g_rand_int_range(rnd, 0, 3);
			for (int e = 0; e < edits; e++) {
				size_t at = (size_t)g_rand_int_range(rnd, 0, (gint32)mlen);
				switch (g_rand_int_range(rnd, 0, 3)) {
				case 0:
					m[at] = junk[g_rand_int_range(rnd, 0, sizeof(junk) - 1)];
					break;
				case 1:
					mlen = at;
					break;
				default:
					memmove(m + at + 1, m + at, mlen - at);
					m[at] = junk[g_rand_int_range(rnd, 0, sizeof(junk) - 1)];
					mlen++;
				}
				if (!mlen)
					break;
			}
			diffs += jsoncmp(m, mlen);
			tried++;
			g_free(m);
		}
	CHECK(tried > 1000);
	CHECK_INT(diffs, 0);
	g_rand_free(rnd);
	g_strfreev(lines);
	g_free(all);
	g_free(text);
	g_free(text2);
	g_free(path);
	g_free(claude);
	return check_done("test_jsonscan");
}
