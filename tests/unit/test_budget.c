/*
 * Budgets and alerts against a real store in a temporary directory: the
 * config parser (defaults, the example, errors with line numbers), period
 * bounds in two zones, week starts, a month boundary and a DST day; exact
 * spent / percent / level / projection under source and project filters;
 * then the alert rules through au_alerts_check with a notifier that has no
 * session bus (every alert is logged as not delivered): no repeat across a
 * reopened store, escalation, cooldown hold and release, quiet hours hold
 * and release into the next period, and dropping a stale held alert.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "budget.h"
#include "check.h"
#include "storeq.h"
#include "config.h"
#include "notify.h"
#include "store.h"

#define USD(x) ((int64_t)((x) * 100 + 0.5) * (AU_PICO_PER_USD / 100))

static char *dir;

static int64_t T(const char *iso)
{
	int64_t ms = 0;
	if (au_parse_iso8601_ms(iso, strlen(iso), &ms) < 0)
		fprintf(stderr, "bad time %s\n", iso);
	return ms;
}

static void put(au_store *s, const char *key, au_source src, const char *iso, const char *cwd, int64_t cost)
{
	au_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.source = src;
	snprintf(ev.key, sizeof(ev.key), "%s", key);
	ev.ts_ms = T(iso);
	snprintf(ev.session, sizeof(ev.session), "s");
	snprintf(ev.model, sizeof(ev.model), "m");
	snprintf(ev.cwd, sizeof(ev.cwd), "%s", cwd);
	ev.tok.output = 1;
	au_put_result res;
	au_err err;
	CHECK_INT(au_store_put(s, &ev, 1, 0, cost, &res, &err), 0);
}

static au_config *cfg_from(const char *text)
{
	au_config *c = NULL;
	au_err err;
	int r = au_config_parse(text, strlen(text), "test.ini", &c, &err);
	if (r < 0)
		fprintf(stderr, "config: %s\n", err.msg);
	CHECK_INT(r, 0);
	return c;
}

static au_store *open_store(const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	au_store *s = NULL;
	au_err err;
	CHECK_INT(au_store_open(path, false, &s, &err), 0);
	g_free(path);
	return s;
}

static void test_config(void)
{
	au_config *c = cfg_from("");
	CHECK_INT(c->budgets->len, 0);
	CHECK_INT(c->warn_percent, 80);
	CHECK_INT(c->quiet_start_min, -1);
	CHECK_INT(c->cooldown_s, 3600);
	CHECK_INT(c->week_start, 1);
	CHECK(c->timezone == NULL);
	au_config_free(c);

	c = cfg_from(au_config_example());
	CHECK_INT(c->budgets->len, 3);
	CHECK_INT(c->quiet_start_min, 22 * 60);
	CHECK_INT(c->quiet_end_min, 8 * 60);
	au_budget *b = c->budgets->pdata[1];
	CHECK_STR(b->name, "weekly-claude");
	CHECK_INT(b->period, AU_PERIOD_WEEK);
	CHECK_INT(b->source, AU_SRC_CLAUDE);
	CHECK_INT(b->limit_pico, USD(50));
	CHECK_STR(((au_budget *)c->budgets->pdata[2])->project, "myapp");
	au_config_free(c);

	c = cfg_from("[alerts]\nwarn_percent = 90\nquiet_hours = 23:30-24:00\ncooldown = 30m\n"
		     "[time]\ntimezone = Asia/Tokyo\nweek_start = Sunday\n"
		     "[budget a.b_c-1]\nperiod = month\nlimit = $0.000001\nsource = all\n");
	CHECK_INT(c->warn_percent, 90);
	CHECK_INT(c->quiet_start_min, 23 * 60 + 30);
	CHECK_INT(c->quiet_end_min, 0);
	CHECK_INT(c->cooldown_s, 1800);
	CHECK_STR(c->timezone, "Asia/Tokyo");
	CHECK_INT(c->week_start, 0);
	CHECK_INT(((au_budget *)c->budgets->pdata[0])->limit_pico, 1000000);
	CHECK_INT(((au_budget *)c->budgets->pdata[0])->source, AU_SRC_NONE);
	au_config_free(c);

	static const struct {
		const char *text, *msg;
	} bad[] = {
		{"[budget x]\nperiod = day\n\nlimit = ten\n", "test.ini:4: limit must be"},
		{"[budget x]\nperiod = fortnight\nlimit = 1\n", "test.ini:2: period must be day, week or month"},
		{"[budget x]\nlimit = 1\n", "test.ini:1: budget 'x' has no period"},
		{"[budget x]\nperiod = day\n", "test.ini:1: budget 'x' has no limit"},
		{"[budget x]\nperiod = day\nlimit = 0\n", "test.ini:3: limit must be"},
		{"[budget x]\nperiod = day\nlimit = 1\nsource = emacs\n", "test.ini:4: unknown source 'emacs'"},
		{"[budget x]\nperiod = day\nlimit = 1\ncolour = red\n", "test.ini:4: unknown setting 'colour'"},
		{"[budget]\nperiod = day\nlimit = 1\n", "test.ini:1: a budget needs a name"},
		{"[budget a b]\nperiod = day\nlimit = 1\n", "test.ini:1: a budget needs a name"},
		{"# c\n[alerts]\nwarn_percent = 0\n", "test.ini:3: warn_percent must be"},
		{"[alerts]\nquiet_hours = 22:00\n", "test.ini:2: quiet_hours must be"},
		{"[alerts]\nquiet_hours = 08:00-08:00\n", "test.ini:2: quiet_hours must be"},
		{"[alerts]\ncooldown = 2w\n", "test.ini:2: cooldown must be"},
		{"[time]\ntimezone = Mars/Olympus\n", "test.ini:2: unknown time zone"},
		{"[time]\nweek_start = someday\n", "test.ini:2: week_start takes a day name"},
		{"[budgets]\ndaily = 1\n", "test.ini:1: unknown section [budgets]"},
		{"[alerts]\njunk\n", "test.ini:2: Key file contains line"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		au_config *x = NULL;
		au_err err = {{0}};
		CHECK_INT(au_config_parse(bad[i].text, strlen(bad[i].text), "test.ini", &x, &err), -EINVAL);
		CHECK(x == NULL);
		if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fprintf(stderr, "case %zu: got \"%s\", want \"%s...\"\n", i, err.msg, bad[i].msg);
		CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
	}

	/* the cloud and cursor sections belong to other readers of the file */
	{
		const char *text = "[budget d]\nperiod = day\nlimit = 2\n[cloud.openai]\nkey_env = X\n[cursor]\nbase_url = "
				   "http://127.0.0.1:1\n";
		au_config *x = NULL;
		au_err e2 = {{0}};
		CHECK_INT(au_config_parse(text, strlen(text), "test.ini", &x, &e2), 0);
		CHECK(x && x->budgets->len == 1);
		au_config_free(x);
	}

	/* a file: the default one missing means defaults; a named one must
	 * exist; too big is refused */
	char *path = g_build_filename(dir, "config.ini", NULL);
	au_err err;
	CHECK_INT(au_config_load(path, &c, &err), -ENOENT);
	CHECK(c == NULL);
	CHECK(strstr(err.msg, path) != NULL);
	g_setenv("XDG_CONFIG_HOME", dir, TRUE);
	CHECK_INT(au_config_load(NULL, &c, &err), 0);
	CHECK(c->path == NULL);
	CHECK_INT(c->warnings->len, 0);
	au_config_free(c);
	g_unsetenv("XDG_CONFIG_HOME");
	char *big = g_strnfill(AU_CONFIG_MAX_BYTES + 1, '#');
	g_file_set_contents(path, big, -1, NULL);
	CHECK_INT(au_config_load(path, &c, &err), -EFBIG);
	g_free(big);
	g_file_set_contents(path, "[budget d]\nperiod = day\nlimit = 2.5\n", -1, NULL);
	CHECK_INT(au_config_load(path, &c, &err), 0);
	CHECK_STR(c->path, path);
	CHECK_INT(((au_budget *)c->budgets->pdata[0])->limit_pico, USD(2.5));
	au_config_free(c);
	g_unlink(path);

	/* others may read it: a warning the caller shows, the file still used */
	g_file_set_contents(path, "[budget d]\nperiod = day\nlimit = 2.5\n", -1, NULL);
	g_chmod(path, 0644);
	CHECK_INT(au_config_load(path, &c, &err), 0);
	CHECK_INT(c->warnings->len, 1);
	if (c->warnings->len == 1) {
		char *want = g_strdup_printf("%s: other users can read it (mode 0644)", path);
		CHECK(strncmp(c->warnings->pdata[0], want, strlen(want)) == 0);
		g_free(want);
	}
	au_config_free(c);
	g_chmod(path, 0600);
	CHECK_INT(au_config_load(path, &c, &err), 0);
	CHECK_INT(c->warnings->len, 0);
	au_config_free(c);
	g_unlink(path);
	g_free(path);

	g_setenv("XDG_CONFIG_HOME", "/x/cfg", TRUE);
	char *dp = au_config_default_path();
	CHECK_STR(dp, "/x/cfg/aiusage/config.ini");
	free(dp);
	g_unsetenv("XDG_CONFIG_HOME");

	int64_t v;
	CHECK(au_parse_usd("1000000", &v) && v == USD(1000000));
	CHECK(!au_parse_usd("1000000.01", &v));
	CHECK(!au_parse_usd("-1", &v));
	CHECK(!au_parse_usd("1.0000000000001", &v));
	CHECK(!au_parse_usd(".", &v));
	CHECK(au_parse_usd(".5", &v) && v == USD(0.5));
}

