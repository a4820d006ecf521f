/*
 * libFuzzer target for parsers/copilot.c. The input is a whole session
 * log (the parser reads documents whole): it goes to parse_file() on an
 * exact-size copy, every event it hands out is checked against what must
 * hold for any input (parser_driver.h's checks plus the Copilot ones
 * below), and a second read of the same bytes must give the same events.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_copilot;
#define FUZZ_PATH "/home/u/.copilot/session-state/5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01/events.jsonl"
static const au_parser_ops *const P = &au_parser_copilot;

/* parser_driver.h's checks of one result hold for every parser; its entry
 * point feeds lines to parse_line(), which a document parser does not
 * have, so it is compiled under another name and never run. */
#define LLVMFuzzerTestOneInput au_line_driver_unused
#include "parser_driver.h"
#undef LLVMFuzzerTestOneInput

/* What only a Copilot CLI event must satisfy. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_MIN);
	REQUIRE(!ev->sidechain && !ev->model_fallback && ev->msg_id[0] == '\0');
	REQUIRE(ev->tok.cache_create_1h == 0);
	/* a delta of nothing is not an event */
	REQUIRE(ev->tok.input || ev->tok.cache_create_5m || ev->tok.cache_read || ev->tok.output ||
		ev->tok.reasoning);
	/* "g:<session>|<event id or t<timestamp>>|<model>", or "g#<hash>" */
	if (strncmp(ev->key, "g#", 2) == 0) {
		REQUIRE(strlen(ev->key) == 18);
	} else {
		REQUIRE(strncmp(ev->key, "g:", 2) == 0);
		const char *bar = strchr(ev->key + 2, '|');
		REQUIRE(bar && strchr(bar + 1, '|') && !strchr(strchr(bar + 1, '|') + 1, '|'));
	}
}

typedef struct run {
	au_event *ev;
	size_t n, cap;
} run;

static int collect(void *ctx, const au_event *ev)
{
	run *r = ctx;
	check_result(1, ev, NULL);
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		REQUIRE(r->ev != NULL);
	}
	r->ev[r->n++] = *ev;
	return 0;
}

static run read_doc(const uint8_t *data, size_t size)
{
	run out = {0};
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	void *st = state_new();
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = P->parse_file(st, copy, size, collect, &out, &err);
	/* a shutdown it cannot read is skipped: the document as a whole never fails */
	REQUIRE(r == 0);
	free(st);
	free(copy);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run a = read_doc(data, size), b = read_doc(data, size);
	REQUIRE(a.n == b.n);
	for (size_t i = 0; i < a.n; i++) {
		REQUIRE(same_event(&a.ev[i], &b.ev[i]));
		/* one shutdown per event id, one event per model in it */
		for (size_t j = 0; j < i; j++)
			REQUIRE(strcmp(a.ev[i].key, a.ev[j].key) != 0);
	}
	free(a.ev);
	free(b.ev);
	return 0;
}
