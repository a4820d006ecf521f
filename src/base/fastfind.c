/*
 * SIMD substring filter (after Wojciech Muła's "SIMD-friendly algorithms
 * for substring searching"): compare needle[i1], needle[i2] and needle[i3]
 * against every position of a block at once, AND the masks, and memcmp
 * only where all match. i1/i2 are the needle's first byte that is not a
 * quote and its last byte, so JSON's countless quotes do not make false
 * hits; i3 is its middle byte. With two bytes, "usage" in quotes had seven
 * false hits per true one in Claude logs ('u' and a quote six bytes on),
 * each a memcmp call: 3-4 % of a dense cold scan's samples.
 */
#include "fastfind.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static size_t pick_first(const unsigned char *nd, size_t m)
{
	for (size_t i = 0; i + 1 < m; i++)
		if (nd[i] != '"')
			return i;
	return 0;
}

#define FIND_BODY(VEC, LOAD, SET1, CMPEQ, AND, MOVEMASK, W)                                       \
	const unsigned char *h = hay, *nd = needle;                                                   \
	size_t i1 = pick_first(nd, m), i2 = m - 1, i3 = m / 2;                                        \
	VEC f = SET1((char)nd[i1]), l = SET1((char)nd[i2]), c = SET1((char)nd[i3]);                   \
	size_t i = 0;                                                                                 \
	for (; i + i2 + (W) <= n; i += (W)) {                                                         \
		VEC a = LOAD((const VEC *)(h + i + i1));                                              \
		VEC b = LOAD((const VEC *)(h + i + i2));                                              \
		VEC d = LOAD((const VEC *)(h + i + i3));                                              \
		uint32_t mask = (uint32_t)MOVEMASK(AND(AND(CMPEQ(a, f), CMPEQ(b, l)), CMPEQ(d, c)));  \
		while (mask) {                                                                        \
			unsigned bit = (unsigned)__builtin_ctz(mask);                                 \
			if (memcmp(h + i + bit, nd, m) == 0)                                          \
				return (void *)(h + i + bit);                                         \
			mask &= mask - 1;                                                             \
		}                                                                                     \
	}                                                                                             \
	/* the tail, fewer than W positions */                                                        \
	void *r = i < n ? memmem(h + i, n - i, nd, m) : NULL;                                         \
	return r;

__attribute__((target("avx2"))) static void *find_avx2(const void *hay, size_t n, const void *needle, size_t m)
{
	FIND_BODY(__m256i, _mm256_loadu_si256, _mm256_set1_epi8, _mm256_cmpeq_epi8, _mm256_and_si256,
		  _mm256_movemask_epi8, 32)
}

static void *find_sse2(const void *hay, size_t n, const void *needle, size_t m)
{
	FIND_BODY(__m128i, _mm_loadu_si128, _mm_set1_epi8, _mm_cmpeq_epi8, _mm_and_si128, _mm_movemask_epi8, 16)
}

void *au_memmem(const void *hay, size_t n, const void *needle, size_t m)
{
	static int have_avx2 = -1;
	if (m < 2 || n < m)
		return memmem(hay, n, needle, m);
	if (have_avx2 < 0) {
		__builtin_cpu_init();
		have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	}
	return have_avx2 ? find_avx2(hay, n, needle, m) : find_sse2(hay, n, needle, m);
}

#else

void *au_memmem(const void *hay, size_t n, const void *needle, size_t m)
{
	return memmem(hay, n, needle, m);
}

#endif
