/*
 * libFuzzer target for parsers/codex.c. The input is a rollout file: it is
 * split into lines and fed to one parser state the way watchers/scan.c
 * does, so the cumulative counters, restarts and model tracking across
 * lines are exercised; a second state is saved and loaded before every
 * line and must never drift from the first; and every line is also offered
 * to load() as if it were saved state read back from the store. A failed
 * check aborts, which libFuzzer reports as a crash and saves. The shared
 * driver is tests/fuzz/parser_driver.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

#define FUZZ_PATH \
	"/home/u/.codex/sessions/2025/10/08/rollout-2025-10-08T10-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl"
static const au_parser_ops *const P = &au_parser_codex;

#include "parser_driver.h"

/* What only a Codex event must satisfy (the driver checks the rest). */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_MIN);
	REQUIRE(!ev->sidechain);
	REQUIRE(ev->msg_id[0] == '\0');
	/* Codex has no cache writes; cached input is a cache read. */
	REQUIRE(ev->tok.cache_create_5m == 0 && ev->tok.cache_create_1h == 0);
	/* A delta of nothing is not an event. */
	REQUIRE(ev->tok.input || ev->tok.cache_read || ev->tok.output || ev->tok.reasoning);
	/* "x:<timestamp>|<T or L><four counters>|<model>": never empty. */
	REQUIRE(strncmp(ev->key, "x:", 2) == 0);
	const char *bar = strchr(ev->key + 2, '|');
	REQUIRE(bar && (bar[1] == 'T' || bar[1] == 'L'));
	if (ev->model_fallback)
		REQUIRE(strcmp(ev->model, "gpt-5") == 0);
}
