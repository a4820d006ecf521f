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
 * The log is replayed whole on every read (AU_STORAGE_FILE) although VS
 * Code appends to it: one line (a snapshot, a splice) can carry many
 * finished requests, and a JSONL parser hands out one event per line; VS
 * Code also rewrites the log as a fresh snapshot every 1024 entries. A
 * request spliced out of the session (an edited or undone turn) was still
 * sent and billed: it counts with the tokens it had when it left.
 * Counting rules: shared/docs/formats.md, "VS Code Copilot Chat" (3b).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "json_util.h"
#include "parser.h"

/* Far beyond any real chat (a turn each), and a bound on the memory a
 * hostile file can make the replay take (about 700 bytes a request). */
#define VS_MAX_REQUESTS 20000

typedef struct vscode_state {
	char session[AU_ID_MAX]; /* the file stem, until the log names it */
	/* the workspace storage directory (.../workspaceStorage/<hash>), or
	 * "" for windows without a folder; its workspace.json names the folder */
	char cwd[AU_PATH_MAX];
} vscode_state;

/* One request as the replay has it so far; counts are -1 when absent. */
typedef struct vs_req {
	char id[AU_ID_MAX];
	char model[AU_MODEL_MAX];    /* modelId: "copilot/claude-sonnet-4.5" */
	char resolved[AU_MODEL_MAX]; /* result.metadata.resolvedModel */
	int64_t ts;                  /* ms since the epoch */
	int64_t prompt, completion;  /* the request's own fields */
	int64_t meta_prompt, meta_output;
} vs_req;

typedef struct vs_replay {
	const vscode_state *st;
	char session[AU_ID_MAX];
	int64_t created; /* the session's creationDate: a request without a timestamp */
	vs_req *req;
	size_t n, cap;
	au_emit_fn emit;
	void *ctx;
	int r; /* the first failing emit */
} vs_replay;

static void vscode_init(void *vs, const char *path)
{
	vscode_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n < sizeof(st->session))
		memcpy(st->session, base, n);

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
	    hash_end >= sizeof(st->cwd))
		return;
	memcpy(st->cwd, path, hash_end);
	st->cwd[hash_end] = '\0';
}

/* ---- values ------------------------------------------------------------ */

static void set_str(char *dst, size_t cap, const js_doc *d, int t)
{
	char buf[AU_PATH_MAX];
	if (js_typeof(d, t) == JS_STRING && js_str(d, t, buf, sizeof(buf)) >= 0 && strlen(buf) < cap)
		memcpy(dst, buf, strlen(buf) + 1);
	else
		dst[0] = '\0';
}

static void set_count(int64_t *dst, const js_doc *d, int t)
{
	if (!js_int(d, t, dst) || *dst < 0 || *dst > AU_TOKENS_MAX)
		*dst = -1;
}

/* A timestamp in ms that the reports can place (years 1970..9999). */
static void set_ms(int64_t *dst, const js_doc *d, int t)
{
	if (!js_int(d, t, dst) || *dst < 0 || *dst >= au_days_from_civil(10000, 1, 1) * 86400000)
		*dst = -1;
}

static void req_clear(vs_req *q)
{
	memset(q, 0, sizeof(*q));
	q->ts = q->prompt = q->completion = q->meta_prompt = q->meta_output = -1;
}

static void meta_load(vs_req *q, const js_doc *d, int md)
{
	set_count(&q->meta_prompt, d, js_get(d, md, "promptTokens"));
	set_count(&q->meta_output, d, js_get(d, md, "outputTokens"));
	set_str(q->resolved, sizeof(q->resolved), d, js_get(d, md, "resolvedModel"));
}

static void result_load(vs_req *q, const js_doc *d, int result)
{
	meta_load(q, d, js_get_obj(d, result, "metadata"));
}

static void req_load(vs_req *q, const js_doc *d, int o)
{
	req_clear(q);
	if (js_typeof(d, o) != JS_OBJECT)
		return;
	set_str(q->id, sizeof(q->id), d, js_get(d, o, "requestId"));
	set_ms(&q->ts, d, js_get(d, o, "timestamp"));
	set_str(q->model, sizeof(q->model), d, js_get(d, o, "modelId"));
	set_count(&q->prompt, d, js_get(d, o, "promptTokens"));
	set_count(&q->completion, d, js_get(d, o, "completionTokens"));
	result_load(q, d, js_get(d, o, "result"));
}

/* ---- events ------------------------------------------------------------ */

