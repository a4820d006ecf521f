/*
 * Builds a report from the agg table: each aggregate row (15 minutes x
 * source x model x project x session) is placed in its local period or
 * group, per-model sub-rows are kept for --breakdown and the JSON
 * modelBreakdowns, and totals are summed in integers.
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model_id.h"
#include "queries.h"

const char *au_group_name(au_group g)
{
	static const char *const n[] = {"daily", "weekly", "monthly", "sessions", "projects", "models"};
	return n[g];
}

const char *au_group_keyname(au_group g)
{
	static const char *const n[] = {"date", "week", "month", "sessionId", "project", "model"};
	return n[g];
}

bool au_project_matches(const char *filter, const char *cwd, const char *label)
{
	if (!filter)
		return true;
	/* "webshop/" and "/src/webshop/" name the same project as without the slash */
	size_t n = strlen(filter);
	while (n > 1 && filter[n - 1] == '/')
		n--;
	if ((strlen(label) == n && strncmp(filter, label, n) == 0) || (strlen(cwd) == n && strncmp(filter, cwd, n) == 0))
		return true;
	return n > 1 && filter[0] == '/' && strncmp(cwd, filter, n) == 0 && cwd[n] == '/';
}

char *au_project_label(const char *cwd, bool full)
{
	if (!cwd || !*cwd)
		return xstrdup("(unknown)");
	if (full || cwd[0] != '/')
		return xstrdup(cwd);
	/* Walk up to the repository root, if any; the directory may be gone. */
	char *dir = xstrdup(cwd);
	for (;;) {
		char *git = xasprintf("%s/.git", dir);
		struct stat sb;
		bool found = stat(git, &sb) == 0;
		free(git);
		if (found)
			break;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			free(dir);
			dir = xstrdup(cwd);
			break;
		}
		*slash = '\0';
	}
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	const char *base = strrchr(dir, '/');
	char *label = xstrdup(base && base[1] ? base + 1 : dir);
	free(dir);
	return label;
}

static void totals_add(au_totals *a, const au_totals *b)
{
	au_tokens_add(&a->tok, &b->tok);
	a->cost += b->cost;
	a->responses += b->responses;
	a->unpriced += b->unpriced;
	a->tool_cost += b->tool_cost;
	a->tool_costed += b->tool_costed;
}

static void row_free(au_row *r)
{
	free(r->key);
	free(r->project);
	free(r->path);
	free(r->who);
	if (r->models)
		g_ptr_array_free(r->models, TRUE);
	free(r);
}

static void model_row_free(au_model_row *m)
{
	free(m->model);
	free(m);
}

void au_report_free(au_report *r)
{
	if (!r)
		return;
	g_ptr_array_free(r->rows, TRUE);
	g_ptr_array_free(r->unpriced_models, TRUE);
	free(r);
}

/* Local day number of a UTC instant in tz. Rows arrive in bucket order, so
 * one cached bucket saves nearly every time-zone lookup. */
typedef struct tz_cache {
	GTimeZone *tz;
	int64_t bucket; /* INT64_MIN: nothing cached */
	int64_t day;
} tz_cache;

static int64_t local_day(tz_cache *c, int64_t utc_ms)
{
	int64_t bucket = au_floor_div(utc_ms, AU_BUCKET_MS);
	if (bucket != c->bucket) {
		int64_t secs = au_floor_div(utc_ms, 1000);
		int interval = g_time_zone_find_interval(c->tz, G_TIME_TYPE_UNIVERSAL, secs);
		int32_t offset = interval >= 0 ? g_time_zone_get_offset(c->tz, interval) : 0;
		c->bucket = bucket;
		c->day = au_floor_div(secs + offset, 86400);
	}
	return c->day;
}

