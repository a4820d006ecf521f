/*
 * libFuzzer target for parsers/copilot.c (Copilot CLI session logs, read
 * line by line). parser_driver.h feeds the input as watchers/filejob.c
 * does, checks every event against what holds for any parser, and checks
 * that a state saved and loaded between lines changes nothing; the
 * Copilot-only invariants are below. A failed check aborts, which
 * libFuzzer reports as a crash and saves.
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

#include "parser_driver.h"

/* What only a Copilot CLI event must satisfy. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
	REQUIRE(!ev->sidechain && !ev->model_fallback && !ev->retract && ev->msg_id[0] == '\0');
	REQUIRE(ev->tok.cache_create_1h == 0);
	/* a model that used nothing is not an event */
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
