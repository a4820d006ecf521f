#!/usr/bin/env bash
# Golden tests: run the real binary over each fixture HOME and diff its
# output with the expected files beside the fixture.
#
#   fixtures/<set>/commands       lines "<expected-file> <aiusage args...>"
#   fixtures/<set>/expected/<f>   expected stdout; <f>.err expected stderr
#   fixtures/<set>/truth.json     hand-computed tokens per day and model,
#                                 checked with check_truth when present
#   fixtures/<set>/setup.sh       when present, run as `setup.sh <home>` on a
#                                 temporary copy of the home first (a
#                                 database built from SQL, not checked in)
#
# Each command runs twice on one store: cold, then warm (nothing new), and
# both runs must print the same thing, so a re-scan can never double count.
# AU_UPDATE_GOLDEN=1 rewrites the expected files (review the diff by hand);
# AU_GOLDEN_ONLY="set1 set2" runs (or rewrites) only those sets.
set -euo pipefail
bin=$1 fixtures=$2 check_truth=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "Now" is the price table's own date unless a command pins another: a
# report then never says the prices are old, whatever day the suite runs
# (the note is tested in tests/e2e/report_output.sh).
as_of=$(sed -n 's/.*"as_of": *"\([0-9-]*\)".*/\1/p' "$fixtures/../pricing/catalog.json" | head -n 1)
fail=0 ran=0

for set in "$fixtures"/rules/* "$fixtures"/demo; do
	[ -f "$set/commands" ] || continue
	name=$(basename "$set")
	if [ -n "${AU_GOLDEN_ONLY:-}" ] && [[ " $AU_GOLDEN_ONLY " != *" $name "* ]]; then
		continue
	fi
	home=$set/home
	[ -d "$home" ] || home=$set
	home=$(cd "$home" && pwd)
	if [ -f "$set/setup.sh" ]; then
		rm -rf "$tmp/home-$name"
		cp -a "$home" "$tmp/home-$name"
		home=$tmp/home-$name
		bash "$set/setup.sh" "$home" || { echo "FAIL $name: setup.sh failed"; fail=$((fail + 1)); continue; }
	fi
	while read -r out args; do
		[ -n "$out" ] && [ "${out#\#}" = "$out" ] || continue
		db=$tmp/$name-$out.db
		# leading VAR=value words set the environment (COLUMNS=60 ...)
		extra=()
		while [[ $args == *=* && ${args%% *} == *=* ]]; do
			extra+=("${args%% *}")
			args=${args#* }
		done
		# every command that reads a store gets a private one; pricing reads none
		dbarg=(--db "$db")
		[ "${args%% *}" = pricing ] && dbarg=()
		passes="cold warm"
		# scan reports what it read, which differs by design on a warm run
		[ "${args%% *}" = scan ] && passes=cold
		for pass in $passes; do
			# shellcheck disable=SC2086
			# the default XDG dirs, inside the fixture HOME, as the truth
			# check below sees them (the store itself is --db in $tmp, and
			# the walk's listing cache is kept there too, out of the tree)
			env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$tmp/cache" \
				TZ=UTC LANG=C.UTF-8 AIUSAGE_NOW="${as_of}T12:00:00Z" "${extra[@]}" \
				"$bin" $args "${dbarg[@]}" >"$tmp/out" 2>"$tmp/err" || true
			# the home first: a set with a setup.sh has its home under $tmp
			sed -i "s|$home|<HOME>|g; s|$tmp|<TMP>|g" "$tmp/out" "$tmp/err"
			ran=$((ran + 1))
			if [ "${AU_UPDATE_GOLDEN:-}" = 1 ] && [ $pass = cold ]; then
				mkdir -p "$set/expected"
				cp "$tmp/out" "$set/expected/$out"
				if [ -s "$tmp/err" ]; then cp "$tmp/err" "$set/expected/$out.err"; else rm -f "$set/expected/$out.err"; fi
			fi
			if ! diff -u "$set/expected/$out" "$tmp/out" >"$tmp/diff"; then
				echo "FAIL $name/$out ($pass): stdout differs"; cat "$tmp/diff"; fail=$((fail + 1))
			fi
			experr=/dev/null
			[ -f "$set/expected/$out.err" ] && experr=$set/expected/$out.err
			# the warm pass re-reads nothing, so it has no scan warnings
			if [ $pass = cold ] && ! diff -u "$experr" "$tmp/err" >"$tmp/diff"; then
				echo "FAIL $name/$out ($pass): stderr differs"; cat "$tmp/diff"; fail=$((fail + 1))
			fi
		done
	done <"$set/commands"
	if [ -f "$set/truth.json" ] && [ -n "$check_truth" ]; then
		db=$tmp/$name-truth.db
		env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$tmp/cache" TZ=UTC \
			"$bin" daily --json -z UTC --db "$db" >"$tmp/daily.json" 2>/dev/null
		ran=$((ran + 1))
		if ! "$check_truth" "$set/truth.json" "$tmp/daily.json" >"$tmp/diff" 2>&1; then
			echo "FAIL $name: tokens differ from the hand-computed truth"; cat "$tmp/diff"; fail=$((fail + 1))
		fi
	fi
done
echo "golden: $((ran - fail)) passed, $fail failed"
[ $fail = 0 ]
