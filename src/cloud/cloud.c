/*
 * Cloud billing plumbing (see cloud.h): the [cloud.NAME] groups of
 * config.ini, finding a key without ever writing it anywhere, GET requests
 * with libcurl (timeouts, TLS verification, a body cap, retries with
 * backoff and jitter that honour Retry-After, pagination), the sync of one
 * provider into the store, the key check and the watcher's polling hook.
 * Library code: it returns errors in au_err and never prints.
 */
#include "cloud.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "jsonscan.h"
#include "queries.h"

/* ---- configuration ---- */

static void conf_free(gpointer p)
{
	au_cloud_conf *c = p;
	if (!c)
		return;
	au_cloud_section_free(c->sec); /* wipes a literal key */
	free(c);
}

void au_cloud_config_free(au_cloud_config *c)
{
	if (!c)
		return;
	free(c->path);
	g_ptr_array_free(c->confs, TRUE);
	free(c->warning);
	free(c);
}

const au_cloud_conf *au_cloud_config_get(const au_cloud_config *c, const char *provider)
{
	for (guint i = 0; c && i < c->confs->len; i++) {
		const au_cloud_conf *cc = c->confs->pdata[i];
		if (strcmp(cc->provider->name, provider) == 0)
			return cc;
	}
	return NULL;
}

int au_cloud_config_parse(const char *text, size_t len, const char *name, bool private_file,
			  au_cloud_config **ret, au_err *err)
{
	const char *order[16 + 1] = {NULL};
	for (size_t i = 0; i < au_cloud_n_providers && i < 16; i++)
		order[i] = au_cloud_providers[i].name;
	GPtrArray *sections;
	int r = au_config_cloud_sections(text, len, name, private_file, order, &sections, err);
	if (r < 0)
		return r;
	au_cloud_config *c = xcalloc(1, sizeof(*c));
	c->confs = g_ptr_array_new_with_free_func(conf_free);
	/* in provider-table order, so output is stable whatever the file's order */
	for (guint i = 0; i < sections->len; i++) {
		au_cloud_section *sec = sections->pdata[i];
		const au_cloud_provider *p = au_cloud_provider_by_name(sec->name); /* one of order */
		au_cloud_conf *cc = xcalloc(1, sizeof(*cc));
		cc->provider = p;
		if (!sec->base_url)
			sec->base_url = xstrdup(p->base_url);
		cc->sec = sec; /* moved: conf_free frees it */
		sections->pdata[i] = NULL;
		g_ptr_array_add(c->confs, cc);
	}
	g_ptr_array_free(sections, TRUE);
	*ret = c;
	return 0;
}

int au_cloud_config_load(const char *path, au_cloud_config **ret, au_err *err)
{
	/* a file named on the command line must exist; the default may not */
	au_config_file f;
	int r = au_config_file_read(path, path != NULL, &f, err);
	if (r < 0)
		return r;
	au_cloud_config *c = NULL;
	if (!f.exists) {
		c = xcalloc(1, sizeof(*c));
		c->confs = g_ptr_array_new_with_free_func(conf_free);
	} else if ((r = au_cloud_config_parse(f.text, f.len, f.path, f.private_file, &c, err)) == 0) {
		c->path = f.path;
		f.path = NULL;
		if (f.others_can_read && c->confs->len > 0)
			c->warning = xasprintf("%s configures cloud billing and other users can read it (mode %04o): "
					       "'chmod 600 %s' keeps it to you",
					       c->path, f.mode, c->path);
	}
	au_config_file_release(&f);
	if (r == 0)
		*ret = c;
	return r;
}

/* ---- keys ---- */

void au_cloud_key_free(char *key)
{
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
}

/* Trims whitespace and refuses what cannot go in a header line. */
static int key_clean(char *k, au_err *err, const char *from)
{
	g_strstrip(k);
	if (!*k)
		return au_fail(err, ENOENT, "%s gave an empty key", from);
	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return au_fail(err, EINVAL, "the key from %s holds a line break or a control character", from);
	return 0;
}

