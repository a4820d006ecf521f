#!/usr/bin/env bash
# End to end against generated data: gen_home writes a fake HOME full of
# Claude Code and Codex CLI traps plus the totals it intended (truth.json);
# `aiusage daily --json --timezone UTC` must equal them, per day and model.
# Each HOME is read three ways:
#   cold         one scan of the complete logs into an empty store
#   incremental  a first scan of the logs cut short (files cut mid-line, some
#                files not there yet), then the rest appended in place and a
#                second scan: later copies of a response must replace, never add
#   warm         a scan with nothing new must print the same bytes again
# Needs AIUSAGE, AU_GEN_HOME and AU_BUILD (set by tests/tests.cmake).
set -euo pipefail

: "${AIUSAGE:?AIUSAGE must name the aiusage binary}"
: "${AU_GEN_HOME:?AU_GEN_HOME must name the gen_home binary}"
: "${AU_BUILD:?AU_BUILD must name the build directory}"
CHECK="$AU_BUILD/bench/check_truth"
[ -x "$CHECK" ] || { echo "missing $CHECK" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# report HOME STATE OUT: a report over HOME with the store under STATE.
# The local zone is deliberately not UTC: --timezone must win.
report() {
	HOME="$1" XDG_DATA_HOME="$2/data" XDG_CONFIG_HOME="$2/config" TZ=America/New_York \
		"$AIUSAGE" daily --json --timezone UTC --quiet >"$3"
}

fail=0
check() { # TRUTH OUT WHAT
	if ! "$CHECK" --quiet "$1" "$2"; then
		echo "FAIL: $3" >&2
		fail=1
	fi
}

for seed in 11 12; do
	d="$tmp/s$seed"
	"$AU_GEN_HOME" --out "$d" --size-mb 4 --seed "$seed" --days 12 --start 2026-10-01
	mkdir -p "$d/cold" "$d/inc"

	# cold, then warm
	report "$d/home" "$d/cold" "$d/cold.json"
	check "$d/truth.json" "$d/cold.json" "seed $seed: cold scan"
	report "$d/home" "$d/cold" "$d/warm.json"
	if ! cmp -s "$d/cold.json" "$d/warm.json"; then
		echo "FAIL: seed $seed: a warm re-scan changed the report" >&2
		diff <(tr ',' '\n' <"$d/cold.json") <(tr ',' '\n' <"$d/warm.json") | head -20 >&2 || true
		fail=1
	fi

	# incremental: keep every file's tail aside (cut at 2/5 of its bytes, so
	# mostly mid-line) and every 7th file whole, scan, then put it all back
	# by appending in place (same inode) and scan again
	cp -a "$d/home" "$d/inc/home"
	mkdir -p "$d/inc/rest" "$d/inc/held"
	n=0
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		rel=${f#"$d/inc/home/"}
		key=$(printf '%s' "$rel" | cksum | cut -d' ' -f1)
		if [ $((n % 7)) -eq 0 ]; then
			mkdir -p "$d/inc/held/$(dirname "$rel")"
			mv "$f" "$d/inc/held/$rel"
			continue
		fi
		size=$(stat -c %s "$f")
		cut=$((size * 2 / 5))
		tail -c +$((cut + 1)) "$f" >"$d/inc/rest/$key"
		truncate -s "$cut" "$f"
		printf '%s\n' "$rel" >>"$d/inc/rest.list"
	done < <(find "$d/inc/home" -type f -name '*.jsonl' -print0 | sort -z)
	report "$d/inc/home" "$d/inc" "$d/inc1.json"
	while IFS= read -r rel; do
		key=$(printf '%s' "$rel" | cksum | cut -d' ' -f1)
		cat "$d/inc/rest/$key" >>"$d/inc/home/$rel"
	done <"$d/inc/rest.list"
	(cd "$d/inc/held" && find . -type f -print0) | while IFS= read -r -d '' rel; do
		mkdir -p "$d/inc/home/$(dirname "$rel")"
		mv "$d/inc/held/$rel" "$d/inc/home/$rel"
	done
	report "$d/inc/home" "$d/inc" "$d/inc2.json"
	check "$d/truth.json" "$d/inc2.json" "seed $seed: incremental scan (cut, then completed)"
done

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "generated_truth: cold, warm and incremental scans equal the generator's truth"
