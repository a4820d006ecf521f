/*
 * libFuzzer target for parsers/qwen.c: the input is a Qwen Code chat log,
 * fed line by line through the shared driver; every event must satisfy
 * the driver's invariants and Qwen's own below.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_qwen;

#define FUZZ_PATH "/home/u/.qwen/projects/-home-u-proj-shop/chats/5f0c2a9e-7b1d-4c3e-8a2f-6d4e1b9c0a7f.jsonl"
static const au_parser_ops *const P = &au_parser_qwen;

#include "parser_driver.h"

static void check_event(const au_event *ev)
{
	REQUIRE(ev->source == AU_SRC_QWEN && ev->dedup == AU_DEDUP_LATEST && !ev->retract);
	/* no cache writes; thoughts are a part of output */
	REQUIRE(ev->tok.cache_create_5m == 0 && ev->tok.cache_create_1h == 0);
	REQUIRE(ev->tok.reasoning <= ev->tok.output);
	REQUIRE(ev->tok.input || ev->tok.cache_read || ev->tok.output);
	/* keyed by session and uuid, or by its place when it has no uuid */
	REQUIRE(ev->key[0] == '\0' || (strncmp(ev->key, "q:", 2) == 0 && ev->msg_id[0]));
}
