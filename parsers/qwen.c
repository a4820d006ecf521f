/*
 * Qwen Code (QwenLM/qwen-code, a Gemini CLI fork): one append-only JSONL
 * per session, ~/.qwen/projects/<project>/chats/<session id>.jsonl. Its
 * records are not Gemini CLI's: each line is a ChatRecord
 * (packages/core/src/services/chatRecordingService.ts) with uuid,
 * parentUuid, sessionId, timestamp (ISO 8601), type ("user", "assistant",
 * "tool_result", "system"), cwd, and on an assistant response `model` and
 * `usageMetadata`, the Gemini API's GenerateContentResponseUsageMetadata:
 * promptTokenCount (all input, cached included), cachedContentTokenCount
 * (the cached part), candidatesTokenCount, thoughtsTokenCount,
 * totalTokenCount. So only the record shape differs from Gemini CLI's; the
 * counting is the same, except that Qwen's OpenAI-compatible providers are
 * converted into that shape, where the thoughts may already be inside the
 * candidates: the total tells (as OpenCode's, parsers/opencode.c).
 * Each response is keyed by session and uuid: a /branch copy of a session
 * keeps the uuids but takes a new sessionId, and is counted again only as
 * what it is, a copy (see the README's counting rules).
 * Cross-checked, not copied: tokscale (junhoyeo/tokscale, sessions/qwen.rs).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fastfind.h"
#include "jsonscan.h"
#include "json_count.h"
#include "parser.h"

typedef struct qwen_state {
	char session[AU_ID_MAX]; /* the file stem until a record names it */
} qwen_state;

static void qwen_init(void *vs, const char *path)
{
	qwen_state *st = vs;
	memset(st, 0, sizeof(*st));
	if (!path)
		return;
	const char *base;
	size_t n = au_log_stem(path, &base);
	if (n < sizeof(st->session))
		memcpy(st->session, base, n);
}

static bool qwen_candidate(const char *line, size_t len)
{
	return au_memmem(line, len, "\"usageMetadata\"", 15) != NULL;
}

static int qwen_parse_line(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	const qwen_state *st = vs;
	js_doc *d = js_thread_doc();
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	if (!js_str_eq(d, js_get(d, 0, "type"), "assistant"))
		return 0;
	int u = js_get_obj(d, 0, "usageMetadata");
	if (u < 0)
		return 0;
	int64_t prompt, cand, cached, thoughts, total;
	if (!au_js_count(d, u, "promptTokenCount", &prompt) || !au_js_count(d, u, "candidatesTokenCount", &cand) ||
	    !au_js_count(d, u, "cachedContentTokenCount", &cached) || !au_js_count(d, u, "thoughtsTokenCount", &thoughts) ||
	    !au_js_count(d, u, "totalTokenCount", &total))
		return au_fail(err, EINVAL, "token count not a whole number in range");
	/* nothing billed: cached counts only inside the prompt (the fuzzer
	 * found a record with a cached count and no prompt) */
	if (prompt == 0 && cand == 0 && thoughts == 0)
		return 0;
	memset(ev, 0, sizeof(*ev));
	char ts[64];
	int tn = js_get_str(d, 0, "timestamp", ts, sizeof(ts));
	if (tn <= 0 || au_parse_iso8601_ms(ts, (size_t)tn, &ev->ts_ms) != 0)
		return au_fail(err, EINVAL, "response with a missing or bad timestamp");
	char sid[AU_ID_MAX];
	int n = js_get_id(d, 0, "sessionId", sid, sizeof(sid));
	if (n == -EILSEQ)
		return au_fail(err, EINVAL, "sessionId " AU_ID_NUL_MSG);
	/* the record's own sessionId, else the file's name (the CLI names the
	 * file after the session) */
	const char *session = n > 0 ? sid : st->session;
	n = js_get_id(d, 0, "uuid", ev->msg_id, sizeof(ev->msg_id));
	if (n == -EILSEQ)
		return au_fail(err, EINVAL, "uuid " AU_ID_NUL_MSG);
	if (n > 0)
		snprintf(ev->key, sizeof(ev->key), "q:%.50s|%s", session, ev->msg_id);
	ev->source = AU_SRC_QWEN;
	ev->dedup = AU_DEDUP_LATEST;
	snprintf(ev->session, sizeof(ev->session), "%s", session);
	if (js_get_str(d, 0, "model", ev->model, sizeof(ev->model)) <= 0) {
		strcpy(ev->model, "unknown");
		ev->model_fallback = true;
	}
	if (js_get_str(d, 0, "cwd", ev->cwd, sizeof(ev->cwd)) <= 0)
		ev->cwd[0] = '\0';
	int64_t cached_part = cached < prompt ? cached : prompt;
	ev->tok.input = prompt - cached_part;
	ev->tok.cache_read = cached_part;
	/*
	 * Gemini reports thoughts beside the candidates; an OpenAI-style
	 * provider's completion already holds its reasoning. A total that
	 * covers both side by side says which; without one, beside (Gemini's).
	 */
	bool beside = thoughts > 0 && (thoughts > cand || total == 0 || total >= prompt + cand + thoughts);
	ev->tok.output = beside ? cand + thoughts : cand;
	ev->tok.reasoning = thoughts;
	return 1;
}

const au_parser_ops au_parser_qwen = {
	.name = "qwen",
	.source = AU_SRC_QWEN,
	.storage = AU_STORAGE_JSONL,
	.state_size = sizeof(qwen_state),
	.init = qwen_init,
	.candidate = qwen_candidate,
	.parse_line = qwen_parse_line,
};
