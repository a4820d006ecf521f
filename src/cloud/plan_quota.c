/*
 * Plan windows from the tools' own accounts (plan_quota.h): the stored
 * logins read (only read), the two endpoints asked through au_cloud_get, and
 * their answers parsed into au_limit observations for the rate_limit table.
 *
 * Where the names come from (public sources, 2025-2026):
 *  - Claude: GET https://api.anthropic.com/api/oauth/usage with
 *    "Authorization: Bearer <claudeAiOauth.accessToken>" and
 *    "anthropic-beta: oauth-2025-04-20"; the answer's five_hour, seven_day,
 *    seven_day_opus, seven_day_sonnet objects hold utilization (percent
 *    used, 0-100) and resets_at (ISO-8601, or null). Seen in CodexBar
 *    (steipete/CodexBar, Sources/CodexBarCore/Providers/Claude/ClaudeOAuth/
 *    ClaudeOAuthUsageFetcher.swift: OAuthUsageResponse, OAuthUsageWindow)
 *    and openusage (robinebers/openusage, docs/providers/claude.md, which
 *    also documents ~/.claude/.credentials.json: claudeAiOauth.accessToken,
 *    expiresAt in Unix ms, subscriptionType).
 *  - Copilot: GET https://api.github.com/copilot_internal/user with
 *    "Authorization: token <oauth_token>"; quota_snapshots.
 *    {premium_interactions, chat, completions}.{entitlement, remaining,
 *    percent_remaining, unlimited}, copilot_plan, quota_reset_date (a date
 *    or a timestamp) and, in newer answers, quota_reset_date_utc. Seen in
 *    CodexBar (Providers/Copilot/CopilotUsageFetcher.swift), openusage
 *    (docs/providers/copilot.md) and ilteoood/copilot-status (types/api.ts).
 *    shared/docs/pricing.md B7 spells them in CodexBar's Swift camelCase;
 *    the wire names are snake_case. The token: the "github.com" entry's
 *    oauth_token in github-copilot/apps.json ("github.com:<app id>" keys) or
 *    the older hosts.json, under $XDG_CONFIG_HOME or ~/.config (copilot.lua,
 *    lua/copilot/auth/init.lua; codecompanion.nvim,
 *    lua/codecompanion/adapters/http/copilot/token.lua).
 * Both endpoints are internal and undocumented: they may change, and a
 * change shows as a parse error naming what was missing.
 */
#include "plan_quota.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloud.h"
#include "jsonscan.h"
#include "jsonw.h"
#include "plan_limits.h"
#include "sources.h"

/* ---- parsing the answers ---- */

/* An ISO-8601 string member into *ret (ms); -1 when absent, null or not a
 * time. A bare date (YYYY-MM-DD) is its UTC midnight. */
static int64_t time_member(const js_doc *d, int obj, const char *key)
{
	char s[64];
	int n = js_get_str(d, obj, key, s, sizeof(s));
	int64_t ms;
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		strcat(s, "T00:00:00Z");
		n += 10;
	}
	if (n <= 0 || au_parse_iso8601_ms(s, (size_t)n, &ms) < 0)
		return -1;
	return ms;
}

int au_claude_usage_parse(const char *body, size_t len, const char *plan, int64_t observed_ms, GArray *ret,
			  au_err *err)
{
	static const struct {
		const char *name;
		int32_t minutes;
	} windows[] = {
		{"five_hour", 300},
		{"seven_day", 7 * 1440},
		{"seven_day_opus", 7 * 1440},
		{"seven_day_sonnet", 7 * 1440},
	};
	js_doc d;
	js_doc_init(&d);
	au_err perr;
	int r = 0;
	if (js_parse(&d, body, len, &perr) < 0 || js_typeof(&d, 0) != JS_OBJECT) {
		js_doc_release(&d);
		return au_fail(err, EINVAL, "the answer is not a JSON object");
	}
	guint len0 = ret->len;
	bool main_window = false;
	for (size_t i = 0; i < G_N_ELEMENTS(windows); i++) {
		int w = js_get_obj(&d, 0, windows[i].name);
		double pct;
		if (w < 0)
			continue; /* null or absent: this plan has no such window */
		if (!js_real(&d, js_get(&d, w, "utilization"), &pct) || pct < 0 || pct > 1000) {
			r = au_fail(err, EINVAL, "%s.utilization is missing or not a percentage", windows[i].name);
			break;
		}
		au_limit l = {.source = AU_SRC_CLAUDE,
			      .window_minutes = windows[i].minutes,
			      .used_percent = pct,
			      .resets_at_ms = time_member(&d, w, "resets_at"),
			      .observed_ms = observed_ms};
		g_strlcpy(l.window, windows[i].name, sizeof(l.window));
		if (plan)
			g_strlcpy(l.plan, plan, sizeof(l.plan));
		g_array_append_val(ret, l);
		main_window |= i < 2;
	}
	if (r == 0 && !main_window)
		r = au_fail(err, EINVAL, "the answer has neither five_hour nor seven_day");
	if (r < 0)
		g_array_set_size(ret, len0);
	js_doc_release(&d);
	return r;
}

