/*
 * Codex CLI rollouts ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl).
 * token_count events carry cumulative per-file counters: an event's usage
 * is how far the total advanced since the previous one in the same file.
 * The model is the latest one named (turn_context, or the event itself),
 * so the per-file state (model, last totals, session, cwd, and where the
 * file stands in a replayed prefix) is saved with the file's cursor.
 * A sub-agent or forked rollout starts by replaying its parent's history,
 * re-stamped at its own creation: only each rollout's own events count.
 * Counting rules: shared/docs/formats.md, "Codex CLI", and the README's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fastfind.h"
#include "json_util.h"
#include "jsonscan.h"
#include "parser.h"

/* The fallback for early builds that never named the model (as ccusage). */
#define CODEX_FALLBACK_MODEL "gpt-5"

/*
 * A child rollout's replayed prefix is one write burst: Codex's recorder
 * (codex-rs/rollout/src/recorder.rs, JsonlWriter::write_rollout_item)
 * stamps every line with the time it writes it, and a fork or sub-agent
 * writes its parent's whole history in one loop when it is created. Its
 * own first token_count comes a model round trip later. A line this much
 * later than the line before it is past the burst.
 */
#define CODEX_REPLAY_GAP_MS 1000

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
	/* The file's own session_meta (the first one) was read; later ones
	 * are its parent's, copied by the replay. */
	bool have_meta;
	/* In the replayed prefix of a child rollout (its own session_meta
	 * names a parent): token_counts there are the parent's, not counted,
	 * but they are the baseline a fork's own counter carries on from. */
	bool replay;
	int64_t last_ms; /* timestamp of the last line read, -1 if none */
	/*
	 * The total went down (dropped): either the counter restarted or the
	 * snapshot was a stale or zeroed one. high is the total before the
	 * drop; pending the last_token_usage of a drop that is a restart only
	 * if the next event continues from it (has_pending).
	 */
	bool dropped, has_pending;
	codex_counts high, pending;
	/* AU_MODE_PRIORITY / AU_MODE_FLEX: the service tier the thread's
	 * settings last named (thread_settings_applied), 0 for standard. */
	unsigned tier;
} codex_state;

