#!/usr/bin/env bash
# The statusline benchmark, run by hand (issue 16's target: median under
# 10 ms with a 300 MiB history in the store). Generates SIZE_MB of Claude and
# Codex logs (gen_home), scans them into a store once, then runs
# `aiusage statusline` RUNS times with the JSON Claude Code would send for
# one of the generated sessions, one new line appended to its transcript
# before each run (the statusline's real case), and reports the median and
# the 90th percentile wall time. Writes its marked section of BENCHMARKS.md.
# Environment: SIZE_MB (300), RUNS (51), AIUSAGE/GEN_HOME (use these
# binaries instead of building Release into build-bench), KEEP_TMP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
SIZE_MB=${SIZE_MB:-300}
RUNS=${RUNS:-51}
# shellcheck source=bench/md_section.sh
. "$BENCH/md_section.sh"
say() { printf '== %s\n' "$*" >&2; }

if [ -z "${AIUSAGE:-}" ] || [ -z "${GEN_HOME:-}" ]; then
	BUILD="$ROOT/build-bench"
	say "building Release into $BUILD"
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DAU_NESTED_CHECKS=OFF >/dev/null
	cmake --build "$BUILD" -j "$(nproc)" --target aiusage gen_home >/dev/null
	AIUSAGE="$BUILD/aiusage"
	GEN_HOME="$BUILD/bench/gen_home"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-statusline-bench.XXXXXX")
cleanup() { if [ "${KEEP_TMP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi; }
trap cleanup EXIT

say "generating $SIZE_MB MiB of logs"
"$GEN_HOME" --out "$T/gen" --size-mb "$SIZE_MB" >/dev/null
H="$T/gen/home"
DB="$T/usage.db"
say "scanning them into the store"
env HOME="$H" "$AIUSAGE" scan -q --db "$DB"
store_mib=$(du -m "$DB" | cut -f1)

# the largest main-session transcript: the session Claude Code would be in
tr=$(find "$H/.claude/projects" -maxdepth 2 -name '*.jsonl' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
sid=$(basename "$tr" .jsonl)
last=$(grep '"usage"' "$tr" | tail -1)
reset=$(($(date +%s) + 3600))
input=$(printf '{"session_id":"%s","transcript_path":"%s","cwd":"/home/u","model":{"id":"claude-sonnet-4-5","display_name":"Sonnet 4.5"},"context_window":{"context_window_size":200000,"used_percentage":31},"rate_limits":{"five_hour":{"used_percentage":40,"resets_at":%d},"seven_day":{"used_percentage":20,"resets_at":%d}}}' \
	"$sid" "$tr" "$reset" "$((reset + 86400))")

say "running statusline $RUNS times"
load=$(cut -d' ' -f1 /proc/loadavg)
: >"$T/times"
for i in $(seq "$RUNS"); do
	# a new response in the transcript, as between two real status updates
	printf '%s\n' "${last//\"msg_/\"msg_b$i}" >>"$tr"
	t0=$(date +%s%N)
	printf '%s' "$input" | env HOME="$H" "$AIUSAGE" statusline --db "$DB" >/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000)) >>"$T/times"
done
sort -n "$T/times" >"$T/sorted"
median_ms=$(awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] / 1000 }' "$T/sorted")
p90_ms=$(awk '{ v[NR] = $1 } END { i = int(NR * 0.9); if (i < 1) i = 1; printf "%.2f", v[i] / 1000 }' "$T/sorted")
ok=$(awk -v v="$median_ms" 'BEGIN { print (v < 10) ? "**met**" : "**not met**" }')
say "median $median_ms ms, p90 $p90_ms ms"

cat >"$T/section.md" <<MD
## Statusline (bench/statusline_bench.sh)

\`aiusage statusline\` fed Claude Code's stdin JSON for one session, with one new line in
its transcript before each of $RUNS runs, over a store holding $SIZE_MB MiB of generated
history ($store_mib MiB on disk). Wall time per run, including process start.

| run | history MiB | median ms | p90 ms | target (median < 10 ms) |
|---|---:|---:|---:|---|
| statusline, one new transcript line per run | $SIZE_MB | $median_ms | $p90_ms | $ok |

Run $(date -u +%Y-%m-%dT%H:%MZ), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown),
$(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load average $load at the start.
MD
md_replace_section "$ROOT/BENCHMARKS.md" statusline-bench "$T/section.md"
