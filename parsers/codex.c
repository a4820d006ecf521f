/*
 * Codex CLI rollouts ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl).
 * token_count events carry cumulative per-file counters: an event's usage
 * is how far the total advanced since the previous one in the same file.
 * The model comes from the latest turn_context line, so the per-file state
 * (model, last totals, session, cwd) is saved with the file's cursor.
 * Counting rules: shared/docs/formats.md, "Codex CLI".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
#include "parser.h"

/* The fallback for early builds that never named the model (as ccusage). */
#define CODEX_FALLBACK_MODEL "gpt-5"

typedef struct codex_counts {
	int64_t input, cached, output, reasoning;
} codex_counts;

typedef struct codex_state {
	char model[AU_MODEL_MAX];
	char session[AU_ID_MAX];
	char cwd[AU_PATH_MAX];
	bool have_total, have_last;
	codex_counts total; /* last cumulative total seen in this file */
	codex_counts last;  /* last last_token_usage seen */
} codex_state;

static void codex_init(void *vs, const char *path)
{
	codex_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	/* rollout-2025-10-01T12-00-00-<uuid>.jsonl: the uuid is the session. */
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n >= 36 && strncmp(base, "rollout-", 8) == 0)
		memcpy(st->session, base + n - 36, 36);
	else if (n < sizeof(st->session))
		memcpy(st->session, base, n);
}

/*
 * Rollout lines are {"timestamp":"...","type":"<kind>","payload":{...}}.
 * When a line has exactly that head, its kind decides at once and the big
 * response_item lines are never searched; any other shape is searched.
 */
static bool codex_candidate(const char *line, size_t len)
{
	static const char head[] = "{\"timestamp\":\"";
	const size_t hl = sizeof(head) - 1;
	if (len > hl + 64 && memcmp(line, head, hl) == 0) {
		const char *q = memchr(line + hl, '"', 48);
		static const char type[] = "\",\"type\":\"";
		const size_t tl = sizeof(type) - 1;
		if (q && q[-1] != '\\' && memcmp(q, type, tl) == 0) {
			const char *k = q + tl;
			size_t rest = len - (size_t)(k - line);
			if (rest > 13 && memcmp(k, "turn_context\"", 13) == 0)
				return true;
			if (rest > 13 && memcmp(k, "session_meta\"", 13) == 0)
				return true;
			if (rest > 10 && memcmp(k, "event_msg\"", 10) == 0)
				return au_memmem(k, rest, "\"token_count\"", 13) != NULL;
			return false;
		}
	}
	return au_memmem(line, len, "\"token_count\"", 13) || au_memmem(line, len, "\"turn_context\"", 14) ||
	       au_memmem(line, len, "\"session_meta\"", 14);
}

static bool counts_valid(const codex_counts *c)
{
	const int64_t v[] = {c->input, c->cached, c->output, c->reasoning};
	for (size_t i = 0; i < 4; i++)
		if (v[i] < 0 || v[i] > AU_TOKENS_MAX)
			return false;
	return true;
}

/* 1 read, 0 absent, -1 present but out of range. */
static int read_counts(const js_doc *d, int o, codex_counts *c)
{
	if (js_typeof(d, o) != JS_OBJECT)
		return 0;
	c->input = js_int_or(d, o, "input_tokens", 0);
	c->cached = js_int_or(d, o, "cached_input_tokens", 0);
	c->output = js_int_or(d, o, "output_tokens", 0);
	c->reasoning = js_int_or(d, o, "reasoning_output_tokens", 0);
	return counts_valid(c) ? 1 : -1;
}

static bool counts_eq(const codex_counts *a, const codex_counts *b)
{
	return a->input == b->input && a->cached == b->cached && a->output == b->output &&
	       a->reasoning == b->reasoning;
}

static bool counts_went_down(const codex_counts *now, const codex_counts *prev)
{
	return now->input < prev->input || now->cached < prev->cached || now->output < prev->output ||
	       now->reasoning < prev->reasoning;
}

/* A non-empty string member copied into dst: false otherwise. */
static bool get_str(const js_doc *d, int obj, const char *key, char *dst, size_t cap)
{
	return js_get_str(d, obj, key, dst, cap) > 0;
}