static void codex_init(void *vs, const char *path)
{
	codex_state *st = vs;
	memset(st, 0, sizeof(*st));
	st->last_ms = -1;
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
 * The kinds of rollout line (RolloutItem, serde tag "type": session_meta,
 * response_item, compacted, turn_context, event_msg) and of event_msg
 * payload (EventMsg, snake_case, "task_started"/"task_complete" for
 * TurnStarted/TurnComplete): codex-rs/protocol/src/protocol.rs, and
 * codex-rs/rollout/src/policy.rs for the events rollouts keep. Every
 * EventMsg name is here, kept in rollouts or not (older builds kept
 * others), so "unknown" means new to Codex, not merely unusual.
 */
static const char *const codex_kinds[] = {"session_meta", "response_item", "compacted", "turn_context", "event_msg",
					  NULL};
static const char *const codex_events[] = {
	"token_count", "thread_settings_applied", "user_message", "injected_message", "agent_message", "agent_reasoning",
	"agent_reasoning_raw_content", "thread_name_updated", "context_compacted", "entered_review_mode",
	"exited_review_mode", "thread_rolled_back", "undo_completed", "undo_started", "turn_aborted", "task_started",
	"turn_started", "task_complete", "turn_complete", "image_generation_begin", "image_generation_end",
	"item_started", "item_completed", "error", "warning", "guardian_assessment", "web_search_begin",
	"web_search_end", "exec_command_begin", "exec_command_end", "exec_command_output_delta",
	"terminal_interaction", "patch_apply_begin", "patch_apply_end", "mcp_tool_call_begin", "mcp_tool_call_end",
	"view_image_tool_call", "collab_agent_spawn_begin", "collab_agent_spawn_end",
	"collab_agent_interaction_begin", "collab_agent_interaction_end", "collab_waiting_begin",
	"collab_waiting_end", "collab_close_begin", "collab_close_end", "collab_resume_begin", "collab_resume_end",
	"dynamic_tool_call_request", "dynamic_tool_call_response", "realtime_conversation_started",
	"realtime_conversation_sdp", "realtime_conversation_realtime", "realtime_conversation_closed",
	"realtime_conversation_list_voices_response", "model_reroute", "agent_message_delta",
	"agent_reasoning_delta", "agent_reasoning_raw_content_delta", "agent_reasoning_section_break",
	"agent_message_content_delta", "plan_delta", "reasoning_content_delta", "reasoning_raw_content_delta",
	"raw_response_item", "session_configured", "exec_approval_request", "apply_patch_approval_request",
	"request_permissions", "request_user_input", "elicitation_request", "background_event", "stream_error",
	"turn_diff", "get_history_entry_response", "mcp_list_tools_response", "mcp_startup_update",
	"mcp_startup_complete", "list_custom_prompts_response", "list_skills_response",
	"add_credits_nudge_email_response", "plan_update", "shutdown_complete", "deprecation_notice",
	"hook_started", "hook_completed", "skills_update_available", "conversation_path", NULL};

/* Whether the n bytes at k, up to a closing quote, name one of names. */
static bool head_is_one_of(const char *k, size_t n, const char *const *names)
{
	for (const char *const *p = names; *p; p++) {
		size_t l = strlen(*p);
		if (n > l && memcmp(k, *p, l) == 0 && k[l] == '"')
			return true;
	}
	return false;
}

/*
 * Rollout lines are {"timestamp":"...","type":"<kind>","payload":{...}}.
 * When a line has exactly that head, its kind decides at once and the big
 * response_item lines are never searched; any other shape is searched. A
 * kind, or an event_msg payload type (when it comes first in the payload,
 * as Codex writes it), that is not known is a candidate too: the parser
 * names it for the scan to note once.
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
			if (rest > 10 && memcmp(k, "event_msg\"", 10) == 0) {
				if (au_memmem(k, rest, "\"token_count\"", 13) != NULL ||
				    au_memmem(k, rest, "\"thread_settings_applied\"", 25) != NULL)
					return true;
				static const char pt[] = "event_msg\",\"payload\":{\"type\":\"";
				const size_t pl = sizeof(pt) - 1;
				return rest > pl && memcmp(k, pt, pl) == 0 &&
				       !head_is_one_of(k + pl, rest - pl, codex_events);
			}
			return !head_is_one_of(k, rest, codex_kinds);
		}
	}
	return au_memmem(line, len, "\"token_count\"", 13) || au_memmem(line, len, "\"turn_context\"", 14) ||
	       au_memmem(line, len, "\"session_meta\"", 14) ||
	       au_memmem(line, len, "\"thread_settings_applied\"", 25);
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

static bool counts_zero(const codex_counts *c)
{
	return c->input == 0 && c->cached == 0 && c->output == 0 && c->reasoning == 0;
}

/* a - b; the caller knows a did not go down from b. */
static codex_counts counts_sub(const codex_counts *a, const codex_counts *b)
{
	return (codex_counts){a->input - b->input, a->cached - b->cached, a->output - b->output,
			      a->reasoning - b->reasoning};
}

static codex_counts counts_min(const codex_counts *a, const codex_counts *b)
{
	return (codex_counts){a->input < b->input ? a->input : b->input,
			      a->cached < b->cached ? a->cached : b->cached,
			      a->output < b->output ? a->output : b->output,
			      a->reasoning < b->reasoning ? a->reasoning : b->reasoning};
}

/* A non-empty string member copied into dst: false otherwise. */
static bool get_str(const js_doc *d, int obj, const char *key, char *dst, size_t cap)
{
	return js_get_str(d, obj, key, dst, cap) > 0;
}

/* A model named by obj: its "model", or "model_info": {"slug"}, or
 * "metadata": {"model"} (where the builds that name it on an event put it). */
static bool named_model(const js_doc *d, int obj, char *dst, size_t cap)
{
	return get_str(d, obj, "model", dst, cap) || get_str(d, obj, "model_name", dst, cap) ||
	       get_str(d, js_get_obj(d, obj, "model_info"), "slug", dst, cap) ||
	       get_str(d, js_get_obj(d, obj, "metadata"), "model", dst, cap);
}

/* Whether a session_meta payload names a parent whose history the rollout
 * starts by replaying: SessionMeta's forked_from_id (a fork) or
 * parent_thread_id, or its source {"subagent":{"thread_spawn":
 * {"parent_thread_id"}}} (SessionSource::SubAgent(ThreadSpawn), a
 * sub-agent): codex-rs/protocol/src/protocol.rs. */
static bool names_parent(const js_doc *d, int meta)
{
	char id[AU_ID_MAX];
	int spawn = js_get_obj(d, js_get_obj(d, js_get_obj(d, meta, "source"), "subagent"), "thread_spawn");
	return get_str(d, meta, "forked_from_id", id, sizeof(id)) ||
	       get_str(d, meta, "parent_thread_id", id, sizeof(id)) ||
	       get_str(d, spawn, "parent_thread_id", id, sizeof(id));
}

/*
 * The service tier a thread_settings_applied event names, into *tier.
 * Codex writes {"type":"event_msg","payload":{"type":
 * "thread_settings_applied","thread_settings":{"model",...,"service_tier"}}}
 * when a turn or a settings update changes the thread's settings: the
 * snapshot of every setting then in force (codex-rs/core, session
 * handlers' thread_settings_applied_event, ThreadSettingsSnapshot). Its
 * service_tier is what the requests after it ask for: "priority" (the
 * Fast mode; older builds wrote "fast", which Codex's
 * ServiceTier::from_request_value still reads as priority, per
 * jongwony/cc-plugin#184), "flex", or "default" / null for the standard
 * tier. Observed values and the sticky rule as other
 * trackers read them: xiufengsun/TokenTracker#621, mag123c/toktrack#255.
 * A snapshot without the member says nothing; any other value is the
 * standard tier (never a guess at a higher price).
 */
static void read_tier(const js_doc *d, int settings, unsigned *tier)
{
	if (settings < 0)
		return;
	int v = js_get(d, settings, "service_tier");
	if (v < 0)
		return;
	if (js_str_eq(d, v, "priority") || js_str_eq(d, v, "fast"))
		*tier = AU_MODE_PRIORITY;
	else if (js_str_eq(d, v, "flex"))
		*tier = AU_MODE_FLEX;
	else
		*tier = 0;
}

/*
 * How far a cumulative total advanced: the usage of its event, into
 * *delta; false when the event adds nothing (a re-emit, a snapshot below
 * what was counted). The rule that never counts usage twice:
 *  - the first total in a file counts its last_token_usage when it has
 *    one: a counter that did not start in this file (a resumed or forked
 *    session) was counted where it did start;
 *  - a total below the previous one is a drop. Codex's counter only ever
 *    adds last_token_usage to the total (TokenUsageInfo::append_last_usage,
 *    codex-rs/protocol/src/protocol.rs) except when a context-window
 *    error zeroes it (fill_to_context_window): a drop is a restart, a
 *    zeroed snapshot or a stale one, and only the next event tells which.
 *    A drop whose total equals its own last is a counter starting from
 *    nothing: its last counts at once. Otherwise its last waits (pending);
 *  - after a drop, the next event whose advance over the total before the
 *    drop equals its last resumed the old counter (the drop was stale or
 *    zeroed: the pending last is dropped); one whose advance over the
 *    dropped total equals its last continued a restarted counter (the
 *    pending last counts too). When neither matches, the smaller advance
 *    counts and the pending last does not.
 */
static bool advance(codex_state *st, const codex_counts *total, const codex_counts *last, bool has_last,
		    codex_counts *delta)
{
	if (!st->have_total) {
		*delta = has_last ? *last : *total;
		return true;
	}
	if (counts_eq(total, &st->total))
		return false; /* re-emitted event: the total did not move */
	if (counts_went_down(total, &st->total)) {
		if (!st->dropped)
			st->high = st->total;
		st->dropped = true;
		st->has_pending = false;
		if (has_last && counts_eq(total, last)) {
			*delta = *last;
			return true;
		}
		if (has_last && !counts_zero(last)) {
			st->pending = *last;
			st->has_pending = true;
		}
		return false;
	}
	codex_counts d_new = counts_sub(total, &st->total);
	if (!st->dropped) {
		*delta = d_new;
		return true;
	}
	bool old_ok = !counts_went_down(total, &st->high);
	codex_counts d_old = old_ok ? counts_sub(total, &st->high) : d_new;
	if (has_last && old_ok && counts_eq(&d_old, last)) {
		*delta = d_old;
	} else if (has_last && counts_eq(&d_new, last)) {
		*delta = d_new;
		if (st->has_pending) {
			delta->input += st->pending.input;
			delta->cached += st->pending.cached;
			delta->output += st->pending.output;
			delta->reasoning += st->pending.reasoning;
		}
	} else {
		*delta = old_ok ? counts_min(&d_old, &d_new) : d_new;
	}
	st->dropped = false;
	st->has_pending = false;
	return true;
}

/*
 * The line this thread's document holds, as codex_parse left it: the scan
 * asks for a line's limits right after its usage, and a token_count line
 * (a third of a busy rollout, 3 KB each) need not be tokenized twice: the
 * document is still that line's when no js_parse ran since (its gen) and
 * it points at the same bytes (parse_limits follows parse_line on bytes
 * left as they were: parser.h).
 */
static _Thread_local struct {
	const char *line;
	size_t len;
	uint64_t gen;
} parsed;

static int codex_parse(void *vs, const char *line, size_t len, au_event *ev, au_err *err)
{
	codex_state *st = vs;
	js_doc *d = js_thread_doc();
	parsed.line = NULL;
	int r = js_parse(d, line, len, err);
	if (r < 0)
		return r;
	parsed.line = line;
	parsed.len = len;
	parsed.gen = d->gen;

	int type = js_get(d, 0, "type");
	int payload = js_get_obj(d, 0, "payload");
	char note[AU_FIELD_MAX] = ""; /* what this line has that we do not know */
	if (js_typeof(d, type) == JS_STRING && !js_str_in(d, type, codex_kinds)) {
		char name[AU_FIELD_MAX - 5];
		js_str_cut(d, type, name, sizeof(name));
		snprintf(note, sizeof(note), "type:%s", name);
	} else if (js_str_eq(d, type, "event_msg") && js_typeof(d, js_get(d, payload, "type")) == JS_STRING &&
		   !js_str_in(d, js_get(d, payload, "type"), codex_events)) {
		char name[AU_FIELD_MAX - 15];
		js_str_cut(d, js_get(d, payload, "type"), name, sizeof(name));
		snprintf(note, sizeof(note), "type:event_msg/%s", name);
	}
	memcpy(ev->unknown, note, sizeof(note));
	if (payload < 0 || note[0])
		return 0;

	char ts[64];
	int64_t ts_ms = -1;
	int tst = js_get(d, 0, "timestamp");
	int tslen = js_typeof(d, tst) == JS_STRING ? js_str(d, tst, ts, sizeof(ts)) : -1;
	if (tslen < 0 || au_parse_iso8601_ms(ts, (size_t)tslen, &ts_ms) < 0)
		ts_ms = -1;
	/* how long after the line before this one it was written */
	int64_t gap = ts_ms >= 0 && st->last_ms >= 0 ? ts_ms - st->last_ms : 0;
	if (ts_ms >= 0)
		st->last_ms = ts_ms;

	if (js_str_eq(d, type, "session_meta")) {
		/* The first session_meta is the rollout's own; a replay copies
		 * its parent's after it (codex-rs/rollout/src/recorder.rs,
		 * load_rollout_items: "Later SessionMeta lines can be copied
		 * from fork history"). */
		if (st->have_meta)
			return 0;
		st->have_meta = true;
		int id = js_get(d, payload, "id"), cwd = js_get(d, payload, "cwd");
		char sid[sizeof(st->session)];
		int n = js_typeof(d, id) == JS_STRING ? js_id(d, id, sid, sizeof(sid)) : -1;
		if (n == -EILSEQ)
			return au_fail(err, EINVAL, "session id " AU_ID_NUL_MSG);
		if (n >= 0)
			memcpy(st->session, sid, (size_t)n + 1);
		if (js_typeof(d, cwd) == JS_STRING)
			js_str(d, cwd, st->cwd, sizeof(st->cwd));
		st->replay = names_parent(d, payload);
		return 0;
	}
	if (js_str_eq(d, type, "turn_context")) {
		int cwd = js_get(d, payload, "cwd");
		named_model(d, payload, st->model, sizeof(st->model));
		if (js_typeof(d, cwd) == JS_STRING)
			js_str(d, cwd, st->cwd, sizeof(st->cwd));
		return 0;
	}
	if (js_str_eq(d, type, "event_msg") && js_str_eq(d, js_get(d, payload, "type"), "thread_settings_applied")) {
		read_tier(d, js_get_obj(d, payload, "thread_settings"), &st->tier);
		return 0;
	}
	if (!js_str_eq(d, type, "event_msg") || !js_str_eq(d, js_get(d, payload, "type"), "token_count"))
		return 0;
	int info = js_get_obj(d, payload, "info");
	if (info < 0)
		return 0; /* info:null events only carry rate limits */

	/* TokenUsage's members (codex-rs/protocol/src/protocol.rs); another
	 * one is named by its path, for the scan to note once */
	static const char *const counts_known[] = {"input_tokens", "cached_input_tokens", "output_tokens",
						   "reasoning_output_tokens", "total_tokens", NULL};
	static const char *const counters[] = {"total_token_usage", "last_token_usage"};
	for (size_t i = 0; i < 2 && !note[0]; i++) {
		char name[AU_FIELD_MAX - 32];
		if (js_unknown_key(d, js_get(d, info, counters[i]), counts_known, name, sizeof(name))) {
			snprintf(note, sizeof(note), "payload.info.%s.%s", counters[i], name);
			memcpy(ev->unknown, note, sizeof(note));
		}
	}

	codex_counts total, last, delta;
	int rt = read_counts(d, js_get(d, info, "total_token_usage"), &total);
	int rl = read_counts(d, js_get(d, info, "last_token_usage"), &last);
	if (rt < 0 || rl < 0)
		return au_fail(err, EINVAL, "token count out of range");
	bool has_total = rt > 0, has_last = rl > 0;
	if (!has_total && !has_last)
		return 0;
	/* A model named on the event holds for the events after it too, until
	 * another is named. */
	char model[AU_MODEL_MAX];
	if (named_model(d, payload, model, sizeof(model)) || named_model(d, info, model, sizeof(model)))
		memcpy(st->model, model, sizeof(st->model));

	if (st->replay) {
		/* The replayed prefix ends with the first event written well
		 * after the burst, or with the first one below the replayed
		 * total: a sub-agent's own counter starting from its own
		 * baseline. Until then the parent's totals are only the base a
		 * fork's own counter carries on from. */
		bool restarted = has_total && st->have_total && counts_went_down(&total, &st->total);
		if (gap <= CODEX_REPLAY_GAP_MS && !restarted) {
			if (has_total) {
				st->total = total;
				st->have_total = true;
			}
			if (has_last) {
				st->last = last;
				st->have_last = true;
			}
			return 0;
		}
		st->replay = false;
		if (restarted)
			st->have_total = false; /* its own counter: the first event rule */
	}

	char shape; /* which counter the dedup key is built from */
	if (has_total) {
		bool counts = advance(st, &total, &last, has_last, &delta);
		st->total = total;
		st->have_total = true;
		if (has_last) {
			st->last = last;
			st->have_last = true;
		}
		if (!counts)
			return 0;
		shape = 'T';
	} else {
		if (st->have_last && counts_eq(&last, &st->last))
			return 0;
		delta = last;
		st->last = last;
		st->have_last = true;
		shape = 'L';
	}
	if (counts_zero(&delta))
		return 0;

	memset(ev, 0, sizeof(*ev));
	memcpy(ev->unknown, note, sizeof(note));
	if (ts_ms < 0)
		return au_fail(err, EINVAL, "token_count event with a missing or bad timestamp");
	ev->ts_ms = ts_ms;
	if (st->model[0]) {
		memcpy(ev->model, st->model, sizeof(ev->model));
	} else {
		strcpy(ev->model, CODEX_FALLBACK_MODEL);
		ev->model_fallback = true;
	}

	ev->source = AU_SRC_CODEX;
	ev->dedup = AU_DEDUP_MIN;
	ev->price_mode = st->tier;
	/* input includes cached; output includes reasoning (formats.md) */
	int64_t cached = delta.cached < 0 ? 0 : delta.cached;
	ev->tok.input = delta.input > cached ? delta.input - cached : 0;
	ev->tok.cache_read = cached;
	ev->tok.output = delta.output < 0 ? 0 : delta.output;
	ev->tok.reasoning = delta.reasoning < 0 ? 0 : delta.reasoning;

	/* A copied rollout repeats its parent's events verbatim: same
	 * timestamp, same counters, so the same key. */
	const codex_counts *k = shape == 'T' ? &total : &last;
	snprintf(ev->key, sizeof(ev->key), "x:%.40s|%c%lld,%lld,%lld,%lld|%.120s", ts, shape,
		 (long long)k->input, (long long)k->cached, (long long)k->output,
		 (long long)k->reasoning, ev->model);
	ju_copy(ev->session, sizeof(ev->session), st->session);
	ju_copy(ev->cwd, sizeof(ev->cwd), st->cwd);
	return 1;
}

/*
 * payload.rate_limits of a token_count event (also on info:null events,
 * which carry nothing else): {"primary":{"used_percent","window_minutes",
 * "resets_at" (epoch seconds) or, in older builds, "resets_in_seconds"},
 * "secondary":{...}, "plan_type"}. A window that is null or lacks
 * used_percent says nothing and is left out; the rest of the line stands.
 */
static int codex_parse_limits(const void *vs, const char *line, size_t len, au_limit_fn emit, void *ctx,
			      au_err *err)
{
	(void)vs; /* the line says all: its own timestamp, its own plan */
	if (!au_memmem(line, len, "\"rate_limits\"", 13))
		return 0;
	js_doc *d = js_thread_doc();
	bool same = parsed.line == line && d->src == line && parsed.len == len && parsed.gen == d->gen;
	if (!same && js_parse(d, line, len, err) < 0)
		return 0; /* parse_line already counted the line as malformed */
	int payload = js_get_obj(d, 0, "payload");
	if (!js_str_eq(d, js_get(d, 0, "type"), "event_msg") ||
	    !js_str_eq(d, js_get(d, payload, "type"), "token_count"))
		return 0;
	int rl = js_get_obj(d, payload, "rate_limits");
	if (rl < 0)
		return 0;
	char ts[64];
	int64_t ts_ms;
	int tst = js_get(d, 0, "timestamp");
	int tslen = js_typeof(d, tst) == JS_STRING ? js_str(d, tst, ts, sizeof(ts)) : -1;
	if (tslen < 0 || au_parse_iso8601_ms(ts, (size_t)tslen, &ts_ms) < 0)
		return 0; /* an observation without a time says nothing usable */
	static const char *const names[] = {"primary", "secondary"};
	for (size_t i = 0; i < 2; i++) {
		int w = js_get_obj(d, rl, names[i]);
		au_limit lim = {.source = AU_SRC_CODEX, .resets_at_ms = -1, .observed_ms = ts_ms};
		if (w < 0 || !js_real(d, js_get(d, w, "used_percent"), &lim.used_percent))
			continue;
		if (lim.used_percent < 0 || lim.used_percent > 1000)
			return au_fail(err, EINVAL, "rate limit used_percent out of range");
		strcpy(lim.window, names[i]);
		double v;
		if (js_real(d, js_get(d, w, "window_minutes"), &v) && v >= 1 && v <= 1e6)
			lim.window_minutes = (int32_t)v;
		if (js_real(d, js_get(d, w, "resets_at"), &v) && v > 0 && v < 1e11)
			lim.resets_at_ms = (int64_t)(v * 1000);
		else if (js_real(d, js_get(d, w, "resets_in_seconds"), &v) && v >= 0 && v < 1e8)
			lim.resets_at_ms = ts_ms + (int64_t)(v * 1000);
		js_get_str(d, rl, "plan_type", lim.plan, sizeof(lim.plan));
		int r = emit(ctx, &lim);
		if (r < 0)
			return r;
	}
	return 0;
}

static json_t *counts_json(const codex_counts *c)
{
	return json_pack("[IIII]", (json_int_t)c->input, (json_int_t)c->cached, (json_int_t)c->output,
			 (json_int_t)c->reasoning);
}

static char *codex_save(const void *vs)
{
	const codex_state *st = vs;
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:b,s:o,s:o,s:b,s:b,s:I,s:b,s:b,s:o,s:o,s:i}", "model", st->model,
			      "session", st->session, "cwd", st->cwd, "ht", st->have_total, "hl", st->have_last,
			      "total", counts_json(&st->total), "last", counts_json(&st->last), "meta",
			      st->have_meta, "replay", st->replay, "at", (json_int_t)st->last_ms, "dropped",
			      st->dropped, "hp", st->has_pending, "high", counts_json(&st->high), "pending",
			      counts_json(&st->pending), "tier", (int)st->tier);
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
	/* the fields after "last" came with the replay rule: a state saved
	 * before it has none (a file that was never a replay then) */
	int meta = 1, replay = 0, dropped = 0, hp = 0, tier = 0;
	json_int_t at = -1;
	json_t *t, *l, *high = NULL, *pending = NULL;
	if (!o ||
	    json_unpack_ex(o, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:b,s:b,s:o,s:o,s?b,s?b,s?I,s?b,s?b,s?o,s?o,s?i}",
			   "model", &model, "session", &session, "cwd", &cwd, "ht", &ht, "hl", &hl, "total", &t, "last",
			   &l, "meta", &meta, "replay", &replay, "at", &at, "dropped", &dropped, "hp", &hp, "high",
			   &high, "pending", &pending, "tier", &tier) != 0 ||
	    (tier != 0 && tier != (int)AU_MODE_PRIORITY && tier != (int)AU_MODE_FLEX) ||
	    !load_counts(t, &st->total) || !load_counts(l, &st->last) ||
	    (high && !load_counts(high, &st->high)) || (pending && !load_counts(pending, &st->pending)) ||
	    at < -1 || !ju_copy(st->model, sizeof(st->model), model) ||
	    !ju_copy(st->session, sizeof(st->session), session) || !ju_copy(st->cwd, sizeof(st->cwd), cwd)) {
		json_decref(o);
		return au_fail(err, EINVAL, "unreadable saved codex state");
	}
	st->have_total = ht;
	st->have_last = hl;
	st->have_meta = meta;
	st->replay = replay;
	st->last_ms = (int64_t)at;
	st->dropped = dropped;
	st->has_pending = hp;
	st->tier = (unsigned)tier;
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
	.parse_limits = codex_parse_limits,
};