/* Runs key_command with /bin/sh; its stdout (at most AU_CLOUD_MAX_KEY bytes,
 * within 30 s) is the key. stderr stays the user's, to show its errors. */
static int run_key_command(const char *cmd, char **ret, au_err *err)
{
	gchar *argv[] = {(gchar *)"/bin/sh", (gchar *)"-c", (gchar *)cmd, NULL};
	GPid pid;
	gint out = -1;
	GError *gerr = NULL;
	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, &out,
				      NULL, &gerr)) {
		int r = au_fail(err, EIO, "key_command could not be started: %s", gerr->message);
		g_error_free(gerr);
		return r;
	}
	char *buf = xcalloc(1, AU_CLOUD_MAX_KEY + 1);
	size_t got = 0;
	bool too_big = false, timed_out = false;
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	for (;;) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd pfd = {out, POLLIN, 0};
		int pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			timed_out = pr == 0;
			break;
		}
		char tmp[512];
		ssize_t n = read(out, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + (size_t)n > AU_CLOUD_MAX_KEY) {
			too_big = true;
			explicit_bzero(tmp, sizeof(tmp));
			break;
		}
		memcpy(buf + got, tmp, (size_t)n);
		explicit_bzero(tmp, sizeof(tmp));
		got += (size_t)n;
	}
	close(out);
	if (timed_out || too_big)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	int r = 0;
	if (timed_out)
		r = au_fail(err, ETIMEDOUT, "key_command did not finish within 30 s");
	else if (too_big)
		r = au_fail(err, EFBIG, "key_command printed more than %d bytes", AU_CLOUD_MAX_KEY);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		r = au_fail(err, EIO, "key_command failed (%s %d)", WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else
		r = key_clean(buf, err, "key_command");
	if (r < 0) {
		au_cloud_key_free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

int au_cloud_key_get(const au_cloud_conf *c, char **ret_key, char **ret_from, au_err *err)
{
	*ret_key = NULL;
	if (ret_from)
		*ret_from = NULL;
	/* An explicit key_command or key replaces the default variable. */
	const char *var = c->sec->key_env ? c->sec->key_env : (!c->sec->key_command && !c->sec->key) ? c->provider->key_env : NULL;
	const char *v = var ? getenv(var) : NULL;
	char *key = NULL, *from = NULL;
	int r;
	if (v && *v) {
		key = xstrdup(v);
		from = xasprintf("$%s", var);
		r = key_clean(key, err, from);
	} else if (c->sec->key_command) {
		from = xstrdup("key_command");
		r = run_key_command(c->sec->key_command, &key, err);
	} else if (c->sec->key) {
		key = xstrdup(c->sec->key);
		from = xstrdup("the config file");
		r = key_clean(key, err, from);
	} else {
		return au_fail(err, ENOENT, "no key: $%s is not set (or set key_env or key_command in [cloud.%s])",
			       var, c->provider->name);
	}
	if (r < 0) {
		au_cloud_key_free(key);
		free(from);
		return r;
	}
	*ret_key = key;
	if (ret_from)
		*ret_from = from;
	else
		free(from);
	return 0;
}

void au_cloud_scrub(char *msg, size_t cap, const char *key)
{
	static const char red[] = "[redacted]";
	size_t kn = key ? strlen(key) : 0;
	GString *out = g_string_new(NULL);
	for (const char *p = msg; *p;) {
		if (kn >= 4 && strncmp(p, key, kn) == 0) {
			g_string_append(out, red);
			p += kn;
		} else if (strncmp(p, "sk-", 3) == 0 && (p == msg || !g_ascii_isalnum(p[-1]))) {
			/* any API-key-looking word a server echoed back */
			g_string_append(out, red);
			while (*p && !g_ascii_isspace(*p) && *p != '"' && *p != '\'' && *p != ',')
				p++;
		} else {
			g_string_append_c(out, *p++);
		}
	}
	g_strlcpy(msg, out->str, cap);
	g_string_free(out, TRUE);
}

/* ---- HTTP ---- */

void au_cloud_response_init(au_cloud_response *r)
{
	memset(r, 0, sizeof(*r));
	au_buf_init(&r->body, AU_CLOUD_MAX_BODY);
}

void au_cloud_response_release(au_cloud_response *r)
{
	au_buf_release(&r->body);
	memset(r, 0, sizeof(*r));
}

typedef struct http_ctx {
	au_cloud_response *resp;
	bool too_big;
	long retry_after_s; /* -1: none */
} http_ctx;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	http_ctx *h = ud;
	if (au_buf_append(&h->resp->body, p, size * n) < 0) {
		h->too_big = true;
		return 0; /* aborts the transfer */
	}
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	http_ctx *h = ud;
	size_t len = size * n;
	char line[256];
	if (len >= sizeof(line))
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	g_strchomp(line);
	if (g_ascii_strncasecmp(line, "HTTP/", 5) == 0) {
		h->retry_after_s = -1; /* a new response (after a 100 Continue, say) */
		h->resp->content_type[0] = '\0';
	} else if (g_ascii_strncasecmp(line, "Retry-After:", 12) == 0) {
		const char *v = line + 12;
		while (*v == ' ' || *v == '\t')
			v++;
		int64_t secs;
		if (au_parse_int64(v, &secs) && secs >= 0)
			h->retry_after_s = secs > 86400 ? 86400 : (long)secs;
		else {
			time_t when = curl_getdate(v, NULL); /* an HTTP date */
			if (when > 0)
				h->retry_after_s = when > time(NULL) ? (long)(when - time(NULL)) : 0;
		}
	} else if (g_ascii_strncasecmp(line, "Content-Type:", 13) == 0) {
		const char *v = line + 13;
		while (*v == ' ')
			v++;
		g_strlcpy(h->resp->content_type, v, sizeof(h->resp->content_type));
	}
	return len;
}

static void curl_init_once(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		g_once_init_leave(&done, 1);
	}
}

