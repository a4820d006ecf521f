/*
 * aiusage pricing [MODEL]: the effective price table in $/MTok with its
 * "prices as of" date, or which entry a model name resolves to.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

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

static void print_entry(const au_model_price *mp, bool json, bool first)
{
	char in[32], out[32], w5[32], w1[32], cr[32];
	per_mtok(mp->base.input, in, sizeof(in));
	per_mtok(mp->base.output, out, sizeof(out));
	per_mtok(mp->base.cache_write_5m, w5, sizeof(w5));
	per_mtok(mp->base.cache_write_1h, w1, sizeof(w1));
	per_mtok(mp->base.cache_read, cr, sizeof(cr));
	if (json) {
		printf("%s{\"model\":\"%s\",\"input\":%s,\"output\":%s,\"cacheWrite5m\":%s,\"cacheWrite1h\":%s,"
		       "\"cacheRead\":%s",
		       first ? "" : ",\n", mp->name, in, out, w5, w1, cr);
		if (mp->tier_threshold) {
			char ti[32], to[32];
			per_mtok(mp->tier.input, ti, sizeof(ti));
			per_mtok(mp->tier.output, to, sizeof(to));
			printf(",\"tierAbove\":%lld,\"tierInput\":%s,\"tierOutput\":%s", (long long)mp->tier_threshold,
			       ti, to);
		}
		printf("}");
		return;
	}
	printf("%-36s %8s %8s %8s %8s %8s", mp->name, in, out, w5, w1, cr);
	if (mp->tier_threshold) {
		char ti[32], to[32];
		per_mtok(mp->tier.input, ti, sizeof(ti));
		per_mtok(mp->tier.output, to, sizeof(to));
		printf("  >%lldk: %s/%s", (long long)mp->tier_threshold / 1000, ti, to);
	}
	printf("\n");
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
			print_entry(mp, true, true);
			printf("\n");
		} else {
			printf("%s -> %s ($ per million tokens)\n", model, mp->name);
			printf("%-36s %8s %8s %8s %8s %8s\n", "model", "input", "output", "write5m", "write1h", "read");
			print_entry(mp, false, true);
		}
	} else {
		if (o.json)
			printf("{\"asOf\":\"%s\",\"models\":[\n", au_pricing_as_of());
		else {
			printf("Prices as of %s, $ per million tokens%s\n", au_pricing_as_of(),
			       o.pricing_file ? " (with --pricing overlay)" : "");
			printf("%-36s %8s %8s %8s %8s %8s\n", "model", "input", "output", "write5m", "write1h", "read");
		}
		for (size_t i = 0; i < au_pricing_count(p); i++)
			print_entry(au_pricing_at(p, i), o.json, i == 0);
		if (o.json)
			printf("]}\n");
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
