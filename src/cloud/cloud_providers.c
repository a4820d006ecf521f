/*
 * The one table of cloud billing providers. Each endpoint has a query
 * builder and a response parser; both are pure functions over their
 * arguments (no I/O, no clock), tested directly in tests/unit/test_cloud.c.
 * Request parameters and response shapes follow each provider's API
 * reference (see ../shared/docs/pricing.md, "Provider APIs").
 *
 * Money is read from the JSON text itself (jsonscan gives a number token's
 * bytes), never through a double: Anthropic's cents arrive as decimal
 * strings, OpenAI's and OpenRouter's dollars as JSON numbers whose text is
 * the shortest decimal that round-trips their double, DeepSeek's as strings.
 * au_cloud_decimal() scales that text exactly and rounds at the pico-dollar,
 * half away from zero (the same rule as au_format_usd).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "jsonscan.h"

/* ---- exact decimals ---- */

bool au_cloud_decimal(const char *s, size_t n, int scale, int64_t *ret)
{
	char digits[80]; /* significant digits, leading zeros dropped */
	size_t nd = 0, i = 0;
	int exp10 = 0;
	bool neg = false, any = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		any = true;
		if (nd == 0 && s[i] == '0')
			continue;
		if (nd == sizeof(digits))
			return false;
		digits[nd++] = s[i];
	}
	if (i < n && s[i] == '.') {
		if (!any)
			return false; /* ".5": JSON and the providers always write "0.5" */
		i++;
		bool frac = false;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			frac = any = true;
			exp10--;
			if (nd == 0 && s[i] == '0')
				continue;
			if (nd == sizeof(digits))
				return false;
			digits[nd++] = s[i];
		}
		if (!frac)
			return false;
	}
	if (!any)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		int e = 0;
		bool edig = false;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			edig = true;
			if (e < 10000)
				e = e * 10 + (s[i] - '0');
		}
		if (!edig)
			return false;
		exp10 += eneg ? -e : e;
	}
	if (i != n)
		return false;
	if (nd == 0) {
		*ret = 0;
		return true;
	}
	/* value = digits x 10^k */
	long k = (long)exp10 + scale;
	long whole = (long)nd + k; /* digits left of the point */
	if (whole > 19)
		return false;
	unsigned __int128 v = 0;
	for (long j = 0; j < whole && j < (long)nd; j++)
		v = v * 10 + (unsigned)(digits[j] - '0');
	for (long j = (long)nd; j < whole; j++)
		v *= 10;
	if (whole >= 0 && whole < (long)nd && digits[whole] >= '5')
		v++; /* the first dropped digit decides: half away from zero */
	if (v > (unsigned __int128)INT64_MAX)
		return false;
	*ret = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* ---- pages ---- */

void au_cloud_page_init(au_cloud_page *p)
{
	memset(p, 0, sizeof(*p));
	p->rows = g_array_new(FALSE, TRUE, sizeof(au_cloud_row));
}

void au_cloud_page_release(au_cloud_page *p)
{
	if (p->rows)
		g_array_free(p->rows, TRUE);
	free(p->next_page);
	free(p->note);
	memset(p, 0, sizeof(*p));
}

/* ---- JSON helpers over jsonscan ---- */

#define EACH(d, arr, k) for (int k = (arr) + 1; k < (int)(d)->toks[arr].next; k = (int)(d)->toks[k].next)

/* Parses a body, telling an HTML page or an empty body from broken JSON. */
static int load(js_doc *d, const char *body, size_t len, au_err *err)
{
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i == len)
		return au_fail(err, EINVAL, "the response is empty");
	if (body[i] == '<')
		return au_fail(err, EINVAL, "the response is an HTML page, not JSON (a proxy or an error page?)");
	au_err jerr;
	if (js_parse(d, body, len, &jerr) < 0)
		return au_fail(err, EINVAL, "the response is not valid JSON (%s)", jerr.msg);
	if (js_typeof(d, 0) != JS_OBJECT)
		return au_fail(err, EINVAL, "the response is not a JSON object");
	return 0;
}

static int missing(au_err *err, const char *where, int idx, int sub, const char *what)
{
	if (idx < 0)
		return au_fail(err, EINVAL, "the response has no %s%s%s", where, *where ? "." : "", what);
	if (sub < 0)
		return au_fail(err, EINVAL, "%s[%d] has no %s", where, idx, what);
	return au_fail(err, EINVAL, "%s[%d].results[%d] has no %s", where, idx, sub, what);
}