int au_copilot_quota_parse(const char *body, size_t len, int64_t observed_ms, GArray *ret, au_err *err)
{
	static const char *const names[] = {"premium_interactions", "chat", "completions"};
	js_doc d;
	js_doc_init(&d);
	au_err perr;
	if (js_parse(&d, body, len, &perr) < 0 || js_typeof(&d, 0) != JS_OBJECT) {
		js_doc_release(&d);
		return au_fail(err, EINVAL, "the answer is not a JSON object");
	}
	int snaps = js_get_obj(&d, 0, "quota_snapshots");
	if (snaps < 0) {
		js_doc_release(&d);
		return au_fail(err, EINVAL, "the answer has no quota_snapshots (a plan without quotas?)");
	}
	char plan[AU_PLAN_MAX] = "";
	js_get_str(&d, 0, "copilot_plan", plan, sizeof(plan));
	int64_t reset = time_member(&d, 0, "quota_reset_date_utc");
	if (reset < 0)
		reset = time_member(&d, 0, "quota_reset_date");
	guint len0 = ret->len;
	int r = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(names) && r == 0; i++) {
		int q = js_get_obj(&d, snaps, names[i]);
		if (q < 0 || js_typeof(&d, js_get(&d, q, "unlimited")) == JS_TRUE)
			continue;
		double left, ent, rem, used;
		if (js_real(&d, js_get(&d, q, "percent_remaining"), &left))
			used = 100 - left;
		else if (js_real(&d, js_get(&d, q, "entitlement"), &ent) && ent > 0 &&
			 js_real(&d, js_get(&d, q, "remaining"), &rem))
			used = (ent - rem) * 100 / ent;
		else {
			r = au_fail(err, EINVAL, "quota_snapshots.%s has neither percent_remaining nor entitlement and remaining",
				    names[i]);
			break;
		}
		/* overage can take remaining below zero: over 100 % is kept */
		if (used < 0)
			used = 0;
		au_limit l = {.source = AU_SRC_COPILOT, .used_percent = used, .resets_at_ms = reset,
			      .observed_ms = observed_ms};
		g_strlcpy(l.window, names[i], sizeof(l.window));
		g_strlcpy(l.plan, plan, sizeof(l.plan));
		g_array_append_val(ret, l);
	}
	if (r < 0)
		g_array_set_size(ret, len0);
	js_doc_release(&d);
	return r;
}

/* ---- the logins ---- */

void au_quota_login_release(au_quota_login *l)
{
	if (!l)
		return;
	au_cloud_key_free(l->token);
	free(l->path);
	memset(l, 0, sizeof(*l));
}

/* The whole file, read-only, into *ret (NUL-terminated; the caller wipes
 * it). -ENOENT when it does not exist. */
static int read_secret_file(const char *path, char **ret, size_t *ret_len, au_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		return au_fail(err, e, "cannot read %s: %s", path, strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > AU_QUOTA_CRED_MAX) {
		close(fd);
		return au_fail(err, EINVAL, "%s: not a regular file of at most %d KiB", path, AU_QUOTA_CRED_MAX / 1024);
	}
	size_t size = (size_t)st.st_size;
	char *buf = xmalloc(size + 1);
	ssize_t got = au_read_full(fd, buf, size);
	close(fd);
	if (got < 0 || (size_t)got < size) {
		/* an error, or the file shrank under us */
		int e = got < 0 ? (int)-got : EIO;
		explicit_bzero(buf, size);
		free(buf);
		return au_fail(err, e, "cannot read %s: %s", path, strerror(e));
	}
	buf[got] = '\0';
	*ret = buf;
	*ret_len = (size_t)got;
	return 0;
}

