/*
 * A token count read from a usage object, the way every JSON parser reads
 * one: a missing or null member is 0, anything but a whole number from 0 to
 * AU_TOKENS_MAX makes the record malformed (false).
 */
#ifndef AU_JSON_COUNT_H
#define AU_JSON_COUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "jsonscan.h"
#include "parser.h"

static inline bool au_js_count(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	int t = js_get(d, obj, key);
	*ret = 0;
	return t < 0 || js_typeof(d, t) == JS_NULL || (js_int(d, t, ret) && *ret >= 0 && *ret <= AU_TOKENS_MAX);
}

#endif
