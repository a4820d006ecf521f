#!/usr/bin/env node
/*
 * Builds pricing/catalog.json, the table compiled into aiusage, from two
 * inputs. Run by hand when the catalog moves on; the build itself only
 * reads the committed catalog.json (no network, no node):
 *
 *   npm pack @pydantic/genai-prices@VERSION && tar xzf pydantic-genai-prices-*.tgz
 *   node pricing/convert_catalog.mjs package pricing/prices.json > pricing/catalog.json
 *
 * Precedence, highest first:
 *   1. pricing/prices.json: our hand-checked rows (LiteLLM field names),
 *      kept where the public catalog is wrong or silent: Anthropic's long-
 *      context tiers (Sonnet 4 / 4.5 only; 4.6 and later have none), the
 *      1-hour cache write, bare aliases, the fast / US-only / OpenAI tier
 *      figures. A hand row replaces every catalog row of its model (same
 *      key after provider prefix, dots and date are set aside), resellers'
 *      included: they pass the vendor's price through, and the catalog's
 *      copies carry the same errors. Catalog figures the hand row does not
 *      give (provider_specific_entry.fast) are kept.
 *   2. @pydantic/genai-prices (the package's bundled data): every other
 *      row. First-party providers' models keep their plain id as key
 *      ("kimi-k2", "glm-4.6"); resellers' are keyed "provider/id" so a
 *      reseller's price never stands in for the vendor's.
 *
 * Output: LiteLLM's field names (USD per token), so the runtime loader and
 * a user's --pricing file read the same format, plus "_aiusage" metadata
 * (source, version, date). Rows are marked "aiusage_pinned" when they come
 * from prices.json: those win over a downloaded catalog too (pricing.c).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/* Providers whose own ids name the model itself. Earlier ones win a
 * plain key that two of them list (Google also sells Claude). */
const FIRST_PARTY = ['anthropic', 'openai', 'google', 'x-ai', 'deepseek', 'moonshotai', 'zai',
	'mistral', 'minimax', 'cohere', 'perplexity'];

/* The same reduction model_id.c makes, enough to find a model's rows. */
export function canonical(key) {
	let s = key.toLowerCase();
	s = s.slice(s.lastIndexOf('/') + 1);
	s = s.replace(/^(?:(?:us|eu|apac|au|jp|global|regional)\.)?(?:anthropic|openai|meta|qwen|deepseek|moonshotai|zai)\./, '');
	s = s.replace(/ /g, '-');
	for (let prev = ''; prev !== s;) {
		prev = s;
		s = s.replace(/(?:-v\d+(?::\d+)?|@.*|[-:]thinking|\[[^\]]*\]|-latest|-preview|-?\((?:preview|thinking)\)|-20\d{6}|-20\d\d-\d\d-\d\d)$/, '');
	}
	return s.replace(/(\d)\.(\d)/g, '$1-$2');
}

const perToken = (mtok) => Number((mtok / 1e6).toPrecision(12));

/* A ModelPrice value: a number or {base, tiers:[{start, price}]}. */
function split(v) {
	if (typeof v === 'number')
		return { base: v, tier: null };
	if (v && typeof v.base === 'number') {
		const t = (v.tiers || [])[0];
		return { base: v.base, tier: t ? { start: t.start, price: t.price } : null };
	}
	return null;
}

/*
 * Conditional prices: the entry in force on the catalog's date. Entries
 * gated by a start date apply from it; of time-of-day windows (DeepSeek's
 * off-peak discount) the full list price is taken, the one a user pays
 * by default.
 */
function pickPrices(prices, asOf) {
	if (!Array.isArray(prices))
		return prices;
	let chosen = null;
	for (const e of prices) {
		const c = e.constraint;
		if (!c)
			chosen = chosen || e;
		else if (c.type === 'start_date' && c.start_date <= asOf)
			chosen = e;
	}
	for (const e of prices) {
		const c = e.constraint;
		if (c && c.type === 'time_of_date' && chosen &&
		    (e.prices.input_mtok ?? 0) > (chosen.prices.input_mtok ?? 0))
			chosen = e;
	}
	return chosen ? chosen.prices : null;
}

const FIELDS = [
	['input_mtok', 'input_cost_per_token'],
	['output_mtok', 'output_cost_per_token'],
	['cache_write_mtok', 'cache_creation_input_token_cost'],
	['cache_write_1h_mtok', 'cache_creation_input_token_cost_above_1hr'],
	['cache_read_mtok', 'cache_read_input_token_cost'],
];

/* One genai-prices model -> one LiteLLM entry, or null when it is not
 * priced per token (no input or output price). */
export function convertModel(model, provider, asOf) {
	const p = pickPrices(model.prices, asOf);
	if (!p || p.input_mtok === undefined || p.output_mtok === undefined)
		return null;
	const out = {};
	let tierStart = 0;
	for (const [from, to] of FIELDS) {
		const v = split(p[from]);
		if (!v)
			continue;
		out[to] = perToken(v.base);
		if (v.tier) {
			tierStart = tierStart || v.tier.start;
			/* one tier, named as LiteLLM names it: "_above_200k_tokens" */
			if (v.tier.start === tierStart && tierStart % 1000 === 0)
				out[`${to}_above_${tierStart / 1000}k_tokens`] = perToken(v.tier.price);
		}
	}
	if (!(typeof out.input_cost_per_token === 'number') || !(typeof out.output_cost_per_token === 'number'))
		return null;
	out.litellm_provider = provider;
	if (model.context_window)
		out.max_input_tokens = model.context_window;
	out.mode = 'chat';
	return out;
}

