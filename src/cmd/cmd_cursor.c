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
#include "cursor_session.h"
#include "queries.h"
#include "dayarg.h"
#include "jsonscan.h"
#include "render.h"
#include "sources.h"

#define DEFAULT_BASE_URL "https://cursor.com"
#define EXPORT_PATH "/api/dashboard/export-usage-events-csv"
#define DAY_MS INT64_C(86400000)
#define SLICE_DAYS 7     /* one request per week keeps each export far below the body cap */
#define MAX_DAYS AU_CURSOR_MAX_DAYS

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

/* The [cursor] group of config.ini, read by src/config. */
static int load_conf(const char *path, sync_conf *c, au_err *err)
{
	au_cursor_section sec;
	int r = au_config_cursor_load(path, DEFAULT_BASE_URL, &sec, err);
	if (r < 0) {
		*c = (sync_conf){0};
		return r;
	}
	*c = (sync_conf){sec.base_url, sec.timeout_s, sec.retries, sec.days};
	return 0;
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
	if ((r = au_store_begin(s, err)) < 0)
		return r;
	if ((r = au_store_cursor_claim_span(s, from, until, now, &res->local_removed, err)) < 0)
		goto fail;
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
	/* AIUSAGE_NOW (RFC 3339) pins "now" for the tests; --since is a
	 * UTC day, read by the one date parser (strict, relative forms).
	 * The message is copied into derr: it outlives o (it once printed
	 * o.since after releasing it). */
	int64_t now, since = INT64_MIN;
	au_err derr;
	const char *what = "";
	int bad = au_now_pinned(&now, &derr);
	if (bad == 0 && o.since) {
		what = "--since ";
		int64_t day;
		bad = au_day_arg_parse(o.since, AU_DAY_SINCE, now, NULL, &day, &derr);
		if (bad == 0)
			since = day * DAY_MS;
	}
	if (bad < 0) {
		au_opts_release(&o);
		return au_usage_error(cmd, "%s%s", what, derr.msg);
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
	int64_t old_until = au_store_cursor_synced_until(s);
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

	if (au_cursor_session_read(db_path, now, &cookie, &jwt, &err) < 0) {
		fprintf(stderr, "aiusage: cursor: %s\n", err.msg);
		goto out;
	}
	/* the [cursor] settings in the shape the HTTP client takes (borrowed) */
	au_cloud_section sec = {
		.base_url = sc.base_url,
		.timeout_s = sc.timeout_s,
		.retries = sc.retries,
		.days = sc.days,
	};
	au_cloud_conf cc = {.provider = &cursor_provider, .sec = &sec};
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
