/*
 * aiusage pricing [MODEL]: the effective price table in $/MTok with its
 * "prices as of" date, or which entry a model name resolves to (and the
 * canonical id reports group it under). `aiusage pricing update` fetches
 * the current catalog (opt-in, the only network use here), validates it
 * and keeps it where au_load_pricing finds it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cloud.h"
#include "dayarg.h"
#include "jsonw.h"
#include "litellm.h"
#include "model_id.h"

enum { OPT_FROM };

/* LiteLLM's price file: the catalog `pricing update` fetches by default. */
#define AU_CATALOG_URL "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
/* Fewer priced chat models than this is a broken or wrong file, not a
 * catalog (LiteLLM's has well over a thousand). */
#define AU_CATALOG_MIN_ROWS 20

/* The no-key "provider" au_cloud_get needs for a public file. */
static const au_cloud_provider catalog_provider = {
	.name = "pricing",
	.title = "price catalog",
	.auth_prefix = NULL,
};

/* Counts the priced chat rows of a LiteLLM-format document; -EINVAL with
 * the reason in err when a row is malformed or the top level is wrong. */
static int validate(json_t *root, const char *url, size_t *ret_rows, au_err *err)
{
	if (!json_is_object(root))
		return au_fail(err, EINVAL, "%s: not a price catalog (the top level is not an object)", url);
	size_t n = 0;
	const char *key;
	json_t *v;
	json_object_foreach (root, key, v) {
		au_litellm_price lp;
		char msg[400];
		if (au_litellm_meta_key(key))
			continue;
		int c = au_litellm_convert(key, v, &lp, msg, sizeof(msg));
		if (c < 0)
			return au_fail(err, EINVAL, "%s: %s", url, msg);
		n += c > 0;
	}
	if (n < AU_CATALOG_MIN_ROWS)
		return au_fail(err, EINVAL, "%s: only %zu priced models, not a price catalog", url, n);
	*ret_rows = n;
	return 0;
}

static int update(const char *url, int64_t now_ms)
{
	au_cloud_section sec = {.base_url = (char *)url, .timeout_s = 60, .retries = 2}; /* borrowed */
	au_cloud_conf conf = {.provider = &catalog_provider, .sec = &sec};
	au_cloud_response resp;
	au_err err = {{0}};
	au_cloud_response_init(&resp);
	int r = au_cloud_get(&conf, "", "", NULL, &resp, &err);
	if (r < 0) {
		fprintf(stderr, "aiusage: pricing update: %s\n", err.msg);
		au_cloud_response_release(&resp);
		return AU_EXIT_FAIL;
	}
	json_error_t jerr;
	json_t *root = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
	au_cloud_response_release(&resp);
	size_t rows = 0;
	if (!root) {
		fprintf(stderr, "aiusage: pricing update: %s: not JSON (%s); the saved prices are unchanged\n",
			url, jerr.text);
		return AU_EXIT_FAIL;
	}
	if (validate(root, url, &rows, &err) < 0) {
		fprintf(stderr, "aiusage: pricing update: %s; the saved prices are unchanged\n", err.msg);
		json_decref(root);
		return AU_EXIT_FAIL;
	}
	/* Record where and when, so `aiusage pricing` shows the date and the
	 * age note keys off it. */
	char day[16];
	int y;
	unsigned mo, d;
	au_civil_from_days(au_floor_div(now_ms, 86400000), &y, &mo, &d);
	snprintf(day, sizeof(day), "%04d-%02u-%02u", y, mo, d);
	json_t *meta = json_object();
	json_object_set_new(meta, "as_of", json_string(day));
	json_object_set_new(meta, "source", json_string(url));
	json_object_set_new(meta, "rows", json_integer((json_int_t)rows));
	json_object_set_new(root, "_aiusage", meta);

	char *path = au_default_prices_path();
	char *dir = g_path_get_dirname(path);
	char *tmp = xasprintf("%s.tmp", path);
	int code = AU_EXIT_OK;
	if (g_mkdir_with_parents(dir, 0700) < 0 || json_dump_file(root, tmp, JSON_COMPACT) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "aiusage: pricing update: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		code = AU_EXIT_FAIL;
	} else {
		/* the same load reports use: a file they would refuse is not kept */
		au_pricing *p = au_pricing_new();
		if (au_pricing_load_catalog(p, path, NULL, &err) < 0) {
			fprintf(stderr, "aiusage: pricing update: %s\n", err.msg);
			unlink(path);
			code = AU_EXIT_FAIL;
		} else {
			printf("Saved %zu model prices from %s as of %s to %s\n", rows, url, day, path);
		}
		au_pricing_free(p);
	}
	json_decref(root);
	free(tmp);
	g_free(dir);
	free(path);
	return code;
}