static void check_bounds(const char *zone, au_period p, int week_start, const char *at, const char *key,
			 const char *start, const char *end)
{
	GTimeZone *tz = g_time_zone_new_identifier(zone);
	int64_t s, e;
	char *k;
	au_period_bounds(tz, p, week_start, T(at), &s, &e, &k);
	CHECK_STR(k, key);
	CHECK_INT(s, T(start));
	CHECK_INT(e, T(end));
	free(k);
	g_time_zone_unref(tz);
}

/* Every error is reported, each with its line, in file order; a section
 * given twice is a warning (GKeyFile merges the two). */
static void test_config_all_errors(void)
{
	const char *text = "[alerts]\n"		  /* 1 */
			   "bogus = 1\n"		  /* 2 */
			   "warn_percent = 0\n"	  /* 3 */
			   "[budget a]\n"		  /* 4 */
			   "period = yearly\n"	  /* 5 */
			   "limit = -1\n"		  /* 6 */
			   "[budget b]\n"		  /* 7 */
			   "limit = 3\n"		  /* 8 */
			   "[time]\n"		  /* 9 */
			   "week_start = someday\n"; /* 10 */
	static const char *const want[] = {
		"test.ini:2: unknown setting 'bogus' in [alerts]",
		"test.ini:3: warn_percent must be a whole number from 1 to 100, not '0'",
		"test.ini:5: period must be day, week or month, not 'yearly'",
		"test.ini:6: limit must be an amount in dollars above 0",
		"test.ini:7: budget 'b' has no period",
		"test.ini:10: week_start takes a day name like monday, not 'someday'",
	};
	au_config *c = NULL;
	GPtrArray *errors = NULL;
	au_err err = {{0}};
	CHECK_INT(au_config_parse_all(text, strlen(text), "test.ini", &c, &errors, &err), -EINVAL);
	CHECK(c == NULL);
	CHECK(errors != NULL);
	if (errors) {
		CHECK_INT(errors->len, sizeof(want) / sizeof(want[0]));
		for (guint i = 0; i < errors->len && i < sizeof(want) / sizeof(want[0]); i++) {
			if (strncmp(errors->pdata[i], want[i], strlen(want[i])) != 0)
				fprintf(stderr, "error %u: got \"%s\", want \"%s...\"\n", i, (char *)errors->pdata[i], want[i]);
			CHECK(strncmp(errors->pdata[i], want[i], strlen(want[i])) == 0);
		}
		g_ptr_array_free(errors, TRUE);
	}
	/* err: the first, and how many more */
	CHECK(strncmp(err.msg, want[0], strlen(want[0])) == 0);
	CHECK(strstr(err.msg, "(and 5 more errors)") != NULL);

	/* a duplicate budget: valid (one budget, the later limit), warned about */
	const char *dup = "[budget a]\nperiod = day\nlimit = 1\n\n[budget a]\nlimit = 2\n[alerts]\n[alerts]\n";
	CHECK_INT(au_config_parse_all(dup, strlen(dup), "test.ini", &c, &errors, &err), 0);
	CHECK(errors == NULL);
	CHECK(c && c->budgets->len == 1);
	if (c && c->budgets->len == 1)
		CHECK_INT(((au_budget *)c->budgets->pdata[0])->limit_pico, USD(2));
	CHECK(c && c->warnings->len == 2);
	if (c && c->warnings->len == 2) {
		CHECK_STR(c->warnings->pdata[0], "test.ini:5: [budget a] again (first at line 1): the two are read as "
						 "one section, the later settings winning");
		CHECK(strncmp(c->warnings->pdata[1], "test.ini:8: [alerts] again (first at line 7)", 44) == 0);
	}
	au_config_free(c);
}

