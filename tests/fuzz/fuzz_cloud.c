/*
 * libFuzzer target for the providers' billing-API response parsers
 * (src/cloud_providers.c): what a network peer sends is as hostile as a
 * log. The first input byte picks the endpoint (every provider's, the key
 * checks included) and whether the request was for hourly buckets; the
 * rest is the response body. Every parse must end in 0 or a negative errno
 * with a message, give the same page twice, and hand out rows a store can
 * take: whole buckets, a terminated item name. A failed check aborts,
 * which libFuzzer reports as a crash and saves.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloud.h"
#include "require.h"


/* The n-th endpoint over all providers, checks last; NULL past the end. */
static const au_cloud_endpoint *endpoint_at(size_t n)
{
	for (size_t i = 0; i < au_cloud_n_providers; i++) {
		const au_cloud_provider *p = &au_cloud_providers[i];
		if (n < p->n_endpoints)
			return &p->endpoints[n];
		n -= p->n_endpoints;
	}
	for (size_t i = 0; i < au_cloud_n_providers; i++) {
		const au_cloud_provider *p = &au_cloud_providers[i];
		if (p->check && n-- == 0)
			return p->check;
	}
	return NULL;
}

static size_t n_endpoints(void)
{
	size_t n = 0;
	while (endpoint_at(n))
		n++;
	return n;
}

static int parse(const au_cloud_endpoint *e, const au_cloud_query *q, const uint8_t *body, size_t len,
		 au_cloud_page *page)
{
	/* an exact-size copy: a read past the body is an ASan report */
	char *copy = malloc(len ? len : 1);
	memcpy(copy, body, len);
	au_err err;
	memset(&err, 0, sizeof(err));
	au_cloud_page_init(page);
	int r = e->parse(q, copy, len, page, &err);
	free(copy);
	REQUIRE(r == 0 || (r < 0 && r >= -4095));
	if (r < 0)
		REQUIRE(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] != '\0');
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const au_cloud_endpoint *e = endpoint_at(data[0] % n_endpoints());
	/* 2026-11-14T00:00Z to 2026-11-16T11:00Z, as the unit tests ask */
	au_cloud_query q = {
		.start_ms = INT64_C(1794960000000),
		.end_ms = INT64_C(1795172400000),
		.bucket_secs = data[0] & 0x80 ? 3600 : 86400,
		.page = data[0] & 0x40 ? "page_p2" : NULL,
	};
	au_cloud_page a, b;
	int ra = parse(e, &q, data + 1, size - 1, &a);
	int rb = parse(e, &q, data + 1, size - 1, &b);
	REQUIRE(ra == rb);
	if (ra == 0) {
		REQUIRE(a.rows->len == b.rows->len && a.has_more == b.has_more);
		REQUIRE((a.next_page == NULL) == (b.next_page == NULL));
		REQUIRE(!a.next_page || strcmp(a.next_page, b.next_page) == 0);
		REQUIRE(a.has_balance == b.has_balance);
		for (guint i = 0; i < a.rows->len; i++) {
			const au_cloud_row *x = &g_array_index(a.rows, au_cloud_row, i);
			const au_cloud_row *y = &g_array_index(b.rows, au_cloud_row, i);
			REQUIRE(memcmp(x, y, sizeof(*x)) == 0 || (x->bucket_start == y->bucket_start &&
								   strcmp(x->item, y->item) == 0));
			REQUIRE(x->bucket_secs == 3600 || x->bucket_secs == 86400);
			REQUIRE(x->bucket_start % ((int64_t)x->bucket_secs * 1000) == 0);
			REQUIRE(memchr(x->item, '\0', sizeof(x->item)) != NULL);
			REQUIRE(x->has_tokens || x->has_cost);
			REQUIRE(x->input >= 0 && x->output >= 0 && x->cache_read >= 0 && x->cache_write >= 0);
			REQUIRE(x->requests >= 0);
		}
	}
	au_cloud_page_release(&a);
	au_cloud_page_release(&b);
	return 0;
}