static void per_mtok(int64_t pico_per_token, char *buf, size_t n)
{
	/* x pico-dollars per token is x * 10^6 pico-dollars per million tokens */
	au_format_usd(pico_per_token * 1000000, 4, buf, n);
	size_t len = strlen(buf);
	while (len > 0 && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '.')
		buf[--len] = '\0';
}

/* The same figure for JSON: $ per million tokens rounded to 4 places as
 * in the table (pico-dollars per token / 100 = units of $0.0001 per
 * million tokens, halves away from zero), written exactly. */
static void json_per_mtok(au_jw *w, const char *key, int64_t pico_per_token)
{
	int64_t q = pico_per_token / 100, r = pico_per_token % 100;
	if (r >= 50)
		q++;
	else if (r <= -50)
		q--;
	au_jw_key(w, key);
	au_jw_decimal(w, q, 4);
}

static void print_entry_json(au_jw *w, const au_model_price *mp)
{
	au_jw_obj_begin(w);
	au_jw_kstr(w, "model", mp->name);
	json_per_mtok(w, "input", mp->base.input);
	json_per_mtok(w, "output", mp->base.output);
	json_per_mtok(w, "cacheWrite5m", mp->base.cache_write_5m);
	json_per_mtok(w, "cacheWrite1h", mp->base.cache_write_1h);
	json_per_mtok(w, "cacheRead", mp->base.cache_read);
	if (mp->tier_threshold) {
		au_jw_kint(w, "tierAbove", mp->tier_threshold);
		json_per_mtok(w, "tierInput", mp->tier.input);
		json_per_mtok(w, "tierOutput", mp->tier.output);
	}
	if (mp->fast_permille) {
		au_jw_key(w, "fastMultiplier");
		au_jw_decimal(w, mp->fast_permille, 3);
	}
	if (mp->geo_us_permille) {
		au_jw_key(w, "usOnlyMultiplier");
		au_jw_decimal(w, mp->geo_us_permille, 3);
	}
	if (mp->priority.input) {
		json_per_mtok(w, "priorityInput", mp->priority.input);
		json_per_mtok(w, "priorityOutput", mp->priority.output);
	}
	if (mp->flex.input) {
		json_per_mtok(w, "flexInput", mp->flex.input);
		json_per_mtok(w, "flexOutput", mp->flex.output);
	}
	au_jw_obj_end(w);
}

static void print_entry(const au_model_price *mp)
{
	char in[32], out[32], w5[32], w1[32], cr[32];
	per_mtok(mp->base.input, in, sizeof(in));
	per_mtok(mp->base.output, out, sizeof(out));
	per_mtok(mp->base.cache_write_5m, w5, sizeof(w5));
	per_mtok(mp->base.cache_write_1h, w1, sizeof(w1));
	per_mtok(mp->base.cache_read, cr, sizeof(cr));
	printf("%-36s %8s %8s %8s %8s %8s", mp->name, in, out, w5, w1, cr);
	if (mp->tier_threshold) {
		char ti[32], to[32];
		per_mtok(mp->tier.input, ti, sizeof(ti));
		per_mtok(mp->tier.output, to, sizeof(to));
		printf("  >%lldk: %s/%s", (long long)mp->tier_threshold / 1000, ti, to);
	}
	printf("\n");
}

/* The priced modes of one entry, one line each. */
static void print_modes(const au_model_price *mp)
{
	char a[32], b[32];
	if (mp->fast_permille)
		printf("  fast mode: x%" PRId64 ".%03" PRId64 "\n", mp->fast_permille / 1000,
		       mp->fast_permille % 1000);
	if (mp->geo_us_permille)
		printf("  US-only inference: x%" PRId64 ".%03" PRId64 "\n", mp->geo_us_permille / 1000,
		       mp->geo_us_permille % 1000);
	if (mp->priority.input) {
		per_mtok(mp->priority.input, a, sizeof(a));
		per_mtok(mp->priority.output, b, sizeof(b));
		printf("  priority tier: %s in, %s out\n", a, b);
	}
	if (mp->flex.input) {
		per_mtok(mp->flex.input, a, sizeof(a));
		per_mtok(mp->flex.output, b, sizeof(b));
		printf("  flex tier: %s in, %s out\n", a, b);
	}
}

