/*
 * check_truth: compares a report against gen_home's truth.json, per day and
 * model, field by field, then per day and in total. Prints every mismatch and
 * exits 1 on any, 0 with a one-line summary when all agree, 2 on bad input.
 *
 *   check_truth [--ccusage-codex] [--quiet] TRUTH.json... REPORT.json
 *
 * Several truths are summed: the report of two HOMEs merged (the team
 * tests) must equal the sum of their truths.
 *
 * REPORT is `aiusage daily --json --timezone UTC` output by default; with
 * --ccusage-codex it is `ccusage codex daily --json -z UTC` (v20), whose days
 * hold a "models" object and call reasoning "reasoningOutputTokens".
 *
 * A model is compared under its one id (au_model_id, as the reports group
 * it), so the truth may name a model as the tool logged it.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_id.h"

enum { F_IN, F_OUT, F_CC, F_CR, F_RS, F_TOT, NF };
static const char *const FIELDS[NF] = {"inputTokens",	  "outputTokens",    "cacheCreationTokens",
				       "cacheReadTokens", "reasoningTokens", "totalTokens"};
static const char *const CCUSAGE_FIELDS[NF] = {"inputTokens",	  "outputTokens",	  "cacheCreationTokens",
					       "cacheReadTokens", "reasoningOutputTokens", "totalTokens"};

/* one (date, model) cell; model "" is the day's own row, date "" the totals */
typedef struct cell {
	char date[16];
	char model[160];
	int64_t want[NF], got[NF];
	bool got_has[NF]; /* the report named this field (ccusage's Claude rows lack totalTokens) */
	bool in_want, in_got;
} cell;

static cell *cells;
static size_t ncells, capcells;

static cell *cell_get_exact(const char *date, const char *model);

static cell *cell_get(const char *date, const char *model)
{
	if (!*model)
		return cell_get_exact(date, model);
	char *id = au_model_id(model);
	cell *c = cell_get_exact(date, id);
	free(id);
	return c;
}

static cell *cell_get_exact(const char *date, const char *model)
{
	for (size_t i = 0; i < ncells; i++)
		if (!strcmp(cells[i].date, date) && !strcmp(cells[i].model, model))
			return &cells[i];
	if (ncells == capcells) {
		capcells = capcells ? capcells * 2 : 256;
		cells = realloc(cells, capcells * sizeof *cells);
		if (!cells) {
			fputs("check_truth: out of memory\n", stderr);
			exit(2);
		}
	}
	cell *c = &cells[ncells++];
	memset(c, 0, sizeof *c);
	snprintf(c->date, sizeof c->date, "%s", date);
	snprintf(c->model, sizeof c->model, "%s", model);
	return c;
}

static int cell_cmp(const void *a, const void *b)
{
	const cell *x = a, *y = b;
	int r = strcmp(x->date[0] ? x->date : "~", y->date[0] ? y->date : "~");
	return r ? r : strcmp(x->model, y->model);
}

static int64_t num(json_t *v)
{
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return 0;
}

/* adds obj's token fields into a cell's want or got side */
static void take(cell *c, json_t *obj, const char *const *names, bool want)
{
	int64_t *dst = want ? c->want : c->got;
	for (int k = 0; k < NF; k++) {
		json_t *v = json_object_get(obj, names[k]);
		dst[k] += num(v);
		if (!want && v)
			c->got_has[k] = true;
	}
	if (want)
		c->in_want = true;
	else
		c->in_got = true;
}

static json_t *load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	if (!j) {
		fprintf(stderr, "check_truth: %s:%d: %s\n", path, err.line, err.text);
		exit(2);
	}
	if (!json_is_array(json_object_get(j, "daily"))) {
		fprintf(stderr, "check_truth: %s: no \"daily\" array\n", path);
		exit(2);
	}
	return j;
}

static const char *day_date(json_t *day, const char *path)
{
	const char *d = json_string_value(json_object_get(day, "date"));
	if (!d || strlen(d) != 10) {
		fprintf(stderr, "check_truth: %s: a day without a YYYY-MM-DD \"date\"\n", path);
		exit(2);
	}
	return d;
}

