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

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
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
	const char *base;
	size_t n = au_log_stem(path, &base);
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
	return au_memmem(line, len, "\"usage\"", 7) != NULL;
}

/* A string member copied into dst: false if absent or too long. */
static bool get_str(const js_doc *d, int obj, const char *key, char *dst, size_t cap)
{
	return js_get_str(d, obj, key, dst, cap) >= 0;
}

static int claude_parse(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	claude_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;

	int root = 0, rec = root;
	/* The record types Claude Code writes (summary, custom-title,
	 * file-history-snapshot and queue-operation apart from the messages:
	 * jeremedia/claude-code-log-format, source-docs/JSONL_LOGGING.md;
	 * oneryalcin/agent-schemas, claude-code/README.md). Another one on a
	 * line that mentions usage is named for the scan to note once; its
	 * usage, if it holds some in the usual place, still counts. */
	static const char *const types[] = {"user",         "assistant",         "system",
					    "summary",      "progress",          "file-history-snapshot",
					    "queue-operation", "custom-title",   NULL};
	char note[AU_FIELD_MAX] = "";
	int type = js_get(d, root, "type");
	if (js_typeof(d, type) == JS_STRING && !js_str_in(d, type, types)) {
		char name[AU_FIELD_MAX - 5];
		js_str_cut(d, type, name, sizeof(name));
		snprintf(note, sizeof(note), "type:%s", name);
		memcpy(ev->unknown, note, sizeof(note));
	}
	if (js_str_eq(d, type, "progress")) {
		int data = js_get_obj(d, root, "data");
		int inner = js_get_obj(d, data, "message");
		if (inner < 0 || !js_str_eq(d, js_get(d, data, "type"), "agent_progress"))
			return 0;
		rec = inner;
	}

	int msg = js_get_obj(d, rec, "message");
	int usage = js_get_obj(d, msg, "usage");
	int64_t in, out;
	if (usage < 0 || !js_int(d, js_get(d, usage, "input_tokens"), &in) ||
	    !js_int(d, js_get(d, usage, "output_tokens"), &out))
		return 0; /* a "usage" key somewhere else: not a record */

	memset(ev, 0, sizeof(*ev));
	memcpy(ev->unknown, note, sizeof(note));
	char ts[64];
	int tst = js_get(d, rec, "timestamp");
	if (js_typeof(d, tst) != JS_STRING)
		return au_fail(err, EINVAL, "usage record without a timestamp");
	int tslen = js_str(d, tst, ts, sizeof(ts));
	if (tslen < 0 || au_parse_iso8601_ms(ts, (size_t)tslen, &ev->ts_ms) < 0)
		return au_fail(err, EINVAL, "unparseable timestamp");

	int mt = js_get(d, msg, "model");
	if (js_str_eq(d, mt, "<synthetic>"))
		return 0; /* locally generated error messages: zero usage */
	if (js_typeof(d, mt) == JS_STRING) {
		if (js_str(d, mt, ev->model, sizeof(ev->model)) < 0)
			return au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
	}
	if (!ev->model[0])
		strcpy(ev->model, "unknown");

	int64_t cc = js_int_or(d, usage, "cache_creation_input_tokens", 0);
	int64_t cr = js_int_or(d, usage, "cache_read_input_tokens", 0);
	if (in < 0 || out < 0 || cc < 0 || cr < 0 || in > AU_TOKENS_MAX || out > AU_TOKENS_MAX ||
	    cc > AU_TOKENS_MAX || cr > AU_TOKENS_MAX)
		return au_fail(err, EINVAL, "token count out of range");
	/* The total is authoritative; the split only says which part is 1h. */
	int64_t cc1h = 0;
	int split = js_get_obj(d, usage, "cache_creation");
	if (split >= 0) {
		cc1h = js_int_or(d, split, "ephemeral_1h_input_tokens", 0);
		if (cc1h < 0)
			cc1h = 0;
		if (cc1h > cc)
			cc1h = cc;
	}
	/* what Claude Code's usage objects hold today; anything else is news
	 * (and named rather than an unknown record type: one name a record) */
	static const char *const known[] = {"input_tokens", "output_tokens", "cache_creation_input_tokens",
					    "cache_read_input_tokens", "cache_creation", "service_tier",
					    "server_tool_use", "speed", "inference_geo", NULL};
	js_unknown_key(d, usage, known, ev->unknown, sizeof(ev->unknown));
	ev->source = AU_SRC_CLAUDE;
	ev->dedup = AU_DEDUP_BEST;
	ev->tok.input = in;
	ev->tok.output = out;
	ev->tok.cache_read = cr;
	ev->tok.cache_create_1h = cc1h;
	ev->tok.cache_create_5m = cc - cc1h;
	ev->sidechain = js_typeof(d, js_get(d, rec, "isSidechain")) == JS_TRUE;
	/* Priced modes (pricing.h au_cost_pico_mode): Claude Code writes the
	 * API's usage.speed ("fast" for fast mode) and usage.inference_geo
	 * ("us" for US-only inference; "global" or absent is standard). */
	if (js_str_eq(d, js_get(d, usage, "speed"), "fast"))
		ev->price_mode |= AU_MODE_FAST;
	if (js_str_eq(d, js_get(d, usage, "inference_geo"), "us"))
		ev->price_mode |= AU_MODE_GEO_US;

	int idt = js_get(d, msg, "id");
	if (js_typeof(d, idt) == JS_STRING && d->toks[idt].end > d->toks[idt].start) {
		char req[AU_ID_MAX];
		int n = js_id(d, idt, ev->msg_id, sizeof(ev->msg_id));
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "message id " AU_ID_NUL_MSG);
		if (n < 0)
			return au_fail(err, EINVAL, "message id too long");
		n = js_get_id(d, rec, "requestId", req, sizeof(req));
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "request id " AU_ID_NUL_MSG);
		if (n <= 0)
			strcpy(req, "none");
		/* "c:<msg_id>\x1f<requestId>", without printf's cost on every record */
		size_t mn = strlen(ev->msg_id), rn = strlen(req);
		if (2 + mn + 1 + rn >= sizeof(ev->key))
			return au_fail(err, EINVAL, "message id too long");
		memcpy(ev->key, "c:", 2);
		memcpy(ev->key + 2, ev->msg_id, mn);
		ev->key[2 + mn] = '\x1f';
		memcpy(ev->key + 3 + mn, req, rn + 1);
	}

	int sn = js_get_id(d, rec, "sessionId", ev->session, sizeof(ev->session));
	if (sn == -1)
		sn = js_get_id(d, root, "sessionId", ev->session, sizeof(ev->session));
	if (sn == -EILSEQ)
		return au_fail(err, EINVAL, "session id " AU_ID_NUL_MSG);
	if (sn <= 0)
		ju_copy(ev->session, sizeof(ev->session), st->session);
	if (!get_str(d, rec, "cwd", ev->cwd, sizeof(ev->cwd)) && !get_str(d, root, "cwd", ev->cwd, sizeof(ev->cwd)))
		ju_copy(ev->cwd, sizeof(ev->cwd), st->project_dir);
	return 1;
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