/* Hands out what a request has counted, if anything. */
static void req_emit(vs_replay *rp, const vs_req *q)
{
	int64_t in = q->prompt >= 0 ? q->prompt : q->meta_prompt;
	int64_t out = q->completion >= 0 ? q->completion : q->meta_output;
	int64_t ts = q->ts >= 0 ? q->ts : rp->created;
	if (rp->r < 0 || !q->id[0] || ts < 0 || (in <= 0 && out <= 0))
		return;
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = AU_SRC_VSCODE;
	/* the copy read last is the request's latest state */
	ev.dedup = AU_DEDUP_LATEST;
	ev.ts_ms = ts;
	/* no cache figures in the session files (formats.md): all input */
	ev.tok.input = in > 0 ? in : 0;
	ev.tok.output = out > 0 ? out : 0;
	const char *model = q->resolved[0] ? q->resolved : q->model;
	if (strncmp(model, "copilot/", 8) == 0 && model[8])
		model += 8;
	ju_copy(ev.model, sizeof(ev.model), *model ? model : "unknown");
	ju_copy(ev.session, sizeof(ev.session), rp->session);
	ju_copy(ev.cwd, sizeof(ev.cwd), rp->st->cwd);
	snprintf(ev.key, sizeof(ev.key), "v:%.250s", q->id);
	rp->r = rp->emit(rp->ctx, &ev);
}

/* Cuts the table to n requests; the ones cut away count as they were. */
static void truncate_to(vs_replay *rp, size_t n)
{
	for (size_t i = n; i < rp->n; i++)
		req_emit(rp, &rp->req[i]);
	if (n < rp->n)
		rp->n = n;
}

static int grow(vs_replay *rp, size_t n, au_err *err)
{
	if (n > VS_MAX_REQUESTS)
		return au_fail(err, EFBIG, "more than %d requests in one chat session", VS_MAX_REQUESTS);
	if (n > rp->cap) {
		rp->cap = rp->cap * 2 > n ? rp->cap * 2 : n;
		rp->req = xrealloc(rp->req, rp->cap * sizeof(*rp->req));
	}
	return 0;
}

/* Lengthens the table to n with empty requests (as a JavaScript array
 * assigned past its end gets holes). */
static int extend_to(vs_replay *rp, size_t n, au_err *err)
{
	int r = grow(rp, n, err);
	if (r < 0)
		return r;
	while (rp->n < n)
		req_clear(&rp->req[rp->n++]);
	return 0;
}

