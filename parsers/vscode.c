/*
 * VS Code Copilot Chat sessions (<User>/workspaceStorage/<hash>/chatSessions/
 * and globalStorage/emptyWindowChatSessions/), in both shapes VS Code has
 * written: the object mutation log <session>.jsonl (a kind 0 snapshot, then
 * kind 1 set-at-path, kind 2 array push/splice, kind 3 delete) and the
 * legacy <session>.json rewritten whole. Tokens live on each request
 * (promptTokens/completionTokens, or result.metadata.promptTokens/
 * outputTokens), keyed by requestId in both shapes, so a session kept in
 * both files, or re-read after a rewrite, counts each request once.
 *
 * The log is tailed (AU_STORAGE_JSONL): the table of requests its
 * mutations have built so far is kept in the per-file state between scans,
 * each new line is applied to it, and every request whose counted values
 * that line changed is handed out again under its key (AU_DEDUP_LATEST:
 * the store replaces the row). After any line the store holds what a
 * replay of the file from its start up to that line counts:
 *
 *  - a request counts with what it has now, or, once it has left the table
 *    (spliced out, replaced at its index, dropped by a new snapshot or a
 *    set of the whole array, its requestId changed), with what it had when
 *    it left: an edited or undone turn was still sent and billed;
 *  - of several requests with one requestId, the last one in the table
 *    that counts wins, else the last that left counting;
 *  - a request that counted and stops counting (its counts or timestamp
 *    deleted) without having left is withdrawn (au_event.retract);
 *  - a line that does not parse, or a session beyond the caps below: the
 *    log cannot be replayed past it (a lost mutation shifts every later
 *    index onto the wrong request; VS Code cannot load such a log either),
 *    so the rest of it is ignored until VS Code rewrites it (then it is
 *    read again from 0); what the lines before it counted stays counted.
 *
 * VS Code also rewrites the log as a fresh snapshot every 1024 entries: a
 * rewritten file is read from its start with a fresh state.
 * Counting rules: shared/docs/formats.md, "VS Code Copilot Chat" (3b).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "json_util.h"
#include "parser.h"

/*
 * The bounds of one log's state (about 200 KiB, whatever the log holds).
 * A chat session has a request per turn, at most a few hundred; beyond
 * these the log is treated as unreadable (see above).
 */
#define VS_MAX_REQUESTS 512 /* requests in the table at once */
/* request ids followed: the table's, and those that left it counting
 * (the oldest of these give way when more are needed) */
#define VS_MAX_KEYS (2 * VS_MAX_REQUESTS)
#define VS_POOL_BYTES 65536 /* the distinct ids, model names and session ids */
/* the legacy document is read once per change, never kept */
#define VS_JSON_MAX_REQUESTS 20000

_Static_assert(AU_ID_MAX <= 256 && AU_MODEL_MAX <= 256, "pool strings have a one-byte length");

/* What the file's path says: never saved, init() sets it again. */
typedef struct vs_where {
	char stem[AU_ID_MAX]; /* the session id until the log names one */
	/* the workspace storage directory (.../workspaceStorage/<hash>), or
	 * "" for windows without a folder; its workspace.json names the folder */
	char cwd[AU_PATH_MAX];
} vs_where;

/* A string in the state's pool: the offset of its first byte, 0 for "". */
typedef uint32_t vs_str;

/* One request in the table; counts are -1 when absent. */
typedef struct vs_slot {
	vs_str id;
	vs_str model;    /* modelId: "copilot/claude-sonnet-4.5" */
	vs_str resolved; /* result.metadata.resolvedModel */
	uint32_t pad;
	int64_t ts; /* ms since the epoch */
	int64_t prompt, completion; /* the request's own fields */
	int64_t meta_prompt, meta_output;
} vs_slot;

/* What a request counts as: the fields of its event. */
typedef struct vs_count {
	int64_t ts, in, out;
	vs_str model, resolved, session;
	uint32_t pad;
} vs_count;

/* One request id: what the store holds for it, and what it counted as
 * when a request with this id last left the table counting. */
typedef struct vs_key {
	vs_count stored, gone; /* zeroed when absent */
	vs_str id;
	uint16_t live; /* requests in the table with this id */
	uint8_t dirty; /* touched by the line being applied */
	uint8_t has_stored, has_gone;
	uint8_t pad[3];
} vs_key;

typedef struct vscode_state {
	vs_where w;
	bool broken; /* a line could not be replayed: the rest is ignored */
	int64_t created; /* the session's creationDate: a request without a timestamp */
	vs_str session;
	uint32_t nreq, nkeys, pool_len;
	vs_slot req[VS_MAX_REQUESTS];
	vs_key key[VS_MAX_KEYS]; /* oldest first */
	/* entries of a length byte, the bytes and a NUL; byte 0 is "" */
	char pool[VS_POOL_BYTES];
} vscode_state;

static void where_init(void *vw, const char *path)
{
	vs_where *w = vw;
	memset(w, 0, sizeof(*w));
	if (!path)
		return;
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n < sizeof(w->stem))
		memcpy(w->stem, base, n);

	/* .../workspaceStorage/<hash>/chatSessions/<file>: the cwd is the
	 * <hash> directory */
	static const char cs[] = "/chatSessions/", ws[] = "/workspaceStorage/";
	size_t csl = sizeof(cs) - 1, wsl = sizeof(ws) - 1;
	size_t dir = (size_t)(base - path); /* up to and including the last '/' */
	if (dir < csl || memcmp(base - csl, cs, csl) != 0)
		return;
	size_t hash_end = dir - csl, hash = hash_end;
	while (hash > 0 && path[hash - 1] != '/')
		hash--;
	if (hash == hash_end || hash < wsl || memcmp(path + hash - wsl, ws, wsl) != 0 ||
	    hash_end >= sizeof(w->cwd))
		return;
	memcpy(w->cwd, path, hash_end);
	w->cwd[hash_end] = '\0';
}