/* A non-negative integer member. */
static bool get_count(const js_doc *d, int obj, const char *key, int64_t *ret)
{
	return js_int(d, js_get(d, obj, key), ret) && *ret >= 0;
}

/* A money member: a JSON number, or a string holding a decimal. */
static bool get_money(const js_doc *d, int obj, const char *key, int scale, int64_t *ret)
{
	int t = js_get(d, obj, key);
	js_type ty = js_typeof(d, t);
	if (ty == JS_INTEGER || ty == JS_REAL)
		return au_cloud_decimal(d->src + d->toks[t].start, d->toks[t].end - d->toks[t].start, scale, ret);
	if (ty == JS_STRING) {
		char buf[64];
		int n = js_str(d, t, buf, sizeof(buf));
		return n > 0 && au_cloud_decimal(buf, (size_t)n, scale, ret);
	}
	return false;
}

/* The item name: string member key, or dflt when absent or null. Names
 * longer than the column are cut at a UTF-8 boundary. */
static void get_item(const js_doc *d, int obj, const char *key, const char *dflt, char *dst)
{
	int t = js_get(d, obj, key);
	char buf[1024];
	int n = js_typeof(d, t) == JS_STRING ? js_str(d, t, buf, sizeof(buf)) : -1;
	if (n <= 0) {
		g_strlcpy(dst, dflt, AU_CLOUD_ITEM_MAX);
		return;
	}
	size_t len = (size_t)n;
	if (len >= AU_CLOUD_ITEM_MAX) {
		len = AU_CLOUD_ITEM_MAX - 1;
		while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, buf, len);
	dst[len] = '\0';
}

/* {data:[...], has_more, next_page}: the pagination envelope both Anthropic
 * and OpenAI use. Returns the data array's token. */
static int envelope(const js_doc *d, au_cloud_page *ret, au_err *err)
{
	int data = js_get(d, 0, "data");
	if (js_typeof(d, data) != JS_ARRAY)
		return missing(err, "", -1, -1, "data array");
	int hm = js_get(d, 0, "has_more");
	if (js_typeof(d, hm) != JS_TRUE && js_typeof(d, hm) != JS_FALSE)
		return missing(err, "", -1, -1, "has_more");
	ret->has_more = js_typeof(d, hm) == JS_TRUE;
	int np = js_get(d, 0, "next_page");
	if (ret->has_more) {
		char buf[2048];
		int n = js_typeof(d, np) == JS_STRING ? js_str(d, np, buf, sizeof(buf)) : -1;
		if (n <= 0)
			return au_fail(err, EINVAL, "the response says has_more but gives no next_page");
		ret->next_page = xstrndup(buf, (size_t)n);
	}
	return data;
}

static int64_t floor_to(int64_t ms, int64_t unit)
{
	int64_t r = ms % unit;
	return r < 0 ? ms - r - unit : ms - r;
}

/* The start of bucket `b` (an RFC 3339 starting_at), floored to the width. */
static int bucket_start_iso(const js_doc *d, int b, int64_t unit, int64_t *ret)
{
	char buf[64];
	int n = js_get_str(d, b, "starting_at", buf, sizeof(buf));
	int64_t ms;
	if (n <= 0 || au_parse_iso8601_ms(buf, (size_t)n, &ms) < 0)
		return -1;
	*ret = floor_to(ms, unit);
	return 0;
}

static int64_t bucket_ms(const au_cloud_query *q)
{
	return q->bucket_secs == 3600 ? AU_CLOUD_HOUR_MS : AU_CLOUD_DAY_MS;
}

/*
 * The bucketed reports of Anthropic's and OpenAI's admin APIs:
 * {data:[{<bucket start>, results:[...]}], has_more, next_page}. The walk
 * is shared; each endpoint reads one result into a row whose bucket is set.
 */
typedef struct bucket_api {
	bool iso_start; /* starting_at (RFC 3339), else start_time (unix seconds) */
	bool daily;     /* day buckets whatever the query asked for */
	/* 0, or a negative errno with err saying which field of data[bi].results[ri] */
	int (*result)(const js_doc *d, int x, int bi, int ri, au_cloud_row *row, au_err *err);
} bucket_api;

