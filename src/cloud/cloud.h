/*
 * Cloud billing: what the providers' own usage, cost and balance APIs say,
 * fetched with libcurl and upserted into cloud_usage / cloud_balance (store
 * migration 3), so `aiusage cloud` can set it beside the local estimate.
 *
 * src/cloud_providers.c holds the one table of providers: per endpoint a
 * query builder and a response parser, both pure functions (no I/O) that
 * the unit tests call directly. This file's code does the rest: the
 * [cloud.NAME] groups of config.ini, finding keys, HTTP with retries, the
 * sync windows and the store writes.
 *
 * Keys: read from an environment variable, a key_command's stdout or (only
 * from a 0600 file) a literal `key =`; they live in memory only, go to the
 * server in a header set from memory, and are wiped after use. No function
 * here puts a key in an error message, the store, a log or a command line.
 */
#ifndef AU_CLOUD_H
#define AU_CLOUD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "util.h"

#define AU_CLOUD_MAX_BODY (8 * 1024 * 1024) /* a response past this is an error */
#define AU_CLOUD_MAX_PAGES 200              /* pagination stops with an error past this */
#define AU_CLOUD_MAX_CONFIG (64 * 1024)     /* as the budget config's limit */
#define AU_CLOUD_MAX_KEY 4096               /* a key_command printing more is wrong */
#define AU_CLOUD_ITEM_MAX 128
#define AU_CLOUD_DAY_MS INT64_C(86400000)
#define AU_CLOUD_HOUR_MS INT64_C(3600000)

/* ---- what a parser produces ---- */

/* One bucket of one item (a model or a line item). A row sets the token
 * columns of its store row, or its cost, or both: cost and tokens of the same
 * bucket may come from different endpoints. */
typedef struct au_cloud_row {
	int64_t bucket_start; /* UTC ms, a multiple of bucket_secs */
	int32_t bucket_secs;  /* 3600 or 86400 */
	bool has_tokens, has_cost;
	char item[AU_CLOUD_ITEM_MAX];
	int64_t input;       /* uncached input (OpenAI's cached input subtracted) */
	int64_t output;      /* includes reasoning */
	int64_t cache_read;  /* cached input */
	int64_t cache_write; /* cache creation, 5m + 1h */
	int64_t requests;    /* 0 where the provider does not count them */
	int64_t cost;        /* pico-dollars, when has_cost */
} au_cloud_row;

typedef struct au_cloud_balance {
	bool has_balance, has_used, has_limit;
	int64_t balance, used, limit; /* pico-dollars */
} au_cloud_balance;

/* One response page, parsed. */
typedef struct au_cloud_page {
	GArray *rows; /* au_cloud_row */
	bool has_balance;
	au_cloud_balance balance;
	bool has_more;
	char *next_page; /* the cursor for the next request, or NULL */
	char *note;      /* something the user should hear about, or NULL */
} au_cloud_page;

void au_cloud_page_init(au_cloud_page *p);
void au_cloud_page_release(au_cloud_page *p);

/* One request: a window, its bucket width and the page cursor. For a
 * snapshot endpoint start_ms is today's UTC midnight and end_ms now. */
typedef struct au_cloud_query {
	int64_t start_ms, end_ms; /* UTC ms, end exclusive */
	int bucket_secs;          /* 3600 or 86400 */
	const char *page;         /* NULL for the first page */
} au_cloud_query;

typedef enum au_cloud_span {
	AU_SPAN_SNAPSHOT,  /* one request, no window (balances, key usage) */
	AU_SPAN_DAYS_HOURS, /* complete UTC days in 1d buckets, today in 1h buckets */
	AU_SPAN_DAYS,      /* UTC days in 1d buckets, today's partial day included */
} au_cloud_span;

typedef struct au_cloud_endpoint {
	const char *path; /* appended to the provider's base URL */
	au_cloud_span span;
	bool optional; /* a 401/403 here means "this key may not see it": a note */
	/* Appends the query string for one request (no '?'). */
	void (*query)(const au_cloud_query *q, au_buf *out);
	/* Pure: a 2xx body into *ret (initialized by the caller). 0, or
	 * -EINVAL with err->msg saying which field is missing or wrong. */
	int (*parse)(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
		     au_err *err);
} au_cloud_endpoint;

typedef struct au_cloud_provider {
	const char *name;        /* [cloud.NAME], --provider NAME */
	const char *title;       /* "Anthropic" */
	const char *base_url;    /* default, no trailing slash */
	const char *key_env;     /* default environment variable for the key */
	const char *key_kind;    /* what key it takes, for messages and check */
	const char *auth_prefix; /* the header the key goes in: "x-api-key: "; NULL: none */
	const char *const *headers; /* other fixed request headers, NULL-ended */
	const char *local_source;   /* usage.source estimating the same bill, or NULL */
	const au_cloud_endpoint *endpoints;
	size_t n_endpoints;
	const au_cloud_endpoint *check; /* the cheapest request that proves the key */
} au_cloud_provider;

extern const au_cloud_provider au_cloud_providers[];
extern const size_t au_cloud_n_providers;
const au_cloud_provider *au_cloud_provider_by_name(const char *name);

/*
 * Exact decimal text (a JSON number's text or a string like "123.45", with
 * optional sign, fraction and exponent) times 10^scale, rounded half away
 * from zero, into *ret: scale 12 turns dollars into pico-dollars, 10 cents.
 * No floating point is involved. false on junk or overflow.
 */
bool au_cloud_decimal(const char *s, size_t n, int scale, int64_t *ret);

/* ---- configuration: the [cloud.NAME] groups of config.ini ---- */

