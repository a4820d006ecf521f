/*
 * The dashboard server on libsoup 3. Every handler runs on the loop's
 * thread and answers in one go from the store, except /events, which
 * stays open: libsoup writes its chunks without blocking, so a client that
 * stops reading or goes away holds up nothing but itself (its backlog is
 * capped, and a gone client is dropped on libsoup's request-aborted).
 */
#include "serve.h"

#include <errno.h>
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "budget.h"
#include "config.h"
#include "dashboard.h"
#include "dayarg.h"
#include "insight_json.h"
#include "report.h"

/* Chunks an event stream may have waiting unsent before it gets no more. */
#define SSE_BACKLOG_MAX 32
#define SSE_PING_S 15

typedef struct sse_client {
	SoupServerMessage *msg;
	int backlog;
	bool stalled;
} sse_client;

struct au_server {
	SoupServer *soup;
	au_store *store;
	au_pricing *pricing;
	char *config_path;
	char *token;       /* asked of every request when set */
	char *poll_db;
	FILE *log;
	bool log_requests;
	char *prefix;
	char *url;
	GPtrArray *clients; /* sse_client* */
	guint poll_id, ping_id;
	char signature[128]; /* the polled store files' sizes and times */
	int64_t commits;
	au_metrics_live live;
};

/* ---- the address -------------------------------------------------------- */

/* "host:port" with host an IP literal ("[::1]" for IPv6) or localhost. */
static int parse_listen(const char *listen, GInetAddress **ret_addr, guint16 *ret_port, au_err *err)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return au_fail(err, EINVAL, "--listen '%s': expected HOST:PORT, as 127.0.0.1:8787 or [::1]:8787",
			       listen);
	char *host = g_strndup(listen, (gsize)(colon - listen));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	int64_t port;
	if (!au_parse_int64(colon + 1, &port) || port < 0 || port > 65535) {
		g_free(host);
		return au_fail(err, EINVAL, "--listen '%s': the port must be a number from 0 to 65535", listen);
	}
	GInetAddress *a = strcmp(host, "localhost") == 0 ? g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4)
							 : g_inet_address_new_from_string(host);
	if (!a) {
		int r = au_fail(err, EINVAL, "--listen '%s': '%s' is not an IP address (names other than localhost are not "
				"looked up)",
				listen, host);
		g_free(host);
		return r;
	}
	g_free(host);
	*ret_addr = a;
	*ret_port = (guint16)port;
	return 0;
}

/* ---- responses ---------------------------------------------------------- */

static void respond(SoupServerMessage *msg, guint status, const char *type, char *body, size_t len)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	soup_message_headers_replace(h, "Cache-Control", "no-store");
	soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
	soup_message_headers_replace(h, "Referrer-Policy", "no-referrer");
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, type, SOUP_MEMORY_TAKE, body, len);
}

