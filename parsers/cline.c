/*
 * Cline and its forks Roo Code and Kilo Code (VS Code extensions): one task
 * per folder, <globalStorage>/<extension id>/tasks/<task id>/, whose
 * ui_messages.json (a JSON array of ClineMessage, rewritten whole on every
 * change) holds one say:"api_req_started" message per API request. Its
 * `text` is a JSON string of ClineApiReqInfo, written first with only the
 * request and filled in place (same `ts`) with tokensIn, tokensOut,
 * cacheWrites, cacheReads and cost once the response has streamed.
 *
 * Where each field's meaning comes from (read in the tools' own sources):
 * - ClineApiReqInfo, ClineMessage (ts in ms, type, say, text, modelInfo
 *   {modelId, providerId}): cline/cline src/shared/ExtensionMessage.ts,
 *   src/shared/messages/; the same interface in RooCodeInc/Roo-Code and
 *   Kilo-Org/kilocode adds apiProtocol "anthropic" | "openai" (Kilo also
 *   usageMissing).
 * - tokensIn: Roo's getApiMetrics (src/shared/getApiMetrics.ts) sums the
 *   context as tokensIn + cacheWrites + cacheReads for "anthropic" and as
 *   tokensIn alone for "openai": with "openai" the cached tokens are inside
 *   tokensIn, with "anthropic" (and in Cline, which writes no apiProtocol)
 *   they are not.
 * - the model: Cline 3.x stamps modelInfo.modelId on the message; Roo and
 *   Kilo do not, but every request's environment details carry
 *   `<model>${modelId}</model>` (Roo src/core/environment/
 *   getEnvironmentDetails.ts), which the request text repeats.
 * Cross-checked, not copied: tokscale (junhoyeo/tokscale, sessions/
 * roocode.rs, cline.rs) reads the same messages.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "jsonscan.h"
#include "parser.h"

typedef struct cline_state {
	char session[AU_ID_MAX]; /* the task id: the folder ui_messages.json sits in */
	char model[AU_MODEL_MAX]; /* the last model named in the document */
	char cwd[AU_PATH_MAX];    /* the last working directory named */
} cline_state;

static void cline_init(void *vs, const char *path)
{
	cline_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return;
	const char *dir = slash;
	while (dir > path && dir[-1] != '/')
		dir--;
	size_t n = (size_t)(slash - dir);
	if (n > 0 && n < sizeof(st->session))
		memcpy(st->session, dir, n);
}

/* A count: absent or null is 0; else a non-negative number in range (the
 * extensions write JavaScript numbers, so a real is cut to a whole one). */
static bool count(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	int t = js_get(d, obj, key);
	*ret = 0;
	if (t < 0 || js_typeof(d, t) == JS_NULL)
		return true;
	if (js_typeof(d, t) == JS_INTEGER)
		return js_int(d, t, ret) && *ret >= 0 && *ret <= AU_TOKENS_MAX;
	double v;
	if (js_typeof(d, t) != JS_REAL || !js_real(d, t, &v) || v < 0 || v > (double)AU_TOKENS_MAX)
		return false;
	*ret = (int64_t)v;
	return true;
}

/* The text between open and close after the last open in s[0..n), copied
 * into dst when it is non-empty, fits and holds no newline. */
static void last_tag(const char *s, size_t n, const char *open, const char *close, char *dst, size_t cap)
{
	size_t on = strlen(open), cn = strlen(close);
	const char *found = NULL;
	for (const char *p = s; p < s + n; p++) {
		p = au_memmem(p, (size_t)(s + n - p), open, on);
		if (!p)
			break;
		found = p;
	}
	if (!found)
		return;
	const char *v = found + on;
	const char *e = au_memmem(v, (size_t)(s + n - v), close, cn);
	if (!e || e == v || (size_t)(e - v) >= cap || memchr(v, '\n', (size_t)(e - v)))
		return;
	memset(dst, 0, cap);
	memcpy(dst, v, (size_t)(e - v));
}

