/*
 * Gemini CLI chat recordings (~/.gemini/tmp/<project>/chats/), in both of
 * the shapes it has written: the append-only JSONL log (header line, one
 * message per line, the same message id appended again on every update,
 * {"$set":...} metadata and {"$rewindTo":id} records) and the legacy JSON
 * document rewritten whole on every update. Every response is keyed by its
 * session and message id, in both shapes, so a re-appended id, a rewritten
 * document and a legacy file with its migrated .jsonl copy all count it once.
 * Counting rules: shared/docs/formats.md, "Gemini CLI".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
#include "json_count.h"
#include "parser.h"

typedef struct gemini_state {
	char session[AU_ID_MAX]; /* header sessionId; the file stem until then */
	/* The project: the header's first workspace directory when it names
	 * one, else the <project> directory the chats/ folder sits in, which
	 * the scan resolves through its .project_root (the project hook of
	 * watchers/tool_gemini.c). */
	char cwd[AU_PATH_MAX];
	char model[AU_MODEL_MAX]; /* the last model named, for messages without one */
} gemini_state;

static void gemini_init(void *vs, const char *path)
{
	gemini_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n < sizeof(st->session))
		memcpy(st->session, base, n);
	/* .../<project>/chats/session-*.json[l] or .../<project>/chats/<parent>/<id>.jsonl */
	const char *chats = NULL;
	for (const char *p = path; (p = strstr(p, "/chats/")); p++)
		chats = p;
	size_t pn = chats ? (size_t)(chats - path) : 0;
	if (pn > 0 && pn < sizeof(st->cwd))
		memcpy(st->cwd, path, pn);
}

/* Sets a state field to string token t when it is a non-empty string that
 * fits; the rest of the field is zeroed, so that equal states compare equal
 * byte for byte (the fuzzer holds the parser to that). */
static void set_field(char *dst, size_t cap, const js_doc *d, int t)
{
	char buf[AU_PATH_MAX];
	int n = js_typeof(d, t) == JS_STRING && cap <= sizeof(buf) ? js_str(d, t, buf, cap) : -1;
	if (n <= 0)
		return;
	memset(dst, 0, cap);
	memcpy(dst, buf, (size_t)n);
}

/* Header and $set fields that say where the session ran and who it is;
 * a session id holding a NUL (\u0000) is an error and changes nothing. */
static int take_metadata(gemini_state *st, const js_doc *d, int obj, au_err *err)
{
	char sid[sizeof(st->session)];
	int t = js_get(d, obj, "sessionId");
	if (js_typeof(d, t) == JS_STRING && js_id(d, t, sid, sizeof(sid)) == -EILSEQ)
		return au_fail(err, EINVAL, "sessionId " AU_ID_NUL_MSG);
	set_field(st->session, sizeof(st->session), d, t);
	int dirs = js_get(d, obj, "directories");
	if (js_typeof(d, dirs) == JS_ARRAY && (uint32_t)dirs + 1 < d->toks[dirs].next)
		set_field(st->cwd, sizeof(st->cwd), d, dirs + 1);
	set_field(st->model, sizeof(st->model), d, js_get(d, obj, "model"));
	return 0;
}

/*
 * One message record (a JSONL line's root, or an element of a legacy
 * document's messages[]). fallback_ts is the document's own time for
 * messages that carry none (-1: none). 1 with *ev filled, 0 when it
 * carries no usage, or a negative errno.
 */
