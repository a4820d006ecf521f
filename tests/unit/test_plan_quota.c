/*
 * Unit tests for the plan windows fetched from the tools' accounts
 * (src/cloud/plan_quota.c): both endpoints' parsers on answers shaped like
 * the public examples (values checked exactly; null, unlimited and missing
 * windows; bodies that are wrong), the login readers over files in a
 * private HOME (found where Claude Code and the Copilot plugins keep them,
 * $CLAUDE_CONFIG_DIR honoured, an expired login refused, the file left
 * byte-identical), and the [limits] section of config.ini. The HTTP side is
 * tests/e2e/plan_quota.sh, against a real server.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "config.h"
#include "plan_quota.h"

#define NOW INT64_C(1796142600000) /* 2026-12-01T16:30:00Z */

static const au_limit *find(GArray *a, const char *window)
{
	for (guint i = 0; i < a->len; i++)
		if (strcmp(g_array_index(a, au_limit, i).window, window) == 0)
			return &g_array_index(a, au_limit, i);
	return NULL;
}

static void test_claude_parse(void)
{
	const char *body =
		"{\"five_hour\":{\"utilization\":61.0,\"resets_at\":\"2026-12-01T18:59:59.571404+00:00\"},"
		"\"seven_day\":{\"utilization\":22,\"resets_at\":\"2026-12-05T09:00:00Z\"},"
		"\"seven_day_oauth_apps\":null,\"seven_day_opus\":null,"
		"\"seven_day_sonnet\":{\"utilization\":1.5,\"resets_at\":null},"
		"\"extra_usage\":{\"is_enabled\":false,\"monthly_limit\":null,\"used_credits\":null,\"utilization\":null}}";
	GArray *a = g_array_new(FALSE, FALSE, sizeof(au_limit));
	au_err err = {{0}};
	CHECK_INT(au_claude_usage_parse(body, strlen(body), "max", NOW, a, &err), 0);
	CHECK_INT(a->len, 3);
	const au_limit *l = find(a, "five_hour");
	CHECK(l != NULL);
	if (l) {
		CHECK_INT(l->source, AU_SRC_CLAUDE);
		CHECK_INT(l->window_minutes, 300);
		CHECK(l->used_percent == 61.0);
		CHECK_INT(l->resets_at_ms, INT64_C(1796151599571)); /* 18:59:59.571 UTC */
		CHECK_INT(l->observed_ms, NOW);
		CHECK_STR(l->plan, "max");
	}
	l = find(a, "seven_day");
	CHECK(l && l->used_percent == 22 && l->window_minutes == 7 * 1440 &&
	      l->resets_at_ms == INT64_C(1796461200000));
	l = find(a, "seven_day_sonnet");
	CHECK(l && l->used_percent == 1.5 && l->resets_at_ms == -1);
	CHECK(find(a, "seven_day_opus") == NULL);       /* null: no such window */
	CHECK(find(a, "seven_day_oauth_apps") == NULL); /* not one we report */
	CHECK(find(a, "extra_usage") == NULL);          /* credits, not a window */

	/* wrong answers add nothing */
	g_array_set_size(a, 0);
	static const char *const bad[] = {
		"",
		"<html>sign in</html>",
		"[]",
		"{\"five_hour\":null,\"seven_day\":null}",            /* neither window */
		"{\"error\":{\"type\":\"authentication_error\"}}",
		"{\"five_hour\":{\"resets_at\":\"2026-12-01T18:00:00Z\"}}", /* no utilization */
		"{\"five_hour\":{\"utilization\":\"61\"}}",
		"{\"five_hour\":{\"utilization\":10},\"seven_day\":{\"utilization\":-3}}",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		CHECK_INT(au_claude_usage_parse(bad[i], strlen(bad[i]), "", NOW, a, &err), -EINVAL);
		CHECK_INT(a->len, 0);
	}
	/* a window may come alone; no plan is "" */
	const char *one = "{\"seven_day\":{\"utilization\":0,\"resets_at\":\"2026-12-05T09:00:00Z\"}}";
	CHECK_INT(au_claude_usage_parse(one, strlen(one), NULL, NOW, a, &err), 0);
	CHECK(a->len == 1 && g_array_index(a, au_limit, 0).plan[0] == '\0');
	g_array_free(a, TRUE);
}

