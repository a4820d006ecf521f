/*
 * aiusage limits: each tool's latest plan window as the tool reported it
 * (Codex's rate_limits in its logs, Claude's through the statusline, and
 * with --refresh what the accounts [limits] turns on say: plan_quota.h),
 * with how old that is, the time to the reset, and our estimate beside it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "dayarg.h"
#include "jsonw.h"
#include "limit_view.h"
#include "plan_quota.h"

enum { OPT_REFRESH };

static void json_time(au_jw *w, const char *key, int64_t ms)
{
	au_jw_key(w, key);
	if (ms < 0) {
		au_jw_null(w);
		return;
	}
	char s[32];
	au_format_utc(ms, false, s);
	au_jw_str(w, s);
}

/* A percentage to two decimals, trailing zeros trimmed: 42.5, 7. */
static void json_pct(au_jw *w, const char *key, double v)
{
	au_jw_key(w, key);
	au_jw_decimal(w, (int64_t)llround(v * 100), 2);
}

static void print_json(const au_limit_view *v, size_t n)
{
	au_jw jw, *w = &jw;
	au_jw_init_file(w, stdout);
	au_jw_obj_begin(w);
	au_jw_key(w, "limits");
	au_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		const au_limit *l = &v[i].lim;
		au_jw_obj_begin(w);
		au_jw_kstr(w, "source", au_source_name(l->source));
		au_jw_kstr(w, "window", l->window);
		au_jw_key(w, "windowMinutes");
		if (l->window_minutes > 0)
			au_jw_int(w, l->window_minutes);
		else
			au_jw_null(w);
		json_pct(w, "usedPercent", l->used_percent);
		json_time(w, "resetsAt", l->resets_at_ms);
		json_time(w, "observedAt", l->observed_ms);
		au_jw_key(w, "planType");
		if (l->plan[0])
			au_jw_str(w, l->plan);
		else
			au_jw_null(w);
		au_jw_kint(w, "ageSeconds", v[i].age_ms / 1000);
		au_jw_key(w, "resetsInSeconds");
		if (v[i].has_reset)
			au_jw_int(w, v[i].resets_in_ms > 0 ? v[i].resets_in_ms / 1000 : 0);
		else
			au_jw_null(w);
		/* ours, not the tool's: named so */
		au_jw_key(w, "localEstimate");
		if (v[i].has_estimate) {
			au_jw_obj_begin(w);
			au_jw_kstr(w, "by", "aiusage");
			json_pct(w, "burnPercentPerHour", v[i].burn_per_hour);
			json_pct(w, "projectedPercentAtReset", v[i].projected_at_reset);
			json_time(w, "limitReachedAt", v[i].full_at_ms);
			au_jw_obj_end(w);
		} else {
			au_jw_null(w);
		}
		au_jw_obj_end(w);
	}
	au_jw_arr_end(w);
	au_jw_obj_end(w);
	au_jw_newline(w);
	au_jw_finish(w);
}

static void window_len(int32_t minutes, char *buf, size_t n)
{
	if (minutes <= 0)
		snprintf(buf, n, "?");
	else if (minutes % 1440 == 0)
		snprintf(buf, n, "%dd", minutes / 1440);
	else if (minutes % 60 == 0)
		snprintf(buf, n, "%dh", minutes / 60);
	else
		snprintf(buf, n, "%dm", minutes);
}

static void print_text(const au_limit_view *v, size_t n)
{
	if (!n) {
		printf("No plan limits seen yet. Codex records them in its logs; Claude Code passes them\n"
		       "to `aiusage statusline` (see the README); [limits] in config.ini can turn on\n"
		       "fetching Claude's and Copilot's from their accounts (`aiusage limits --refresh`).\n");
		return;
	}
	printf("%-8s %-10s %-6s %-6s %6s %-12s %-12s | %-9s %s\n", "Source", "Window", "Length", "Plan", "Used",
	       "Observed", "Resets in", "Burn/h", "At reset (our estimate)");
	for (size_t i = 0; i < n; i++) {
		const au_limit *l = &v[i].lim;
		char len[16], age[32], reset[32], burn[32] = "-", proj[64] = "-";
		window_len(l->window_minutes, len, sizeof(len));
		au_fmt_duration(v[i].age_ms, age, sizeof(age));
		strncat(age, " ago", sizeof(age) - strlen(age) - 1);
		if (!v[i].has_reset)
			snprintf(reset, sizeof(reset), "?");
		else if (v[i].window_over)
			snprintf(reset, sizeof(reset), "reset since");
		else
			au_fmt_duration(v[i].resets_in_ms, reset, sizeof(reset));
		if (v[i].has_estimate) {
			snprintf(burn, sizeof(burn), "%.1f%%", v[i].burn_per_hour);
			snprintf(proj, sizeof(proj), "%.0f%%%s", v[i].projected_at_reset,
				 v[i].full_at_ms >= 0 ? " (limit before the reset)" : "");
		}
		char used[16];
		snprintf(used, sizeof(used), "%.1f%%", l->used_percent);
		printf("%-8s %-10s %-6s %-6s %6s %-12s %-12s | %-9s %s\n", au_source_name(l->source), l->window, len,
		       l->plan[0] ? l->plan : "-", used, age, reset, burn, proj);
	}
	printf("Used and reset times are the tools' own figures; burn rate and the projection are\n"
	       "aiusage's estimate from the observations in the current window.\n");
}