/* Milliseconds to wait before attempt `attempt` + 1: 1 s, 2 s, 4 s ... (at
 * most 30 s), plus up to half again of jitter so clients do not march in
 * step. Tests may shrink the base with AIUSAGE_CLOUD_BACKOFF_MS. */
static int64_t backoff_ms(int attempt)
{
	int64_t base = 1000;
	const char *e = getenv("AIUSAGE_CLOUD_BACKOFF_MS");
	int64_t v;
	if (e && au_parse_int64(e, &v) && v >= 0 && v <= 60000)
		base = v;
	int64_t ms = base << (attempt - 1 < 5 ? attempt - 1 : 5);
	if (ms > 30000)
		ms = 30000;
	return ms + (ms > 1 ? g_random_int_range(0, (gint32)(ms / 2) + 1) : 0);
}

/* The provider's own words from a JSON error body ("error": {"message"}
 * or "message"), cut short; "" when there are none. */
static void error_detail(const au_buf *body, char *dst, size_t cap)
{
	dst[0] = '\0';
	js_doc d;
	js_doc_init(&d);
	au_err e;
	if (body->len && js_parse(&d, body->data, body->len, &e) == 0 && js_typeof(&d, 0) == JS_OBJECT) {
		char msg[200];
		int eo = js_get(&d, 0, "error");
		int n = js_typeof(&d, eo) == JS_OBJECT ? js_get_str(&d, eo, "message", msg, sizeof(msg))
			: js_typeof(&d, eo) == JS_STRING ? js_str(&d, eo, msg, sizeof(msg))
							 : js_get_str(&d, 0, "message", msg, sizeof(msg));
		if (n > 0) {
			for (char *p = msg; *p; p++)
				if ((unsigned char)*p < 0x20)
					*p = ' ';
			snprintf(dst, cap, ": \"%s\"", msg);
		}
	}
	js_doc_release(&d);
}

static bool is_html(const au_cloud_response *r)
{
	return g_ascii_strncasecmp(r->content_type, "text/html", 9) == 0;
}

