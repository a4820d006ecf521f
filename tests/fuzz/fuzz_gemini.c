/*
 * libFuzzer target for parsers/gemini.c. The input is read twice: as a
 * JSONL chat log, line by line through the shared driver (one state across
 * lines, save()/load() before every line, every line also offered to
 * load()), and whole as a legacy JSON session document through
 * parse_file(), twice on fresh states, which must emit the same events.
 * Every event must satisfy the driver's invariants and Gemini's own below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_input.h"
#include "parser.h"

extern const au_parser_ops au_parser_gemini, au_parser_gemini_json;

#define FUZZ_PATH "/home/u/.gemini/tmp/myapp/chats/session-2025-11-20T09-00-3f2a9c1e.jsonl"
#define DOC_PATH "/home/u/.gemini/tmp/myapp/chats/session-2025-09-30T14-11-3bacc8a0.json"
static const au_parser_ops *const P = &au_parser_gemini;

/* the driver's entry point becomes the line half of this one */
#define LLVMFuzzerTestOneInput fuzz_lines
#include "parser_driver.h"
#undef LLVMFuzzerTestOneInput

/* What only a Gemini event must satisfy (the driver checks the rest). */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
	REQUIRE(!ev->sidechain && !ev->model_fallback);
	/* no cache writes; thoughts are a part of output */
	REQUIRE(ev->tok.cache_create_5m == 0 && ev->tok.cache_create_1h == 0);
	REQUIRE(ev->tok.reasoning <= ev->tok.output);
	REQUIRE(ev->tok.input <= 2 * AU_TOKENS_MAX && ev->tok.output <= 2 * AU_TOKENS_MAX);
	REQUIRE(ev->tok.input || ev->tok.cache_read || ev->tok.output);
	/* keyed by session and message id, or by session and time when it has none */
	REQUIRE(strncmp(ev->key, "g:", 2) == 0);
	if (ev->msg_id[0]) {
		char want[AU_KEY_MAX];
		snprintf(want, sizeof(want), "g:%.50s|%s", ev->session, ev->msg_id);
		REQUIRE(strcmp(ev->key, want) == 0);
	} else
		REQUIRE(strchr(ev->key, '@') != NULL);
}

typedef struct events {
	au_event *ev;
	size_t n, cap;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	au_err none = {{0}};
	check_result(1, ev, &none);
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->ev = realloc(e->ev, e->cap * sizeof(*e->ev));
		REQUIRE(e->ev != NULL);
	}
	e->ev[e->n++] = *ev;
	return 0;
}

static int document(const uint8_t *data, size_t size, events *e)
{
	return doc_parse(&au_parser_gemini_json, DOC_PATH, data, size, take, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_lines(data, size);
	events a = {0}, b = {0};
	int ra = document(data, size, &a), rb = document(data, size, &b);
	REQUIRE(ra == rb && a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		REQUIRE(same_event(&a.ev[i], &b.ev[i]));
	free(a.ev);
	free(b.ev);
	return 0;
}