static char *period_key(const au_report_opts *o, int64_t day)
{
	int y;
	unsigned m, d;
	if (o->group == AU_GROUP_WEEK) {
		int64_t weekday = ((day + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		day -= ((weekday - o->week_start) % 7 + 7) % 7;
	}
	au_civil_from_days(day, &y, &m, &d);
	bool month = o->group == AU_GROUP_MONTH;
	if (y < 0 || y > 9999)
		return month ? xasprintf("%04d-%02u", y, m) : xasprintf("%04d-%02u-%02u", y, m, d);
	/* one key per stored row: printf's parsing was a tenth of a warm run */
	char *k = xmalloc(11);
	k[0] = (char)('0' + y / 1000);
	k[1] = (char)('0' + y / 100 % 10);
	k[2] = (char)('0' + y / 10 % 10);
	k[3] = (char)('0' + y % 10);
	k[4] = '-';
	k[5] = (char)('0' + m / 10);
	k[6] = (char)('0' + m % 10);
	k[7] = '-';
	k[8] = (char)('0' + d / 10);
	k[9] = (char)('0' + d % 10);
	k[month ? 7 : 10] = '\0';
	return k;
}


static au_model_row *row_model(au_row *r, const char *model)
{
	for (guint i = 0; i < r->models->len; i++) {
		au_model_row *m = r->models->pdata[i];
		if (strcmp(m->model, model) == 0)
			return m;
	}
	au_model_row *m = xcalloc(1, sizeof(*m));
	m->model = xstrdup(model);
	g_ptr_array_add(r->models, m);
	return m;
}

static int cmp_model_rows(gconstpointer a, gconstpointer b)
{
	const au_model_row *x = *(au_model_row *const *)a, *y = *(au_model_row *const *)b;
	if (x->t.cost != y->t.cost)
		return x->t.cost > y->t.cost ? -1 : 1;
	return strcmp(x->model, y->model);
}

static int cmp_str_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The row order depends on the report's options, handed to the comparator
 * as the sort's user data (no globals: reports may be built on several
 * threads at once). */
static int cmp_rows(gconstpointer a, gconstpointer b, gpointer ud)
{
	const au_report_opts *o = ud;
	const au_row *x = *(au_row *const *)a, *y = *(au_row *const *)b;
	int c;
	switch (o->group) {
	case AU_GROUP_SESSION:
		c = x->last_ts < y->last_ts ? -1 : x->last_ts > y->last_ts;
		break;
	case AU_GROUP_PROJECT:
	case AU_GROUP_MODEL:
		/* biggest spender first unless asked otherwise */
		c = x->t.cost < y->t.cost ? 1 : x->t.cost > y->t.cost ? -1 : 0;
		break;
	default:
		c = 0;
	}
	if (c == 0)
		c = strcmp(x->key, y->key);
	/* --by: a period's (or group's) users or machines by name */
	if (c == 0 && x->who && y->who)
		c = strcmp(x->who, y->who);
	return o->order_desc ? -c : c;
}

static int store_agg_next(void *ctx, au_agg_row *ret_row, au_err *err)
{
	return au_store_agg_next(ctx, ret_row, err);
}

/* Reading agg_hour's rows: each must lie in one local day, which holds in
 * every zone whose offset is whole hours and changes on the hour. */
typedef struct hour_reader {
	au_store_iter *it;
	GTimeZone *tz;
	bool straddles; /* a local day began inside an hour: use agg */
} hour_reader;

static int hour_agg_next(void *ctx, au_agg_row *ret_row, au_err *err)
{
	hour_reader *h = ctx;
	int rc = au_store_agg_next(h->it, ret_row, err);
	if (rc <= 0)
		return rc;
	int64_t secs = au_floor_div(ret_row->first_ts, 1000);
	int at = g_time_zone_find_interval(h->tz, G_TIME_TYPE_UNIVERSAL, secs);
	int32_t offset = at >= 0 ? g_time_zone_get_offset(h->tz, at) : 0;
	if (offset % 3600 != 0 || g_time_zone_find_interval(h->tz, G_TIME_TYPE_UNIVERSAL, secs + 3599) != at) {
		h->straddles = true;
		return au_fail(err, EAGAIN, "a local day begins inside an hour");
	}
	return rc;
}

int au_report_build(au_store *s, const au_report_opts *o, au_report **ret, au_err *err)
{
	const char *source = o->source != AU_SRC_NONE ? au_source_name(o->source) : NULL;
	au_store_iter *it;
	int rc;
	/* Days, weeks and months need neither the project, the session nor
	 * the first and last times: the hourly sums hold them in a fifth of
	 * the rows (a warm daily report over 10 GiB: 17 ms to 4 ms) unless
	 * the zone starts a day inside an hour (India, Nepal, Newfoundland,
	 * parts of Australia), and then agg does. */
	bool by_period = o->group == AU_GROUP_DAY || o->group == AU_GROUP_WEEK || o->group == AU_GROUP_MONTH;
	if (by_period && !o->project && !o->by && o->tz) {
		hour_reader h = {.tz = o->tz};
		if ((rc = au_store_agg_hour_iter(s, source, &h.it, err)) < 0)
			return rc;
		rc = au_report_build_from(hour_agg_next, &h, o, ret, err);
		au_store_iter_free(h.it);
		if (!h.straddles)
			return rc;
	}
	if ((rc = au_store_agg_iter(s, source, &it, err)) < 0)
		return rc;
	rc = au_report_build_from(store_agg_next, it, o, ret, err);
	au_store_iter_free(it);
	return rc;
}

int au_report_build_from(au_agg_next_fn next, void *ctx, const au_report_opts *o, au_report **ret, au_err *err)
{
	int rc;
	au_report *r = xcalloc(1, sizeof(*r));
	r->group = o->group;
	r->by = o->by;
	r->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	r->unpriced_models = g_ptr_array_new_with_free_func(free);
	/* with --by the table's keys are "who\x1ekey", its own strings */
	GHashTable *by_key = g_hash_table_new_full(g_str_hash, g_str_equal, o->by ? g_free : NULL, NULL);
	GHashTable *labels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free);
	bool need_labels = o->project || o->group == AU_GROUP_SESSION || o->group == AU_GROUP_PROJECT;
	GHashTable *unpriced = g_hash_table_new(g_str_hash, g_str_equal);
	tz_cache tzc = {.tz = o->tz, .bucket = INT64_MIN};
	/* Rows and sub-rows group by the model's one id, however each tool
	 * spells it; the price of each stored row stays its own. */
	au_model_ids *ids = au_model_ids_new();
	au_agg_row a;

	while ((rc = next(ctx, &a, err)) > 0) {
		const char *source = a.source, *cwd = a.project, *session = a.session;
		const char *model = au_model_ids_get(ids, a.model);
		int64_t day = local_day(&tzc, a.bucket * AU_BUCKET_MS);
		if (day < o->since_day || day > o->until_day)
			continue;
		/* A label walks the directory tree looking for .git: only when
		 * a project filter or a per-session/project report needs one. */
		const char *label = NULL;
		if (need_labels) {
			label = g_hash_table_lookup(labels, cwd);
			if (!label) {
				char *l = au_project_label(cwd, o->full_path);
				g_hash_table_insert(labels, g_strdup(cwd), l);
				label = l;
			}
		}
		if (o->project && !au_project_matches(o->project, cwd, label))
			continue;

		au_totals t = {
			.responses = a.n,
			.tok = a.tok,
			.cost = a.cost,
			.unpriced = a.unpriced,
			.tool_cost = a.tool_cost,
			.tool_costed = a.tool_costed,
		};
		int64_t first = a.first_ts, last = a.last_ts;

		char *key;
		switch (o->group) {
		case AU_GROUP_SESSION:
			key = xasprintf("%s\x1f%s", source, session);
			break;
		case AU_GROUP_PROJECT:
			key = xstrdup(label);
			break;
		case AU_GROUP_MODEL:
			key = xstrdup(model);
			break;
		default:
			key = period_key(o, day);
		}
		const char *who = o->by ? (a.who ? a.who : "") : NULL;
		char *hkey = who ? g_strdup_printf("%s\x1e%s", who, key) : key;
		au_row *row = g_hash_table_lookup(by_key, hkey);
		if (!row) {
			row = xcalloc(1, sizeof(*row));
			row->key = key;
			row->who = who ? xstrdup(who) : NULL;
			row->models = g_ptr_array_new_with_free_func((GDestroyNotify)model_row_free);
			row->first_ts = first;
			row->last_ts = last;
			if (o->group == AU_GROUP_SESSION) {
				row->project = xstrdup(label);
				row->path = xstrdup(cwd);
			} else if (o->group == AU_GROUP_PROJECT) {
				row->path = xstrdup(cwd);
			}
			g_ptr_array_add(r->rows, row);
			g_hash_table_insert(by_key, hkey, row);
		} else {
			if (hkey != key)
				g_free(hkey);
			free(key);
		}
		au_source src = au_source_by_name(source);
		row->sources |= 1u << src;
		if (first < row->first_ts)
			row->first_ts = first;
		if (last > row->last_ts) {
			row->last_ts = last;
			if (o->group == AU_GROUP_SESSION || o->group == AU_GROUP_PROJECT) {
				free(row->path);
				row->path = xstrdup(cwd);
			}
		}
		totals_add(&row->t, &t);
		au_model_row *m = row_model(row, model);
		m->sources |= 1u << src;
		totals_add(&m->t, &t);
		totals_add(&r->total, &t);
		/* the unpriced list names the model as stored: what a --pricing
		 * file would have to match */
		if (t.unpriced && !g_hash_table_contains(unpriced, a.model)) {
			char *name = xstrdup(a.model);
			g_hash_table_add(unpriced, name);
			g_ptr_array_add(r->unpriced_models, name);
		}
	}
	int res = 0;
	if (rc < 0) {
		res = rc;
		au_report_free(r);
		r = NULL;
	} else {
		/* the session key was made unique per source; show the id alone */
		for (guint i = 0; i < r->rows->len; i++) {
			au_row *row = r->rows->pdata[i];
			g_ptr_array_sort(row->models, cmp_model_rows);
			if (o->group == AU_GROUP_SESSION) {
				tz_cache one = {.tz = o->tz, .bucket = INT64_MIN};
				row->last_day = local_day(&one, row->last_ts);
				char *sep = strchr(row->key, '\x1f');
				if (sep)
					memmove(row->key, sep + 1, strlen(sep + 1) + 1);
			}
		}
		g_ptr_array_sort_with_data(r->rows, cmp_rows, (gpointer)o);
		g_ptr_array_sort(r->unpriced_models, cmp_str_ptr);
	}
	au_model_ids_free(ids);
	g_hash_table_destroy(by_key);
	g_hash_table_destroy(labels);
	g_hash_table_destroy(unpriced);
	*ret = r;
	return res;
}

