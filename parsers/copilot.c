/*
 * GitHub Copilot CLI session logs (~/.copilot/session-state/<id>/events.jsonl,
 * older builds' flat session-state/<id>.jsonl). Tokens are only written at
 * a clean exit: session.shutdown's modelMetrics, per model, for the
 * process that is exiting. A resumed session starts its counters from
 * zero again, so each shutdown is one segment of the session and they add
 * up. (The issue spoke of cumulative counters; real logs say otherwise:
 * github.com/PanAchy/copilot-arewecooked/pull/45 shows resumed sessions'
 * shutdowns starting over, as does ccusage's survey of real session-state
 * files; fixtures/rules/copilot-sessions holds such a session.) A
 * shutdown is keyed by (session, event id, model), so the same shutdown
 * written twice, or found again in a copied session file, counts once. A
 * live session has no shutdown yet and counts nothing until it ends.
 *
 * The log is append-only and read as such: only new lines, one shutdown
 * line emitting one event per model (parse_line_emit). The state kept
 * between reads is the session id and working directory that the
 * session.start / session.resume lines gave. Counting rules:
 * shared/docs/formats.md, "Copilot CLI" (3a) and the unified field table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
#include "parser.h"

/* A model's counters in one shutdown, as the log gives them. */
typedef struct cp_usage {
	int64_t input; /* includes cache reads and writes */
	int64_t output, cache_read, cache_write, reasoning;
} cp_usage;

/* What a session's earlier lines said: kept between reads (save/load). */
typedef struct copilot_state {
	char session[AU_ID_MAX];
	char cwd[AU_PATH_MAX];
} copilot_state;

static void copilot_init(void *vs, const char *path)
{
	copilot_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	/* session-state/<id>/events.jsonl: the directory is the session;
	 * session-state/<id>.jsonl: the file stem is. */
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n == 6 && memcmp(base, "events", 6) == 0 && base > path + 1) {
		const char *end = base - 1, *dir = end;
		while (dir > path && dir[-1] != '/')
			dir--;
		n = (size_t)(end - dir);
		base = dir;
	}
	if (n > 0 && n < sizeof(st->session))
		memcpy(st->session, base, n);
}

static bool copilot_candidate(const char *line, size_t len)
{
	return au_memmem(line, len, "\"session.", 9) != NULL;
}

/* An integer member in [0, AU_TOKENS_MAX]: 1 read, 0 absent, -1 bad. */
static int get_count(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	int t = js_get(d, obj, key);
	*ret = 0;
	if (t < 0 || js_typeof(d, t) == JS_NULL)
		return 0;
	if (!js_int(d, t, ret) || *ret < 0 || *ret > AU_TOKENS_MAX) {
		*ret = 0;
		return -1;
	}
	return 1;
}

/* Whether an object's member key k is followed by another with the same
 * name (Jansson and js_get keep the last duplicate: so do we). */
static bool shadowed(const js_doc *d, int obj, uint32_t k, const char *name)
{
	uint32_t end = d->toks[obj].next;
	for (uint32_t o = d->toks[k + 1].next; o < end; o = d->toks[o + 1].next)
		if (js_str_eq(d, (int)o, name))
			return true;
	return false;
}

static int context_from(const js_doc *d, int data, copilot_state *rp, au_err *err)
{
	/* zeroed: the state is saved and compared byte for byte, so nothing
	 * after a string's end may be left over from anything */
	char sid[AU_ID_MAX] = {0};
	int n = js_get_id(d, data, "sessionId", sid, sizeof(sid));
	if (n == -EILSEQ)
		return au_fail(err, EINVAL, "session id " AU_ID_NUL_MSG);
	if (n > 0)
		memcpy(rp->session, sid, sizeof(sid));
	int ctx = js_get_obj(d, data, "context");
	char cwd[AU_PATH_MAX] = {0};
	/* cwd first (the report finds the repository above it itself); with
	 * neither, the cwd an earlier start or resume gave stays */
	if (js_get_str(d, ctx, "cwd", cwd, sizeof(cwd)) > 0 || js_get_str(d, ctx, "gitRoot", cwd, sizeof(cwd)) > 0)
		memcpy(rp->cwd, cwd, sizeof(cwd));
	return 0;
}

/*
 * "g:<session>|<shutdown id>|<model>", or when a part is too long or holds
 * a '|' (never in real logs, whose ids are UUIDs), "g#" and a hash of the
 * three: either way one key per (session, shutdown, model).
 */
static void make_key(char *key, size_t cap, const char *session, const char *id, const char *model)
{
	size_t ls = strlen(session), li = strlen(id), lm = strlen(model);
	if (ls <= 60 && li <= 60 && lm <= 120 && !strchr(session, '|') && !strchr(id, '|') && !strchr(model, '|')) {
		snprintf(key, cap, "g:%.60s|%.60s|%.120s", session, id, model);
		return;
	}
	uint64_t h[3] = {au_hash64(session, ls), au_hash64(id, li), au_hash64(model, lm)};
	snprintf(key, cap, "g#%016llx", (unsigned long long)au_hash64(h, sizeof(h)));
}

/*
 * One session.shutdown: an event per model that used anything. A
 * malformed shutdown (bad counters, no timestamp) counts nothing.
 */