static int parse_buckets(const bucket_api *api, const au_cloud_query *q, const char *body, size_t len,
			 au_cloud_page *ret, au_err *err)
{
	js_doc d;
	js_doc_init(&d);
	int r = load(&d, body, len, err);
	int data = r < 0 ? r : envelope(&d, ret, err);
	if (r < 0 || data < 0) {
		js_doc_release(&d);
		return -EINVAL;
	}
	int64_t unit = api->daily ? AU_CLOUD_DAY_MS : bucket_ms(q);
	int bi = 0;
	EACH(&d, data, b)
	{
		int64_t start;
		int results = js_get(&d, b, "results");
		if (api->iso_start ? bucket_start_iso(&d, b, unit, &start) < 0
				   : !get_count(&d, b, "start_time", &start) || start > INT64_MAX / 1000) {
			r = missing(err, "data", bi, -1, api->iso_start ? "RFC 3339 starting_at" : "start_time");
			goto out;
		}
		if (!api->iso_start)
			start = floor_to(start * 1000, unit);
		if (js_typeof(&d, results) != JS_ARRAY) {
			r = missing(err, "data", bi, -1, "results array");
			goto out;
		}
		int ri = 0;
		EACH(&d, results, x)
		{
			au_cloud_row row = {.bucket_start = start, .bucket_secs = (int32_t)(unit / 1000)};
			if ((r = api->result(&d, x, bi, ri, &row, err)) < 0)
				goto out;
			g_array_append_val(ret->rows, row);
			ri++;
		}
		bi++;
	}
	r = 0;
out:
	js_doc_release(&d);
	return r;
}

/* ---- query strings ---- */

