/*
 * OpenCode (${XDG_DATA_HOME:-~/.local/share}/opencode/). Since v1.2 every
 * message is a row of opencode.db's message table (id, session_id, and the
 * rest of the message as JSON in data), updated in place while a response
 * streams; before that, one JSON file per message under
 * storage/message/<session>/<msg>.json, rewritten in place. The migration
 * copies the files into the database and leaves them behind, so both
 * shapes key a response by its message id and it counts once.
 * Counting rules: shared/docs/formats.md, "OpenCode".
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastfind.h"
#include "jsonscan.h"
#include "parser.h"

typedef struct opencode_state {
	/* For a legacy file whose JSON lacks them: the message id is the file
	 * stem, the session the directory it sits in. */
	char id[AU_ID_MAX];
	char session[AU_ID_MAX];
	/*
	 * opencode.db's watermark: the largest rowid and time_created seen,
	 * the time_created of the oldest assistant message still streaming at
	 * the last read (NO_OPEN if none), and that of this read (saved).
	 */
	int64_t max_rowid, max_created, open_from, open_now;
} opencode_state;

#define NO_OPEN INT64_MAX

static void opencode_init(void *vs, const char *path)
{
	opencode_state *st = vs;
	memset(st, 0, sizeof(*st));
	st->max_rowid = st->max_created = -1;
	st->open_from = st->open_now = NO_OPEN;
	if (!path)
		return;
	const char *base = strrchr(path, '/');
	size_t n = base ? strlen(base + 1) : 0;
	if (n <= 5 || strcmp(base + 1 + n - 5, ".json") != 0)
		return; /* the database: its rows name both */
	if (n - 5 < sizeof(st->id))
		memcpy(st->id, base + 1, n - 5);
	const char *dir = base;
	while (dir > path && dir[-1] != '/')
		dir--;
	if ((size_t)(base - dir) < sizeof(st->session))
		memcpy(st->session, dir, (size_t)(base - dir));
}

/*
 * A number token as a whole number: integers, and reals (OpenCode writes
 * JavaScript numbers; times can carry a fraction of a millisecond), cut
 * toward zero. false for anything else, NaN-like or outside [lo, hi].
 */
static bool whole(const js_doc *d, int t, int64_t lo, int64_t hi, int64_t *ret)
{
	if (js_typeof(d, t) == JS_INTEGER)
		return js_int(d, t, ret) && *ret >= lo && *ret <= hi;
	/* the program runs with LC_NUMERIC "C", so '.' is the decimal point */
	double v;
	if (js_typeof(d, t) != JS_REAL || !js_real(d, t, &v) || v < (double)lo || v > (double)hi)
		return false;
	*ret = (int64_t)v;
	return true;
}

/* A token count: absent or null is 0; otherwise a whole number in range. */
static bool count(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	int t = js_get(d, obj, key);
	*ret = 0;
	return t < 0 || js_typeof(d, t) == JS_NULL || whole(d, t, 0, AU_TOKENS_MAX, ret);
}

/* 9999-12-31T23:59:59.999Z */
#define OPENCODE_MAX_MS INT64_C(253402300799999)

/*
 * Whether tokens.reasoning is reported beside tokens.output rather than
 * inside it. OpenCode stores the AI SDK's outputTokens as output and its
 * reasoningTokens as reasoning: OpenAI-style providers count reasoning
 * inside the completion, Google's API reports thoughts apart from the
 * candidates. The message's own total tells which (it is the provider's
 * total, or OpenCode's sum of the parts): when it covers output and
 * reasoning side by side, reasoning was outside. Without a total, the
 * provider decides.
 */
static bool reasoning_outside(const js_doc *d, int root, int64_t in, int64_t cr, int64_t cw, int64_t out,
			      int64_t reasoning, int64_t total)
{
	if (reasoning == 0)
		return false;
	if (reasoning > out)
		return true; /* cannot be a part of it */
	if (total > 0)
		return total >= in + cr + cw + out + reasoning;
	int prov = js_get(d, root, "providerID");
	return js_str_eq(d, prov, "google") || js_str_eq(d, prov, "google-vertex");
}

