/*
 * Reports over the team server: the server sums the rows per 15-minute
 * bucket, tool, model, project and session (the local store's aggregate,
 * so reports/ groups them exactly as it groups the local one), filtered by
 * user, machine, tool and a UTC span around the asked days; only the sums
 * cross the network.
 */
#include "team.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "insights.h"
#include "team_internal.h"

#define DAY_MS INT64_C(86400000)
/* no zone is more than 14 h from UTC: a day's rows lie within this of it */
#define ZONE_SLACK_MS (15 * INT64_C(3600000))

typedef struct walk {
	PGresult *res;
	int row, n;
} walk;

static int64_t num(const PGresult *res, int r, int c)
{
	return PQgetisnull(res, r, c) ? 0 : strtoll(PQgetvalue(res, r, c), NULL, 10);
}

/* The six token columns, in the order the server's queries select them
 * (input, 5-minute and 1-hour writes, reads, output, reasoning), from c. */
static au_tokens tokens_at(const PGresult *res, int r, int c)
{
	return (au_tokens){.input = num(res, r, c),
			   .cache_create_5m = num(res, r, c + 1),
			   .cache_create_1h = num(res, r, c + 2),
			   .cache_read = num(res, r, c + 3),
			   .output = num(res, r, c + 4),
			   .reasoning = num(res, r, c + 5)};
}

static int walk_next(void *ctx, au_agg_row *a, au_err *err)
{
	walk *w = ctx;
	if (w->row >= w->n)
		return 0;
	PGresult *res = w->res;
	int i = w->row++;
	*a = (au_agg_row){
		.bucket = num(res, i, 0),
		.source = PQgetvalue(res, i, 1),
		.model = PQgetvalue(res, i, 2),
		.project = PQgetvalue(res, i, 3),
		.session = PQgetvalue(res, i, 4),
		.n = num(res, i, 5),
		.tok = tokens_at(res, i, 6),
		.cost = num(res, i, 12),
		.unpriced = num(res, i, 13),
		.first_ts = num(res, i, 14),
		.last_ts = num(res, i, 15),
		.tool_cost = num(res, i, 16),
		.tool_costed = num(res, i, 17),
		.who = PQgetisnull(res, i, 18) ? NULL : PQgetvalue(res, i, 18),
	};
	return 1;
}

static const char *by_name(au_team_by by)
{
	return by == AU_TEAM_BY_USER ? "user" : by == AU_TEAM_BY_MACHINE ? "machine" : NULL;
}

int au_team_report_build(au_team *t, const au_team_filter *f, const au_report_opts *o, au_report **ret,
			 au_err *err)
{
	*ret = NULL;
	char from[32], until[32];
	int64_t lo = o->since_day == INT64_MIN ? INT64_MIN : o->since_day * DAY_MS - ZONE_SLACK_MS;
	int64_t hi = o->until_day == INT64_MAX ? INT64_MAX : (o->until_day + 1) * DAY_MS + ZONE_SLACK_MS;
	snprintf(from, sizeof(from), "%" PRId64, lo);
	snprintf(until, sizeof(until), "%" PRId64, hi);
	const char *params[] = {f->user, f->machine, o->source != AU_SRC_NONE ? au_source_name(o->source) : NULL,
				from, until, by_name(f->by)};
	int r;
	/* ts is never negative: integer division is the floor, as locally */
	PGresult *res = au_team_query(
		t,
		"SELECT u.ts / 900000, u.source, u.model, u.project, u.session, count(*),"
		" sum(u.input)::bigint, sum(u.cc5m)::bigint, sum(u.cc1h)::bigint, sum(u.cache_read)::bigint,"
		" sum(u.output)::bigint, sum(u.reasoning)::bigint, coalesce(sum(u.cost), 0)::bigint,"
		" count(*) - count(u.cost), min(u.ts), max(u.ts), coalesce(sum(u.tool_cost), 0)::bigint,"
		" count(u.tool_cost),"
		" CASE $6::text WHEN 'user' THEN m.username WHEN 'machine' THEN m.machine END"
		" FROM usage u JOIN machines m ON m.machine_id = u.machine_id"
		" WHERE ($1::text IS NULL OR m.username = $1) AND ($2::text IS NULL OR m.machine = $2)"
		" AND ($3::text IS NULL OR u.source = $3) AND u.ts >= $4::bigint AND u.ts < $5::bigint"
		" GROUP BY 1, 2, 3, 4, 5, 19 ORDER BY 1",
		6, params, err, "reading the report", &r);
	if (!res)
		return r;
	walk w = {res, 0, PQntuples(res)};
	au_report_opts ob = *o;
	ob.by = by_name(f->by);
	r = au_report_build_from(walk_next, &w, &ob, ret, err);
	PQclear(res);
	return r;
}

/* ---- the same locally, over a store that imported other machines ---- */

typedef struct owner {
	char *machine, *user;
} owner;

static void owner_free(owner *w)
{
	free(w->machine);
	free(w->user);
	free(w);
}

