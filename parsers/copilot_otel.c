/*
 * GitHub Copilot's OpenTelemetry file export (the .jsonl files below
 * ~/.copilot/otel/ and the file $COPILOT_OTEL_FILE_EXPORTER_PATH names): append-only JSONL of
 * spans ({"type":"span","traceId","spanId","name","endTime":[s,ns],
 * "attributes":{...}}), log records ({"hrTime":[s,ns],"attributes":
 * {"event.name":...}}, with traceId/spanId or spanContext) and metrics
 * (ignored). Attributes are an object, or OTLP's [{"key","value":
 * {"intValue"|"stringValue"|...}}] list; counts are numbers or numeric
 * strings. Counting rules: shared/docs/formats.md, "Copilot via
 * OpenTelemetry" (3c) and the unified field table.
 *
 * One request can be described by several records. By priority: the chat
 * span, the inference log (gen_ai.client.inference.operation.details),
 * the agent-turn log (copilot_chat.agent.turn), the agent summary span
 * (invoke_agent, the sum of its chat calls). A record counts unless a
 * record of higher priority (counted or not) shares its trace id or its
 * gen_ai.response.id. The records arrive line by line, over several
 * scans and in any order, so the parser remembers which kinds each id has
 * had, and which lower-priority events it emitted that a later record may
 * withdraw: a record of higher priority withdraws them (au_event.retract)
 * and then counts; one of lower priority than an id already had counts
 * nothing. Either way the result is the one a read of the whole file in
 * any order gives.
 *
 * Memory is bounded (the state is saved with the file's cursor): the ids
 * of the last 2048 to 4096 traces and responses, and up to 512 emitted
 * events that could still be withdrawn (the oldest quarter is forgotten
 * when full). A record whose counterpart arrives after that many others
 * is counted as if alone. Keys start with "cpo:": src/store.c's triggers
 * then let a session these records describe count from them alone, in
 * place of its session-log totals (same session id).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
#include "parser.h"

/* Record kinds, by priority: a lower number wins. */
enum { K_CHAT = 0, K_INFER = 1, K_TURN = 2, K_AGENT = 3, K_NONE = 4 };

static const char *const kind_tag[] = {"", "log", "turn", "agent"};

#define GEN_IDS 2048   /* ids per generation; two generations */
#define GEN_SLOTS 4096 /* open addressing, at most half full */
#define PENDING 512    /* withdrawable events remembered */
#define LOW 15u        /* low 4 bits of a stored hash: the kinds seen, or the kind */

/*
 * Trace and response ids, hashed (64-bit FNV-1a of "t" or "r" and the id),
 * with the low 4 bits replaced by the set of kinds seen for that id. New
 * ids go to the current generation; when it is full the other one is
 * emptied and becomes current, so the last GEN_IDS..2*GEN_IDS ids stay.
 */
typedef struct otel_gen {
	uint32_t n;
	uint32_t pad;
	uint64_t ids[GEN_IDS];     /* in insertion order */
	uint16_t slot[GEN_SLOTS];  /* index + 1 into ids, 0: empty */
} otel_gen;

/* An emitted event a record of higher priority may withdraw. No padding:
 * the state is compared byte for byte (tests/fuzz/parser_driver.h). */
typedef struct otel_pend {
	uint64_t key;   /* the key's hash, low 4 bits: its kind */
	uint64_t trace; /* id hashes with the low 4 bits clear, 0: none */
	uint64_t resp;
} otel_pend;

typedef struct otel_state {
	uint32_t cur; /* the current generation */
	uint32_t npend;
	otel_gen gen[2];
	otel_pend pend[PENDING]; /* oldest first */
} otel_state;

static void otel_init(void *vs, const char *path)
{
	memset(vs, 0, sizeof(otel_state));
}

static bool otel_candidate(const char *line, size_t len)
{
	return au_memmem(line, len, "gen_ai.usage", 12) != NULL;
}

/* ---- the id table -------------------------------------------------------- */

static uint64_t id_hash(char tag, const char *id)
{
	char buf[AU_ID_MAX + 1];
	size_t n = strlen(id);
	buf[0] = tag;
	memcpy(buf + 1, id, n);
	uint64_t h = au_hash64(buf, n + 1) & ~(uint64_t)LOW;
	return h ? h : LOW + 1; /* 0 means "no id" */
}

