/*
 * aiusage cloud [report|sync|check]: the providers' billed figures beside
 * the local estimate. `sync` polls each configured provider once into the
 * store, `check` says whether each key is found and accepted, and the
 * report reads only the store: per UTC day and provider the billed cost and
 * tokens, the cost of this machine's logs for the same provider, the gap.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloud.h"
#include "cloud_report.h"
#include "dayarg.h"
#include "jsonw.h"
#include "sources.h"

typedef struct cloud_opts {
	const au_cmd *cmd; /* the subcommand, for usage errors */
	const char *sub;
	char *since, *until, *provider, *config, *db;
	bool json, csv, no_scan;
	int quiet;
} cloud_opts;

static void opts_release(cloud_opts *o)
{
	free(o->since);
	free(o->until);
	free(o->provider);
	free(o->config);
	free(o->db);
}

enum { OPT_PROVIDER };

/* The options into cloud_opts; false with *ret_exit when the command
 * should stop (a usage error or --help). */
static bool parse_args(const au_cmd *cmd, int argc, char **argv, cloud_opts *o, int *ret_exit)
{
	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->sub = cmd->name;
	au_opts a;
	if (!au_parse_options(cmd, argc, argv, &a, ret_exit))
		return false;
	const char *provider = au_opt_own(&a, OPT_PROVIDER);
	if (provider && !au_cloud_provider_by_name(provider)) {
		*ret_exit = au_usage_error(cmd, "unknown provider '%s' (known: anthropic, openai, openrouter, deepseek)",
					   provider);
		au_opts_release(&a);
		return false;
	}
	o->provider = provider ? xstrdup(provider) : NULL;
	/* the strings change hands: a's release frees the rest */
	o->since = a.since, a.since = NULL;
	o->until = a.until, a.until = NULL;
	o->config = a.config_path, a.config_path = NULL;
	o->db = a.db_path, a.db_path = NULL;
	o->json = a.json;
	o->csv = a.csv;
	o->no_scan = a.no_scan;
	o->quiet = a.quiet;
	au_opts_release(&a);
	return true;
}

static void day_str(int64_t day, char *buf, size_t n)
{
	int y;
	unsigned m, d;
	au_civil_from_days(day, &y, &m, &d);
	snprintf(buf, n, "%04d-%02u-%02u", y, m, d);
}

static int64_t now_ms(void)
{
	return g_get_real_time() / 1000;
}

/* --since/--until as UTC days (billing days are UTC); false after
 * printing the usage error into *ret_exit. */
static bool parse_days(const cloud_opts *o, int64_t *since, int64_t *until, int *ret_exit)
{
	au_err err;
	int64_t now;
	if (au_now_pinned(&now, &err) < 0) {
		*ret_exit = au_usage_error(o->cmd, "%s", err.msg);
		return false;
	}
	if (o->since && au_day_arg_parse(o->since, AU_DAY_SINCE, now, NULL, since, &err) < 0) {
		*ret_exit = au_usage_error(o->cmd, "--since %s", err.msg);
		return false;
	}
	if (o->until && au_day_arg_parse(o->until, AU_DAY_UNTIL, now, NULL, until, &err) < 0) {
		*ret_exit = au_usage_error(o->cmd, "--until %s", err.msg);
		return false;
	}
	return true;
}

static au_cloud_config *load_config(const cloud_opts *o, bool fatal)
{
	au_cloud_config *c = NULL;
	au_err err;
	if (au_cloud_config_load(o->config, &c, &err) < 0) {
		fprintf(stderr, "aiusage: %s%s\n", fatal ? "" : "warning: ", err.msg);
		return NULL;
	}
	if (c->warning)
		fprintf(stderr, "aiusage: warning: %s\n", c->warning);
	return c;
}

static char *config_path(const cloud_opts *o)
{
	return o->config ? xstrdup(o->config) : au_config_default_path();
}

/* ---- sync ---- */

