#!/usr/bin/env bash
# End to end against generated data: gen_home writes a fake HOME full of
# traps plus the totals it intended (truth.json, and truth-<source>.json);
# `aiusage daily --json --timezone UTC` must equal them, per day and model.
# Two Claude Code + Codex CLI HOMEs (gen_home's default, the benchmark's
# data), then one with every source (--sources all: also Gemini CLI,
# OpenCode, Copilot CLI, VS Code Copilot Chat), checked in total and per
# source (--source). Each HOME is read three ways:
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

# report HOME STATE OUT [ARGS...]: a report over HOME with the store under STATE.
# The local zone is deliberately not UTC: --timezone must win.
report() {
	HOME="$1" XDG_DATA_HOME="$2/data" XDG_CONFIG_HOME="$2/config" TZ=America/New_York \
		"$AIUSAGE" daily --json --timezone UTC --quiet "${@:4}" >"$3"
}

# report_all HOME STATE OUT [ARGS...]: the same for a HOME with every source.
# OpenCode and VS Code keep their data under XDG_DATA_HOME / XDG_CONFIG_HOME,
# so those stay unset (their defaults are inside HOME), as does every variable
# that would point a source elsewhere; the store is named with --db.
report_all() {
	env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u CLAUDE_CONFIG_DIR -u CODEX_HOME -u GEMINI_DATA_DIR \
		-u GEMINI_CLI_HOME -u OPENCODE_DATA_DIR -u COPILOT_HOME -u COPILOT_OTEL_FILE_EXPORTER_PATH \
		HOME="$1" TZ=America/New_York \
		"$AIUSAGE" daily --json --timezone UTC --quiet --db "$2/usage.db" "${@:4}" >"$3"
}

fail=0
check() { # TRUTH OUT WHAT
	if ! "$CHECK" --quiet "$1" "$2"; then
		echo "FAIL: $3" >&2
		fail=1
	fi
}

# same_report A B WHAT: a warm re-scan must print the same bytes
same_report() {
	if ! cmp -s "$1" "$2"; then
		echo "FAIL: $3: a warm re-scan changed the report" >&2
		diff <(tr ',' '\n' <"$1") <(tr ',' '\n' <"$2") | head -20 >&2 || true
		fail=1
	fi
}

# cut_logs DIR: keeps every *.jsonl file's tail aside (cut at 2/5 of its
# bytes, so mostly mid-line) and every 7th file whole, for restore_logs
cut_logs() {
	local inc=$1 n=0 f rel key size cut
	mkdir -p "$inc/rest" "$inc/held"
	: >"$inc/rest.list"
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		rel=${f#"$inc/home/"}
		key=$(printf '%s' "$rel" | cksum | cut -d' ' -f1)
		if [ $((n % 7)) -eq 0 ]; then
			mkdir -p "$inc/held/$(dirname "$rel")"
			mv "$f" "$inc/held/$rel"
			continue
		fi
		size=$(stat -c %s "$f")
		cut=$((size * 2 / 5))
		tail -c +$((cut + 1)) "$f" >"$inc/rest/$key"
		truncate -s "$cut" "$f"
		printf '%s\n' "$rel" >>"$inc/rest.list"
	done < <(find "$inc/home" -type f -name '*.jsonl' -print0 | sort -z)
}

# restore_logs DIR: puts it all back by appending in place (same inode)
restore_logs() {
	local inc=$1 rel key
	while IFS= read -r rel; do
		key=$(printf '%s' "$rel" | cksum | cut -d' ' -f1)
		cat "$inc/rest/$key" >>"$inc/home/$rel"
	done <"$inc/rest.list"
	(cd "$inc/held" && find . -type f -print0) | while IFS= read -r -d '' rel; do
		mkdir -p "$inc/home/$(dirname "$rel")"
		mv "$inc/held/$rel" "$inc/home/$rel"
	done
}

# ---- Claude Code and Codex CLI (gen_home's default) ----
for seed in 11 12; do
	d="$tmp/s$seed"
	"$AU_GEN_HOME" --out "$d" --size-mb 4 --seed "$seed" --days 12 --start 2026-10-01
	mkdir -p "$d/cold" "$d/inc"

	# cold, then warm
	report "$d/home" "$d/cold" "$d/cold.json"
	check "$d/truth.json" "$d/cold.json" "seed $seed: cold scan"
	report "$d/home" "$d/cold" "$d/warm.json"
	same_report "$d/cold.json" "$d/warm.json" "seed $seed"

	# incremental: cut, scan, complete, scan again
	cp -a "$d/home" "$d/inc/home"
	cut_logs "$d/inc"
	report "$d/inc/home" "$d/inc" "$d/inc1.json"
	restore_logs "$d/inc"
	report "$d/inc/home" "$d/inc" "$d/inc2.json"
	check "$d/truth.json" "$d/inc2.json" "seed $seed: incremental scan (cut, then completed)"
done

# ---- every source ----
SOURCES="claude codex gemini opencode copilot vscode"

# All sources with all their traps (Gemini's $rewindTo included: the
# responses a rewind drops were billed and still count).
d="$tmp/all"
"$AU_GEN_HOME" --out "$d" --size-mb 6 --seed 13 --days 12 --start 2026-10-01 --sources all
mkdir -p "$d/cold" "$d/inc"
report_all "$d/home" "$d/cold" "$d/cold.json"
check "$d/truth.json" "$d/cold.json" "all sources: cold scan"
report_all "$d/home" "$d/cold" "$d/warm.json"
same_report "$d/cold.json" "$d/warm.json" "all sources"
for src in $SOURCES; do
	report_all "$d/home" "$d/cold" "$d/$src.json" --source "$src"
	check "$d/truth-$src.json" "$d/$src.json" "all sources: --source $src"
done
cp -a "$d/home" "$d/inc/home"
cut_logs "$d/inc"
report_all "$d/inc/home" "$d/inc" "$d/inc1.json"
restore_logs "$d/inc"
report_all "$d/inc/home" "$d/inc" "$d/inc2.json"
check "$d/truth.json" "$d/inc2.json" "all sources: incremental scan (cut, then completed)"

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "generated_truth: cold, warm and incremental scans equal the generator's truth (all sources)"