/* The stored entry of hash h (low bits clear) in g, or NULL. */
static uint64_t *gen_find(otel_gen *g, uint64_t h)
{
	for (uint32_t i = (uint32_t)(h >> 4) & (GEN_SLOTS - 1);; i = (i + 1) & (GEN_SLOTS - 1)) {
		uint16_t s = g->slot[i];
		if (!s)
			return NULL;
		if ((g->ids[s - 1] & ~(uint64_t)LOW) == h)
			return &g->ids[s - 1];
	}
}

static void gen_add(otel_gen *g, uint64_t entry)
{
	uint32_t i = (uint32_t)(entry >> 4) & (GEN_SLOTS - 1);
	while (g->slot[i])
		i = (i + 1) & (GEN_SLOTS - 1);
	g->ids[g->n] = entry;
	g->slot[i] = (uint16_t)(++g->n);
}

static uint64_t *id_find(otel_state *st, uint64_t h)
{
	uint64_t *e = gen_find(&st->gen[st->cur], h);
	return e ? e : gen_find(&st->gen[st->cur ^ 1], h);
}

/* The kinds seen for id hash h (0 when none or h is 0). */
static unsigned id_kinds(otel_state *st, uint64_t h)
{
	uint64_t *e = h ? id_find(st, h) : NULL;
	return e ? (unsigned)(*e & LOW) : 0;
}

static void id_mark(otel_state *st, uint64_t h, int kind)
{
	if (!h)
		return;
	uint64_t *e = id_find(st, h);
	if (e) {
		*e |= 1u << kind;
		return;
	}
	otel_gen *g = &st->gen[st->cur];
	if (g->n >= GEN_IDS) {
		st->cur ^= 1;
		g = &st->gen[st->cur];
		g->n = 0;
		memset(g->slot, 0, sizeof(g->slot));
	}
	gen_add(g, h | (1u << kind));
}

/* ---- attributes ------------------------------------------------------------ */

typedef struct attrs {
	const js_doc *d;
	int tok;   /* the attributes object or list, -1 for none */
	bool list; /* OTLP's [{"key":..,"value":{..}}] */
} attrs;

/* The value token of attribute name (the last one when repeated), or -1. */
static int attr(const attrs *a, const char *name)
{
	const js_doc *d = a->d;
	if (a->tok < 0)
		return -1;
	if (!a->list)
		return js_get(d, a->tok, name);
	int found = -1;
	for (uint32_t e = (uint32_t)a->tok + 1; e < d->toks[a->tok].next; e = d->toks[e].next) {
		if (js_typeof(d, (int)e) != JS_OBJECT || !js_str_eq(d, js_get(d, (int)e, "key"), name))
			continue;
		int v = js_get(d, (int)e, "value");
		if (js_typeof(d, v) == JS_OBJECT) {
			static const char *const typed[] = {"stringValue", "intValue", "doubleValue", "boolValue"};
			int t = -1;
			for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]) && t < 0; i++)
				t = js_get(d, v, typed[i]);
			v = t;
		}
		found = v;
	}
	return found;
}

/* String token t into buf: its length, 0 when t is absent, empty or not a
 * string, -1 when longer than cap - 1, NUL_INSIDE when it holds a NUL
 * (\u0000: an id cut short there would merge with another). */
#define NUL_INSIDE (-2)
static int str_tok(const js_doc *d, int t, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (js_typeof(d, t) != JS_STRING)
		return 0;
	int n = js_id(d, t, buf, cap);
	if (n < 0) {
		buf[0] = '\0';
		return n == -EILSEQ ? NUL_INSIDE : -1;
	}
	return n;
}

static int attr_str(const attrs *a, const char *name, char *buf, size_t cap)
{
	return str_tok(a->d, attr(a, name), buf, cap);
}

/* A token count: 1 read, 0 absent or null, -1 not a whole number in
 * [0, AU_TOKENS_MAX]. Numbers and numeric strings both. */
static int attr_count(const attrs *a, const char *name, int64_t *ret)
{
	const js_doc *d = a->d;
	int t = attr(a, name);
	*ret = 0;
	if (t < 0 || js_typeof(d, t) == JS_NULL)
		return 0;
	int64_t v;
	char buf[32];
	if (js_typeof(d, t) == JS_INTEGER) {
		if (!js_int(d, t, &v))
			return -1;
	} else if (js_typeof(d, t) == JS_STRING) {
		if (js_str(d, t, buf, sizeof(buf)) <= 0 || !au_parse_int64(buf, &v))
			return -1;
	} else {
		return -1;
	}
	if (v < 0 || v > AU_TOKENS_MAX)
		return -1;
	*ret = v;
	return 1;
}

