#!/usr/bin/env bash
# pricing/convert_catalog.mjs on a small sample in @pydantic/genai-prices'
# shape: a tiered price becomes LiteLLM's _above_200k_tokens fields, a
# first-party id keeps its plain key and a reseller's gets "provider/",
# DeepSeek's time-of-day windows give the list price, a "-fast" sibling
# gives the fast multiplier, and a hand-checked row wins for every
# spelling of its model. Needs node (the converter is run by hand).
set -uo pipefail
: "${AU_SRC:?}"
command -v node >/dev/null || { echo "FAIL: node is not installed (bootstrap.sh's test packages: nodejs)"; exit 1; }
node --input-type=module - "$AU_SRC/pricing/convert_catalog.mjs" <<'JS'
const [conv] = process.argv.slice(2);
const { convertCatalog, merge } = await import(conv);
const providers = [
	{ id: 'openrouter', models: [
		{ id: 'anthropic/claude-opus-4.6-fast', prices: { input_mtok: 30, output_mtok: 150 } },
		{ id: 'qwen/qwen3-coder', prices: { input_mtok: 0.3, output_mtok: 1.2 } } ] },
	{ id: 'anthropic', models: [
		{ id: 'claude-opus-4-6', match: { or: [{ equals: 'claude-opus-4-6' }, { equals: 'anthropic/claude-opus-4-6' }] },
		  prices: { input_mtok: 5, output_mtok: 25 } },
		{ id: 'claude-x', prices: { input_mtok: { base: 3, tiers: [{ start: 200000, price: 6 }] },
		  output_mtok: { base: 15, tiers: [{ start: 200000, price: 22.5 }] }, cache_write_1h_mtok: 6 } } ] },
	{ id: 'deepseek', models: [
		{ id: 'deepseek-chat', prices: [
			{ prices: { input_mtok: 0.135, output_mtok: 0.55 } },
			{ constraint: { type: 'time_of_date', start_time: '00:30:00Z', end_time: '16:30:00Z' },
			  prices: { input_mtok: 0.27, output_mtok: 1.1 } },
			{ constraint: { type: 'start_date', start_date: '2099-01-01' }, prices: { input_mtok: 9, output_mtok: 9 } } ] } ] },
];
const rows = convertCatalog(providers, '2026-09-23');
let pass = 0, fail = 0;
const eq = (got, want, what) => { if (JSON.stringify(got) === JSON.stringify(want)) pass++; else { fail++; console.log(`FAIL: ${what}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`); } };
eq(rows.get('claude-x').input_cost_per_token_above_200k_tokens, 0.000006, 'tier input');
eq(rows.get('claude-x').output_cost_per_token_above_200k_tokens, 0.0000225, 'tier output');
eq(rows.get('claude-x').cache_creation_input_token_cost_above_1hr, 0.000006, '1h write');
eq(rows.has('openrouter/qwen/qwen3-coder'), true, 'reseller key');
eq(rows.has('anthropic/claude-opus-4-6'), false, 'a provider-spelled alias is no key');
eq(rows.get('deepseek-chat').input_cost_per_token, 2.7e-7, 'time-of-day: the list price');
eq(rows.get('claude-opus-4-6').provider_specific_entry, { fast: 6 }, 'fast multiplier from the -fast row');
const hand = { _aiusage: {}, 'claude-opus-4-6': { input_cost_per_token: 5e-6, output_cost_per_token: 2.5e-5 } };
const merged = merge(rows, hand);
eq(merged.get('claude-opus-4-6').aiusage_pinned, true, 'hand row pinned');
eq(merged.get('claude-opus-4-6').provider_specific_entry, { fast: 6 }, 'catalog fast kept on the hand row');
eq(merged.has('openrouter/anthropic/claude-opus-4.6-fast'), true, 'the fast row itself stays');
eq([...merged.keys()].join(','), [...merged.keys()].sort().join(','), 'sorted');
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
JS
