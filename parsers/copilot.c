/*
 * GitHub Copilot CLI session logs (~/.copilot/session-state/<id>/events.jsonl,
 * older builds' flat session-state/<id>.jsonl). Tokens are only written at
 * a clean exit: session.shutdown's modelMetrics, per model, cumulative over
 * the session's whole life, so a resumed session's next shutdown repeats
 * what the previous one counted. Each shutdown therefore counts what it
 * adds to the previous shutdown of the file, per model; one that shrinks
 * or drops a model is a counter that restarted and counts whole. A live
 * session has no shutdown yet and counts nothing until it ends.
 *
 * The file is read whole (AU_STORAGE_FILE) although it is append-only:
 * one shutdown names several models, and a JSONL parser can hand out only
 * one event per line. The replay state is rebuilt from the start on every
 * read, so nothing needs saving. Counting rules: shared/docs/formats.md,
 * "Copilot CLI" (3a) and the unified field table.
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

typedef struct cp_model {
	char name[AU_MODEL_MAX];
	cp_usage u;
} cp_model;

/* What the replay of one file keeps between lines (owned by parse_file). */
typedef struct cp_replay {
	char session[AU_ID_MAX];
	char cwd[AU_PATH_MAX];
	cp_model *prev; /* the previous shutdown's models */
	size_t nprev;
	uint64_t *seen; /* hashes of the shutdown ids already counted */
	size_t nseen, capseen;
} cp_replay;