bool au_report_has_tool_cost(const au_report *r)
{
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		if (row->t.tool_costed)
			return true;
	}
	return false;
}

bool au_report_tool_cost_differs(const au_report *r)
{
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		if (row->t.tool_costed && row->t.tool_cost != row->t.cost)
			return true;
		for (guint j = 0; j < row->models->len; j++) {
			const au_model_row *m = row->models->pdata[j];
			if (m->t.tool_costed && m->t.tool_cost != m->t.cost)
				return true;
		}
	}
	return false;
}

static const char *provider_of(au_source src)
{
	return src == AU_SRC_CLAUDE ? "anthropic" : src == AU_SRC_CODEX ? "openai" : NULL;
}

int au_report_add_billed(au_store *s, au_report *r, const au_report_opts *o, au_err *err)
{
	r->with_cloud = true;
	if (o->project || (o->group != AU_GROUP_DAY && o->group != AU_GROUP_WEEK && o->group != AU_GROUP_MONTH))
		return 0;
	if (o->source != AU_SRC_NONE && !provider_of(o->source))
		return 0;
	au_store_iter *it;
	int rc = au_store_billed_day_iter(s, o->source != AU_SRC_NONE ? provider_of(o->source) : NULL, &it, err);
	if (rc < 0)
		return rc;
	GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < r->rows->len; i++) {
		au_row *row = r->rows->pdata[i];
		g_hash_table_insert(by_key, row->key, row);
	}
	tz_cache tzc = {.tz = o->tz, .bucket = INT64_MIN};
	bool added = false;
	au_billed_day bd;
	while ((rc = au_store_billed_day_next(it, &bd, err)) > 0) {
		int64_t day = local_day(&tzc, bd.day * 86400000 + 43200000);
		if (day < o->since_day || day > o->until_day)
			continue;
		char *key = period_key(o, day);
		au_row *row = g_hash_table_lookup(by_key, key);
		if (!row) {
			/* billed with no local usage: a row of its own */
			row = xcalloc(1, sizeof(*row));
			row->key = key;
			row->models = g_ptr_array_new_with_free_func((GDestroyNotify)model_row_free);
			g_ptr_array_add(r->rows, row);
			g_hash_table_insert(by_key, row->key, row);
			added = true;
		} else {
			free(key);
		}
		int64_t cost = bd.cost;
		row->has_billed = r->has_billed = true;
		row->billed += cost;
		r->billed += cost;
	}
	int res = rc < 0 ? rc : 0;
	au_store_iter_free(it);
	g_hash_table_destroy(by_key);
	if (added) {
		g_ptr_array_sort_with_data(r->rows, cmp_rows, (gpointer)o);
	}
	return res;
}