/* The first of two alternative names that is non-zero. */
static int attr_count2(const attrs *a, const char *n1, const char *n2, int64_t *ret)
{
	int r = attr_count(a, n1, ret);
	if (r < 0 || *ret > 0)
		return r;
	return attr_count(a, n2, ret);
}

/* ---- the record ----------------------------------------------------------- */

/* A string member of the record, or of its "spanContext", as str_tok. */
static int ctx_id(const js_doc *d, const char *key, char *buf, size_t cap)
{
	int t = js_get(d, 0, key);
	if (js_typeof(d, t) != JS_STRING)
		t = js_get(d, js_get_obj(d, 0, "spanContext"), key);
	return str_tok(d, t, buf, cap);
}

/* Latest time accepted: 10000-01-01. */
#define MS_MAX INT64_C(253402300800000)

/*
 * A time: [seconds, nanoseconds] (OTel's HrTime), an RFC 3339 string, or
 * a number (or numeric string) of milliseconds since the epoch (one past
 * year 5000 is taken as micro-, then nanoseconds, as some exporters
 * write). 1 read, 0 absent, -1 malformed.
 */
static int read_time(const js_doc *d, int t, int64_t *ret)
{
	int64_t v;
	switch ((int)js_typeof(d, t)) {
	case 0:
	case JS_NULL:
		return 0;
	case JS_ARRAY: {
		int64_t s, ns;
		int a = t + 1, b = a < (int)d->toks[t].next ? (int)d->toks[a].next : -1;
		if (b < 0 || b >= (int)d->toks[t].next || (int)d->toks[b].next != (int)d->toks[t].next ||
		    !js_int(d, a, &s) || !js_int(d, b, &ns) || s < 0 || s >= MS_MAX / 1000 || ns < 0 ||
		    ns >= 1000000000)
			return -1;
		*ret = s * 1000 + ns / 1000000;
		return 1;
	}
	case JS_STRING: {
		char buf[64];
		int n = js_str(d, t, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (au_parse_int64(buf, &v))
			break;
		return au_parse_iso8601_ms(buf, (size_t)n, ret) == 0 ? 1 : -1;
	}
	case JS_INTEGER:
		if (!js_int(d, t, &v))
			return -1;
		break;
	default:
		return -1;
	}
	if (v >= INT64_C(100000000000000000))
		v /= 1000000; /* nanoseconds */
	else if (v >= INT64_C(100000000000000))
		v /= 1000; /* microseconds */
	if (v < 0 || v >= MS_MAX)
		return -1;
	*ret = v;
	return 1;
}

/* Whether the record is a span: "type":"span", or with no "type" a name
 * and a span's own fields. */
static bool is_span(const js_doc *d)
{
	int type = js_get(d, 0, "type");
	if (js_typeof(d, type) == JS_STRING)
		return js_str_eq(d, type, "span");
	return js_typeof(d, js_get(d, 0, "name")) == JS_STRING &&
	       (js_get(d, 0, "endTime") >= 0 || js_get(d, 0, "startTime") >= 0 || js_get(d, 0, "duration") >= 0 ||
		js_get(d, 0, "kind") >= 0);
}

/*
 * The record's kind (K_NONE: not a usage record); name gets a span's name
 * ("" when it has none or it is too long).
 */
static int record_kind(const js_doc *d, const attrs *a, char *name, size_t cap)
{
	char op[32];
	name[0] = '\0';
	bool has_op = attr_str(a, "gen_ai.operation.name", op, sizeof(op)) > 0;
	if (is_span(d)) {
		str_tok(d, js_get(d, 0, "name"), name, cap);
		if ((has_op && strcmp(op, "chat") == 0) || strncmp(name, "chat ", 5) == 0)
			return K_CHAT;
		if ((has_op && strcmp(op, "invoke_agent") == 0) || strncmp(name, "invoke_agent ", 13) == 0)
			return K_AGENT;
		return K_NONE;
	}
	char ev[64];
	if (attr_str(a, "event.name", ev, sizeof(ev)) <= 0)
		return K_NONE;
	if (strcmp(ev, "gen_ai.client.inference.operation.details") == 0)
		return K_INFER;
	if (strcmp(ev, "copilot_chat.agent.turn") == 0)
		return K_TURN;
	return K_NONE;
}

static void hex_key(char *key, int kind, uint64_t h)
{
	snprintf(key, AU_KEY_MAX, "cpo:%s#%016llx", kind_tag[kind], (unsigned long long)(h & ~(uint64_t)LOW));
}

/* Hash of the parts, each followed by a NUL (so that "ab","c" != "a","bc"). */
static uint64_t parts_hash(const char *a, const char *b, const char *c, size_t clen)
{
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	char *buf = xmalloc(la + lb + clen);
	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	memcpy(buf + la + lb, c, clen);
	uint64_t h = au_hash64(buf, la + lb + clen);
	free(buf);
	return h;
}

/* Remembers an emitted event that may be withdrawn later. */
static void pend_add(otel_state *st, uint64_t key, uint64_t trace, uint64_t resp)
{
	if (!trace && !resp)
		return; /* nothing can ever match it */
	for (uint32_t i = 0; i < st->npend; i++)
		if (st->pend[i].key == key)
			return; /* the same record again */
	if (st->npend == PENDING) {
		/* forget the oldest quarter at once: amortised, not a move per record */
		memmove(st->pend, st->pend + PENDING / 4, (PENDING - PENDING / 4) * sizeof(st->pend[0]));
		st->npend -= PENDING / 4;
	}
	st->pend[st->npend++] = (otel_pend){key, trace, resp};
}

/* Withdraws the remembered events below kind that share trace or resp. */
static int withdraw(otel_state *st, int kind, uint64_t trace, uint64_t resp, au_event *ev, au_emit_fn emit,
		    void *ctx, au_err *err)
{
	uint32_t keep = 0;
	int r = 0;
	for (uint32_t i = 0; i < st->npend; i++) {
		otel_pend p = st->pend[i];
		int pk = (int)(p.key & LOW);
		if (r == 0 && pk > kind && ((trace && p.trace == trace) || (resp && p.resp == resp))) {
			hex_key(ev->key, pk, p.key);
			ev->retract = true;
			if ((r = emit(ctx, ev)) < 0)
				r = au_fail(err, -r, "stopped by the caller");
			continue;
		}
		st->pend[keep++] = p;
	}
	st->npend = keep;
	return r;
}

static int otel_parse_line_emit(void *vs, const char *line, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	otel_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	if (js_typeof(d, 0) != JS_OBJECT)
		return 0;
	int at = js_get(d, 0, "attributes");
	attrs a = {d, -1, false};
	if (js_typeof(d, at) == JS_OBJECT)
		a.tok = at;
	else if (js_typeof(d, at) == JS_ARRAY)
		a = (attrs){d, at, true};
	else
		return 0;

	char name[AU_MODEL_MAX + 16];
	int kind = record_kind(d, &a, name, sizeof(name));
	if (kind == K_NONE)
		return 0; /* metrics, tool spans, other events */

	int64_t in, out, cr, cw, rs;
	if (attr_count(&a, "gen_ai.usage.input_tokens", &in) < 0 ||
	    attr_count(&a, "gen_ai.usage.output_tokens", &out) < 0 ||
	    attr_count(&a, "gen_ai.usage.cache_read.input_tokens", &cr) < 0 ||
	    attr_count2(&a, "gen_ai.usage.cache_write.input_tokens", "gen_ai.usage.cache_creation.input_tokens",
			&cw) < 0 ||
	    attr_count2(&a, "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens", &rs) < 0)
		return au_fail(err, EINVAL, "gen_ai.usage count not a whole number in range");
	/* an all-zero record (a failed request) is no request, and hides nothing */
	if (!in && !out && !cr && !cw && !rs)
		return 0;

	au_event ev;
	memset(&ev, 0, sizeof(ev));
	static const char *const time_keys[] = {"endTime", "hrTime", "timestamp", "startTime"};
	int tr = 0;
	for (size_t i = 0; i < sizeof(time_keys) / sizeof(time_keys[0]) && tr == 0; i++)
		tr = read_time(d, js_get(d, 0, time_keys[i]), &ev.ts_ms);
	if (tr <= 0)
		return au_fail(err, EINVAL, "usage record with a missing or bad time");

	char trace[AU_ID_MAX], span[AU_ID_MAX], resp[AU_ID_MAX];
	int lt = ctx_id(d, "traceId", trace, sizeof(trace));
	int ls = ctx_id(d, "spanId", span, sizeof(span));
	if (ls == 0 && (kind == K_CHAT || kind == K_AGENT))
		ls = ctx_id(d, "id", span, sizeof(span)); /* the console span exporter's name for it */
	int lr = attr_str(&a, "gen_ai.response.id", resp, sizeof(resp));
	if (lt == NUL_INSIDE || ls == NUL_INSIDE || lr == NUL_INSIDE)
		return au_fail(err, EINVAL, "trace, span or response id " AU_ID_NUL_MSG);
	if (lt < 0 || ls < 0 || lr < 0)
		return au_fail(err, EINVAL, "trace, span or response id longer than %d bytes", AU_ID_MAX - 1);

	/* the model: what answered, else what was asked for, else the chat span's name */
	int lm = attr_str(&a, "gen_ai.response.model", ev.model, sizeof(ev.model));
	if (lm == 0)
		lm = attr_str(&a, "gen_ai.request.model", ev.model, sizeof(ev.model));
	if (lm == 0 && kind == K_CHAT && strncmp(name, "chat ", 5) == 0 && name[5]) {
		if (!ju_copy(ev.model, sizeof(ev.model), name + 5))
			lm = -1;
		else
			lm = 1;
	}
	if (lm == NUL_INSIDE)
		return au_fail(err, EINVAL, "model name " AU_ID_NUL_MSG);
	if (lm < 0)
		return au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
	if (lm == 0) {
		strcpy(ev.model, "unknown");
		ev.model_fallback = true;
	}

	/* the session: VS Code's chat session id ("the definitive session
	 * identifier", microsoft/vscode-copilot-chat genAiAttributes.ts: the
	 * id its chat session log has, so that log's rows of the session are
	 * set aside; also what vscode_traces.c keys the same span by), else
	 * the conversation, else Copilot's own session ids, else the trace */
	static const char *const session_keys[] = {"copilot_chat.chat_session_id", "gen_ai.conversation.id",
						   "copilot_chat.session_id", "session.id"};
	int lsess = 0;
	for (size_t i = 0; i < sizeof(session_keys) / sizeof(session_keys[0]) && lsess == 0; i++)
		lsess = attr_str(&a, session_keys[i], ev.session, sizeof(ev.session));
	if (lsess == NUL_INSIDE)
		return au_fail(err, EINVAL, "session id " AU_ID_NUL_MSG);
	if (lsess < 0)
		return au_fail(err, EINVAL, "session id longer than %d bytes", AU_ID_MAX - 1);
	if (lsess == 0)
		memcpy(ev.session, trace, sizeof(trace));

	ev.source = AU_SRC_COPILOT;
	ev.dedup = AU_DEDUP_LATEST;
	/* input_tokens includes the cached input, read and written */
	ev.tok = au_tokens_from_inclusive(in, cr, cw, out, rs);

	/*
	 * Keys. A chat span is never withdrawn: "cpo:<trace>:<span>" (when
	 * the ids fit and the trace id has no ':'). The others must be
	 * rebuilt from what the state keeps: a hash, of the span's ids (a
	 * span), else of the line (a log record is written once, so its
	 * bytes name it; a copy in another file counts once).
	 */
	uint64_t kh;
	if (kind == K_CHAT && lt > 0 && ls > 0 && lt + ls + 6 <= AU_KEY_MAX && !strchr(trace, ':')) {
		char *k = ev.key;
		memcpy(k, "cpo:", 4);
		memcpy(k + 4, trace, (size_t)lt);
		k[4 + lt] = ':';
		memcpy(k + 5 + lt, span, (size_t)ls + 1);
		kh = 0;
	} else {
		if ((kind == K_CHAT || kind == K_AGENT) && lt > 0 && ls > 0)
			kh = parts_hash(kind_tag[kind], trace, span, strlen(span));
		else
			kh = parts_hash(kind_tag[kind], "", line, len);
		kh = (kh & ~(uint64_t)LOW) | (uint64_t)kind;
		hex_key(ev.key, kind, kh);
	}

	uint64_t th = lt > 0 ? id_hash('t', trace) : 0, rh = lr > 0 ? id_hash('r', resp) : 0;
	/* a record of higher priority for the same trace or response was
	 * seen: this one counts nothing (it still hides lower ones) */
	bool hidden = ((id_kinds(st, th) | id_kinds(st, rh)) & ((1u << kind) - 1)) != 0;
	if (kind < K_AGENT && st->npend > 0) {
		au_event rev = ev;
		memset(&rev.tok, 0, sizeof(rev.tok));
		if ((r = withdraw(st, kind, th, rh, &rev, emit, ctx, err)) < 0)
			return r;
	}
	id_mark(st, th, kind);
	id_mark(st, rh, kind);
	if (hidden)
		return 0;
	if (kind != K_CHAT)
		pend_add(st, kh, th, rh);
	if ((r = emit(ctx, &ev)) < 0)
		return au_fail(err, -r, "stopped by the caller");
	return 0;
}

/* ---- saved state -------------------------------------------------------------
 *
 * "cpo1;o=<ids>;c=<ids>;p=<pending>": the older and the current
 * generation's entries in insertion order, then the withdrawable events,
 * oldest first; each 64-bit value as 16 lowercase hex digits, no
 * separators (a pending event is three: key, trace, response).
 */

static void put_hex(au_buf *b, uint64_t v)
{
	au_buf_printf(b, "%016llx", (unsigned long long)v);
}

static char *otel_save(const void *vs)
{
	const otel_state *st = vs;
	au_buf b;
	au_buf_init(&b, 0);
	au_buf_puts(&b, "cpo1;o=");
	const otel_gen *old = &st->gen[st->cur ^ 1], *cur = &st->gen[st->cur];
	for (uint32_t i = 0; i < old->n; i++)
		put_hex(&b, old->ids[i]);
	au_buf_puts(&b, ";c=");
	for (uint32_t i = 0; i < cur->n; i++)
		put_hex(&b, cur->ids[i]);
	au_buf_puts(&b, ";p=");
	for (uint32_t i = 0; i < st->npend; i++) {
		put_hex(&b, st->pend[i].key);
		put_hex(&b, st->pend[i].trace);
		put_hex(&b, st->pend[i].resp);
	}
	return b.data ? b.data : xstrdup("");
}

/* 16 lowercase hex digits at s into *ret. */
static bool get_hex(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0)
			return false;
		v = v << 4 | (uint64_t)x;
	}
	*ret = v;
	return true;
}

