/*
 * aiusage cloud [report|sync|check]: the providers' billed figures beside
 * the local estimate. `sync` polls each configured provider once into the
 * store, `check` says whether each key is found and accepted, and the
 * report reads only the store: per UTC day and provider the billed cost and
 * tokens, the cost of this machine's logs for the same provider, the gap.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloud.h"
#include "sources.h"

typedef struct cloud_opts {
	const au_cmd *cmd; /* the subcommand, for usage errors */
	const char *sub;
	char *since, *until, *provider, *config, *db;
	bool json, csv, no_scan;
	int quiet;
} cloud_opts;

static void opts_release(cloud_opts *o)
{
	free(o->since);
	free(o->until);
	free(o->provider);
	free(o->config);
	free(o->db);
}

enum { OPT_PROVIDER };

/* The options into cloud_opts; false with *ret_exit when the command
 * should stop (a usage error or --help). */
static bool parse_args(const au_cmd *cmd, int argc, char **argv, cloud_opts *o, int *ret_exit)
{
	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->sub = cmd->name;
	au_opts a;
	if (!au_parse_options(cmd, argc, argv, &a, ret_exit))
		return false;
	const char *provider = au_opt_own(&a, OPT_PROVIDER);
	if (provider && !au_cloud_provider_by_name(provider)) {
		*ret_exit = au_usage_error(cmd, "unknown provider '%s' (known: anthropic, openai, openrouter, deepseek)",
					   provider);
		au_opts_release(&a);
		return false;
	}
	o->provider = provider ? xstrdup(provider) : NULL;
	/* the strings change hands: a's release frees the rest */
	o->since = a.since, a.since = NULL;
	o->until = a.until, a.until = NULL;
	o->config = a.config_path, a.config_path = NULL;
	o->db = a.db_path, a.db_path = NULL;
	o->json = a.json;
	o->csv = a.csv;
	o->no_scan = a.no_scan;
	o->quiet = a.quiet;
	au_opts_release(&a);
	return true;
}

static void day_str(int64_t day, char *buf, size_t n)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

static void time_str(int64_t ms, char *buf, size_t n, bool iso)
{
	int64_t day = ms >= 0 ? ms / AU_CLOUD_DAY_MS : (ms - AU_CLOUD_DAY_MS + 1) / AU_CLOUD_DAY_MS;
	int64_t rem = ms - day * AU_CLOUD_DAY_MS;
	char d[16];
	day_str(day, d, sizeof(d));
	if (iso)
		snprintf(buf, n, "%sT%02d:%02d:%02dZ", d, (int)(rem / 3600000), (int)(rem / 60000 % 60),
			 (int)(rem / 1000 % 60));
	else
		snprintf(buf, n, "%s %02d:%02d UTC", d, (int)(rem / 3600000), (int)(rem / 60000 % 60));
}

static int64_t now_ms(void)
{
	return g_get_real_time() / 1000;
}

/* Exact decimal dollars, trailing zeros trimmed: "1.2345", "0", "-3.5". */
static void exact_usd(int64_t pico, char *buf, size_t n)
{
	au_format_usd(pico, 12, buf, n);
	size_t len = strlen(buf);
	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
}

static void money(int64_t pico, char *buf, size_t n)
{
	char tmp[32]; /* "-92233720.37" at most */
	au_format_usd(pico, 2, tmp, sizeof(tmp));
	if (tmp[0] == '-')
		snprintf(buf, n, "-$%s", tmp + 1);
	else
		snprintf(buf, n, "$%s", tmp);
}

static void with_commas(int64_t v, char *buf, size_t n)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%" PRId64, v < 0 ? -v : v);
	size_t len = strlen(tmp), o = 0;
	if (v < 0 && o + 1 < n)
		buf[o++] = '-';
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

static au_cloud_config *load_config(const cloud_opts *o, bool fatal)
{
	au_cloud_config *c = NULL;
	au_err err;
	if (au_cloud_config_load(o->config, &c, &err) < 0) {
		fprintf(stderr, "aiusage: %s%s\n", fatal ? "" : "warning: ", err.msg);
		return NULL;
	}
	return c;
}

static char *config_path(const cloud_opts *o)
{
	return o->config ? xstrdup(o->config) : au_cloud_config_default_path();
}

/* ---- sync ---- */

