/*
 * Unit tests for the cloud billing providers (src/cloud_providers.c) and
 * the pure parts of src/cloud.c: exact decimal money, every endpoint's
 * query string and parser on responses shaped like each provider's API
 * reference (stored values checked exactly), every way a response can be
 * wrong, the [cloud.NAME] config groups, finding keys and scrubbing them.
 * The HTTP client, sync and store writes are covered by tests/e2e/cloud.sh
 * against a real server.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cloud.h"

static int64_t dec(const char *s, int scale, bool *ok)
{
	int64_t v = -42;
	*ok = au_cloud_decimal(s, strlen(s), scale, &v);
	return v;
}

#define CHECK_DEC(s, scale, want)                      \
	do {                                           \
		bool ok_;                              \
		int64_t v_ = dec(s, scale, &ok_);      \
		CHECK(ok_);                            \
		CHECK_INT(v_, want);                   \
	} while (0)
#define CHECK_BAD_DEC(s)                               \
	do {                                           \
		bool ok_;                              \
		dec(s, 12, &ok_);                      \
		CHECK(!ok_);                           \
	} while (0)

static void test_decimal(void)
{
	CHECK_DEC("123.45", 10, INT64_C(1234500000000)); /* 123.45 cents = $1.2345 */
	CHECK_DEC("0.06", 12, INT64_C(60000000000));
	CHECK_DEC("25.5", 12, INT64_C(25500000000000));
	CHECK_DEC("1.5e-05", 12, INT64_C(15000000));
	CHECK_DEC("1E3", 12, INT64_C(1000000000000000));
	CHECK_DEC("0", 12, 0);
	CHECK_DEC("-0.0", 12, 0);
	CHECK_DEC("00.10", 12, INT64_C(100000000000));
	CHECK_DEC("0.0000000000005", 12, 1);   /* half a pico-dollar rounds away from zero */
	CHECK_DEC("0.00000000000049", 12, 0);
	CHECK_DEC("-0.0000000000005", 12, -1);
	CHECK_DEC("0.1234567890125", 12, INT64_C(123456789013));
	CHECK_DEC("0.1234567890124999", 12, INT64_C(123456789012));
	CHECK_DEC("0.30000000000000004", 12, INT64_C(300000000000)); /* a double's noise is dropped */
	CHECK_DEC("9223372.036854775807", 12, INT64_MAX);
	CHECK_DEC("+7", 12, INT64_C(7000000000000));
	CHECK_DEC("12345678901234567890e-30", 12, 12); /* 1.2345...e-11 dollars */
	CHECK_BAD_DEC("9223372.036854775808");
	CHECK_BAD_DEC("1e20");
	CHECK_BAD_DEC("");
	CHECK_BAD_DEC("-");
	CHECK_BAD_DEC("1.");
	CHECK_BAD_DEC(".5");
	CHECK_BAD_DEC("1e");
	CHECK_BAD_DEC("1.2.3");
	CHECK_BAD_DEC("12a");
	CHECK_BAD_DEC("$1");
	CHECK_BAD_DEC(" 1");
}

/* 2026-11-16T00:00:00Z */
#define D16 INT64_C(1794787200000)
#define DAY AU_CLOUD_DAY_MS

static const au_cloud_endpoint *ep(const char *provider, const char *path)
{
	const au_cloud_provider *p = au_cloud_provider_by_name(provider);
	for (size_t i = 0; p && i < p->n_endpoints; i++)
		if (strcmp(p->endpoints[i].path, path) == 0)
			return &p->endpoints[i];
	fprintf(stderr, "no endpoint %s %s\n", provider, path);
	abort();
}

static char *query(const au_cloud_endpoint *e, au_cloud_query q)
{
	au_buf b;
	au_buf_init(&b, 0);
	e->query(&q, &b);
	au_buf_append(&b, "", 1);
	return b.data;
}