/*
 * One message: root is its JSON object; id and session come from the
 * database's columns when given (the data column leaves them out), else
 * from the JSON, else from the legacy file's path.
 */
static int opencode_message(const opencode_state *st, const js_doc *d, int root, const char *id,
			    const char *session, au_event *ev, au_err *err)
{
	if (js_typeof(d, root) != JS_OBJECT)
		return au_fail(err, EINVAL, "a message that is not a JSON object");
	int role = js_get(d, root, "role");
	if (role < 0) {
		au_fail(err, 0, "a message without a role");
		return AU_PARSE_SKIPPED;
	}
	if (!js_str_eq(d, role, "assistant"))
		return 0; /* user messages carry no usage */
	int tokens = js_get_obj(d, root, "tokens");
	if (tokens < 0)
		return au_fail(err, EINVAL, "assistant message without a tokens object");
	int cache = js_get_obj(d, tokens, "cache");
	int64_t in, out, reasoning, cr = 0, cw = 0, total;
	if (js_get(d, tokens, "input") < 0 && js_get(d, tokens, "output") < 0)
		return au_fail(err, EINVAL, "tokens without input or output counts");
	if (!count(d, tokens, "input", &in) || !count(d, tokens, "output", &out) ||
	    !count(d, tokens, "reasoning", &reasoning) || !count(d, tokens, "total", &total) ||
	    (cache >= 0 && (!count(d, cache, "read", &cr) || !count(d, cache, "write", &cw))))
		return au_fail(err, EINVAL, "token count not a whole number in range");
	/* A row is written when its step starts, with zeros, and filled in
	 * place when the step finishes: nothing to count yet. */
	if (in == 0 && out == 0 && reasoning == 0 && cr == 0 && cw == 0)
		return 0;

	memset(ev, 0, sizeof(*ev));
	int time = js_get_obj(d, root, "time");
	if (!whole(d, js_get(d, time, "created"), 0, OPENCODE_MAX_MS, &ev->ts_ms))
		return au_fail(err, EINVAL, "message without a time.created in milliseconds");

	char buf[AU_ID_MAX];
	if (!id || !*id) {
		int n = js_get_id(d, root, "id", buf, sizeof(buf));
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "message id " AU_ID_NUL_MSG);
		id = n > 0 ? buf : st->id;
	}
	if (!*id)
		return au_fail(err, EINVAL, "message without an id");
	if (strlen(id) >= sizeof(ev->msg_id))
		return au_fail(err, EINVAL, "message id longer than %d bytes", AU_ID_MAX - 1);
	strcpy(ev->msg_id, id);
	snprintf(ev->key, sizeof(ev->key), "o:%s", ev->msg_id);

	if (session && *session) {
		snprintf(ev->session, sizeof(ev->session), "%s", session);
	} else {
		int n = js_get_id(d, root, "sessionID", ev->session, sizeof(ev->session));
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "sessionID " AU_ID_NUL_MSG);
		if (n <= 0)
			memcpy(ev->session, st->session, sizeof(ev->session));
	}
	int mt = js_get(d, root, "modelID");
	if (js_typeof(d, mt) == JS_STRING && js_str(d, mt, ev->model, sizeof(ev->model)) < 0)
		return au_fail(err, EINVAL, "model name longer than %d bytes", AU_MODEL_MAX - 1);
	if (!ev->model[0])
		strcpy(ev->model, "unknown");
	int path = js_get_obj(d, root, "path");
	if (js_get_str(d, path, "cwd", ev->cwd, sizeof(ev->cwd)) <= 0 &&
	    js_get_str(d, path, "root", ev->cwd, sizeof(ev->cwd)) <= 0)
		ev->cwd[0] = '\0';

	ev->source = AU_SRC_OPENCODE;
	ev->dedup = AU_DEDUP_LATEST;
	/* OpenCode already takes cached input out of tokens.input; its cache
	 * writes have no 5m / 1h split, which counts as 5m (as Claude's). */
	ev->tok.input = in;
	ev->tok.cache_read = cr;
	ev->tok.cache_create_5m = cw;
	ev->tok.output = out;
	if (reasoning_outside(d, root, in, cr, cw, out, reasoning, total))
		ev->tok.output += reasoning;
	ev->tok.reasoning = reasoning;
	/* OpenCode's own price (USD, from models.dev; 0 for subscriptions),
	 * kept beside ours. A cost that is not a sane number is left out. */
	double usd;
	if (js_real(d, js_get(d, root, "cost"), &usd) && usd >= 0 && usd < 1e6) {
		ev->has_tool_cost = true;
		ev->tool_cost = (int64_t)llround(usd * 1e12);
	}
	return 1;
}

