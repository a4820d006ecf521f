/*
 * Amp (ampcode.com): ~/.local/share/amp/threads/T-<uuid>.json, one JSON
 * document per thread, rewritten whole as the thread goes on. Amp is
 * closed source: the field names below are the ones its thread files
 * carry as peers read them (tokscale, junhoyeo/tokscale
 * crates/tokscale-core/src/sessions/amp.rs), not checked against Amp's
 * own code, hence "estimated" in the capability row:
 *
 *   id, created (ms since the epoch)
 *   messages[]: role, messageId (integer), usage { model, inputTokens,
 *     outputTokens, cacheReadInputTokens, cacheCreationInputTokens, credits }
 *   usageLedger.events[]: timestamp (RFC 3339), model, credits,
 *     tokens { input, output, cacheReadInputTokens,
 *     cacheCreationInputTokens }, toMessageId
 *
 * Two records can describe one request: an assistant message's usage and
 * the ledger event billed for it. The rule (tested in test_amp.c and the
 * amp-threads fixture): the ledger event counts, because it is dated; a
 * message counts on its own only when no event covers it. An event covers
 * the message its toMessageId names, else (an event without one) the
 * first message not yet covered with the same model and the same four
 * token counts. A covered message's key is withdrawn (retract), so a
 * message counted before its event was written (the file is read between
 * two rewrites) stops counting when the event appears. Keys: the event's
 * position in the ledger ("a:<thread>|e<n>", the ledger only grows), the
 * message's id ("a:<thread>|m<id>"). A message alone is dated at the
 * thread's creation (it carries no time of its own). inputTokens is taken
 * as uncached input (Anthropic's meaning: the cache fields are beside it);
 * cache writes count as 5-minute writes; `credits` is Amp's charge in US
 * dollars, kept as the tool's own cost.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "json_count.h"
#include "parser.h"
#include "util.h"

typedef struct amp_state {
	char thread[AU_ID_MAX]; /* T-<uuid> of T-<uuid>.json: the id's fallback */
} amp_state;

static void amp_init(void *vs, const char *path)
{
	amp_state *st = vs;
	memset(st, 0, sizeof(*st));
	const char *base;
	size_t n = path ? au_log_stem(path, &base) : 0;
	if (n > 0 && n < sizeof(st->thread))
		memcpy(st->thread, base, n);
}

/* One usage record, from either shape. */
typedef struct amp_rec {
	char model[AU_MODEL_MAX];
	int64_t in, out, cr, cw;
	int64_t ts_ms;	   /* -1: none of its own */
	int64_t msg_id;	   /* message: its messageId; event: toMessageId; 0 none */
	bool has_credits;
	double credits;
	bool covered;	   /* message: an event stands for it */
} amp_rec;

/* Fills r from a usage object u with the given names; false when a count
 * is malformed or the model is missing (the record is left out). */
static bool read_usage(const js_doc *d, int u, int model_obj, const char *in, const char *out, amp_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->ts_ms = -1;
	if (js_get_str(d, model_obj, "model", r->model, sizeof(r->model)) <= 0)
		return false;
	if (u >= 0 && (!au_js_count(d, u, in, &r->in) || !au_js_count(d, u, out, &r->out) ||
		       !au_js_count(d, u, "cacheReadInputTokens", &r->cr) || !au_js_count(d, u, "cacheCreationInputTokens", &r->cw)))
		return false;
	double c;
	if (js_real(d, js_get(d, model_obj, "credits"), &c) && c >= 0 && c < 1e6) {
		r->has_credits = true;
		r->credits = c;
	}
	return true;
}

static bool same_usage(const amp_rec *a, const amp_rec *b)
{
	return strcmp(a->model, b->model) == 0 && a->in == b->in && a->out == b->out && a->cr == b->cr &&
	       a->cw == b->cw;
}

static size_t array_len(const js_doc *d, int t)
{
	size_t n = 0;
	if (t >= 0 && js_typeof(d, t) == JS_ARRAY)
		for (uint32_t e = (uint32_t)t + 1; e < d->toks[t].next; e = d->toks[e].next)
			n++;
	return n;
}

static int send(const amp_state *st, const char *thread, const amp_rec *r, const char *tag, int64_t n,
		int64_t created, bool retract, au_emit_fn emit, void *ctx)
{
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = AU_SRC_AMP;
	ev.dedup = AU_DEDUP_LATEST;
	ev.retract = retract;
	snprintf(ev.key, sizeof(ev.key), "a:%s|%s%lld", thread, tag, (long long)n);
	(void)st;
	if (!retract) {
		ev.ts_ms = r->ts_ms >= 0 ? r->ts_ms : created;
		if (ev.ts_ms < 0)
			return 0; /* nothing dates it: left out */
		snprintf(ev.session, sizeof(ev.session), "%s", thread);
		memcpy(ev.model, r->model, sizeof(ev.model));
		ev.tok.input = r->in;
		ev.tok.output = r->out;
		ev.tok.cache_read = r->cr;
		ev.tok.cache_create_5m = r->cw;
		if (!(r->in || r->out || r->cr || r->cw))
			return 0;
		if (r->has_credits) {
			ev.has_tool_cost = true;
			ev.tool_cost = (int64_t)llround(r->credits * 1e12);
		}
	}
	return emit(ctx, &ev);
}

