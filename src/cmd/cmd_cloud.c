/*
 * aiusage cloud [report|sync|check]: the providers' billed figures beside
 * the local estimate. `sync` polls each configured provider once into the
 * store, `check` says whether each key is found and accepted, and the
 * report reads only the store: per UTC day and provider the billed cost and
 * tokens, the cost of this machine's logs for the same provider, the gap.
 */
#include <errno.h>
#include <getopt.h>
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

static int usage_error(const char *fmt, const char *arg) __attribute__((format(printf, 1, 0)));

static int usage_error(const char *fmt, const char *arg)
{
	fputs("aiusage cloud: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputs("\nTry 'aiusage cloud --help'.\n", stderr);
	return AU_EXIT_USAGE;
}

/* false with *ret_exit set when the command should stop (error or --help). */
static bool parse_args(const au_cmd *cmd, int argc, char **argv, cloud_opts *o, int *ret_exit)
{
	enum { OPT_CSV = 1000, OPT_PROVIDER, OPT_CONFIG, OPT_NO_SCAN, OPT_DB };
	static const struct option longs[] = {
		{"since", required_argument, NULL, 's'},   {"until", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'},          {"csv", no_argument, NULL, OPT_CSV},
		{"provider", required_argument, NULL, OPT_PROVIDER},
		{"config", required_argument, NULL, OPT_CONFIG},
		{"no-scan", no_argument, NULL, OPT_NO_SCAN}, {"db", required_argument, NULL, OPT_DB},
		{"quiet", no_argument, NULL, 'q'},         {"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->sub = "report";
	/* the subcommand word, wherever it stands among the options */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (argv[i][0] == '-') {
			const char *a = argv[i];
			bool takes = strcmp(a, "-s") == 0 || strcmp(a, "-u") == 0 || strcmp(a, "--since") == 0 ||
				     strcmp(a, "--until") == 0 || strcmp(a, "--provider") == 0 ||
				     strcmp(a, "--config") == 0 || strcmp(a, "--db") == 0;
			i += takes;
			continue;
		}
		if (strcmp(argv[i], "report") != 0 && strcmp(argv[i], "sync") != 0 && strcmp(argv[i], "check") != 0) {
			*ret_exit = usage_error("unknown subcommand '%s' (known: report, sync, check)", argv[i]);
			return false;
		}
		o->sub = argv[i];
		memmove(argv + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof(char *));
		argc--;
		break;
	}
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":s:u:jqvh", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			free(o->since);
			o->since = xstrdup(optarg);
			break;
		case 'u':
			free(o->until);
			o->until = xstrdup(optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_PROVIDER:
			if (!au_cloud_provider_by_name(optarg)) {
				*ret_exit = usage_error("unknown provider '%s' (known: anthropic, openai, openrouter, deepseek)",
							optarg);
				return false;
			}
			free(o->provider);
			o->provider = xstrdup(optarg);
			break;
		case OPT_CONFIG:
			free(o->config);
			o->config = au_expand_home(optarg);
			break;
		case OPT_NO_SCAN:
			o->no_scan = true;
			break;
		case OPT_DB:
			free(o->db);
			o->db = au_expand_home(optarg);
			break;
		case 'q':
			o->quiet++;
			break;
		case 'v':
			break;
		case 'h':
			au_print_help(cmd, stdout);
			*ret_exit = AU_EXIT_OK;
			return false;
		case ':':
			*ret_exit = usage_error("option '%s' needs a value", argv[optind - 1]);
			return false;
		default:
			*ret_exit = usage_error("unknown option '%s'", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		*ret_exit = usage_error("unexpected argument '%s'", argv[optind]);
		return false;
	}
	if (o->json && o->csv) {
		*ret_exit = usage_error("%s", "--json and --csv exclude each other");
		return false;
	}
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
		*ret_exit = usage_error("%s", err.msg);
		return false;
	}
	if (o->since && au_day_arg_parse(o->since, AU_DAY_SINCE, now, NULL, since, &err) < 0) {
		*ret_exit = usage_error("--since %s", err.msg);
		return false;
	}
	if (o->until && au_day_arg_parse(o->until, AU_DAY_UNTIL, now, NULL, until, &err) < 0) {
		*ret_exit = usage_error("--until %s", err.msg);
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
			printf("%-10s key from %s: valid (%s accepted it at %s)\n", p->name, from, p->title, cc->base_url);
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

int au_cmd_cloud(const au_cmd *cmd, int argc, char **argv)
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
