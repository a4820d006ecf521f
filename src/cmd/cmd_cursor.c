/*
 * aiusage cursor sync: Cursor's exact usage from the account's dashboard.
 * Cursor's own files hold no reliable token counts, its dashboard does:
 * this fetches the usage-events CSV export with src/cloud.c's HTTP client,
 * signed in with the session token Cursor keeps in its state.vscdb, and
 * stores each event as a cursor usage row keyed by time and model, so a
 * re-sync replaces rather than adds.
 *
 * The token: read read-only from Cursor's database into memory, sent only
 * in the Cookie header to the configured base URL, wiped after use. It is
 * never stored, logged, put on a command line or in a message (errors pass
 * through au_cloud_scrub with it).
 *
 * Local chat-message counts (parsers/cursor.c) and synced events describe
 * the same requests: from the first synced day to the last, the events are
 * Cursor's record, so sync removes local counts in that span and a trigger
 * keeps later scans from adding them back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "budget.h"
#include "cli.h"
#include "cloud.h"
#include "config.h"
#include "cursor.h"
#include "jsonscan.h"
#include "render.h"
#include "sources.h"

#define DEFAULT_BASE_URL "https://cursor.com"
#define EXPORT_PATH "/api/dashboard/export-usage-events-csv"
#define DAY_MS INT64_C(86400000)
#define SLICE_DAYS 7     /* one request per week keeps each export far below the body cap */
#define MAX_DAYS 400     /* the longest history one sync asks for */
#define TOKEN_MAX 8192   /* a stored access token longer than this is not one */

static const char *const cursor_headers[] = {
	"Origin: https://cursor.com",
	"Referer: https://cursor.com/dashboard?tab=usage",
	NULL,
};

/* For src/cloud.c's client: how requests are signed and what errors say. */
static const au_cloud_provider cursor_provider = {
	.name = "cursor",
	.title = "Cursor",
	.base_url = DEFAULT_BASE_URL,
	.key_kind = "a signed-in session: open Cursor and sign in again",
	.auth_prefix = "Cookie: WorkosCursorSessionToken=",
	.headers = cursor_headers,
};

typedef struct sync_conf {
	char *base_url;
	int timeout_s, retries, days;
} sync_conf;

/* https anywhere; plain http only to this machine (the tests' server). */
static bool base_url_ok(const char *url)
{
	gchar *scheme = NULL, *host = NULL, *query = NULL, *fragment = NULL, *userinfo = NULL;
	bool ok = g_uri_split(url, G_URI_FLAGS_NONE, &scheme, &userinfo, &host, NULL, NULL, &query, &fragment, NULL) &&
		  scheme && host && *host && !query && !fragment && !userinfo &&
		  (g_ascii_strcasecmp(scheme, "https") == 0 ||
		   (g_ascii_strcasecmp(scheme, "http") == 0 &&
		    (strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0)));
	g_free(scheme);
	g_free(host);
	g_free(query);
	g_free(fragment);
	g_free(userinfo);
	return ok;
}

/*
 * The [cursor] group of config.ini (path, or $XDG_CONFIG_HOME/aiusage/
 * config.ini): base_url, timeout (seconds), retries, days (history fetched
 * by the first sync). Other groups belong to other code. A missing file is
 * the defaults; $AIUSAGE_CURSOR_BASE_URL beats the file.
 */