static void test_copilot_parse(void)
{
	const char *body = "{\"access_type_sku\":\"plus_monthly_subscriber_quota\",\"copilot_plan\":\"individual_pro\","
			   "\"quota_reset_date\":\"2027-01-01\","
			   "\"quota_snapshots\":{"
			   "\"chat\":{\"entitlement\":0,\"overage_count\":0,\"overage_permitted\":false,"
			   "\"percent_remaining\":100.0,\"quota_id\":\"chat\",\"remaining\":0,\"unlimited\":true},"
			   "\"completions\":{\"entitlement\":0,\"percent_remaining\":100.0,\"remaining\":0,"
			   "\"unlimited\":true},"
			   "\"premium_interactions\":{\"entitlement\":300,\"overage_count\":0,\"overage_permitted\":true,"
			   "\"percent_remaining\":73.0,\"quota_id\":\"premium_interactions\",\"remaining\":219,"
			   "\"unlimited\":false}}}";
	GArray *a = g_array_new(FALSE, FALSE, sizeof(au_limit));
	au_err err = {{0}};
	CHECK_INT(au_copilot_quota_parse(body, strlen(body), NOW, a, &err), 0);
	CHECK_INT(a->len, 1); /* chat and completions are unlimited */
	const au_limit *l = find(a, "premium_interactions");
	CHECK(l != NULL);
	if (l) {
		CHECK_INT(l->source, AU_SRC_COPILOT);
		CHECK(l->used_percent == 27.0);
		CHECK_INT(l->window_minutes, 0);
		CHECK_INT(l->resets_at_ms, INT64_C(1798761600000)); /* 2027-01-01T00:00:00Z */
		CHECK_STR(l->plan, "individual_pro");
		CHECK_INT(l->observed_ms, NOW);
	}

	/* a free plan: limited chat and completions; the UTC timestamp wins;
	 * no percent_remaining: from entitlement and remaining */
	g_array_set_size(a, 0);
	const char *free_plan = "{\"copilot_plan\":\"free\",\"quota_reset_date\":\"2026-12-20\","
				"\"quota_reset_date_utc\":\"2026-12-20T00:00:00.000Z\",\"quota_snapshots\":{"
				"\"chat\":{\"entitlement\":50,\"remaining\":40,\"unlimited\":false},"
				"\"completions\":{\"entitlement\":2000,\"remaining\":2000,\"percent_remaining\":100,"
				"\"unlimited\":false}}}";
	CHECK_INT(au_copilot_quota_parse(free_plan, strlen(free_plan), NOW, a, &err), 0);
	CHECK_INT(a->len, 2);
	l = find(a, "chat");
	CHECK(l && l->used_percent == 20.0 && l->resets_at_ms == INT64_C(1797724800000));
	l = find(a, "completions");
	CHECK(l && l->used_percent == 0.0 && strcmp(l->plan, "free") == 0);
	/* overage: remaining below zero is over 100 % */
	g_array_set_size(a, 0);
	const char *over = "{\"quota_snapshots\":{\"premium_interactions\":{\"entitlement\":300,\"remaining\":-30,"
			   "\"percent_remaining\":-10,\"unlimited\":false}}}";
	CHECK_INT(au_copilot_quota_parse(over, strlen(over), NOW, a, &err), 0);
	CHECK(a->len == 1 && g_array_index(a, au_limit, 0).used_percent == 110.0 &&
	      g_array_index(a, au_limit, 0).resets_at_ms == -1);

	g_array_set_size(a, 0);
	static const char *const bad[] = {
		"",
		"{\"message\":\"Bad credentials\"}",
		"{\"quota_snapshots\":null}",
		"{\"quota_snapshots\":{\"chat\":{\"unlimited\":false}}}",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		CHECK_INT(au_copilot_quota_parse(bad[i], strlen(bad[i]), NOW, a, &err), -EINVAL);
		CHECK_INT(a->len, 0);
	}
	g_array_free(a, TRUE);
}

static void write_file(const char *path, const char *text)
{
	char *dir = g_path_get_dirname(path);
	g_mkdir_with_parents(dir, 0700);
	g_free(dir);
	CHECK(g_file_set_contents(path, text, -1, NULL));
	chmod(path, 0600);
}

static char *slurp(const char *path)
{
	char *t = NULL;
	g_file_get_contents(path, &t, NULL, NULL);
	return t;
}

