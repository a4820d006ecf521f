/*
 * libFuzzer target for parsers/cline.c (Cline, Roo Code, Kilo Code). The
 * input is a whole ui_messages.json document, read by each of the three
 * parsers twice on fresh states, which must emit the same events; every
 * event must satisfy what holds for every parser and the family's own
 * invariants below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc_input.h"
#include "parser.h"
#include "require.h"

extern const au_parser_ops au_parser_cline, au_parser_roo, au_parser_kilo;

#define DOC_PATH "/home/u/.config/Code/User/globalStorage/x/tasks/1761901100000/ui_messages.json"

typedef struct events {
	const au_parser_ops *p;
	au_event *ev;
	size_t n, cap;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	REQUIRE(ev->source == e->p->source && ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	REQUIRE(memchr(ev->key, '\0', sizeof(ev->key)) && ev->key[0] != '\0');
	REQUIRE(memchr(ev->model, '\0', sizeof(ev->model)) && ev->model[0] != '\0');
	REQUIRE(memchr(ev->session, '\0', sizeof(ev->session)) && memchr(ev->cwd, '\0', sizeof(ev->cwd)));
	REQUIRE(strcmp(ev->session, "1761901100000") == 0);
	REQUIRE(ev->ts_ms > 0);
	const au_tokens *t = &ev->tok;
	REQUIRE(t->input >= 0 && t->output >= 0 && t->cache_read >= 0 && t->cache_create_5m >= 0);
	REQUIRE(t->cache_create_1h == 0 && t->reasoning == 0);
	REQUIRE(t->input <= AU_TOKENS_MAX && t->output <= AU_TOKENS_MAX && t->cache_read <= AU_TOKENS_MAX &&
		t->cache_create_5m <= AU_TOKENS_MAX);
	REQUIRE(t->input || t->output || t->cache_read || t->cache_create_5m);
	REQUIRE(!ev->has_tool_cost || (ev->tool_cost >= 0 && ev->tool_cost <= INT64_C(1000000000000000000)));
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->ev = realloc(e->ev, e->cap * sizeof(*e->ev));
		REQUIRE(e->ev != NULL);
	}
	e->ev[e->n++] = *ev;
	return 0;
}

static int document(const au_parser_ops *p, const uint8_t *data, size_t size, events *e)
{
	e->p = p;
	return doc_parse(p, DOC_PATH, data, size, take, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const au_parser_ops *ps[] = {&au_parser_cline, &au_parser_roo, &au_parser_kilo};
	for (size_t k = 0; k < 3; k++) {
		events a = {0}, b = {0};
		int ra = document(ps[k], data, size, &a), rb = document(ps[k], data, size, &b);
		REQUIRE(ra == rb && a.n == b.n);
		for (size_t i = 0; i < a.n; i++)
			REQUIRE(memcmp(&a.ev[i].tok, &b.ev[i].tok, sizeof(au_tokens)) == 0 &&
				strcmp(a.ev[i].key, b.ev[i].key) == 0 && strcmp(a.ev[i].model, b.ev[i].model) == 0);
		free(a.ev);
		free(b.ev);
	}
	return 0;
}