/* ---- values ------------------------------------------------------------ */

/* String token t, or "" unless it is a string shorter than cap. A string
 * holding a NUL (\u0000) is "" and -EILSEQ: cut short there, ids apart
 * would become one, so the caller rejects the line. */
static int get_str(char buf[AU_PATH_MAX], size_t cap, const js_doc *d, int t)
{
	int n = js_typeof(d, t) == JS_STRING ? js_id(d, t, buf, AU_PATH_MAX) : -1;
	if (n < 0 || (size_t)n >= cap) {
		buf[0] = '\0';
		return n == -EILSEQ ? n : 0;
	}
	return 0;
}

static void set_count(int64_t *dst, const js_doc *d, int t)
{
	if (!js_int(d, t, dst) || *dst < 0 || *dst > AU_TOKENS_MAX)
		*dst = -1;
}

/* The end of the timestamps the reports can place (years 1970..9999). */
static int64_t ts_end(void)
{
	return au_days_from_civil(10000, 1, 1) * 86400000;
}

static void set_ms(int64_t *dst, const js_doc *d, int t)
{
	if (!js_int(d, t, dst) || *dst < 0 || *dst >= ts_end())
		*dst = -1;
}

/* A request as one line of JSON has it. */
typedef struct vs_fields {
	char id[AU_ID_MAX];
	char model[AU_MODEL_MAX];
	char resolved[AU_MODEL_MAX];
	int64_t ts, prompt, completion, meta_prompt, meta_output;
} vs_fields;

static void meta_fields(vs_fields *f, const js_doc *d, int md)
{
	char buf[AU_PATH_MAX];
	set_count(&f->meta_prompt, d, js_get(d, md, "promptTokens"));
	set_count(&f->meta_output, d, js_get(d, md, "outputTokens"));
	get_str(buf, sizeof(f->resolved), d, js_get(d, md, "resolvedModel"));
	memcpy(f->resolved, buf, strlen(buf) + 1);
}

/* Request object o (anything else is an empty request); -EILSEQ when its
 * requestId holds a NUL. */
static int fields_load(vs_fields *f, const js_doc *d, int o)
{
	char buf[AU_PATH_MAX];
	memset(f, 0, sizeof(*f));
	f->ts = f->prompt = f->completion = f->meta_prompt = f->meta_output = -1;
	if (js_typeof(d, o) != JS_OBJECT)
		return 0;
	if (get_str(buf, sizeof(f->id), d, js_get(d, o, "requestId")) < 0)
		return -EILSEQ;
	memcpy(f->id, buf, strlen(buf) + 1);
	set_ms(&f->ts, d, js_get(d, o, "timestamp"));
	get_str(buf, sizeof(f->model), d, js_get(d, o, "modelId"));
	memcpy(f->model, buf, strlen(buf) + 1);
	set_count(&f->prompt, d, js_get(d, o, "promptTokens"));
	set_count(&f->completion, d, js_get(d, o, "completionTokens"));
	meta_fields(f, d, js_get_obj(d, js_get(d, o, "result"), "metadata"));
	return 0;
}

/*
 * What a request counts as: the request's own counts win over metadata's,
 * the session's creationDate stands in for a missing timestamp; false when
 * it cannot be keyed, placed, or has no usage.
 */
static bool count_values(bool has_id, int64_t ts, int64_t prompt, int64_t completion, int64_t meta_prompt,
			 int64_t meta_output, int64_t created, vs_count *c)
{
	int64_t in = prompt >= 0 ? prompt : meta_prompt;
	int64_t out = completion >= 0 ? completion : meta_output;
	if (ts < 0)
		ts = created;
	if (!has_id || ts < 0 || (in <= 0 && out <= 0))
		return false;
	memset(c, 0, sizeof(*c));
	c->ts = ts;
	/* no cache figures in the session files (formats.md): all input */
	c->in = in > 0 ? in : 0;
	c->out = out > 0 ? out : 0;
	return true;
}

/* The model reports show: resolvedModel, else modelId without "copilot/". */
static const char *model_name(const char *model, const char *resolved)
{
	const char *m = *resolved ? resolved : model;
	if (strncmp(m, "copilot/", 8) == 0 && m[8])
		m += 8;
	return *m ? m : "unknown";
}

