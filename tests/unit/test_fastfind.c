/*
 * au_memmem against memmem(3) on random haystacks over a small alphabet
 * (so partial matches abound), every needle length and alignment, and on
 * the needles the parsers really use.
 */
#include <glib.h>
#include <string.h>

#include "check.h"
#include "fastfind.h"

int main(void)
{
	GRand *r = g_rand_new_with_seed(42);
	static const char alpha[] = "\"usage:{}_tokencx";
	char hay[300], nd[16];
	int mismatches = 0;
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = (size_t)g_rand_int_range(r, 0, sizeof(hay));
		size_t m = (size_t)g_rand_int_range(r, 1, sizeof(nd));
		for (size_t i = 0; i < n; i++)
			hay[i] = alpha[g_rand_int_range(r, 0, sizeof(alpha) - 1)];
		for (size_t i = 0; i < m; i++)
			nd[i] = alpha[g_rand_int_range(r, 0, 4)];
		/* plant the needle sometimes, at any position including the very end */
		if (n >= m && g_rand_boolean(r))
			memcpy(hay + g_rand_int_range(r, 0, (gint32)(n - m + 1)), nd, m);
		size_t off = (size_t)g_rand_int_range(r, 0, 8); /* misalign the start */
		if (off > n)
			off = n;
		if (au_memmem(hay + off, n - off, nd, m) != memmem(hay + off, n - off, nd, m))
			mismatches++;
	}
	CHECK_INT(mismatches, 0);

	const char *line = "{\"type\":\"user\",\"content\":\"\\\"usage\\\":{}\",\"message\":{\"usage\":{\"input_tokens\":1}}}";
	const char *hit = au_memmem(line, strlen(line), "\"usage\"", 7);
	CHECK(hit == strstr(line, "\"usage\":{\"input"));
	CHECK(au_memmem("", 0, "\"usage\"", 7) == NULL);
	CHECK(au_memmem("\"usage", 6, "\"usage\"", 7) == NULL);
	CHECK(au_memmem("\"usage\"", 7, "\"usage\"", 7) != NULL);
	g_rand_free(r);
	return check_done("test_fastfind");
}
