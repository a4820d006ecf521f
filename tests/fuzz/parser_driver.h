/*
 * The libFuzzer driver shared by the parser targets (fuzz_claude.c,
 * fuzz_codex.c). A target defines FUZZ_PATH (the log path handed to
 * init()) and P (its parser), includes this file, and defines
 * check_event() with what only its events must satisfy; this file checks
 * everything that holds for every parser and feeds the input line by line
 * as watchers/filejob.c does.
 */
#ifndef AU_PARSER_DRIVER_H
#define AU_PARSER_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "require.h"


static void check_event(const au_event *ev);


static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* The unified total is summed by the store and the reports: it must not
 * overflow int64 for any event a parser hands out. */
static bool total_fits(const au_tokens *t)
{
	int64_t sum = 0;
	return !__builtin_add_overflow(sum, t->input, &sum) &&
	       !__builtin_add_overflow(sum, t->cache_create_5m, &sum) &&
	       !__builtin_add_overflow(sum, t->cache_create_1h, &sum) &&
	       !__builtin_add_overflow(sum, t->cache_read, &sum) &&
	       !__builtin_add_overflow(sum, t->output, &sum);
}

static void check_result(int r, const au_event *ev, const au_err *err)
{
	REQUIRE(r == 0 || r == 1 || (r < 0 && r >= -4095));
	if (r < 0) {
		REQUIRE(terminated(err->msg, sizeof(err->msg)));
		REQUIRE(err->msg[0] != '\0');
		return;
	}
	if (r == 0)
		return;
	REQUIRE(ev->source == P->source);
	REQUIRE(terminated(ev->key, sizeof(ev->key)));
	REQUIRE(terminated(ev->msg_id, sizeof(ev->msg_id)));
	REQUIRE(terminated(ev->session, sizeof(ev->session)));
	REQUIRE(terminated(ev->model, sizeof(ev->model)));
	REQUIRE(terminated(ev->cwd, sizeof(ev->cwd)));
	REQUIRE(ev->model[0] != '\0');
	REQUIRE(ev->tok.input >= 0 && ev->tok.output >= 0 && ev->tok.cache_read >= 0);
	REQUIRE(ev->tok.cache_create_5m >= 0 && ev->tok.cache_create_1h >= 0);
	REQUIRE(ev->tok.reasoning >= 0);
	REQUIRE(total_fits(&ev->tok));
	/* Any accepted timestamp is within years 0000..9999, give or take a day. */
	REQUIRE(ev->ts_ms >= (au_days_from_civil(0, 1, 1) - 1) * 86400000);
	REQUIRE(ev->ts_ms <= (au_days_from_civil(10000, 1, 1) + 1) * 86400000);
	check_event(ev);
}

/* What one line gave: parse_line's result and event, or everything
 * parse_line_emit handed out (r is then 0 or its error). */
typedef struct result {
	int r;
	size_t n, cap;
	au_event *ev;
} result;

static void result_reset(result *res)
{
	res->r = 0;
	res->n = 0;
}

static int collect_emit(void *ctx, const au_event *ev)
{
	result *res = ctx;
	check_result(1, ev, NULL);
	if (res->n == res->cap) {
		res->cap = res->cap ? 2 * res->cap : 8;
		res->ev = realloc(res->ev, res->cap * sizeof(*res->ev));
		REQUIRE(res->ev != NULL);
	}
	res->ev[res->n++] = *ev;
	return 0;
}

/* One call, on an exact-size copy of the line so that a read past its end
 * is an ASan report, with the event poisoned so that unset fields show. */
static int parse(void *state, const uint8_t *line, size_t len, result *res)
{
	au_err err;
	char *copy = malloc(len ? len : 1);
	memcpy(copy, line, len);
	memset(&err, 0, sizeof(err));
	result_reset(res);
	if (P->parse_line_emit) {
		res->r = P->parse_line_emit(state, copy, len, collect_emit, res, &err);
		REQUIRE(res->r == 0 || (res->r < 0 && res->r >= -4095));
		if (res->r < 0)
			check_result(res->r, NULL, &err);
	} else {
		if (res->cap == 0) {
			res->cap = 1;
			res->ev = malloc(sizeof(*res->ev));
			REQUIRE(res->ev != NULL);
		}
		memset(res->ev, 0xa5, sizeof(*res->ev));
		res->r = P->parse_line(state, copy, len, res->ev, &err);
		check_result(res->r, res->ev, &err);
		res->n = res->r == 1;
	}
	free(copy);
	return res->r;
}

/* Whether two results are the same, field by field (bytes after a
 * string's terminator do not count); says how they differ when not. */
static bool same_event(const au_event *a, const au_event *b)
{
	return a->source == b->source && a->dedup == b->dedup && strcmp(a->key, b->key) == 0 &&
	       strcmp(a->msg_id, b->msg_id) == 0 && a->sidechain == b->sidechain &&
	       a->ts_ms == b->ts_ms && strcmp(a->session, b->session) == 0 &&
	       strcmp(a->model, b->model) == 0 && strcmp(a->cwd, b->cwd) == 0 &&
	       a->model_fallback == b->model_fallback && a->retract == b->retract &&
	       a->has_tool_cost == b->has_tool_cost && (!a->has_tool_cost || a->tool_cost == b->tool_cost) &&
	       memcmp(&a->tok, &b->tok, sizeof(a->tok)) == 0;
}