int au_curl_load(au_err *err); /* src/curl_dl.c */

int au_cloud_get(const au_cloud_conf *c, const char *key, const char *path, const char *query,
		 au_cloud_response *ret, au_err *err)
{
	int lr = au_curl_load(err);
	if (lr < 0)
		return lr;
	curl_init_once();
	char *url = query && *query ? xasprintf("%s%s?%s", c->sec->base_url, path, query) : xasprintf("%s%s", c->sec->base_url, path);
	gchar *host = NULL;
	g_uri_split(c->sec->base_url, G_URI_FLAGS_NONE, NULL, NULL, &host, NULL, NULL, NULL, NULL, NULL);
	bool local = au_loopback_host(host);
	g_free(host);

	/* The key goes in a header built in memory; every copy is wiped. */
	struct curl_slist *hdrs = NULL;
	if (c->provider->auth_prefix) { /* NULL: a public file, no key (pricing update) */
		char *auth = xasprintf("%s%s", c->provider->auth_prefix, key);
		hdrs = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, strlen(auth));
		free(auth);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	for (const char *const *h = c->provider->headers; h && *h; h++)
		hdrs = curl_slist_append(hdrs, *h);

	int r = 0;
	char errbuf[CURL_ERROR_SIZE];
	int attempts = 1 + c->sec->retries;
	for (int attempt = 1; attempt <= attempts; attempt++) {
		au_buf_release(&ret->body);
		au_buf_init(&ret->body, AU_CLOUD_MAX_BODY);
		ret->status = 0;
		ret->content_type[0] = '\0';
		ret->attempts = attempt;
		http_ctx hc = {ret, false, -1};
		CURL *h = curl_easy_init();
		if (!h) {
			r = au_fail(err, ENOMEM, "GET %s: libcurl could not start", path);
			break;
		}
		errbuf[0] = '\0';
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect could carry the key elsewhere */
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->sec->timeout_s < 10 ? c->sec->timeout_s : 10) * 1000L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->sec->timeout_s * 1000L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)AU_CLOUD_MAX_BODY);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "aiusage/" AU_VERSION);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &hc);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, &hc);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
		if (local)
			curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		CURLcode cc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ret->status);
		curl_easy_cleanup(h);

		bool retry = false;
		int64_t wait_ms = 0;
		if (cc != CURLE_OK) {
			const char *why;
			int code = EIO;
			switch (cc) {
			case CURLE_OPERATION_TIMEDOUT:
				why = "no complete answer in time (timeout)";
				code = ETIMEDOUT;
				retry = true;
				break;
			case CURLE_PARTIAL_FILE:
				why = "the response was cut short (truncated body)";
				retry = true;
				break;
			case CURLE_COULDNT_CONNECT:
			case CURLE_RECV_ERROR:
			case CURLE_SEND_ERROR:
			case CURLE_GOT_NOTHING:
				why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
				retry = true;
				break;
			case CURLE_WRITE_ERROR:
			case CURLE_FILESIZE_EXCEEDED:
				why = hc.too_big || cc == CURLE_FILESIZE_EXCEEDED ? "the response is larger than 8 MiB"
										   : curl_easy_strerror(cc);
				code = EFBIG;
				break;
			case CURLE_PEER_FAILED_VERIFICATION:
			case CURLE_SSL_CACERT_BADFILE:
				why = "the server's TLS certificate could not be verified";
				break;
			default:
				why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
				break;
			}
			char after[32] = "";
			if (attempt > 1)
				snprintf(after, sizeof(after), " (after %d attempts)", attempt);
			r = au_fail(err, code, "GET %s: %s%s", path, why, after);
			if (retry)
				wait_ms = backoff_ms(attempt);
		} else if (ret->status >= 200 && ret->status < 300) {
			r = 0;
			break;
		} else {
			long st = ret->status;
			char detail[256];
			error_detail(&ret->body, detail, sizeof(detail));
			if (st == 429 || st == 408 || st >= 500) {
				retry = true;
				wait_ms = hc.retry_after_s >= 0 ? hc.retry_after_s * 1000 : backoff_ms(attempt);
				if (hc.retry_after_s > 120) {
					/* not worth blocking for: the next poll will do */
					retry = false;
				}
			}
			if (st == 401 || st == 403)
				r = au_fail(err, EACCES, "GET %s: HTTP %ld: the key was rejected (%s takes %s)%s", path, st,
					    c->provider->title, c->provider->key_kind, detail);
			else if (st == 404)
				r = au_fail(err, ENOENT, "GET %s: HTTP 404: no such endpoint at %s%s", path, c->sec->base_url,
					    detail);
			else if (st == 429)
				r = au_fail(err, EAGAIN, "GET %s: HTTP 429: rate limited%s%s", path,
					    hc.retry_after_s > 120 ? " (the server asks to wait over 2 minutes)" : "", detail);
			else
				r = au_fail(err, EIO, "GET %s: HTTP %ld%s%s", path, st,
					    is_html(ret) ? " (an HTML page, not JSON)" : "", detail);
			if (attempt > 1 && err && strlen(err->msg) + 24 < sizeof(err->msg))
				snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
					 " (after %d attempts)", attempt);
		}
		if (!retry || attempt == attempts)
			break;
		g_usleep((gulong)wait_ms * 1000);
	}
	for (struct curl_slist *p = hdrs; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(hdrs);
	free(url);
	if (r < 0 && err)
		au_cloud_scrub(err->msg, sizeof(err->msg), key);
	return r;
}