static void wipe_free(char *p, size_t n)
{
	if (!p)
		return;
	explicit_bzero(p, n);
	free(p);
}

/* String token t as a token fit for a header (printable ASCII, no blank),
 * malloc'd; NULL otherwise. */
static char *take_token(const js_doc *d, int t)
{
	if (js_typeof(d, t) != JS_STRING)
		return NULL;
	char *tok = xmalloc(AU_QUOTA_TOKEN_MAX + 1);
	int n = js_str(d, t, tok, AU_QUOTA_TOKEN_MAX + 1);
	bool ok = n > 0;
	for (int i = 0; ok && i < n; i++)
		ok = (unsigned char)tok[i] > ' ' && (unsigned char)tok[i] < 0x7f;
	if (!ok) {
		wipe_free(tok, AU_QUOTA_TOKEN_MAX + 1);
		return NULL;
	}
	char *out = xstrdup(tok);
	wipe_free(tok, AU_QUOTA_TOKEN_MAX + 1);
	return out;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Where Claude Code keeps its login, as tool_claude.c finds its config
 * dirs: the first $CLAUDE_CONFIG_DIR entry holding one, else the XDG dir,
 * else ~/.claude. *ret_looked lists where it looked (for the message). */
static char *claude_credentials_path(char **ret_looked)
{
	GPtrArray *cand = g_ptr_array_new_with_free_func(free);
	GPtrArray *dirs = au_env_dirs("CLAUDE_CONFIG_DIR");
	if (dirs) {
		for (guint i = 0; i < dirs->len; i++) {
			char *dir = dirs->pdata[i];
			char *base = g_path_get_basename(dir);
			/* an entry may name projects/ itself */
			char *cfg = strcmp(base, "projects") == 0 ? g_path_get_dirname(dir) : g_strdup(dir);
			g_ptr_array_add(cand, xasprintf("%s/.credentials.json", cfg));
			g_free(cfg);
			g_free(base);
		}
		g_ptr_array_free(dirs, TRUE);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME");
		if (xdg && xdg[0] == '/')
			g_ptr_array_add(cand, xasprintf("%s/claude/.credentials.json", xdg));
		else
			g_ptr_array_add(cand, xasprintf("%s/.config/claude/.credentials.json", au_home_dir()));
		g_ptr_array_add(cand, xasprintf("%s/.claude/.credentials.json", au_home_dir()));
	}
	char *found = NULL;
	for (guint i = 0; i < cand->len && !found; i++)
		if (exists(cand->pdata[i]))
			found = xstrdup(cand->pdata[i]);
	g_ptr_array_add(cand, NULL);
	*ret_looked = g_strjoinv(", ", (gchar **)cand->pdata);
	g_ptr_array_free(cand, TRUE);
	return found;
}

int au_claude_login_read(int64_t now_ms, au_quota_login *ret, au_err *err)
{
	memset(ret, 0, sizeof(*ret));
	char *looked = NULL;
	char *path = claude_credentials_path(&looked);
	if (!path) {
		int r = au_fail(err, ENOENT, "no Claude Code login found (looked for %s): sign in with Claude Code first",
				looked);
		g_free(looked);
		return r;
	}
	g_free(looked);
	char *text = NULL;
	size_t len = 0;
	int r = read_secret_file(path, &text, &len, err);
	if (r < 0) {
		free(path);
		return r;
	}
	js_doc d;
	js_doc_init(&d);
	au_err perr;
	int o = js_parse(&d, text, len, &perr) == 0 ? js_get_obj(&d, 0, "claudeAiOauth") : -1;
	char *token = o >= 0 ? take_token(&d, js_get(&d, o, "accessToken")) : NULL;
	double exp = -1;
	if (o >= 0 && !js_real(&d, js_get(&d, o, "expiresAt"), &exp))
		exp = -1;
	char plan[AU_PLAN_MAX] = "";
	if (o >= 0 && js_get_str(&d, o, "subscriptionType", plan, sizeof(plan)) > 0) {
		/* shown and stored: a plain word or nothing */
		for (char *p = plan; *p; p++)
			if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
				plan[0] = '\0';
	}
	js_doc_release(&d);
	wipe_free(text, len);
	if (!token) {
		r = au_fail(err, EINVAL, "%s holds no Claude Code login this understands (claudeAiOauth.accessToken)",
			    path);
	} else if (exp >= 0 && exp <= (double)now_ms) {
		char when[32];
		au_format_utc((int64_t)exp, false, when);
		r = au_fail(err, EKEYEXPIRED,
			    "the Claude Code login in %s expired at %s: run Claude Code to refresh its login "
			    "(aiusage only reads that file, it never refreshes it)",
			    path, when);
	}
	if (r < 0) {
		au_cloud_key_free(token);
		free(path);
		return r;
	}
	ret->token = token;
	ret->path = path;
	g_strlcpy(ret->plan, plan, sizeof(ret->plan));
	return 0;
}

int au_copilot_login_read(au_quota_login *ret, au_err *err)
{
	memset(ret, 0, sizeof(*ret));
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *dir = xdg && xdg[0] == '/' ? xasprintf("%s/github-copilot", xdg)
					 : xasprintf("%s/.config/github-copilot", au_home_dir());
	static const char *const files[] = {"apps.json", "hosts.json"};
	int r = -ENOENT;
	for (size_t i = 0; i < G_N_ELEMENTS(files) && r == -ENOENT; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);
		char *text = NULL;
		size_t len = 0;
		if (!exists(path)) {
			free(path);
			continue;
		}
		if ((r = read_secret_file(path, &text, &len, err)) < 0) {
			free(path);
			break;
		}
		js_doc d;
		js_doc_init(&d);
		au_err perr;
		char *token = NULL;
		if (js_parse(&d, text, len, &perr) == 0 && js_typeof(&d, 0) == JS_OBJECT) {
			/* {"github.com[:APP]": {"user": ..., "oauth_token": ...}, ...}:
			 * github.com only (an enterprise host's token is not for
			 * api.github.com) */
			uint32_t end = d.toks[0].next;
			for (uint32_t k = 1; k < end && !token; k = d.toks[k + 1].next) {
				char host[256];
				if (js_str(&d, (int)k, host, sizeof(host)) < 0 ||
				    (strcmp(host, "github.com") != 0 && strncmp(host, "github.com:", 11) != 0))
					continue;
				token = take_token(&d, js_get(&d, (int)k + 1, "oauth_token"));
			}
		}
		js_doc_release(&d);
		wipe_free(text, len);
		if (token) {
			ret->token = token;
			ret->path = path;
			r = 0;
		} else {
			r = au_fail(err, EINVAL, "%s holds no github.com login this understands (oauth_token)", path);
			free(path);
		}
	}
	if (r == -ENOENT)
		r = au_fail(err, ENOENT,
			    "no GitHub Copilot login found (looked for %s/apps.json and hosts.json): sign in to "
			    "Copilot in your editor first",
			    dir);
	free(dir);
	return r;
}

