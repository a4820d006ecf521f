/*
 * The parser contract. A parser turns one line of a tool's log into at most
 * one usage event. Parsers do no file I/O, no SQLite and no printing: they
 * are pure functions over bytes plus a small per-file state that the caller
 * persists between scans (see save/load), so unit tests and fuzzers call
 * them directly. Which parsers a tool has, and which files each reads, is
 * the tool's descriptor (watchers/tool_<name>.c), not this layer's business.
 */
#ifndef AU_PARSER_H
#define AU_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * The tools (what reports call a source), one row each: the enum name and
 * the name reports, the store and --source use. This is all the layers
 * below watchers/ know of a tool (events carry an au_source; the store and
 * reports need its name); everything else about it is its descriptor in
 * watchers/tool_<name>.c, and tests/unit/test_tools.c fails when a row
 * here has none. The order is the order every list shows the tools in.
 */
#define AU_SOURCE_LIST(X)          \
	X(CLAUDE, "claude")        \
	X(CODEX, "codex")          \
	X(GEMINI, "gemini")        \
	X(OPENCODE, "opencode")    \
	X(COPILOT, "copilot")      \
	X(VSCODE, "vscode")        \
	X(CURSOR, "cursor")        \
	X(WINDSURF, "windsurf")    \
	X(CLINE, "cline")          \
	X(ROO, "roo")              \
	X(KILO, "kilo")            \
	X(QWEN, "qwen")            \
	X(KIMI, "kimi")            \
	X(DROID, "droid")          \
	X(GOOSE, "goose")          \
	X(AMP, "amp")

#define AU_SOURCE_ENUM_(id, name) AU_SRC_##id,
typedef enum au_source {
	AU_SRC_NONE = 0,
	AU_SOURCE_LIST(AU_SOURCE_ENUM_) AU_SRC_MAX
} au_source;
#undef AU_SOURCE_ENUM_

/* How a tool stores what a parser reads. */
typedef enum au_storage {
	AU_STORAGE_JSONL = 0, /* append-only lines: only new bytes are read */
	AU_STORAGE_FILE,      /* one document rewritten whole: re-read on change */
	AU_STORAGE_SQLITE,    /* a database another program writes: queried read-only */
} au_storage;

/*
 * Unified token fields, the same meaning for every source:
 * input never includes cached input, output always includes reasoning.
 * total = input + cache_create_5m + cache_create_1h + cache_read + output.
 */
/*
 * The largest token count a parser accepts in one field: far beyond any
 * real request (contexts are ~1e6), small enough that sums over millions
 * of responses stay inside int64. Larger is a malformed line.
 */
#define AU_TOKENS_MAX INT64_C(1000000000000)

typedef struct au_tokens {
	int64_t input;
	int64_t cache_create_5m;
	int64_t cache_create_1h;
	int64_t cache_read;
	int64_t output;
	int64_t reasoning; /* informational, already inside output */
} au_tokens;

/* Tokens from a record whose input count includes the cached input, read
 * (cr) and written (cw), as Copilot's and OpenTelemetry's do; a write with
 * no TTL given is the 5-minute kind. */
static inline au_tokens au_tokens_from_inclusive(int64_t in, int64_t cr, int64_t cw, int64_t out, int64_t reasoning)
{
	int64_t cached = cr + cw;
	return (au_tokens){.input = in > cached ? in - cached : 0,
			   .cache_read = cr,
			   .cache_create_5m = cw,
			   .output = out,
			   .reasoning = reasoning};
}

static inline int64_t au_tokens_cache_create(const au_tokens *t)
{
	return t->cache_create_5m + t->cache_create_1h;
}
static inline void au_tokens_add(au_tokens *a, const au_tokens *b)
{
	a->input += b->input;
	a->cache_create_5m += b->cache_create_5m;
	a->cache_create_1h += b->cache_create_1h;
	a->cache_read += b->cache_read;
	a->output += b->output;
	a->reasoning += b->reasoning;
}
static inline int64_t au_tokens_total(const au_tokens *t)
{
	return t->input + t->cache_create_5m + t->cache_create_1h + t->cache_read + t->output;
}