static int run_sync(cloud_opts *o)
{
	int64_t since = INT64_MIN;
	if (o->since && !au_parse_day(o->since, &since))
		return au_usage_error(o->cmd, "--since '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", o->since);
	au_cloud_config *cfg = load_config(o, true);
	if (!cfg)
		return AU_EXIT_FAIL;
	if (cfg->confs->len == 0) {
		char *p = config_path(o);
		printf("No cloud provider is configured, so nothing was fetched (aiusage makes no network\n"
		       "connection until you add one). Add a [cloud.anthropic], [cloud.openai],\n"
		       "[cloud.openrouter] or [cloud.deepseek] group to %s;\n"
		       "the README's \"Cloud billing\" section shows how.\n",
		       p);
		free(p);
		au_cloud_config_free(cfg);
		return AU_EXIT_OK;
	}
	if (o->provider && !au_cloud_config_get(cfg, o->provider)) {
		char *p = config_path(o);
		fprintf(stderr, "aiusage: cloud: %s is not configured: add [cloud.%s] to %s\n", o->provider, o->provider,
			p);
		free(p);
		au_cloud_config_free(cfg);
		return AU_EXIT_USAGE;
	}
	au_opts so;
	memset(&so, 0, sizeof(so));
	so.db_path = o->db;
	bool writable;
	au_store *s = au_open_store(&so, &writable);
	if (!s || !writable) {
		if (s) {
			fprintf(stderr, "aiusage: cloud sync needs to write the store\n");
			au_store_close(s);
		}
		au_cloud_config_free(cfg);
		return AU_EXIT_FAIL;
	}
	int code = AU_EXIT_OK;
	for (guint i = 0; i < cfg->confs->len; i++) {
		const au_cloud_conf *cc = cfg->confs->pdata[i];
		const char *name = cc->provider->name;
		if (o->provider && strcmp(o->provider, name) != 0)
			continue;
		au_cloud_sync_stats st;
		au_cloud_sync_stats_init(&st);
		au_err err;
		int r = au_cloud_sync(s, cc, now_ms(), since, &st, &err);
		if (r < 0 && r != -EIO) {
			fprintf(stderr, "aiusage: cloud: %s: %s\n", name, err.msg);
			code = AU_EXIT_FAIL;
		} else {
			char a[16], b[16];
			day_str(st.first_day, a, sizeof(a));
			day_str(st.last_day, b, sizeof(b));
			printf("%-10s %" PRId64 " usage row(s), %" PRId64 " cost row(s)%s stored for %s..%s (%d request(s))%s\n",
			       name, st.usage_rows, st.cost_rows, st.balance ? " and the balance" : "", a, b, st.requests,
			       st.errors->len ? "; some endpoints failed" : "");
			for (guint j = 0; j < st.errors->len; j++)
				fprintf(stderr, "aiusage: cloud: %s: %s\n", name, (char *)st.errors->pdata[j]);
			if (r < 0)
				code = AU_EXIT_FAIL;
		}
		for (guint j = 0; j < st.notes->len && !o->quiet; j++)
			fprintf(stderr, "aiusage: cloud: note: %s: %s\n", name, (char *)st.notes->pdata[j]);
		au_cloud_sync_stats_release(&st);
	}
	au_store_close(s);
	au_cloud_config_free(cfg);
	return code;
}