static int run_sync(cloud_opts *o)
{
	int64_t since = INT64_MIN, until_unused = INT64_MAX;
	int refused;
	if (!parse_days(o, &since, &until_unused, &refused))
		return refused;
	au_cloud_config *cfg = load_config(o, true);
	if (!cfg)
		return AU_EXIT_FAIL;
	if (cfg->confs->len == 0) {
		char *p = config_path(o);
		printf("No cloud provider is configured, so nothing was fetched (aiusage makes no network\n"
		       "connection until you add one). Add a [cloud.anthropic], [cloud.openai],\n"
		       "[cloud.openrouter] or [cloud.deepseek] group to %s;\n"
		       "the README's \"Cloud billing\" section shows how.\n",
		       p);
		free(p);
		au_cloud_config_free(cfg);
		return AU_EXIT_OK;
	}
	if (o->provider && !au_cloud_config_get(cfg, o->provider)) {
		char *p = config_path(o);
		fprintf(stderr, "aiusage: cloud: %s is not configured: add [cloud.%s] to %s\n", o->provider, o->provider,
			p);
		free(p);
		au_cloud_config_free(cfg);
		return AU_EXIT_USAGE;
	}
	au_opts so;
	memset(&so, 0, sizeof(so));
	so.db_path = o->db;
	bool writable;
	au_store *s = au_open_store(&so, &writable);
	if (!s || !writable) {
		if (s) {
			fprintf(stderr, "aiusage: cloud sync needs to write the store\n");
			au_store_close(s);
		}
		au_cloud_config_free(cfg);
		return AU_EXIT_FAIL;
	}
	int code = AU_EXIT_OK;
	for (guint i = 0; i < cfg->confs->len; i++) {
		const au_cloud_conf *cc = cfg->confs->pdata[i];
		const char *name = cc->provider->name;
		if (o->provider && strcmp(o->provider, name) != 0)
			continue;
		au_cloud_sync_stats st;
		au_cloud_sync_stats_init(&st);
		au_err err;
		int r = au_cloud_sync(s, cc, now_ms(), since, &st, &err);
		if (r < 0 && r != -EIO) {
			fprintf(stderr, "aiusage: cloud: %s: %s\n", name, err.msg);
			code = AU_EXIT_FAIL;
		} else {
			char a[16], b[16];
			day_str(st.first_day, a, sizeof(a));
			day_str(st.last_day, b, sizeof(b));
			printf("%-10s %" PRId64 " usage row(s), %" PRId64 " cost row(s)%s stored for %s..%s (%d request(s))%s\n",
			       name, st.usage_rows, st.cost_rows, st.balance ? " and the balance" : "", a, b, st.requests,
			       st.errors->len ? "; some endpoints failed" : "");
			for (guint j = 0; j < st.errors->len; j++)
				fprintf(stderr, "aiusage: cloud: %s: %s\n", name, (char *)st.errors->pdata[j]);
			if (r < 0)
				code = AU_EXIT_FAIL;
		}
		for (guint j = 0; j < st.notes->len && !o->quiet; j++)
			fprintf(stderr, "aiusage: cloud: note: %s: %s\n", name, (char *)st.notes->pdata[j]);
		au_cloud_sync_stats_release(&st);
	}
	au_store_close(s);
	au_cloud_config_free(cfg);
	return code;
}

/* ---- check ---- */