/* How the store resolves two events with one key. */
typedef enum au_dedup {
	/* Claude: keep the copy with the largest total; main chain beats sidechain. */
	AU_DEDUP_BEST = 0,
	/*
	 * Codex: an identical event seen again (forks, copies) counts once, with
	 * the smallest delta: a copy whose file lacks the earlier history can
	 * only over-state it, so the result does not depend on scan order.
	 */
	AU_DEDUP_MIN = 1,
	/*
	 * Records re-read whole (rewritten files, database rows updated while a
	 * response streams): the copy read last replaces the stored one.
	 */
	AU_DEDUP_LATEST = 2,
	/*
	 * A stand-in for the authoritative record (OpenCode's legacy message
	 * file beside the database row the migration copied it into): kept
	 * when its key is new, replaced by any other copy, and replacing only
	 * an earlier read of its own file (as AU_DEDUP_LATEST does).
	 */
	AU_DEDUP_FALLBACK = 3,
} au_dedup;

#define AU_KEY_MAX 256
#define AU_ID_MAX 200
#define AU_MODEL_MAX 200
#define AU_FIELD_MAX 96
#define AU_PATH_MAX 4096

typedef struct au_event {
	au_source source;
	au_dedup dedup;
	/*
	 * Dedup key. Empty means "this record cannot be matched to any other":
	 * the caller then keys it by its position (file, byte offset).
	 */
	char key[AU_KEY_MAX];
	/* Claude message.id ("" if none): used for the sidechain replay rule. */
	char msg_id[AU_ID_MAX];
	bool sidechain;
	int64_t ts_ms; /* UTC, milliseconds since the epoch */
	char session[AU_ID_MAX];
	char model[AU_MODEL_MAX];
	char cwd[AU_PATH_MAX];
	/* true when the model was not in the log and a fallback was used */
	bool model_fallback;
	/*
	 * The record withdraws one this parser emitted earlier under the same
	 * key (a better record for the same response came later): the store
	 * deletes what it counted for key. Nothing else in the event matters.
	 */
	bool retract;
	/*
	 * What the tool itself says the record cost (OpenCode's `cost`, the
	 * Cursor dashboard's), in pico-dollars, kept beside our own price;
	 * has_tool_cost false when the tool says nothing.
	 */
	bool has_tool_cost;
	int64_t tool_cost;
	au_tokens tok;
	/* AU_MODE_* bits: the request ran in a mode priced apart from the
	 * standard rate (pricing.h au_cost_pico_mode). 0: standard. */
	unsigned price_mode;
	/*
	 * Something in the record this parser does not know ("" when it knows
	 * it all), for the scan to log once per name (plan_limits.h
	 * au_store_unknown_field), so that a format change shows:
	 *   "NAME"               a member of the record's usage object (shown
	 *                        as usage.NAME: Claude's message.usage)
	 *   "a.b.NAME"           a field elsewhere, by its path (Codex's
	 *                        payload.info.total_token_usage.NAME)
	 *   "type:NAME"          a record type ("type:event_msg/NAME" for a
	 *                        kind of Codex event)
	 * Names only, never values. parse_line may set it on a line it returns
	 * 0 for (a record of an unknown type holds no usage we can count); the
	 * caller clears it before each call.
	 */
	char unknown[AU_FIELD_MAX];
} au_event;

/* Claude Code `usage.speed == "fast"` */
#define AU_MODE_FAST 1u
/* Claude Code `usage.inference_geo == "us"` (US-only inference) */
#define AU_MODE_GEO_US 2u
/* OpenAI service_tier "priority" / "flex" */
#define AU_MODE_PRIORITY 4u
#define AU_MODE_FLEX 8u

/*
 * What parse_file and parse_row return (instead of 0) for a record that
 * holds no usage because it lacks what would say so, with err->msg saying
 * what: not an error, but `scan -v` counts and names such records, so that
 * nothing is left out silently (OpenCode messages without a role).
 */
#define AU_PARSE_SKIPPED 2

/* Hands one event to the caller (AU_STORAGE_FILE / _SQLITE parsers, which
 * find many per call). A negative return stops the parser with that error. */
typedef int (*au_emit_fn)(void *ctx, const au_event *ev);

/*
 * One observation of a plan's rate-limit window as a tool reported it
 * (Codex's token_count rate_limits, Claude Code's statusline input): the
 * tool's own figure, not an estimate. Windows are named as the tool names
 * them: "primary"/"secondary" (Codex), "five_hour"/"seven_day" (Claude).
 */
