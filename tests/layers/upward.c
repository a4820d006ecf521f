/*
 * Must not compile: a parser (layer 1) reaching up into the store (layer 3).
 * The ctest test layers/build builds this against au_parsers alone and
 * passes only when the compiler cannot find store.h.
 */
#include "parser.h"
#include "store.h"

int au_layer_probe(void);
int au_layer_probe(void)
{
	return 0;
}