typedef struct au_cloud_conf {
	const au_cloud_provider *provider;
	/* the [cloud.NAME] group as src/config parsed it (owned), with the
	 * provider's base_url filled in when the group names none */
	au_cloud_section *sec;
} au_cloud_conf;

typedef struct au_cloud_config {
	char *path;          /* the file read, or NULL when there is none */
	GPtrArray *confs;    /* au_cloud_conf*, in provider-table order */
	char *warning;       /* the file configures providers and others can read it
			      * (a literal key in it is refused instead); NULL:
			      * nothing to say. For the caller to show. */
} au_cloud_config;

/* The [cloud.NAME] groups of path (NULL: au_config_default_path()), as
 * src/config parses them, with each provider's defaults filled in. A missing
 * default file is no provider and 0 (a missing named file an error). A literal key in
 * a file others may read is -EACCES; anything malformed -EINVAL, with the
 * file and line in err (never a line's text: it might hold a key). */
int au_cloud_config_load(const char *path, au_cloud_config **ret, au_err *err);
/* Same over text; private_file says whether it may hold a literal key. */
int au_cloud_config_parse(const char *text, size_t len, const char *name, bool private_file,
			  au_cloud_config **ret, au_err *err);
void au_cloud_config_free(au_cloud_config *c);
const au_cloud_conf *au_cloud_config_get(const au_cloud_config *c, const char *provider);

/*
 * Finds the provider's key: key_env's variable (or the default one), else
 * key_command's stdout (trimmed, 30 s at most), else the literal key.
 * *ret_key is owned by the caller: release it with au_cloud_key_free, which
 * wipes it. *ret_from says where it came from ("$OPENAI_ADMIN_KEY",
 * "key_command", "the config file"). -ENOENT when there is none.
 */
int au_cloud_key_get(const au_cloud_conf *c, char **ret_key, char **ret_from, au_err *err);
void au_cloud_key_free(char *key);
/* Replaces every copy of key in msg (and any "sk-..." word) with "[redacted]". */
void au_cloud_scrub(char *msg, size_t cap, const char *key);

/* ---- HTTP ---- */

typedef struct au_cloud_response {
	long status;
	au_buf body; /* capped at AU_CLOUD_MAX_BODY */
	char content_type[128];
	int attempts;
} au_cloud_response;

void au_cloud_response_init(au_cloud_response *r);
void au_cloud_response_release(au_cloud_response *r);

/*
 * GET base_url + path + "?" + query with the key's header: TLS verified,
 * no redirects, plain http only to a loopback address, the body capped,
 * connect and total timeouts; 408, 429, 5xx and network errors retried
 * with exponential backoff and jitter, honouring Retry-After. Returns 0 for
 * a 2xx answer; otherwise a negative errno (-EACCES for 401/403) with
 * "GET PATH: what happened" in err. The key never reaches err.
 */
int au_cloud_get(const au_cloud_conf *c, const char *key, const char *path, const char *query,
		 au_cloud_response *ret, au_err *err);

/* ---- sync and check ---- */

typedef struct au_cloud_sync_stats {
	int64_t usage_rows, cost_rows; /* store rows written (tokens, costs) */
	bool balance;                  /* a balance was stored */
	int64_t first_day, last_day;   /* the UTC days asked for (days since epoch) */
	int requests;
	GPtrArray *errors; /* char*: "GET /path: what went wrong", one per failed endpoint */
	GPtrArray *notes;  /* char*: things worth saying that are not failures */
} au_cloud_sync_stats;

void au_cloud_sync_stats_init(au_cloud_sync_stats *st);
void au_cloud_sync_stats_release(au_cloud_sync_stats *st);

/*
 * Polls one provider once and stores what it says, each endpoint all or
 * nothing: an endpoint whose pages did not all arrive and parse stores
 * nothing and adds one line to st->errors; the others are stored anyway.
 * since_day (days since 1970-01-01, UTC) or INT64_MIN: from two days before
 * the last successful sync, or `days` back the first time. Re-polling the
 * same buckets overwrites them (upsert), so nothing is counted twice.
 * Returns 0 when every endpoint succeeded, -EIO when some failed, another
 * negative errno (no key, a store error) when nothing could be tried.
 */
int au_cloud_sync(au_store *s, const au_cloud_conf *c, int64_t now_ms, int64_t since_day,
		  au_cloud_sync_stats *st, au_err *err);

typedef enum au_cloud_check_state {
	AU_CHECK_NO_KEY,   /* configured, but no key was found */
	AU_CHECK_VALID,    /* the provider accepted the key */
	AU_CHECK_REJECTED, /* 401/403: wrong key, or not the kind of key needed */
	AU_CHECK_ERROR,    /* could not tell: network, server or response error */
} au_cloud_check_state;

/* Finds the key and makes the provider's cheapest request with it. *ret_from
 * is where the key came from (malloc'd, or NULL); err says why when it is
 * not AU_CHECK_VALID. */
au_cloud_check_state au_cloud_check(const au_cloud_conf *c, int64_t now_ms, char **ret_from, au_err *err);

/*
 * For the watcher: syncs every configured provider whose interval has passed
 * since its last attempt (kept in the store's meta table, so restarts do not
 * poll early). Failures go to log(ud, line) and never stop the other
 * providers. Returns how many providers were polled, and sets *ret_next_ms
 * to when the next one falls due (INT64_MAX when none is configured).
 * It blocks while it polls (at worst timeout x attempts per request), so a
 * watcher calls it from a worker thread with its own au_store, arming its
 * next run for *ret_next_ms, never from the thread that owns inotify.
 */
int au_cloud_poll_due(au_store *s, const au_cloud_config *c, int64_t now_ms,
		      void (*log)(void *ud, const char *line), void *ud, int64_t *ret_next_ms);

#endif
