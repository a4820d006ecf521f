/*
 * libFuzzer target for the two Copilot database row parsers:
 * parsers/copilot_store.c (Copilot CLI's session-store.db, 12 columns) when
 * the first byte is even, parsers/vscode_traces.c (VS Code's
 * agent-traces.db, 13 columns) when it is odd. The rest is one row: its
 * columns separated by 0x1f, each an exact-size NUL-terminated copy as
 * read_database hands them over; a column given as a lone 0x1e byte is
 * SQL NULL, a missing one too. Each row is parsed twice on fresh states
 * and must emit the same event, which must satisfy the invariants below
 * (in particular a key of the rank the store's rules between sources
 * give it: "cps:" or "cpo:"), and the watermark must survive save/load.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "require.h"
#include "row_input.h"

extern const au_parser_ops au_parser_copilot_store, au_parser_vscode_traces;

#define MAXCOLS 13

typedef struct events {
	const au_parser_ops *p;
	au_event ev;
	size_t n;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	REQUIRE(e->n == 0); /* a row is one request */
	bool store = e->p == &au_parser_copilot_store;
	REQUIRE(ev->source == (store ? AU_SRC_COPILOT : AU_SRC_VSCODE));
	REQUIRE(ev->dedup == AU_DEDUP_LATEST && !ev->retract && !ev->sidechain && !ev->has_tool_cost);
	REQUIRE(memchr(ev->key, '\0', sizeof(ev->key)) && strncmp(ev->key, store ? "cps:" : "cpo:", 4) == 0);
	REQUIRE(memchr(ev->session, '\0', sizeof(ev->session)) && ev->session[0] != '\0');
	REQUIRE(memchr(ev->model, '\0', sizeof(ev->model)) && ev->model[0] != '\0');
	REQUIRE(memchr(ev->cwd, '\0', sizeof(ev->cwd)));
	REQUIRE(store || ev->cwd[0] == '\0');
	const au_tokens *t = &ev->tok;
	REQUIRE(t->cache_create_1h == 0);
	const int64_t v[] = {t->input, t->cache_create_5m, t->cache_read, t->output, t->reasoning};
	bool any = false;
	for (size_t i = 0; i < 5; i++) {
		REQUIRE(v[i] >= 0 && v[i] <= AU_TOKENS_MAX);
		any = any || v[i];
	}
	REQUIRE(any);
	e->ev = *ev;
	e->n++;
	return 0;
}

static int run(const au_parser_ops *p, int ncols, char *const *cols, const size_t *lens, events *e)
{
	char st[64], st2[64];
	REQUIRE(p->state_size <= sizeof(st));
	p->init(st, NULL);
	au_err err;
	memset(&err, 0, sizeof(err));
	e->p = p;
	int r = p->parse_row(st, ncols, (const char *const *)cols, lens, take, e, &err);
	REQUIRE(r == 0 || r == AU_PARSE_SKIPPED || (r < 0 && r >= -4095));
	if (r != 0)
		REQUIRE(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] != '\0' && e->n == 0);
	char *saved = p->save(st);
	REQUIRE(saved != NULL);
	p->init(st2, NULL);
	REQUIRE(p->load(st2, saved, &err) == 0 && memcmp(st, st2, p->state_size) == 0);
	free(saved);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const au_parser_ops *p = (data[0] & 1) ? &au_parser_vscode_traces : &au_parser_copilot_store;
	int ncols = p == &au_parser_copilot_store ? 12 : 13;
	data++;
	size--;
	char *cols[MAXCOLS] = {0};
	size_t lens[MAXCOLS] = {0};
	row_split(data, size, ncols, cols, lens);
	events a = {0}, b = {0};
	int ra = run(p, ncols, cols, lens, &a), rb = run(p, ncols, cols, lens, &b);
	REQUIRE(ra == rb && a.n == b.n);
	if (a.n)
		REQUIRE(memcmp(&a.ev.tok, &b.ev.tok, sizeof(au_tokens)) == 0 && a.ev.ts_ms == b.ev.ts_ms &&
			strcmp(a.ev.model, b.ev.model) == 0 && strcmp(a.ev.key, b.ev.key) == 0);
	row_free(ncols, cols);
	return 0;
}
