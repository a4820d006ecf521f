/*
 * VS Code Copilot Chat's span database (<User>/globalStorage/
 * github.copilot-chat/agent-traces.db, SQLite in WAL mode), which the
 * extension writes when `github.copilot.chat.otel.dbSpanExporter.enabled`
 * is on: every OpenTelemetry span it completes, one row of `spans` each
 * (microsoft/vscode-copilot-chat, src/platform/otel/node/sqlite/
 * otelSqliteStore.ts, schema version 1). A `chat` span is one model call
 * with its full counts (input_tokens, which includes cached input as in
 * the GenAI conventions; cached_tokens; output_tokens; reasoning_tokens;
 * the cache writes only in span_attributes, as
 * gen_ai.usage.cache_creation.input_tokens), where the chat session log
 * (parsers/vscode.c) has the request's prompt and output only. The
 * `invoke_agent` span of a turn sums its chat spans, and tool spans carry
 * no tokens: only chat spans count.
 *
 * A chat span is keyed "cpo:<trace>:<span>", the key the OpenTelemetry
 * file export's chat span has (parsers/copilot_otel.c): a span found in
 * both counts once. Its session is `chat_session_id` (the attribute
 * copilot_chat.chat_session_id, "the definitive session identifier": the
 * chat session's own id, which the session log is named and keyed by),
 * else the conversation, else the trace. src/store/store.c's rules
 * between sources then let a chat session these spans describe count
 * from them alone: its session-log rows are set aside, in whichever order
 * the two arrive. The extension deletes spans older than 7 days and keeps
 * 100 sessions; what was counted stays counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "row_cols.h"

/* Spans are written once each, when they end (INSERT OR REPLACE by
 * span_id): each read asks for the rows after the largest rowid seen. */
typedef struct vst_state {
	int64_t max_rowid;
} vst_state;

static void vst_init(void *vs, const char *path)
{
	(void)path;
	vst_state *st = vs;
	st->max_rowid = -1;
}

enum {
	C_ROWID,
	C_SPAN,
	C_TRACE,
	C_END,
	C_CHAT_SESSION,
	C_CONVERSATION,
	C_RESP_MODEL,
	C_REQ_MODEL,
	C_IN,
	C_OUT,
	C_CACHED,
	C_REASON,
	C_CACHE_WRITE,
	C_N
};

#define VST_COLUMNS                                                                                           \
	"SELECT s.rowid, s.span_id, s.trace_id, s.end_time_ms, s.chat_session_id, s.conversation_id,"          \
	" s.response_model, s.request_model, s.input_tokens, s.output_tokens, s.cached_tokens,"              \
	" s.reasoning_tokens, (SELECT a.value FROM span_attributes a WHERE a.span_id = s.span_id"           \
	" AND a.key = 'gen_ai.usage.cache_creation.input_tokens')"                                           \
	" FROM spans s WHERE s.operation_name = 'chat'"
#define VST_QUERY VST_COLUMNS
#define VST_QUERY_SINCE VST_COLUMNS " AND s.rowid > ?1 AND ?2 IS NOT NULL"

static bool vst_since(const void *vs, int64_t ret[2])
{
	return au_watermark_since(((const vst_state *)vs)->max_rowid, ret);
}

static char *vst_save(const void *vs)
{
	return au_watermark_save("vst", ((const vst_state *)vs)->max_rowid);
}

static int vst_load(void *vs, const char *text, au_err *err)
{
	return au_watermark_load(text, "vst", &((vst_state *)vs)->max_rowid, "VS Code span database", err);
}

