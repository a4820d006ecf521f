/*
 * libFuzzer target for parsers/droid.c: the input is a whole
 * <session>.settings.json, read twice on fresh states, which must emit the
 * same event; it must satisfy Droid's invariants below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc_input.h"
#include "parser.h"
#include "require.h"

extern const au_parser_ops au_parser_droid;

#define DOC_PATH "/home/u/.factory/sessions/-home-u-proj/6e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b.settings.json"

typedef struct events {
	au_event ev[2];
	size_t n;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	REQUIRE(e->n < 2);
	REQUIRE(ev->source == AU_SRC_DROID && ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	REQUIRE(strcmp(ev->key, "d:6e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b") == 0);
	REQUIRE(memchr(ev->model, '\0', sizeof(ev->model)) && ev->model[0] != '\0');
	const au_tokens *t = &ev->tok;
	REQUIRE(t->input >= 0 && t->cache_read >= 0 && t->cache_create_5m >= 0 && t->cache_create_1h == 0);
	REQUIRE(t->reasoning >= 0 && t->reasoning <= t->output && t->output <= 2 * AU_TOKENS_MAX);
	REQUIRE(t->input || t->output || t->cache_read || t->cache_create_5m);
	e->ev[e->n++] = *ev;
	return 0;
}

static int document(const uint8_t *data, size_t size, events *e)
{
	return doc_parse(&au_parser_droid, DOC_PATH, data, size, take, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	events a = {0}, b = {0};
	int ra = document(data, size, &a), rb = document(data, size, &b);
	REQUIRE(ra == rb && a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		REQUIRE(memcmp(&a.ev[i].tok, &b.ev[i].tok, sizeof(au_tokens)) == 0 && a.ev[i].ts_ms == b.ev[i].ts_ms);
	return 0;
}