static int load_conf(const char *path, sync_conf *c, au_err *err)
{
	*c = (sync_conf){NULL, 30, 3, 30};
	char *p = path ? xstrdup(path) : au_config_default_path();
	int r = 0;
	struct stat sb;
	if (stat(p, &sb) == 0) {
		GKeyFile *kf = g_key_file_new();
		GError *ge = NULL;
		if (sb.st_size > AU_CONFIG_MAX_BYTES)
			r = au_fail(err, EFBIG, "%s: larger than %d KiB: not a config file", p, AU_CONFIG_MAX_BYTES / 1024);
		else if (!g_key_file_load_from_file(kf, p, G_KEY_FILE_NONE, &ge))
			r = au_fail(err, EINVAL, "%s: %s", p, ge->message);
		else if (g_key_file_has_group(kf, "cursor")) {
			gchar **keys = g_key_file_get_keys(kf, "cursor", NULL, NULL);
			for (gchar **k = keys; k && *k && r == 0; k++) {
				gchar *v = g_key_file_get_string(kf, "cursor", *k, NULL);
				int64_t n = 0;
				bool num = v && au_parse_int64(g_strstrip(v), &n);
				if (strcmp(*k, "base_url") == 0) {
					free(c->base_url);
					c->base_url = xstrdup(v ? g_strstrip(v) : "");
				} else if (strcmp(*k, "timeout") == 0 && num && n >= 1 && n <= 600) {
					c->timeout_s = (int)n;
				} else if (strcmp(*k, "retries") == 0 && num && n >= 0 && n <= 10) {
					c->retries = (int)n;
				} else if (strcmp(*k, "days") == 0 && num && n >= 1 && n <= MAX_DAYS) {
					c->days = (int)n;
				} else if (strcmp(*k, "timeout") == 0 || strcmp(*k, "retries") == 0 ||
					   strcmp(*k, "days") == 0) {
					r = au_fail(err, EINVAL,
						    "%s: [cursor] %s must be a whole number (timeout 1-600 s, retries 0-10, "
						    "days 1-%d)",
						    p, *k, MAX_DAYS);
				} else {
					r = au_fail(err, EINVAL,
						    "%s: unknown setting '%s' in [cursor] (known: base_url, timeout, retries, days)",
						    p, *k);
				}
				g_free(v);
			}
			g_strfreev(keys);
		}
		if (ge)
			g_error_free(ge);
		g_key_file_free(kf);
	} else if (errno != ENOENT) {
		r = au_fail(err, errno, "%s: %s", p, strerror(errno));
	}
	const char *env = getenv("AIUSAGE_CURSOR_BASE_URL");
	if (r == 0 && env && *env) {
		free(c->base_url);
		c->base_url = xstrdup(env);
	}
	if (r == 0 && !c->base_url)
		c->base_url = xstrdup(DEFAULT_BASE_URL);
	if (r == 0) {
		size_t n = strlen(c->base_url);
		while (n > 0 && c->base_url[n - 1] == '/')
			c->base_url[--n] = '\0';
		if (!base_url_ok(c->base_url))
			r = au_fail(err, EINVAL,
				    "base URL '%s' (from %s): it must be https://..., or http:// to this machine", c->base_url,
				    env && *env ? "$AIUSAGE_CURSOR_BASE_URL" : p);
	}
	free(p);
	return r;
}

/* base64url (no padding) into a malloc'd NUL-terminated buffer. */
static char *b64url_decode(const char *s, size_t n, size_t *ret_len)
{
	if (n > TOKEN_MAX)
		return NULL;
	char *t = xmalloc(n + 4);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
		if (!g_ascii_isalnum(ch) && ch != '+' && ch != '/') {
			explicit_bzero(t, n + 4);
			free(t);
			return NULL;
		}
		t[k++] = ch;
	}
	while (k % 4)
		t[k++] = '=';
	t[k] = '\0';
	gsize len = 0;
	guchar *raw = g_base64_decode(t, &len);
	explicit_bzero(t, n + 4);
	free(t);
	char *out = xmalloc(len + 1);
	memcpy(out, raw, len);
	out[len] = '\0';
	explicit_bzero(raw, len);
	g_free(raw);
	*ret_len = len;
	return out;
}

/*
 * The cookie value Cursor's dashboard takes: "<user>%3A%3A<JWT>", from
 * state.vscdb's cursorAuth/accessToken (its payload's sub, "auth0|user_X",
 * names the user). *ret_cookie and *ret_jwt are owned by the caller, to be
 * released with au_cloud_key_free. Nothing about the token reaches err.
 */
