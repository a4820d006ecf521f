#!/usr/bin/env bash
# The benchmark, run by hand (not part of the test suite):
#   bench/run.sh            ~1 GiB of generated logs
#   SIZE_MB=256 bench/run.sh
# Builds Release into build-bench/, generates a fake HOME into bench/out/,
# installs ccusage 20 into bench/node_modules, then times over the same data:
# aiusage cold (empty store), aiusage warm (nothing changed, WARM_RUNS times,
# median) and ccusage 20 (all agents, Claude only, Codex only), each under
# /usr/bin/time -v. Checks aiusage against the generator's truth and ccusage's
# Codex numbers against the Codex truth, then writes its section of
# BENCHMARKS.md (bench/md_section.sh; the rest of the file is kept).
#
# Environment: SIZE_MB (1024), SEED (42), DAYS (30), WARM_RUNS (7),
# CCUSAGE_VERSION (20: falls back to CCUSAGE_FALLBACK, 20.0.24, when the
# registry has no native binary for the newest 20.x), KEEP_OUT=1 to reuse
# bench/out when it was generated with the same SIZE_MB/SEED/DAYS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
BUILD="$ROOT/build-bench"
OUT="$BENCH/out"
SIZE_MB=${SIZE_MB:-1024}
SEED=${SEED:-42}
DAYS=${DAYS:-30}
WARM_RUNS=${WARM_RUNS:-7}
CCUSAGE_VERSION=${CCUSAGE_VERSION:-20}
CCUSAGE_FALLBACK=${CCUSAGE_FALLBACK:-20.0.24}

# shellcheck source=bench/md_section.sh
. "$BENCH/md_section.sh"
say() { printf '== %s\n' "$*" >&2; }

# ---- tools ----
if [ ! -x /usr/bin/time ]; then
	say "installing GNU time"
	apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

say "building Release into $BUILD"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DAU_NESTED_CHECKS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target gen_home check_truth >/dev/null
AIUSAGE="$BUILD/aiusage"
have_aiusage=1
if ! cmake --build "$BUILD" -j "$(nproc)" --target aiusage >"$BUILD/aiusage-build.log" 2>&1; then
	say "aiusage does not build yet (see $BUILD/aiusage-build.log): timing ccusage only"
	have_aiusage=0
fi
GEN="$BUILD/bench/gen_home"
CHECK="$BUILD/bench/check_truth"

CCUSAGE="$BENCH/node_modules/.bin/ccusage"
ccusage_ok() { [ -x "$CCUSAGE" ] && "$CCUSAGE" --version >/dev/null 2>&1; }
install_ccusage() {
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$BENCH" "ccusage@$1" >/dev/null 2>&1 || true
}
if ! ccusage_ok || [[ "$("$CCUSAGE" --version 2>/dev/null)" != "ccusage 20."* ]]; then
	say "installing ccusage@$CCUSAGE_VERSION into $BENCH/node_modules"
	install_ccusage "$CCUSAGE_VERSION"
	if ! ccusage_ok; then
		# the launcher needs its per-platform native package; a registry can lag behind
		say "ccusage@$CCUSAGE_VERSION has no working native binary here: trying $CCUSAGE_FALLBACK"
		install_ccusage "$CCUSAGE_FALLBACK"
	fi
	ccusage_ok || { say "cannot install a working ccusage 20"; exit 1; }
fi
CCUSAGE_VER=$("$CCUSAGE" --version | sed 's/^ccusage //')