static int shutdown_line(const js_doc *d, const copilot_state *st, au_emit_fn emit, void *ctx, au_err *err)
{
	int data = js_get_obj(d, 0, "data");
	int mm = js_get_obj(d, data, "modelMetrics");
	if (mm < 0)
		return 0; /* older builds and /new: no metrics to count */

	char ts[64], id[AU_ID_MAX];
	int64_t ts_ms;
	int tsl = js_get_str(d, 0, "timestamp", ts, sizeof(ts));
	if (tsl <= 0 || au_parse_iso8601_ms(ts, (size_t)tsl, &ts_ms) < 0)
		return au_fail(err, EINVAL, "session.shutdown with a missing or bad timestamp");
	/* The event id; without one the timestamp stands in for it. */
	int idn = js_get_id(d, 0, "id", id, sizeof(id));
	if (idn == -EILSEQ)
		return au_fail(err, EINVAL, "session.shutdown id " AU_ID_NUL_MSG);
	if (idn <= 0)
		snprintf(id, sizeof(id), "t%s", ts);

	/* Read every model first: a bad one rejects the whole event. */
	uint32_t end = d->toks[mm].next;
	size_t n = 0;
	for (uint32_t k = (uint32_t)mm + 1; k < end; k = d->toks[k + 1].next)
		n++;
	cp_usage *u = xcalloc(n ? n : 1, sizeof(*u));
	uint32_t *name = xcalloc(n ? n : 1, sizeof(*name));
	size_t nm = 0;
	int r = 0;
	char model[AU_MODEL_MAX];
	for (uint32_t k = (uint32_t)mm + 1; k < end && r == 0; k = d->toks[k + 1].next) {
		int usage = js_get_obj(d, (int)k + 1, "usage");
		if (js_str(d, (int)k, model, sizeof(model)) <= 0 || strlen(model) == 0) {
			r = au_fail(err, EINVAL, "session.shutdown names a model that is empty or too long");
			break;
		}
		if (shadowed(d, mm, k, model) || usage < 0)
			continue;
		cp_usage *m = &u[nm];
		if (get_count(d, usage, "inputTokens", &m->input) < 0 ||
		    get_count(d, usage, "outputTokens", &m->output) < 0 ||
		    get_count(d, usage, "cacheReadTokens", &m->cache_read) < 0 ||
		    get_count(d, usage, "cacheWriteTokens", &m->cache_write) < 0 ||
		    get_count(d, usage, "reasoningTokens", &m->reasoning) < 0)
			r = au_fail(err, EINVAL, "session.shutdown token count for %.80s out of range", model);
		name[nm++] = k;
	}
	for (size_t i = 0; i < nm && r == 0; i++) {
		const cp_usage *a = &u[i];
		if (!a->input && !a->output && !a->cache_read && !a->cache_write && !a->reasoning)
			continue; /* a model named but not used */
		au_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.source = AU_SRC_COPILOT;
		/* the same shutdown again (written twice, a copied session)
		 * carries the same numbers: the store keeps one */
		ev.dedup = AU_DEDUP_LATEST;
		ev.ts_ms = ts_ms;
		/* inputTokens includes cache reads and writes (formats.md) */
		int64_t cached = a->cache_read + a->cache_write;
		ev.tok.input = a->input > cached ? a->input - cached : 0;
		ev.tok.cache_read = a->cache_read;
		ev.tok.cache_create_5m = a->cache_write; /* no TTL given: the 5-minute kind */
		ev.tok.output = a->output;
		ev.tok.reasoning = a->reasoning;
		js_str(d, (int)name[i], ev.model, sizeof(ev.model));
		ju_copy(ev.session, sizeof(ev.session), st->session);
		ju_copy(ev.cwd, sizeof(ev.cwd), st->cwd);
		make_key(ev.key, sizeof(ev.key), st->session, id, ev.model);
		r = emit(ctx, &ev);
	}
	free(u);
	free(name);
	return r < 0 ? r : 0;
}

/* One line of the log. */
static int copilot_parse_line(void *vs, const char *line, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	copilot_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	int type = js_get(d, 0, "type");
	if (js_str_eq(d, type, "session.start") || js_str_eq(d, type, "session.resume")) {
		return context_from(d, js_get_obj(d, 0, "data"), st, err);
	}
	if (js_str_eq(d, type, "session.shutdown"))
		return shutdown_line(d, st, emit, ctx, err);
	return 0;
}

/* "<session length>:<session><cwd>": both may hold any byte but NUL. */
static char *copilot_save(const void *vs)
{
	const copilot_state *st = vs;
	return xasprintf("%zu:%s%s", strlen(st->session), st->session, st->cwd);
}

static int copilot_load(void *vs, const char *text, au_err *err)
{
	copilot_state *st = vs;
	char *end;
	errno = 0;
	unsigned long n = strtoul(text, &end, 10);
	size_t rest = end[0] == ':' ? strlen(end + 1) : 0;
	if (errno || end == text || *end != ':' || n >= sizeof(st->session) || n > rest ||
	    rest - n >= sizeof(st->cwd))
		return au_fail(err, EINVAL, "unreadable Copilot session state");
	memcpy(st->session, end + 1, n);
	st->session[n] = '\0';
	memcpy(st->cwd, end + 1 + n, rest - n + 1);
	return 0;
}

const au_parser_ops au_parser_copilot = {
	.name = "copilot",
	.source = AU_SRC_COPILOT,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(copilot_state),
	.init = copilot_init,
	.candidate = copilot_candidate,
	.parse_line_emit = copilot_parse_line,
	.save = copilot_save,
	.load = copilot_load,
};