/* ---- sync ---- */

void au_cloud_sync_stats_init(au_cloud_sync_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->errors = g_ptr_array_new_with_free_func(free);
	st->notes = g_ptr_array_new_with_free_func(free);
}

void au_cloud_sync_stats_release(au_cloud_sync_stats *st)
{
	if (st->errors)
		g_ptr_array_free(st->errors, TRUE);
	if (st->notes)
		g_ptr_array_free(st->notes, TRUE);
	memset(st, 0, sizeof(*st));
}

static int64_t floor_ms(int64_t ms, int64_t unit)
{
	int64_t r = ms % unit;
	return r < 0 ? ms - r - unit : ms - r;
}

/* Rows of one endpoint, summed by (bucket, width, item): several results
 * (or pages) may name the same bucket and item, and the store row must hold
 * their total, written once, so a re-poll replaces rather than adds. */
static void accumulate(GHashTable *acc, const au_cloud_row *row)
{
	char *k = xasprintf("%" PRId64 "/%d/%s", row->bucket_start, row->bucket_secs, row->item);
	au_cloud_row *have = g_hash_table_lookup(acc, k);
	if (!have) {
		have = g_memdup2(row, sizeof(*row));
		g_hash_table_insert(acc, k, have);
		return;
	}
	free(k);
	if (row->has_tokens) {
		have->input += row->input;
		have->output += row->output;
		have->cache_read += row->cache_read;
		have->cache_write += row->cache_write;
		have->requests += row->requests;
		have->has_tokens = true;
	}
	if (row->has_cost) {
		have->cost = have->has_cost ? have->cost + row->cost : row->cost;
		have->has_cost = true;
	}
}

static void merge_balance(au_cloud_balance *into, const au_cloud_balance *b)
{
	if (b->has_balance) {
		into->balance = b->balance;
		into->has_balance = true;
	}
	if (b->has_used) {
		into->used = b->used;
		into->has_used = true;
	}
	if (b->has_limit) {
		into->limit = b->limit;
		into->has_limit = true;
	}
}

/* Fetches every page of one window; rows go to acc. The failed status (for
 * an optional endpoint's 401/403) comes back in *ret_status. */
