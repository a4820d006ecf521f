/*
 * libFuzzer target for parsers/cursor.c, both of its inputs.
 *
 * An input starting with "Date" (after an optional UTF-8 BOM) is a
 * dashboard usage export for au_cursor_export_parse. Anything else is a
 * run of state.vscdb rows, one per line, "key<TAB>value<TAB>model<TAB>
 * created" (missing columns are SQL NULLs; a line without a tab is a
 * message value under a bubble key), fed to parse_row on one state as
 * watchers/filejob.c does. The fixtures' JSONL lines make good seeds for
 * the values. Checked: every result code and message, every event's
 * fields and bounds, determinism (the same row on a copy of the state
 * gives the same answer), and that the saved state loads back the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "parser.h"
#include "require.h"


static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void check_event(const au_event *ev, const char *prefix)
{
	REQUIRE(ev->source == AU_SRC_CURSOR);
	REQUIRE(ev->dedup == AU_DEDUP_LATEST);
	REQUIRE(terminated(ev->key, sizeof(ev->key)) && strncmp(ev->key, prefix, strlen(prefix)) == 0);
	REQUIRE(terminated(ev->msg_id, sizeof(ev->msg_id)) && ev->msg_id[0] == '\0');
	REQUIRE(terminated(ev->session, sizeof(ev->session)));
	REQUIRE(terminated(ev->model, sizeof(ev->model)) && ev->model[0] != '\0');
	REQUIRE(terminated(ev->cwd, sizeof(ev->cwd)) && ev->cwd[0] == '\0');
	REQUIRE(!ev->sidechain && !ev->model_fallback);
	const int64_t v[] = {ev->tok.input, ev->tok.cache_create_5m, ev->tok.cache_read, ev->tok.output};
	for (size_t i = 0; i < 4; i++)
		REQUIRE(v[i] >= 0 && v[i] <= AU_TOKENS_MAX);
	REQUIRE(ev->tok.cache_create_1h == 0 && ev->tok.reasoning == 0);
	REQUIRE(au_tokens_total(&ev->tok) > 0);
}

static void check_result(int r, const au_err *err)
{
	REQUIRE(r == 0 || (r < 0 && r >= -4095));
	if (r < 0)
		REQUIRE(terminated(err->msg, sizeof(err->msg)) && err->msg[0] != '\0');
}

/* ---- rows ---- */

typedef struct seen {
	int n;
	au_event last;
} seen;

static int on_event(void *ctx, const au_event *ev)
{
	seen *s = ctx;
	check_event(ev, "cursor:b:");
	s->n++;
	s->last = *ev;
	return 0;
}

static void fuzz_rows(const uint8_t *data, size_t size)
{
	const au_parser_ops *P = &au_parser_cursor;
	void *state = malloc(P->state_size), *copy = malloc(P->state_size);
	P->init(state, "/home/u/.config/Cursor/User/globalStorage/state.vscdb");
	const uint8_t *pos = data, *end = data + size;
	int line = 0;
	while (pos < end) {
		const uint8_t *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t len = (size_t)((nl ? nl : end) - pos);
		/* exact-size copies of each column, so a read past one is an ASan report */
		char *cols[4] = {NULL, NULL, NULL, NULL};
		size_t lens[4] = {0, 0, 0, 0};
		const uint8_t *tab = memchr(pos, '\t', len);
		if (!tab) {
			char key[32];
			snprintf(key, sizeof(key), "bubbleId:c-%d:b-%d", line % 3, line);
			cols[0] = strdup(key);
			lens[0] = strlen(key);
			cols[1] = malloc(len + 1);
			memcpy(cols[1], pos, len);
			cols[1][len] = '\0';
			lens[1] = len;
		} else {
			const uint8_t *p = pos, *stop = pos + len;
			for (int c = 0; c < 4 && p <= stop; c++) {
				const uint8_t *t = memchr(p, '\t', (size_t)(stop - p));
				size_t n = (size_t)((t ? t : stop) - p);
				/* as SQLite hands text over: NUL-terminated, and
				 * the length counts any NUL inside */
				cols[c] = malloc(n + 1);
				memcpy(cols[c], p, n);
				cols[c][n] = '\0';
				lens[c] = n;
				if (!t)
					break;
				p = t + 1;
			}
		}
		au_err e1, e2;
		memset(&e1, 0, sizeof(e1));
		memset(&e2, 0, sizeof(e2));
		seen s1 = {0}, s2 = {0};
		memcpy(copy, state, P->state_size);
		int r1 = P->parse_row(state, 4, (const char *const *)cols, lens, on_event, &s1, &e1);
		int r2 = P->parse_row(copy, 4, (const char *const *)cols, lens, on_event, &s2, &e2);
		check_result(r1, &e1);
		REQUIRE(r1 == r2 && s1.n == s2.n && memcmp(state, copy, P->state_size) == 0);
		if (s1.n)
			REQUIRE(strcmp(s1.last.key, s2.last.key) == 0 && s1.last.ts_ms == s2.last.ts_ms &&
				memcmp(&s1.last.tok, &s2.last.tok, sizeof(s1.last.tok)) == 0);
		for (int c = 0; c < 4; c++)
			free(cols[c]);
		pos = nl ? nl + 1 : end;
		line++;
	}
	/* the saved state loads back to the same text */
	char *text = P->save(state);
	REQUIRE(text);
	au_err err;
	void *again = malloc(P->state_size);
	P->init(again, NULL);
	REQUIRE(P->load(again, text, &err) == 0);
	char *twice = P->save(again);
	REQUIRE(strcmp(text, twice) == 0);
	int64_t a, b, c, d;
	REQUIRE(au_cursor_state_counts(text, &a, &b, &c, &d));
	REQUIRE(a >= 0 && b >= 0 && c >= 0 && d >= 0 && c <= a);
	free(text);
	free(twice);
	free(again);
	free(copy);
	free(state);
}

/* ---- the export ---- */

static int on_export(void *ctx, const au_cursor_export_event *e)
{
	int64_t *n = ctx;
	check_event(&e->ev, "cursor:e:");
	REQUIRE(strcmp(e->ev.session, "cursor.com") == 0);
	if (e->has_cost)
		REQUIRE(e->cost_pico >= 0);
	(*n)++;
	return 0;
}

static void fuzz_export(const uint8_t *data, size_t size)
{
	/* an exact-size copy: the parser must not read past len */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	au_err err;
	memset(&err, 0, sizeof(err));
	au_cursor_export_stats st;
	int64_t n = 0;
	int r = au_cursor_export_parse(copy, size, on_export, &n, &st, &err);
	check_result(r, &err);
	if (r == 0)
		REQUIRE(st.rows >= 0 && st.empty >= 0 && n == st.rows - st.empty);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t skip = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	if (size - skip >= 4 && memcmp(data + skip, "Date", 4) == 0)
		fuzz_export(data, size);
	else
		fuzz_rows(data, size);
	return 0;
}
