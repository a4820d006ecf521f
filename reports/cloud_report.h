/*
 * The report behind `aiusage cloud`: per UTC day and provider, what the
 * provider's billing API reported (cloud_usage, as `cloud sync` stored it)
 * beside the cost of this machine's logs for the same provider, the gap
 * between the two, and the stored balances; with its table, JSON and CSV
 * renderers. It reads only the store: src/cloud fetches, this compares.
 */
#ifndef AU_CLOUD_REPORT_H
#define AU_CLOUD_REPORT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "queries.h"
#include "store.h"
#include "util.h"

/* A provider as the report needs it (src/cloud's table, described from
 * above: reports may not include it). */
typedef struct au_cloud_report_provider {
	const char *name;         /* as cloud_usage.provider stores it */
	const char *local_source; /* usage.source estimating the same bill, or NULL */
	bool configured;          /* has a [cloud.NAME] group */
} au_cloud_report_provider;

typedef struct au_cloud_report_opts {
	const au_cloud_report_provider *providers; /* rows of a day follow this order */
	size_t n_providers;
	const char *provider; /* only this one, or NULL */
	int64_t since_day;    /* UTC days; INT64_MIN: from the first stored bucket */
	int64_t until_day;    /* inclusive */
} au_cloud_report_opts;

typedef struct au_cloud_day {
	int64_t day;
	const au_cloud_report_provider *p;
	/* billed: the daily buckets' figures, or the hourly ones' when the day has no daily ones */
	bool cloud;
	int64_t in, out, cache_read, cache_write, requests, tokens;
	bool cost_known;
	int64_t cost;
	/* local */
	bool local;
	int64_t ltokens, lcost, lunpriced, lresponses;
} au_cloud_day;

typedef struct au_cloud_balance_row {
	char *provider;
	int64_t fetched_at; /* UTC ms */
	au_billed_balance b;
} au_cloud_balance_row;

typedef struct au_cloud_report {
	int64_t since_day, until_day;
	GArray *days;       /* au_cloud_day, by day then provider order */
	GPtrArray *balances; /* au_cloud_balance_row*, by provider name */
	/* totals: billed and gap over the days whose cost is known */
	bool any_billed;
	int64_t billed, local, gap, unpriced;
} au_cloud_report;

int au_cloud_report_build(au_store *s, const au_cloud_report_opts *o, au_cloud_report **ret, au_err *err);
void au_cloud_report_free(au_cloud_report *r);

void au_cloud_report_table(FILE *f, const au_cloud_report *r);
void au_cloud_report_json(FILE *f, const au_cloud_report *r);
/* Days only: balances have no place in a CSV of days. */
void au_cloud_report_csv(FILE *f, const au_cloud_report *r);

#endif