static void test_logins(void)
{
	char *home = g_dir_make_tmp("aiusage-quota-XXXXXX", NULL);
	g_setenv("HOME", home, TRUE);
	g_unsetenv("XDG_CONFIG_HOME");
	g_unsetenv("CLAUDE_CONFIG_DIR");
	au_quota_login l;
	au_err err = {{0}};

	/* nothing stored: -ENOENT, saying where it looked */
	CHECK_INT(au_claude_login_read(NOW, &l, &err), -ENOENT);
	CHECK(strstr(err.msg, "/.claude/.credentials.json") != NULL);
	CHECK_INT(au_copilot_login_read(&l, &err), -ENOENT);
	CHECK(strstr(err.msg, "/.config/github-copilot/apps.json") != NULL);

	char *cred = g_build_filename(home, ".claude", ".credentials.json", NULL);
	const char *text = "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-unit-test-token\",\"refreshToken\":"
			   "\"sk-ant-ort01-unit-refresh\",\"expiresAt\":4102444800000,\"scopes\":[\"user:inference\","
			   "\"user:profile\"],\"subscriptionType\":\"max\"}}";
	write_file(cred, text);
	CHECK_INT(au_claude_login_read(NOW, &l, &err), 0);
	CHECK_STR(l.token, "sk-ant-oat01-unit-test-token");
	CHECK_STR(l.plan, "max");
	CHECK_STR(l.path, cred);
	au_quota_login_release(&l);
	CHECK(l.token == NULL);

	/* expired: refused, the file as it was, the token not in the message */
	const char *expired = "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-unit-old-token\","
			      "\"expiresAt\":1796142599000,\"subscriptionType\":\"pro\"}}";
	write_file(cred, expired);
	CHECK_INT(au_claude_login_read(NOW, &l, &err), -EKEYEXPIRED);
	CHECK(strstr(err.msg, "run Claude Code to refresh its login") != NULL);
	CHECK(strstr(err.msg, "2026-12-01T16:29:59Z") != NULL);
	CHECK(strstr(err.msg, "unit-old-token") == NULL);
	char *after = slurp(cred);
	CHECK_STR(after, expired);
	g_free(after);

	/* a token that could break out of its header is no token */
	write_file(cred, "{\"claudeAiOauth\":{\"accessToken\":\"abc\\r\\nX-Evil: 1\",\"expiresAt\":4102444800000}}");
	CHECK_INT(au_claude_login_read(NOW, &l, &err), -EINVAL);
	CHECK(strstr(err.msg, "Evil") == NULL);
	write_file(cred, "{\"claudeAiOauth\":{}}");
	CHECK_INT(au_claude_login_read(NOW, &l, &err), -EINVAL);

	/* $CLAUDE_CONFIG_DIR: its entries, in order (one naming projects/ too) */
	char *other = g_build_filename(home, "work-claude", NULL);
	char *other_cred = g_build_filename(other, ".credentials.json", NULL);
	write_file(other_cred, text);
	char *env = g_strdup_printf("%s/none,%s/projects", home, other);
	g_setenv("CLAUDE_CONFIG_DIR", env, TRUE);
	CHECK_INT(au_claude_login_read(NOW, &l, &err), 0);
	CHECK_STR(l.path, other_cred);
	au_quota_login_release(&l);
	g_unsetenv("CLAUDE_CONFIG_DIR");

	/* Copilot: apps.json first, "github.com:APP" keys, other hosts ignored */
	char *apps = g_build_filename(home, ".config", "github-copilot", "apps.json", NULL);
	char *hosts = g_build_filename(home, ".config", "github-copilot", "hosts.json", NULL);
	write_file(hosts, "{\"github.com\":{\"user\":\"octo\",\"oauth_token\":\"gho_hosts_token\"}}");
	CHECK_INT(au_copilot_login_read(&l, &err), 0);
	CHECK_STR(l.token, "gho_hosts_token");
	CHECK_STR(l.path, hosts);
	au_quota_login_release(&l);
	write_file(apps, "{\"ghe.example.com:Iv1.x\":{\"user\":\"o\",\"oauth_token\":\"ghu_enterprise\"},"
			 "\"github.com:Iv1.b507a08c87ecfe98\":{\"user\":\"octo\",\"oauth_token\":\"ghu_apps_token\","
			 "\"githubAppId\":\"Iv1.b507a08c87ecfe98\"}}");
	CHECK_INT(au_copilot_login_read(&l, &err), 0);
	CHECK_STR(l.token, "ghu_apps_token");
	CHECK_STR(l.path, apps);
	au_quota_login_release(&l);
	write_file(apps, "{\"ghe.example.com\":{\"oauth_token\":\"ghu_enterprise\"}}");
	CHECK_INT(au_copilot_login_read(&l, &err), -EINVAL);
	CHECK(strstr(err.msg, "ghu_enterprise") == NULL);
	/* $XDG_CONFIG_HOME moves it */
	char *xdg = g_build_filename(home, "xdg", NULL);
	char *xapps = g_build_filename(xdg, "github-copilot", "apps.json", NULL);
	write_file(xapps, "{\"github.com\":{\"oauth_token\":\"gho_xdg\"}}");
	g_setenv("XDG_CONFIG_HOME", xdg, TRUE);
	CHECK_INT(au_copilot_login_read(&l, &err), 0);
	CHECK_STR(l.token, "gho_xdg");
	au_quota_login_release(&l);
	g_unsetenv("XDG_CONFIG_HOME");

	char *rm = g_strdup_printf("rm -rf '%s'", home);
	CHECK(system(rm) == 0);
	g_free(rm);
	g_free(xdg);
	g_free(xapps);
	g_free(apps);
	g_free(hosts);
	g_free(env);
	g_free(other);
	g_free(other_cred);
	g_free(cred);
	g_free(home);
}

