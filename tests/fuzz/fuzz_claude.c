/*
 * libFuzzer target for parsers/claude.c. The input is a transcript: it is
 * split into lines and fed to one parser state the way watchers/scan.c
 * does (empty lines skipped, parse_line() only where candidate() says
 * so), and every result is checked against what must hold for any input.
 * A failed check aborts, which libFuzzer reports as a crash and saves.
 * The shared driver is tests/fuzz/parser_driver.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

#define FUZZ_PATH "/home/u/.claude/projects/-home-u-proj/0ba1c2e3-5b6d-4e8f-9a0b-1c2d3e4f5a6b.jsonl"
static const au_parser_ops *const P = &au_parser_claude;

#include "parser_driver.h"

/* What only a Claude event must satisfy (the driver checks the rest). */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_BEST);
	REQUIRE(strcmp(ev->model, "<synthetic>") != 0);
	REQUIRE(!ev->model_fallback);
	REQUIRE(ev->tok.reasoning == 0); /* Claude logs do not report it */
	/* The key is "c:<message.id>\x1f<requestId or none>", or empty
	 * exactly when there is no message id. */
	if (ev->msg_id[0] == '\0') {
		REQUIRE(ev->key[0] == '\0');
	} else {
		size_t n = strlen(ev->msg_id);
		REQUIRE(strncmp(ev->key, "c:", 2) == 0);
		REQUIRE(strncmp(ev->key + 2, ev->msg_id, n) == 0);
		REQUIRE(ev->key[2 + n] == '\x1f');
		REQUIRE(ev->key[3 + n] != '\0');
	}
}