static int gemini_message(gemini_state *st, const js_doc *d, int msg, int64_t fallback_ts, au_event *ev,
			  au_err *err)
{
	if (!js_str_eq(d, js_get(d, msg, "type"), "gemini"))
		return 0; /* user, info, error, warning: no tokens */
	int mt = js_get(d, msg, "model");
	char model[AU_MODEL_MAX];
	if (js_typeof(d, mt) == JS_STRING && js_str(d, mt, model, sizeof(model)) < 0)
		return au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
	set_field(st->model, sizeof(st->model), d, mt);
	/* tokens are null until the response's usage arrives; that copy of
	 * the message is appended (or the document rewritten) again then */
	int tokens = js_get_obj(d, msg, "tokens");
	if (tokens < 0)
		return 0;
	int64_t in, out, cached, thoughts, tool;
	if (js_get(d, tokens, "input") < 0 && js_get(d, tokens, "output") < 0)
		return au_fail(err, EINVAL, "tokens without input or output counts");
	if (!au_js_count(d, tokens, "input", &in) || !au_js_count(d, tokens, "output", &out) ||
	    !au_js_count(d, tokens, "cached", &cached) || !au_js_count(d, tokens, "thoughts", &thoughts) ||
	    !au_js_count(d, tokens, "tool", &tool))
		return au_fail(err, EINVAL, "token count not a whole number in range");
	if (in == 0 && out == 0 && cached == 0 && thoughts == 0 && tool == 0)
		return 0;

	memset(ev, 0, sizeof(*ev));
	char ts[64];
	int tst = js_get(d, msg, "timestamp");
	int tslen = js_typeof(d, tst) == JS_STRING ? js_str(d, tst, ts, sizeof(ts)) : -1;
	if (tslen >= 0 && au_parse_iso8601_ms(ts, (size_t)tslen, &ev->ts_ms) == 0) {
		/* the message's own time */
	} else if (tst < 0 && fallback_ts >= 0) {
		ev->ts_ms = fallback_ts;
	} else {
		return au_fail(err, EINVAL, "message with a missing or bad timestamp");
	}

	int idt = js_get(d, msg, "id");
	if (js_typeof(d, idt) == JS_STRING && d->toks[idt].end > d->toks[idt].start) {
		int n = js_id(d, idt, ev->msg_id, sizeof(ev->msg_id));
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "message id " AU_ID_NUL_MSG);
		if (n < 0)
			return au_fail(err, EINVAL, "message id longer than %d bytes", AU_ID_MAX - 1);
		/* Ids are random UUIDs, but two sessions that share one are two
		 * responses: the session is part of the key. A legacy .json
		 * and its migrated .jsonl copy name the same sessionId, so
		 * they still count once. */
		snprintf(ev->key, sizeof(ev->key), "g:%.50s|%s", st->session, ev->msg_id);
	} else {
		/* no id to match: the session and the message's time are as
		 * stable as it gets across rewrites and the migrated copy */
		snprintf(ev->key, sizeof(ev->key), "g:%.180s@%lld", st->session, (long long)ev->ts_ms);
	}

	ev->source = AU_SRC_GEMINI;
	ev->dedup = AU_DEDUP_LATEST;
	/* input (promptTokenCount) includes cached; the tool-use prompt is
	 * billed as input; thoughts are billed as output (formats.md) */
	int64_t cached_part = cached < in ? cached : in;
	ev->tok.input = in - cached_part + tool;
	ev->tok.cache_read = cached;
	ev->tok.output = out + thoughts;
	ev->tok.reasoning = thoughts;
	strcpy(ev->model, st->model[0] ? st->model : "unknown");
	ju_copy(ev->session, sizeof(ev->session), st->session);
	ju_copy(ev->cwd, sizeof(ev->cwd), st->cwd);
	return 1;
}

/* ---- the JSONL log (Gemini CLI >= 0.40) ------------------------------- */

/* Message lines with tokens, the header and $set metadata; user lines (the
 * big ones: pasted files, tool output) usually have none of these. */
static bool gemini_candidate(const char *line, size_t len)
{
	return au_memmem(line, len, "\"tokens\"", 8) || au_memmem(line, len, "\"sessionId\"", 11) ||
	       au_memmem(line, len, "\"directories\"", 13);
}

static int gemini_parse_line(void *vs, const char *line, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	gemini_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	if (js_typeof(d, 0) != JS_OBJECT)
		return 0;
	/* A rewind drops messages from the conversation, not from the bill:
	 * the responses it removes were sent and paid for, so they stay
	 * counted. */
	if (js_get(d, 0, "$rewindTo") >= 0)
		return 0;
	au_event ev;
	int set = js_get_obj(d, 0, "$set");
	if (set >= 0) {
		if ((r = take_metadata(st, d, set, err)) < 0)
			return r;
		/* A checkpoint of the conversation: its messages were each
		 * appended on their own line before (same ids, same tokens),
		 * unless this is where they were written first (a session
		 * carried over whole): either way each counts once, by id. */
		int msgs = js_get(d, set, "messages");
		if (js_typeof(d, msgs) != JS_ARRAY)
			return 0;
		for (uint32_t m = (uint32_t)msgs + 1; m < d->toks[msgs].next; m = d->toks[m].next) {
			au_err merr;
			if (js_typeof(d, (int)m) == JS_OBJECT && gemini_message(st, d, (int)m, -1, &ev, &merr) == 1 &&
			    (r = emit(ctx, &ev)) < 0)
				return au_fail(err, -r, "stopped by the caller");
		}
		return 0;
	}
	if (js_typeof(d, js_get(d, 0, "id")) == JS_STRING) {
		r = gemini_message(st, d, 0, -1, &ev, err);
		if (r == 1 && (r = emit(ctx, &ev)) < 0)
			return au_fail(err, -r, "stopped by the caller");
		return r < 0 ? r : 0;
	}
	if (js_typeof(d, js_get(d, 0, "sessionId")) == JS_STRING)
		return take_metadata(st, d, 0, err); /* the header line */
	return 0;
}

