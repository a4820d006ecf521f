/*
 * Tiny accessors over Jansson values shared by the parsers: typed lookups
 * that treat a missing key and a wrong type the same way, and bounded
 * string copies into the fixed event fields.
 */
#ifndef AU_JSON_UTIL_H
#define AU_JSON_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline json_t *ju_obj(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	return json_is_object(v) ? v : NULL;
}

static inline const char *ju_str(json_t *o, const char *key)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Integer field: true and *ret set when present and an integer. */
static inline bool ju_int(json_t *o, const char *key, int64_t *ret)
{
	json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
	if (!json_is_integer(v))
		return false;
	*ret = (int64_t)json_integer_value(v);
	return true;
}

/* Integer field with a default for missing/null/non-integer. */
static inline int64_t ju_int_or(json_t *o, const char *key, int64_t dflt)
{
	int64_t v;
	return ju_int(o, key, &v) ? v : dflt;
}

/* Copies s into dst[cap]; false (and dst untouched) if it does not fit. */
static inline bool ju_copy(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap)
		return false;
	memcpy(dst, s, n + 1);
	return true;
}

#endif