/* ---- check ---- */

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static int run_check(cloud_opts *o)
{
	au_cloud_config *cfg = load_config(o, true);
	if (!cfg)
		return AU_EXIT_FAIL;
	int code = AU_EXIT_OK;
	bool first = true;
	if (o->json)
		printf("{\"providers\":[");
	for (size_t i = 0; i < au_cloud_n_providers; i++) {
		const au_cloud_provider *p = &au_cloud_providers[i];
		if (o->provider && strcmp(o->provider, p->name) != 0)
			continue;
		const au_cloud_conf *cc = au_cloud_config_get(cfg, p->name);
		au_cloud_check_state state = AU_CHECK_NO_KEY;
		char *from = NULL;
		au_err err = {""};
		if (cc) {
			state = au_cloud_check(cc, now_ms(), &from, &err);
			if (state != AU_CHECK_VALID)
				code = AU_EXIT_FAIL;
		}
		const char *word = !cc                         ? "not configured"
				   : state == AU_CHECK_NO_KEY   ? "no key"
				   : state == AU_CHECK_VALID    ? "valid"
				   : state == AU_CHECK_REJECTED ? "rejected"
								: "could not tell";
		if (o->json) {
			printf("%s\n{\"provider\":\"%s\",\"configured\":%s,\"keyFound\":%s,\"keyFrom\":", first ? "" : ",",
			       p->name, cc ? "true" : "false", cc && state != AU_CHECK_NO_KEY ? "true" : "false");
			if (from)
				json_str(from);
			else
				printf("null");
			printf(",\"valid\":%s,\"status\":\"%s\",\"message\":", state == AU_CHECK_VALID && cc ? "true" : "false",
			       word);
			if (cc && state != AU_CHECK_VALID)
				json_str(err.msg);
			else
				printf("null");
			printf("}");
		} else if (!cc) {
			printf("%-10s not configured\n", p->name);
		} else if (state == AU_CHECK_NO_KEY) {
			printf("%-10s no key: %s\n", p->name,
			       g_str_has_prefix(err.msg, "no key: ") ? err.msg + 8 : err.msg);
		} else if (state == AU_CHECK_VALID) {
			printf("%-10s key from %s: valid (%s accepted it at %s)\n", p->name, from, p->title, cc->base_url);
		} else {
			printf("%-10s key from %s: %s: %s\n", p->name, from, word, err.msg);
		}
		first = false;
		free(from);
	}
	if (o->json)
		printf("]}\n");
	else if (cfg->confs->len == 0) {
		char *path = config_path(o);
		printf("\nNo provider is configured in %s; the README's \"Cloud billing\" section\n"
		       "shows how to add one.\n",
		       path);
		free(path);
	}
	au_cloud_config_free(cfg);
	return code;
}

/* ---- report ---- */

typedef struct day_row {
	int64_t day;
	const au_cloud_provider *p;
	/* billed, daily and hourly buckets apart: a day's daily figures win */
	int64_t tok[2][5]; /* [daily, hourly][input, output, cache_read, cache_write, requests] */
	int64_t cost[2];
	int64_t ncost[2];
	bool cloud;
	/* local */
	bool local;
	int64_t ltokens, lcost, lunpriced, lresponses;
} day_row;

typedef struct final_row {
	int64_t in, out, cr, cw, req, tokens;
	bool cost_known;
	int64_t cost;
} final_row;

static final_row billed(const day_row *r)
{
	final_row f = {0};
	int64_t daily = 0;
	for (int k = 0; k < 4; k++)
		daily += r->tok[0][k];
	int t = daily > 0 || r->tok[0][4] > 0 ? 0 : 1;
	f.in = r->tok[t][0];
	f.out = r->tok[t][1];
	f.cr = r->tok[t][2];
	f.cw = r->tok[t][3];
	f.req = r->tok[t][4];
	f.tokens = f.in + f.out + f.cr + f.cw;
	int c = r->ncost[0] > 0 ? 0 : r->ncost[1] > 0 ? 1 : -1;
	if (c >= 0) {
		f.cost_known = true;
		f.cost = r->cost[c];
	}
	return f;
}

static int cmp_rows(const void *a, const void *b)
{
	const day_row *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

static day_row *find_row(GArray *rows, GHashTable *idx, int64_t day, const au_cloud_provider *p)
{
	char k[64];
	snprintf(k, sizeof(k), "%" PRId64 "/%s", day, p->name);
	gpointer v;
	if (g_hash_table_lookup_extended(idx, k, NULL, &v))
		return &g_array_index(rows, day_row, GPOINTER_TO_UINT(v));
	day_row r = {.day = day, .p = p};
	g_array_append_val(rows, r);
	g_hash_table_insert(idx, xstrdup(k), GUINT_TO_POINTER(rows->len - 1));
	return &g_array_index(rows, day_row, rows->len - 1);
}

static const au_cloud_provider *provider_for_source(const char *source)
{
	for (size_t i = 0; i < au_cloud_n_providers; i++)
		if (au_cloud_providers[i].local_source && strcmp(au_cloud_providers[i].local_source, source) == 0)
			return &au_cloud_providers[i];
	return NULL;
}

static void print_rule(const int *w, int n, const char *l, const char *m, const char *r)
{
	fputs(l, stdout);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < w[i] + 2; j++)
			fputs("─", stdout);
		fputs(i + 1 < n ? m : r, stdout);
	}
	putchar('\n');
}