static void test_queries(void)
{
	const au_cloud_endpoint *au = ep("anthropic", "/v1/organizations/usage_report/messages");
	const au_cloud_endpoint *ac = ep("anthropic", "/v1/organizations/cost_report");
	const au_cloud_endpoint *ou = ep("openai", "/v1/organization/usage/completions");
	const au_cloud_endpoint *oc = ep("openai", "/v1/organization/costs");
	char *s;
	s = query(au, (au_cloud_query){D16 - 2 * DAY, D16, 86400, NULL});
	CHECK_STR(s, "starting_at=2026-11-14T00:00:00Z&ending_at=2026-11-16T00:00:00Z&bucket_width=1d"
		     "&group_by%5B%5D=model&limit=2");
	free(s);
	s = query(au, (au_cloud_query){D16, D16 + 11 * AU_CLOUD_HOUR_MS, 3600, "page_MjAy+/="});
	CHECK_STR(s, "starting_at=2026-11-16T00:00:00Z&ending_at=2026-11-16T11:00:00Z&bucket_width=1h"
		     "&group_by%5B%5D=model&limit=11&page=page_MjAy%2B%2F%3D");
	free(s);
	s = query(au, (au_cloud_query){D16 - 100 * DAY, D16, 86400, NULL});
	CHECK(strstr(s, "&limit=31") != NULL); /* the API's maximum for 1d */
	free(s);
	s = query(ac, (au_cloud_query){D16 - 3 * DAY, D16 + DAY, 86400, NULL});
	CHECK_STR(s, "starting_at=2026-11-13T00:00:00Z&ending_at=2026-11-17T00:00:00Z&bucket_width=1d"
		     "&group_by%5B%5D=description&limit=4");
	free(s);
	s = query(ou, (au_cloud_query){D16 - DAY, D16, 86400, "AAAA"});
	CHECK_STR(s, "start_time=1794700800&end_time=1794787200&bucket_width=1d&group_by=model&limit=1&page=AAAA");
	free(s);
	s = query(ou, (au_cloud_query){D16, D16 + 24 * AU_CLOUD_HOUR_MS, 3600, NULL});
	CHECK_STR(s, "start_time=1794787200&end_time=1794873600&bucket_width=1h&group_by=model&limit=24");
	free(s);
	s = query(oc, (au_cloud_query){D16 - DAY, D16 + DAY, 86400, NULL});
	CHECK_STR(s, "start_time=1794700800&end_time=1794873600&bucket_width=1d&group_by=line_item&limit=2");
	free(s);
	CHECK(ep("openrouter", "/api/v1/key")->query == NULL);
	CHECK(ep("deepseek", "/user/balance")->query == NULL);
}

static int parse(const char *provider, const char *path, au_cloud_query q, const char *body, au_cloud_page *pg,
		 au_err *err)
{
	au_cloud_page_init(pg);
	return ep(provider, path)->parse(&q, body, strlen(body), pg, err);
}

static const au_cloud_row *row(const au_cloud_page *pg, guint i)
{
	return i < pg->rows->len ? &g_array_index(pg->rows, au_cloud_row, i) : NULL;
}