static void test_periods(void)
{
	/* 15:30 UTC on Sunday 2026-11-15 is 00:30 on Monday the 16th in Tokyo */
	const char *at = "2026-11-15T15:30:00Z";
	check_bounds("UTC", AU_PERIOD_DAY, 1, at, "2026-11-15", "2026-11-15T00:00:00Z", "2026-11-16T00:00:00Z");
	check_bounds("Asia/Tokyo", AU_PERIOD_DAY, 1, at, "2026-11-16", "2026-11-15T15:00:00Z",
		     "2026-11-16T15:00:00Z");
	check_bounds("UTC", AU_PERIOD_WEEK, 1, at, "2026-11-09", "2026-11-09T00:00:00Z", "2026-11-16T00:00:00Z");
	check_bounds("UTC", AU_PERIOD_WEEK, 0, at, "2026-11-15", "2026-11-15T00:00:00Z", "2026-11-22T00:00:00Z");
	check_bounds("Asia/Tokyo", AU_PERIOD_WEEK, 1, at, "2026-11-16", "2026-11-15T15:00:00Z",
		     "2026-11-22T15:00:00Z");
	check_bounds("Asia/Tokyo", AU_PERIOD_WEEK, 0, at, "2026-11-15", "2026-11-14T15:00:00Z",
		     "2026-11-21T15:00:00Z");
	/* the evening of November 30th in UTC is December in Tokyo */
	at = "2026-11-30T20:00:00Z";
	check_bounds("UTC", AU_PERIOD_MONTH, 1, at, "2026-11", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
	check_bounds("Asia/Tokyo", AU_PERIOD_MONTH, 1, at, "2026-12", "2026-11-30T15:00:00Z",
		     "2026-12-31T15:00:00Z");
	check_bounds("UTC", AU_PERIOD_MONTH, 1, "2026-12-31T23:59:59Z", "2026-12", "2026-12-01T00:00:00Z",
		     "2027-01-01T00:00:00Z");
	/* a 25-hour day: Paris leaves summer time on 2026-10-25 */
	check_bounds("Europe/Paris", AU_PERIOD_DAY, 1, "2026-10-25T12:00:00Z", "2026-10-25",
		     "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z");
}

/* The config's rules for one call (the budget layer never sees the config). */
static int eval_one(au_store *s, const au_config *c, const au_budget *b, int64_t at, int64_t now, au_budget_status *st,
		    au_err *err)
{
	au_budget_rules rules;
	au_config_rules(c, &rules);
	int r = au_budget_evaluate(s, &rules, b, at, now, st, err);
	au_budget_rules_release(&rules);
	return r;
}

static au_budget_status eval(au_store *s, const char *cfg_text, const char *now)
{
	au_config *c = cfg_from(cfg_text);
	au_budget_status st;
	au_err err;
	CHECK_INT(eval_one(s, c, c->budgets->pdata[0], T(now), T(now), &st, &err), 0);
	/* the budget is borrowed from the config: keep what the checks need */
	static au_budget keep;
	free(keep.name);
	free(keep.project);
	keep = *(au_budget *)c->budgets->pdata[0];
	keep.name = xstrdup(keep.name);
	keep.project = keep.project ? xstrdup(keep.project) : NULL;
	st.budget = &keep;
	au_config_free(c);
	return st;
}

static void test_evaluate(void)
{
	/* alpha is a git repository, so alpha/sub counts as project "alpha" */
	char *w = g_build_filename(dir, "w", NULL);
	char *alpha = g_build_filename(w, "alpha", NULL);
	char *git = g_build_filename(alpha, ".git", NULL);
	char *sub = g_build_filename(alpha, "sub", NULL);
	char *beta = g_build_filename(w, "beta", NULL);
	g_mkdir_with_parents(git, 0700);
	g_mkdir_with_parents(sub, 0700);
	au_store *s = open_store("eval.db");
	put(s, "e1", AU_SRC_CLAUDE, "2026-11-15T14:00:00Z", alpha, USD(3));
	put(s, "e2", AU_SRC_CLAUDE, "2026-11-15T16:00:00Z", beta, USD(2));
	put(s, "e3", AU_SRC_CODEX, "2026-11-15T20:00:00Z", sub, USD(1));
	put(s, "e4", AU_SRC_CLAUDE, "2026-11-16T10:00:00Z", alpha, USD(4));
	put(s, "e0", AU_SRC_CLAUDE, "2026-11-14T23:59:59Z", alpha, USD(100)); /* the day before */

	/* UTC, 21:00: e1 + e2 + e3 */
	au_budget_status st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\n",
				   "2026-11-15T21:00:00Z");
	CHECK_STR(st.period_key, "2026-11-15");
	CHECK_INT(st.spent, USD(6));
	CHECK_INT(st.limit, USD(10));
	CHECK_INT(st.percent, 60);
	CHECK_INT(st.level, AU_LEVEL_OK);
	CHECK_INT(st.projected, 6857142857142); /* $6 * 24h / 21h, rounded down */
	CHECK_STR(st.top_project, "alpha");   /* alpha and alpha/sub are one project: $4 */
	CHECK_INT(st.top_project_spent, USD(4));
	CHECK_INT(st.unpriced, 0);
	au_budget_status_release(&st);

	/* Tokyo, the same instant (06:00 on the 16th): e2 + e3 + e4 */
	st = eval(s, "[time]\ntimezone = Asia/Tokyo\n[budget d]\nperiod = day\nlimit = 10\n", "2026-11-15T21:00:00Z");
	CHECK_STR(st.period_key, "2026-11-16");
	CHECK_INT(st.spent, USD(7));
	CHECK_INT(st.projected, USD(28)); /* $7 * 24h / 6h */
	CHECK_INT(st.percent, 70);
	CHECK_STR(st.top_project, "alpha");
	CHECK_INT(st.top_project_spent, USD(5));
	au_budget_status_release(&st);

	/* filters: source, project label, project path, a directory above */
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nsource = claude\n",
		  "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(5));
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nproject = beta\n",
		  "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(2));
	CHECK_STR(st.top_project, "beta");
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nproject = alpha\n",
		  "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(4));
	au_budget_status_release(&st);
	char *text = g_strdup_printf("[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nproject = %s\n",
				     alpha);
	st = eval(s, text, "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(4)); /* the directory and those under it */
	au_budget_status_release(&st);
	g_free(text);
	text = g_strdup_printf("[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nproject = %s\n", sub);
	st = eval(s, text, "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(1));
	au_budget_status_release(&st);
	g_free(text);
	text = g_strdup_printf("[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\nproject = %s\n"
			       "source = codex\n",
			       w);
	st = eval(s, text, "2026-11-15T21:00:00Z");
	CHECK_INT(st.spent, USD(1));
	au_budget_status_release(&st);
	g_free(text);

	/* levels at the thresholds */
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 7.50\n", "2026-11-15T21:00:00Z");
	CHECK_INT(st.percent, 80);
	CHECK_INT(st.level, AU_LEVEL_WARNING);
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 7.51\n", "2026-11-15T21:00:00Z");
	CHECK_INT(st.percent, 79);
	CHECK_INT(st.level, AU_LEVEL_OK);
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[alerts]\nwarn_percent = 50\n[budget d]\nperiod = day\nlimit = 7.51\n",
		  "2026-11-15T21:00:00Z");
	CHECK_INT(st.level, AU_LEVEL_WARNING);
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 6\n", "2026-11-15T21:00:00Z");
	CHECK_INT(st.percent, 100);
	CHECK_INT(st.level, AU_LEVEL_OVER);
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 5\n", "2026-11-15T21:00:00Z");
	CHECK_INT(st.percent, 120);
	CHECK_INT(st.level, AU_LEVEL_OVER);
	au_budget_status_release(&st);

	/* early in a period the projection uses at least an hour */
	st = eval(s, "[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\n", "2026-11-16T00:10:00Z");
	CHECK_INT(st.spent, USD(4));
	CHECK_INT(st.projected, USD(96));
	au_budget_status_release(&st);

	/* weeks (Monday and Sunday starts) and months */
	st = eval(s, "[time]\ntimezone = UTC\n[budget w]\nperiod = week\nlimit = 200\n", "2026-11-15T21:00:00Z");
	CHECK_STR(st.period_key, "2026-11-09");
	CHECK_INT(st.spent, USD(106));
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\nweek_start = sunday\n[budget w]\nperiod = week\nlimit = 200\n",
		  "2026-11-15T21:00:00Z");
	CHECK_STR(st.period_key, "2026-11-15");
	CHECK_INT(st.spent, USD(10)); /* e1 to e4 */
	/* 21 h into a 7-day week: $10 * 168 / 21 */
	CHECK_INT(st.projected, USD(80));
	au_budget_status_release(&st);
	st = eval(s, "[time]\ntimezone = UTC\n[budget m]\nperiod = month\nlimit = 1000\n", "2026-11-16T12:00:00Z");
	CHECK_STR(st.period_key, "2026-11");
	CHECK_INT(st.spent, USD(110));
	au_budget_status_release(&st);

	/* a period that has ended projects to what it spent */
	au_config *c = cfg_from("[time]\ntimezone = UTC\n[budget d]\nperiod = day\nlimit = 10\n");
	au_err err;
	CHECK_INT(eval_one(s, c, c->budgets->pdata[0], T("2026-11-15T10:00:00Z"), T("2026-11-17T00:00:00Z"),
				     &st, &err),
		  0);
	CHECK_INT(st.spent, USD(6));
	CHECK_INT(st.projected, USD(6));
	char *sum, *body;
	au_alert_text(&st, false, &sum, &body);
	CHECK_STR(sum, "aiusage: d budget 60% used");
	CHECK_STR(body, "Spent $6.00 of $10.00 on 2026-11-15.\nTop project: alpha ($4.00).");
	free(sum);
	free(body);
	au_budget_status_release(&st);

	int64_t spent;
	au_budget_rules rules;
	au_config_rules(c, &rules);
	CHECK_INT(au_period_spent(s, &rules, AU_PERIOD_DAY, T("2026-11-16T12:00:00Z"), &spent, &err), 0);
	CHECK_INT(spent, USD(4));
	GArray *all;
	CHECK_INT(au_budget_evaluate_all(s, &rules, c->budgets, T("2026-11-16T12:00:00Z"), &all, &err), 0);
	CHECK_INT(all->len, 1);
	CHECK_INT(g_array_index(all, au_budget_status, 0).percent, 40);
	au_budget_statuses_free(all);
	au_budget_rules_release(&rules);
	au_config_free(c);
	au_store_close(s);
	g_rmdir(git);
	g_rmdir(sub);
	g_rmdir(alpha);
	g_rmdir(w);
	g_free(git);
	g_free(sub);
	g_free(alpha);
	g_free(beta);
	g_free(w);
}