/*
 * What the request text says of the model and the folder: Roo and Kilo's
 * environment details (`<model>`, "# Current Workspace Directory (<path>)
 * Files"), Cline's ("# Current Working Directory (<path>) Files"). Later
 * requests repeat them only when they change, so they carry forward.
 */
static void take_request(cline_state *st, const char *req, size_t n)
{
	last_tag(req, n, "<model>", "</model>", st->model, sizeof(st->model));
	last_tag(req, n, "# Current Workspace Directory (", ") Files", st->cwd, sizeof(st->cwd));
	last_tag(req, n, "# Current Working Directory (", ") Files", st->cwd, sizeof(st->cwd));
}

/*
 * One message of the array. 1 with *ev filled for a finished request, 0
 * for anything else (other messages; a request still streaming, or one
 * that failed before any usage came back), negative for a malformed one.
 */
static int cline_message(cline_state *st, au_source src, const js_doc *d, int msg, js_doc *inner, au_event *ev,
			 au_err *err)
{
	if (!js_str_eq(d, js_get(d, msg, "type"), "say"))
		return 0;
	int say = js_get(d, msg, "say");
	/*
	 * deleted_api_reqs sums the requests a checkpoint restore or a
	 * message deletion removed from the array: each was read (and is
	 * kept) under its own key before, so the sum is not counted again.
	 */
	bool sub = js_str_eq(d, say, "subagent_usage");
	if (!sub && !js_str_eq(d, say, "api_req_started"))
		return 0;
	int64_t ts;
	if (!js_int(d, js_get(d, msg, "ts"), &ts) || ts <= 0 || ts > INT64_C(253402300799999))
		return au_fail(err, EINVAL, "request message without a ts in milliseconds");
	int mi = js_get_obj(d, msg, "modelInfo");
	char model[AU_MODEL_MAX];
	int mt = js_get(d, mi, "modelId");
	if (js_typeof(d, mt) == JS_STRING) {
		int n = js_str(d, mt, model, sizeof(model));
		if (n < 0)
			return au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
		if (n > 0) {
			memset(st->model, 0, sizeof(st->model));
			memcpy(st->model, model, (size_t)n);
		}
	}
	int tt = js_get(d, msg, "text");
	if (js_typeof(d, tt) != JS_STRING)
		return 0;
	/* the text is JSON in a JSON string: unescaped it is never longer */
	size_t cap = d->toks[tt].end - d->toks[tt].start + 1;
	char *text = malloc(cap);
	if (!text)
		return au_fail(err, ENOMEM, "out of memory");
	int tn = js_str(d, tt, text, cap);
	int r = tn < 0 ? au_fail(err, EINVAL, "unreadable request text") : js_parse(inner, text, (size_t)tn, err);
	if (r < 0 || js_typeof(inner, 0) != JS_OBJECT) {
		free(text);
		return r < 0 ? r : au_fail(err, EINVAL, "request text is not a JSON object");
	}
	int req = js_get(inner, 0, "request");
	if (js_typeof(inner, req) == JS_STRING) {
		size_t rn = inner->toks[req].end - inner->toks[req].start;
		/* the environment details are plain text: looking at the raw
		 * (escaped) bytes finds the same tags without a copy */
		take_request(st, inner->src + inner->toks[req].start, rn);
	}
	int64_t in, out, cw, cr;
	if (!count(inner, 0, "tokensIn", &in) || !count(inner, 0, "tokensOut", &out) ||
	    !count(inner, 0, "cacheWrites", &cw) || !count(inner, 0, "cacheReads", &cr)) {
		free(text);
		return au_fail(err, EINVAL, "token count not a whole number in range");
	}
	bool openai = js_str_eq(inner, js_get(inner, 0, "apiProtocol"), "openai");
	int ct = js_get(inner, 0, "cost");
	double usd = -1;
	if (js_typeof(inner, ct) == JS_INTEGER || js_typeof(inner, ct) == JS_REAL) {
		char buf[64];
		size_t n = inner->toks[ct].end - inner->toks[ct].start;
		if (n < sizeof(buf)) {
			memcpy(buf, inner->src + inner->toks[ct].start, n);
			buf[n] = '\0';
			usd = strtod(buf, NULL);
		}
	}
	free(text);
	if (in == 0 && out == 0 && cw == 0 && cr == 0)
		return 0; /* still streaming, or nothing came back */

	memset(ev, 0, sizeof(*ev));
	ev->source = src;
	ev->dedup = AU_DEDUP_LATEST;
	ev->ts_ms = ts;
	/* the ts is the request's identity within its task: the filled-in
	 * copy and every rewrite of the array keep it */
	snprintf(ev->key, sizeof(ev->key), "%s:%.180s|%s%lld", au_source_name(src), st->session, sub ? "s" : "",
		 (long long)ts);
	memcpy(ev->session, st->session, sizeof(ev->session));
	memcpy(ev->cwd, st->cwd, sizeof(ev->cwd));
	if (st->model[0]) {
		memcpy(ev->model, st->model, sizeof(ev->model));
	} else {
		strcpy(ev->model, "unknown");
		ev->model_fallback = true;
	}
	/* "openai": the cache reads and writes are a part of tokensIn */
	int64_t cached = openai ? cr + cw : 0;
	ev->tok.input = in > cached ? in - cached : 0;
	ev->tok.cache_read = cr;
	ev->tok.cache_create_5m = cw; /* no TTL recorded: Anthropic's default 5 minutes */
	ev->tok.output = out;
	if (isfinite(usd) && usd >= 0 && usd < 1e6) {
		ev->has_tool_cost = true;
		ev->tool_cost = (int64_t)llround(usd * 1e12);
	}
	return 1;
}