static void test_anthropic(void)
{
	au_cloud_page pg;
	au_err err;
	const char *usage =
		"{\"data\":[{\"starting_at\":\"2026-11-14T00:00:00Z\",\"ending_at\":\"2026-11-15T00:00:00Z\","
		"\"results\":[{\"uncached_input_tokens\":1500,\"cache_creation\":{\"ephemeral_1h_input_tokens\":1000,"
		"\"ephemeral_5m_input_tokens\":500},\"cache_read_input_tokens\":200000,\"output_tokens\":12000,"
		"\"server_tool_use\":{\"web_search_requests\":2},\"api_key_id\":null,\"workspace_id\":null,"
		"\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":null,\"context_window\":null},"
		"{\"uncached_input_tokens\":10,\"cache_creation\":{\"ephemeral_1h_input_tokens\":0,"
		"\"ephemeral_5m_input_tokens\":0},\"cache_read_input_tokens\":0,\"output_tokens\":5,"
		"\"server_tool_use\":{\"web_search_requests\":0},\"model\":null}]},"
		"{\"starting_at\":\"2026-11-15T00:00:00Z\",\"ending_at\":\"2026-11-16T00:00:00Z\",\"results\":[]}],"
		"\"has_more\":true,\"next_page\":\"page_MjAyNS0wNS0xNFQwMDowMDowMFo=\"}";
	CHECK_INT(parse("anthropic", "/v1/organizations/usage_report/messages",
			(au_cloud_query){D16 - 2 * DAY, D16, 86400, NULL}, usage, &pg, &err),
		  0);
	CHECK_INT(pg.rows->len, 2);
	CHECK(pg.has_more);
	CHECK_STR(pg.next_page, "page_MjAyNS0wNS0xNFQwMDowMDowMFo=");
	const au_cloud_row *r = row(&pg, 0);
	if (r) {
		CHECK_INT(r->bucket_start, D16 - 2 * DAY);
		CHECK_INT(r->bucket_secs, 86400);
		CHECK(r->has_tokens && !r->has_cost);
		CHECK_STR(r->item, "claude-sonnet-4-5-20250929");
		CHECK_INT(r->input, 1500);
		CHECK_INT(r->cache_write, 1500);
		CHECK_INT(r->cache_read, 200000);
		CHECK_INT(r->output, 12000);
		CHECK_INT(r->requests, 0);
	}
	r = row(&pg, 1);
	if (r) {
		CHECK_STR(r->item, "(all models)");
		CHECK_INT(r->input, 10);
		CHECK_INT(r->output, 5);
	}
	au_cloud_page_release(&pg);

	/* hourly buckets are floored to the hour; the last page has no cursor */
	const char *hourly = "{\"data\":[{\"starting_at\":\"2026-11-16T03:00:00Z\",\"ending_at\":\"2026-11-16T04:00:00Z\","
			     "\"results\":[{\"uncached_input_tokens\":7,\"cache_creation\":{\"ephemeral_1h_input_tokens\":1,"
			     "\"ephemeral_5m_input_tokens\":2},\"cache_read_input_tokens\":3,\"output_tokens\":4,"
			     "\"model\":\"claude-haiku-4-5-20251001\"}]}],\"has_more\":false,\"next_page\":null}";
	CHECK_INT(parse("anthropic", "/v1/organizations/usage_report/messages",
			(au_cloud_query){D16, D16 + DAY, 3600, NULL}, hourly, &pg, &err),
		  0);
	CHECK(!pg.has_more && !pg.next_page);
	if ((r = row(&pg, 0))) {
		CHECK_INT(r->bucket_start, D16 + 3 * AU_CLOUD_HOUR_MS);
		CHECK_INT(r->bucket_secs, 3600);
		CHECK_INT(r->cache_write, 3);
	}
	au_cloud_page_release(&pg);

	const char *cost =
		"{\"data\":[{\"starting_at\":\"2026-11-14T00:00:00Z\",\"ending_at\":\"2026-11-15T00:00:00Z\","
		"\"results\":[{\"currency\":\"USD\",\"amount\":\"123.45\",\"workspace_id\":null,"
		"\"description\":\"Claude Sonnet 4.5 Usage - Input Tokens\",\"cost_type\":\"tokens\","
		"\"context_window\":\"0-200k\",\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":\"standard\","
		"\"token_type\":\"uncached_input_tokens\"},"
		"{\"currency\":\"USD\",\"amount\":\"0.0000001\",\"description\":\"Web Search\",\"cost_type\":\"web_search\","
		"\"model\":null,\"token_type\":null}]}],\"has_more\":false,\"next_page\":null}";
	CHECK_INT(parse("anthropic", "/v1/organizations/cost_report", (au_cloud_query){D16 - 2 * DAY, D16, 86400, NULL},
			cost, &pg, &err),
		  0);
	CHECK_INT(pg.rows->len, 2);
	if ((r = row(&pg, 0))) {
		CHECK(r->has_cost && !r->has_tokens);
		CHECK_STR(r->item, "claude-sonnet-4-5-20250929");
		CHECK_INT(r->cost, INT64_C(1234500000000));
		CHECK_INT(r->bucket_start, D16 - 2 * DAY);
	}
	if ((r = row(&pg, 1))) {
		CHECK_STR(r->item, "web_search");
		CHECK_INT(r->cost, 1000); /* 1e-7 cents */
	}
	au_cloud_page_release(&pg);

	/* not USD, a number instead of a string is accepted, a missing amount is not */
	CHECK_INT(parse("anthropic", "/v1/organizations/cost_report", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"starting_at\":\"2026-11-16T00:00:00Z\",\"results\":[{\"currency\":\"EUR\","
			"\"amount\":\"1\"}]}],\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0] is not in USD");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("anthropic", "/v1/organizations/cost_report", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"starting_at\":\"2026-11-16T00:00:00Z\",\"results\":[{\"currency\":\"USD\"}]}],"
			"\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0] has no decimal amount");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("anthropic", "/v1/organizations/usage_report/messages",
			(au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"starting_at\":\"2026-11-16T00:00:00Z\",\"results\":[{\"uncached_input_tokens\":1,"
			"\"output_tokens\":2,\"cache_read_input_tokens\":3}]}],\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0] has no cache_creation object");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("anthropic", "/v1/organizations/usage_report/messages",
			(au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"results\":[]}],\"has_more\":false}", &pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0] has no RFC 3339 starting_at");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("anthropic", "/v1/organizations/usage_report/messages",
			(au_cloud_query){D16, D16 + DAY, 86400, NULL}, "{\"data\":[],\"has_more\":true,\"next_page\":null}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "the response says has_more but gives no next_page");
	au_cloud_page_release(&pg);
}

static void test_openai(void)
{
	au_cloud_page pg;
	au_err err;
	const au_cloud_row *r;
	const char *usage =
		"{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1794700800,\"end_time\":1794787200,"
		"\"results\":[{\"object\":\"organization.usage.completions.result\",\"input_tokens\":1000,"
		"\"output_tokens\":500,\"input_cached_tokens\":800,\"num_model_requests\":5,\"project_id\":null,"
		"\"user_id\":null,\"api_key_id\":null,\"model\":\"gpt-5-codex\",\"batch\":null},"
		"{\"object\":\"organization.usage.completions.result\",\"input_tokens\":30,\"output_tokens\":3,"
		"\"num_model_requests\":1,\"model\":null}]}],\"has_more\":true,\"next_page\":\"AAAAAGdGxdEiJdKOAAAAAGcqsYA=\"}";
	CHECK_INT(parse("openai", "/v1/organization/usage/completions", (au_cloud_query){D16 - DAY, D16, 86400, NULL},
			usage, &pg, &err),
		  0);
	CHECK_INT(pg.rows->len, 2);
	CHECK_STR(pg.next_page, "AAAAAGdGxdEiJdKOAAAAAGcqsYA=");
	if ((r = row(&pg, 0))) {
		CHECK_INT(r->bucket_start, D16 - DAY);
		CHECK_STR(r->item, "gpt-5-codex");
		CHECK_INT(r->input, 200); /* input_tokens includes the cached ones */
		CHECK_INT(r->cache_read, 800);
		CHECK_INT(r->output, 500);
		CHECK_INT(r->requests, 5);
		CHECK_INT(r->cache_write, 0);
	}
	if ((r = row(&pg, 1))) {
		CHECK_STR(r->item, "(all models)");
		CHECK_INT(r->input, 30);
		CHECK_INT(r->cache_read, 0);
	}
	au_cloud_page_release(&pg);

	const char *costs =
		"{\"object\":\"page\",\"data\":[{\"object\":\"bucket\",\"start_time\":1794700800,\"end_time\":1794787200,"
		"\"results\":[{\"object\":\"organization.costs.result\",\"amount\":{\"value\":0.06,\"currency\":\"usd\"},"
		"\"line_item\":\"gpt-5-codex, input\",\"project_id\":null},{\"object\":\"organization.costs.result\","
		"\"amount\":{\"value\":1.2345678901234567,\"currency\":\"usd\"},\"line_item\":null,\"project_id\":null}]}],"
		"\"has_more\":false,\"next_page\":null}";
	CHECK_INT(parse("openai", "/v1/organization/costs", (au_cloud_query){D16 - DAY, D16 + DAY, 86400, NULL}, costs,
			&pg, &err),
		  0);
	CHECK_INT(pg.rows->len, 2);
	if ((r = row(&pg, 0))) {
		CHECK(r->has_cost && !r->has_tokens);
		CHECK_STR(r->item, "gpt-5-codex, input");
		CHECK_INT(r->cost, INT64_C(60000000000));
	}
	if ((r = row(&pg, 1))) {
		CHECK_STR(r->item, "(all costs)");
		CHECK_INT(r->cost, INT64_C(1234567890123)); /* rounded at the pico-dollar */
	}
	au_cloud_page_release(&pg);

	CHECK_INT(parse("openai", "/v1/organization/usage/completions", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"start_time\":1794787200,\"results\":[{\"input_tokens\":1,\"output_tokens\":1,"
			"\"input_cached_tokens\":2,\"num_model_requests\":1}]}],\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0]: more cached input than input");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("openai", "/v1/organization/usage/completions", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"start_time\":1794787200,\"results\":[{\"input_tokens\":1,\"output_tokens\":1}]}],"
			"\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0] has no num_model_requests");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("openai", "/v1/organization/costs", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"data\":[{\"start_time\":1794787200,\"results\":[{\"amount\":{\"value\":\"x\",\"currency\":\"usd\"}}]}],"
			"\"has_more\":false}",
			&pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "data[0].results[0] has no amount.value");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("openai", "/v1/organization/costs", (au_cloud_query){D16, D16 + DAY, 86400, NULL},
			"{\"object\":\"page\",\"has_more\":false}", &pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "the response has no data array");
	au_cloud_page_release(&pg);
}

static void test_openrouter_deepseek(void)
{
	au_cloud_page pg;
	au_err err;
	const au_cloud_row *r;
	const char *key = "{\"data\":{\"label\":\"sk-or-v1-au7...890\",\"limit\":100,\"limit_reset\":\"monthly\","
			  "\"limit_remaining\":74.5,\"include_byok_in_limit\":false,\"usage\":25.5,\"usage_daily\":1.25,"
			  "\"usage_weekly\":25.5,\"usage_monthly\":25.5,\"byok_usage\":17.38,\"is_free_tier\":false,"
			  "\"is_provisioning_key\":false,\"rate_limit\":{\"requests\":1000,\"interval\":\"1h\"}}}";
	CHECK_INT(parse("openrouter", "/api/v1/key", (au_cloud_query){D16, D16 + 5000, 86400, NULL}, key, &pg, &err), 0);
	CHECK(pg.has_balance);
	CHECK(pg.balance.has_used && pg.balance.has_limit && pg.balance.has_balance);
	CHECK_INT(pg.balance.used, INT64_C(25500000000000));
	CHECK_INT(pg.balance.limit, INT64_C(100000000000000));
	CHECK_INT(pg.balance.balance, INT64_C(74500000000000));
	CHECK_INT(pg.rows->len, 1);
	if ((r = row(&pg, 0))) {
		CHECK_INT(r->bucket_start, D16);
		CHECK_INT(r->bucket_secs, 86400);
		CHECK_STR(r->item, "key usage");
		CHECK_INT(r->cost, INT64_C(1250000000000));
	}
	au_cloud_page_release(&pg);
	/* no limit: no balance, only what was used */
	CHECK_INT(parse("openrouter", "/api/v1/key", (au_cloud_query){D16, D16 + 5000, 86400, NULL},
			"{\"data\":{\"limit\":null,\"limit_remaining\":null,\"usage\":0.1015644762}}", &pg, &err),
		  0);
	CHECK(pg.balance.has_used && !pg.balance.has_limit && !pg.balance.has_balance);
	CHECK_INT(pg.balance.used, INT64_C(101564476200));
	CHECK_INT(pg.rows->len, 0);
	au_cloud_page_release(&pg);
	CHECK_INT(parse("openrouter", "/api/v1/key", (au_cloud_query){D16, D16, 86400, NULL}, "{\"data\":{}}", &pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "the response has no data.usage");
	au_cloud_page_release(&pg);

	CHECK_INT(parse("openrouter", "/api/v1/credits", (au_cloud_query){D16, D16, 86400, NULL},
			"{\"data\":{\"total_credits\":100.5,\"total_usage\":25.75}}", &pg, &err),
		  0);
	CHECK_INT(pg.balance.balance, INT64_C(74750000000000));
	CHECK_INT(pg.balance.used, INT64_C(25750000000000));
	CHECK_INT(pg.balance.limit, INT64_C(100500000000000));
	au_cloud_page_release(&pg);

	const char *ds = "{\"is_available\":true,\"balance_infos\":[{\"currency\":\"CNY\",\"total_balance\":\"110.00\","
			 "\"granted_balance\":\"10.00\",\"topped_up_balance\":\"100.00\"},{\"currency\":\"USD\","
			 "\"total_balance\":\"12.34\",\"granted_balance\":\"0.00\",\"topped_up_balance\":\"12.34\"}]}";
	CHECK_INT(parse("deepseek", "/user/balance", (au_cloud_query){D16, D16, 86400, NULL}, ds, &pg, &err), 0);
	CHECK(pg.has_balance && pg.balance.has_balance && !pg.balance.has_used);
	CHECK_INT(pg.balance.balance, INT64_C(12340000000000));
	CHECK(pg.note == NULL);
	au_cloud_page_release(&pg);
	CHECK_INT(parse("deepseek", "/user/balance", (au_cloud_query){D16, D16, 86400, NULL},
			"{\"is_available\":true,\"balance_infos\":[{\"currency\":\"CNY\",\"total_balance\":\"110.00\"}]}",
			&pg, &err),
		  0);
	CHECK(!pg.has_balance);
	CHECK_STR(pg.note, "the balance is not in US dollars, so it is not stored");
	au_cloud_page_release(&pg);
	CHECK_INT(parse("deepseek", "/user/balance", (au_cloud_query){D16, D16, 86400, NULL},
			"{\"balance_infos\":[]}", &pg, &err),
		  -EINVAL);
	CHECK_STR(err.msg, "the response has no is_available");
	au_cloud_page_release(&pg);
}

/* Whatever arrives instead of the documented JSON is a clear error from
 * every parser, and nothing comes back from it. */
static void test_bad_bodies(void)
{
	static const char *const bodies[] = {
		"", "   \n", "<!DOCTYPE html><html><title>502 Bad Gateway</title></html>", "{\"data\": [",
		"[]", "{\"data\":[{\"starting_at\":\"2026-11-16T00:00:00Z\",\"results\":[{\"uncached_input_tokens\":1,",
		"null",
	};
	static const char *const want[] = {
		"the response is empty", "the response is empty", "the response is an HTML page", "not valid JSON",
		"not a JSON object", "not valid JSON", "not valid JSON",
	};
	for (size_t p = 0; p < au_cloud_n_providers; p++) {
		const au_cloud_provider *pv = &au_cloud_providers[p];
		for (size_t e = 0; e < pv->n_endpoints; e++)
			for (size_t b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
				au_cloud_page pg;
				au_err err;
				au_cloud_page_init(&pg);
				au_cloud_query q = {D16, D16 + DAY, 86400, NULL};
				int r = pv->endpoints[e].parse(&q, bodies[b], strlen(bodies[b]), &pg, &err);
				CHECK_INT(r, -EINVAL);
				if (r == -EINVAL && !strstr(err.msg, want[b]))
					fprintf(stderr, "%s %s body %zu: '%s' lacks '%s'\n", pv->name,
						pv->endpoints[e].path, b, err.msg, want[b]);
				CHECK(r != -EINVAL || strstr(err.msg, want[b]));
				au_cloud_page_release(&pg);
			}
	}
}

static au_cloud_config *conf(const char *text, bool private_file, int want, const char *msg)
{
	au_cloud_config *c = NULL;
	au_err err = {""};
	int r = au_cloud_config_parse(text, strlen(text), "cfg.ini", private_file, &c, &err);
	CHECK_INT(r, want);
	if (msg && !strstr(err.msg, msg))
		fprintf(stderr, "config error '%s' lacks '%s'\n", err.msg, msg);
	CHECK(!msg || strstr(err.msg, msg));
	return c;
}

static void test_config(void)
{
	au_cloud_config *c = conf("[alerts]\nwarn_percent = 80\n\n[cloud.openai]\nkey_env = MY_OPENAI\n"
				  "[cloud.anthropic]\nbase_url = http://127.0.0.1:8080/\ninterval = 5m\ntimeout = 7\n"
				  "retries = 0\ndays = 3\n",
				  false, 0, NULL);
	if (c) {
		CHECK_INT(c->confs->len, 2);
		const au_cloud_conf *a = au_cloud_config_get(c, "anthropic");
		const au_cloud_conf *o = au_cloud_config_get(c, "openai");
		CHECK(a && o && c->confs->pdata[0] == a); /* table order, not file order */
		if (a && o) {
			CHECK_STR(a->sec->base_url, "http://127.0.0.1:8080");
			CHECK_INT(a->sec->interval_s, 300);
			CHECK_INT(a->sec->timeout_s, 7);
			CHECK_INT(a->sec->retries, 0);
			CHECK_INT(a->sec->days, 3);
			CHECK_STR(o->sec->base_url, "https://api.openai.com");
			CHECK_STR(o->sec->key_env, "MY_OPENAI");
			CHECK_INT(o->sec->interval_s, 900);
			CHECK_INT(o->sec->timeout_s, 30);
			CHECK_INT(o->sec->retries, 3);
			CHECK_INT(o->sec->days, 30);
		}
		CHECK(au_cloud_config_get(c, "deepseek") == NULL);
		au_cloud_config_free(c);
	}
	conf("[cloud.opneai]\n", false, -EINVAL, "unknown provider [cloud.opneai]");
	conf("[cloud]\n", false, -EINVAL, "needs a provider name");
	conf("[cloud.openai]\nkey_cmd = x\n", false, -EINVAL, "unknown setting key_cmd");
	conf("[cloud.openai]\nsk-proj-SECRET = 1\n", false, -EINVAL, "(a setting name that is not a word)");
	conf("[cloud.openai]\nbase_url = http://example.com\n", false, -EINVAL, "base_url must be an https:// URL");
	conf("[cloud.openai]\nbase_url = https://proxy.example/v?x=1\n", false, -EINVAL, "without a query");
	conf("[cloud.openai]\ninterval = 10\n", false, -EINVAL, "interval must be a duration");
	conf("[cloud.openai]\nretries = many\n", false, -EINVAL, "retries must be a whole number from 0 to 10");
	conf("[cloud.openai]\nkey_env = 1BAD\n", false, -EINVAL, "key_env must name an environment variable");
	/* a literal key only in a private file */
	c = conf("[cloud.openai]\nkey = sk-admin-SECRET\n", false, -EACCES, "chmod 600 cfg.ini");
	c = conf("[cloud.openai]\nkey = sk-admin-SECRET\n", true, 0, NULL);
	if (c) {
		CHECK_STR(au_cloud_config_get(c, "openai")->sec->key, "sk-admin-SECRET");
		au_cloud_config_free(c);
	}
	/* a broken line is named by number, never quoted */
	au_cloud_config *bad = NULL;
	au_err err;
	const char *text = "[cloud.openai]\n# ok\n\nsk-admin-SECRET\n";
	CHECK_INT(au_cloud_config_parse(text, strlen(text), "cfg.ini", true, &bad, &err), -EINVAL);
	CHECK(strstr(err.msg, "cfg.ini:4: not an INI line") != NULL);
	CHECK(strstr(err.msg, "SECRET") == NULL);
}

static void test_keys(void)
{
	au_cloud_config *c = conf("[cloud.openai]\n[cloud.anthropic]\nkey_env = AU_TEST_KEY\n"
				  "[cloud.deepseek]\nkey_command = printf ' sk-from-cmd\\\\n'\n"
				  "[cloud.openrouter]\nkey_command = exit 3\n",
				  false, 0, NULL);
	if (!c)
		return;
	char *key, *from;
	au_err err;
	unsetenv("OPENAI_ADMIN_KEY");
	CHECK_INT(au_cloud_key_get(au_cloud_config_get(c, "openai"), &key, &from, &err), -ENOENT);
	CHECK(strstr(err.msg, "$OPENAI_ADMIN_KEY is not set") != NULL);
	setenv("OPENAI_ADMIN_KEY", "sk-admin-abc\n", 1);
	CHECK_INT(au_cloud_key_get(au_cloud_config_get(c, "openai"), &key, &from, &err), 0);
	CHECK_STR(key, "sk-admin-abc");
	CHECK_STR(from, "$OPENAI_ADMIN_KEY");
	au_cloud_key_free(key);
	free(from);
	setenv("AU_TEST_KEY", "bad\rkey", 1);
	CHECK_INT(au_cloud_key_get(au_cloud_config_get(c, "anthropic"), &key, &from, &err), -EINVAL);
	CHECK(strstr(err.msg, "control character") != NULL && strstr(err.msg, "bad") == NULL);
	CHECK_INT(au_cloud_key_get(au_cloud_config_get(c, "deepseek"), &key, &from, &err), 0);
	CHECK_STR(key, "sk-from-cmd");
	CHECK_STR(from, "key_command");
	au_cloud_key_free(key);
	free(from);
	CHECK_INT(au_cloud_key_get(au_cloud_config_get(c, "openrouter"), &key, &from, &err), -EIO);
	CHECK_STR(err.msg, "key_command failed (exit status 3)");
	au_cloud_config_free(c);

	char msg[200] = "GET /x: HTTP 401: \"Incorrect API key provided: sk-proj-abcd****wxyz\" (key SeCrEtKeY1)";
	au_cloud_scrub(msg, sizeof(msg), "SeCrEtKeY1");
	CHECK_STR(msg, "GET /x: HTTP 401: \"Incorrect API key provided: [redacted]\" (key [redacted])");
}

typedef struct logged {
	int n;
	char last[600];
} logged;

static void on_log(void *ud, const char *line)
{
	logged *l = ud;
	l->n++;
	g_strlcpy(l->last, line, sizeof(l->last));
}

/* The watcher's hook without a network: what falls due when, and that a
 * provider that cannot be polled (no key here) is logged, not fatal. */
static void test_poll_due(void)
{
	char *dir = g_dir_make_tmp("au-cloud-XXXXXX", NULL);
	char *path = g_build_filename(dir, "usage.db", NULL);
	au_store *s = NULL;
	au_err err;
	CHECK_INT(au_store_open(path, false, &s, &err), 0);
	if (!s)
		return;
	int64_t next = 0, now = D16 + 1000;
	logged lg = {0};
	CHECK_INT(au_cloud_poll_due(s, NULL, now, on_log, &lg, &next), 0);
	CHECK(next == INT64_MAX);
	au_cloud_config *c = conf("[cloud.openai]\nkey_env = AU_TEST_NO_SUCH_KEY\ninterval = 10m\n"
				  "[cloud.deepseek]\nkey_env = AU_TEST_NO_SUCH_KEY\ninterval = 1h\n",
				  false, 0, NULL);
	unsetenv("AU_TEST_NO_SUCH_KEY");
	CHECK(au_store_meta_set(s, "cloud.deepseek.last_attempt", "1794787000000", &err) == 0);
	/* openai never polled: due now, then in 10 minutes; deepseek polled 201 s
	 * ago: due in 3399 s */
	CHECK_INT(au_cloud_poll_due(s, c, now, on_log, &lg, &next), 1);
	CHECK_INT(lg.n, 1);
	CHECK_STR(lg.last, "cloud: openai: no key: $AU_TEST_NO_SUCH_KEY is not set (or set key_env or key_command in "
			   "[cloud.openai])");
	CHECK_INT(next, now + 600000);
	/* right after, nothing is due */
	lg.n = 0;
	CHECK_INT(au_cloud_poll_due(s, c, now + 1000, on_log, &lg, &next), 0);
	CHECK_INT(lg.n, 0);
	CHECK_INT(next, now + 600000);
	CHECK_INT(au_cloud_poll_due(s, c, now + 600000, on_log, &lg, &next), 1);
	au_cloud_config_free(c);
	au_store_close(s);
	char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
	remove(wal);
	remove(shm);
	remove(path);
	remove(dir);
	g_free(wal);
	g_free(shm);
	g_free(path);
	g_free(dir);
}

int main(void)
{
	test_decimal();
	test_queries();
	test_anthropic();
	test_openai();
	test_openrouter_deepseek();
	test_bad_bodies();
	test_config();
	test_keys();
	test_poll_due();
	return check_done("test_cloud");
}