/* Runs one alert check at `now`, returning what it logged (g_free). */
static char *check_at(au_store *s, const au_config *c, au_notifier *n, const char *now, int64_t *ret_next)
{
	FILE *log = tmpfile();
	au_err err;
	int r = au_alerts_check(s, c, NULL, n, T(now), log, ret_next, &err);
	if (r < 0)
		fprintf(stderr, "alerts: %s\n", err.msg);
	CHECK_INT(r, 0);
	long len = ftell(log);
	char *text = g_malloc0((gsize)len + 1);
	rewind(log);
	CHECK_INT(fread(text, 1, (size_t)len, log), len);
	fclose(log);
	return text;
}

#define NO_BUS "aiusage: alert not delivered (no D-Bus session bus: "

static void test_alerts_cooldown(au_notifier *n)
{
	au_store *s = open_store("alerts.db");
	au_config *c = cfg_from("[alerts]\ncooldown = 2h\n[time]\ntimezone = UTC\n[budget daily]\nperiod = day\nlimit = 10\n");
	int64_t next = -1;

	put(s, "a1", AU_SRC_CLAUDE, "2026-11-20T22:00:00Z", "/w/alpha", USD(8.5));
	char *log = check_at(s, c, n, "2026-11-20T22:10:00Z", &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): daily budget 85% used - Spent $8.50 of $10.00 today (2026-11-20). Projected by the end "
			  "of the day: $9.20. Top project: alpha ($8.50).\n") != NULL);
	CHECK_INT(next, 0);
	g_free(log);
	CHECK_INT(q(s, "SELECT count(*) FROM alert_state"), 1);
	CHECK_INT(q(s, "SELECT sent_at FROM alert_state WHERE budget = 'daily' AND period = 'day:2026-11-20'"
		       " AND level = 1 AND held_since IS NULL"),
		  T("2026-11-20T22:10:00Z"));

	/* not again, nor after a restart */
	log = check_at(s, c, n, "2026-11-20T22:20:00Z", &next);
	CHECK_STR(log, "");
	g_free(log);
	au_store_close(s);
	s = open_store("alerts.db");
	log = check_at(s, c, n, "2026-11-20T22:30:00Z", &next);
	CHECK_STR(log, "");
	g_free(log);

	/* over the limit within the cooldown: an escalation goes out at once */
	put(s, "a2", AU_SRC_CLAUDE, "2026-11-20T22:40:00Z", "/w/beta", USD(2));
	log = check_at(s, c, n, "2026-11-20T22:50:00Z", &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): daily budget exceeded (105%) - Spent $10.50 of $10.00 today (2026-11-20). Projected by "
			  "the end of the day: $11.04. Top project: alpha ($8.50).\n") != NULL);
	CHECK_INT(next, 0);
	g_free(log);
	log = check_at(s, c, n, "2026-11-20T23:00:00Z", &next);
	CHECK_STR(log, "");
	g_free(log);

	/* the next day's alert comes within the cooldown: held, then sent */
	put(s, "a3", AU_SRC_CLAUDE, "2026-11-21T00:05:00Z", "/w/alpha", USD(12));
	log = check_at(s, c, n, "2026-11-21T00:10:00Z", &next);
	CHECK_STR(log, "aiusage: alert held until 2026-11-21 00:50 (cooldown): daily budget exceeded (120%) - Spent "
		       "$12.00 of $10.00 today (2026-11-21). Projected by the end of the day: $288.00. Top project: "
		       "alpha ($12.00).\n");
	CHECK_INT(next, T("2026-11-21T00:50:00Z"));
	g_free(log);
	CHECK_INT(q(s, "SELECT held_since FROM alert_state WHERE period = 'day:2026-11-21' AND sent_at IS NULL"),
		  T("2026-11-21T00:10:00Z"));
	log = check_at(s, c, n, "2026-11-21T00:20:00Z", &next);
	CHECK_STR(log, ""); /* a hold is logged once */
	CHECK_INT(next, T("2026-11-21T00:50:00Z"));
	g_free(log);
	log = check_at(s, c, n, "2026-11-21T00:50:00Z", &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): daily budget exceeded (120%) - Spent $12.00 of $10.00 today (2026-11-21).") != NULL);
	CHECK_INT(next, 0);
	g_free(log);
	CHECK_INT(q(s, "SELECT sent_at FROM alert_state WHERE period = 'day:2026-11-21' AND level = 2"),
		  T("2026-11-21T00:50:00Z"));
	CHECK_INT(q(s, "SELECT held_since FROM alert_state WHERE period = 'day:2026-11-21' AND level = 2"),
		  T("2026-11-21T00:10:00Z"));
	CHECK_INT(q(s, "SELECT count(*) FROM alert_state"), 3);
	log = check_at(s, c, n, "2026-11-21T03:00:00Z", &next);
	CHECK_STR(log, "");
	g_free(log);

	au_config_free(c);
	au_store_close(s);
}