static int parse_doc(au_source src, void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	cline_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse_document(d, data, len, err);
	if (r <= 0)
		return r; /* 0: caught between truncation and the rewrite */
	if (js_typeof(d, 0) != JS_ARRAY)
		return au_fail(err, EINVAL, "not a task's messages (the root is not an array)");
	js_doc inner;
	js_doc_init(&inner);
	au_event ev;
	r = 0;
	/*
	 * A malformed message is left out and the others still count: one
	 * bad record must not drop a whole task's requests.
	 */
	for (uint32_t m = 1; m < d->toks[0].next; m = d->toks[m].next) {
		if (js_typeof(d, (int)m) != JS_OBJECT)
			continue;
		au_err merr;
		memset(&merr, 0, sizeof(merr));
		if (cline_message(st, src, d, (int)m, &inner, &ev, &merr) == 1 && (r = emit(ctx, &ev)) < 0) {
			r = au_fail(err, -r, "stopped by the caller");
			break;
		}
		r = 0;
	}
	js_doc_release(&inner);
	return r;
}

static int cline_parse(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	return parse_doc(AU_SRC_CLINE, vs, data, len, emit, ctx, err);
}

static int roo_parse(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	return parse_doc(AU_SRC_ROO, vs, data, len, emit, ctx, err);
}

static int kilo_parse(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	return parse_doc(AU_SRC_KILO, vs, data, len, emit, ctx, err);
}

const au_parser_ops au_parser_cline = {
	.name = "cline",
	.source = AU_SRC_CLINE,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(cline_state),
	.init = cline_init,
	.parse_file = cline_parse,
};

const au_parser_ops au_parser_roo = {
	.name = "roo",
	.source = AU_SRC_ROO,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(cline_state),
	.init = cline_init,
	.parse_file = roo_parse,
};

const au_parser_ops au_parser_kilo = {
	.name = "kilo",
	.source = AU_SRC_KILO,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(cline_state),
	.init = cline_init,
	.parse_file = kilo_parse,
};