static bool same(const result *a, const result *b)
{
	bool eq = a->r == b->r && a->n == b->n;
	for (size_t i = 0; eq && i < a->n; i++)
		eq = same_event(&a->ev[i], &b->ev[i]);
	if (eq)
		return true;
	fprintf(stderr, "results differ: %d (%zu events) vs %d (%zu events)\n", a->r, a->n, b->r, b->n);
	for (int k = 0; k < 2; k++) {
		const result *res = k ? b : a;
		for (size_t i = 0; i < res->n; i++) {
			const au_event *e = &res->ev[i];
			fprintf(stderr,
				"  key \"%s\" msg_id \"%s\" side %d ts %lld session \"%s\" model \"%s\" fb %d\n"
				"  cwd \"%s\" tok %lld %lld %lld %lld %lld %lld\n",
				e->key, e->msg_id, e->sidechain, (long long)e->ts_ms, e->session, e->model,
				e->model_fallback, e->cwd, (long long)e->tok.input, (long long)e->tok.cache_create_5m,
				(long long)e->tok.cache_create_1h, (long long)e->tok.cache_read,
				(long long)e->tok.output, (long long)e->tok.reasoning);
		}
	}
	return false;
}

static void *state_new(void)
{
	void *st = malloc(P->state_size);
	P->init(st, FUZZ_PATH);
	return st;
}

static char *save(const void *state)
{
	char *text = P->save(state);
	REQUIRE(text != NULL);
	return text;
}

/* Loads text into a fresh state; on success, saving it and loading that
 * again is lossless. Returns the state, or NULL when load() refused. */
static void *load(const char *text)
{
	au_err err;
	memset(&err, 0, sizeof(err));
	void *st = state_new();
	int r = P->load(st, text, &err);
	REQUIRE(r == 0 || (r < 0 && r >= -4095));
	if (r < 0) {
		REQUIRE(terminated(err.msg, sizeof(err.msg)) && err.msg[0] != '\0');
		free(st);
		return NULL;
	}
	char *once = save(st);
	void *again = state_new();
	REQUIRE(P->load(again, once, &err) == 0);
	char *twice = save(again);
	REQUIRE(strcmp(once, twice) == 0);
	free(once);
	free(twice);
	free(again);
	return st;
}

/* A line read back as saved state (the store's copy is a file on disk):
 * garbage is refused with a message, and a line parsed on whatever loads
 * still gives a sane result. */
static void fuzz_load(const uint8_t *line, size_t len, const uint8_t *next, size_t next_len)
{
	char *text = malloc(len + 1);
	memcpy(text, line, len);
	text[len] = '\0';
	void *st = load(text);
	free(text);
	if (st && next_len) {
		result res = {0};
		parse(st, next, next_len, &res);
		free(res.ev);
	}
	free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* watchers/scan.c allocates state_size bytes, init()s them and frees
	 * them with free(): a state owns no pointers, so memcpy clones it. */
	void *state = state_new(), *copy = state_new();
	/* `resumed` goes through save() and load() before every line, as if
	 * each line were read by a new scan; it must never drift from `state`. */
	void *resumed = P->save ? state_new() : NULL;
	static result ev, ev2;

	const uint8_t *pos = data, *end = data + size;
	while (pos < end) {
		const uint8_t *nl = memchr(pos, '\n', (size_t)(end - pos));
		const uint8_t *line = pos;
		size_t len = (size_t)((nl ? nl : end) - pos);
		pos = nl ? nl + 1 : end;
		if (P->load) {
			const uint8_t *nnl = memchr(pos, '\n', (size_t)(end - pos));
			fuzz_load(line, len, pos, (size_t)((nnl ? nnl : end) - pos));
		}
		if (len == 0)
			continue; /* the scanner skips empty lines */

		char *c = malloc(len);
		memcpy(c, line, len);
		bool cand = P->candidate(c, len);
		free(c);

		/* Every line on a throwaway copy: the parser must survive lines
		 * candidate() refuses too. */
		memcpy(copy, state, P->state_size);
		parse(copy, line, len, &ev2);
		if (!cand)
			continue; /* the scanner never parses it on the real state */

		/* Deterministic: the same line on the same state, the same answer. */
		parse(state, line, len, &ev);
		REQUIRE(same(&ev, &ev2));
		REQUIRE(memcmp(state, copy, P->state_size) == 0);

		if (resumed) {
			char *text = save(resumed);
			free(resumed);
			resumed = load(text);
			REQUIRE(resumed != NULL);
			free(text);
			parse(resumed, line, len, &ev2);
			REQUIRE(same(&ev, &ev2));
			char *a = save(state), *b = save(resumed);
			REQUIRE(strcmp(a, b) == 0);
			free(a);
			free(b);
		}
	}
	free(resumed);
	free(copy);
	free(state);
	return 0;
}

#endif
