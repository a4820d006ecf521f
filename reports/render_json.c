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

#include "pricing.h"
#include "render.h"
#include "report.h"

void au_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Exact decimal USD from pico-dollars, trailing zeros trimmed. */
void au_json_cost(FILE *f, int64_t pico)
{
	char buf[64];
	au_format_usd(pico, 12, buf, sizeof(buf));
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	fputs(buf, f);
}

static void json_sources(FILE *f, unsigned mask)
{
	int n = 0, only = 0;
	for (int s = 1; s < AU_SRC_MAX; s++)
		if (mask & (1u << s))
			n++, only = s;
	fputs("\"source\":", f);
	au_json_str(f, n == 1 ? au_source_name((au_source)only) : "mixed");
	fputs(",\"sources\":[", f);
	int first = 1;
	for (int s = 1; s < AU_SRC_MAX; s++)
		if (mask & (1u << s)) {
			if (!first)
				fputc(',', f);
			first = 0;
			au_json_str(f, au_source_name((au_source)s));
		}
	fputc(']', f);
}

static void json_tokens(FILE *f, const au_totals *t)
{
	fprintf(f,
		"\"inputTokens\":%" PRId64 ",\"outputTokens\":%" PRId64 ",\"cacheCreationTokens\":%" PRId64
		",\"cacheReadTokens\":%" PRId64 ",\"totalTokens\":%" PRId64 ",\"reasoningTokens\":%" PRId64
		",\"cacheCreation5mTokens\":%" PRId64 ",\"cacheCreation1hTokens\":%" PRId64
		",\"responses\":%" PRId64,
		t->tok.input, t->tok.output, au_tokens_cache_create(&t->tok), t->tok.cache_read,
		au_tokens_total(&t->tok), t->tok.reasoning, t->tok.cache_create_5m, t->tok.cache_create_1h,
		t->responses);
}

/* The tools' own cost beside ours, only where some response had one (so a
 * report without any stays as it was): "toolCost" sums the tools' figures,
 * "toolCostResponses" says how many of the responses they cover. */
static void json_tool_cost(FILE *f, const au_totals *t)
{
	if (!t->tool_costed)
		return;
	fputs(",\"toolCost\":", f);
	au_json_cost(f, t->tool_cost);
	fprintf(f, ",\"toolCostResponses\":%" PRId64, t->tool_costed);
}

static void json_models(FILE *f, const au_row *row)
{
	fputs(",\"modelsUsed\":[", f);
	for (guint i = 0; i < row->models->len; i++) {
		au_model_row *m = row->models->pdata[i];
		if (i)
			fputc(',', f);
		au_json_str(f, m->model);
	}
	fputs("],\"modelBreakdowns\":[", f);
	for (guint i = 0; i < row->models->len; i++) {
		au_model_row *m = row->models->pdata[i];
		if (i)
			fputc(',', f);
		fputs("{\"modelName\":", f);
		au_json_str(f, m->model);
		fputc(',', f);
		json_tokens(f, &m->t);
		fputs(",\"cost\":", f);
		au_json_cost(f, m->t.cost);
		json_tool_cost(f, &m->t);
		fputc(',', f);
		json_sources(f, m->sources);
		if (m->t.unpriced)
			fprintf(f, ",\"unpricedResponses\":%" PRId64, m->t.unpriced);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_ts(FILE *f, const char *name, int64_t ms)
{
	int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	GDateTime *dt = g_date_time_new_from_unix_utc(secs);
	if (!dt)
		return;
	char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	fprintf(f, ",\"%s\":", name);
	au_json_str(f, s);
	g_free(s);
	g_date_time_unref(dt);
}

void au_render_json(FILE *f, const au_report *r, const au_render_opts *o)
{
	au_render_json_ext(f, r, o, NULL, NULL);
}

/* --with-cloud: "billedCost" and "billedGap" (billed - our estimate),
 * null where the providers billed nothing. */
static void json_billed(FILE *f, bool has, int64_t billed, int64_t cost)
{
	if (!has) {
		fputs(",\"billedCost\":null,\"billedGap\":null", f);
		return;
	}
	fputs(",\"billedCost\":", f);
	au_json_cost(f, billed);
	fputs(",\"billedGap\":", f);
	au_json_cost(f, billed - cost);
}

void au_render_json_ext(FILE *f, const au_report *r, const au_render_opts *o, au_json_extra_fn extra, void *ud)
{
	fprintf(f, "{\"%s\":[", au_group_name(r->group));
	for (guint i = 0; i < r->rows->len; i++) {
		const au_row *row = r->rows->pdata[i];
		fputs(i ? ",\n{" : "\n{", f);
		fprintf(f, "\"%s\":", au_group_keyname(r->group));
		au_json_str(f, row->key);
		if (row->project) {
			fputs(",\"project\":", f);
			au_json_str(f, row->project);
		}
		if (row->path) {
			fputs(",\"projectPath\":", f);
			au_json_str(f, row->path);
		}
		if (r->group == AU_GROUP_SESSION || r->group == AU_GROUP_PROJECT || r->group == AU_GROUP_MODEL) {
			json_ts(f, "firstActivity", row->first_ts);
			json_ts(f, "lastActivity", row->last_ts);
		}
		fputc(',', f);
		json_tokens(f, &row->t);
		fputs(",\"totalCost\":", f);
		au_json_cost(f, row->t.cost);
		json_tool_cost(f, &row->t);
		fputc(',', f);
		json_sources(f, row->sources);
		json_models(f, row);
		if (r->with_cloud)
			json_billed(f, row->has_billed, row->billed, row->t.cost);
		if (extra)
			extra(f, row, ud);
		fputc('}', f);
	}
	fputs("],\n\"totals\":{", f);
	json_tokens(f, &r->total);
	fputs(",\"totalCost\":", f);
	au_json_cost(f, r->total.cost);
	json_tool_cost(f, &r->total);
	if (r->with_cloud)
		json_billed(f, r->has_billed, r->billed, r->total.cost);
	if (extra)
		extra(f, NULL, ud);
	fputs("}", f);
	if (r->tz_name) {
		fputs(",\n\"timezone\":", f);
		au_json_str(f, r->tz_name);
	}
	fputs(",\n\"unpricedModels\":[", f);
	for (guint i = 0; i < r->unpriced_models->len; i++) {
		if (i)
			fputc(',', f);
		au_json_str(f, r->unpriced_models->pdata[i]);
	}
	fputs("]}\n", f);
}