# ---- data ----
stamp="size=$SIZE_MB seed=$SEED days=$DAYS"
if [ "${KEEP_OUT:-0}" = 1 ] && [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$stamp" ]; then
	say "reusing $OUT ($stamp)"
	GEN_S=$(cat "$OUT/gen_seconds")
else
	say "generating $SIZE_MB MiB into $OUT"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	t0=$(date +%s%N)
	"$GEN" --out "$OUT" --size-mb "$SIZE_MB" --seed "$SEED" --days "$DAYS" 2>"$OUT/gen.log"
	t1=$(date +%s%N)
	GEN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
	echo "$GEN_S" >"$OUT/gen_seconds"
	echo "$stamp" >"$OUT/stamp"
	cat "$OUT/gen.log" >&2
fi
HOMEDIR="$OUT/home"
bytes_of() { find "$@" -type f -name '*.jsonl' -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
BYTES_ALL=$(bytes_of "$HOMEDIR")
BYTES_CLAUDE=$(bytes_of "$HOMEDIR/.claude")
BYTES_CODEX=$(bytes_of "$HOMEDIR/.codex")
NFILES=$(find "$HOMEDIR" -type f -name '*.jsonl' | wc -l)
STATE="$OUT/state"
rm -rf "$STATE"
mkdir -p "$STATE/data" "$STATE/config" "$STATE/runs"

# ---- timing ----
# timed NAME BYTES CMD...: runs CMD with the private HOME under /usr/bin/time -v,
# stdout to runs/NAME.json; prints "wall_s cpu_s rss_kib" and appends a row.
ROWS="$STATE/rows"
: >"$ROWS"
timed() {
	local name=$1 bytes=$2
	shift 2
	local tv="$STATE/runs/$name.time" t0 t1 rc=0
	t0=$(date +%s%N)
	HOME="$HOMEDIR" XDG_DATA_HOME="$STATE/data" XDG_CONFIG_HOME="$STATE/config" TZ=UTC \
		/usr/bin/time -v -o "$tv" "$@" >"$STATE/runs/$name.json" 2>"$STATE/runs/$name.err" </dev/null || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		say "$name failed (exit $rc), see $STATE/runs/$name.err"
		return "$rc"
	fi
	local wall cpu rss
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
	printf '%s %s %s %s %s\n' "$name" "$bytes" "$wall" "$cpu" "$rss" >>"$ROWS"
	printf '%s %s %s\n' "$wall" "$cpu" "$rss"
}

DB="$STATE/bench.db"
verdict_truth="not run (aiusage not built)"
verdict_warm="not run"
verdict_codex="not run"
verdict_claude="not run"
if [ "$have_aiusage" = 1 ]; then
	say "aiusage cold"
	rm -f "$DB" "$DB"-*
	timed aiusage-cold "$BYTES_ALL" "$AIUSAGE" daily --json --timezone UTC --db "$DB" --quiet >/dev/null || have_aiusage=0
fi
if [ "$have_aiusage" = 1 ]; then
	for i in $(seq 1 "$WARM_RUNS"); do
		say "aiusage warm $i/$WARM_RUNS"
		timed "aiusage-warm-$i" "$BYTES_ALL" "$AIUSAGE" daily --json --timezone UTC --db "$DB" --quiet >/dev/null
	done
fi
say "ccusage (all agents)"
timed ccusage-all "$BYTES_ALL" "$CCUSAGE" daily --json --offline -z UTC >/dev/null || true
say "ccusage claude"
timed ccusage-claude "$BYTES_CLAUDE" "$CCUSAGE" claude daily --json --offline -z UTC >/dev/null || true
say "ccusage codex"
timed ccusage-codex "$BYTES_CODEX" "$CCUSAGE" codex daily --json --offline -z UTC >/dev/null || true

# ---- checks ----
R="$STATE/runs"
if [ "$have_aiusage" = 1 ]; then
	if "$CHECK" --quiet "$OUT/truth.json" "$R/aiusage-cold.json" >"$STATE/check-aiusage.txt"; then
		verdict_truth="equal ($(tail -n 1 "$STATE/check-aiusage.txt" | sed 's/^check_truth: OK: //'))"
	else
		verdict_truth="MISMATCH ($(tail -n 1 "$STATE/check-aiusage.txt")), see bench/out/state/check-aiusage.txt"
	fi
	verdict_warm="identical to cold"
	for i in $(seq 1 "$WARM_RUNS"); do
		cmp -s "$R/aiusage-cold.json" "$R/aiusage-warm-$i.json" || verdict_warm="DIFFERENT from cold (run $i)"
	done
fi
if [ -s "$R/ccusage-codex.json" ]; then
	if "$CHECK" --quiet --ccusage-codex "$OUT/truth-codex.json" "$R/ccusage-codex.json" >"$STATE/check-ccusage-codex.txt"; then
		verdict_codex="ccusage's Codex report equals the Codex truth"
	else
		verdict_codex="ccusage's Codex report differs from the Codex truth: $(tail -n 1 "$STATE/check-ccusage-codex.txt")"
	fi
fi
if [ -s "$R/ccusage-claude.json" ]; then
	# same field names as aiusage's daily JSON (no reasoningTokens: read as 0)
	if "$CHECK" --quiet "$OUT/truth-claude.json" "$R/ccusage-claude.json" >"$STATE/check-ccusage-claude.txt"; then
		verdict_claude="ccusage's Claude report equals the Claude truth"
	else
		verdict_claude="ccusage's Claude report differs from the Claude truth: $( (grep '^MISMATCH totals' "$STATE/check-ccusage-claude.txt" || true) | sed 's/^MISMATCH totals (all models) //' | paste -sd ';' - | sed 's/;/; /g')"
	fi
fi
cat "$STATE"/check-*.txt >&2 2>/dev/null || true

# ---- report ----
row() { awk -v n="$1" '$1 == n' "$ROWS"; }
mibs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1048576 / s; else print "-" }'; }
median_warm() { awk '$1 ~ /^aiusage-warm-/ { print $3 }' "$ROWS" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
max_rss_aiusage() { awk '$1 ~ /^aiusage-/ { if ($5 > m) m = $5 } END { print m + 0 }' "$ROWS"; }

table=""
add_row() { # LABEL NAME
	local r
	r=$(row "$2")
	[ -n "$r" ] || return 0
	read -r _ b w c k <<<"$r"
	table+=$(printf '| %s | %s | %s | %s | %s | %.1f |' "$1" "$(awk -v b="$b" 'BEGIN { printf "%.0f", b / 1048576 }')" \
		"$w" "$c" "$(mibs "$b" "$w")" "$(awk -v k="$k" 'BEGIN { print k / 1024 }')")
	table+=$'\n'
}
add_row "aiusage cold (empty store), Claude + Codex" aiusage-cold
if [ "$have_aiusage" = 1 ]; then
	wmed=$(median_warm)
	wrss=$(awk '$1 ~ /^aiusage-warm-/ { if ($5 > m) m = $5 } END { print m + 0 }' "$ROWS")
	table+=$(printf '| aiusage warm (nothing new), median of %s | %.0f | %s | - | - | %.1f |' "$WARM_RUNS" \
		"$(awk -v b="$BYTES_ALL" 'BEGIN { print b / 1048576 }')" "$wmed" "$(awk -v k="$wrss" 'BEGIN { print k / 1024 }')")
	table+=$'\n'
fi
add_row "ccusage $CCUSAGE_VER \`daily\` (all agents)" ccusage-all
add_row "ccusage $CCUSAGE_VER \`claude daily\`" ccusage-claude
add_row "ccusage $CCUSAGE_VER \`codex daily\`" ccusage-codex

mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
met() { if [ "$1" = 1 ]; then echo "**met**"; else echo "**not met**"; fi; }
targets=""
if [ "$have_aiusage" = 1 ] && [ -n "$(row ccusage-all)" ]; then
	read -r _ _ cw _ _ <<<"$(row aiusage-cold)"
	read -r _ _ ccw _ _ <<<"$(row ccusage-all)"
	ratio=$(awk -v a="$cw" -v c="$ccw" 'BEGIN { printf "%.2f", c / a }')
	ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 2) ? 1 : 0 }')
	targets+="| cold throughput ≥ 2x ccusage's | aiusage $(mibs "$BYTES_ALL" "$cw") MiB/s vs ccusage $(mibs "$BYTES_ALL" "$ccw") MiB/s = ${ratio}x | $(met "$ok") |"$'\n'
	wms=$(awk -v w="$wmed" 'BEGIN { printf "%.0f", w * 1000 }')
	ok=$(awk -v w="$wms" 'BEGIN { print (w < 30) ? 1 : 0 }')
	targets+="| warm run < 30 ms | median ${wms} ms | $(met "$ok") |"$'\n'
	peak=$(max_rss_aiusage)
	ok=$(awk -v k="$peak" 'BEGIN { print (k < 65536) ? 1 : 0 }')
	targets+="| peak RSS < 64 MiB | $(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }') MiB | $(met "$ok") |"$'\n'