static int vst_parse_row(void *vs, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit,
			 void *ctx, au_err *err)
{
	vst_state *st = vs;
	if (ncols < C_N)
		return au_fail(err, EINVAL, "a span row with %d columns", ncols);
	int64_t rowid;
	if (!cols[C_ROWID] || !au_parse_int64(cols[C_ROWID], &rowid) || rowid < 0)
		return au_fail(err, EINVAL, "a span row without a rowid");
	if (rowid > st->max_rowid)
		st->max_rowid = rowid;

	int64_t in, out, cr, cw, rs;
	if (au_row_count(cols[C_IN], &in) < 0 || au_row_count(cols[C_OUT], &out) < 0 ||
	    au_row_count(cols[C_CACHED], &cr) < 0 || au_row_count(cols[C_REASON], &rs) < 0 ||
	    au_row_count(cols[C_CACHE_WRITE], &cw) < 0)
		return au_fail(err, EINVAL, "span row %" PRId64 ": a token count not a whole number in range", rowid);
	/* an all-zero span (a failed or cancelled call) is no request, and
	 * sets nothing aside */
	if (!in && !out && !cr && !cw && !rs)
		return 0;

	au_event ev;
	memset(&ev, 0, sizeof(ev));
	char trace[AU_ID_MAX], span[AU_ID_MAX];
	int lt = au_row_text(cols[C_TRACE], lens[C_TRACE], trace, sizeof(trace));
	int ls = au_row_text(cols[C_SPAN], lens[C_SPAN], span, sizeof(span));
	if (lt <= 0 || ls <= 0)
		return au_fail(err, EINVAL, "span row %" PRId64 ": trace or span id missing, too long or holding a NUL",
			       rowid);
	int64_t end;
	if (!cols[C_END] || !au_parse_int64(cols[C_END], &end) || end <= 0 || end > INT64_C(253402300799999))
		return au_fail(err, EINVAL, "span row %" PRId64 " with a missing or bad end time", rowid);
	ev.ts_ms = end;

	int r = au_row_text(cols[C_CHAT_SESSION], lens[C_CHAT_SESSION], ev.session, sizeof(ev.session));
	if (r == 0)
		r = au_row_text(cols[C_CONVERSATION], lens[C_CONVERSATION], ev.session, sizeof(ev.session));
	if (r < 0)
		return au_fail(err, EINVAL, "span row %" PRId64 ": session id too long or holding a NUL", rowid);
	if (r == 0)
		memcpy(ev.session, trace, sizeof(trace));

	/* what answered, else what was asked for */
	int lm = au_row_text(cols[C_RESP_MODEL], lens[C_RESP_MODEL], ev.model, sizeof(ev.model));
	if (lm == 0)
		lm = au_row_text(cols[C_REQ_MODEL], lens[C_REQ_MODEL], ev.model, sizeof(ev.model));
	if (lm < 0)
		return au_fail(err, EINVAL, "span row %" PRId64 ": model name too long or holding a NUL", rowid);
	if (lm == 0) {
		strcpy(ev.model, "unknown");
		ev.model_fallback = true;
	}

	ev.source = AU_SRC_VSCODE;
	ev.dedup = AU_DEDUP_LATEST;
	/* input_tokens includes the cached input, read and written */
	ev.tok = au_tokens_from_inclusive(in, cr, cw, out, rs);
	/* the OpenTelemetry file export's chat span key (copilot_otel.c),
	 * or a hash of the two ids when they do not fit or the trace id has
	 * a ':' (never in real spans: hex ids) */
	size_t tl = strlen(trace), sl = strlen(span);
	if (tl + sl + 6 <= AU_KEY_MAX && !strchr(trace, ':')) {
		memcpy(ev.key, "cpo:", 4);
		memcpy(ev.key + 4, trace, tl);
		ev.key[4 + tl] = ':';
		memcpy(ev.key + 5 + tl, span, sl + 1);
	} else
		snprintf(ev.key, sizeof(ev.key), "cpo:db#%016llx%016llx",
			 (unsigned long long)au_hash64(trace, strlen(trace)),
			 (unsigned long long)au_hash64(span, strlen(span)));
	if ((r = emit(ctx, &ev)) < 0)
		return au_fail(err, -r, "stopped by the caller");
	return 0;
}

const au_parser_ops au_parser_vscode_traces = {
	.name = "vscode-traces",
	.source = AU_SRC_VSCODE,
	.storage = AU_STORAGE_SQLITE,
	.state_size = sizeof(vst_state),
	.init = vst_init,
	.query = VST_QUERY,
	.query_since = VST_QUERY_SINCE,
	.since = vst_since,
	.save = vst_save,
	.load = vst_load,
	.parse_row = vst_parse_row,
};
