/*
 * libFuzzer target for parsers/goose.c. The input is one sessions row:
 * its six columns (id, working_dir, created_at, accumulated_input_tokens,
 * accumulated_output_tokens, model_config_json) separated by 0x1f, each
 * an exact-size NUL-terminated copy as read_database hands them over; a
 * column given as a lone 0x1e byte is SQL NULL, a missing one too. Each
 * row is parsed twice on fresh states and must emit the same event, which
 * must satisfy Goose's invariants below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "require.h"
#include "row_input.h"

extern const au_parser_ops au_parser_goose;

#define NCOLS 6

typedef struct events {
	au_event ev;
	size_t n;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	REQUIRE(e->n == 0); /* a row is one session */
	REQUIRE(ev->source == AU_SRC_GOOSE && ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	REQUIRE(!ev->sidechain && !ev->model_fallback && !ev->has_tool_cost);
	REQUIRE(memchr(ev->key, '\0', sizeof(ev->key)) && strncmp(ev->key, "go:", 3) == 0);
	REQUIRE(strcmp(ev->key + 3, ev->session) == 0 && ev->session[0] != '\0');
	REQUIRE(memchr(ev->model, '\0', sizeof(ev->model)) && ev->model[0] != '\0');
	REQUIRE(memchr(ev->cwd, '\0', sizeof(ev->cwd)));
	const au_tokens *t = &ev->tok;
	/* only the two lifetime counters exist: no cache, no reasoning */
	REQUIRE(t->cache_read == 0 && t->cache_create_5m == 0 && t->cache_create_1h == 0 && t->reasoning == 0);
	REQUIRE(t->input >= 0 && t->input <= AU_TOKENS_MAX && t->output >= 0 && t->output <= AU_TOKENS_MAX);
	REQUIRE(t->input || t->output);
	e->ev = *ev;
	e->n++;
	return 0;
}

static int run(char *const *cols, const size_t *lens, events *e)
{
	char st[8];
	au_parser_goose.init(st, "/home/u/.local/share/goose/sessions/sessions.db");
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = au_parser_goose.parse_row(st, NCOLS, (const char *const *)cols, lens, take, e, &err);
	REQUIRE(r == 0 || (r < 0 && r >= -4095));
	if (r < 0)
		REQUIRE(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] != '\0' && e->n == 0);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cols[NCOLS] = {0};
	size_t lens[NCOLS] = {0};
	row_split(data, size, NCOLS, cols, lens);
	events a = {0}, b = {0};
	int ra = run(cols, lens, &a), rb = run(cols, lens, &b);
	REQUIRE(ra == rb && a.n == b.n);
	if (a.n)
		REQUIRE(memcmp(&a.ev.tok, &b.ev.tok, sizeof(au_tokens)) == 0 && a.ev.ts_ms == b.ev.ts_ms &&
			strcmp(a.ev.model, b.ev.model) == 0);
	row_free(NCOLS, cols);
	return 0;
}
