/*
 * JSON output. daily/weekly/monthly follow ccusage's Claude daily JSON
 * ({"daily":[{"date",...,"modelBreakdowns":[...]}],"totals":{...}}) so
 * scripts written for ccusage keep working; we add reasoningTokens, the
 * 5m/1h cache-write split, source(s), the unpriced models and, where a
 * tool reports one, its own cost (toolCost). Costs are
 * printed exactly from integer pico-dollars, never through a double.
 */
#include <inttypes.h>
#include <string.h>

#include "jsonw.h"
#include "pricing.h"
#include "render.h"
#include "report.h"

static void json_sources(au_jw *w, unsigned mask)
{
	int n = 0, only = 0;
	for (int s = 1; s < AU_SRC_MAX; s++)
		if (mask & (1u << s))
			n++, only = s;
	au_jw_kstr(w, "source", n == 1 ? au_source_name((au_source)only) : "mixed");
	au_jw_key(w, "sources");
	au_jw_arr_begin(w);
	for (int s = 1; s < AU_SRC_MAX; s++)
		if (mask & (1u << s))
			au_jw_str(w, au_source_name((au_source)s));
	au_jw_arr_end(w);
}

static void json_tokens(au_jw *w, const au_totals *t)
{
	au_jw_kint(w, "inputTokens", t->tok.input);
	au_jw_kint(w, "outputTokens", t->tok.output);
	au_jw_kint(w, "cacheCreationTokens", au_tokens_cache_create(&t->tok));
	au_jw_kint(w, "cacheReadTokens", t->tok.cache_read);
	au_jw_kint(w, "totalTokens", au_tokens_total(&t->tok));
	au_jw_kint(w, "reasoningTokens", t->tok.reasoning);
	au_jw_kint(w, "cacheCreation5mTokens", t->tok.cache_create_5m);
	au_jw_kint(w, "cacheCreation1hTokens", t->tok.cache_create_1h);
	au_jw_kint(w, "responses", t->responses);
}

/* The tools' own cost beside ours, only where some response had one (so a
 * report without any stays as it was): "toolCost" sums the tools' figures,
 * "toolCostResponses" says how many of the responses they cover. */
static void json_tool_cost(au_jw *w, const au_totals *t)
{
	if (!t->tool_costed)
		return;
	au_jw_kmoney(w, "toolCost", t->tool_cost);
	au_jw_kint(w, "toolCostResponses", t->tool_costed);
}

static void json_models(au_jw *w, const au_row *row)
{
	au_jw_key(w, "modelsUsed");
	au_jw_arr_begin(w);
	for (guint i = 0; i < row->models->len; i++) {
		au_model_row *m = row->models->pdata[i];
		au_jw_str(w, m->model);
	}
	au_jw_arr_end(w);
	au_jw_key(w, "modelBreakdowns");
	au_jw_arr_begin(w);
	for (guint i = 0; i < row->models->len; i++) {
		au_model_row *m = row->models->pdata[i];
		au_jw_obj_begin(w);
		au_jw_kstr(w, "modelName", m->model);
		json_tokens(w, &m->t);
		au_jw_kmoney(w, "cost", m->t.cost);
		json_tool_cost(w, &m->t);
		json_sources(w, m->sources);
		if (m->t.unpriced)
			au_jw_kint(w, "unpricedResponses", m->t.unpriced);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
}

static void json_ts(au_jw *w, const char *name, int64_t ms)
{
	char s[32];
	if (au_format_utc(ms, false, s))
		au_jw_kstr(w, name, s);
}

void au_render_json(FILE *f, const au_report *r, const au_render_opts *o)
{
	au_render_json_ext(f, r, o, NULL, NULL);
}

/* --with-cloud: "billedCost" and "billedGap" (billed - our estimate),
 * null where the providers billed nothing. */
static void json_billed(au_jw *w, bool has, int64_t billed, int64_t cost)
{
	if (!has) {
		au_jw_key(w, "billedCost");
		au_jw_null(w);
		au_jw_key(w, "billedGap");
		au_jw_null(w);
		return;
	}
	au_jw_kmoney(w, "billedCost", billed);
	au_jw_kmoney(w, "billedGap", billed - cost);
}

void au_render_json_ext(FILE *f, const au_report *r, const au_render_opts *o, au_json_extra_fn extra, void *ud)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, f);
	au_jw_obj_begin(w);
	au_jw_key(w, au_group_name(r->group));
	au_jw_arr_begin(w);
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		au_jw_newline(w);
		au_jw_obj_begin(w);
		au_jw_kstr(w, au_group_keyname(r->group), row->key);
		if (r->by)
			au_jw_kstr(w, r->by, row->who ? row->who : "");
		if (row->project)
			au_jw_kstr(w, "project", row->project);
		if (row->path)
			au_jw_kstr(w, "projectPath", row->path);
		if (r->group == AU_GROUP_SESSION || r->group == AU_GROUP_PROJECT || r->group == AU_GROUP_MODEL) {
			json_ts(w, "firstActivity", row->first_ts);
			json_ts(w, "lastActivity", row->last_ts);
		}
		json_tokens(w, &row->t);
		au_jw_kmoney(w, "totalCost", row->t.cost);
		json_tool_cost(w, &row->t);
		json_sources(w, row->sources);
		json_models(w, row);
		if (r->with_cloud)
			json_billed(w, row->has_billed, row->billed, row->t.cost);
		if (extra)
			extra(w, row, ud);
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_newline(w);
	au_jw_key(w, "totals");
	au_jw_obj_begin(w);
	json_tokens(w, &r->total);
	au_jw_kmoney(w, "totalCost", r->total.cost);
	json_tool_cost(w, &r->total);
	if (r->with_cloud)
		json_billed(w, r->has_billed, r->billed, r->total.cost);
	if (extra)
		extra(w, NULL, ud);
	au_jw_obj_end(w);
	if (r->tz_name) {
		au_jw_newline(w);
		au_jw_kstr(w, "timezone", r->tz_name);
	}
	au_jw_newline(w);
	au_jw_key(w, "unpricedModels");
	au_jw_arr_begin(w);
	for (guint i = 0; i < r->unpriced_models->len; i++)
		au_jw_str(w, r->unpriced_models->pdata[i]);
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}