static void respond_text(SoupServerMessage *msg, guint status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void respond_text(SoupServerMessage *msg, guint status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *body = g_strconcat(s, "\n", NULL);
	g_free(s);
	respond(msg, status, "text/plain; charset=utf-8", body, strlen(body));
}

/* ---- query parameters ----------------------------------------------------- */

typedef struct query {
	GTimeZone *tz;
	char *tz_name;
	int64_t since_day, until_day;
	au_source source;
	bool source_given; /* source=all leaves source at AU_SRC_NONE */
	const char *project;
	bool full_path, order_desc;
	int week_start;
	int64_t now;
	/* the insight reports' own options, where the report takes them */
	au_cache_by by;        /* cache: by=day|project|model */
	int64_t budget;        /* insights: budget=USD, pico; 0: the config's */
	int64_t summary_now;   /* insights: as_of=DATE's last instant, else now */
	GString *filters; /* for the page's header */
} query;

static void query_release(query *q)
{
	if (q->tz)
		g_time_zone_unref(q->tz);
	g_free(q->tz_name);
	if (q->filters)
		g_string_free(q->filters, TRUE);
}

static bool flag_value(const char *v, bool *ret)
{
	if (!*v || strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
		*ret = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
		*ret = false;
	else
		return false;
	return true;
}

static const char *const common_params[] = {"since", "until", "timezone", "source", "project",
					   "full_path", "order", "start_of_week", NULL};

/* The report options as query parameters, as the command line has them
 * (--full-path is full_path, --as-of as_of); extra names the ones only this
 * report takes (NULL: none). false with a message in err: a 400. */
static bool parse_query(GHashTable *params, const char *const *extra, query *q, au_err *err)
{
	*q = (query){.since_day = INT64_MIN, .until_day = INT64_MAX, .week_start = 1,
		     .filters = g_string_new(NULL)};
	au_err e;
	if (au_now_pinned(&q->now, &e) < 0) {
		au_fail(err, EINVAL, "%s", e.msg);
		return false;
	}
	const char *v;
	/* first every name, so a typo is named whatever else is wrong */
	if (params) {
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, params);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			if (!g_strv_contains(common_params, k) && !(extra && g_strv_contains(extra, k))) {
				char *known = g_strjoinv(", ", (char **)common_params);
				char *more = extra ? g_strjoinv(", ", (char **)extra) : NULL;
				au_fail(err, EINVAL, "unknown parameter '%s' (known: %s%s%s)", (char *)k, known,
					more ? ", " : "", more ? more : "");
				g_free(known);
				g_free(more);
				return false;
			}
		}
	}
	const char *tzv = params ? g_hash_table_lookup(params, "timezone") : NULL;
	if (tzv) {
		q->tz = *tzv ? g_time_zone_new_identifier(tzv) : NULL;
		if (!q->tz) {
			au_fail(err, EINVAL, "timezone '%s' is not a time zone (an IANA name such as Europe/Paris or UTC)",
				tzv);
			return false;
		}
		/* as the command names it in its JSON */
		q->tz_name = g_strdup(g_ascii_strcasecmp(tzv, "utc") == 0 ? "UTC" : tzv);
	} else {
		q->tz = g_time_zone_new_local();
		q->tz_name = g_strdup(g_time_zone_get_identifier(q->tz));
	}
	if (params && (v = g_hash_table_lookup(params, "since")) &&
	    au_day_arg_parse(v, AU_DAY_SINCE, q->now, q->tz, &q->since_day, &e) < 0) {
		au_fail(err, EINVAL, "since: %s", e.msg);
		return false;
	}
	if (params && (v = g_hash_table_lookup(params, "until")) &&
	    au_day_arg_parse(v, AU_DAY_UNTIL, q->now, q->tz, &q->until_day, &e) < 0) {
		au_fail(err, EINVAL, "until: %s", e.msg);
		return false;
	}
	if (q->since_day > q->until_day) {
		au_fail(err, EINVAL, "since is after until");
		return false;
	}
	q->source_given = params && g_hash_table_lookup(params, "source");
	if (params && (v = g_hash_table_lookup(params, "source")) && strcmp(v, "all") != 0) {
		q->source = au_source_by_name(v);
		if (q->source == AU_SRC_NONE) {
			GString *names = g_string_new(NULL);
			for (int s = 1; s < AU_SRC_MAX; s++)
				g_string_append_printf(names, "%s, ", au_source_name((au_source)s));
			au_fail(err, EINVAL, "source '%s' is not a known tool (known: %sall)", v, names->str);
			g_string_free(names, TRUE);
			return false;
		}
		g_string_append_printf(q->filters, "%ssource %s", q->filters->len ? ", " : "", v);
	}
	if (params && (v = g_hash_table_lookup(params, "project")) && *v) {
		q->project = v;
		g_string_append_printf(q->filters, "%sproject %s", q->filters->len ? ", " : "", v);
	}
	if (params && (v = g_hash_table_lookup(params, "full_path")) && !flag_value(v, &q->full_path)) {
		au_fail(err, EINVAL, "full_path '%s': expected 1 or 0", v);
		return false;
	}
	if (params && (v = g_hash_table_lookup(params, "order"))) {
		if (strcmp(v, "asc") != 0 && strcmp(v, "desc") != 0) {
			au_fail(err, EINVAL, "order '%s': expected asc or desc", v);
			return false;
		}
		q->order_desc = strcmp(v, "desc") == 0;
	}
	if (params && (v = g_hash_table_lookup(params, "start_of_week"))) {
		q->week_start = au_weekday_from_name(v);
		if (q->week_start < 0) {
			au_fail(err, EINVAL, "start_of_week '%s': expected a weekday name, as monday", v);
			return false;
		}
	}
	if (params && (v = g_hash_table_lookup(params, "by"))) {
		if (strcmp(v, "day") == 0)
			q->by = AU_CACHE_BY_DAY;
		else if (strcmp(v, "project") == 0)
			q->by = AU_CACHE_BY_PROJECT;
		else if (strcmp(v, "model") == 0)
			q->by = AU_CACHE_BY_MODEL;
		else {
			au_fail(err, EINVAL, "by '%s': expected day, project or model", v);
			return false;
		}
	}
	if (params && (v = g_hash_table_lookup(params, "budget")) && (!au_parse_usd(v, &q->budget) || q->budget <= 0)) {
		au_fail(err, EINVAL, "budget '%s': expected dollars a month, as 50 or 12.50", v);
		return false;
	}
	q->summary_now = q->now;
	if (params && (v = g_hash_table_lookup(params, "as_of"))) {
		/* the summary as it read at the end of that day */
		int64_t day;
		if (au_day_arg_parse(v, AU_DAY_UNTIL, q->now, q->tz, &day, &e) < 0) {
			au_fail(err, EINVAL, "as_of: %s", e.msg);
			return false;
		}
		q->summary_now = au_tz_day_start(q->tz, day + 1) - 1;
	}
	return true;
}