/* ---- fetching ---- */

static const char *const claude_headers[] = {"anthropic-beta: oauth-2025-04-20", NULL};

static const au_cloud_provider quota_providers[AU_QUOTA_N] = {
	[AU_QUOTA_CLAUDE] = {.name = "claude",
			     .title = "Claude's usage endpoint",
			     .base_url = AU_LIMITS_CLAUDE_URL,
			     .key_kind = "the login Claude Code stores",
			     .auth_prefix = "Authorization: Bearer ",
			     .headers = claude_headers},
	[AU_QUOTA_COPILOT] = {.name = "copilot",
			      .title = "GitHub's Copilot endpoint",
			      .base_url = AU_LIMITS_COPILOT_URL,
			      .key_kind = "the GitHub login the Copilot editor plugins store",
			      .auth_prefix = "Authorization: token "},
};

static const char *const quota_paths[AU_QUOTA_N] = {
	[AU_QUOTA_CLAUDE] = "/api/oauth/usage",
	[AU_QUOTA_COPILOT] = "/copilot_internal/user",
};

const char *au_quota_name(au_quota_provider p)
{
	return p < AU_QUOTA_N ? quota_providers[p].name : "?";
}

bool au_quota_enabled(const au_limits_fetch *f, au_quota_provider p)
{
	return p == AU_QUOTA_CLAUDE ? f->claude_oauth : p == AU_QUOTA_COPILOT ? f->copilot_quota : false;
}