static void put_iso(au_buf *b, int64_t ms)
{
	int64_t days = floor_to(ms, AU_CLOUD_DAY_MS) / AU_CLOUD_DAY_MS;
	int64_t rem = ms - days * AU_CLOUD_DAY_MS;
	int y;
	unsigned m, dd;
	au_civil_from_days(days, &y, &m, &dd);
	au_buf_printf(b, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, dd, (int)(rem / 3600000),
		      (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
}

/* How many buckets to ask for: all of the window, within the API's limit. */
static long limit_for(const au_cloud_query *q, long max)
{
	int64_t unit = bucket_ms(q);
	int64_t n = (q->end_ms - q->start_ms + unit - 1) / unit;
	return n < 1 ? 1 : n > max ? max : (long)n;
}

static void put_page(au_buf *b, const au_cloud_query *q)
{
	if (q->page) {
		char *e = g_uri_escape_string(q->page, NULL, FALSE);
		au_buf_printf(b, "&page=%s", e);
		g_free(e);
	}
}

static void anthropic_window(const au_cloud_query *q, au_buf *b)
{
	au_buf_puts(b, "starting_at=");
	put_iso(b, q->start_ms);
	au_buf_puts(b, "&ending_at=");
	put_iso(b, q->end_ms);
}

static void anthropic_usage_query(const au_cloud_query *q, au_buf *b)
{
	anthropic_window(q, b);
	bool hourly = q->bucket_secs == 3600;
	au_buf_printf(b, "&bucket_width=%s&group_by%%5B%%5D=model&limit=%ld", hourly ? "1h" : "1d",
		      limit_for(q, hourly ? 168 : 31));
	put_page(b, q);
}

static void anthropic_cost_query(const au_cloud_query *q, au_buf *b)
{
	anthropic_window(q, b);
	au_buf_printf(b, "&bucket_width=1d&group_by%%5B%%5D=description&limit=%ld", limit_for(q, 31));
	put_page(b, q);
}

static void openai_usage_query(const au_cloud_query *q, au_buf *b)
{
	bool hourly = q->bucket_secs == 3600;
	au_buf_printf(b, "start_time=%lld&end_time=%lld&bucket_width=%s&group_by=model&limit=%ld",
		      (long long)(q->start_ms / 1000), (long long)(q->end_ms / 1000), hourly ? "1h" : "1d",
		      limit_for(q, hourly ? 168 : 31));
	put_page(b, q);
}

static void openai_costs_query(const au_cloud_query *q, au_buf *b)
{
	au_buf_printf(b, "start_time=%lld&end_time=%lld&bucket_width=1d&group_by=line_item&limit=%ld",
		      (long long)(q->start_ms / 1000), (long long)(q->end_ms / 1000), limit_for(q, 180));
	put_page(b, q);
}

/* ---- Anthropic Admin API ---- */

/* GET /v1/organizations/usage_report/messages: {data:[{starting_at,
 * ending_at, results:[{uncached_input_tokens, cache_creation:
 * {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens},
 * cache_read_input_tokens, output_tokens, model, ...}]}], has_more,
 * next_page}. No request count is reported. */
static int anthropic_usage_result(const js_doc *d, int x, int bi, int ri, au_cloud_row *row, au_err *err)
{
	row->has_tokens = true;
	int cc = js_get_obj(d, x, "cache_creation");
	int64_t w5, w1;
	const char *bad = !get_count(d, x, "uncached_input_tokens", &row->input) ? "uncached_input_tokens"
			  : !get_count(d, x, "output_tokens", &row->output)     ? "output_tokens"
			  : !get_count(d, x, "cache_read_input_tokens", &row->cache_read)
			      ? "cache_read_input_tokens"
			  : cc < 0 ? "cache_creation object"
			  : !get_count(d, cc, "ephemeral_5m_input_tokens", &w5)
			      ? "cache_creation.ephemeral_5m_input_tokens"
			  : !get_count(d, cc, "ephemeral_1h_input_tokens", &w1)
			      ? "cache_creation.ephemeral_1h_input_tokens"
			      : NULL;
	if (bad)
		return missing(err, "data", bi, ri, bad);
	row->cache_write = w5 + w1;
	get_item(d, x, "model", "(all models)", row->item);
	return 0;
}

static int anthropic_usage_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
				 au_err *err)
{
	static const bucket_api api = {.iso_start = true, .result = anthropic_usage_result};
	return parse_buckets(&api, q, body, len, ret, err);
}

/* GET /v1/organizations/cost_report (group_by[]=description): results
 * [{amount: "123.45" (cents, a decimal string), currency: "USD", cost_type,
 * token_type, model, description, ...}]. Token costs are filed under their
 * model, so they meet the usage rows; others under their cost_type. */
static int anthropic_cost_result(const js_doc *d, int x, int bi, int ri, au_cloud_row *row, au_err *err)
{
	row->has_cost = true;
	char cur[16];
	if (!get_money(d, x, "amount", 10, &row->cost))
		return missing(err, "data", bi, ri, "decimal amount");
	if (js_get_str(d, x, "currency", cur, sizeof(cur)) < 0 || g_ascii_strcasecmp(cur, "USD") != 0)
		return au_fail(err, EINVAL, "data[%d].results[%d] is not in USD", bi, ri);
	char type[AU_CLOUD_ITEM_MAX];
	get_item(d, x, "cost_type", "(all costs)", type);
	if (strcmp(type, "tokens") == 0)
		get_item(d, x, "model", "tokens", row->item);
	else
		g_strlcpy(row->item, type, sizeof(row->item));
	return 0;
}

static int anthropic_cost_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
				au_err *err)
{
	static const bucket_api api = {.iso_start = true, .daily = true, .result = anthropic_cost_result};
	return parse_buckets(&api, q, body, len, ret, err);
}

/* ---- OpenAI organization API ---- */

/* GET /v1/organization/usage/completions (group_by=model): data[{start_time
 * (unix s), end_time, results:[{input_tokens (cached included),
 * input_cached_tokens, output_tokens, num_model_requests, model, ...}]}]. */
static int openai_usage_result(const js_doc *d, int x, int bi, int ri, au_cloud_row *row, au_err *err)
{
	row->has_tokens = true;
	int64_t in, cached = 0;
	int ct = js_get(d, x, "input_cached_tokens");
	const char *bad = !get_count(d, x, "input_tokens", &in)          ? "input_tokens"
			  : !get_count(d, x, "output_tokens", &row->output) ? "output_tokens"
			  : !get_count(d, x, "num_model_requests", &row->requests)
			      ? "num_model_requests"
			  : ct >= 0 && js_typeof(d, ct) != JS_NULL && !get_count(d, x, "input_cached_tokens", &cached)
			      ? "integer input_cached_tokens"
			      : NULL;
	if (bad)
		return missing(err, "data", bi, ri, bad);
	if (cached > in)
		return au_fail(err, EINVAL, "data[%d].results[%d]: more cached input than input", bi, ri);
	row->input = in - cached;
	row->cache_read = cached;
	get_item(d, x, "model", "(all models)", row->item);
	return 0;
}