/* Appends the requests of array arr. */
static int push_requests(vs_replay *rp, const js_doc *d, int arr, au_err *err)
{
	if (js_typeof(d, arr) != JS_ARRAY)
		return 0;
	uint32_t end = d->toks[arr].next;
	for (uint32_t t = (uint32_t)arr + 1; t < end; t = d->toks[t].next) {
		int r = grow(rp, rp->n + 1, err);
		if (r < 0)
			return r;
		req_load(&rp->req[rp->n++], d, (int)t);
	}
	return 0;
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

/*
 * Sets (kind 1) or deletes (kind 3, v == -1) the value at requests[i]...
 * A path into a request that does not exist is ignored (VS Code itself
 * could not apply it), as are the fields that do not bear on usage.
 */
static int apply_set(vs_replay *rp, const js_doc *d, const int *el, int n, int v, au_err *err)
{
	if (n == 1) { /* the whole array */
		truncate_to(rp, 0);
		return push_requests(rp, d, v, err);
	}
	int64_t i;
	if (!js_int(d, el[1], &i) || i < 0 || i >= VS_MAX_REQUESTS)
		return 0;
	if (n == 2) { /* one whole request (its requestId changed) */
		if ((size_t)i < rp->n)
			req_emit(rp, &rp->req[i]);
		else if (v < 0)
			return 0;
		int r = extend_to(rp, (size_t)i + 1, err);
		if (r < 0)
			return r;
		req_load(&rp->req[i], d, v);
		return 0;
	}
	if ((size_t)i >= rp->n)
		return 0; /* a field of a request that is not there */
	vs_req *q = &rp->req[i];
	if (n == 3) {
		if (js_str_eq(d, el[2], "promptTokens"))
			set_count(&q->prompt, d, v);
		else if (js_str_eq(d, el[2], "completionTokens"))
			set_count(&q->completion, d, v);
		else if (js_str_eq(d, el[2], "result"))
			result_load(q, d, v);
		else if (js_str_eq(d, el[2], "timestamp"))
			set_ms(&q->ts, d, v);
		else if (js_str_eq(d, el[2], "modelId"))
			set_str(q->model, sizeof(q->model), d, v);
		else if (js_str_eq(d, el[2], "requestId")) {
			req_emit(rp, q);
			set_str(q->id, sizeof(q->id), d, v);
		}
		return 0;
	}
	if (!js_str_eq(d, el[2], "result") || !js_str_eq(d, el[3], "metadata"))
		return 0;
	if (n == 4)
		meta_load(q, d, js_typeof(d, v) == JS_OBJECT ? v : -1);
	else if (n == 5 && js_str_eq(d, el[4], "promptTokens"))
		set_count(&q->meta_prompt, d, v);
	else if (n == 5 && js_str_eq(d, el[4], "outputTokens"))
		set_count(&q->meta_output, d, v);
	else if (n == 5 && js_str_eq(d, el[4], "resolvedModel"))
		set_str(q->resolved, sizeof(q->resolved), d, v);
	return 0;
}

/* Applies one entry of the log. */
static int apply_entry(vs_replay *rp, const js_doc *d, au_err *err)
{
	int64_t kind;
	if (!js_int(d, js_get(d, 0, "kind"), &kind))
		return 0;
	int v = js_get(d, 0, "v");
	if (kind == 0) { /* a whole snapshot: the log starts again */
		set_str(rp->session, sizeof(rp->session), d, js_get(d, v, "sessionId"));
		if (!rp->session[0])
			memcpy(rp->session, rp->st->session, sizeof(rp->session));
		set_ms(&rp->created, d, js_get(d, v, "creationDate"));
		truncate_to(rp, 0);
		return push_requests(rp, d, js_get(d, v, "requests"), err);
	}
	int el[PATH_MAX_ELEMS];
	int n = path_elems(d, js_get(d, 0, "k"), el);
	if (n < 1 || n > PATH_MAX_ELEMS || !js_str_eq(d, el[0], "requests"))
		return 0;
	if (kind == 1)
		return apply_set(rp, d, el, n, v, err);
	if (kind == 3)
		return apply_set(rp, d, el, n, -1, err);
	if (kind == 2 && n == 1) { /* push, after cutting the array at i */
		int64_t i;
		int r = 0;
		if (js_int(d, js_get(d, 0, "i"), &i) && i >= 0) {
			if ((uint64_t)i <= rp->n)
				truncate_to(rp, (size_t)i);
			else
				r = extend_to(rp, i > VS_MAX_REQUESTS ? VS_MAX_REQUESTS + 1 : (size_t)i, err);
		}
		return r < 0 ? r : push_requests(rp, d, v, err);
	}
	return 0;
}

/*
 * Whether a log line certainly changes nothing that matters, told from its
 * head without parsing it: {"kind":N,"k":["requests",I,"<field>" for a
 * field no count or model comes from (the response text, references and
 * the like: the bulk of the log), or a path outside requests. Anything
 * else, including any escape, is parsed.
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

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static void replay_init(vs_replay *rp, const vscode_state *st, au_emit_fn emit, void *ctx)
{
	memset(rp, 0, sizeof(*rp));
	rp->st = st;
	memcpy(rp->session, st->session, sizeof(rp->session));
	rp->created = -1;
	rp->emit = emit;
	rp->ctx = ctx;
}

/* The requests left at the end count with what they have. */
static int replay_finish(vs_replay *rp, int r)
{
	if (r >= 0)
		truncate_to(rp, 0);
	free(rp->req);
	return r < 0 ? r : rp->r < 0 ? rp->r : 0;
}

static bool vscode_candidate(const char *line, size_t len)
{
	return !boring_line(line, len);
}

static int vscode_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	vs_replay rp;
	replay_init(&rp, vs, emit, ctx);
	js_doc *d = js_thread_doc();
	int r = 0;
	size_t lineno = 0;
	for (size_t pos = 0; pos < len && r >= 0;) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		lineno++;
		if (blank(line, n) || !vscode_candidate(line, n))
			continue;
		au_err perr;
		if (js_parse(d, line, n, &perr) < 0) {
			if (!nl)
				break; /* the last line, still being written */
			/* A lost mutation would shift every later index onto the
			 * wrong request: VS Code cannot load such a log either. */
			r = au_fail(err, EINVAL, "line %zu: %s", lineno, perr.msg);
			break;
		}
		r = apply_entry(&rp, d, err);
	}
	return replay_finish(&rp, r);
}

/* The legacy whole-file session: {"version":3,"sessionId",...,"requests":[...]}. */
static int vscode_json_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx,
				  au_err *err)
{
	if (blank(data, len))
		return 0; /* created empty, not yet written */
	vs_replay rp;
	replay_init(&rp, vs, emit, ctx);
	js_doc d;
	js_doc_init(&d);
	int r = js_parse(&d, data, len, err);
	if (r >= 0) {
		set_str(rp.session, sizeof(rp.session), &d, js_get(&d, 0, "sessionId"));
		if (!rp.session[0])
			memcpy(rp.session, rp.st->session, sizeof(rp.session));
		set_ms(&rp.created, &d, js_get(&d, 0, "creationDate"));
		r = push_requests(&rp, &d, js_get(&d, 0, "requests"), err);
	}
	js_doc_release(&d);
	return replay_finish(&rp, r);
}

const au_parser_ops au_parser_vscode = {
	.name = "vscode",
	.source = AU_SRC_VSCODE,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(vscode_state),
	.init = vscode_init,
	.parse_file = vscode_parse_file,
};

const au_parser_ops au_parser_vscode_json = {
	.name = "vscode-json",
	.source = AU_SRC_VSCODE,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(vscode_state),
	.init = vscode_init,
	.parse_file = vscode_json_parse_file,
};