static au_report_opts report_opts(const query *q, au_group g)
{
	return (au_report_opts){
		.group = g,
		.tz = q->tz,
		.since_day = q->since_day,
		.until_day = q->until_day,
		.source = q->source,
		.project = q->project,
		.full_path = q->full_path,
		.order_desc = q->order_desc,
		.week_start = q->week_start,
	};
}

/* ---- the config's budgets ---------------------------------------------------- */

typedef struct budgets {
	au_config *cfg;
	au_budget_rules rules;
	bool have_rules;
} budgets;

/* The budgets as the config has them now (an edit shows on the next
 * request); a config that does not load leaves them out, with a log line. */
static void budgets_load(au_server *s, budgets *b)
{
	*b = (budgets){0};
	au_err err;
	char *path = s->config_path ? xstrdup(s->config_path) : au_config_default_path();
	if (au_config_load(path, &b->cfg, &err) < 0) {
		if (s->log)
			fprintf(s->log, "%s: warning: budgets left out: %s\n", s->prefix, err.msg);
		b->cfg = NULL;
	} else {
		au_config_rules(b->cfg, &b->rules);
		b->have_rules = true;
	}
	free(path);
}

static void budgets_release(budgets *b)
{
	if (b->have_rules)
		au_budget_rules_release(&b->rules);
	au_config_free(b->cfg);
}

/* ---- handlers -------------------------------------------------------------- */

static bool memstream(char **buf, size_t *len, FILE **ret)
{
	*ret = open_memstream(buf, len);
	return *ret != NULL;
}

static void serve_page(au_server *s, SoupServerMessage *msg, const query *q)
{
	budgets b;
	budgets_load(s, &b);
	au_dash_opts o = {
		.tz = q->tz,
		.tz_name = q->tz_name,
		.since_day = q->since_day,
		.until_day = q->until_day,
		.source = q->source,
		.project = q->project,
		.full_path = q->full_path,
		.now_ms = q->now,
		.pricing = s->pricing,
		.budgets = b.cfg ? b.cfg->budgets : NULL,
		.rules = b.have_rules ? &b.rules : NULL,
	};
	au_dash *d;
	au_err err;
	if (au_dash_build(s->store, &o, &d, &err) < 0) {
		respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "aiusage: %s", err.msg);
		budgets_release(&b);
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	if (!memstream(&buf, &len, &f)) {
		respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "aiusage: out of memory");
	} else {
		au_html_opts ho = {.live = true, .filters = q->filters->str};
		au_render_html(f, d, &ho);
		fclose(f);
		respond(msg, SOUP_STATUS_OK, "text/html; charset=utf-8", buf, len);
	}
	au_dash_free(d);
	budgets_release(&b);
}

typedef enum api_kind { API_REPORT, API_BUDGET, API_MODELS, API_CACHE, API_BLOCKS, API_INSIGHTS } api_kind;

static const char *const cache_params[] = {"by", NULL};
static const char *const insights_params[] = {"budget", "as_of", NULL};

/* /api/NAME.json: the JSON of `aiusage NAME --json` */
typedef struct api_report {
	const char *name;
	api_kind kind;
	au_group group;            /* API_REPORT */
	const char *const *params; /* its own parameters, NULL: the common ones only */
} api_report;

