/*
 * Team budgets' figure: what every machine pushed to the team server cost
 * in one period, summed there per project, so a project filter matches
 * the server's project names exactly as `report --project` matches local
 * ones (the name itself or its label).
 */
#include "team.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "team_internal.h"

int au_team_budget_spent(au_team *t, int64_t start_ms, int64_t end_ms, const char *source, const char *project,
			 int64_t *ret_pico, int64_t *ret_unpriced, au_err *err)
{
	*ret_pico = 0;
	if (ret_unpriced)
		*ret_unpriced = 0;
	char from[32], until[32];
	snprintf(from, sizeof(from), "%" PRId64, start_ms);
	snprintf(until, sizeof(until), "%" PRId64, end_ms);
	const char *params[] = {source, from, until};
	int r;
	PGresult *res = au_team_query(t,
				      "SELECT project, coalesce(sum(cost), 0)::bigint, count(*) - count(cost) FROM usage"
				      " WHERE ($1::text IS NULL OR source = $1) AND ts >= $2::bigint AND ts < $3::bigint"
				      " GROUP BY project",
				      3, params, err, "reading a team budget's spending", &r);
	if (!res)
		return r;
	int64_t spent = 0, unpriced = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *p = PQgetvalue(res, i, 0);
		if (project) {
			char *label = au_project_label(p, false);
			bool match = au_project_matches(project, p, label);
			free(label);
			if (!match)
				continue;
		}
		spent += strtoll(PQgetvalue(res, i, 1), NULL, 10);
		unpriced += strtoll(PQgetvalue(res, i, 2), NULL, 10);
	}
	PQclear(res);
	*ret_pico = spent;
	if (ret_unpriced)
		*ret_unpriced = unpriced;
	return 0;
}