static void print_cells(const int *w, int n, char cells[][40])
{
	fputs("│", stdout);
	for (int i = 0; i < n; i++)
		printf(i < 2 ? " %-*s │" : " %*s │", w[i], cells[i]);
	putchar('\n');
}

static int run_report(cloud_opts *o)
{
	int64_t since = INT64_MIN, until = INT64_MAX;
	if (o->since && !au_parse_day(o->since, &since))
		return au_usage_error(o->cmd, "--since '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", o->since);
	if (o->until && !au_parse_day(o->until, &until))
		return au_usage_error(o->cmd, "--until '%s' is not a date (YYYY-MM-DD or YYYYMMDD)", o->until);
	if (since != INT64_MIN && until != INT64_MAX && since > until) {
		fprintf(stderr, "aiusage: --since is after --until\n");
		return AU_EXIT_USAGE;
	}
	/* The report needs no network; a refused config only loses the list
	 * of configured providers, so it is a warning here. */
	au_cloud_config *cfg = load_config(o, false);

	au_opts so;
	memset(&so, 0, sizeof(so));
	so.db_path = o->db;
	so.no_scan = o->no_scan;
	so.quiet = o->quiet;
	int code = AU_EXIT_FAIL;
	bool writable;
	au_pricing *pr = au_load_pricing(&so);
	au_store *s = pr ? au_open_store(&so, &writable) : NULL;
	if (!s)
		goto out;
	code = AU_EXIT_OK;
	au_scan_stats scan;
	if (!au_run_scan(s, pr, &so, &scan, writable))
		code = AU_EXIT_FAIL;
	au_print_scan_warnings(&scan, &so);
	au_scan_stats_release(&scan);

	sqlite3 *db = au_store_db(s);
	sqlite3_stmt *st;
	if (until == INT64_MAX)
		until = now_ms() / AU_CLOUD_DAY_MS;
	if (since == INT64_MIN) {
		/* from the first day any billing data was stored for */
		since = until;
		if (sqlite3_prepare_v2(db,
				       "SELECT min(bucket_start) FROM cloud_usage WHERE ?1 IS NULL OR provider = ?1",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, o->provider, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
				int64_t first = sqlite3_column_int64(st, 0) / AU_CLOUD_DAY_MS;
				since = first < since ? first : since;
			}
			sqlite3_finalize(st);
		}
	}
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(day_row));
	GHashTable *idx = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	bool seen[16] = {false}; /* providers with billing data in range */

	/* billed: one line per provider, day and bucket width */
	if (sqlite3_prepare_v2(db,
			       "SELECT provider, bucket_start / 86400000, bucket_secs = 3600, sum(input), sum(output),"
			       " sum(cache_read), sum(cache_write), sum(requests), sum(cost), count(cost)"
			       " FROM cloud_usage WHERE bucket_start >= ?1 AND bucket_start < ?2"
			       " GROUP BY 1, 2, 3",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "aiusage: reading cloud usage: %s\n", sqlite3_errmsg(db));
		code = AU_EXIT_FAIL;
	} else {
		sqlite3_bind_int64(st, 1, since * AU_CLOUD_DAY_MS);
		sqlite3_bind_int64(st, 2, (until + 1) * AU_CLOUD_DAY_MS);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const au_cloud_provider *p = au_cloud_provider_by_name((const char *)sqlite3_column_text(st, 0));
			if (!p || (o->provider && strcmp(o->provider, p->name) != 0))
				continue;
			seen[p - au_cloud_providers] = true;
			day_row *r = find_row(rows, idx, sqlite3_column_int64(st, 1), p);
			int h = sqlite3_column_int(st, 2);
			for (int k = 0; k < 5; k++)
				r->tok[h][k] = sqlite3_column_int64(st, 3 + k);
			r->cost[h] = sqlite3_column_int64(st, 8);
			r->ncost[h] = sqlite3_column_int64(st, 9);
			r->cloud = true;
		}
		sqlite3_finalize(st);
	}
	/* local: the store's 15-minute aggregate of the usage table, by UTC day */
	if (sqlite3_prepare_v2(db,
			       "SELECT bucket / 96, source, sum(input + cc5m + cc1h + cache_read + output), sum(cost),"
			       " sum(unpriced), sum(n) FROM agg WHERE bucket >= ?1 AND bucket < ?2 GROUP BY 1, 2",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, since * 96);
		sqlite3_bind_int64(st, 2, (until + 1) * 96);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const au_cloud_provider *p = provider_for_source((const char *)sqlite3_column_text(st, 1));
			if (!p || (o->provider && strcmp(o->provider, p->name) != 0))
				continue;
			/* only providers the user bills through: configured, or with data */
			if (!seen[p - au_cloud_providers] && !(cfg && au_cloud_config_get(cfg, p->name)))
				continue;
			day_row *r = find_row(rows, idx, sqlite3_column_int64(st, 0), p);
			r->local = true;
			r->ltokens = sqlite3_column_int64(st, 2);
			r->lcost = sqlite3_column_int64(st, 3);
			r->lunpriced = sqlite3_column_int64(st, 4);
			r->lresponses = sqlite3_column_int64(st, 5);
		}
		sqlite3_finalize(st);
	}
	g_array_sort(rows, cmp_rows);

	int64_t tb = 0, tl = 0, tg = 0, unpriced = 0;
	bool any_billed = false;
	if (o->json)
		printf("{\"cloud\":[");
	else if (o->csv)
		printf("date,provider,billed_input,billed_output,billed_cache_read,billed_cache_write,billed_requests,"
		       "billed_tokens,billed_cost_usd,local_tokens,local_cost_usd,gap_usd\n");
	int w[7] = {10, 8, 13, 11, 12, 10, 8};
	static const char *const heads[7] = {"Date", "Provider", "Billed Tokens", "Billed Cost", "Local Tokens",
					     "Local Cost", "Gap"};
	typedef char cell_row[7][40];
	cell_row *cells = g_new0(cell_row, rows->len + 1);
	for (guint i = 0; i < rows->len; i++) {
		const day_row *r = &g_array_index(rows, day_row, i);
		final_row f = billed(r);
		char date[16], c1[48], c2[48], c3[48];
		day_str(r->day, date, sizeof(date));
		int64_t gap = f.cost - r->lcost;
		tl += r->lcost;
		unpriced += r->lunpriced;
		if (f.cost_known) {
			tb += f.cost;
			tg += gap;
			any_billed = true;
		}
		if (o->json) {
			printf("%s\n{\"date\":\"%s\",\"provider\":\"%s\",\"billed\":{\"inputTokens\":%" PRId64
			       ",\"outputTokens\":%" PRId64 ",\"cacheReadTokens\":%" PRId64 ",\"cacheWriteTokens\":%" PRId64
			       ",\"requests\":%" PRId64 ",\"totalTokens\":%" PRId64 ",\"cost\":",
			       i ? "," : "", date, r->p->name, f.in, f.out, f.cr, f.cw, f.req, f.tokens);
			exact_usd(f.cost, c1, sizeof(c1));
			exact_usd(r->lcost, c2, sizeof(c2));
			exact_usd(gap, c3, sizeof(c3));
			printf("%s},\"local\":{\"totalTokens\":%" PRId64 ",\"cost\":%s,\"responses\":%" PRId64
			       ",\"unpricedResponses\":%" PRId64 "},\"gap\":%s}",
			       f.cost_known ? c1 : "null", r->ltokens, c2, r->lresponses, r->lunpriced,
			       f.cost_known ? c3 : "null");
		} else if (o->csv) {
			exact_usd(f.cost, c1, sizeof(c1));
			exact_usd(r->lcost, c2, sizeof(c2));
			exact_usd(gap, c3, sizeof(c3));
			printf("%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%" PRId64
			       ",%s,%s\n",
			       date, r->p->name, f.in, f.out, f.cr, f.cw, f.req, f.tokens, f.cost_known ? c1 : "",
			       r->ltokens, c2, f.cost_known ? c3 : "");
		} else {
			char(*c)[40] = cells[i];
			snprintf(c[0], 40, "%s", date);
			snprintf(c[1], 40, "%s", r->p->name);
			if (f.tokens > 0)
				with_commas(f.tokens, c[2], 40);
			else
				snprintf(c[2], 40, "—");
			if (f.cost_known)
				money(f.cost, c[3], 40);
			else
				snprintf(c[3], 40, "—");
			if (r->p->local_source)
				with_commas(r->ltokens, c[4], 40);
			else
				snprintf(c[4], 40, "—");
			if (r->p->local_source)
				money(r->lcost, c[5], 40);
			else
				snprintf(c[5], 40, "—");
			if (f.cost_known && r->p->local_source)
				money(gap, c[6], 40);
			else
				snprintf(c[6], 40, "—");
			if (r->lunpriced)
				g_strlcat(c[5], "*", 40);
		}
	}
	if (o->json) {
		char a[48], b[48], c[48];
		exact_usd(tb, a, sizeof(a));
		exact_usd(tl, b, sizeof(b));
		exact_usd(tg, c, sizeof(c));
		printf("],\n\"totals\":{\"billedCost\":%s,\"localCost\":%s,\"gap\":%s},\n\"balances\":[", any_billed ? a : "null",
		       b, any_billed ? c : "null");
	} else if (!o->csv && rows->len == 0) {
		char a[16], b[16];
		day_str(since, a, sizeof(a));
		day_str(until, b, sizeof(b));
		printf("No billing data stored for %s..%s. 'aiusage cloud sync' fetches it from each\n"
		       "configured provider; 'aiusage cloud check' tells whether its key works.\n",
		       a, b);
	} else if (!o->csv) {
		char(*c)[40] = cells[rows->len];
		snprintf(c[0], 40, "Total");
		snprintf(c[2], 40, "%s", "");
		if (any_billed)
			money(tb, c[3], 40);
		money(tl, c[5], 40);
		if (any_billed)
			money(tg, c[6], 40);
		for (guint i = 0; i <= rows->len; i++)
			for (int k = 0; k < 7; k++) {
				int len = (int)g_utf8_strlen(cells[i][k], -1);
				if (len > w[k])
					w[k] = len;
			}
		print_rule(w, 7, "┌", "┬", "┐");
		char hc[7][40];
		for (int k = 0; k < 7; k++)
			snprintf(hc[k], 40, "%s", heads[k]);
		print_cells(w, 7, hc);
		print_rule(w, 7, "├", "┼", "┤");
		for (guint i = 0; i < rows->len; i++)
			print_cells(w, 7, cells[i]);
		print_rule(w, 7, "├", "┼", "┤");
		print_cells(w, 7, cells[rows->len]);
		print_rule(w, 7, "└", "┴", "┘");
		printf("Billed: what the provider's API reported at the last sync (UTC days; the latest\n"
		       "days may still settle). Local: this machine's logs, priced with the embedded table.\n"
		       "Gap: billed - local, usage the logs here do not explain (other machines, other apps).\n");
		if (unpriced)
			printf("* includes %" PRId64 " response(s) of a model with no known price (counted as $0 here)\n",
			       unpriced);
	}
	g_free(cells);

	/* balances */
	if (!o->csv && sqlite3_prepare_v2(db,
					  "SELECT provider, fetched_at, balance, used, limit_amount FROM cloud_balance"
					  " WHERE ?1 IS NULL OR provider = ?1 ORDER BY provider",
					  -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, o->provider, -1, SQLITE_STATIC);
		int n = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(st, 0);
			char when[40], v[3][48];
			time_str(sqlite3_column_int64(st, 1), when, sizeof(when), o->json);
			bool has[3];
			for (int k = 0; k < 3; k++) {
				has[k] = sqlite3_column_type(st, 2 + k) != SQLITE_NULL;
				if (o->json)
					exact_usd(sqlite3_column_int64(st, 2 + k), v[k], sizeof(v[k]));
				else
					money(sqlite3_column_int64(st, 2 + k), v[k], sizeof(v[k]));
			}
			if (o->json) {
				printf("%s\n{\"provider\":\"%s\",\"fetchedAt\":\"%s\",\"balance\":%s,\"used\":%s,\"limit\":%s}",
				       n ? "," : "", name, when, has[0] ? v[0] : "null", has[1] ? v[1] : "null",
				       has[2] ? v[2] : "null");
			} else {
				if (n == 0)
					printf("\nBalances:\n");
				printf("  %-10s", name);
				if (has[0])
					printf("  balance %s", v[0]);
				if (has[1])
					printf("  used %s", v[1]);
				if (has[2])
					printf("  limit %s", v[2]);
				printf("  (as of %s)\n", when);
			}
			n++;
		}
		sqlite3_finalize(st);
	}
	if (o->json)
		printf("]}\n");
	g_hash_table_destroy(idx);
	g_array_free(rows, TRUE);
