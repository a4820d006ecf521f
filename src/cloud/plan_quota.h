/*
 * Plan windows from the tools' own accounts, for `aiusage limits`: Claude's
 * OAuth usage endpoint with the login Claude Code stores, and GitHub's
 * Copilot quota snapshots with the login the Copilot editor plugins store.
 * Each is off unless [limits] in config.ini turns it on (config.h
 * au_limits_fetch). What they say goes to the store's rate_limit table with
 * origin "oauth" (plan_limits.h), beside what the logs and the statusline
 * report.
 *
 * The credential files belong to the tools: they are opened read-only,
 * never written, refreshed, copied or logged (a peer broke users' logins by
 * rewriting Claude's). An expired login is reported and nothing else
 * happens. A token lives in memory only, goes to the server in a header
 * built from memory (au_cloud_get), and is wiped after use; no function here
 * puts it in an error message, the store, a log or a command line.
 */
#ifndef AU_PLAN_QUOTA_H
#define AU_PLAN_QUOTA_H

#include <glib.h>
#include <stdint.h>

#include "config.h"
#include "parser.h"
#include "store.h"
#include "util.h"

/* A credential file bigger than this is not one (both are well under 4 KiB). */
#define AU_QUOTA_CRED_MAX (256 * 1024)
/* A token longer than this, or with a byte outside printable ASCII, is
 * refused before it could reach a header. */
#define AU_QUOTA_TOKEN_MAX 8192

/* ---- pure parsers of the endpoints' answers (no I/O) ---- */

/*
 * GET /api/oauth/usage: five_hour, seven_day, seven_day_opus and
 * seven_day_sonnet objects ({"utilization": percent, "resets_at": ISO-8601
 * or null}; a window that is null or absent is skipped) appended to ret
 * (au_limit, source claude, windows named as the endpoint names them, plan
 * as given, observed at observed_ms). -EINVAL with the reason in err when
 * the body is not JSON or holds neither five_hour nor seven_day.
 */
int au_claude_usage_parse(const char *body, size_t len, const char *plan, int64_t observed_ms, GArray *ret,
			  au_err *err);

/*
 * GET /copilot_internal/user: quota_snapshots.{premium_interactions, chat,
 * completions} appended to ret as windows of those names (source copilot):
 * usedPercent = 100 - percent_remaining (from entitlement and remaining
 * when that is missing), planType = copilot_plan, the reset from
 * quota_reset_date_utc or quota_reset_date. An unlimited snapshot is
 * skipped. -EINVAL when the body is not JSON or has no quota_snapshots.
 */
int au_copilot_quota_parse(const char *body, size_t len, int64_t observed_ms, GArray *ret, au_err *err);

/* ---- the stored logins ---- */

typedef struct au_quota_login {
	char *token;            /* wiped and freed by au_quota_login_release */
	char *path;             /* the file it was read from */
	char plan[AU_PLAN_MAX]; /* Claude's subscriptionType, or "" */
} au_quota_login;

void au_quota_login_release(au_quota_login *l);

/*
 * Claude Code's login: .credentials.json in the first $CLAUDE_CONFIG_DIR
 * entry that has one (as watchers/tool_claude.c reads that list), else in
 * $XDG_CONFIG_HOME/claude or ~/.claude: claudeAiOauth.{accessToken,
 * expiresAt (Unix ms), subscriptionType}. -ENOENT when there is none,
 * -EKEYEXPIRED when expiresAt has passed (at now_ms), -EINVAL when the file
 * is not what it should be; err names the file, never its contents.
 */
int au_claude_login_read(int64_t now_ms, au_quota_login *ret, au_err *err);

/*
 * The GitHub login of the Copilot editor plugins: the oauth_token of the
 * "github.com" (or "github.com:APP") entry of apps.json, else hosts.json,
 * in $XDG_CONFIG_HOME/github-copilot or ~/.config/github-copilot. Errors as
 * au_claude_login_read's.
 */
int au_copilot_login_read(au_quota_login *ret, au_err *err);

/* ---- fetching ---- */

typedef enum au_quota_provider {
	AU_QUOTA_CLAUDE,
	AU_QUOTA_COPILOT,
	AU_QUOTA_N,
} au_quota_provider;

/* "claude", "copilot": the tool whose windows it fetches. */
const char *au_quota_name(au_quota_provider p);
bool au_quota_enabled(const au_limits_fetch *f, au_quota_provider p);

typedef struct au_quota_result {
	au_quota_provider provider;
	int r;                 /* 0, or a negative errno */
	int windows;           /* observations stored */
	au_err err;            /* what went wrong, when r < 0 */
} au_quota_result;

/*
 * Fetches one provider now and stores what it says, all or nothing:
 * reads the login, GETs the endpoint, parses, stores. res says how it went.
 * Returns res->r.
 */
int au_quota_fetch(au_store *s, const au_limits_fetch *f, au_quota_provider p, int64_t now_ms,
		   au_quota_result *res);

/*
 * For the watcher: fetches each enabled provider whose interval has passed
 * since its last attempt (kept in the store's meta table). Failures go to
 * log(ud, line). Returns how many were fetched and sets *ret_next_ms to
 * when the next falls due (INT64_MAX when none is enabled). Blocks while it
 * fetches: call it from a worker thread with its own au_store.
 */
int au_quota_poll_due(au_store *s, const au_limits_fetch *f, int64_t now_ms,
		      void (*log)(void *ud, const char *line), void *ud, int64_t *ret_next_ms);

#endif