static char *gemini_save(const void *vs)
{
	const gemini_state *st = vs;
	json_t *o = json_pack("{s:s,s:s,s:s}", "session", st->session, "cwd", st->cwd, "model", st->model);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static int gemini_load(void *vs, const char *text, au_err *err)
{
	gemini_state *st = vs;
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	const char *session, *cwd, *model;
	memset(st, 0, sizeof(*st));
	if (!o || json_unpack(o, "{s:s,s:s,s:s}", "session", &session, "cwd", &cwd, "model", &model) != 0 ||
	    !ju_copy(st->session, sizeof(st->session), session) || !ju_copy(st->cwd, sizeof(st->cwd), cwd) ||
	    !ju_copy(st->model, sizeof(st->model), model)) {
		json_decref(o);
		return au_fail(err, EINVAL, "unreadable saved gemini state");
	}
	json_decref(o);
	return 0;
}

/* ---- the legacy whole-file JSON (Gemini CLI < 0.40) -------------------- */

static bool blank(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] != ' ' && data[i] != '\n' && data[i] != '\r' && data[i] != '\t')
			return false;
	return true;
}

static int64_t doc_time(const js_doc *d, const char *key)
{
	char ts[64];
	int64_t ms;
	int t = js_get(d, 0, key);
	int n = js_typeof(d, t) == JS_STRING ? js_str(d, t, ts, sizeof(ts)) : -1;
	return n >= 0 && au_parse_iso8601_ms(ts, (size_t)n, &ms) == 0 ? ms : -1;
}

static int gemini_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	gemini_state *st = vs;
	/* an empty file is one caught between truncation and its rewrite */
	if (blank(data, len))
		return 0;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, data, len, err);
	if (r < 0)
		return r;
	if (js_typeof(d, 0) != JS_OBJECT)
		return au_fail(err, EINVAL, "not a Gemini CLI session (the root is not an object)");
	if ((r = take_metadata(st, d, 0, err)) < 0)
		return r;
	int msgs = js_get(d, 0, "messages");
	if (js_typeof(d, msgs) != JS_ARRAY)
		return 0;
	int64_t fallback = doc_time(d, "lastUpdated");
	if (fallback < 0)
		fallback = doc_time(d, "startTime");
	au_event ev;
	/*
	 * A malformed message is left out and the others still count: the
	 * emit callback has no way to name one record, and failing the whole
	 * document would drop every good response in it.
	 */
	for (uint32_t m = (uint32_t)msgs + 1; m < d->toks[msgs].next; m = d->toks[m].next) {
		if (js_typeof(d, (int)m) != JS_OBJECT)
			continue;
		au_err merr;
		if (gemini_message(st, d, (int)m, fallback, &ev, &merr) == 1 && (r = emit(ctx, &ev)) < 0)
			return au_fail(err, -r, "stopped by the caller");
	}
	return 0;
}

const au_parser_ops au_parser_gemini = {
	.name = "gemini",
	.source = AU_SRC_GEMINI,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(gemini_state),
	.init = gemini_init,
	.candidate = gemini_candidate,
	.parse_line_emit = gemini_parse_line,
	.save = gemini_save,
	.load = gemini_load,
};

const au_parser_ops au_parser_gemini_json = {
	.name = "gemini-json",
	.source = AU_SRC_GEMINI,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(gemini_state),
	.init = gemini_init,
	.parse_file = gemini_parse_file,
};
