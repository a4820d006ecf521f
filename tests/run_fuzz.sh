#!/usr/bin/env bash
# A short libFuzzer run of every tests/fuzz/fuzz_*.c target (the ctest
# test "fuzz"): a nested clang build with -DAU_FUZZ=ON in BUILD, a seed
# corpus per target made from the fixtures in a temporary directory, then
# AU_FUZZ_SECONDS of fuzzing each (default: a 200 s budget shared by the
# targets, 10 to 25 s each, so the suite stays short). Fails when a target finds
# a crash, a leak or a broken invariant; the input is kept under
# BUILD/artifacts. AU_FUZZ_SECONDS=0 only runs the seeds.
#
#   tests/run_fuzz.sh SRC BUILD
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
build=$2
secs=${AU_FUZZ_SECONDS:-auto}
case $secs in
auto) ;;
'' | *[!0-9]*)
	echo "run_fuzz: AU_FUZZ_SECONDS must be a whole number of seconds, not '$secs'" >&2
	exit 2
	;;
esac
jobs=$(nproc 2>/dev/null || echo 2)

# No silent skip: a machine that cannot fuzz fails this test.
if ! command -v clang >/dev/null 2>&1; then
	echo "run_fuzz: clang not found; libFuzzer needs it." >&2
	echo "run_fuzz: on Debian: apt-get install clang libclang-rt-14-dev (./bootstrap.sh does this)" >&2
	exit 1
fi
mkdir -p "$build"
build=$(cd "$build" && pwd)
probe=$build/libfuzzer-probe
if ! printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' |
	clang -x c -fsanitize=fuzzer,address,undefined -o "$probe" - >"$probe.log" 2>&1; then
	cat "$probe.log" >&2
	echo "run_fuzz: clang cannot link a libFuzzer target: the runtime is missing." >&2
	echo "run_fuzz: on Debian: apt-get install libclang-rt-14-dev (./bootstrap.sh does this)" >&2
	exit 1
fi
rm -f "$probe" "$probe.log"

echo "run_fuzz: configuring a clang fuzz build in $build"
CC=clang cmake -S "$src" -B "$build" -DAU_FUZZ=ON -DAU_NESTED_CHECKS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1 || {
	cat "$build/configure.log" >&2
	echo "run_fuzz: configuring failed" >&2
	exit 1
}

targets=()
for f in "$src"/tests/fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	t=$(basename "$f" .c)
	targets+=("$t")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "run_fuzz: no tests/fuzz/fuzz_*.c targets" >&2
	exit 1