static int openai_usage_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
			      au_err *err)
{
	static const bucket_api api = {.result = openai_usage_result};
	return parse_buckets(&api, q, body, len, ret, err);
}

/* GET /v1/organization/costs (group_by=line_item): results[{amount:{value
 * (dollars, a JSON number), currency: "usd"}, line_item, project_id}]. */
static int openai_costs_result(const js_doc *d, int x, int bi, int ri, au_cloud_row *row, au_err *err)
{
	row->has_cost = true;
	int amount = js_get_obj(d, x, "amount");
	char cur[16];
	if (amount < 0 || !get_money(d, amount, "value", 12, &row->cost))
		return missing(err, "data", bi, ri, "amount.value");
	if (js_get_str(d, amount, "currency", cur, sizeof(cur)) < 0 || g_ascii_strcasecmp(cur, "usd") != 0)
		return au_fail(err, EINVAL, "data[%d].results[%d] is not in USD", bi, ri);
	get_item(d, x, "line_item", "(all costs)", row->item);
	return 0;
}

static int openai_costs_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
			      au_err *err)
{
	static const bucket_api api = {.daily = true, .result = openai_costs_result};
	return parse_buckets(&api, q, body, len, ret, err);
}

/* ---- OpenRouter ---- */

/* GET /api/v1/key: {data:{usage (all-time USD), usage_daily (this UTC
 * day), limit (USD or null), limit_remaining, label, ...}}. The label holds
 * part of the key, so it is never read. */
static int openrouter_key_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
				au_err *err)
{
	js_doc d;
	js_doc_init(&d);
	int r = load(&d, body, len, err);
	int data = r < 0 ? -1 : js_get_obj(&d, 0, "data");
	if (r < 0) {
		js_doc_release(&d);
		return r;
	}
	au_cloud_balance *bal = &ret->balance;
	if (data < 0 || !get_money(&d, data, "usage", 12, &bal->used)) {
		js_doc_release(&d);
		return missing(err, "data", -1, -1, "usage");
	}
	bal->has_used = true;
	ret->has_balance = true;
	int lim = js_get(&d, data, "limit");
	if (lim >= 0 && js_typeof(&d, lim) != JS_NULL) {
		if (!get_money(&d, data, "limit", 12, &bal->limit)) {
			js_doc_release(&d);
			return au_fail(err, EINVAL, "data.limit is not a number");
		}
		bal->has_limit = true;
	}
	if (get_money(&d, data, "limit_remaining", 12, &bal->balance))
		bal->has_balance = true;
	au_cloud_row row = {.bucket_start = floor_to(q->start_ms, AU_CLOUD_DAY_MS), .bucket_secs = 86400,
			    .has_cost = true};
	if (get_money(&d, data, "usage_daily", 12, &row.cost)) {
		g_strlcpy(row.item, "key usage", sizeof(row.item));
		g_array_append_val(ret->rows, row);
	}
	js_doc_release(&d);
	return 0;
}

/* GET /api/v1/credits: {data:{total_credits, total_usage}} (USD, account
 * wide; newer keys need a management key for it). */
static int openrouter_credits_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
				    au_err *err)
{
	js_doc d;
	js_doc_init(&d);
	int r = load(&d, body, len, err);
	if (r < 0) {
		js_doc_release(&d);
		return r;
	}
	int data = js_get_obj(&d, 0, "data");
	au_cloud_balance *bal = &ret->balance;
	int64_t credits;
	if (data < 0 || !get_money(&d, data, "total_credits", 12, &credits) ||
	    !get_money(&d, data, "total_usage", 12, &bal->used)) {
		js_doc_release(&d);
		return missing(err, "data", -1, -1, "total_credits and total_usage");
	}
	bal->limit = credits;
	bal->balance = credits - bal->used;
	bal->has_balance = bal->has_used = bal->has_limit = true;
	ret->has_balance = true;
	js_doc_release(&d);
	return 0;
}

/* ---- DeepSeek ---- */

/* GET /user/balance: {is_available, balance_infos:[{currency: "USD"|"CNY",
 * total_balance: "110.00", granted_balance, topped_up_balance}]}. */