static int read_session(const char *db_path, char **ret_cookie, char **ret_jwt, int64_t now_ms, au_err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *jwt = NULL;
	int r = 0;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 2000) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT CAST(value AS TEXT) FROM ItemTable WHERE key = 'cursorAuth/accessToken'", -1,
			       &st, NULL) != SQLITE_OK) {
		r = au_fail(err, EIO, "%s: cannot read Cursor's database: %s", db_path, db ? sqlite3_errmsg(db) : "");
	} else {
		int rc = sqlite3_step(st);
		const char *v = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			r = au_fail(err, EIO, "%s: cannot read Cursor's database: %s", db_path, sqlite3_errmsg(db));
		else if (!v || !*v)
			r = au_fail(err, ENOENT, "%s holds no Cursor session: open Cursor and sign in", db_path);
		else if (strlen(v) > TOKEN_MAX)
			r = au_fail(err, EINVAL, "%s: the stored session is not a token this understands", db_path);
		else
			jwt = xstrdup(v);
		if (v)
			explicit_bzero((char *)v, strlen(v));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (r < 0)
		return r;

	/* header.payload.signature, each base64url: nothing else may go in a cookie */
	const char *dot1 = strchr(jwt, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	bool shape = dot1 && dot2 && !strchr(dot2 + 1, '.');
	for (const char *p = jwt; shape && *p; p++)
		shape = g_ascii_isalnum(*p) || *p == '-' || *p == '_' || *p == '.';
	size_t plen = 0;
	char *payload = shape ? b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), &plen) : NULL;
	js_doc d;
	js_doc_init(&d);
	char sub[256];
	int64_t exp = 0;
	if (!payload || js_parse(&d, payload, plen, NULL) < 0 || js_typeof(&d, 0) != JS_OBJECT ||
	    js_get_str(&d, 0, "sub", sub, sizeof(sub)) <= 0) {
		r = au_fail(err, EINVAL, "%s: the stored Cursor session is not a token this understands", db_path);
	} else {
		exp = js_int_or(&d, 0, "exp", 0);
		const char *bar = strrchr(sub, '|');
		const char *user = bar ? bar + 1 : sub;
		bool user_ok = *user != '\0';
		for (const char *p = user; *p; p++)
			user_ok &= g_ascii_isalnum(*p) || *p == '_' || *p == '-';
		if (!user_ok)
			r = au_fail(err, EINVAL, "%s: the stored Cursor session names no user this understands", db_path);
		else if (exp && exp * 1000 < now_ms + 60000)
			r = au_fail(err, EKEYEXPIRED,
				    "the Cursor session stored in %s has expired: open Cursor (it renews it), then sync again",
				    db_path);
		else
			*ret_cookie = xasprintf("%s%%3A%%3A%s", user, jwt);
		explicit_bzero(sub, sizeof(sub));
	}
	js_doc_release(&d);
	if (payload) {
		explicit_bzero(payload, plen);
		free(payload);
	}
	if (r < 0)
		au_cloud_key_free(jwt);
	else
		*ret_jwt = jwt;
	return r;
}

/* The first Cursor global database that exists (malloc'd), or NULL. */
static char *find_state_db(void)
{
	au_root *roots = au_roots_get(AU_SRC_CURSOR);
	char *found = NULL;
	for (au_root *r = roots; r->dir && !found; r++) {
		char *p = xasprintf("%s/state.vscdb", r->dir);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			found = p;
		else
			free(p);
	}
	au_roots_free(roots);
	return found;
}