static const api_report api_reports[] = {
	{"daily", API_REPORT, AU_GROUP_DAY, NULL},
	{"weekly", API_REPORT, AU_GROUP_WEEK, NULL},
	{"monthly", API_REPORT, AU_GROUP_MONTH, NULL},
	{"session", API_REPORT, AU_GROUP_SESSION, NULL},
	{"projects", API_REPORT, AU_GROUP_PROJECT, NULL},
	{"models", API_MODELS, AU_GROUP_MODEL, NULL},
	{"cache", API_CACHE, 0, cache_params},
	{"blocks", API_BLOCKS, 0, NULL},
	{"insights", API_INSIGHTS, 0, insights_params},
	{"budget", API_BUDGET, 0, NULL},
};

static const api_report *api_report_by_name(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(api_reports); i++)
		if (strcmp(api_reports[i].name, name) == 0)
			return &api_reports[i];
	return NULL;
}

/* models, cache, blocks and insights: built as their commands build them */
static int write_insight(au_server *s, FILE *f, const api_report *a, const query *q, au_err *err)
{
	au_filter flt = {
		.tz = q->tz,
		.since_day = q->since_day,
		.until_day = q->until_day,
		.source = q->source,
		.project = q->project,
		.full_path = q->full_path,
	};
	int rc = 0;
	switch (a->kind) {
	case API_MODELS: {
		au_models *m = NULL;
		au_report *rep = NULL;
		au_report_opts ro = report_opts(q, AU_GROUP_MODEL);
		if ((rc = au_models_build(s->store, s->pricing, &flt, &m, err)) == 0 &&
		    (rc = au_report_build(s->store, &ro, &rep, err)) == 0) {
			rep->tz_name = q->tz_name;
			au_models_render_json(f, rep, m);
		}
		au_report_free(rep);
		au_models_free(m);
		break;
	}
	case API_CACHE: {
		au_cache *c = NULL;
		if ((rc = au_cache_build(s->store, s->pricing, &flt, q->by, &c, err)) == 0)
			au_cache_render_json(f, c, q->tz_name);
		au_cache_free(c);
		break;
	}
	case API_BLOCKS: {
		au_blocks *b = NULL;
		if (!q->source_given)
			flt.source = AU_SRC_CLAUDE; /* the 5-hour windows are Claude's */
		if ((rc = au_blocks_build(s->store, &flt, q->now, &b, err)) == 0)
			au_blocks_render_json(f, b, q->tz, q->tz_name);
		au_blocks_free(b);
		break;
	}
	case API_INSIGHTS: {
		int64_t budget = q->budget;
		if (!budget) {
			budgets b;
			budgets_load(s, &b);
			budget = au_config_monthly_budget(b.cfg);
			budgets_release(&b);
		}
		au_summary *m = NULL;
		if ((rc = au_summary_build(s->store, s->pricing, &flt, q->summary_now, budget, &m, err)) == 0)
			au_summary_render_json(f, m, q->tz, q->tz_name);
		au_summary_free(m);
		break;
	}
	default:
		rc = au_fail(err, EINVAL, "not an insight report");
	}
	return rc;
}

static void serve_api(au_server *s, SoupServerMessage *msg, const api_report *a, const query *q)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	au_err err;
	int rc = 0;
	if (!memstream(&buf, &len, &f)) {
		respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "aiusage: out of memory");
		return;
	}
	if (a->kind == API_BUDGET) {
		/* as `aiusage budget --json`: every budget now, in the config's zone */
		budgets b;
		budgets_load(s, &b);
		GArray *st = NULL;
		if (!b.cfg)
			rc = au_fail(&err, EINVAL, "the config does not load (see the server's log)");
		else if ((rc = au_budget_evaluate_all(s->store, &b.rules, b.cfg->budgets, q->now, &st, &err)) == 0) {
			au_budget_render_json(f, st, b.cfg->timezone ? b.cfg->timezone
								       : g_time_zone_get_identifier(b.rules.tz));
			au_budget_statuses_free(st);
		}
		budgets_release(&b);
	} else if (a->kind == API_REPORT) {
		au_report_opts ro = report_opts(q, a->group);
		au_report *r;
		if ((rc = au_report_build(s->store, &ro, &r, &err)) == 0) {
			r->tz_name = q->tz_name;
			au_render_opts rend = {0};
			au_render_json(f, r, &rend);
			au_report_free(r);
		}
	} else {
		rc = write_insight(s, f, a, q, &err);
	}
	fclose(f);
	if (rc < 0) {
		free(buf);
		respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "aiusage: %s", err.msg);
		return;
	}
	respond(msg, SOUP_STATUS_OK, "application/json", buf, len);
}