fi
if [ "$secs" = auto ]; then
	secs=$((200 / ${#targets[@]}))
	[ $secs -gt 25 ] && secs=25
	[ $secs -lt 10 ] && secs=10
fi
echo "run_fuzz: building ${targets[*]}"
cmake --build "$build" -j"$jobs" --target "${targets[@]}" >"$build/build.log" 2>&1 || {
	tail -n 60 "$build/build.log" >&2
	echo "run_fuzz: building the fuzz targets failed (full log: $build/build.log)" >&2
	exit 1
}

# Seeds live in a temporary directory: never in the source tree, and fresh
# every run so that a run's result depends on the fixtures alone.
corpus=$(mktemp -d "${TMPDIR:-/tmp}/au-fuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT

# Every fixture log whole (multi-line state) and each of its lines alone.
seed_logs() { # dir, find -path pattern
	local dir=$1 pattern=$2 i=0 f
	mkdir -p "$dir"
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		cp "$f" "$dir/file-$i"
		split -l 1 -a 4 -d "$f" "$dir/line-$i-"
	done < <(find "$src/fixtures" -type f -name '*.jsonl' -path "$pattern" -print0 | sort -z)
}

# Whole JSON documents (the legacy shapes read whole).
seed_docs() { # dir, find -path pattern
	local dir=$1 pattern=$2 i=0 f
	mkdir -p "$dir"
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		cp "$f" "$dir/doc-$i"
	done < <(find "$src/fixtures" -type f -name '*.json' -path "$pattern" -not -path '*/expected/*' -print0 | sort -z)
}

seed_util() {
	local dir=$1 i=0 ts
	mkdir -p "$dir"
	{
		find "$src/fixtures" -type f -name '*.jsonl' -print0 |
			xargs -0 -r grep -oh '"timestamp":"[^"]*"' | sed 's/^"timestamp":"//; s/"$//' || true
		printf '%s\n' 1970-01-01T00:00:00Z 2025-10-01T12:34:56.789+02:00 \
			2025-10-01T12:34:56,5-0530 2024-02-29T23:59:60.999999999Z \
			0000-01-01T00:00:00+23:59 9999-12-31T23:59:59.999-23:59 2025-10-01t12:34z
	} | sort -u | while IFS= read -r ts; do
		i=$((i + 1))
		printf '%s' "$ts" >"$dir/ts-$i"
	done
	# A few au_buf programs: cap byte, then (op, size) pairs.
	printf '\000\000\020\002\010\003\377\004\100\006\000\001\005' >"$dir/buf-1"
	printf '\003\001\011\003\012\002\040hello\000world\007\000' >"$dir/buf-2"
}

# Model names the logs and the table use, each followed by a NUL, a mode
# byte (see fuzz_pricing.c) and five little-endian token counts.
seed_pricing() {
	local dir=$1 i=0 m
	mkdir -p "$dir"
	{
		find "$src/fixtures" -type f -name '*.jsonl' -print0 |
			xargs -0 -r grep -oh '"model":"[^"]*"' | sed 's/^"model":"//; s/"$//' || true
		grep -o '^    "[^"_][^"]*": {' "$src/pricing/prices.json" | sed 's/^ *"//; s/": {$//' || true
		printf '%s\n' claude-sonnet-4-5-20250929-v1:0 anthropic/claude-sonnet-4.5 \
			us.anthropic.claude-opus-4-1-20250805-v1:0 'claude-sonnet-4-5[1m]' \
			claude-opus-4-5@20251101 GPT-5-Codex gpt-5-2025-08-07 unknown '<synthetic>'
	} | sort -u | while IFS= read -r m; do
		i=$((i + 1))
		# mode 0; 300k input (past a 200k tier), 1000 cache writes of
		# each kind, 5000 read, 2000 output.
		{
			printf '%s\000\000' "$m"
			le64 300000
			le64 1000
			le64 1000
			le64 5000
			le64 2000
		} >"$dir/m-$i"
	done
}

# n as 8 little-endian bytes.
le64() {
	local n=$1 k
	for k in 0 1 2 3 4 5 6 7; do
		printf '%b' "\\0$(printf '%03o' $(((n >> (8 * k)) & 255)))"
	done
}

# A saved Codex state followed by a token_count line: load() and what
# comes after it get fuzzed from a valid start.
seed_codex_state() {
	local dir=$1
	printf '%s\n%s\n' \
		'{"model":"gpt-5-codex","session":"s","cwd":"/home/u/cx","ht":true,"hl":true,"total":[1000,800,100,40],"last":[1000,800,100,40]}' \
		'{"timestamp":"2025-10-08T10:00:20.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":3000,"cached_input_tokens":2500,"output_tokens":300,"reasoning_output_tokens":100},"last_token_usage":{"input_tokens":2000,"cached_input_tokens":1700,"output_tokens":200,"reasoning_output_tokens":60}}}}' \
		>"$dir/state-1"
}

# The billing APIs' response bodies the e2e test serves, each behind every
# endpoint-selector byte fuzz_cloud.c reads first (hourly and paged too).
seed_cloud() {
	local dir=$1 i=0 body k
	mkdir -p "$dir"
	while IFS= read -r -d '' body; do
		i=$((i + 1))
		for k in 0 1 2 3 4 5 6 7 8 9 10 11 128 129 192; do
			{ printf '%b' "\\0$(printf '%03o' $k)"; printf '%s' "$body"; } >"$dir/b-$i-$k"
		done
	done < <(awk '/\.json" <<.EOF.$/ {on = 1; body = ""; next}
		on && /^EOF$/ {on = 0; printf "%s%c", body, 0; next}
		on {body = body $0 "\n"}' "$src/tests/e2e/cloud.sh")
}

# Writer inputs: key NUL value NUL eight integer bytes. Names and paths
# in several scripts, control characters, and broken UTF-8 (a lone
# continuation byte, an overlong, a surrogate, past U+10FFFF, cut short).
seed_jsonw() {
	local dir=$1 i=0 v
	mkdir -p "$dir"
	for v in 'plain' '/home/José Müller/.claude' 'tab\there "quoted" back\\slash' \
		'\001\037\177' '中文 ☃ \360\237\230\200' '\200' '\300\257' '\355\240\200' \
		'\364\220\200\200' '\342\202' 'a\377b\376'; do
		i=$((i + 1))
		{ printf 'k%b\000%b\000' "$v" "$v"; le64 $((i * 1234567891011)); } >"$dir/s-$i"
	done
}

le32() {
	local n=$1 k
	for k in 0 1 2 3; do
		printf '%b' "\\0$(printf '%03o' $(((n >> (8 * k)) & 255)))"
	done
}

# Walk caches (walkcache.c's files, header and all): listings of a
# directory with files, a link and a subdirectory, and of an empty one, and
# a keys file's record (a tag, one entry: the parser's name). Any bytes
# may be ids: a record is found by the ids it holds.
seed_walkcache() {
	local dir=$1 i entries tag elen
	mkdir -p "$dir"
	for i in 1 2 3; do
		case $i in
		1) entries='\004-w-a\000\004-w-b\000' tag='' ;;
		2) entries='\010s1.jsonl\000\012s2.jsonl\000\004sess\000' tag='' ;;
		3) entries='\000claude\000' tag='2049:77:0123456789abcdef:42' ;;
		esac
		elen=$(printf '%b' "$entries" | wc -c)
		{
			printf 'AUWC'
			le32 6
			le32 ${#tag}
			le32 0 # no index: the target adds one
			printf '%s' "$tag"
			le32 $((48 + elen))
			le64 2049
			le64 $((1000 + i))
			le64 $((1700000000000000000 + i))
			le64 $((1700000000000000001 + i))
			le64 0
			le64 0
			printf '%b' "$entries"
		} >"$dir/s-$i"
	done
}

# Artifacts of an earlier run would read as this run's findings.
rm -rf "$build/artifacts"
mkdir -p "$build/artifacts"
declare -A status execs took
failed=0
for t in "${targets[@]}"; do
	dir=$corpus/$t
	mkdir -p "$dir"
	case $t in
	fuzz_claude) seed_logs "$dir" '*/.claude/*' ;;
	fuzz_codex)
		seed_logs "$dir" '*/.codex/*'
		seed_codex_state "$dir"
		;;
	fuzz_util) seed_util "$dir" ;;
	fuzz_pricing) seed_pricing "$dir" ;;
	fuzz_cloud) seed_cloud "$dir" ;;
	fuzz_jsonw) seed_jsonw "$dir" ;;
	fuzz_walkcache) seed_walkcache "$dir" ;;
	fuzz_vscode_json) seed_docs "$dir" '*/.config/Code/*' ;;
	fuzz_gemini) seed_logs "$dir" '*/.gemini/*'; seed_docs "$dir" '*/.gemini/*' ;;
	fuzz_cline) seed_docs "$dir" '*/globalStorage/*/tasks/*' ;;
	fuzz_qwen) seed_logs "$dir" '*/.qwen/*' ;;
	fuzz_kimi) seed_logs "$dir" '*/.kimi/*' ;;
	fuzz_droid) seed_docs "$dir" '*/.factory/*' ;;
	*) seed_logs "$dir" '*' ;; # a new target: every log is a fair start
	esac
	nseeds=$(find "$dir" -type f | wc -l)
	if [ "$secs" -gt 0 ]; then
		limit=(-max_total_time="$secs")
		echo "run_fuzz: $t: $nseeds seeds, ${secs}s"
	else
		limit=(-runs=0)
		echo "run_fuzz: $t: $nseeds seeds, seeds only"
	fi
	log=$build/$t.log
	start=$(date +%s)
	# halt_on_error: the build lets UBSan recover; here any report is fatal.
	if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		"$build/$t" "${limit[@]}" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$t-" "$dir" >"$log" 2>&1; then
		status[$t]=ok
	else
		status[$t]=FAILED
		failed=1
		echo "run_fuzz: $t FAILED; the end of $log:" >&2
		tail -n 60 "$log" >&2
	fi
	took[$t]=$(($(date +%s) - start))
	execs[$t]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
done

echo
echo "run_fuzz: summary (logs in $build, crash inputs in $build/artifacts)"
printf '  %-14s %-7s %7s %12s\n' target result seconds executions
for t in "${targets[@]}"; do
	printf '  %-14s %-7s %7s %12s\n' "$t" "${status[$t]}" "${took[$t]}" "${execs[$t]:-?}"
done
shopt -s nullglob
arts=("$build"/artifacts/*)
if [ ${#arts[@]} -gt 0 ]; then
	echo "  artifacts:"
	printf '    %s\n' "${arts[@]}"
fi
if [ $failed -ne 0 ]; then
	echo "run_fuzz: FAILED" >&2
	exit 1
fi
echo "run_fuzz: all targets ran clean"