static int fetch_window(const au_cloud_conf *c, const char *key, const au_cloud_endpoint *ep, au_cloud_query q,
			GHashTable *acc, au_cloud_balance *bal, bool *ret_bal, au_cloud_sync_stats *st, long *ret_status,
			au_err *err)
{
	char *page = NULL;
	int r = 0;
	for (int n = 0;; n++) {
		if (n >= AU_CLOUD_MAX_PAGES) {
			r = au_fail(err, EIO, "GET %s: more than %d pages; stopped", ep->path, AU_CLOUD_MAX_PAGES);
			break;
		}
		q.page = page;
		au_buf qs;
		au_buf_init(&qs, 0);
		if (ep->query)
			ep->query(&q, &qs);
		au_buf_append(&qs, "", 1);
		au_cloud_response resp;
		au_cloud_response_init(&resp);
		st->requests++;
		r = au_cloud_get(c, key, ep->path, ep->query ? qs.data : NULL, &resp, err);
		au_buf_release(&qs);
		*ret_status = resp.status;
		if (r < 0) {
			au_cloud_response_release(&resp);
			break;
		}
		au_cloud_page pg;
		au_cloud_page_init(&pg);
		au_err perr;
		r = ep->parse(&q, resp.body.data ? resp.body.data : "", resp.body.len, &pg, &perr);
		au_cloud_response_release(&resp);
		if (r < 0) {
			au_cloud_scrub(perr.msg, sizeof(perr.msg), key);
			r = au_fail(err, EINVAL, "GET %s: %s; nothing stored from it", ep->path, perr.msg);
			au_cloud_page_release(&pg);
			break;
		}
		for (guint i = 0; i < pg.rows->len; i++)
			accumulate(acc, &g_array_index(pg.rows, au_cloud_row, i));
		if (pg.has_balance) {
			merge_balance(bal, &pg.balance);
			*ret_bal = true;
		}
		if (pg.note)
			g_ptr_array_add(st->notes, xasprintf("GET %s: %s", ep->path, pg.note));
		bool more = pg.has_more;
		if (more && page && strcmp(page, pg.next_page) == 0) {
			r = au_fail(err, EIO, "GET %s: the server gave the same next_page twice; stopped", ep->path);
			au_cloud_page_release(&pg);
			break;
		}
		free(page);
		page = more ? xstrdup(pg.next_page) : NULL;
		au_cloud_page_release(&pg);
		if (!more)
			break;
	}
	free(page);
	return r;
}

static int store_rows(au_store *s, const char *provider, GHashTable *rows, const au_cloud_balance *bal,
		      bool has_bal, int64_t now_ms, au_cloud_sync_stats *st, au_err *err)
{
	GHashTableIter it;
	gpointer k, v;
	int r = 0;
	g_hash_table_iter_init(&it, rows);
	while (r == 0 && g_hash_table_iter_next(&it, &k, &v)) {
		const au_cloud_row *row = v;
		au_billed_bucket b = {
			.provider = provider,
			.bucket_start = row->bucket_start,
			.bucket_secs = row->bucket_secs,
			.item = row->item,
			.has_tokens = row->has_tokens,
			.has_cost = row->has_cost,
			.input = row->input,
			.output = row->output,
			.cache_read = row->cache_read,
			.cache_write = row->cache_write,
			.requests = row->requests,
			.cost = row->cost,
		};
		r = au_store_billed_put(s, &b, now_ms, err);
		if (r == 0) {
			st->usage_rows += row->has_tokens;
			st->cost_rows += row->has_cost;
		}
	}
	if (r == 0 && has_bal) {
		au_billed_balance b = {
			.has_balance = bal->has_balance,
			.has_used = bal->has_used,
			.has_limit = bal->has_limit,
			.balance = bal->balance,
			.used = bal->used,
			.limit = bal->limit,
		};
		r = au_store_balance_put(s, provider, &b, now_ms, err);
		st->balance = r == 0;
	}
	return r;
}