static void fill_event(au_event *ev, const char *id, const char *model, const char *session, const char *cwd,
		       const vs_count *c)
{
	memset(ev, 0, sizeof(*ev));
	ev->source = AU_SRC_VSCODE;
	/* the copy read last is the request's latest state */
	ev->dedup = AU_DEDUP_LATEST;
	ev->ts_ms = c->ts;
	ev->tok.input = c->in;
	ev->tok.output = c->out;
	ju_copy(ev->model, sizeof(ev->model), model);
	ju_copy(ev->session, sizeof(ev->session), session);
	ju_copy(ev->cwd, sizeof(ev->cwd), cwd);
	snprintf(ev->key, sizeof(ev->key), "v:%.250s", id);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* ---- the string pool ----------------------------------------------------- */

static const char *S(const vscode_state *st, vs_str s)
{
	return st->pool + s;
}

/* Every string the state refers to, in one fixed order (which save keeps). */
static void each_ref(vscode_state *st, void (*fn)(vs_str *ref, void *ctx), void *ctx)
{
	fn(&st->session, ctx);
	for (uint32_t i = 0; i < st->nreq; i++) {
		fn(&st->req[i].id, ctx);
		fn(&st->req[i].model, ctx);
		fn(&st->req[i].resolved, ctx);
	}
	for (uint32_t k = 0; k < st->nkeys; k++) {
		vs_key *e = &st->key[k];
		fn(&e->id, ctx);
		fn(&e->stored.model, ctx);
		fn(&e->stored.resolved, ctx);
		fn(&e->stored.session, ctx);
		fn(&e->gone.model, ctx);
		fn(&e->gone.resolved, ctx);
		fn(&e->gone.session, ctx);
	}
}

static void mark_ref(vs_str *ref, void *map)
{
	if (*ref)
		((uint32_t *)map)[*ref] = 1;
}

static void move_ref(vs_str *ref, void *map)
{
	if (*ref)
		*ref = ((uint32_t *)map)[*ref];
}

/* Drops the strings nothing refers to any more. */
static void collect(vscode_state *st)
{
	uint32_t *map = xcalloc(st->pool_len, sizeof(*map)); /* refs are below pool_len */
	each_ref(st, mark_ref, map);
	uint32_t out = 1;
	for (uint32_t p = 1; p < st->pool_len;) {
		uint32_t size = (uint8_t)st->pool[p] + 2u;
		if (map[p + 1]) {
			memmove(st->pool + out, st->pool + p, size);
			map[p + 1] = out + 1;
			out += size;
		}
		p += size;
	}
	memset(st->pool + out, 0, st->pool_len - out);
	st->pool_len = out;
	each_ref(st, move_ref, map);
	free(map);
}

/*
 * Points *ret at string s (which must not be in the pool), adding it when
 * it is new; each string is there once, so equal strings are equal refs.
 * The pool is collected when full, unless gc is false (load(), whose refs
 * are not in the state yet). *ret is cleared first, so the string it held
 * can be collected.
 */
static int intern_gc(vscode_state *st, const char *s, vs_str *ret, bool gc, au_err *err)
{
	size_t n = strlen(s);
	*ret = 0;
	if (n == 0)
		return 0;
	for (uint32_t p = 1; p < st->pool_len; p += (uint8_t)st->pool[p] + 2u)
		if ((uint8_t)st->pool[p] == n && memcmp(st->pool + p + 1, s, n) == 0) {
			*ret = p + 1;
			return 0;
		}
	if (st->pool_len + n + 2 > VS_POOL_BYTES && gc)
		collect(st);
	if (st->pool_len + n + 2 > VS_POOL_BYTES)
		return au_fail(err, EFBIG, "the request ids and model names of one chat session take more than %d KiB",
			       VS_POOL_BYTES / 1024);
	uint32_t p = st->pool_len;
	st->pool[p] = (char)n;
	memcpy(st->pool + p + 1, s, n);
	st->pool[p + 1 + n] = '\0';
	st->pool_len = p + (uint32_t)n + 2;
	*ret = p + 1;
	return 0;
}

static int intern(vscode_state *st, const char *s, vs_str *ret, au_err *err)
{
	return intern_gc(st, s, ret, true, err);
}

/* ---- the table ------------------------------------------------------------- */

static int key_find(const vscode_state *st, vs_str id)
{
	for (uint32_t k = 0; k < st->nkeys; k++)
		if (st->key[k].id == id)
			return (int)k;
	return -1;
}

/* Marks id's entry touched, making it when missing (the oldest entry that
 * only a departed request holds gives way when the table is full). */
static int key_touch(vscode_state *st, vs_str id, au_err *err)
{
	int k = key_find(st, id);
	if (k < 0) {
		if (st->nkeys == VS_MAX_KEYS) {
			uint32_t v = 0;
			while (v < st->nkeys && (st->key[v].live || st->key[v].dirty))
				v++;
			if (v == st->nkeys)
				return au_fail(err, EFBIG, "more than %d request ids in one chat session",
					       VS_MAX_KEYS);
			memmove(&st->key[v], &st->key[v + 1], (st->nkeys - v - 1) * sizeof(st->key[0]));
			st->nkeys--;
		}
		k = (int)st->nkeys++;
		memset(&st->key[k], 0, sizeof(st->key[k]));
		st->key[k].id = id;
	}
	st->key[k].dirty = 1;
	return k;
}

/* A change to request q: its id's count is looked at after the line. */
static void slot_touched(vscode_state *st, const vs_slot *q)
{
	int k = q->id ? key_find(st, q->id) : -1;
	if (k >= 0)
		st->key[k].dirty = 1;
}

/* Gives request q another id (0: none). Only fails for a non-zero id. */
static int slot_set_id(vscode_state *st, vs_slot *q, vs_str id, au_err *err)
{
	int k = q->id ? key_find(st, q->id) : -1;
	if (k >= 0) {
		st->key[k].live--;
		st->key[k].dirty = 1;
	}
	q->id = 0;
	if (!id)
		return 0;
	k = key_touch(st, id, err);
	if (k < 0)
		return k;
	st->key[k].live++;
	q->id = id;
	return 0;
}

static bool slot_count(const vscode_state *st, const vs_slot *q, vs_count *c)
{
	if (!count_values(q->id != 0, q->ts, q->prompt, q->completion, q->meta_prompt, q->meta_output, st->created,
			  c))
		return false;
	c->model = q->model;
	c->resolved = q->resolved;
	c->session = st->session;
	return true;
}

/* Request q leaves the table: if it counts, its id counts as it is now. */
static void depart(vscode_state *st, const vs_slot *q)
{
	int k = q->id ? key_find(st, q->id) : -1;
	if (k < 0)
		return;
	vs_key *e = &st->key[k];
	e->dirty = 1;
	vs_count c;
	if (slot_count(st, q, &c)) {
		e->gone = c;
		e->has_gone = 1;
	}
}

static void slot_clear(vscode_state *st, vs_slot *q)
{
	slot_set_id(st, q, 0, NULL);
	memset(q, 0, sizeof(*q));
	q->ts = q->prompt = q->completion = q->meta_prompt = q->meta_output = -1;
}

/* Cuts the table to n requests; the ones cut away count as they were. */
static void truncate_to(vscode_state *st, uint32_t n)
{
	for (uint32_t i = n; i < st->nreq; i++)
		depart(st, &st->req[i]);
	for (uint32_t i = n; i < st->nreq; i++) {
		slot_clear(st, &st->req[i]);
		memset(&st->req[i], 0, sizeof(st->req[i]));
	}
	if (n < st->nreq)
		st->nreq = n;
}

static int too_many(au_err *err)
{
	return au_fail(err, EFBIG, "more than %d requests in one chat session", VS_MAX_REQUESTS);
}

/* Lengthens the table to n with empty requests (as a JavaScript array
 * assigned past its end gets holes). */
static int extend_to(vscode_state *st, uint64_t n, au_err *err)
{
	if (n > VS_MAX_REQUESTS)
		return too_many(err);
	while (st->nreq < n)
		slot_clear(st, &st->req[st->nreq++]);
	return 0;
}

static int set_field(vscode_state *st, vs_str *dst, const js_doc *d, int t, size_t cap, const char *what,
		     au_err *err)
{
	char buf[AU_PATH_MAX];
	if (get_str(buf, cap, d, t) < 0)
		return au_fail(err, EINVAL, "%s " AU_ID_NUL_MSG, what);
	return intern(st, buf, dst, err);
}

/* Request q becomes object o (or an empty request). */
static int slot_load(vscode_state *st, vs_slot *q, const js_doc *d, int o, au_err *err)
{
	vs_fields f;
	if (fields_load(&f, d, o) < 0)
		return au_fail(err, EINVAL, "requestId " AU_ID_NUL_MSG);
	slot_clear(st, q);
	q->ts = f.ts;
	q->prompt = f.prompt;
	q->completion = f.completion;
	q->meta_prompt = f.meta_prompt;
	q->meta_output = f.meta_output;
	vs_str id;
	int r;
	if ((r = intern(st, f.model, &q->model, err)) < 0 || (r = intern(st, f.resolved, &q->resolved, err)) < 0 ||
	    (r = intern(st, f.id, &id, err)) < 0)
		return r;
	return slot_set_id(st, q, id, err);
}

/* Appends the requests of array arr. */
static int push_requests(vscode_state *st, const js_doc *d, int arr, au_err *err)
{
	if (js_typeof(d, arr) != JS_ARRAY)
		return 0;
	uint32_t end = d->toks[arr].next;
	for (uint32_t t = (uint32_t)arr + 1; t < end; t = d->toks[t].next) {
		if (st->nreq == VS_MAX_REQUESTS)
			return too_many(err);
		vs_slot *q = &st->req[st->nreq++];
		slot_clear(st, q);
		int r = slot_load(st, q, d, (int)t, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int meta_load(vscode_state *st, vs_slot *q, const js_doc *d, int md, au_err *err)
{
	vs_fields f;
	meta_fields(&f, d, md);
	q->meta_prompt = f.meta_prompt;
	q->meta_output = f.meta_output;
	return intern(st, f.resolved, &q->resolved, err);
}

/* ---- the mutation log -------------------------------------------------- */

#define PATH_MAX_ELEMS 6

/* The elements of path array k (tokens), or -1 if it is not an array;
 * a longer path than the ones that matter reports PATH_MAX_ELEMS + 1. */
static int path_elems(const js_doc *d, int k, int *el)
{
	if (js_typeof(d, k) != JS_ARRAY)
		return -1;
	int n = 0;
	uint32_t end = d->toks[k].next;
	for (uint32_t t = (uint32_t)k + 1; t < end; t = d->toks[t].next) {
		if (n == PATH_MAX_ELEMS)
			return PATH_MAX_ELEMS + 1;
		el[n++] = (int)t;
	}
	return n;
}

/* A field of request q set (kind 1) or deleted (kind 3, v == -1). */
static int set_request_field(vscode_state *st, vs_slot *q, const js_doc *d, const int *el, int n, int v,
			     au_err *err)
{
	int r = 0;
	if (n == 3) {
		if (js_str_eq(d, el[2], "promptTokens"))
			set_count(&q->prompt, d, v);
		else if (js_str_eq(d, el[2], "completionTokens"))
			set_count(&q->completion, d, v);
		else if (js_str_eq(d, el[2], "result"))
			r = meta_load(st, q, d, js_get_obj(d, v, "metadata"), err);
		else if (js_str_eq(d, el[2], "timestamp"))
			set_ms(&q->ts, d, v);
		else if (js_str_eq(d, el[2], "modelId"))
			r = set_field(st, &q->model, d, v, AU_MODEL_MAX, "modelId", err);
		else if (js_str_eq(d, el[2], "requestId")) {
			/* the request under its old id has left */
			depart(st, q);
			vs_str id;
			if ((r = set_field(st, &id, d, v, AU_ID_MAX, "requestId", err)) >= 0)
				r = slot_set_id(st, q, id, err);
		}
	} else if (js_str_eq(d, el[2], "result") && js_str_eq(d, el[3], "metadata")) {
		if (n == 4)
			r = meta_load(st, q, d, js_typeof(d, v) == JS_OBJECT ? v : -1, err);
		else if (n == 5 && js_str_eq(d, el[4], "promptTokens"))
			set_count(&q->meta_prompt, d, v);
		else if (n == 5 && js_str_eq(d, el[4], "outputTokens"))
			set_count(&q->meta_output, d, v);
		else if (n == 5 && js_str_eq(d, el[4], "resolvedModel"))
			r = set_field(st, &q->resolved, d, v, AU_MODEL_MAX, "resolvedModel", err);
	}
	slot_touched(st, q);
	return r;
}

/*
 * Sets (kind 1) or deletes (kind 3, v == -1) the value at requests[i]...
 * A path into a request that does not exist is ignored (VS Code itself
 * could not apply it), as are an index the table cannot hold and the
 * fields that do not bear on usage.
 */
static int apply_set(vscode_state *st, const js_doc *d, const int *el, int n, int v, au_err *err)
{
	if (n == 1) { /* the whole array */
		truncate_to(st, 0);
		return push_requests(st, d, v, err);
	}
	int64_t i;
	if (!js_int(d, el[1], &i) || i < 0 || i >= VS_MAX_REQUESTS)
		return 0;
	if (n == 2) { /* one whole request */
		if ((uint64_t)i < st->nreq)
			depart(st, &st->req[i]);
		else if (v < 0)
			return 0;
		int r = extend_to(st, (uint64_t)i + 1, err);
		return r < 0 ? r : slot_load(st, &st->req[i], d, v, err);
	}
	if ((uint64_t)i >= st->nreq)
		return 0; /* a field of a request that is not there */
	return set_request_field(st, &st->req[i], d, el, n, v, err);
}

/* Applies one entry of the log. */
static int apply_entry(vscode_state *st, const js_doc *d, au_err *err)
{
	int64_t kind;
	if (!js_int(d, js_get(d, 0, "kind"), &kind))
		return 0;
	int v = js_get(d, 0, "v");
	if (kind == 0) { /* a whole snapshot: the log starts again */
		char buf[AU_PATH_MAX];
		if (get_str(buf, AU_ID_MAX, d, js_get(d, v, "sessionId")) < 0)
			return au_fail(err, EINVAL, "sessionId " AU_ID_NUL_MSG);
		/* before the table goes: what leaves it counts under the new
		 * session, as a replay of the whole file counts it */
		int r = intern(st, buf[0] ? buf : st->w.stem, &st->session, err);
		if (r < 0)
			return r;
		set_ms(&st->created, d, js_get(d, v, "creationDate"));
		truncate_to(st, 0);
		return push_requests(st, d, js_get(d, v, "requests"), err);
	}
	int el[PATH_MAX_ELEMS];
	int n = path_elems(d, js_get(d, 0, "k"), el);
	if (n < 1 || n > PATH_MAX_ELEMS || !js_str_eq(d, el[0], "requests"))
		return 0;
	if (kind == 1)
		return apply_set(st, d, el, n, v, err);
	if (kind == 3)
		return apply_set(st, d, el, n, -1, err);
	if (kind == 2 && n == 1) { /* push, after cutting the array at i */
		int64_t i;
		if (js_int(d, js_get(d, 0, "i"), &i) && i >= 0) {
			if ((uint64_t)i <= st->nreq)
				truncate_to(st, (uint32_t)i);
			else {
				int r = extend_to(st, (uint64_t)i, err);
				if (r < 0)
					return r;
			}
		}
		return push_requests(st, d, v, err);
	}
	return 0;
}

/* ---- what the store holds ------------------------------------------------ */

static bool same_count(const vscode_state *st, const vs_count *a, const vs_count *b)
{
	return a->ts == b->ts && a->in == b->in && a->out == b->out && a->session == b->session &&
	       strcmp(model_name(S(st, a->model), S(st, a->resolved)),
		      model_name(S(st, b->model), S(st, b->resolved))) == 0;
}

/* What a replay up to here counts for id e: the last request in the table
 * with that id that counts, else what the last one to leave counted. */
static bool wanted(const vscode_state *st, const vs_key *e, vs_count *c)
{
	if (e->live)
		for (uint32_t i = st->nreq; i-- > 0;)
			if (st->req[i].id == e->id && slot_count(st, &st->req[i], c))
				return true;
	if (e->has_gone) {
		*c = e->gone;
		return true;
	}
	return false;
}

static int send(const vscode_state *st, vs_str id, const vs_count *c, bool retract, au_emit_fn emit, void *ctx)
{
	au_event ev;
	fill_event(&ev, S(st, id), model_name(S(st, c->model), S(st, c->resolved)), S(st, c->session), st->w.cwd,
		   c);
	ev.retract = retract;
	return emit(ctx, &ev);
}

/* Hands out the counts the line changed, withdraws the ones it ended, and
 * forgets the ids nothing holds any more. */
static int settle(vscode_state *st, au_emit_fn emit, void *ctx, au_err *err)
{
	int r = 0;
	for (uint32_t k = 0; k < st->nkeys; k++) {
		vs_key *e = &st->key[k];
		if (!e->dirty)
			continue;
		e->dirty = 0;
		vs_count c;
		bool want = wanted(st, e, &c);
		if (want ? e->has_stored && same_count(st, &c, &e->stored) : !e->has_stored)
			continue;
		if (r >= 0)
			r = send(st, e->id, want ? &c : &e->stored, !want, emit, ctx);
		if (want)
			e->stored = c;
		else
			memset(&e->stored, 0, sizeof(e->stored));
		e->has_stored = want;
	}
	uint32_t o = 0;
	for (uint32_t k = 0; k < st->nkeys; k++)
		if (st->key[k].live || st->key[k].has_gone || st->key[k].has_stored)
			st->key[o++] = st->key[k];
	memset(&st->key[o], 0, (st->nkeys - o) * sizeof(st->key[0]));
	st->nkeys = o;
	return r < 0 ? au_fail(err, -r, "stopped by the caller") : 0;
}

/* An empty table, as before the first line (the path stays). */
static void reset(vscode_state *st, bool broken)
{
	size_t from = offsetof(vscode_state, broken);
	memset((char *)st + from, 0, sizeof(*st) - from);
	st->broken = broken;
	st->created = -1;
	st->pool_len = 1;
	if (!broken)
		intern(st, st->w.stem, &st->session, NULL); /* fits an empty pool */
}

/* The log cannot be replayed past this line: nothing of it counts. */
static void give_up(vscode_state *st)
{
	reset(st, true);
}

/*
 * Whether a log line certainly changes nothing that matters, told from its
 * head without parsing it: {"kind":N,"k":["requests",I,"<field>" for a
 * field no count or model comes from (the response text, references and
 * the like: the bulk of the log), or a path outside requests. Anything
 * else, including any escape, a snapshot (kind 0) and a push or splice of
 * the array itself (["requests"]), is parsed.
 */
static bool boring_line(const char *line, size_t len)
{
	static const char head[] = "{\"kind\":";
	static const char path[] = ",\"k\":[\"";
	const size_t hl = sizeof(head) - 1, pl = sizeof(path) - 1;
	if (len < hl + 1 + pl + 16 || memcmp(line, head, hl) != 0 || line[hl] < '1' || line[hl] > '3' ||
	    memcmp(line + hl + 1, path, pl) != 0)
		return false;
	const char *p = line + hl + 1 + pl, *end = line + len;
	const char *q = memchr(p, '"', (size_t)(end - p));
	if (!q || memchr(p, '\\', (size_t)(q - p)))
		return false;
	if ((size_t)(q - p) != 8 || memcmp(p, "requests", 8) != 0)
		return true; /* a session field: the title, the input box, ... */
	p = q + 1;
	if (p >= end || *p != ',')
		return false;
	p++;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (end - p < 3 || p[0] != ',' || p[1] != '"')
		return false;
	p += 2;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q || memchr(p, '\\', (size_t)(q - p)))
		return false;
	static const char *const fields[] = {"requestId", "timestamp", "modelId", "promptTokens", "completionTokens",
					     "result"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((size_t)(q - p) == strlen(fields[i]) && memcmp(p, fields[i], (size_t)(q - p)) == 0)
			return false;
	return true;
}

static bool vscode_candidate(const char *line, size_t len)
{
	return !blank(line, len) && !boring_line(line, len);
}

static void vscode_init(void *vs, const char *path)
{
	vscode_state *st = vs;
	where_init(&st->w, path);
	reset(st, false);
}

static int vscode_parse_line(void *vs, const char *line, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	vscode_state *st = vs;
	if (st->broken || blank(line, len))
		return 0;
	js_doc *d = js_thread_doc();
	au_err perr;
	int r = js_parse(d, line, len, &perr);
	if (r < 0)
		r = au_fail(err, EINVAL, "%s", perr.msg);
	else
		r = apply_entry(st, d, err);
	if (r < 0) {
		give_up(st);
		if (err) {
			size_t n = strnlen(err->msg, sizeof(err->msg));
			snprintf(err->msg + n, sizeof(err->msg) - n,
				 "; the chat log cannot be replayed past this line: what it "
				 "counted before stays, the rest waits until VS Code rewrites it");
		}
		return r;
	}
	return settle(st, emit, ctx, err);
}

/* ---- the saved state ----------------------------------------------------- */

/*
 * One line of tokens, each after a single space, numbers in decimal:
 *
 *   vscode-jsonl 1 <broken> <created> <nstrings> <nrequests> <nids> <session>
 *   then nstrings times   <string>
 *   then nrequests times  <id> <model> <resolved> <timestamp> <promptTokens>
 *                         <completionTokens> <metadata.promptTokens>
 *                         <metadata.outputTokens>
 *   then nids times       <id> <stored> <gone>   (oldest first)
 *
 * A string is written once, its bytes outside '!'..'~' and '%' as %XX, and
 * referred to by its number (from 1; 0 is ""); a count or timestamp is -1
 * when absent; <stored> and <gone> are each
 * <0|1> <timestamp> <input> <output> <model> <resolved> <session>, all 0
 * after a 0. The order is the one each_ref() walks, so equal states save
 * equal text. At the caps it is some 150 KiB; for a session of 50
 * requests, about 10.
 */

typedef struct save_ctx {
	const vscode_state *st;
	uint16_t *num; /* a string's number, by its ref */
	uint32_t n;
	au_buf strings;
} save_ctx;

static void put_string(au_buf *b, const char *s)
{
	au_buf_append(b, " ", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c > ' ' && c < 0x7f && c != '%')
			au_buf_append(b, s, 1);
		else
			au_buf_printf(b, "%%%02X", c);
	}
}

static void number_ref(vs_str *ref, void *vc)
{
	save_ctx *sc = vc;
	if (*ref && !sc->num[*ref]) {
		sc->num[*ref] = (uint16_t)++sc->n;
		put_string(&sc->strings, S(sc->st, *ref));
	}
}

static void put_count(au_buf *b, const save_ctx *sc, bool has, const vs_count *c)
{
	au_buf_printf(b, " %d %" PRId64 " %" PRId64 " %" PRId64 " %u %u %u", has, c->ts, c->in, c->out,
		      sc->num[c->model], sc->num[c->resolved], sc->num[c->session]);
}

static char *vscode_save(const void *vs)
{
	/* each_ref() only hands number_ref() the refs to read */
	vscode_state *st = (vscode_state *)vs;
	/* refs are below pool_len; a pool of 64 KiB holds fewer than 65536 / 3 strings */
	save_ctx sc = {.st = st, .num = xcalloc(st->pool_len, sizeof(uint16_t))};
	au_buf_init(&sc.strings, 0);
	each_ref(st, number_ref, &sc);
	au_buf b;
	au_buf_init(&b, 0);
	au_buf_printf(&b, "vscode-jsonl 1 %d %" PRId64 " %u %u %u %u", st->broken, st->created, sc.n, st->nreq,
		      st->nkeys, sc.num[st->session]);
	if (sc.strings.len)
		au_buf_append(&b, sc.strings.data, sc.strings.len);
	for (uint32_t i = 0; i < st->nreq; i++) {
		const vs_slot *q = &st->req[i];
		au_buf_printf(&b, " %u %u %u %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, sc.num[q->id],
			      sc.num[q->model], sc.num[q->resolved], q->ts, q->prompt, q->completion, q->meta_prompt,
			      q->meta_output);
	}
	for (uint32_t k = 0; k < st->nkeys; k++) {
		const vs_key *e = &st->key[k];
		au_buf_printf(&b, " %u", sc.num[e->id]);
		put_count(&b, &sc, e->has_stored, &e->stored);
		put_count(&b, &sc, e->has_gone, &e->gone);
	}
	au_buf_release(&sc.strings);
	free(sc.num);
	return b.data;
}

/* A reader of the saved text: any check that fails fails the whole load. */
typedef struct reader {
	const char *p;
	bool ok;
} reader;

/* The next token, after its space: its start, and its length in *len. */
static const char *get_token(reader *rd, size_t *len)
{
	*len = 0;
	if (!rd->ok || *rd->p != ' ') {
		rd->ok = false;
		return "";
	}
	const char *t = ++rd->p;
	while (*rd->p && *rd->p != ' ')
		rd->p++;
	*len = (size_t)(rd->p - t);
	rd->ok = *len > 0;
	return t;
}

/* A decimal in [lo, hi]. */
static int64_t get_num(reader *rd, int64_t lo, int64_t hi)
{
	size_t n;
	const char *t = get_token(rd, &n);
	size_t i = n > 0 && t[0] == '-';
	int64_t v = 0;
	if (n - i < 1 || n - i > 18)
		rd->ok = false;
	for (; rd->ok && i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			rd->ok = false;
		v = v * 10 + (t[i] - '0');
	}
	if (n > 0 && t[0] == '-')
		v = -v;
	if (!rd->ok || v < lo || v > hi) {
		rd->ok = false;
		return lo;
	}
	return v;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A string into buf (AU_ID_MAX): no NUL, shorter than AU_ID_MAX. */
static void get_string(reader *rd, char *buf)
{
	size_t len, n = 0;
	const char *t = get_token(rd, &len);
	for (size_t i = 0; rd->ok && i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == '%' && i + 2 < len && hex(t[i + 1]) >= 0 && hex(t[i + 2]) >= 0) {
			c = (unsigned char)(hex(t[i + 1]) * 16 + hex(t[i + 2]));
			i += 2;
		} else if (c <= ' ' || c >= 0x7f || c == '%') {
			rd->ok = false;
		}
		if (c == 0 || n + 1 >= AU_ID_MAX)
			rd->ok = false;
		buf[n++] = (char)c;
	}
	buf[rd->ok ? n : 0] = '\0';
}

static vs_str get_ref(reader *rd, const vs_str *refs, uint32_t n)
{
	return refs[get_num(rd, 0, n)];
}

static void get_count(reader *rd, const vs_str *refs, uint32_t nstr, uint8_t *has, vs_count *c)
{
	*has = (uint8_t)get_num(rd, 0, 1);
	c->ts = get_num(rd, 0, *has ? ts_end() - 1 : 0);
	c->in = get_num(rd, 0, *has ? AU_TOKENS_MAX : 0);
	c->out = get_num(rd, 0, *has ? AU_TOKENS_MAX : 0);
	c->model = get_ref(rd, refs, *has ? nstr : 0);
	c->resolved = get_ref(rd, refs, *has ? nstr : 0);
	c->session = get_ref(rd, refs, *has ? nstr : 0);
	if (*has && c->in == 0 && c->out == 0)
		rd->ok = false;
}

static bool load_text(vscode_state *st, const char *text)
{
	static const char head[] = "vscode-jsonl 1";
	if (strncmp(text, head, sizeof(head) - 1) != 0)
		return false;
	reader rd = {.p = text + sizeof(head) - 1, .ok = true};
	bool broken = get_num(&rd, 0, 1);
	int64_t created = get_num(&rd, -1, ts_end() - 1);
	uint32_t nstr = (uint32_t)get_num(&rd, 0, broken ? 0 : VS_POOL_BYTES / 3);
	uint32_t nreq = (uint32_t)get_num(&rd, 0, broken ? 0 : VS_MAX_REQUESTS);
	uint32_t nkeys = (uint32_t)get_num(&rd, 0, broken ? 0 : VS_MAX_KEYS);
	uint32_t session = (uint32_t)get_num(&rd, 0, nstr);
	if (!rd.ok)
		return false;
	reset(st, broken);
	if (broken)
		return *rd.p == '\0' && created == -1;
	st->created = created;
	vs_str *refs = xcalloc(nstr + 1, sizeof(*refs));
	char buf[AU_ID_MAX];
	for (uint32_t i = 1; i <= nstr && rd.ok; i++) {
		get_string(&rd, buf);
		/* no collection: refs[] is not in the state yet */
		rd.ok = rd.ok && intern_gc(st, buf, &refs[i], false, NULL) == 0;
	}
	st->session = refs[session];
	for (uint32_t i = 0; i < nreq && rd.ok; i++) {
		vs_slot *q = &st->req[st->nreq++];
		q->id = get_ref(&rd, refs, nstr);
		q->model = get_ref(&rd, refs, nstr);
		q->resolved = get_ref(&rd, refs, nstr);
		q->ts = get_num(&rd, -1, ts_end() - 1);
		q->prompt = get_num(&rd, -1, AU_TOKENS_MAX);
		q->completion = get_num(&rd, -1, AU_TOKENS_MAX);
		q->meta_prompt = get_num(&rd, -1, AU_TOKENS_MAX);
		q->meta_output = get_num(&rd, -1, AU_TOKENS_MAX);
	}
	for (uint32_t k = 0; k < nkeys && rd.ok; k++) {
		vs_str id = get_ref(&rd, refs, nstr);
		rd.ok = rd.ok && id && key_find(st, id) < 0;
		vs_key *e = &st->key[st->nkeys++];
		e->id = id;
		get_count(&rd, refs, nstr, &e->has_stored, &e->stored);
		get_count(&rd, refs, nstr, &e->has_gone, &e->gone);
	}
	free(refs);
	if (!rd.ok || *rd.p != '\0')
		return false;
	/* every request's id has its entry; every entry is held by something */
	for (uint32_t i = 0; i < st->nreq; i++) {
		int k = st->req[i].id ? key_find(st, st->req[i].id) : -1;
		if (k >= 0)
			st->key[k].live++;
		else if (st->req[i].id)
			return false;
	}
	for (uint32_t k = 0; k < st->nkeys; k++)
		if (!st->key[k].live && !st->key[k].has_gone)
			return false;
	return true;
}

static int vscode_load(void *vs, const char *text, au_err *err)
{
	vscode_state *st = vs;
	if (load_text(st, text))
		return 0;
	reset(st, false);
	return au_fail(err, EINVAL, "unreadable saved vscode state");
}

/* ---- the legacy whole-file session -------------------------------------- */

/* {"version":3,"sessionId",...,"requests":[...]}: every request that counts,
 * in order. */
static int vscode_json_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx,
				  au_err *err)
{
	const vs_where *w = vs;
	if (blank(data, len))
		return 0; /* created empty, not yet written */
	js_doc d;
	js_doc_init(&d);
	int r = js_parse(&d, data, len, err);
	int arr = r < 0 ? -1 : js_get(&d, 0, "requests");
	if (js_typeof(&d, arr) == JS_ARRAY) {
		uint32_t n = 0, end = d.toks[arr].next;
		for (uint32_t t = (uint32_t)arr + 1; t < end; t = d.toks[t].next)
			n++;
		if (n > VS_JSON_MAX_REQUESTS)
			r = au_fail(err, EFBIG, "more than %d requests in one chat session", VS_JSON_MAX_REQUESTS);
	}
	if (r >= 0 && js_typeof(&d, arr) == JS_ARRAY) {
		char session[AU_PATH_MAX];
		if (get_str(session, AU_ID_MAX, &d, js_get(&d, 0, "sessionId")) < 0)
			r = au_fail(err, EINVAL, "sessionId " AU_ID_NUL_MSG);
		if (!session[0])
			memcpy(session, w->stem, sizeof(w->stem));
		int64_t created;
		set_ms(&created, &d, js_get(&d, 0, "creationDate"));
		uint32_t end = d.toks[arr].next;
		for (uint32_t t = (uint32_t)arr + 1; t < end && r >= 0; t = d.toks[t].next) {
			vs_fields f;
			vs_count c;
			if (fields_load(&f, &d, (int)t) < 0) {
				r = au_fail(err, EINVAL, "requestId " AU_ID_NUL_MSG);
				break;
			}
			if (!count_values(f.id[0] != '\0', f.ts, f.prompt, f.completion, f.meta_prompt, f.meta_output,
					  created, &c))
				continue;
			au_event ev;
			fill_event(&ev, f.id, model_name(f.model, f.resolved), session, w->cwd, &c);
			int er = emit(ctx, &ev);
			if (er < 0)
				r = au_fail(err, -er, "stopped by the caller");
		}
	}
	js_doc_release(&d);
	return r < 0 ? r : 0;
}

/* The mutation log. Not named "vscode" like the whole-file reader it
 * replaces: a file that reader left behind has no saved table to resume
 * from, and a cursor of another parser is read again from the start. */
const au_parser_ops au_parser_vscode = {
	.name = "vscode-jsonl",
	.source = AU_SRC_VSCODE,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(vscode_state),
	.init = vscode_init,
	.candidate = vscode_candidate,
	.parse_line_emit = vscode_parse_line,
	.save = vscode_save,
	.load = vscode_load,
};

const au_parser_ops au_parser_vscode_json = {
	.name = "vscode-json",
	.source = AU_SRC_VSCODE,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(vs_where),
	.init = where_init,
	.parse_file = vscode_json_parse_file,
};