typedef struct local_walk {
	au_store_iter *it;
	au_store *s;
	const au_team_section *c;
	const au_team_filter *f;
	GHashTable *owners; /* machine id ("" for this machine) -> owner* */
} local_walk;

static const owner *owner_of(local_walk *w, const char *id)
{
	owner *o = g_hash_table_lookup(w->owners, id);
	if (o)
		return o;
	o = xcalloc(1, sizeof(*o));
	if (!*id) {
		o->machine = xstrdup(w->c->machine);
		o->user = xstrdup(w->c->user);
	} else {
		char *key = au_team_import_names_key(id), *v = NULL;
		au_store_meta_get(w->s, key, &v);
		free(key);
		char *sep = v ? strchr(v, '\x1f') : NULL;
		if (sep)
			*sep = '\0';
		/* an import without the machine's names: its id stands in */
		o->machine = xstrdup(v && *v ? v : id);
		o->user = xstrdup(sep && sep[1] ? sep + 1 : "");
		free(v);
	}
	g_hash_table_insert(w->owners, xstrdup(id), o);
	return o;
}

static int local_next(void *ctx, au_agg_row *a, au_err *err)
{
	local_walk *w = ctx;
	int r;
	while ((r = au_store_agg_next(w->it, a, err)) > 0) {
		const owner *o = owner_of(w, a->who ? a->who : "");
		if ((w->f->user && strcmp(w->f->user, o->user) != 0) ||
		    (w->f->machine && strcmp(w->f->machine, o->machine) != 0))
			continue;
		a->who = w->f->by == AU_TEAM_BY_USER ? o->user : w->f->by == AU_TEAM_BY_MACHINE ? o->machine : NULL;
		return 1;
	}
	return r;
}

int au_team_local_report_build(au_store *s, const au_team_section *c, const au_team_filter *f,
			       const au_report_opts *o, au_report **ret, au_err *err)
{
	*ret = NULL;
	local_walk w = {.s = s, .c = c, .f = f};
	int r = au_store_agg_by_owner_iter(s, o->source != AU_SRC_NONE ? au_source_name(o->source) : NULL, &w.it,
					   err);
	if (r < 0)
		return r;
	w.owners = g_hash_table_new_full(g_str_hash, g_str_equal, free, (GDestroyNotify)owner_free);
	au_report_opts ob = *o;
	ob.by = by_name(f->by);
	r = au_report_build_from(local_next, &w, &ob, ret, err);
	g_hash_table_destroy(w.owners);
	au_store_iter_free(w.it);
	return r;
}

/* ---- blocks over the server ---- */

int au_team_blocks_build(au_team *t, const au_team_filter *tf, const au_filter *f, int64_t now_ms,
			 au_blocks **ret, au_err *err)
{
	*ret = NULL;
	/* the span au_req_each reads, exactly */
	int64_t lo = f->since_day == INT64_MIN ? INT64_MIN : au_tz_day_start(f->tz, f->since_day);
	int64_t hi = f->until_day == INT64_MAX ? INT64_MAX : au_tz_day_start(f->tz, f->until_day + 1);
	if (f->until_ms && f->until_ms < hi)
		hi = f->until_ms + 1;
	char from[32], until[32];
	snprintf(from, sizeof(from), "%" PRId64, lo);
	snprintf(until, sizeof(until), "%" PRId64, hi);
	const char *params[] = {tf->user, tf->machine, f->source != AU_SRC_NONE ? au_source_name(f->source) : NULL,
				from, until};
	int r;
	PGresult *res = au_team_query(
		t,
		"SELECT u.ts / 900000, u.model, min(u.ts), max(u.ts), count(*), sum(u.input)::bigint,"
		" sum(u.cc5m)::bigint, sum(u.cc1h)::bigint, sum(u.cache_read)::bigint, sum(u.output)::bigint,"
		" sum(u.reasoning)::bigint, coalesce(sum(u.cost), 0)::bigint, count(*) - count(u.cost)"
		" FROM usage u JOIN machines m ON m.machine_id = u.machine_id"
		" WHERE ($1::text IS NULL OR m.username = $1) AND ($2::text IS NULL OR m.machine = $2)"
		" AND ($3::text IS NULL OR u.source = $3) AND u.ts >= $4::bigint AND u.ts < $5::bigint"
		" GROUP BY 1, 2 ORDER BY 1, 3, 2",
		5, params, err, "reading the blocks", &r);
	if (!res)
		return r;
	au_blocks *b = au_blocks_new(now_ms);
	for (int i = 0; i < PQntuples(res); i++) {
		au_block_sum x = {
			.model = PQgetvalue(res, i, 1),
			.first_ts = num(res, i, 2),
			.last_ts = num(res, i, 3),
			.requests = num(res, i, 4),
			.tok = tokens_at(res, i, 5),
			.cost = num(res, i, 11),
			.unpriced = num(res, i, 12),
		};
		au_blocks_add_sum(b, &x);
	}
	PQclear(res);
	au_blocks_finish(b);
	*ret = b;
	return 0;
}