int au_cloud_sync(au_store *s, const au_cloud_conf *c, int64_t now_ms, int64_t since_day,
		  au_cloud_sync_stats *st, au_err *err)
{
	const au_cloud_provider *p = c->provider;
	if (au_store_readonly(s))
		return au_fail(err, EROFS, "the store is open read-only");
	char *key;
	int r = au_cloud_key_get(c, &key, NULL, err);
	if (r < 0)
		return r;
	int64_t today_ms = floor_ms(now_ms, AU_CLOUD_DAY_MS), today = today_ms / AU_CLOUD_DAY_MS;
	int64_t first = today - (c->sec->days - 1);
	char *mk = xasprintf("cloud.%s.last_sync", p->name), *mv = NULL;
	int64_t last;
	if (since_day != INT64_MIN)
		first = since_day;
	else if (au_store_meta_get(s, mk, &mv) == 0 && au_parse_int64(mv, &last))
		first = floor_ms(last, AU_CLOUD_DAY_MS) / AU_CLOUD_DAY_MS - 2; /* late-settling days */
	free(mv);
	if (first > today)
		first = today;
	st->first_day = first;
	st->last_day = today;
	int64_t first_ms = first * AU_CLOUD_DAY_MS;

	GHashTable *all = g_hash_table_new_full(g_str_hash, g_str_equal, free, g_free);
	au_cloud_balance bal = {0};
	bool has_bal = false;
	int failed = 0;
	for (size_t i = 0; i < p->n_endpoints; i++) {
		const au_cloud_endpoint *ep = &p->endpoints[i];
		au_cloud_query wins[2];
		int nw = 0;
		if (ep->span == AU_SPAN_SNAPSHOT) {
			wins[nw++] = (au_cloud_query){today_ms, now_ms, 86400, NULL};
		} else if (ep->span == AU_SPAN_DAYS) {
			wins[nw++] = (au_cloud_query){first_ms, today_ms + AU_CLOUD_DAY_MS, 86400, NULL};
		} else {
			if (first_ms < today_ms)
				wins[nw++] = (au_cloud_query){first_ms, today_ms, 86400, NULL};
			wins[nw++] = (au_cloud_query){today_ms, floor_ms(now_ms, AU_CLOUD_HOUR_MS) + AU_CLOUD_HOUR_MS, 3600,
						      NULL};
		}
		GHashTable *acc = g_hash_table_new_full(g_str_hash, g_str_equal, free, g_free);
		au_cloud_balance ebal = {0};
		bool ehas = false;
		au_err e;
		long status = 0;
		int er = 0;
		for (int w = 0; w < nw && er == 0; w++)
			er = fetch_window(c, key, ep, wins[w], acc, &ebal, &ehas, st, &status, &e);
		if (er < 0 && ep->optional && (status == 401 || status == 403)) {
			g_ptr_array_add(st->notes, xasprintf("GET %s: not available to this key (HTTP %ld); skipped",
							     ep->path, status));
		} else if (er < 0) {
			g_ptr_array_add(st->errors, xstrdup(e.msg));
			failed++;
		} else {
			/* the endpoint is whole: its rows join the provider's */
			GHashTableIter it;
			gpointer k, v;
			g_hash_table_iter_init(&it, acc);
			while (g_hash_table_iter_next(&it, &k, &v))
				accumulate(all, v);
			if (ehas) {
				merge_balance(&bal, &ebal);
				has_bal = true;
			}
		}
		g_hash_table_destroy(acc);
	}
	au_cloud_key_free(key);

	r = au_store_begin(s, err);
	if (r == 0)
		r = store_rows(s, p->name, all, &bal, has_bal, now_ms, st, err);
	if (r == 0 && failed == 0) {
		char v[32];
		snprintf(v, sizeof(v), "%" PRId64, now_ms);
		r = au_store_meta_set(s, mk, v, err);
	}
	if (r == 0)
		r = au_store_commit(s, err);
	else
		au_store_rollback(s);
	free(mk);
	g_hash_table_destroy(all);
	if (r < 0) {
		st->usage_rows = st->cost_rows = 0;
		st->balance = false;
		return r;
	}
	return failed ? au_fail(err, EIO, "%d endpoint(s) failed", failed) : 0;
}

/* ---- check ---- */