static void test_alerts_quiet(au_notifier *n)
{
	au_store *s = open_store("quiet.db");
	au_config *c = cfg_from("[alerts]\nquiet_hours = 22:00-07:00\n[time]\ntimezone = Asia/Tokyo\n"
				"[budget q]\nperiod = day\nlimit = 1\n");
	int64_t next = -1;

	/* 23:00 in Tokyo: held until 07:00 */
	put(s, "q1", AU_SRC_CLAUDE, "2026-11-20T14:00:00Z", "/w/alpha", USD(1.2));
	char *log = check_at(s, c, n, "2026-11-20T14:05:00Z", &next);
	CHECK_STR(log, "aiusage: alert held until 2026-11-21 07:00 (quiet hours): q budget exceeded (120%) - Spent "
		       "$1.20 of $1.00 today (2026-11-20). Projected by the end of the day: $1.25. Top project: "
		       "alpha ($1.20).\n");
	g_free(log);
	CHECK_INT(q(s, "SELECT count(*) FROM alert_state WHERE period = 'day:2026-11-20' AND level = 2 AND sent_at IS "
		       "NULL"),
		  1);
	CHECK_INT(next, T("2026-11-20T22:00:00Z"));

	/* past midnight, a new period with nothing spent, still quiet */
	log = check_at(s, c, n, "2026-11-20T15:30:00Z", &next);
	CHECK_STR(log, "");
	CHECK_INT(next, T("2026-11-20T22:00:00Z"));
	g_free(log);

	/* 07:00: the held alert goes out, saying which day it was about */
	log = check_at(s, c, n, "2026-11-20T22:00:00Z", &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): q budget exceeded (120%) - Spent $1.20 of $1.00 on 2026-11-20. Top project: alpha "
			  "($1.20).\n") != NULL);
	CHECK_INT(next, 0);
	g_free(log);
	CHECK_INT(q(s, "SELECT sent_at FROM alert_state WHERE period = 'day:2026-11-20' AND level = 2"),
		  T("2026-11-20T22:00:00Z"));
	log = check_at(s, c, n, "2026-11-20T22:30:00Z", &next);
	CHECK_STR(log, "");
	g_free(log);
	au_config_free(c);

	/* a hold whose period ended more than a day before the quiet hours end
	 * (the machine slept) is dropped, not sent days late */
	c = cfg_from("[alerts]\nquiet_hours = 22:00-07:00\n[time]\ntimezone = Asia/Tokyo\n"
		     "[budget s]\nperiod = day\nlimit = 0.5\n");
	log = check_at(s, c, n, "2026-11-20T14:05:00Z", &next);
	CHECK(g_str_has_prefix(log, "aiusage: alert held until 2026-11-21 07:00 (quiet hours): s budget exceeded (240%)"));
	g_free(log);
	log = check_at(s, c, n, "2026-11-22T22:00:00Z", &next);
	CHECK(g_str_has_prefix(log, "aiusage: alert dropped (held past the end of its period): s budget exceeded "
				    "(240%) - Spent $1.20 of $0.50 on 2026-11-20."));
	CHECK_INT(next, 0);
	g_free(log);
	CHECK_INT(q(s, "SELECT count(*) FROM alert_state WHERE budget = 's'"), 0);
	au_config_free(c);
	au_store_close(s);
}