/* YYYY-MM-DD or YYYYMMDD -> UTC midnight in ms. */
static bool parse_day(const char *s, int64_t *ret_ms)
{
	unsigned y, m, d;
	char tail;
	if ((sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 && sscanf(s, "%4u%2u%2u%c", &y, &m, &d, &tail) != 3) ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*ret_ms = au_days_from_civil(y, m, d) * DAY_MS;
	return true;
}

static void day_str(int64_t ms, char *buf, size_t n)
{
	int y;
	unsigned m, d;
	au_civil_from_days(ms / DAY_MS, &y, &m, &d);
	snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

/* What a sync fetched, before anything is stored. */
typedef struct fetched {
	GArray *events; /* au_cursor_export_event */
	au_cursor_export_stats st;
} fetched;

static int collect(void *ctx, const au_cursor_export_event *e)
{
	fetched *f = ctx;
	g_array_append_val(f->events, *e);
	return 0;
}

static int64_t meta_int(au_store *s, const char *key, int64_t dflt)
{
	char *v = NULL;
	int64_t n;
	if (au_store_meta_get(s, key, &v) == 0 && au_parse_int64(v, &n))
		dflt = n;
	free(v);
	return dflt;
}

static int meta_put_int(au_store *s, const char *key, int64_t v, au_err *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return au_store_meta_set(s, key, buf, err);
}

typedef struct sync_result {
	int64_t added, updated, unchanged, local_removed;
	int64_t ours, theirs;  /* pico-dollars: our estimate, Cursor's figure */
	int64_t unpriced;      /* events whose model has no price */
	int64_t theirs_missing; /* events without a dollar cost from Cursor */
} sync_result;

/* Stores everything fetched in one transaction, with the synced span and
 * the guard that keeps local counts out of it. */
static int store_events(au_store *s, au_pricing *p, const fetched *f, int64_t from, int64_t until, int64_t now,
			sync_result *res, au_err *err)
{
	int r;
	sqlite3 *db = au_store_db(s);
	if ((r = au_store_begin(s, err)) < 0)
		return r;
	int64_t old_from = meta_int(s, "cursor.synced_from", INT64_MAX);
	int64_t old_until = meta_int(s, "cursor.synced_until", INT64_MIN);
	int64_t span_from = from < old_from ? from : old_from, span_until = until > old_until ? until : old_until;
	if ((r = meta_put_int(s, "cursor.synced_from", span_from, err)) < 0 ||
	    (r = meta_put_int(s, "cursor.synced_until", span_until, err)) < 0 ||
	    (r = meta_put_int(s, "cursor.synced_at", now, err)) < 0)
		goto fail;
	/* local rows inside the span yield to these (trigger
	 * cursor_local_yields, store.c migration 4) */
	sqlite3_stmt *del;
	if (sqlite3_prepare_v2(db, "DELETE FROM usage WHERE key GLOB 'cursor:b:*' AND ts >= ?1 AND ts < ?2", -1, &del,
			       NULL) != SQLITE_OK) {
		r = au_fail(err, EIO, "setting local counts aside: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_int64(del, 1, span_from);
	sqlite3_bind_int64(del, 2, span_until);
	int rc = sqlite3_step(del);
	sqlite3_finalize(del);
	if (rc != SQLITE_DONE) {
		r = au_fail(err, EIO, "setting local counts aside: %s", sqlite3_errmsg(db));
		goto fail;
	}
	res->local_removed = sqlite3_changes(db);
	for (guint i = 0; i < f->events->len; i++) {
		const au_cursor_export_event *e = &g_array_index(f->events, au_cursor_export_event, i);
		const au_model_price *mp = au_pricing_lookup(p, e->ev.model);
		int64_t cost = mp ? au_cost_pico(mp, &e->ev.tok) : AU_COST_UNPRICED;
		if (mp)
			res->ours += cost;
		else
			res->unpriced++;
		if (e->has_cost)
			res->theirs += e->cost_pico;
		else
			res->theirs_missing++;
		au_event ev = e->ev;
		ev.has_tool_cost = e->has_cost;
		ev.tool_cost = e->has_cost ? e->cost_pico : 0;
		au_put_result pr;
		if ((r = au_store_put(s, &ev, 0, 0, cost, &pr, err)) < 0)
			goto fail;
		if (pr == AU_PUT_NEW)
			res->added++;
		else if (pr == AU_PUT_REPLACED)
			res->updated++;
		else
			res->unchanged++;
	}
	return au_store_commit(s, err);
fail:
	au_store_rollback(s);
	return r;
}

/* Fetches [from, until) a week at a time; all or nothing. */
static int fetch_all(const au_cloud_conf *cc, const char *cookie, const char *jwt, int64_t from, int64_t until,
		     fetched *f, int *ret_requests, au_err *err)
{
	for (int64_t a = from; a < until; a += SLICE_DAYS * DAY_MS) {
		int64_t b = a + SLICE_DAYS * DAY_MS < until ? a + SLICE_DAYS * DAY_MS : until;
		char query[128];
		snprintf(query, sizeof(query), "startDate=%" PRId64 "&endDate=%" PRId64 "&strategy=tokens", a, b);
		au_cloud_response resp;
		au_cloud_response_init(&resp);
		(*ret_requests)++;
		int r = au_cloud_get(cc, cookie, EXPORT_PATH, query, &resp, err);
		if (r == 0) {
			au_cursor_export_stats st;
			r = au_cursor_export_parse(resp.body.data ? resp.body.data : "", resp.body.len, collect, f, &st, err);
			if (r < 0 && err) {
				/* say what came instead, without quoting it */
				size_t n = strlen(err->msg);
				snprintf(err->msg + n, sizeof(err->msg) - n, " (GET %s answered %ld, %s%s)", EXPORT_PATH,
					 resp.status, resp.content_type[0] ? resp.content_type : "no content type",
					 resp.body.len ? "" : ", empty");
			}
			f->st.rows += st.rows;
			f->st.empty += st.empty;
		}
		au_cloud_response_release(&resp);
		if (r < 0) {
			if (err) {
				au_cloud_scrub(err->msg, sizeof(err->msg), cookie);
				au_cloud_scrub(err->msg, sizeof(err->msg), jwt);
			}
			return r;
		}
	}
	return 0;
}

static int run_sync(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	const char *config_path = o.config_path;
	/* AIUSAGE_NOW (RFC 3339) pins "now" for the tests */
	int64_t now = au_now_ms();
	const char *pin = getenv("AIUSAGE_NOW");
	if (pin && *pin && au_parse_iso8601_ms(pin, strlen(pin), &now) < 0) {
		au_opts_release(&o);
		return au_usage_error(cmd, "AIUSAGE_NOW '%s' is not an RFC 3339 time", pin);
	}
	int64_t since = INT64_MIN;
	if (o.since && !parse_day(o.since, &since)) {
		/* the message first: o.since is gone after the release */
		code = au_usage_error(cmd, "--since '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", o.since);
		au_opts_release(&o);
		return code;
	}
	code = AU_EXIT_FAIL;
	au_err err = {{0}};
	sync_conf sc;
	char *db_path = NULL, *cookie = NULL, *jwt = NULL;
	au_pricing *p = NULL;
	au_store *s = NULL;
	fetched f = {g_array_new(FALSE, TRUE, sizeof(au_cursor_export_event)), {0}};
	if (load_conf(config_path, &sc, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		goto out;
	}
	if (!(db_path = find_state_db())) {
		fprintf(stderr, "aiusage: no Cursor installation found (looked for User/globalStorage/state.vscdb under "
				"$CURSOR_CONFIG_DIR, default ~/.config/Cursor); `aiusage sources` shows where\n");
		goto out;
	}
	if (!(p = au_load_pricing(&o)))
		goto out;
	bool writable = false;
	if (!(s = au_open_store(&o, &writable)))
		goto out;
	if (!writable) {
		fprintf(stderr, "aiusage: cursor sync needs to write the store\n");
		goto out;
	}

	/* The window: the days asked for, and never a gap after the span
	 * synced before (events there would be set aside unfetched). */
	int64_t until = now;
	int64_t old_until = meta_int(s, "cursor.synced_until", INT64_MIN);
	int64_t from = since != INT64_MIN ? since
		       : old_until != INT64_MIN ? old_until - 2 * DAY_MS
						 : (now / DAY_MS - sc.days + 1) * DAY_MS;
	if (old_until != INT64_MIN && from > old_until - 2 * DAY_MS)
		from = old_until - 2 * DAY_MS;
	if (from < now - MAX_DAYS * DAY_MS)
		from = (now / DAY_MS - MAX_DAYS + 1) * DAY_MS;
	if (from >= until) {
		fprintf(stderr, "aiusage: --since is in the future: nothing to fetch\n");
		goto out;
	}

	if (read_session(db_path, &cookie, &jwt, now, &err) < 0) {
		fprintf(stderr, "aiusage: cursor: %s\n", err.msg);
		goto out;
	}
	au_cloud_conf cc = {
		.provider = &cursor_provider,
		.base_url = sc.base_url,
		.timeout_s = sc.timeout_s,
		.retries = sc.retries,
		.days = sc.days,
	};
	int requests = 0;
	int r = fetch_all(&cc, cookie, jwt, from, until, &f, &requests, &err);
	au_cloud_key_free(cookie);
	au_cloud_key_free(jwt);
	cookie = jwt = NULL;
	char a[16], b[16];
	day_str(from, a, sizeof(a));
	day_str(until - 1, b, sizeof(b));
	if (r < 0) {
		fprintf(stderr, "aiusage: cursor: %s; nothing was stored\n", err.msg);
		goto out;
	}
	sync_result res = {0};
	if (store_events(s, p, &f, from, until, now, &res, &err) < 0) {
		fprintf(stderr, "aiusage: cursor: storing the events: %s\n", err.msg);
		goto out;
	}
	printf("cursor: %u usage event(s) for %s..%s (%d request(s)): %" PRId64 " new, %" PRId64 " updated, %" PRId64
	       " already stored\n",
	       f.events->len, a, b, requests, res.added, res.updated, res.unchanged);
	char ours[48], theirs[48];
	au_format_usd(res.ours, 2, ours, sizeof(ours));
	au_format_usd(res.theirs, 2, theirs, sizeof(theirs));
	printf("cursor: cost at list prices $%s%s; Cursor's own figure $%s%s\n", ours,
	       res.unpriced ? " (some models unpriced)" : "", theirs,
	       res.theirs_missing ? " (some events carry none)" : "");
	if (!o.quiet) {
		if (f.st.empty)
			fprintf(stderr, "aiusage: note: %" PRId64 " exported row(s) had no tokens and were not stored\n",
				f.st.empty);
		if (res.local_removed)
			fprintf(stderr,
				"aiusage: note: %" PRId64 " local chat-message count(s) in the synced span were set aside: "
				"the dashboard's events replace them\n",
				res.local_removed);
	}
	code = AU_EXIT_OK;
out:
	au_cloud_key_free(cookie);
	au_cloud_key_free(jwt);
	g_array_free(f.events, TRUE);
	if (s)
		au_store_close(s);
	if (p)
		au_pricing_free(p);
	free(db_path);
	free(sc.base_url);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt sync_opts[] = {
	AU_OH(AU_O_SINCE, "first UTC day to fetch (default: two days before the\n"
			  "last sync, or 30 days back the first time)"),
	AU_OH(AU_O_CONFIG, "the config file ([cursor] base_url, timeout, retries, days)"),
	AU_O(AU_O_DB),
	AU_O(AU_O_PRICING),
	AU_OH(AU_O_QUIET, "no notes on stderr"),
	AU_OPTS_END,
};

#define CURSOR_ENV                                                                         \
	"Environment:\n"                                                                   \
	"  AIUSAGE_CURSOR_BASE_URL  the dashboard's base URL (default https://cursor.com)\n" \
	"  CURSOR_CONFIG_DIR        Cursor's config dirs (default ~/.config/Cursor)\n"

static const au_cmd sync_cmd = {
	.name = "sync",
	.parent = "cursor",
	.summary = "fetch the account's usage events into the store",
	.description = "Fetches the account's usage events (the dashboard's CSV export) over HTTPS,\n"
		       "signed in with the session Cursor itself stores in its state.vscdb (read\n"
		       "only; the token is sent to the server and kept nowhere else), and stores\n"
		       "each event as a cursor usage row keyed by its time and model: syncing again\n"
		       "never counts an event twice. From the first synced day on, these events are\n"
		       "Cursor's record: local chat-message counts in that span are set aside.\n\n" CURSOR_ENV,
	.options = sync_opts,
	.examples = "aiusage cursor sync && aiusage daily --source cursor\n",
	.run = run_sync,
};

static const au_cmd *const subcommands[] = {&sync_cmd, NULL};

const au_cmd au_cmd_cursor_entry = {
	.name = "cursor",
	.summary = "fetch Cursor's usage events from your cursor.com account (opt-in)",
	.description = "Cursor keeps no reliable token counts on disk; its dashboard has them. 'sync'\n"
		       "fetches them from your cursor.com account. Nothing is fetched unless you run it.\n\n" CURSOR_ENV,
	.examples = "aiusage cursor sync\n",
	.subcommands = subcommands,
};
