/*
 * libFuzzer target for parsers/copilot_otel.c (Copilot's OpenTelemetry
 * file export, read line by line). parser_driver.h feeds the input as
 * watchers/filejob.c does, checks every event (withdrawals included)
 * against what holds for any parser, and checks that a state saved and
 * loaded between lines changes nothing, and that whatever load() accepts
 * saves back the same; the OTel-only invariants are below. A failed
 * check aborts, which libFuzzer reports as a crash and saves.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

extern const au_parser_ops au_parser_copilot_otel;
#define FUZZ_PATH "/home/u/.copilot/otel/copilot-otel.jsonl"
static const au_parser_ops *const P = &au_parser_copilot_otel;

#include "parser_driver.h"

/* "cpo:<tag>#" and 16 lowercase hex digits, the last one's low bits clear. */
static bool hashed_key(const char *key, const char *tag)
{
	size_t n = strlen(tag);
	if (strncmp(key + 4, tag, n) != 0 || key[4 + n] != '#' || strlen(key + 5 + n) != 16)
		return false;
	for (const char *p = key + 5 + n; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return key[20 + n] == '0';
}

/* What only a Copilot OTel event must satisfy. */
static void check_event(const au_event *ev)
{
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
	REQUIRE(!ev->sidechain && ev->msg_id[0] == '\0' && ev->cwd[0] == '\0' && !ev->has_tool_cost);
	REQUIRE(ev->tok.cache_create_1h == 0);
	/* the store's triggers know these records by the prefix */
	REQUIRE(strncmp(ev->key, "cpo:", 4) == 0);
	REQUIRE(!ev->model_fallback || strcmp(ev->model, "unknown") == 0);
	bool lower = hashed_key(ev->key, "log") || hashed_key(ev->key, "turn") || hashed_key(ev->key, "agent");
	if (ev->retract) {
		/* only what can be outranked is ever withdrawn, by its hash */
		REQUIRE(lower);
		REQUIRE(ev->tok.input == 0 && ev->tok.output == 0 && ev->tok.cache_read == 0 &&
			ev->tok.cache_create_5m == 0 && ev->tok.reasoning == 0);
		return;
	}
	/* a record that used nothing is not an event */
	REQUIRE(ev->tok.input || ev->tok.cache_create_5m || ev->tok.cache_read || ev->tok.output ||
		ev->tok.reasoning);
	/* a chat span: "cpo:<trace>:<span>" or "cpo:#<hash>" */
	REQUIRE(lower || hashed_key(ev->key, "") || strchr(ev->key + 4, ':') != NULL);
}
