/*
 * libFuzzer target for parsers/vscode.c. The input is a whole session
 * file, read both as a mutation log (<session>.jsonl) and as a legacy
 * document (<session>.json), each on an exact-size copy: every event they
 * hand out is checked against what must hold for any input
 * (parser_driver.h's checks plus the VS Code ones below), a second read
 * of the same bytes must give the same events, and a refusal must say why.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_vscode, au_parser_vscode_json;
#define FUZZ_PATH "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b/chatSessions/a4c1e2f0-1b2c.jsonl"
/* the parser under test: the driver's checks compare ev->source with it */
static const au_parser_ops *P = &au_parser_vscode;

/* parser_driver.h's checks of one result hold for every parser; its entry
 * point feeds lines to parse_line(), which a document parser does not
 * have, so it is compiled under another name and never run. */
#define LLVMFuzzerTestOneInput au_line_driver_unused
#include "parser_driver.h"
#undef LLVMFuzzerTestOneInput

/* What only a VS Code event must satisfy. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
	REQUIRE(!ev->sidechain && !ev->model_fallback && ev->msg_id[0] == '\0');
	/* the session files carry no cache or reasoning figures */
	REQUIRE(ev->tok.cache_read == 0 && ev->tok.cache_create_5m == 0 && ev->tok.cache_create_1h == 0);
	REQUIRE(ev->tok.reasoning == 0);
	REQUIRE(ev->tok.input > 0 || ev->tok.output > 0);
	/* "v:<requestId>", never empty */
	REQUIRE(strncmp(ev->key, "v:", 2) == 0 && ev->key[2] != '\0');
	REQUIRE(strcmp(ev->cwd, "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b") == 0);
	REQUIRE(ev->ts_ms >= 0);
}

typedef struct run {
	int r;
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
	out.r = P->parse_file(st, copy, size, collect, &out, &err);
	REQUIRE(out.r == 0 || out.r == -EINVAL || out.r == -EFBIG);
	if (out.r < 0)
		REQUIRE(terminated(err.msg, sizeof(err.msg)) && err.msg[0] != '\0');
	free(st);
	free(copy);
	return out;
}

static void both_reads(const uint8_t *data, size_t size)
{
	run a = read_doc(data, size), b = read_doc(data, size);
	REQUIRE(a.r == b.r && a.n == b.n);
	for (size_t i = 0; i < a.n; i++)
		REQUIRE(same_event(&a.ev[i], &b.ev[i]));
	free(a.ev);
	free(b.ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	P = &au_parser_vscode;
	both_reads(data, size);
	P = &au_parser_vscode_json;
	both_reads(data, size);
	return 0;
}
