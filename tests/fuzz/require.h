/*
 * The fuzz targets' one assertion: a failed invariant aborts, which
 * libFuzzer reports as a crash and saves with its input.
 */
#ifndef AU_FUZZ_REQUIRE_H
#define AU_FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(cond)                                                                            \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

#endif
