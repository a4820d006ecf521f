/*
 * Goose (block/goose): <data>/sessions/sessions.db, a SQLite database
 * Goose writes through sqlx. Its `sessions` table holds one row per
 * session with the session's lifetime token counters; there is no
 * per-request record of tokens anywhere in it. The schema is Goose's own
 * (crates/goose/src/session/session_manager.rs, `create_schema`):
 *
 *   sessions(id TEXT PRIMARY KEY, working_dir TEXT NOT NULL,
 *            created_at TIMESTAMP, updated_at TIMESTAMP, ...,
 *            total_tokens, input_tokens, output_tokens,          -- last turn
 *            accumulated_total_tokens, accumulated_input_tokens,
 *            accumulated_output_tokens,                          -- lifetime
 *            provider_name TEXT, model_config_json TEXT, ...)
 *
 * The agent adds each provider call's Usage.input_tokens and
 * .output_tokens to the accumulated_* columns (`update_session_metrics`,
 * crates/goose/src/agents/agent.rs); input_tokens/output_tokens are only
 * the last turn's and are not counted. A provider's input_tokens is the
 * whole prompt, cached part included, and the lifetime columns keep no
 * cache split: all of it counts as input (so the cost is an upper
 * estimate for a cache-heavy session). Reasoning is inside output where
 * the provider puts it there and cannot be told apart. The model is
 * model_config_json's `model_name` (ModelConfig, crates/goose/src/model.rs),
 * the session's current model: a session that switched models is counted
 * under the last one.
 *
 * So one record per session, keyed by its id and replaced whenever the
 * counters move (AU_DEDUP_LATEST), dated at created_at, the session's
 * start. sqlx writes chrono times as RFC 3339 ("2026-03-01T09:00:00.123
 * +00:00"); a row made by the column default has SQLite's
 * CURRENT_TIMESTAMP ("2026-03-01 09:00:00", UTC): both are read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "parser.h"
#include "util.h"

/* Lifetime counters past zero only: the rest have nothing to count. */
#define GOOSE_QUERY                                                                                           \
	"SELECT id, working_dir, created_at, accumulated_input_tokens, accumulated_output_tokens,"            \
	" model_config_json FROM sessions"                                                                      \
	" WHERE coalesce(accumulated_input_tokens, 0) > 0 OR coalesce(accumulated_output_tokens, 0) > 0"

enum { C_ID, C_DIR, C_CREATED, C_IN, C_OUT, C_MODEL, GOOSE_NCOLS };

static void goose_init(void *vs, const char *path)
{
	(void)vs;
	(void)path;
}

/* A counter column: NULL is 0 (Goose leaves them NULL before a first
 * usage); anything else must be a whole number in range. */
static bool counter(const char *s, int64_t *ret)
{
	*ret = 0;
	return !s || (au_parse_int64(s, ret) && *ret >= 0 && *ret <= AU_TOKENS_MAX);
}

/* created_at as RFC 3339, or as SQLite's "YYYY-MM-DD HH:MM:SS" in UTC. */
static int session_start(const char *s, size_t len, int64_t *ret_ms)
{
	char buf[64];
	if (!s || len == 0 || len >= sizeof(buf) - 1)
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (len == 19 && buf[10] == ' ') {
		buf[10] = 'T';
		buf[len++] = 'Z';
		buf[len] = '\0';
	}
	return au_parse_iso8601_ms(buf, len, ret_ms);
}

static int goose_parse_row(void *vs, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit,
			   void *ctx, au_err *err)
{
	(void)vs;
	if (ncols < GOOSE_NCOLS)
		return au_fail(err, EINVAL, "a session row with %d columns, not %d", ncols, GOOSE_NCOLS);
	if (!cols[C_ID] || lens[C_ID] == 0 || lens[C_ID] >= AU_ID_MAX || memchr(cols[C_ID], '\0', lens[C_ID]))
		return au_fail(err, EINVAL, "a session without a usable id");
	int64_t in, out;
	if (!counter(cols[C_IN], &in) || !counter(cols[C_OUT], &out))
		return au_fail(err, EINVAL, "session %s: token count not a whole number in range", cols[C_ID]);
	if (in == 0 && out == 0)
		return 0;
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	if (session_start(cols[C_CREATED], cols[C_CREATED] ? lens[C_CREATED] : 0, &ev.ts_ms) != 0)
		return au_fail(err, EINVAL, "session %s: created_at is not a time", cols[C_ID]);
	ev.source = AU_SRC_GOOSE;
	ev.dedup = AU_DEDUP_LATEST;
	snprintf(ev.key, sizeof(ev.key), "go:%s", cols[C_ID]);
	memcpy(ev.session, cols[C_ID], lens[C_ID]);
	if (cols[C_DIR] && lens[C_DIR] < sizeof(ev.cwd))
		memcpy(ev.cwd, cols[C_DIR], lens[C_DIR]);
	/* model_config_json: {"model_name": "...", "context_limit": ...} */
	if (cols[C_MODEL] && lens[C_MODEL] > 0) {
		js_doc *d = js_thread_doc();
		au_err jerr;
		if (js_parse(d, cols[C_MODEL], lens[C_MODEL], &jerr) == 0 && js_typeof(d, 0) == JS_OBJECT)
			if (js_get_str(d, 0, "model_name", ev.model, sizeof(ev.model)) <= 0)
				ev.model[0] = '\0';
	}
	/* not model_fallback: that flag means Codex's guess (cursor.c) */
	if (!ev.model[0])
		strcpy(ev.model, "unknown");
	ev.tok.input = in;
	ev.tok.output = out;
	int r = emit(ctx, &ev);
	return r < 0 ? au_fail(err, -r, "stopped by the caller") : 0;
}

const au_parser_ops au_parser_goose = {
	.name = "goose",
	.source = AU_SRC_GOOSE,
	.storage = AU_STORAGE_SQLITE,
	.state_size = 1,
	.init = goose_init,
	.query = GOOSE_QUERY,
	.parse_row = goose_parse_row,
};
