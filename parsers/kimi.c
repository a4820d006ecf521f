/*
 * Kimi CLI (MoonshotAI/kimi-cli): one wire.jsonl per session under
 * ~/.kimi/sessions/<hash of the work dir>/<session id>/, append-only. The
 * first line is {"type":"metadata","protocol_version":...}; every other is
 * a WireMessageRecord {"timestamp": <unix seconds, float>, "message":
 * {"type": <event class name>, "payload": {...}}} (src/kimi_cli/wire/
 * file.py). A "StatusUpdate" payload's token_usage is the usage of the
 * step that just ended and message_id names that step (wire/types.py); its
 * fields are kosong's TokenUsage: input_other (input that was not read
 * from the cache), output, input_cache_read, input_cache_creation. A
 * "SubagentEvent" wraps a subagent's own events, StatusUpdate included,
 * in payload.event ({type, payload}): those are requests of their own.
 * The wire names no model (the session's model is the config's), so the
 * model is "unknown" unless a payload says one.
 * Cross-checked, not copied: tokscale (junhoyeo/tokscale, sessions/kimi.rs).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "jsonscan.h"
#include "json_count.h"
#include "parser.h"

typedef struct kimi_state {
	char session[AU_ID_MAX]; /* the folder wire.jsonl sits in */
} kimi_state;

static void kimi_init(void *vs, const char *path)
{
	kimi_state *st = vs;
	memset(st, 0, sizeof(*st));
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (!slash)
		return;
	const char *dir = slash;
	while (dir > path && dir[-1] != '/')
		dir--;
	size_t n = (size_t)(slash - dir);
	if (n > 0 && n < sizeof(st->session))
		memcpy(st->session, dir, n);
}

static bool kimi_candidate(const char *line, size_t len)
{
	return au_memmem(line, len, "\"token_usage\"", 13) != NULL;
}

/* Seconds since the epoch (a JSON number, usually with a fraction) in ms. */
static bool seconds_ms(const js_doc *d, int t, int64_t *ret)
{
	double v;
	if (!js_real(d, t, &v) || v <= 0 || v > 253402300799.0)
		return false;
	*ret = (int64_t)llround(v * 1000.0);
	return true;
}

static int kimi_parse_line(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	kimi_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	int msg = js_get_obj(d, 0, "message");
	int type = js_get(d, msg, "type");
	int payload = js_get_obj(d, msg, "payload");
	bool sub = false;
	if (js_str_eq(d, type, "SubagentEvent")) {
		int inner = js_get_obj(d, payload, "event");
		type = js_get(d, inner, "type");
		payload = js_get_obj(d, inner, "payload");
		sub = true;
	}
	if (!js_str_eq(d, type, "StatusUpdate"))
		return 0;
	int usage = js_get_obj(d, payload, "token_usage");
	if (usage < 0)
		return 0; /* a context or plan-mode update: no step ended */
	int64_t in, out, cr, cw;
	if (!au_js_count(d, usage, "input_other", &in) || !au_js_count(d, usage, "output", &out) ||
	    !au_js_count(d, usage, "input_cache_read", &cr) || !au_js_count(d, usage, "input_cache_creation", &cw))
		return au_fail(err, EINVAL, "token count not a whole number in range");
	if (in == 0 && out == 0 && cr == 0 && cw == 0)
		return 0;
	memset(ev, 0, sizeof(*ev));
	if (!seconds_ms(d, js_get(d, 0, "timestamp"), &ev->ts_ms))
		return au_fail(err, EINVAL, "record without a timestamp in seconds");
	int n = js_get_id(d, payload, "message_id", ev->msg_id, sizeof(ev->msg_id));
	if (n == -EILSEQ)
		return au_fail(err, EINVAL, "message_id " AU_ID_NUL_MSG);
	/* A step's id is unique in its session; a record without one can only
	 * be told apart by its place in the file (an empty key). */
	if (n > 0)
		snprintf(ev->key, sizeof(ev->key), "k:%.46s|%s%s", st->session, sub ? "sub:" : "", ev->msg_id);
	ev->source = AU_SRC_KIMI;
	ev->dedup = AU_DEDUP_LATEST;
	memcpy(ev->session, st->session, sizeof(ev->session));
	int mt = js_get(d, payload, "model");
	if (js_typeof(d, mt) != JS_STRING || js_str(d, mt, ev->model, sizeof(ev->model)) <= 0) {
		strcpy(ev->model, "unknown");
		ev->model_fallback = true;
	}
	ev->tok.input = in;
	ev->tok.cache_read = cr;
	ev->tok.cache_create_5m = cw;
	ev->tok.output = out;
	return 1;
}

const au_parser_ops au_parser_kimi = {
	.name = "kimi",
	.source = AU_SRC_KIMI,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(kimi_state),
	.init = kimi_init,
	.candidate = kimi_candidate,
	.parse_line = kimi_parse_line,
};
