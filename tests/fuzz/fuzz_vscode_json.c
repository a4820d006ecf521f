/*
 * libFuzzer target for parsers/vscode.c's legacy session document (a
 * <session>.json of chatSessions/, rewritten whole: AU_STORAGE_FILE). The
 * input is the whole document, read twice, each on an exact-size copy:
 * every event is checked against what must hold for any input
 * (parser_driver.h's checks plus the VS Code ones below), the second read
 * must give the same events, and a refusal must say why.
 * The mutation log reader has its own target, fuzz_vscode.c.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_vscode_json;
#define FUZZ_PATH "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b/chatSessions/b5d2f3a1-2c3d.json"
static const au_parser_ops *const P = &au_parser_vscode_json;

/* parser_driver.h's checks of one result hold for every parser; its entry
 * point feeds lines to a line parser, which a document parser is not, so
 * it is compiled under another name and never run. */
#define LLVMFuzzerTestOneInput au_line_driver_unused
#include "parser_driver.h"
#undef LLVMFuzzerTestOneInput

/* What only a VS Code event must satisfy. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	REQUIRE(!ev->sidechain && !ev->model_fallback && ev->msg_id[0] == '\0');
	REQUIRE(!ev->has_tool_cost);
	/* the session files carry no cache or reasoning figures */
	REQUIRE(ev->tok.cache_read == 0 && ev->tok.cache_create_5m == 0 && ev->tok.cache_create_1h == 0);
	REQUIRE(ev->tok.reasoning == 0);
	REQUIRE(ev->tok.input > 0 || ev->tok.output > 0);
	/* "v:<requestId>", never empty */
	REQUIRE(strncmp(ev->key, "v:", 2) == 0 && ev->key[2] != '\0');
	REQUIRE(strcmp(ev->cwd, "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b") == 0);
	REQUIRE(ev->ts_ms >= 0);
}

static result read_doc(const uint8_t *data, size_t size)
{
	result out = {0};
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	void *st = state_new();
	au_err err;
	memset(&err, 0, sizeof(err));
	out.r = P->parse_file(st, copy, size, collect_emit, &out, &err);
	REQUIRE(out.r == 0 || out.r == -EINVAL || out.r == -EFBIG);
	if (out.r < 0)
		REQUIRE(terminated(err.msg, sizeof(err.msg)) && err.msg[0] != '\0');
	free(st);
	free(copy);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	result a = read_doc(data, size), b = read_doc(data, size);
	REQUIRE(same(&a, &b));
	free(a.ev);
	free(b.ev);
	return 0;
}
