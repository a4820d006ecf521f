/*
 * Factory's Droid CLI: ~/.factory/sessions/<project>/<session id>.jsonl
 * (the transcript, no token counts) beside <session id>.settings.json, a
 * document rewritten whole as the session runs, whose tokenUsage holds the
 * session's running totals: inputTokens, outputTokens,
 * cacheCreationTokens, cacheReadTokens, thinkingTokens; with model and
 * providerLock / providerLockTimestamp (when the provider was chosen).
 * Droid is closed source: these names could not be checked against the
 * tool's own code, only against the peers that read them (tokscale,
 * junhoyeo/tokscale sessions/droid.rs; droidusage), which treat
 * thinkingTokens as a count beside outputTokens, as here.
 * So one record per session, keyed by its id, replaced by each rewrite
 * (AU_DEDUP_LATEST): the totals are exact, their day is not (all of it is
 * dated at providerLockTimestamp, the session's start; a parser sees no
 * file times), and per-request detail does not exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jsonscan.h"
#include "json_count.h"
#include "parser.h"

typedef struct droid_state {
	char session[AU_ID_MAX]; /* <session id> of <session id>.settings.json */
	char project[AU_PATH_MAX]; /* the folder it sits in (a slug of the cwd) */
} droid_state;

static void droid_init(void *vs, const char *path)
{
	droid_state *st = vs;
	memset(st, 0, sizeof(*st));
	const char *slash = path ? strrchr(path, '/') : NULL;
	const char *base = slash ? slash + 1 : path;
	if (!base)
		return;
	const char *end = strstr(base, ".settings.json");
	size_t n = end ? (size_t)(end - base) : strlen(base);
	if (n < sizeof(st->session))
		memcpy(st->session, base, n);
	if (slash) {
		const char *dir = slash;
		while (dir > path && dir[-1] != '/')
			dir--;
		size_t dn = (size_t)(slash - dir);
		if (dn < sizeof(st->project))
			memcpy(st->project, dir, dn);
	}
}

static int droid_parse(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	const droid_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse_document(d, data, len, err);
	if (r <= 0)
		return r; /* 0: caught between truncation and the rewrite */
	if (js_typeof(d, 0) != JS_OBJECT)
		return au_fail(err, EINVAL, "not a Droid session's settings (the root is not an object)");
	int u = js_get_obj(d, 0, "tokenUsage");
	if (u < 0)
		return 0;
	int64_t in, out, cw, cr, thinking;
	if (!au_js_count(d, u, "inputTokens", &in) || !au_js_count(d, u, "outputTokens", &out) ||
	    !au_js_count(d, u, "cacheCreationTokens", &cw) || !au_js_count(d, u, "cacheReadTokens", &cr) ||
	    !au_js_count(d, u, "thinkingTokens", &thinking))
		return au_fail(err, EINVAL, "token count not a whole number in range");
	if (in == 0 && out == 0 && cw == 0 && cr == 0 && thinking == 0)
		return 0;
	if (!st->session[0])
		return au_fail(err, EINVAL, "a settings file without a session id in its name");
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	char ts[64];
	int tn = js_get_str(d, 0, "providerLockTimestamp", ts, sizeof(ts));
	if (tn <= 0 || au_parse_iso8601_ms(ts, (size_t)tn, &ev.ts_ms) != 0)
		return au_fail(err, EINVAL, "tokenUsage without a providerLockTimestamp to date it");
	ev.source = AU_SRC_DROID;
	ev.dedup = AU_DEDUP_LATEST;
	snprintf(ev.key, sizeof(ev.key), "d:%s", st->session);
	memcpy(ev.session, st->session, sizeof(ev.session));
	memcpy(ev.cwd, st->project, sizeof(ev.cwd));
	if (js_get_str(d, 0, "model", ev.model, sizeof(ev.model)) <= 0) {
		strcpy(ev.model, "unknown");
		ev.model_fallback = true;
	}
	ev.tok.input = in;
	ev.tok.cache_create_5m = cw;
	ev.tok.cache_read = cr;
	ev.tok.output = out + thinking;
	ev.tok.reasoning = thinking;
	r = emit(ctx, &ev);
	return r < 0 ? au_fail(err, -r, "stopped by the caller") : 0;
}

const au_parser_ops au_parser_droid = {
	.name = "droid",
	.source = AU_SRC_DROID,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(droid_state),
	.init = droid_init,
	.parse_file = droid_parse,
};