/* ---- opencode.db ------------------------------------------------------- */

/*
 * Rows are updated in place while a response streams (OpenCode's upsert
 * sets only `data`; time_updated cannot be trusted to move), so the
 * watermark is two-fold: rows added since the last read (rowid), and every
 * row created since the oldest message that was still streaming then (an
 * assistant message without time.completed or without tokens yet) or in
 * the last hour before the newest. A message that had finished before
 * that is not read again. The LIKE only spares the parser the user messages;
 * the parser checks the role.
 */
/* Rows created this close to the newest are read again on every change
 * too: a message can take one more update after it says it completed. */
#define OPENCODE_RECENT_MS INT64_C(3600000)

#define OPENCODE_COLUMNS "SELECT id, session_id, data, rowid, time_created FROM message WHERE "
/* ...and the rows that name no role at all, which the parser counts as
 * skipped (scan -v says how many) instead of leaving them out unseen */
#define OPENCODE_WANTED "(data LIKE '%assistant%' OR data NOT LIKE '%\"role\"%')"
#define OPENCODE_QUERY OPENCODE_COLUMNS OPENCODE_WANTED
#define OPENCODE_QUERY_SINCE OPENCODE_COLUMNS "(rowid > ?1 OR time_created >= ?2) AND " OPENCODE_WANTED

static bool opencode_since(const void *vs, int64_t ret[2])
{
	const opencode_state *st = vs;
	if (st->max_rowid < 0)
		return false; /* never read: everything */
	ret[0] = st->max_rowid;
	ret[1] = st->max_created - OPENCODE_RECENT_MS;
	if (st->open_from < ret[1])
		ret[1] = st->open_from;
	return true;
}

static char *opencode_save(const void *vs)
{
	const opencode_state *st = vs;
	return xasprintf("wm %" PRId64 " %" PRId64 " %" PRId64, st->max_rowid, st->max_created,
			 st->open_now == NO_OPEN ? (int64_t)-1 : st->open_now);
}

static int opencode_load(void *vs, const char *text, au_err *err)
{
	opencode_state *st = vs;
	int64_t rowid, created, open;
	int used = 0;
	if (sscanf(text, "wm %" SCNd64 " %" SCNd64 " %" SCNd64 "%n", &rowid, &created, &open, &used) != 3 ||
	    text[used] != '\0' || rowid < -1 || created < -1 || open < -1)
		return au_fail(err, EINVAL, "unreadable OpenCode watermark");
	st->max_rowid = rowid;
	st->max_created = created;
	st->open_from = open < 0 ? NO_OPEN : open;
	st->open_now = NO_OPEN; /* found again by this read */
	return 0;
}

/* Moves the watermark over one row: its rowid and time_created columns,
 * and whether it is an assistant message still streaming. */
