/*
 * Differential fuzzer: parsers/jsonscan.c must accept exactly what Jansson
 * accepts and agree on every value (tests/unit/jsoncmp.h), for any bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../unit/jsoncmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (jsoncmp((const char *)data, size) != 0)
		abort();
	return 0;
}