/* The parser's own state: only what the path says (the session id). */
typedef struct copilot_state {
	char session[AU_ID_MAX];
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

static bool usage_ge(const cp_usage *a, const cp_usage *b)
{
	return a->input >= b->input && a->output >= b->output && a->cache_read >= b->cache_read &&
	       a->cache_write >= b->cache_write && a->reasoning >= b->reasoning;
}

static const cp_model *find_model(const cp_model *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return &m[i];
	return NULL;
}

static void context_from(const js_doc *d, int data, cp_replay *rp)
{
	char sid[AU_ID_MAX];
	if (js_get_str(d, data, "sessionId", sid, sizeof(sid)) > 0)
		memcpy(rp->session, sid, sizeof(sid));
	int ctx = js_get_obj(d, data, "context");
	char cwd[AU_PATH_MAX];
	/* cwd first (the report finds the repository above it itself); with
	 * neither, the cwd an earlier start or resume gave stays */
	if (js_get_str(d, ctx, "cwd", cwd, sizeof(cwd)) > 0 || js_get_str(d, ctx, "gitRoot", cwd, sizeof(cwd)) > 0)
		memcpy(rp->cwd, cwd, sizeof(cwd));
}

static bool seen_before(cp_replay *rp, uint64_t h)
{
	for (size_t i = 0; i < rp->nseen; i++)
		if (rp->seen[i] == h)
			return true;
	if (rp->nseen == rp->capseen) {
		rp->capseen = rp->capseen ? 2 * rp->capseen : 8;
		rp->seen = xrealloc(rp->seen, rp->capseen * sizeof(*rp->seen));
	}
	rp->seen[rp->nseen++] = h;
	return false;
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
 * One session.shutdown: its models' counters against the previous
 * shutdown's. A malformed shutdown (bad counters, no timestamp) counts
 * nothing and leaves the previous one in place.
 */
static int shutdown_line(const js_doc *d, cp_replay *rp, au_emit_fn emit, void *ctx, au_err *err)
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
	if (js_get_str(d, 0, "id", id, sizeof(id)) <= 0)
		snprintf(id, sizeof(id), "t%s", ts);

	/* Read every model first: a bad one rejects the whole event. */
	uint32_t end = d->toks[mm].next;
	size_t n = 0;
	for (uint32_t k = (uint32_t)mm + 1; k < end; k = d->toks[k + 1].next)
		n++;
	cp_model *cur = xcalloc(n ? n : 1, sizeof(*cur));
	size_t ncur = 0;
	int r = 0;
	for (uint32_t k = (uint32_t)mm + 1; k < end && r == 0; k = d->toks[k + 1].next) {
		cp_model *m = &cur[ncur];
		int usage = js_get_obj(d, (int)k + 1, "usage");
		if (js_str(d, (int)k, m->name, sizeof(m->name)) <= 0 || strlen(m->name) == 0) {
			r = au_fail(err, EINVAL, "session.shutdown names a model that is empty or too long");
			break;
		}
		if (shadowed(d, mm, k, m->name) || usage < 0)
			continue;
		if (get_count(d, usage, "inputTokens", &m->u.input) < 0 ||
		    get_count(d, usage, "outputTokens", &m->u.output) < 0 ||
		    get_count(d, usage, "cacheReadTokens", &m->u.cache_read) < 0 ||
		    get_count(d, usage, "cacheWriteTokens", &m->u.cache_write) < 0 ||
		    get_count(d, usage, "reasoningTokens", &m->u.reasoning) < 0)
			r = au_fail(err, EINVAL, "session.shutdown token count for %.80s out of range", m->name);
		ncur++;
	}
	/* A repeated event id is the same shutdown written again; one that
	 * names no model says nothing (a resumed session that did no work)
	 * and leaves the previous counters in place. */
	if (r < 0 || ncur == 0 || seen_before(rp, au_hash64(id, strlen(id)))) {
		free(cur);
		return r;
	}

	/* Cumulative counters never shrink and never forget a model: a
	 * shutdown that does is a new count from zero. */
	bool restart = false;
	for (size_t i = 0; i < rp->nprev && !restart; i++) {
		const cp_model *c = find_model(cur, ncur, rp->prev[i].name);
		restart = !c || !usage_ge(&c->u, &rp->prev[i].u);
	}
	for (size_t i = 0; i < ncur && r == 0; i++) {
		const cp_model *p = restart ? NULL : find_model(rp->prev, rp->nprev, cur[i].name);
		cp_usage zero = {0}, dl;
		const cp_usage *a = &cur[i].u, *b = p ? &p->u : &zero;
		dl = (cp_usage){a->input - b->input, a->output - b->output, a->cache_read - b->cache_read,
				a->cache_write - b->cache_write, a->reasoning - b->reasoning};
		if (!dl.input && !dl.output && !dl.cache_read && !dl.cache_write && !dl.reasoning)
			continue;
		au_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.source = AU_SRC_COPILOT;
		/* the same shutdown in another file (a copied session) counts
		 * once, with the smaller delta: a copy without the earlier
		 * shutdowns can only over-state it (as Codex) */
		ev.dedup = AU_DEDUP_MIN;
		ev.ts_ms = ts_ms;
		/* inputTokens includes cache reads and writes (formats.md) */
		int64_t cached = dl.cache_read + dl.cache_write;
		ev.tok.input = dl.input > cached ? dl.input - cached : 0;
		ev.tok.cache_read = dl.cache_read;
		ev.tok.cache_create_5m = dl.cache_write; /* no TTL given: the 5-minute kind */
		ev.tok.output = dl.output;
		ev.tok.reasoning = dl.reasoning;
		ju_copy(ev.model, sizeof(ev.model), cur[i].name);
		ju_copy(ev.session, sizeof(ev.session), rp->session);
		ju_copy(ev.cwd, sizeof(ev.cwd), rp->cwd);
		make_key(ev.key, sizeof(ev.key), rp->session, id, cur[i].name);
		r = emit(ctx, &ev);
	}
	free(rp->prev);
	rp->prev = cur;
	rp->nprev = ncur;
	return r < 0 ? r : 0;
}

/* One line of the log. Lines that are not JSON are skipped: a crash can
 * leave a torn line or NUL bytes, and the shutdowns around it still count. */
static int copilot_line(cp_replay *rp, const char *line, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	if (!copilot_candidate(line, len))
		return 0;
	js_doc *d = js_thread_doc();
	au_err perr;
	if (js_parse(d, line, len, &perr) < 0)
		return 0;
	int type = js_get(d, 0, "type");
	if (js_str_eq(d, type, "session.start") || js_str_eq(d, type, "session.resume")) {
		context_from(d, js_get_obj(d, 0, "data"), rp);
		return 0;
	}
	if (js_str_eq(d, type, "session.shutdown")) {
		int r = shutdown_line(d, rp, emit, ctx, err);
		/* a malformed shutdown is skipped, not the whole file; a failing
		 * emit (the caller's own error) stops the read */
		return r == -EINVAL ? 0 : r;
	}
	return 0;
}

static int copilot_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	const copilot_state *st = vs;
	cp_replay rp;
	memset(&rp, 0, sizeof(rp));
	memcpy(rp.session, st->session, sizeof(rp.session));
	int r = 0;
	for (size_t pos = 0; pos < len && r >= 0;) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		/* a last line without its newline is read if it is whole JSON
		 * (a torn one does not parse and waits for the next read) */
		if (n > 0)
			r = copilot_line(&rp, data + pos, n, emit, ctx, err);
		pos += n + 1;
	}
	free(rp.prev);
	free(rp.seen);
	return r < 0 ? r : 0;
}

const au_parser_ops au_parser_copilot = {
	.name = "copilot",
	.source = AU_SRC_COPILOT,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(copilot_state),
	.init = copilot_init,
	.parse_file = copilot_parse_file,
};
