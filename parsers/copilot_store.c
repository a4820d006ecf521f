/*
 * GitHub Copilot CLI's session store (~/.copilot/session-store.db, SQLite
 * in WAL mode, written by the CLI as it runs): one row of
 * assistant_usage_events per model request, with that request's input
 * and cache counts, which the session log (events.jsonl) gives only as
 * per-session totals at a clean exit. Each row is one event here, keyed
 * "cps:<session>:<row id>"; src/store/store.c's rules between sources then
 * let a session this store describes count from it alone: its shutdown
 * totals (parsers/copilot.c) and any OpenTelemetry records of it
 * (parsers/copilot_otel.c) are set aside, in whichever order they arrive.
 *
 * Copilot CLI is closed source: the table and the meaning of its columns
 * are as junhoyeo/tokscale reads them (crates/tokscale-core/src/sessions/
 * copilot_session_store.rs @ 7b14a4b4: `input_tokens` includes the cache
 * reads and writes, `copilot_usage_model` is preferred over `model`, a
 * zone-less `created_at` is UTC, the session's `cwd` comes from the
 * sessions table), and as doggy8088/TokenUsageInsights#31 describes the
 * store. `total_nano_aiu` (Copilot's own billing unit) is not read: no
 * public source says what it is in dollars.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"
#include "parser.h"
#include "row_cols.h"

/* The largest row id read so far: rows are only ever added (an event log
 * with an AUTOINCREMENT key), so each read asks for the rows after it. */
typedef struct cps_state {
	int64_t max_id;
} cps_state;

static void cps_init(void *vs, const char *path)
{
	(void)path;
	cps_state *st = vs;
	st->max_id = -1;
}

/* The columns parse_row reads, in order. */
enum { C_ID, C_SESSION, C_MODEL, C_USAGE_MODEL, C_IN, C_OUT, C_CR, C_CW, C_REASON, C_AT, C_CWD, C_SESSION_AT, C_N };

#define CPS_COLUMNS                                                                                          \
	"SELECT e.id, e.session_id, e.model, e.copilot_usage_model, e.input_tokens, e.output_tokens,"        \
	" e.cache_read_tokens, e.cache_write_tokens, e.reasoning_tokens, e.created_at, s.cwd, s.created_at" \
	" FROM assistant_usage_events e LEFT JOIN sessions s ON s.id = e.session_id"
#define CPS_QUERY CPS_COLUMNS
/* ?2 is bound too, and unused */
#define CPS_QUERY_SINCE CPS_COLUMNS " WHERE e.id > ?1 AND ?2 IS NOT NULL"

static bool cps_since(const void *vs, int64_t ret[2])
{
	return au_watermark_since(((const cps_state *)vs)->max_id, ret);
}

static char *cps_save(const void *vs)
{
	return au_watermark_save("cps", ((const cps_state *)vs)->max_id);
}

static int cps_load(void *vs, const char *text, au_err *err)
{
	return au_watermark_load(text, "cps", &((cps_state *)vs)->max_id, "Copilot session store", err);
}

/* A created_at: RFC 3339, or SQLite's own "YYYY-MM-DD HH:MM:SS[.SSS]",
 * which is UTC and carries no zone. 0 read, -1 not a time. */
static int time_col(const char *v, size_t len, int64_t *ret)
{
	if (!v || len == 0 || len > 40)
		return -1;
	if (au_parse_iso8601_ms(v, len, ret) == 0)
		return 0;
	char buf[48];
	memcpy(buf, v, len);
	buf[len] = 'Z';
	return au_parse_iso8601_ms(buf, len + 1, ret) == 0 ? 0 : -1;
}

static int cps_parse_row(void *vs, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit,
			 void *ctx, au_err *err)
{
	cps_state *st = vs;
	if (ncols < C_N)
		return au_fail(err, EINVAL, "a usage row with %d columns", ncols);
	int64_t id;
	if (!cols[C_ID] || !au_parse_int64(cols[C_ID], &id) || id < 0)
		return au_fail(err, EINVAL, "a usage row without a row id");
	if (id > st->max_id)
		st->max_id = id;

	au_event ev;
	memset(&ev, 0, sizeof(ev));
	int r = au_row_text(cols[C_SESSION], lens[C_SESSION], ev.session, sizeof(ev.session));
	if (r < 0)
		return au_fail(err, EINVAL, "usage row %" PRId64 ": session id too long or holding a NUL", id);
	if (r == 0) {
		au_fail(err, 0, "usage row %" PRId64 " names no session", id);
		return AU_PARSE_SKIPPED;
	}
	int64_t in, out, cr, cw, rs;
	if (au_row_count(cols[C_IN], &in) < 0 || au_row_count(cols[C_OUT], &out) < 0 || au_row_count(cols[C_CR], &cr) < 0 ||
	    au_row_count(cols[C_CW], &cw) < 0 || au_row_count(cols[C_REASON], &rs) < 0)
		return au_fail(err, EINVAL, "usage row %" PRId64 ": a token count not a whole number in range", id);
	if (!in && !out && !cr && !cw && !rs)
		return 0; /* a request that used nothing (failed, cancelled) */
	if (time_col(cols[C_AT], lens[C_AT], &ev.ts_ms) < 0 &&
	    time_col(cols[C_SESSION_AT], lens[C_SESSION_AT], &ev.ts_ms) < 0)
		return au_fail(err, EINVAL, "usage row %" PRId64 " with a missing or bad created_at", id);

	/* the model Copilot billed the request under, else the one named */
	int lm = au_row_text(cols[C_USAGE_MODEL], lens[C_USAGE_MODEL], ev.model, sizeof(ev.model));
	if (lm == 0)
		lm = au_row_text(cols[C_MODEL], lens[C_MODEL], ev.model, sizeof(ev.model));
	if (lm < 0)
		return au_fail(err, EINVAL, "usage row %" PRId64 ": model name too long or holding a NUL", id);
	if (lm == 0) {
		strcpy(ev.model, "unknown");
		ev.model_fallback = true;
	}
	/* a cwd too long to keep is left out, as for other sources */
	if (au_row_text(cols[C_CWD], lens[C_CWD], ev.cwd, sizeof(ev.cwd)) < 0)
		ev.cwd[0] = '\0';

	ev.source = AU_SRC_COPILOT;
	/* a row is written once; read again (a replaced database) it is
	 * the same row */
	ev.dedup = AU_DEDUP_LATEST;
	/* input_tokens includes the cache reads and writes (as the session
	 * log's modelMetrics do: formats.md 3a) */
	ev.tok = au_tokens_from_inclusive(in, cr, cw, out, rs);
	/* fits: a session id is under AU_ID_MAX bytes */
	snprintf(ev.key, sizeof(ev.key), "cps:%s:%" PRId64, ev.session, id);
	if ((r = emit(ctx, &ev)) < 0)
		return au_fail(err, -r, "stopped by the caller");
	return 0;
}

const au_parser_ops au_parser_copilot_store = {
	.name = "copilot-store",
	.source = AU_SRC_COPILOT,
	.storage = AU_STORAGE_SQLITE,
	.state_size = sizeof(cps_state),
	.init = cps_init,
	.query = CPS_QUERY,
	.query_since = CPS_QUERY_SINCE,
	.since = cps_since,
	.save = cps_save,
	.load = cps_load,
	.parse_row = cps_parse_row,
};