au_cloud_check_state au_cloud_check(const au_cloud_conf *c, int64_t now_ms, char **ret_from, au_err *err)
{
	char *key;
	*ret_from = NULL;
	if (au_cloud_key_get(c, &key, ret_from, err) < 0)
		return AU_CHECK_NO_KEY;
	const au_cloud_endpoint *ep = c->provider->check;
	int64_t today_ms = floor_ms(now_ms, AU_CLOUD_DAY_MS);
	au_cloud_query q = ep->span == AU_SPAN_SNAPSHOT ? (au_cloud_query){today_ms, now_ms, 86400, NULL}
							: (au_cloud_query){today_ms - AU_CLOUD_DAY_MS, today_ms, 86400, NULL};
	au_buf qs;
	au_buf_init(&qs, 0);
	if (ep->query)
		ep->query(&q, &qs);
	au_buf_append(&qs, "", 1);
	au_cloud_response resp;
	au_cloud_response_init(&resp);
	int r = au_cloud_get(c, key, ep->path, ep->query ? qs.data : NULL, &resp, err);
	au_buf_release(&qs);
	au_cloud_check_state state = AU_CHECK_VALID;
	if (r == -EACCES) {
		state = AU_CHECK_REJECTED;
	} else if (r < 0) {
		state = AU_CHECK_ERROR;
	} else {
		au_cloud_page pg;
		au_cloud_page_init(&pg);
		au_err perr;
		if (ep->parse(&q, resp.body.data ? resp.body.data : "", resp.body.len, &pg, &perr) < 0) {
			au_cloud_scrub(perr.msg, sizeof(perr.msg), key);
			au_fail(err, EINVAL, "GET %s: %s", ep->path, perr.msg);
			state = AU_CHECK_ERROR;
		}
		au_cloud_page_release(&pg);
	}
	au_cloud_response_release(&resp);
	au_cloud_key_free(key);
	return state;
}

/* ---- the watcher's hook ---- */

int au_cloud_poll_due(au_store *s, const au_cloud_config *c, int64_t now_ms,
		      void (*log)(void *ud, const char *line), void *ud, int64_t *ret_next_ms)
{
	int polled = 0;
	int64_t next = INT64_MAX;
	for (guint i = 0; c && i < c->confs->len; i++) {
		const au_cloud_conf *cc = c->confs->pdata[i];
		char *mk = xasprintf("cloud.%s.last_attempt", cc->provider->name), *mv = NULL;
		int64_t last = INT64_MIN, due;
		if (au_store_meta_get(s, mk, &mv) == 0 && !au_parse_int64(mv, &last))
			last = INT64_MIN;
		free(mv);
		due = last == INT64_MIN ? now_ms : last + (int64_t)cc->sec->interval_s * 1000;
		if (due > now_ms) {
			next = due < next ? due : next;
			free(mk);
			continue;
		}
		au_err err;
		char v[32];
		snprintf(v, sizeof(v), "%" PRId64, now_ms);
		if (au_store_meta_set(s, mk, v, &err) < 0 && log) {
			char *line = xasprintf("cloud: %s: %s", cc->provider->name, err.msg);
			log(ud, line);
			free(line);
		}
		free(mk);
		au_cloud_sync_stats st;
		au_cloud_sync_stats_init(&st);
		int r = au_cloud_sync(s, cc, now_ms, INT64_MIN, &st, &err);
		polled++;
		if (log) {
			for (guint j = 0; j < st.errors->len; j++) {
				char *line = xasprintf("cloud: %s: %s", cc->provider->name, (char *)st.errors->pdata[j]);
				log(ud, line);
				free(line);
			}
			if (r < 0 && r != -EIO) {
				char *line = xasprintf("cloud: %s: %s", cc->provider->name, err.msg);
				log(ud, line);
				free(line);
			}
		}
		au_cloud_sync_stats_release(&st);
		int64_t nd = now_ms + (int64_t)cc->sec->interval_s * 1000;
		next = nd < next ? nd : next;
	}
	*ret_next_ms = next;
	return polled;
}