static int deepseek_balance_parse(const au_cloud_query *q, const char *body, size_t len, au_cloud_page *ret,
				  au_err *err)
{
	js_doc d;
	js_doc_init(&d);
	int r = load(&d, body, len, err);
	if (r < 0) {
		js_doc_release(&d);
		return r;
	}
	int avail = js_get(&d, 0, "is_available");
	int infos = js_get(&d, 0, "balance_infos");
	if (js_typeof(&d, avail) != JS_TRUE && js_typeof(&d, avail) != JS_FALSE) {
		js_doc_release(&d);
		return missing(err, "", -1, -1, "is_available");
	}
	if (js_typeof(&d, infos) != JS_ARRAY) {
		js_doc_release(&d);
		return missing(err, "", -1, -1, "balance_infos array");
	}
	int i = 0;
	bool other = false;
	EACH(&d, infos, x)
	{
		char cur[16];
		if (js_get_str(&d, x, "currency", cur, sizeof(cur)) < 0) {
			js_doc_release(&d);
			return missing(err, "balance_infos", i, -1, "currency");
		}
		if (strcmp(cur, "USD") != 0) {
			other = true;
		} else if (!get_money(&d, x, "total_balance", 12, &ret->balance.balance)) {
			js_doc_release(&d);
			return missing(err, "balance_infos", i, -1, "decimal total_balance");
		} else {
			ret->balance.has_balance = true;
			ret->has_balance = true;
		}
		i++;
	}
	if (!ret->has_balance && other)
		ret->note = xstrdup("the balance is not in US dollars, so it is not stored");
	else if (js_typeof(&d, avail) == JS_FALSE)
		ret->note = xstrdup("DeepSeek says the balance is not available for API calls");
	js_doc_release(&d);
	return 0;
}

/* ---- the table ---- */

static const char *const anthropic_headers[] = {"anthropic-version: 2023-06-01", NULL};
static const char *const no_headers[] = {NULL};

static const au_cloud_endpoint anthropic_endpoints[] = {
	{"/v1/organizations/usage_report/messages", AU_SPAN_DAYS_HOURS, false, anthropic_usage_query,
	 anthropic_usage_parse},
	{"/v1/organizations/cost_report", AU_SPAN_DAYS, false, anthropic_cost_query, anthropic_cost_parse},
};

static const au_cloud_endpoint openai_endpoints[] = {
	{"/v1/organization/usage/completions", AU_SPAN_DAYS_HOURS, false, openai_usage_query, openai_usage_parse},
	{"/v1/organization/costs", AU_SPAN_DAYS, false, openai_costs_query, openai_costs_parse},
};

static const au_cloud_endpoint openrouter_endpoints[] = {
	{"/api/v1/key", AU_SPAN_SNAPSHOT, false, NULL, openrouter_key_parse},
	{"/api/v1/credits", AU_SPAN_SNAPSHOT, true, NULL, openrouter_credits_parse},
};

static const au_cloud_endpoint deepseek_endpoints[] = {
	{"/user/balance", AU_SPAN_SNAPSHOT, false, NULL, deepseek_balance_parse},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const au_cloud_provider au_cloud_providers[] = {
	{"anthropic", "Anthropic", "https://api.anthropic.com", "ANTHROPIC_ADMIN_KEY",
	 "an Admin API key (sk-ant-admin...)", "x-api-key: ", anthropic_headers, "claude", anthropic_endpoints,
	 N(anthropic_endpoints), &anthropic_endpoints[0]},
	{"openai", "OpenAI", "https://api.openai.com", "OPENAI_ADMIN_KEY", "an Admin key (sk-admin-...)",
	 "Authorization: Bearer ", no_headers, "codex", openai_endpoints, N(openai_endpoints), &openai_endpoints[1]},
	{"openrouter", "OpenRouter", "https://openrouter.ai", "OPENROUTER_API_KEY", "an API key (sk-or-v1-...)",
	 "Authorization: Bearer ", no_headers, NULL, openrouter_endpoints, N(openrouter_endpoints),
	 &openrouter_endpoints[0]},
	{"deepseek", "DeepSeek", "https://api.deepseek.com", "DEEPSEEK_API_KEY", "an API key",
	 "Authorization: Bearer ", no_headers, NULL, deepseek_endpoints, N(deepseek_endpoints),
	 &deepseek_endpoints[0]},
};

const size_t au_cloud_n_providers = N(au_cloud_providers);

const au_cloud_provider *au_cloud_provider_by_name(const char *name)
{
	for (size_t i = 0; i < au_cloud_n_providers; i++)
		if (strcmp(au_cloud_providers[i].name, name) == 0)
			return &au_cloud_providers[i];
	return NULL;
}
