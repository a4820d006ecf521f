/*
 * Fuzz input as a whole document for the document parsers (parse_file):
 * one fresh state, the bytes in an allocation of their exact size (a read
 * past it is an ASan report), and what every such parser must return:
 * 0, or a negative errno with a message.
 */
#ifndef AU_FUZZ_DOC_INPUT_H
#define AU_FUZZ_DOC_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "require.h"

static int doc_parse(const au_parser_ops *p, const char *path, const uint8_t *data, size_t size, au_emit_fn take,
		     void *ctx)
{
	void *st = malloc(p->state_size);
	p->init(st, path);
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = p->parse_file(st, copy, size, take, ctx, &err);
	REQUIRE(r == 0 || (r < 0 && r >= -4095));
	if (r < 0)
		REQUIRE(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] != '\0');
	free(copy);
	free(st);
	return r;
}

#endif