static void usage(void)
{
	fputs("usage: check_truth [--ccusage-codex] [--quiet] TRUTH.json... REPORT.json\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	bool ccusage = false, quiet = false;
	const char *paths[16];
	int np = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ccusage-codex"))
			ccusage = true;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (argv[i][0] == '-' && argv[i][1])
			usage();
		else if (np < 16)
			paths[np++] = argv[i];
		else
			usage();
	}
	if (np < 2)
		usage();

	const char *rep_path = paths[np - 1];
	json_t *rep = load(rep_path);
	size_t i;
	json_t *day;

	/* truth: daily[].models{name: fields}; the day rows and totals are sums */
	for (int t = 0; t < np - 1; t++) {
		json_t *truth = load(paths[t]);
		json_array_foreach(json_object_get(truth, "daily"), i, day) {
			const char *date = day_date(day, paths[t]);
			const char *model;
			json_t *m;
			json_object_foreach(json_object_get(day, "models"), model, m) {
				take(cell_get(date, model), m, FIELDS, true);
				take(cell_get(date, ""), m, FIELDS, true);
			}
		}
		take(cell_get("", ""), json_object_get(truth, "totals"), FIELDS, true);
		json_decref(truth);
	}

	/* report: per-model rows, the day's own row, the totals */
	const char *const *names = ccusage ? CCUSAGE_FIELDS : FIELDS;
	json_array_foreach(json_object_get(rep, "daily"), i, day) {
		const char *date = day_date(day, rep_path);
		take(cell_get(date, ""), day, names, false);
		if (ccusage) {
			const char *model;
			json_t *m;
			json_object_foreach(json_object_get(day, "models"), model, m)
				take(cell_get(date, model), m, names, false);
		} else {
			size_t k;
			json_t *m;
			json_array_foreach(json_object_get(day, "modelBreakdowns"), k, m) {
				const char *model = json_string_value(json_object_get(m, "modelName"));
				if (!model) {
					fprintf(stderr, "check_truth: %s: %s: a breakdown without modelName\n", rep_path,
						date);
					exit(2);
				}
				take(cell_get(date, model), m, names, false);
			}
		}
	}
	json_t *tot = json_object_get(rep, "totals");
	if (!json_is_object(tot)) {
		fprintf(stderr, "check_truth: %s: no \"totals\" object\n", rep_path);
		exit(2);
	}
	take(cell_get("", ""), tot, names, false);

	qsort(cells, ncells, sizeof *cells, cell_cmp);
	long bad = 0, days = 0, models = 0, unnamed = 0;
	for (size_t c = 0; c < ncells; c++) {
		cell *x = &cells[c];
		if (x->date[0] && !x->model[0] && x->in_want)
			days++;
		if (x->model[0] && x->in_want)
			models++;
		for (int k = 0; k < NF; k++) {
			/* a missing row is all zeros: a zero-usage model may or may not be listed */
			if (x->want[k] == x->got[k])
				continue;
			/* a row that does not name a field says nothing about it */
			if (x->in_got && !x->got_has[k]) {
				unnamed++;
				continue;
			}
			if (!quiet || bad < 50 || !x->date[0])
				printf("MISMATCH %s %s %s: expected %lld, got %lld (%+lld)%s\n",
				       x->date[0] ? x->date : "totals", x->model[0] ? x->model : "(all models)",
				       FIELDS[k], (long long)x->want[k], (long long)x->got[k],
				       (long long)(x->got[k] - x->want[k]),
				       !x->in_got ? " [missing from report]" : !x->in_want ? " [not in truth]" : "");
			bad++;
		}
	}
	cell *t = cell_get("", "");
	if (unnamed)
		printf("check_truth: note: %ld fields not compared: the report's rows leave them out\n", unnamed);
	if (bad) {
		printf("check_truth: %ld mismatching fields (%s vs %s)\n", bad, rep_path, paths[0]);
	} else {
		printf("check_truth: OK: %ld days, %ld day/model rows, totals match (input %lld, output %lld, "
		       "cache create %lld, cache read %lld, reasoning %lld, total %lld)\n",
		       days, models, (long long)t->want[F_IN], (long long)t->want[F_OUT], (long long)t->want[F_CC],
		       (long long)t->want[F_CR], (long long)t->want[F_RS], (long long)t->want[F_TOT]);
	}
	json_decref(rep);
	free(cells);
	return bad ? 1 : 0;
}
