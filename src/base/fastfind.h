/*
 * Substring search for the scan's hot path. Most log bytes are tool output
 * that carries no usage, so finding the few candidate lines is most of a
 * cold scan: this filters 32 (AVX2) or 16 (SSE2) positions at a time on
 * two bytes of the needle before comparing it whole. Same contract as
 * memmem(3), which it falls back to elsewhere; tests compare the two.
 */
#ifndef AU_FASTFIND_H
#define AU_FASTFIND_H

#include <stddef.h>

void *au_memmem(const void *hay, size_t n, const void *needle, size_t m);

#endif
