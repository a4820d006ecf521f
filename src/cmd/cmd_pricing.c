/*
 * aiusage pricing [MODEL]: the effective price table in $/MTok with its
 * "prices as of" date, or which entry a model name resolves to.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsonw.h"
#include "model_id.h"

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
		au_jw_kstr(&w, "asOf", au_pricing_as_of());
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
		printf("Prices as of %s, $ per million tokens%s\n", au_pricing_as_of(),
		       o.pricing_file ? " (with --pricing overlay)" : "");
		printf("%-36s %8s %8s %8s %8s %8s\n", "model", "input", "output", "write5m", "write1h", "read");
		for (size_t i = 0; i < au_pricing_count(p); i++)
			print_entry(au_pricing_at(p, i));
	}
	au_pricing_free(p);
	au_opts_release(&o);
	return code;
}

static const au_cmd_opt options[] = {
	AU_OH(AU_O_PRICING, "overlay a LiteLLM-format JSON file first"),
	AU_O(AU_O_JSON),
	AU_OPTS_END,
};

const au_cmd au_cmd_pricing_entry = {
	.name = "pricing",
	.summary = "show the price table (or the price of one model)",
	.args = "[MODEL]",
	.max_args = 1,
	.description = "Lists the embedded price table in dollars per million tokens with its\n"
		       "'prices as of' date, or with a model name shows which entry it matches.\n",
	.options = options,
	.examples = "aiusage pricing claude-sonnet-4-5-20250929\n",
	.run = run,
};
