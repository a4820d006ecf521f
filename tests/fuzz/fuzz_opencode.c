/*
 * libFuzzer target for parsers/opencode.c. Each line of the input is the
 * data column of a message row (id "msg_<line>", session "ses_f", as
 * read_database hands them over: NUL-terminated text with its length), and
 * the whole input is also a legacy storage/message file. Every call runs
 * twice on fresh states and must emit the same events, each satisfying the
 * shared driver's invariants and OpenCode's own below. (The driver's line
 * loop is compiled in but not run: these parsers read rows and documents.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_opencode, au_parser_opencode_json;

#define FUZZ_PATH "/home/u/.local/share/opencode/opencode.db"
#define FILE_PATH "/home/u/.local/share/opencode/storage/message/ses_f/msg_file.json"
static const au_parser_ops *const P = &au_parser_opencode;

#define LLVMFuzzerTestOneInput unused_line_driver
#include "parser_driver.h"
#undef LLVMFuzzerTestOneInput

static void check_event(const au_event *ev)
{
	/* a database row is the record; a legacy file only stands in for it */
	REQUIRE(ev->dedup == AU_DEDUP_LATEST || ev->dedup == AU_DEDUP_FALLBACK);
	REQUIRE(!ev->sidechain && !ev->model_fallback);
	REQUIRE(ev->tok.cache_create_1h == 0); /* no split: all 5m */
	REQUIRE(ev->tok.input <= AU_TOKENS_MAX && ev->tok.cache_read <= AU_TOKENS_MAX);
	REQUIRE(ev->tok.cache_create_5m <= AU_TOKENS_MAX && ev->tok.output <= 2 * AU_TOKENS_MAX);
	REQUIRE(ev->tok.reasoning <= AU_TOKENS_MAX);
	REQUIRE(ev->tok.input || ev->tok.cache_read || ev->tok.cache_create_5m || ev->tok.output ||
		ev->tok.reasoning);
	/* one key per message, whichever shape it was read from */
	REQUIRE(ev->msg_id[0] != '\0');
	REQUIRE(strncmp(ev->key, "o:", 2) == 0 && strcmp(ev->key + 2, ev->msg_id) == 0);
}

typedef struct events {
	au_event ev[2];
	size_t n;
} events;

static int take(void *ctx, const au_event *ev)
{
	events *e = ctx;
	au_err none = {{0}};
	check_result(1, ev, &none);
	REQUIRE(e->n < 2); /* a row or a file is one message */
	e->ev[e->n++] = *ev;
	return 0;
}

static void check_call(int r, const au_err *err)
{
	REQUIRE(r == 0 || r == AU_PARSE_SKIPPED || (r < 0 && r >= -4095));
	if (r < 0 || r == AU_PARSE_SKIPPED)
		REQUIRE(terminated(err->msg, sizeof(err->msg)) && err->msg[0] != '\0');
}

static int run_row(const char *id, const char *data, size_t len, events *e)
{
	void *st = malloc(P->state_size);
	P->init(st, FUZZ_PATH);
	char *copy = malloc(len + 1);
	memcpy(copy, data, len);
	copy[len] = '\0';
	const char *cols[3] = {id, "ses_f", copy};
	size_t lens[3] = {strlen(id), 5, len};
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = P->parse_row(st, 3, cols, lens, take, e, &err);
	check_call(r, &err);
	free(copy);
	free(st);
	return r;
}

static int run_file(const uint8_t *data, size_t size, events *e)
{
	const au_parser_ops *f = &au_parser_opencode_json;
	void *st = malloc(f->state_size);
	f->init(st, FILE_PATH);
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	au_err err;
	memset(&err, 0, sizeof(err));
	int r = f->parse_file(st, copy, size, take, e, &err);
	check_call(r, &err);
	free(copy);
	free(st);
	return r;
}

static void same_twice(int ra, const events *a, int rb, const events *b)
{
	REQUIRE(ra == rb && a->n == b->n);
	for (size_t i = 0; i < a->n; i++)
		REQUIRE(same_event(&a->ev[i], &b->ev[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pos = data, *end = data + size;
	for (int n = 0; pos < end; n++) {
		const uint8_t *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t len = (size_t)((nl ? nl : end) - pos);
		char id[32];
		snprintf(id, sizeof(id), "msg_%d", n);
		events a = {0}, b = {0};
		int ra = run_row(id, (const char *)pos, len, &a), rb = run_row(id, (const char *)pos, len, &b);
		same_twice(ra, &a, rb, &b);
		if (a.n)
			REQUIRE(strcmp(a.ev[0].msg_id, id) == 0 && strcmp(a.ev[0].session, "ses_f") == 0);
		pos = nl ? nl + 1 : end;
	}
	events a = {0}, b = {0};
	int ra = run_file(data, size, &a), rb = run_file(data, size, &b);
	same_twice(ra, &a, rb, &b);
	return 0;
}