/* The table is drawn by reports/table.c like every other: exact bytes, the
 * status word coloured by level (only the word, not its padding). */
/* One alert check with team budgets' figures ({budget, day start, spent}). */
static char *check_team_at(au_store *s, const au_config *c, au_notifier *n, const char *now, const char *day,
			   int64_t spent, int64_t *ret_next)
{
	GArray *figs = g_array_new(FALSE, TRUE, sizeof(au_team_figure));
	au_team_figure f = {.budget = "t", .start_ms = day ? T(day) : 0, .spent = spent};
	if (day)
		g_array_append_val(figs, f);
	FILE *log = tmpfile();
	au_err err;
	int r = au_alerts_check(s, c, figs, n, T(now), log, ret_next, &err);
	g_array_free(figs, TRUE);
	CHECK_INT(r, 0);
	long len = ftell(log);
	char *text = g_malloc0((gsize)len + 1);
	rewind(log);
	CHECK_INT(fread(text, 1, (size_t)len, log), len);
	fclose(log);
	return text;
}

/* A team budget alerts on the server's figure handed in, never on the
 * local store's, under the usual rules (here the cooldown). */
static void test_alerts_team(au_notifier *n)
{
	au_store *s = open_store("team.db");
	au_config *c = cfg_from("[alerts]\ncooldown = 2h\n[time]\ntimezone = UTC\n"
				"[budget t]\nperiod = day\nlimit = 10\nscope = team\n");
	CHECK_INT(((au_budget *)c->budgets->pdata[0])->scope, AU_BUDGET_TEAM);
	int64_t next = -1;
	put(s, "t1", AU_SRC_CLAUDE, "2026-11-20T22:00:00Z", "/w/alpha", USD(20)); /* locally over */
	char *log = check_at(s, c, n, "2026-11-20T22:10:00Z", &next);
	CHECK_STR(log, ""); /* no figure yet */
	g_free(log);
	log = check_team_at(s, c, n, "2026-11-20T22:10:00Z", "2026-11-20T00:00:00Z", USD(5), &next);
	CHECK_STR(log, ""); /* the team's 50 % */
	g_free(log);
	log = check_team_at(s, c, n, "2026-11-20T22:10:00Z", "2026-11-20T00:00:00Z", USD(8.5), &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): t budget 85% used - Spent $8.50 of $10.00 by the team today (2026-11-20). Projected by "
			  "the end of the day: $9.20.\n") != NULL);
	g_free(log);
	log = check_team_at(s, c, n, "2026-11-20T22:20:00Z", "2026-11-20T00:00:00Z", USD(9), &next);
	CHECK_STR(log, ""); /* sent once */
	g_free(log);
	/* the next day within the cooldown: held; a figure of another day says
	 * nothing about it; its own day's sends it when the cooldown ends */
	log = check_team_at(s, c, n, "2026-11-21T00:05:00Z", "2026-11-21T00:00:00Z", USD(12), &next);
	CHECK(g_str_has_prefix(log, "aiusage: alert held until 2026-11-21 00:10 (cooldown): t budget exceeded (120%)"));
	CHECK_INT(next, T("2026-11-21T00:10:00Z"));
	g_free(log);
	log = check_team_at(s, c, n, "2026-11-21T00:10:00Z", "2026-11-20T00:00:00Z", USD(12), &next);
	CHECK_STR(log, "");
	g_free(log);
	log = check_team_at(s, c, n, "2026-11-21T00:10:00Z", "2026-11-21T00:00:00Z", USD(12), &next);
	CHECK(g_str_has_prefix(log, NO_BUS));
	CHECK(strstr(log, "): t budget exceeded (120%) - Spent $12.00 of $10.00 by the team today (2026-11-21).") !=
	      NULL);
	g_free(log);
	au_config_free(c);
	au_store_close(s);

	/* scope takes local or team */
	const char *text = "[budget x]\nperiod = day\nlimit = 1\nscope = everyone\n";
	au_config *bad = NULL;
	au_err err;
	CHECK_INT(au_config_parse(text, strlen(text), "test.ini", &bad, &err), -EINVAL);
	CHECK(strstr(err.msg, "test.ini:4: scope must be local or team, not 'everyone'") != NULL);
}