static void test_config(void)
{
	au_config *c = NULL;
	au_err err = {{0}};
	/* off by default */
	const char *none = "[alerts]\nwarn_percent = 80\n";
	CHECK_INT(au_config_parse(none, strlen(none), "t.ini", &c, &err), 0);
	CHECK(c && !c->fetch.claude_oauth && !c->fetch.copilot_quota && c->fetch.interval_s == 900 &&
	      c->fetch.timeout_s == 20 && !c->fetch.claude_base_url && !c->fetch.copilot_base_url);
	au_config_free(c);

	const char *on = "[limits]\nclaude_oauth = true\ncopilot_quota = yes\nclaude_base_url = http://127.0.0.1:8080/\n"
			 "copilot_base_url = https://ghe.example.com/api/v3\ninterval = 30m\ntimeout = 5\n";
	CHECK_INT(au_config_parse(on, strlen(on), "t.ini", &c, &err), 0);
	if (c) {
		CHECK(c->fetch.claude_oauth && c->fetch.copilot_quota);
		CHECK_STR(c->fetch.claude_base_url, "http://127.0.0.1:8080");
		CHECK_STR(c->fetch.copilot_base_url, "https://ghe.example.com/api/v3");
		CHECK_INT(c->fetch.interval_s, 1800);
		CHECK_INT(c->fetch.timeout_s, 5);
		au_config_free(c);
	}
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"[limits]\nclaude_oauth = maybe\n", "t.ini:2: claude_oauth must be true or false, not 'maybe'"},
		{"[limits]\n\nclaude_base_url = http://example.com\n", "t.ini:3: claude_base_url must be an https:// URL"},
		{"[limits]\ncopilot_base_url = https://api.github.com/?x=1\n", "t.ini:2: copilot_base_url must be"},
		{"[limits]\ninterval = 10s\n", "t.ini:2: interval must be a duration from 60s"},
		{"[limits]\nclaude = true\n", "t.ini:2: unknown setting 'claude' in [limits]"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		c = NULL;
		CHECK_INT(au_config_parse(bad[i].text, strlen(bad[i].text), "t.ini", &c, &err), -EINVAL);
		CHECK(c == NULL);
		if (strncmp(err.msg, bad[i].want, strlen(bad[i].want)) != 0) {
			fprintf(stderr, "config error: got '%s', want '%s...'\n", err.msg, bad[i].want);
			check_failures++;
		}
	}
	/* the example config parses, with both off */
	const char *ex = au_config_example();
	CHECK_INT(au_config_parse(ex, strlen(ex), "example", &c, &err), 0);
	CHECK(c && !c->fetch.claude_oauth && !c->fetch.copilot_quota);
	au_config_free(c);
}

int main(void)
{
	test_claude_parse();
	test_copilot_parse();
	test_logins();
	test_config();
	return check_done("test_plan_quota");
}