static void opencode_mark(opencode_state *st, const char *rowid, const char *created, bool open)
{
	int64_t v;
	if (rowid && au_parse_int64(rowid, &v) && v > st->max_rowid)
		st->max_rowid = v;
	if (created && au_parse_int64(created, &v)) {
		if (v > st->max_created)
			st->max_created = v;
		if (open && v < st->open_now)
			st->open_now = v;
	}
}

static int opencode_parse_row(void *vs, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit,
			      void *ctx, au_err *err)
{
	opencode_state *st = vs;
	if (ncols < 3 || !cols[2]) {
		if (ncols >= 5)
			opencode_mark(st, cols[3], cols[4], false);
		return au_fail(err, EINVAL, "a message row without data");
	}
	char id[AU_ID_MAX] = "", session[AU_ID_MAX] = "";
	bool open = false;
	js_doc *d = js_thread_doc();
	au_event ev;
	au_err merr;
	int r = js_parse(d, cols[2], lens[2], &merr);
	if (cols[0] && lens[0] < sizeof(id))
		memcpy(id, cols[0], lens[0]);
	/* a session id too long to keep is left out, as for other sources */
	if (cols[1] && lens[1] < sizeof(session))
		memcpy(session, cols[1], lens[1]);
	if (cols[0] && lens[0] >= sizeof(id))
		r = au_fail(&merr, EINVAL, "message id longer than %d bytes", AU_ID_MAX - 1);
	else if (r == 0)
		r = opencode_message(vs, d, 0, id, session, &ev, &merr);
	/* Still streaming: an assistant message without time.completed, or
	 * one whose tokens are not filled in yet. */
	if (r >= 0 && js_str_eq(d, js_get(d, 0, "role"), "assistant")) {
		int done = js_get(d, js_get_obj(d, 0, "time"), "completed");
		open = r == 0 || done < 0 || js_typeof(d, done) == JS_NULL;
	}
	if (ncols >= 5)
		opencode_mark(st, cols[3], cols[4], open);
	if (r < 0) /* the row number alone would not find it: name the message */
		return au_fail(err, -r, "message %s: %s", id, merr.msg);
	if (r == AU_PARSE_SKIPPED) {
		au_fail(err, 0, "%s", merr.msg);
		return AU_PARSE_SKIPPED;
	}
	if (r == 1 && (r = emit(ctx, &ev)) < 0)
		return au_fail(err, -r, "stopped by the caller");
	return 0;
}

/* ---- storage/message/<session>/<msg>.json (before v1.2) ---------------- */

static int opencode_parse_file(void *vs, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err)
{
	js_doc *d = js_thread_doc();
	int r = js_parse_document(d, data, len, err);
	if (r <= 0)
		return r; /* 0: caught between truncation and the rewrite */
	au_event ev;
	r = opencode_message(vs, d, 0, NULL, NULL, &ev, err);
	if (r == AU_PARSE_SKIPPED)
		return r;
	/* The database is authoritative (formats.md): a file the migration
	 * left behind only stands in for its row, whatever order they are
	 * read in; the row, updated later, must not lose to a stale file. */
	ev.dedup = AU_DEDUP_FALLBACK;
	if (r == 1 && (r = emit(ctx, &ev)) < 0)
		return au_fail(err, -r, "stopped by the caller");
	return r < 0 ? r : 0;
}

const au_parser_ops au_parser_opencode = {
	.name = "opencode",
	.source = AU_SRC_OPENCODE,
	.storage = AU_STORAGE_SQLITE,
	.state_size = sizeof(opencode_state),
	.init = opencode_init,
	.query = OPENCODE_QUERY,
	.query_since = OPENCODE_QUERY_SINCE,
	.since = opencode_since,
	.save = opencode_save,
	.load = opencode_load,
	.parse_row = opencode_parse_row,
};

const au_parser_ops au_parser_opencode_json = {
	.name = "opencode-json",
	.source = AU_SRC_OPENCODE,
	.storage = AU_STORAGE_FILE,
	.state_size = sizeof(opencode_state),
	.init = opencode_init,
	.parse_file = opencode_parse_file,
};