static int run_check(cloud_opts *o)
{
	au_cloud_config *cfg = load_config(o, true);
	if (!cfg)
		return AU_EXIT_FAIL;
	int code = AU_EXIT_OK;
	au_jw jw;
	au_jw_init_file(&jw, stdout);
	if (o->json) {
		au_jw_obj_begin(&jw);
		au_jw_key(&jw, "providers");
		au_jw_arr_begin(&jw);
	}
	for (size_t i = 0; i < au_cloud_n_providers; i++) {
		const au_cloud_provider *p = &au_cloud_providers[i];
		if (o->provider && strcmp(o->provider, p->name) != 0)
			continue;
		const au_cloud_conf *cc = au_cloud_config_get(cfg, p->name);
		au_cloud_check_state state = AU_CHECK_NO_KEY;
		char *from = NULL;
		au_err err = {""};
		if (cc) {
			state = au_cloud_check(cc, now_ms(), &from, &err);
			if (state != AU_CHECK_VALID)
				code = AU_EXIT_FAIL;
		}
		const char *word = !cc                         ? "not configured"
				   : state == AU_CHECK_NO_KEY   ? "no key"
				   : state == AU_CHECK_VALID    ? "valid"
				   : state == AU_CHECK_REJECTED ? "rejected"
								: "could not tell";
		if (o->json) {
			au_jw_newline(&jw);
			au_jw_obj_begin(&jw);
			au_jw_kstr(&jw, "provider", p->name);
			au_jw_kbool(&jw, "configured", cc);
			au_jw_kbool(&jw, "keyFound", cc && state != AU_CHECK_NO_KEY);
			au_jw_kstr(&jw, "keyFrom", from);
			au_jw_kbool(&jw, "valid", state == AU_CHECK_VALID && cc);
			au_jw_kstr(&jw, "status", word);
			au_jw_kstr(&jw, "message", cc && state != AU_CHECK_VALID ? err.msg : NULL);
			au_jw_obj_end(&jw);
		} else if (!cc) {
			printf("%-10s not configured\n", p->name);
		} else if (state == AU_CHECK_NO_KEY) {
			printf("%-10s no key: %s\n", p->name,
			       g_str_has_prefix(err.msg, "no key: ") ? err.msg + 8 : err.msg);
		} else if (state == AU_CHECK_VALID) {
			printf("%-10s key from %s: valid (%s accepted it at %s)\n", p->name, from, p->title, cc->sec->base_url);
		} else {
			printf("%-10s key from %s: %s: %s\n", p->name, from, word, err.msg);
		}
		free(from);
	}
	if (o->json) {
		au_jw_arr_end(&jw);
		au_jw_obj_end(&jw);
		au_jw_newline(&jw);
		au_jw_finish(&jw);
	} else if (cfg->confs->len == 0) {
		char *path = config_path(o);
		printf("\nNo provider is configured in %s; the README's \"Cloud billing\" section\n"
		       "shows how to add one.\n",
		       path);
		free(path);
	}
	au_cloud_config_free(cfg);
	return code;
}

/* ---- report ---- */

static int run_report(cloud_opts *o)
{
	int64_t since = INT64_MIN, until = INT64_MAX;
	int refused;
	if (!parse_days(o, &since, &until, &refused))
		return refused;
	if (since != INT64_MIN && until != INT64_MAX && since > until) {
		fprintf(stderr, "aiusage: --since is after --until\n");
		return AU_EXIT_USAGE;
	}
	/* The report needs no network; a refused config only loses the list
	 * of configured providers, so it is a warning here. */
	au_cloud_config *cfg = load_config(o, false);

	au_opts so;
	memset(&so, 0, sizeof(so));
	so.db_path = o->db;
	so.no_scan = o->no_scan;
	so.quiet = o->quiet;
	int code = AU_EXIT_FAIL;
	bool writable;
	au_pricing *pr = au_load_pricing(&so);
	au_store *s = pr ? au_open_store(&so, &writable) : NULL;
	if (!s)
		goto out;
	code = AU_EXIT_OK;
	au_scan_stats scan;
	if (!au_run_scan(s, pr, &so, &scan, writable))
		code = AU_EXIT_FAIL;
	au_print_scan_warnings(&scan, &so);
	au_scan_stats_release(&scan);

	if (until == INT64_MAX)
		until = now_ms() / AU_CLOUD_DAY_MS;
	au_cloud_report_provider provs[16];
	size_t n = 0;
	for (size_t i = 0; i < au_cloud_n_providers && n < G_N_ELEMENTS(provs); i++, n++)
		provs[n] = (au_cloud_report_provider){
			.name = au_cloud_providers[i].name,
			.local_source = au_cloud_providers[i].local_source,
			.configured = cfg && au_cloud_config_get(cfg, au_cloud_providers[i].name),
		};
	au_cloud_report_opts ro = {
		.providers = provs,
		.n_providers = n,
		.provider = o->provider,
		.since_day = since,
		.until_day = until,
	};
	au_cloud_report *rep;
	au_err err;
	if (au_cloud_report_build(s, &ro, &rep, &err) < 0) {
		fprintf(stderr, "aiusage: %s\n", err.msg);
		code = AU_EXIT_FAIL;
		goto out;
	}
	if (o->json)
		au_cloud_report_json(stdout, rep);
	else if (o->csv)
		au_cloud_report_csv(stdout, rep);
	else
		au_cloud_report_table(stdout, rep);
	au_cloud_report_free(rep);
out:
	if (s)
		au_store_close(s);
	if (pr)
		au_pricing_free(pr);
	au_cloud_config_free(cfg);
	return code;
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	cloud_opts o;
	int code;
	if (!parse_args(cmd, argc, argv, &o, &code)) {
		opts_release(&o);
		return code;
	}
	if (strcmp(o.sub, "sync") == 0)
		code = run_sync(&o);
	else if (strcmp(o.sub, "check") == 0)
		code = run_check(&o);
	else
		code = run_report(&o);
	opts_release(&o);
	return code;
}

