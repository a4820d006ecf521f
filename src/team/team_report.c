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
		.tok.input = num(res, i, 6),
		.tok.cache_create_5m = num(res, i, 7),
		.tok.cache_create_1h = num(res, i, 8),
		.tok.cache_read = num(res, i, 9),
		.tok.output = num(res, i, 10),
		.tok.reasoning = num(res, i, 11),
		.cost = num(res, i, 12),
		.unpriced = num(res, i, 13),
		.first_ts = num(res, i, 14),
		.last_ts = num(res, i, 15),
		.tool_cost = num(res, i, 16),
		.tool_costed = num(res, i, 17),
	};
	return 1;
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
				from, until};
	int r;
	/* ts is never negative: integer division is the floor, as locally */
	PGresult *res = au_team_query(
		t,
		"SELECT u.ts / 900000, u.source, u.model, u.project, u.session, count(*),"
		" sum(u.input)::bigint, sum(u.cc5m)::bigint, sum(u.cc1h)::bigint, sum(u.cache_read)::bigint,"
		" sum(u.output)::bigint, sum(u.reasoning)::bigint, coalesce(sum(u.cost), 0)::bigint,"
		" count(*) - count(u.cost), min(u.ts), max(u.ts), coalesce(sum(u.tool_cost), 0)::bigint,"
		" count(u.tool_cost)"
		" FROM usage u JOIN machines m ON m.machine_id = u.machine_id"
		" WHERE ($1::text IS NULL OR m.username = $1) AND ($2::text IS NULL OR m.machine = $2)"
		" AND ($3::text IS NULL OR u.source = $3) AND u.ts >= $4::bigint AND u.ts < $5::bigint"
		" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1",
		5, params, err, "reading the report", &r);
	if (!res)
		return r;
	walk w = {res, 0, PQntuples(res)};
	r = au_report_build_from(walk_next, &w, o, ret, err);
	PQclear(res);
	return r;
}