static int run(const au_cmd *cmd, int argc, char **argv)
{
	au_opts o;
	int code;
	if (!au_parse_options(cmd, argc, argv, &o, &code))
		return code;
	const char *model = o.nargs ? o.args[0] : NULL; /* the one optional MODEL */
	if (model && strcmp(model, "update") == 0) {
		const char *from = au_opt_own(&o, OPT_FROM);
		int64_t now;
		if (au_now_pinned(&now, NULL) < 0) /* a bad AIUSAGE_NOW: the clock */
			now = g_get_real_time() / 1000;
		code = update(from ? from : AU_CATALOG_URL, now);
		au_opts_release(&o);
		return code;
	}
	if (au_opt_own(&o, OPT_FROM)) {
		fprintf(stderr, "aiusage: --from goes with `aiusage pricing update`\n");
		au_opts_release(&o);
		return AU_EXIT_USAGE;
	}
	au_pricing *p = au_load_pricing(&o);
	if (!p) {
		au_opts_release(&o);
		return AU_EXIT_FAIL;
	}
	code = AU_EXIT_OK;
	if (model) {
		const au_model_price *mp = au_pricing_lookup(p, model);
		if (!mp) {
			fprintf(stderr, "aiusage: no price known for '%s'\n", model);
			code = AU_EXIT_FAIL;
		} else if (o.json) {
			/* the entry's fields, then the name as asked and its id */
			char *id = au_model_id(model);
			au_jw w;
			au_jw_init_file(&w, stdout);
			au_jw_obj_begin(&w);
			au_jw_kstr(&w, "asked", model);
			au_jw_kstr(&w, "canonical", id);
			au_jw_key(&w, "entry");
			print_entry_json(&w, mp);
			au_jw_obj_end(&w);
			au_jw_newline(&w);
			au_jw_finish(&w);
			free(id);
		} else {
			char *id = au_model_id(model);
			printf("%s: model %s, priced by entry %s ($ per million tokens)\n", model, id, mp->name);
			printf("%-36s %8s %8s %8s %8s %8s\n", "model", "input", "output", "write5m", "write1h", "read");
			print_entry(mp);
			print_modes(mp);
			free(id);
		}
	} else if (o.json) {
		au_jw w;
		au_jw_init_file(&w, stdout);
		au_jw_obj_begin(&w);
		au_jw_kstr(&w, "asOf", au_prices_as_of());
		au_jw_kstr(&w, "source", au_prices_source() ? au_prices_source() : "embedded");
		au_jw_key(&w, "models");
		au_jw_arr_begin(&w);
		for (size_t i = 0; i < au_pricing_count(p); i++) {
			au_jw_newline(&w);
			print_entry_json(&w, au_pricing_at(p, i));
		}
		au_jw_arr_end(&w);
		au_jw_obj_end(&w);
		au_jw_newline(&w);
		au_jw_finish(&w);
	} else {
		printf("Prices as of %s (%s), $ per million tokens%s\n", au_prices_as_of(),
		       au_prices_source() ? au_prices_source() : "built in",
		       o.pricing_file ? " (with --pricing overlay)" : "");
		printf("%-36s %8s %8s %8s %8s %8s\n", "model", "input", "output", "write5m", "write1h", "read");
		for (size_t i = 0; i < au_pricing_count(p); i++)
			print_entry(au_pricing_at(p, i));
	}
	au_pricing_free(p);
	au_opts_release(&o);
	return code;
}

static const au_option opt_from = {"from", 0, "URL",
				   "pricing update: fetch this LiteLLM-format catalog instead of\n"
				   "LiteLLM's own price file",
				   AU_OWN(OPT_FROM)};

static const au_cmd_opt options[] = {
	AU_OWN_OPT(opt_from),
	AU_OH(AU_O_PRICING, "overlay a LiteLLM-format JSON file first"),
	AU_O(AU_O_JSON),
	AU_OPTS_END,
};

const au_cmd au_cmd_pricing_entry = {
	.name = "pricing",
	.summary = "show the price table (or the price of one model)",
	.args = "[MODEL | update]",
	.max_args = 1,
	.description = "Lists the embedded price table in dollars per million tokens with its\n"
		       "'prices as of' date, or with a model name shows the model's canonical id\n"
		       "and which entry prices it. `aiusage pricing update` downloads the current\n"
		       "catalog (the only time this command uses the network), checks it, and keeps\n"
		       "it in $XDG_DATA_HOME/aiusage/prices.json, used over the built-in prices;\n"
		       "--pricing FILE still wins over both.\n",
	.options = options,
	.examples = "aiusage pricing claude-sonnet-4-5-20250929\naiusage pricing update\n",
	.run = run,
};