static int codex_parse(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	codex_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;

	int type = js_get(d, 0, "type");
	int payload = js_get_obj(d, 0, "payload");
	if (payload < 0)
		return 0;

	if (js_str_eq(d, type, "session_meta")) {
		int id = js_get(d, payload, "id"), cwd = js_get(d, payload, "cwd");
		char sid[sizeof(st->session)];
		int n = js_typeof(d, id) == JS_STRING ? js_id(d, id, sid, sizeof(sid)) : -1;
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "session id " AU_ID_NUL_MSG);
		if (n >= 0)
			memcpy(st->session, sid, (size_t)n + 1);
		if (js_typeof(d, cwd) == JS_STRING)
			js_str(d, cwd, st->cwd, sizeof(st->cwd));
		return 0;
	}
	if (js_str_eq(d, type, "turn_context")) {
		int cwd = js_get(d, payload, "cwd");
		get_str(d, payload, "model", st->model, sizeof(st->model));
		if (js_typeof(d, cwd) == JS_STRING)
			js_str(d, cwd, st->cwd, sizeof(st->cwd));
		return 0;
	}
	if (!js_str_eq(d, type, "event_msg") || !js_str_eq(d, js_get(d, payload, "type"), "token_count"))
		return 0;
	int info = js_get_obj(d, payload, "info");
	if (info < 0)
		return 0; /* info:null events only carry rate limits */

	codex_counts total, last, delta;
	int rt = read_counts(d, js_get(d, info, "total_token_usage"), &total);
	int rl = read_counts(d, js_get(d, info, "last_token_usage"), &last);
	if (rt < 0 || rl < 0)
		return au_fail(err, EINVAL, "token count out of range");
	bool has_total = rt > 0, has_last = rl > 0;
	char shape; /* which counter the dedup key is built from */
	if (has_total) {
		if (st->have_total && counts_eq(&total, &st->total)) {
			/* re-emitted event: the total did not move */
			if (has_last) {
				st->last = last;
				st->have_last = true;
			}
			return 0;
		}
		if (st->have_total && counts_went_down(&total, &st->total))
			delta = has_last ? last : total; /* the counter restarted */
		else if (st->have_total)
			delta = (codex_counts){total.input - st->total.input, total.cached - st->total.cached,
					       total.output - st->total.output,
					       total.reasoning - st->total.reasoning};
		else
			delta = total;
		st->total = total;
		st->have_total = true;
		shape = 'T';
	} else if (has_last) {
		if (st->have_last && counts_eq(&last, &st->last))
			return 0;
		delta = last;
		shape = 'L';
	} else {
		return 0;
	}
	if (has_last) {
		st->last = last;
		st->have_last = true;
	}
	if (delta.input == 0 && delta.cached == 0 && delta.output == 0 && delta.reasoning == 0)
		return 0;

	memset(ev, 0, sizeof(*ev));
	char ts[64];
	int tst = js_get(d, 0, "timestamp");
	int tslen = js_typeof(d, tst) == JS_STRING ? js_str(d, tst, ts, sizeof(ts)) : -1;
	if (tslen < 0 || au_parse_iso8601_ms(ts, (size_t)tslen, &ev->ts_ms) < 0)
		return au_fail(err, EINVAL, "token_count event with a missing or bad timestamp");
	/* Some builds name the model on the event itself. */
	if (!get_str(d, payload, "model", ev->model, sizeof(ev->model)) &&
	    !get_str(d, info, "model", ev->model, sizeof(ev->model)) &&
	    !get_str(d, info, "model_name", ev->model, sizeof(ev->model))) {
		if (st->model[0]) {
			memcpy(ev->model, st->model, sizeof(ev->model));
		} else {
			strcpy(ev->model, CODEX_FALLBACK_MODEL);
			ev->model_fallback = true;
		}
	}

	ev->source = AU_SRC_CODEX;
	ev->dedup = AU_DEDUP_MIN;
	/* input includes cached; output includes reasoning (formats.md) */
	int64_t cached = delta.cached < 0 ? 0 : delta.cached;
	ev->tok.input = delta.input > cached ? delta.input - cached : 0;
	ev->tok.cache_read = cached;
	ev->tok.output = delta.output < 0 ? 0 : delta.output;
	ev->tok.reasoning = delta.reasoning < 0 ? 0 : delta.reasoning;

	/* A forked rollout repeats its parent's events verbatim: same
	 * timestamp, same counters, so the same key. */
	const codex_counts *k = shape == 'T' ? &total : &last;
	snprintf(ev->key, sizeof(ev->key), "x:%.40s|%c%lld,%lld,%lld,%lld|%.120s", ts, shape,
		 (long long)k->input, (long long)k->cached, (long long)k->output,
		 (long long)k->reasoning, ev->model);
	ju_copy(ev->session, sizeof(ev->session), st->session);
	ju_copy(ev->cwd, sizeof(ev->cwd), st->cwd);
	return 1;
}

static json_t *counts_json(const codex_counts *c)
{
	return json_pack("[IIII]", (json_int_t)c->input, (json_int_t)c->cached, (json_int_t)c->output,
			 (json_int_t)c->reasoning);
}

static char *codex_save(const void *vs)
{
	const codex_state *st = vs;
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:b,s:o,s:o}", "model", st->model, "session", st->session,
			      "cwd", st->cwd, "ht", st->have_total, "hl", st->have_last, "total",
			      counts_json(&st->total), "last", counts_json(&st->last));
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static bool load_counts(json_t *a, codex_counts *c)
{
	json_int_t v[4];
	if (json_unpack(a, "[IIII]", &v[0], &v[1], &v[2], &v[3]) != 0)
		return false;
	*c = (codex_counts){v[0], v[1], v[2], v[3]};
	return counts_valid(c);
}

static int codex_load(void *vs, const char *text, au_err *err)
{
	codex_state *st = vs;
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	const char *model, *session, *cwd;
	int ht, hl;
	json_t *t, *l;
	if (!o || json_unpack(o, "{s:s,s:s,s:s,s:b,s:b,s:o,s:o}", "model", &model, "session", &session,
			      "cwd", &cwd, "ht", &ht, "hl", &hl, "total", &t, "last", &l) != 0 ||
	    !load_counts(t, &st->total) || !load_counts(l, &st->last) ||
	    !ju_copy(st->model, sizeof(st->model), model) ||
	    !ju_copy(st->session, sizeof(st->session), session) || !ju_copy(st->cwd, sizeof(st->cwd), cwd)) {
		json_decref(o);
		return au_fail(err, EINVAL, "unreadable saved codex state");
	}
	st->have_total = ht;
	st->have_last = hl;
	json_decref(o);
	return 0;
}

const au_parser_ops au_parser_codex = {
	.name = "codex",
	.source = AU_SRC_CODEX,
	.state_size = sizeof(codex_state),
	.init = codex_init,
	.candidate = codex_candidate,
	.parse_line = codex_parse,
	.save = codex_save,
	.load = codex_load,
};