out:
	if (s)
		au_store_close(s);
	if (pr)
		au_pricing_free(pr);
	au_cloud_config_free(cfg);
	return code;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	cloud_opts o;
	int code;
	if (!parse_args(cmd, argc, argv, &o, &code)) {
		opts_release(&o);
		return code;
	}
	if (strcmp(o.sub, "sync") == 0)
		code = run_sync(&o);
	else if (strcmp(o.sub, "check") == 0)
		code = run_check(&o);
	else
		code = run_report(&o);
	opts_release(&o);
	return code;
}

static const au_option opt_provider = {"provider", 0, "NAME",
				       "only this provider (anthropic, openai, openrouter, deepseek)",
				       AU_OWN(OPT_PROVIDER)};

static const au_cmd_opt report_opts[] = {
	AU_OH(AU_O_SINCE, "first UTC day (default: the first synced day)"),
	AU_OH(AU_O_UNTIL, "last UTC day"),
	AU_OWN_OPT(opt_provider),
	AU_OH(AU_O_JSON, "JSON (amounts are exact decimal dollars)"),
	AU_O(AU_O_CSV),
	AU_O(AU_O_CONFIG),
	AU_OH(AU_O_NO_SCAN, "the local estimate from the store as it is, without reading logs"),
	AU_O(AU_O_DB),
	AU_OH(AU_O_QUIET, "no notes on stderr"),
	AU_OPTS_END,
};

