/*
 * libFuzzer target for parsers/kimi.c: the input is a Kimi CLI wire.jsonl,
 * fed line by line through the shared driver; every event must satisfy the
 * driver's invariants and Kimi's own below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_kimi;

#define FUZZ_PATH "/home/u/.kimi/sessions/3b8f0c1d/a1b2c3d4-0000-4e5f-8a9b-c0d1e2f3a4b5/wire.jsonl"
static const au_parser_ops *const P = &au_parser_kimi;

#include "parser_driver.h"

static void check_event(const au_event *ev)
{
	REQUIRE(ev->source == AU_SRC_KIMI && ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	REQUIRE(ev->tok.cache_create_1h == 0 && ev->tok.reasoning == 0);
	REQUIRE(ev->tok.input || ev->tok.cache_read || ev->tok.cache_create_5m || ev->tok.output);
	REQUIRE(strcmp(ev->session, "a1b2c3d4-0000-4e5f-8a9b-c0d1e2f3a4b5") == 0);
	REQUIRE(ev->key[0] == '\0' || (strncmp(ev->key, "k:", 2) == 0 && ev->msg_id[0]));
	REQUIRE(ev->ts_ms > 0);
}