static void serve_metrics(au_server *s, SoupServerMessage *msg)
{
	budgets b;
	budgets_load(s, &b);
	GArray *st = NULL;
	au_err err;
	int rc = 0;
	if (b.cfg && b.cfg->budgets->len)
		rc = au_budget_evaluate_all(s->store, &b.rules, b.cfg->budgets, au_now_ms(), &st, &err);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	if (rc == 0 && !memstream(&buf, &len, &f))
		rc = au_fail(&err, ENOMEM, "out of memory");
	if (rc == 0) {
		rc = au_metrics_write(f, s->store, st, &s->live, &err);
		fclose(f);
	}
	if (st)
		au_budget_statuses_free(st);
	budgets_release(&b);
	if (rc < 0) {
		free(buf);
		respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "aiusage: %s", err.msg);
		return;
	}
	respond(msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}

/* ---- event streams ------------------------------------------------------------ */

static sse_client *client_of(au_server *s, SoupServerMessage *msg, guint *ret_i)
{
	for (guint i = 0; i < s->clients->len; i++) {
		sse_client *c = s->clients->pdata[i];
		if (c->msg == msg) {
			if (ret_i)
				*ret_i = i;
			return c;
		}
	}
	return NULL;
}

static void on_wrote_chunk(SoupServerMessage *msg, gpointer data)
{
	sse_client *c = client_of(data, msg, NULL);
	if (c && c->backlog > 0)
		c->backlog--;
}

static void client_free(gpointer p)
{
	sse_client *c = p;
	g_signal_handlers_disconnect_matched(c->msg, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, (gpointer)on_wrote_chunk, NULL);
	g_object_unref(c->msg);
	g_free(c);
}

/* A request ended, finished or aborted (the client went away): if it was
 * an event stream, forget it. */
static void on_request_gone(SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
	au_server *s = data;
	guint i;
	if (client_of(s, msg, &i))
		g_ptr_array_remove_index_fast(s->clients, i);
}

static void sse_send(au_server *s, sse_client *c, const char *text)
{
	if (c->stalled)
		return;
	if (c->backlog >= SSE_BACKLOG_MAX) {
		/* it stopped reading: nothing more is queued for it */
		c->stalled = true;
		if (s->log)
			fprintf(s->log, "%s: an event stream stopped reading; it gets no more events\n", s->prefix);
		return;
	}
	c->backlog++;
	soup_message_body_append(soup_server_message_get_response_body(c->msg), SOUP_MEMORY_COPY, text, strlen(text));
	soup_server_message_unpause(c->msg);
}

static void serve_events(au_server *s, SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
	soup_message_headers_set_encoding(h, SOUP_ENCODING_CHUNKED);
	soup_message_headers_set_content_type(h, "text/event-stream", NULL);
	soup_message_headers_replace(h, "Cache-Control", "no-store");
	soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
	/* written chunks are not kept */
	soup_message_body_set_accumulate(soup_server_message_get_response_body(msg), FALSE);
	sse_client *c = g_new0(sse_client, 1);
	c->msg = g_object_ref(msg);
	g_ptr_array_add(s->clients, c);
	g_signal_connect(msg, "wrote-chunk", G_CALLBACK(on_wrote_chunk), s);
	char hello[64];
	snprintf(hello, sizeof(hello), "retry: 2000\nevent: hello\ndata: %" G_GINT64_FORMAT "\n\n", s->commits);
	c->backlog++;
	soup_message_body_append(soup_server_message_get_response_body(msg), SOUP_MEMORY_COPY, hello, strlen(hello));
}

void au_server_committed(au_server *s)
{
	if (!s)
		return;
	s->commits++;
	char ev[64];
	snprintf(ev, sizeof(ev), "event: commit\ndata: %" G_GINT64_FORMAT "\n\n", s->commits);
	for (guint i = 0; i < s->clients->len; i++)
		sse_send(s, s->clients->pdata[i], ev);
}

void au_server_set_scan_errors(au_server *s, const int64_t errors[AU_SRC_MAX])
{
	if (s)
		memcpy(s->live.scan_errors, errors, sizeof(s->live.scan_errors));
}

