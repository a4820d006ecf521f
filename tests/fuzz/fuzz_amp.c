/*
 * libFuzzer target for parsers/amp.c: the input is a whole thread document
 * (T-<uuid>.json), read twice on fresh states, which must emit the same
 * records; each must satisfy Amp's invariants below, and a withdrawal
 * only ever names a message's key.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc_input.h"
#include "parser.h"
#include "require.h"

extern const au_parser_ops au_parser_amp;

#define DOC_PATH "/home/u/.local/share/amp/threads/T-7c1e2d3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f.json"
#define MAX_EV 64

typedef struct events {
	au_event ev[MAX_EV];
	size_t n, total;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	REQUIRE(ev->source == AU_SRC_AMP && ev->dedup == AU_DEDUP_LATEST && !ev->sidechain);
	REQUIRE(memchr(ev->key, '\0', sizeof(ev->key)) && strncmp(ev->key, "a:", 2) == 0);
	const char *bar = strrchr(ev->key, '|');
	REQUIRE(bar && (bar[1] == 'e' || bar[1] == 'm' || bar[1] == 'i'));
	if (ev->retract) {
		REQUIRE(bar[1] == 'm' || bar[1] == 'i');
	} else {
		REQUIRE(memchr(ev->model, '\0', sizeof(ev->model)) && ev->model[0] != '\0');
		REQUIRE(memchr(ev->session, '\0', sizeof(ev->session)) && ev->session[0] != '\0');
		const au_tokens *t = &ev->tok;
		REQUIRE(t->input >= 0 && t->input <= AU_TOKENS_MAX && t->output >= 0 && t->output <= AU_TOKENS_MAX);
		REQUIRE(t->cache_read >= 0 && t->cache_read <= AU_TOKENS_MAX && t->cache_create_5m >= 0 &&
			t->cache_create_5m <= AU_TOKENS_MAX && t->cache_create_1h == 0 && t->reasoning == 0);
		REQUIRE(t->input || t->output || t->cache_read || t->cache_create_5m);
		REQUIRE(!ev->has_tool_cost || ev->tool_cost >= 0);
	}
	if (e->n < MAX_EV)
		e->ev[e->n++] = *ev;
	e->total++;
	return 0;
}

static int document(const uint8_t *data, size_t size, events *e)
{
	return doc_parse(&au_parser_amp, DOC_PATH, data, size, take, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static events a, b;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	int ra = document(data, size, &a), rb = document(data, size, &b);
	REQUIRE(ra == rb && a.total == b.total);
	for (size_t i = 0; i < a.n; i++)
		REQUIRE(strcmp(a.ev[i].key, b.ev[i].key) == 0 && a.ev[i].retract == b.ev[i].retract &&
			memcmp(&a.ev[i].tok, &b.ev[i].tok, sizeof(au_tokens)) == 0 && a.ev[i].ts_ms == b.ev[i].ts_ms);
	return 0;
}