/* The hex run after prefix at *s, up to the next ';' or the end. */
static const char *section(const char **s, const char *prefix, size_t *ret_len)
{
	size_t n = strlen(prefix);
	if (strncmp(*s, prefix, n) != 0)
		return NULL;
	const char *start = *s + n, *end = strchr(start, ';');
	if (!end)
		end = start + strlen(start);
	*ret_len = (size_t)(end - start);
	*s = end;
	return start;
}

static int load_ids(otel_state *st, otel_gen *g, const char *p, size_t n)
{
	if (n % 16 || n / 16 > GEN_IDS)
		return -1;
	for (size_t i = 0; i < n; i += 16) {
		uint64_t v;
		if (!get_hex(p + i, &v) || !(v & LOW) || !(v & ~(uint64_t)LOW) || id_find(st, v & ~(uint64_t)LOW))
			return -1;
		gen_add(g, v);
	}
	return 0;
}

static int otel_load(void *vs, const char *text, au_err *err)
{
	otel_state *st = vs;
	memset(st, 0, sizeof(*st));
	const char *s = text, *p;
	size_t n;
	if (strncmp(s, "cpo1;", 5) != 0)
		goto bad;
	s += 5;
	st->cur = 0;
	/* the older generation first (gen[1]), then the current one (gen[0]) */
	if (!(p = section(&s, "o=", &n)) || load_ids(st, &st->gen[1], p, n) < 0 || *s++ != ';')
		goto bad;
	if (!(p = section(&s, "c=", &n)) || load_ids(st, &st->gen[0], p, n) < 0 || *s++ != ';')
		goto bad;
	if (!(p = section(&s, "p=", &n)) || *s != '\0' || n % 48 || n / 48 > PENDING)
		goto bad;
	for (size_t i = 0; i < n; i += 48) {
		otel_pend e;
		if (!get_hex(p + i, &e.key) || !get_hex(p + i + 16, &e.trace) || !get_hex(p + i + 32, &e.resp))
			goto bad;
		unsigned k = (unsigned)(e.key & LOW);
		if (k < K_INFER || k > K_AGENT || (e.trace & LOW) || (e.resp & LOW) || (!e.trace && !e.resp))
			goto bad;
		for (uint32_t j = 0; j < st->npend; j++)
			if (st->pend[j].key == e.key)
				goto bad;
		st->pend[st->npend++] = e;
	}
	return 0;
bad:
	memset(st, 0, sizeof(*st));
	return au_fail(err, EINVAL, "unreadable saved copilot-otel state");
}

const au_parser_ops au_parser_copilot_otel = {
	.name = "copilot-otel",
	.source = AU_SRC_COPILOT,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(otel_state),
	.init = otel_init,
	.candidate = otel_candidate,
	.parse_line_emit = otel_parse_line_emit,
	.save = otel_save,
	.load = otel_load,
};