/* Plain ids a model is also known by: its match rule's `equals` values. */
function aliases(match, acc = []) {
	if (!match || typeof match !== 'object')
		return acc;
	if (typeof match.equals === 'string')
		acc.push(match.equals);
	for (const k of ['or', 'and'])
		if (Array.isArray(match[k]))
			for (const m of match[k])
				aliases(m, acc);
	return acc;
}

/* providers: [{id, models: [...]}] as the package holds them. */
export function convertCatalog(providers, asOf) {
	const rows = new Map();
	const order = [...providers].sort((a, b) => {
		const ia = FIRST_PARTY.indexOf(a.id), ib = FIRST_PARTY.indexOf(b.id);
		return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
	});
	for (const prov of order) {
		const first = FIRST_PARTY.includes(prov.id);
		for (const m of prov.models || []) {
			const e = convertModel(m, prov.id, asOf);
			if (!e)
				continue;
			/* an alias spelled with a provider ("anthropic/...") is
			 * the lookup's business, not a key of its own */
			const names = first ? [m.id, ...aliases(m.match).filter((a) => canonical(a) === canonical(a.toLowerCase().replace(/^.*\//, '')) && !a.includes('/') && !/^(?:[a-z-]+\.)?(?:anthropic|openai)\./.test(a))]
				: [`${prov.id}/${m.id}`];
			for (const n of names) {
				const key = n.toLowerCase();
				if (!rows.has(key))
					rows.set(key, e);
			}
		}
	}
	/* A model's fast mode as the catalog prices it: a "<model>-fast" row
	 * (OpenRouter's claude-opus-4.6-fast) over the model's own input. */
	const byCanon = new Map();
	for (const [k, e] of rows) {
		const c = canonical(k);
		if (!byCanon.has(c))
			byCanon.set(c, e);
	}
	for (const [k, e] of rows) {
		const fast = byCanon.get(canonical(k) + '-fast');
		if (fast && e.input_cost_per_token > 0 && !k.endsWith('-fast')) {
			const ratio = Number((fast.input_cost_per_token / e.input_cost_per_token).toFixed(3));
			if (ratio > 1)
				e.provider_specific_entry = { ...(e.provider_specific_entry || {}), fast: ratio };
		}
	}
	return rows;
}

/* Hand rows over catalog rows, as the header says. */
export function merge(catalogRows, hand) {
	const pinnedCanon = new Set();
	for (const k of Object.keys(hand))
		if (!k.startsWith('_') && !k.includes('/'))
			pinnedCanon.add(canonical(k));
	const out = new Map();
	const extra = new Map();
	for (const [k, e] of catalogRows) {
		if (hand[k] || pinnedCanon.has(canonical(k))) {
			if (e.provider_specific_entry && !extra.has(canonical(k)))
				extra.set(canonical(k), e.provider_specific_entry);
			continue;
		}
		out.set(k, e);
	}
	for (const [k, e] of Object.entries(hand)) {
		if (k.startsWith('_'))
			continue;
		const row = { ...e, aiusage_pinned: true };
		const ext = extra.get(canonical(k));
		if (ext)
			row.provider_specific_entry = { ...ext, ...(e.provider_specific_entry || {}) };
		out.set(k, row);
	}
	return new Map([...out].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

async function loadPackage(dir) {
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const mod = await import(pathToFileURL(path.resolve(dir, 'dist/index.js')).href);
	const src = fs.readFileSync(path.join(dir, 'dist/index.js'), 'utf8');
	/* The package exports lookups, not its list: the provider ids are the
	 * top-level entries of its data array. */
	const ids = [...src.matchAll(/^  \{\n    id: "([^"]+)",/gm)].map((m) => m[1]);
	const providers = ids.map((id) => mod.findProvider({ providerId: id })).filter(Boolean);
	return { pkg, providers };
}

async function main() {
	const [dir, handPath, date] = process.argv.slice(2);
	if (!dir || !handPath) {
		process.stderr.write('usage: convert_catalog.mjs GENAI_PRICES_PACKAGE_DIR prices.json [YYYY-MM-DD]\n');
		process.exit(2);
	}
	const { pkg, providers } = await loadPackage(dir);
	/* The catalog's date: its release on the registry, given by the
	 * caller (`npm view @pydantic/genai-prices time`). */
	const asOf = date || process.env.CATALOG_DATE;
	if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf || '')) {
		process.stderr.write('convert_catalog: give the catalog release date YYYY-MM-DD\n');
		process.exit(2);
	}
	const hand = JSON.parse(fs.readFileSync(handPath, 'utf8'));
	const rows = merge(convertCatalog(providers, asOf), hand);
	const meta = {
		as_of: asOf,
		source: `${pkg.name}@${pkg.version} (npm), released ${asOf}, converted by pricing/convert_catalog.mjs`,
		hand_checked: `pricing/prices.json (as of ${hand._aiusage?.as_of}): pinned rows, precedence over the catalog`,
		rows: rows.size,
	};
	/* One entry per line keeps the file small and its diffs readable. */
	let s = '{\n"_aiusage": ' + JSON.stringify(meta);
	for (const [k, e] of rows)
		s += ',\n' + JSON.stringify(k) + ': ' + JSON.stringify(e);
	process.stdout.write(s + '\n}\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href)
	main();
