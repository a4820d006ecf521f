/*
 * libFuzzer target for parsers/vscode.c's mutation log reader (a
 * <session>.jsonl of chatSessions/). The input is a log: the shared driver
 * (tests/fuzz/parser_driver.h) feeds it line by line as watchers/filejob.c
 * does, and once more through save() and load() before every line, which
 * must never drift from the straight read; every line is also read as a
 * saved state. Every event is checked against what must hold for any
 * input (the driver's checks plus the VS Code ones below).
 * The legacy whole-document reader has its own target, fuzz_vscode_json.c.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_vscode;
#define FUZZ_PATH "/home/u/.config/Code/User/workspaceStorage/3f8e2a1b/chatSessions/a4c1e2f0-1b2c.jsonl"
static const au_parser_ops *const P = &au_parser_vscode;

#include "parser_driver.h"

/* What only a VS Code event must satisfy; a withdrawal carries the
 * record it withdraws, so the same holds for it. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
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