static int amp_parse(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	const amp_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse_document(d, data, len, err);
	if (r <= 0)
		return r; /* 0: caught between truncation and the rewrite */
	if (js_typeof(d, 0) != JS_OBJECT)
		return au_fail(err, EINVAL, "not an Amp thread (the root is not an object)");
	char thread[AU_ID_MAX];
	int idn = js_get_id(d, 0, "id", thread, sizeof(thread));
	if (idn == -EILSEQ)
		return au_fail(err, EINVAL, "thread id " AU_ID_NUL_MSG);
	if (idn <= 0)
		snprintf(thread, sizeof(thread), "%s", st->thread);
	if (!thread[0])
		return au_fail(err, EINVAL, "a thread without an id");
	int64_t created = js_int_or(d, 0, "created", -1);
	if (created <= 0)
		created = -1;

	int msgs = js_get(d, 0, "messages");
	int events = js_get(d, js_get_obj(d, 0, "usageLedger"), "events");
	size_t nm = array_len(d, msgs), ne = array_len(d, events);
	amp_rec *m = xcalloc(nm ? nm : 1, sizeof(*m));
	amp_rec *e = xcalloc(ne ? ne : 1, sizeof(*e));
	bool *m_ok = xcalloc(nm ? nm : 1, sizeof(bool)), *e_ok = xcalloc(ne ? ne : 1, sizeof(bool));

	size_t k = 0;
	if (nm)
		for (uint32_t t = (uint32_t)msgs + 1; t < d->toks[msgs].next; t = d->toks[t].next, k++) {
			if (js_typeof(d, (int)t) != JS_OBJECT || !js_str_eq(d, js_get(d, (int)t, "role"), "assistant"))
				continue;
			int u = js_get_obj(d, (int)t, "usage");
			if (u < 0 || !read_usage(d, u, u, "inputTokens", "outputTokens", &m[k]))
				continue;
			int64_t id = js_int_or(d, (int)t, "messageId", 0);
			m[k].msg_id = id > 0 ? id : 0;
			m_ok[k] = true;
		}
	k = 0;
	if (ne)
		for (uint32_t t = (uint32_t)events + 1; t < d->toks[events].next; t = d->toks[t].next, k++) {
			if (js_typeof(d, (int)t) != JS_OBJECT)
				continue;
			if (!read_usage(d, js_get_obj(d, (int)t, "tokens"), (int)t, "input", "output", &e[k]))
				continue;
			char ts[64];
			int tn = js_get_str(d, (int)t, "timestamp", ts, sizeof(ts));
			int64_t ms;
			if (tn > 0 && au_parse_iso8601_ms(ts, (size_t)tn, &ms) == 0)
				e[k].ts_ms = ms;
			int64_t to = js_int_or(d, (int)t, "toMessageId", 0);
			e[k].msg_id = to > 0 ? to : 0;
			e_ok[k] = true;
		}

	/* which message each event stands for: by toMessageId, else by usage */
	for (size_t a = 0; a < ne; a++) {
		if (!e_ok[a])
			continue;
		size_t hit = nm;
		for (size_t b = 0; b < nm && hit == nm; b++)
			if (m_ok[b] && !m[b].covered && e[a].msg_id && m[b].msg_id == e[a].msg_id)
				hit = b;
		for (size_t b = 0; b < nm && hit == nm && !e[a].msg_id; b++)
			if (m_ok[b] && !m[b].covered && same_usage(&e[a], &m[b]))
				hit = b;
		if (hit < nm)
			m[hit].covered = true;
	}

	r = 0;
	for (size_t a = 0; a < ne && r >= 0; a++)
		if (e_ok[a])
			r = send(st, thread, &e[a], "e", (int64_t)a, created, false, emit, ctx);
	for (size_t b = 0; b < nm && r >= 0; b++) {
		if (!m_ok[b])
			continue;
		/* a message without an id is keyed by its place */
		const char *tag = m[b].msg_id ? "m" : "i";
		int64_t n = m[b].msg_id ? m[b].msg_id : (int64_t)b;
		r = send(st, thread, &m[b], tag, n, created, m[b].covered, emit, ctx);
	}
	free(m);
	free(e);
	free(m_ok);
	free(e_ok);
	return r < 0 ? au_fail(err, -r, "stopped by the caller") : 0;
}

const au_parser_ops au_parser_amp = {
	.name = "amp",
	.source = AU_SRC_AMP,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(amp_state),
	.init = amp_init,
	.parse_file = amp_parse,
};
