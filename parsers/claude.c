/*
 * Claude Code transcripts (~/.claude/projects/<encoded-cwd>/<session>.jsonl).
 * One usage record per assistant line (message.usage); streaming writes
 * several copies of one response, so every record carries the dedup key
 * (message.id, requestId) and the store keeps the copy with the largest
 * total. Progress lines carry a subagent's record under data.message.
 * Counting rules: shared/docs/formats.md, "Claude Code".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json_util.h"
#include "parser.h"

typedef struct claude_state {
	/* Fallbacks when a line lacks sessionId / cwd: from the path. */
	char session[AU_ID_MAX];
	char project_dir[AU_PATH_MAX];
} claude_state;

static void claude_init(void *vs, const char *path)
{
	claude_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	/* Session: the file stem, or for .../<session>/subagents/x.jsonl the
	 * session directory. Project: the directory right under projects/. */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0)
		n -= 6;
	const char *sub = strstr(path, "/subagents/");
	if (sub) {
		const char *end = sub, *start = end;
		while (start > path && start[-1] != '/')
			start--;
		if ((size_t)(end - start) < sizeof(st->session))
			memcpy(st->session, start, (size_t)(end - start));
	} else if (n < sizeof(st->session)) {
		memcpy(st->session, base, n);
	}
	const char *proj = strstr(path, "/projects/");
	if (proj) {
		proj += strlen("/projects/");
		const char *slash = strchr(proj, '/');
		size_t pn = slash ? (size_t)(slash - proj) : strlen(proj);
		if (pn < sizeof(st->project_dir))
			memcpy(st->project_dir, proj, pn);
	}
}

static bool claude_candidate(const char *line, size_t len)
{
	return memmem(line, len, "\"usage\"", 7) != NULL;
}

static bool nonneg(int64_t v)
{
	return v >= 0;
}

static int claude_parse(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	claude_state *st = vs;
	json_error_t jerr;
	json_t *root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
	if (!root)
		return au_fail(err, EINVAL, "invalid JSON at column %d: %s", jerr.column, jerr.text);

	int r = 0;
	json_t *rec = root;
	const char *type = ju_str(root, "type");
	if (type && strcmp(type, "progress") == 0) {
		json_t *data = ju_obj(root, "data");
		const char *dtype = ju_str(data, "type");
		json_t *inner = ju_obj(data, "message");
		if (!dtype || strcmp(dtype, "agent_progress") != 0 || !inner)
			goto out;
		rec = inner;
	}

	json_t *msg = ju_obj(rec, "message");
	json_t *usage = ju_obj(msg, "usage");
	int64_t in, out;
	if (!usage || !ju_int(usage, "input_tokens", &in) || !ju_int(usage, "output_tokens", &out))
		goto out; /* a "usage" key somewhere else: not a record */
	const char *ts = ju_str(rec, "timestamp");
	if (!ts) {
		r = au_fail(err, EINVAL, "usage record without a timestamp");
		goto out;
	}

	memset(ev, 0, sizeof(*ev));
	if (au_parse_iso8601_ms(ts, strlen(ts), &ev->ts_ms) < 0) {
		r = au_fail(err, EINVAL, "unparseable timestamp \"%.40s\"", ts);
		goto out;
	}

	const char *model = ju_str(msg, "model");
	if (model && strcmp(model, "<synthetic>") == 0)
		goto out; /* locally generated error messages: zero usage */
	if (!ju_copy(ev->model, sizeof(ev->model), model && *model ? model : "unknown")) {
		r = au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
		goto out;
	}

	int64_t cc = ju_int_or(usage, "cache_creation_input_tokens", 0);
	int64_t cr = ju_int_or(usage, "cache_read_input_tokens", 0);
	if (!nonneg(in) || !nonneg(out) || !nonneg(cc) || !nonneg(cr)) {
		r = au_fail(err, EINVAL, "negative token count");
		goto out;
	}
	/* The total is authoritative; the split only says which part is 1h. */
	int64_t cc1h = 0;
	json_t *split = ju_obj(usage, "cache_creation");
	if (split) {
		cc1h = ju_int_or(split, "ephemeral_1h_input_tokens", 0);
		if (cc1h < 0)
			cc1h = 0;
		if (cc1h > cc)
			cc1h = cc;
	}
	ev->source = AU_SRC_CLAUDE;
	ev->dedup = AU_DEDUP_BEST;
	ev->tok.input = in;
	ev->tok.output = out;
	ev->tok.cache_read = cr;
	ev->tok.cache_create_1h = cc1h;
	ev->tok.cache_create_5m = cc - cc1h;

	json_t *side = json_object_get(rec, "isSidechain");
	ev->sidechain = json_is_true(side);

	const char *id = ju_str(msg, "id");
	if (id && *id) {
		const char *req = ju_str(rec, "requestId");
		if (!req || !*req)
			req = "none";
		if (!ju_copy(ev->msg_id, sizeof(ev->msg_id), id) ||
		    (size_t)snprintf(ev->key, sizeof(ev->key), "c:%s\x1f%s", id, req) >= sizeof(ev->key)) {
			r = au_fail(err, EINVAL, "message id too long");
			goto out;
		}
	}

	const char *session = ju_str(rec, "sessionId");
	if (!session)
		session = ju_str(root, "sessionId");
	ju_copy(ev->session, sizeof(ev->session), session && *session ? session : st->session);

	const char *cwd = ju_str(rec, "cwd");
	if (!cwd)
		cwd = ju_str(root, "cwd");
	if (!cwd || !ju_copy(ev->cwd, sizeof(ev->cwd), cwd))
		ju_copy(ev->cwd, sizeof(ev->cwd), st->project_dir);
	r = 1;
out:
	json_decref(root);
	return r;
}

const au_parser_ops au_parser_claude = {
	.name = "claude",
	.source = AU_SRC_CLAUDE,
	.state_size = sizeof(claude_state),
	.init = claude_init,
	.candidate = claude_candidate,
	.parse_line = claude_parse,
	.save = NULL,
	.load = NULL,
};