static void test_render(void)
{
	au_budget day = {.name = "daily", .period = AU_PERIOD_DAY, .limit_pico = USD(1)};
	au_budget mon = {.name = "m", .period = AU_PERIOD_MONTH, .source = AU_SRC_CLAUDE, .project = "app",
			 .limit_pico = USD(100)};
	au_budget_status sts[2] = {
		{.budget = &day, .period_key = "2026-11-16", .spent = USD(1.5), .limit = USD(1), .percent = 150,
		 .projected = USD(3), .level = AU_LEVEL_OVER, .unpriced = 2},
		{.budget = &mon, .period_key = "2026-11", .spent = USD(10), .limit = USD(100), .percent = 10,
		 .projected = USD(20.25), .level = AU_LEVEL_OK},
	};
	GArray *a = g_array_new(FALSE, FALSE, sizeof(au_budget_status));
	g_array_append_vals(a, sts, 2);
	for (int color = 0; color < 2; color++) {
		char *out = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&out, &n);
		au_budget_render_table(f, a, color, 0);
		fclose(f);
		const char *want_rows[2][2] = {
			{"│ daily  │ day 2026-11-16 │ all         │ $1.50 * │   $1.00 │ 150% │     $3.00 │ over   │\n",
			 "│ daily  │ day 2026-11-16 │ all         │ $1.50 * │   $1.00 │ 150% │     $3.00 │ \033[31mover\033[0m   │\n"},
			{"│ m      │ month 2026-11  │ claude, app │  $10.00 │ $100.00 │  10% │    $20.25 │ ok     │\n",
			 "│ m      │ month 2026-11  │ claude, app │  $10.00 │ $100.00 │  10% │    $20.25 │ \033[32mok\033[0m     │\n"},
		};
		CHECK(strstr(out, want_rows[0][color]) != NULL);
		CHECK(strstr(out, want_rows[1][color]) != NULL);
		CHECK(g_str_has_prefix(out, "┌────────┬────────────────┬─────────────┬─────────┬─────────┬──────┬───────────┬────────┐\n"));
		CHECK(strstr(out, "* usage of models with no known price is not counted") != NULL);
		if (!color)
			CHECK(strstr(out, "│ Budget │ Period         │ Scope       │   Spent │   Limit │ Used │ Projected │ Status │\n") !=
			      NULL);
		free(out);
	}
	g_array_free(a, TRUE);
}

int main(void)
{
	/* Tables draw box characters in a UTF-8 locale only, as main.c sets
	 * it from the environment; these tests check the UTF-8 form. */
	setlocale(LC_ALL, "C.UTF-8");
	test_render();
	dir = g_dir_make_tmp("aiusage-budget-XXXXXX", NULL);
	g_setenv("HOME", dir, TRUE);
	/* no session bus: every notification is a logged no-op */
	g_unsetenv("DBUS_SESSION_BUS_ADDRESS");
	g_unsetenv("DISPLAY");
	g_setenv("XDG_RUNTIME_DIR", dir, TRUE);

	test_config();
	test_config_all_errors();
	test_periods();
	test_evaluate();
	au_notifier *n = au_notifier_new();
	CHECK(!au_notify(n, "s", "b", 1));
	CHECK(g_str_has_prefix(au_notifier_error(n), "no D-Bus session bus"));
	test_alerts_cooldown(n);
	test_alerts_quiet(n);
	test_alerts_team(n);
	au_notifier_free(n);

	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d))) {
		char *p = g_build_filename(dir, name, NULL);
		g_unlink(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
	return check_done("test_budget");
}