else
	targets+="| all targets | aiusage did not run | **not measured** |"$'\n'
fi

cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
ram_gib=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD 2>/dev/null; then rev="$rev (with local changes)"; fi

# BENCHMARKS.md has a section per benchmark: rewrite only ours (between
# <!-- run-bench:begin/end -->), keep the rest (bench/watch_bench.sh's)
SECTION="$STATE/benchmarks-section.md"
cat >"$SECTION" <<EOF
Written by \`bench/run.sh\` (see bench/README.md); rerun it to update this section.

- date: $(date -u +%Y-%m-%dT%H:%MZ)
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}, ${ram_gib} GiB RAM, $(uname -sr)
- aiusage: git $rev, Release build; ccusage: $CCUSAGE_VER (its native binary, from npm)
- data: \`gen_home --size-mb $SIZE_MB --seed $SEED --days $DAYS\`, generated in ${GEN_S} s: $NFILES files,
  $(mib "$BYTES_ALL") MiB (Claude $(mib "$BYTES_CLAUDE") MiB, Codex $(mib "$BYTES_CODEX") MiB)
- every command: \`--json\` daily report, UTC days, private HOME, files already in the page
  cache (the generator just wrote them), run under \`/usr/bin/time -v\`; MiB/s = input bytes
  the command reads / wall time

| run | input MiB | wall s | CPU s (user+sys) | MiB/s | max RSS MiB |
|---|---:|---:|---:|---:|---:|
$table
## Targets

| target | measured | |
|---|---|---|
$targets
## Correctness on the same data

- aiusage vs the generator's truth (per day, model and field): $verdict_truth
- aiusage warm runs vs the cold run: $verdict_warm
- Codex: $verdict_codex
- Claude: $verdict_claude.
  The truth follows docs/formats.md's rules and ccusage departs from them: for one, its
  \`claude daily\` counts each streaming copy of a response that has no \`requestId\`
  (checked on a two-line HOME), where the rules count one. So a difference here is
  information, not a failure.
  Details: bench/out/state/check-ccusage-claude.txt.
EOF
md_replace_section "$ROOT/BENCHMARKS.md" run-bench "$SECTION"
say "wrote the run-bench section of $ROOT/BENCHMARKS.md"
cat "$SECTION"