/*
 * --refresh: asks each account [limits] turns on, now. Off by default:
 * with nothing turned on, nothing is read and no request is made. false
 * when one failed (said on stderr; what was stored before stays).
 */
static bool refresh(const au_opts *o, au_store *s, bool writable, int64_t now)
{
	au_config *cfg = NULL;
	au_err err = {{0}};
	if (au_config_load(o->config_path, &cfg, &err) < 0) {
		fprintf(stderr, "aiusage limits: --refresh: %s\n", err.msg);
		return false;
	}
	bool ok = true, any = false;
	for (int p = 0; p < AU_QUOTA_N; p++) {
		if (!au_quota_enabled(&cfg->fetch, (au_quota_provider)p))
			continue;
		any = true;
		if (!writable) {
			fprintf(stderr, "aiusage limits: --refresh: %s: not fetched, the store cannot be written\n",
				au_quota_name((au_quota_provider)p));
			ok = false;
			continue;
		}
		au_quota_result res;
		if (au_quota_fetch(s, &cfg->fetch, (au_quota_provider)p, now, &res) < 0) {
			fprintf(stderr, "aiusage limits: %s: %s\n", au_quota_name((au_quota_provider)p), res.err.msg);
			ok = false;
		} else if (o->verbose) {
			fprintf(stderr, "aiusage limits: %s: %d window(s) fetched\n", au_quota_name((au_quota_provider)p),
				res.windows);
		}
	}
	if (!any && !o->quiet)
		fprintf(stderr,
			"aiusage limits: --refresh: nothing to fetch: [limits] in %s turns on claude_oauth or "
			"copilot_quota (see 'aiusage config --example')\n",
			cfg->path ? cfg->path : "the config file");
	au_config_free(cfg);
	return ok;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	int64_t now;
	au_err err = {{0}};
	if (au_now_pinned(&now, &err) < 0) {
		fprintf(stderr, "aiusage limits: %s\n", err.msg);
		au_opts_release(&o);
		return AU_EXIT_USAGE;
	}
	bool writable;
	au_pricing *p = au_load_pricing(&o);
	au_store *s = p ? au_open_store(&o, &writable) : NULL;
	code = AU_EXIT_FAIL;
	if (s) {
		au_scan_stats st;
		bool ok = au_run_scan(s, p, &o, &st, writable);
		au_print_scan_warnings(&st, &o);
		au_scan_stats_release(&st);
		if (au_opt_own(&o, OPT_REFRESH) && !refresh(&o, s, writable, now))
			ok = false;
		au_limit_view *v;
		size_t n;
		if (au_limit_views(s, now, &v, &n, &err) < 0) {
			fprintf(stderr, "aiusage limits: %s\n", err.msg);
		} else {
			size_t k = 0; /* --source keeps one tool's windows */
			for (size_t i = 0; i < n; i++)
				if (!o.source_given || o.source == AU_SRC_NONE || v[i].lim.source == o.source)
					v[k++] = v[i];
			if (o.json)
				print_json(v, k);
			else
				print_text(v, k);
			g_free(v);
			code = ok ? AU_EXIT_OK : AU_EXIT_FAIL;
		}
	}
	au_store_close(s);
	au_pricing_free(p);
	au_opts_release(&o);
	return code;
}

static const au_option opt_refresh = {
	"refresh", 0, NULL,
	"first fetch the windows of the accounts [limits] in config.ini\n"
	"turns on (Claude's usage endpoint, Copilot's quota; off by default)",
	AU_OWN(OPT_REFRESH)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_refresh),
	AU_O(AU_O_SOURCE),
	AU_OH(AU_O_JSON, "{\"limits\":[{source, window, windowMinutes, usedPercent, resetsAt, observedAt,\n"
			 "planType, ageSeconds, resetsInSeconds, localEstimate}]}"),
	AU_OPTS_STORE,
	AU_OH(AU_O_CONFIG, "the config file --refresh reads [limits] from"),
	AU_OPTS_WARN,
	AU_OPTS_END,
};

const au_cmd au_cmd_limits_entry = {
	.name = "limits",
	.summary = "each tool's plan windows (5-hour, weekly) as the tool reported them, with our estimate",
	.description =
		"Prints the latest rate-limit window each tool reported: Codex's primary and\n"
		"secondary windows from its logs, Claude's five_hour and seven_day windows from\n"
		"`aiusage statusline`. Beside the tool's figure: how old it is, the time to the\n"
		"reset, and aiusage's own estimate (the burn rate in this window and the\n"
		"projected % at the reset), labelled as ours. AIUSAGE_NOW pins the clock.\n"
		"\n"
		"--refresh first asks the accounts [limits] in config.ini turns on (both off by\n"
		"default): Claude's OAuth usage endpoint with the login Claude Code stores\n"
		"(five_hour, seven_day, seven_day_opus, seven_day_sonnet) and GitHub's Copilot\n"
		"quota (premium_interactions, chat, completions). Those login files are only\n"
		"read, never written or refreshed; an expired login is reported, nothing more.\n"
		"`aiusage watch` fetches them too, every [limits] interval.\n",
	.options = options,
	.examples = "aiusage limits\naiusage limits --json --source codex\naiusage limits --refresh\n",
	.run = run,
};