void au_server_set_last_events(au_server *s, const int64_t last_ms[AU_SRC_MAX])
{
	if (!s)
		return;
	s->live.watching = true;
	memcpy(s->live.last_event_ms, last_ms, sizeof(s->live.last_event_ms));
}

static gboolean on_ping(gpointer data)
{
	au_server *s = data;
	for (guint i = 0; i < s->clients->len; i++)
		sse_send(s, s->clients->pdata[i], ": ping\n\n");
	return G_SOURCE_CONTINUE;
}

/* The store file and its write-ahead log: a commit changes one of them. */
static void store_signature(const char *db, char *buf, size_t n)
{
	struct stat a = {0}, b = {0};
	char *wal = g_strconcat(db, "-wal", NULL);
	stat(db, &a);
	stat(wal, &b);
	g_free(wal);
	snprintf(buf, n, "%lld.%ld.%lld/%lld.%ld.%lld", (long long)a.st_size, (long)a.st_mtim.tv_sec,
		 (long long)a.st_mtim.tv_nsec, (long long)b.st_size, (long)b.st_mtim.tv_sec, (long long)b.st_mtim.tv_nsec);
}

static gboolean on_poll(gpointer data)
{
	au_server *s = data;
	char sig[sizeof(s->signature)];
	store_signature(s->poll_db, sig, sizeof(sig));
	if (strcmp(sig, s->signature) != 0) {
		memcpy(s->signature, sig, sizeof(sig));
		au_server_committed(s);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- dispatch --------------------------------------------------------------------- */

static bool token_ok(const au_server *s, SoupServerMessage *msg)
{
	if (!s->token)
		return true;
	const char *h = soup_message_headers_get_one(soup_server_message_get_request_headers(msg), "Authorization");
	if (!h || g_ascii_strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	const char *got = h + 7;
	size_t n = strlen(s->token), m = strlen(got);
	/* the same time for every wrong token of a given length */
	unsigned char diff = n != m;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(s->token[i] ^ (i < m ? got[i] : 0));
	return diff == 0;
}

static void on_request(SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *params, gpointer data)
{
	au_server *s = data;
	const char *method = soup_server_message_get_method(msg);
	if (s->log && s->log_requests) {
		/* the host too: the browser tests route other hosts' requests here */
		GUri *u = soup_server_message_get_uri(msg);
		const char *host = u ? g_uri_get_host(u) : NULL;
		fprintf(s->log, "%s: %s %s %s\n", s->prefix, method, host ? host : "-", path);
		fflush(s->log);
	}
	if (!token_ok(s, msg)) {
		soup_message_headers_replace(soup_server_message_get_response_headers(msg), "WWW-Authenticate",
					     "Bearer realm=\"aiusage\"");
		respond_text(msg, SOUP_STATUS_UNAUTHORIZED, "a bearer token is needed (Authorization: Bearer ...)");
		return;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "GET, HEAD");
		respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "only GET and HEAD");
		return;
	}
	if (strcmp(path, "/events") == 0) {
		serve_events(s, msg);
		return;
	}
	if (strcmp(path, "/metrics") == 0) {
		if (params && g_hash_table_size(params) > 0)
			respond_text(msg, SOUP_STATUS_BAD_REQUEST, "/metrics takes no parameters");
		else
			serve_metrics(s, msg);
		return;
	}
	bool page = strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0;
	const char *api = g_str_has_prefix(path, "/api/") && g_str_has_suffix(path, ".json") ? path + 5 : NULL;
	if (!page && !api) {
		respond_text(msg, SOUP_STATUS_NOT_FOUND, "not found: the dashboard is /, reports are /api/REPORT.json, "
							 "metrics /metrics");
		return;
	}
	const api_report *a = NULL;
	if (api) {
		char *name = g_strndup(api, strlen(api) - 5);
		a = api_report_by_name(name);
		if (!a) {
			GString *names = g_string_new(NULL);
			for (size_t i = 0; i < G_N_ELEMENTS(api_reports); i++)
				g_string_append_printf(names, "%s%s", i ? ", " : "", api_reports[i].name);
			respond_text(msg, SOUP_STATUS_NOT_FOUND, "no report '%s' (known: /api/REPORT.json for %s)", name,
				     names->str);
			g_string_free(names, TRUE);
			g_free(name);
			return;
		}
		g_free(name);
	}
	query q;
	au_err err;
	if (!parse_query(params, a ? a->params : NULL, &q, &err)) {
		respond_text(msg, SOUP_STATUS_BAD_REQUEST, "bad request: %s", err.msg);
		query_release(&q);
		return;
	}
	if (page)
		serve_page(s, msg, &q);
	else
		serve_api(s, msg, a, &q);
	query_release(&q);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

int au_soup_load(au_err *err); /* src/serve/soup_dl.c */

int au_server_new(const au_server_opts *o, au_server **ret, au_err *err)
{
	const char *listen = o->listen ? o->listen : AU_SERVE_DEFAULT_LISTEN;
	GInetAddress *addr = NULL;
	guint16 port = 0;
	int r = au_soup_load(err);
	if (r < 0)
		return r;
	r = parse_listen(listen, &addr, &port, err);
	if (r < 0)
		return r;
	bool loopback = g_inet_address_get_is_loopback(addr);
	if (!loopback && !o->token) {
		g_object_unref(addr);
		return au_fail(err, EPERM,
			       "refusing to listen on %s: beyond this machine, every request must carry a bearer "
			       "token; set one in config.ini ([serve] token_env = VAR, or token = ... in a file only "
			       "you can read)",
			       listen);
	}
	au_server *s = g_new0(au_server, 1);
	s->store = o->store;
	s->pricing = o->pricing;
	s->config_path = o->config_path ? xstrdup(o->config_path) : NULL;
	/* on loopback the token is not asked: the browser opening the page
	 * cannot send one, and anyone here can read the store anyway */
	s->token = !loopback && o->token ? xstrdup(o->token) : NULL;
	s->log = o->log;
	s->log_requests = o->log_requests;
	s->prefix = xstrdup(o->log_prefix ? o->log_prefix : "aiusage serve");
	s->clients = g_ptr_array_new_with_free_func(client_free);
	s->soup = soup_server_new("server-header", "aiusage", NULL);
	soup_server_add_handler(s->soup, NULL, on_request, s, NULL);
	g_signal_connect(s->soup, "request-finished", G_CALLBACK(on_request_gone), s);
	g_signal_connect(s->soup, "request-aborted", G_CALLBACK(on_request_gone), s);
	GSocketAddress *sa = g_inet_socket_address_new(addr, port);
	g_object_unref(addr);
	GError *ge = NULL;
	if (!soup_server_listen(s->soup, sa, 0, &ge)) {
		int code = ge->domain == G_IO_ERROR && ge->code == G_IO_ERROR_ADDRESS_IN_USE ? EADDRINUSE : EIO;
		r = au_fail(err, code, "cannot listen on %s: %s", listen, ge->message);
		g_error_free(ge);
		g_object_unref(sa);
		au_server_free(s);
		return r;
	}
	g_object_unref(sa);
	GSList *uris = soup_server_get_uris(s->soup);
	s->url = uris ? g_uri_to_string(uris->data) : g_strdup("http://?/");
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	s->ping_id = g_timeout_add_seconds(SSE_PING_S, on_ping, s);
	if (o->poll_db) {
		s->poll_db = xstrdup(o->poll_db);
		store_signature(s->poll_db, s->signature, sizeof(s->signature));
		s->poll_id = g_timeout_add_seconds(1, on_poll, s);
	}
	*ret = s;
	return 0;
}

const char *au_server_url(const au_server *s)
{
	return s->url;
}

void au_server_free(au_server *s)
{
	if (!s)
		return;
	if (s->poll_id)
		g_source_remove(s->poll_id);
	if (s->ping_id)
		g_source_remove(s->ping_id);
	/* end the streams before the server goes */
	for (guint i = 0; i < s->clients->len; i++) {
		sse_client *c = s->clients->pdata[i];
		soup_message_body_complete(soup_server_message_get_response_body(c->msg));
		soup_server_message_unpause(c->msg);
	}
	if (s->soup) {
		g_signal_handlers_disconnect_by_data(s->soup, s);
		soup_server_disconnect(s->soup);
		g_object_unref(s->soup);
	}
	g_ptr_array_free(s->clients, TRUE);
	free(s->config_path);
	if (s->token) {
		memset(s->token, 0, strlen(s->token));
		free(s->token);
	}
	free(s->poll_db);
	free(s->prefix);
	g_free(s->url);
	g_free(s);
}