static int store_all(au_store *s, const GArray *lims, au_err *err)
{
	int r = au_store_begin(s, err);
	for (guint i = 0; r == 0 && i < lims->len; i++)
		r = au_store_limit_put(s, &g_array_index(lims, au_limit, i), "oauth", err);
	if (r == 0)
		return au_store_commit(s, err);
	au_store_rollback(s);
	return r;
}

int au_quota_fetch(au_store *s, const au_limits_fetch *f, au_quota_provider p, int64_t now_ms,
		   au_quota_result *res)
{
	memset(res, 0, sizeof(*res));
	res->provider = p;
	au_err *err = &res->err;
	au_quota_login login;
	int r = p == AU_QUOTA_CLAUDE ? au_claude_login_read(now_ms, &login, err) : au_copilot_login_read(&login, err);
	if (r < 0)
		return res->r = r;
	const char *base = p == AU_QUOTA_CLAUDE ? f->claude_base_url : f->copilot_base_url;
	au_cloud_section sec = {.base_url = (char *)(base ? base : quota_providers[p].base_url), /* borrowed */
				.timeout_s = f->timeout_s > 0 ? f->timeout_s : 20,
				.retries = 1};
	au_cloud_conf conf = {.provider = &quota_providers[p], .sec = &sec};
	au_cloud_response resp;
	au_cloud_response_init(&resp);
	r = au_cloud_get(&conf, login.token, quota_paths[p], NULL, &resp, err);
	if (r == -EACCES && p == AU_QUOTA_CLAUDE) {
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": run Claude Code to refresh its login");
	} else if (r == -EACCES) {
		size_t n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": sign in to Copilot in your editor again");
	}
	GArray *lims = g_array_new(FALSE, FALSE, sizeof(au_limit));
	if (r == 0) {
		au_err perr;
		const char *body = resp.body.data ? resp.body.data : "";
		r = p == AU_QUOTA_CLAUDE ? au_claude_usage_parse(body, resp.body.len, login.plan, now_ms, lims, &perr)
					 : au_copilot_quota_parse(body, resp.body.len, now_ms, lims, &perr);
		if (r < 0) {
			au_cloud_scrub(perr.msg, sizeof(perr.msg), login.token);
			au_fail(err, -r, "GET %s: %s", quota_paths[p], perr.msg);
		}
	}
	if (r == 0 && (r = store_all(s, lims, err)) == 0)
		res->windows = (int)lims->len;
	g_array_free(lims, TRUE);
	au_cloud_response_release(&resp);
	if (r < 0)
		au_cloud_scrub(err->msg, sizeof(err->msg), login.token);
	au_quota_login_release(&login);
	return res->r = r;
}

int au_quota_poll_due(au_store *s, const au_limits_fetch *f, int64_t now_ms,
		      void (*log)(void *ud, const char *line), void *ud, int64_t *ret_next_ms)
{
	int polled = 0;
	int64_t next = INT64_MAX;
	for (int p = 0; p < AU_QUOTA_N; p++) {
		if (!au_quota_enabled(f, (au_quota_provider)p))
			continue;
		char *mk = xasprintf("limits.%s.last_attempt", au_quota_name((au_quota_provider)p)), *mv = NULL;
		int64_t last = INT64_MIN;
		if (au_store_meta_get(s, mk, &mv) == 0 && !au_parse_int64(mv, &last))
			last = INT64_MIN;
		free(mv);
		int64_t due = last == INT64_MIN ? now_ms : last + (int64_t)f->interval_s * 1000;
		if (due > now_ms) {
			next = MIN(next, due);
			free(mk);
			continue;
		}
		char v[32];
		snprintf(v, sizeof(v), "%" PRId64, now_ms);
		au_err err;
		if (au_store_meta_set(s, mk, v, &err) < 0 && log) {
			char *line = xasprintf("%s: %s", au_quota_name((au_quota_provider)p), err.msg);
			log(ud, line);
			free(line);
		}
		free(mk);
		au_quota_result res;
		if (au_quota_fetch(s, f, (au_quota_provider)p, now_ms, &res) < 0 && log) {
			char *line = xasprintf("%s: %s", au_quota_name((au_quota_provider)p), res.err.msg);
			log(ud, line);
			free(line);
		}
		polled++;
		next = MIN(next, now_ms + (int64_t)f->interval_s * 1000);
	}
	*ret_next_ms = next;
	return polled;
}