static const au_option opt_provider = {"provider", 0, "NAME",
				       "only this provider (anthropic, openai, openrouter, deepseek)",
				       AU_OWN(OPT_PROVIDER)};

static const au_cmd_opt report_opts[] = {
	AU_OH(AU_O_SINCE, "first UTC day (default: the first synced day)"),
	AU_OH(AU_O_UNTIL, "last UTC day"),
	AU_OWN_OPT(opt_provider),
	AU_OH(AU_O_JSON, "JSON (amounts are exact decimal dollars)"),
	AU_O(AU_O_CSV),
	AU_O(AU_O_CONFIG),
	AU_OH(AU_O_NO_SCAN, "the local estimate from the store as it is, without reading logs"),
	AU_O(AU_O_DB),
	AU_OH(AU_O_QUIET, "no notes on stderr"),
	AU_OPTS_END,
};

static const au_cmd_opt sync_opts[] = {
	AU_OH(AU_O_SINCE, "first UTC day to fetch (default: two days before the last sync)"),
	AU_OWN_OPT(opt_provider),
	AU_O(AU_O_CONFIG),
	AU_O(AU_O_DB),
	AU_OH(AU_O_QUIET, "no notes on stderr"),
	AU_OPTS_END,
};

static const au_cmd_opt check_opts[] = {
	AU_OWN_OPT(opt_provider),
	AU_O(AU_O_JSON),
	AU_O(AU_O_CONFIG),
	AU_OPTS_END,
};

static const au_cmd report_cmd = {
	.name = "report",
	.parent = "cloud",
	.summary = "per UTC day and provider: billed cost and tokens beside the local estimate",
	.description = "Per UTC day and provider: the billed cost and tokens the provider's API\n"
		       "reported at the last sync, the cost estimated from this machine's logs, and\n"
		       "the gap (billed - local); then each provider's balance. Reads the store only.\n",
	.options = report_opts,
	.examples = "aiusage cloud --since 2026-11-01\naiusage cloud report --csv --provider openai\n",
	.run = run,
};

static const au_cmd sync_cmd = {
	.name = "sync",
	.parent = "cloud",
	.summary = "poll every configured provider once and store what it says",
	.description = "Polls every configured provider once and stores what it says (re-polling\n"
		       "overwrites, never adds); one failing provider does not stop the others.\n",
	.options = sync_opts,
	.examples = "aiusage cloud sync\naiusage cloud sync --provider anthropic --since 2026-11-01\n",
	.run = run,
};

static const au_cmd check_cmd = {
	.name = "check",
	.parent = "cloud",
	.summary = "per provider: configured? key found? accepted? (never printed)",
	.description = "Per provider: is it configured, is a key found, does the provider accept it.\n"
		       "The key is never printed.\n",
	.options = check_opts,
	.examples = "aiusage cloud check\n",
	.run = run,
};

static const au_cmd *const subcommands[] = {&report_cmd, &sync_cmd, &check_cmd, NULL};

const au_cmd au_cmd_cloud_entry = {
	.name = "cloud",
	.summary = "billed cost from the providers' APIs beside the local estimate",
	.description = "Providers are set up in [cloud.NAME] groups of the config file (anthropic,\n"
		       "openai, openrouter, deepseek): base_url, key_env, key_command, key (only in\n"
		       "a file of mode 0600), interval, timeout, retries, days. No network connection\n"
		       "is made for a provider that is not configured.\n",
	.examples = "aiusage cloud sync && aiusage cloud --since 2026-11-01\n",
	.subcommands = subcommands,
	.default_sub = &report_cmd,
};