static const au_cmd_opt sync_opts[] = {
	AU_OH(AU_O_SINCE, "first UTC day to fetch (default: two days before the last sync)"),
	AU_OWN_OPT(opt_provider),
	AU_O(AU_O_CONFIG),
	AU_O(AU_O_DB),
	AU_OH(AU_O_QUIET, "no notes on stderr"),
	AU_OPTS_END,
};

static const au_cmd_opt check_opts[] = {
	AU_OWN_OPT(opt_provider),
	AU_O(AU_O_JSON),
	AU_O(AU_O_CONFIG),
	AU_OPTS_END,
};

static const au_cmd report_cmd = {
	.name = "report",
	.parent = "cloud",
	.summary = "per UTC day and provider: billed cost and tokens beside the local estimate",
	.description = "Per UTC day and provider: the billed cost and tokens the provider's API\n"
		       "reported at the last sync, the cost estimated from this machine's logs, and\n"
		       "the gap (billed - local); then each provider's balance. Reads the store only.\n",
	.options = report_opts,
	.examples = "aiusage cloud --since 2026-11-01\naiusage cloud report --csv --provider openai\n",
	.run = run,
};

static const au_cmd sync_cmd = {
	.name = "sync",
	.parent = "cloud",
	.summary = "poll every configured provider once and store what it says",
	.description = "Polls every configured provider once and stores what it says (re-polling\n"
		       "overwrites, never adds); one failing provider does not stop the others.\n",
	.options = sync_opts,
	.examples = "aiusage cloud sync\naiusage cloud sync --provider anthropic --since 2026-11-01\n",
	.run = run,
};

static const au_cmd check_cmd = {
	.name = "check",
	.parent = "cloud",
	.summary = "per provider: configured? key found? accepted? (never printed)",
	.description = "Per provider: is it configured, is a key found, does the provider accept it.\n"
		       "The key is never printed.\n",
	.options = check_opts,
	.examples = "aiusage cloud check\n",
	.run = run,
};

static const au_cmd *const subcommands[] = {&report_cmd, &sync_cmd, &check_cmd, NULL};

const au_cmd au_cmd_cloud_entry = {
	.name = "cloud",
	.summary = "billed cost from the providers' APIs beside the local estimate",
	.description = "Providers are set up in [cloud.NAME] groups of the config file (anthropic,\n"
		       "openai, openrouter, deepseek): base_url, key_env, key_command, key (only in\n"
		       "a file of mode 0600), interval, timeout, retries, days. No network connection\n"
		       "is made for a provider that is not configured.\n",
	.examples = "aiusage cloud sync && aiusage cloud --since 2026-11-01\n",
	.subcommands = subcommands,
	.default_sub = &report_cmd,
};