#define AU_WINDOW_MAX 32
#define AU_PLAN_MAX 32
typedef struct au_limit {
	au_source source;
	char window[AU_WINDOW_MAX];
	int32_t window_minutes; /* 0 when the record does not say */
	double used_percent;
	int64_t resets_at_ms; /* -1 when the record does not say */
	int64_t observed_ms;  /* when the tool wrote it */
	char plan[AU_PLAN_MAX]; /* "" when the record does not say */
} au_limit;

/* Hands one rate-limit observation to the caller; negative stops the parser. */
typedef int (*au_limit_fn)(void *ctx, const au_limit *lim);

typedef struct au_parser_ops {
	const char *name; /* unique: "claude", "gemini-json"; stored with each file's cursor */
	au_source source;
	au_storage storage;
	size_t state_size;
	/* Resets state for a file read from its start. path is only looked at
	 * as a string (session id fallback from the file name), never opened. */
	void (*init)(void *state, const char *path);
	/* Cheap test (memchr/memmem only) whether a line can matter at all. */
	bool (*candidate)(const char *line, size_t len);
	/*
	 * Parses one complete line (without its newline). Returns 1 with *ret
	 * filled, 0 when the line carries no usage, or a negative errno with
	 * err->msg saying what was wrong (the caller adds file and line).
	 */
	int (*parse_line)(void *state, const char *line, size_t len, au_event *ret, au_err *err);
	/*
	 * AU_STORAGE_JSONL, instead of parse_line, for a line that holds
	 * several records (one per model) or withdraws earlier ones: each goes
	 * to emit. 0, or a negative errno as for parse_line.
	 */
	int (*parse_line_emit)(void *state, const char *line, size_t len, au_emit_fn emit, void *ctx,
			       au_err *err);
	/* Persisted per-file state, or NULL for stateless parsers.
	 * save returns a malloc'd string owned by the caller. */
	char *(*save)(const void *state);
	int (*load)(void *state, const char *text, au_err *err);
	/*
	 * AU_STORAGE_FILE: the whole document. Every record in it goes to emit
	 * (with a stable key, so a re-read replaces rather than adds). 0, or a
	 * negative errno when the document is malformed (nothing is kept then).
	 */
	int (*parse_file)(void *state, const char *data, size_t len, au_emit_fn emit, void *ctx, au_err *err);
	/*
	 * AU_STORAGE_SQLITE: `query` runs read-only on the database; each row's
	 * columns (as text, NULL for SQL NULL) go to parse_row, which emits
	 * what the row holds. A malformed row is a negative errno (skipped).
	 */
	const char *query;
	/*
	 * Optional incremental read of a database read before: query_since
	 * has the same columns as query and takes ?1 and ?2 from since(),
	 * which looks at the state saved after the last read (false: no
	 * watermark, read everything). A replaced database, a state that does
	 * not load, or a query_since that does not prepare (an older schema)
	 * falls back to query.
	 */
	const char *query_since;
	bool (*since)(const void *state, int64_t ret[2]);
	int (*parse_row)(void *state, int ncols, const char *const *cols, const size_t *lens, au_emit_fn emit,
			 void *ctx, au_err *err);
	/*
	 * Optional, AU_STORAGE_JSONL: the rate-limit observations a candidate
	 * line holds, each to emit; called after parse_line on the same line,
	 * its bytes unchanged (so state is the line's own, and a parser may
	 * reuse what parse_line tokenized) and free to return at once (memmem)
	 * for lines without any. Usage and limits are separate records: a line
	 * may carry either, both or neither. 0, or a negative errno.
	 */
	int (*parse_limits)(const void *state, const char *line, size_t len, au_limit_fn emit, void *ctx,
			    au_err *err);
} au_parser_ops;

extern const au_parser_ops au_parser_claude;
extern const au_parser_ops au_parser_codex;

/* The source whose au_source_name() is name ("claude"), or AU_SRC_NONE. */
au_source au_source_by_name(const char *name);
/* "claude", "codex", "gemini", ...: the name reports and --source use;
 * "unknown" for AU_SRC_NONE or a value out of range. */
const char *au_source_name(au_source src);

/* The file name of a log path without its directory and ".jsonl"/".json":
 * returns its length and points *ret_base at it (inside path). */
size_t au_log_stem(const char *path, const char **ret_base);

#endif
