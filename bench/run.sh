#!/usr/bin/env bash
# The benchmark, run by hand (not part of the test suite):
#   bench/run.sh            ~1 GiB of generated logs, two shapes (see below)
#   SIZE_MB=256 bench/run.sh
#   SCALE=1 bench/run.sh    also the 10 GiB history in ~20k files
# Builds Release into build-bench/, generates fake HOMEs into bench/out/,
# installs ccusage 20 into bench/node_modules, then times over the same data:
# aiusage cold (empty store), aiusage warm (nothing changed, WARM_RUNS times,
# median) and ccusage 20 (all agents, Claude only, Codex only), each under
# /usr/bin/time -v. Checks aiusage against the generator's truth and ccusage's
# Codex numbers against the Codex truth, then writes its section of
# BENCHMARKS.md (bench/md_section.sh; the rest of the file is kept).
#
# Corpora (CORPORA, default "default dense"; each in bench/out/<name>/):
#   default  gen_home's own shape (the one earlier BENCHMARKS.md runs used)
#   dense    DENSE_ARGS: many short tool calls, ~139 usage lines per MiB,
#            44% of Claude's usage lines streaming copies
#   scale    with SCALE=1: SCALE_SIZE_MB (10240) with SCALE_ARGS (sessions of
#            at most 3 MiB: ~20k files); also the watcher's start-up time
#
# Environment: SIZE_MB (1024), SEED (42), DAYS (30), WARM_RUNS (7), COLD_RUNS (5) and
# SCALE_COLD_RUNS (3): cold runs of each tool, medians compared,
# CCUSAGE_VERSION (20: falls back to CCUSAGE_FALLBACK, 20.0.24, when the
# registry has no native binary for the newest 20.x), KEEP_OUT=1 to reuse a
# corpus in bench/out when it was generated with the same arguments,
# SKIP_CCUSAGE=1 to time aiusage alone (to try the script; the section then
# says so).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
BUILD="$ROOT/build-bench"
OUT="$BENCH/out"
SIZE_MB=${SIZE_MB:-1024}
SEED=${SEED:-42}
DAYS=${DAYS:-30}
WARM_RUNS=${WARM_RUNS:-7}
COLD_RUNS=${COLD_RUNS:-5}             # cold runs of each tool (medians) on the 1 GiB corpora
SCALE_COLD_RUNS=${SCALE_COLD_RUNS:-3} # and on the scale corpus
CORPORA=${CORPORA:-default dense}
DENSE_ARGS=${DENSE_ARGS:---usage-per-mib 139 --copy-share 0.44}
SCALE=${SCALE:-0}
SCALE_SIZE_MB=${SCALE_SIZE_MB:-10240}
SCALE_ARGS=${SCALE_ARGS:---session-max-mb 3}
SKIP_CCUSAGE=${SKIP_CCUSAGE:-0}
CCUSAGE_VERSION=${CCUSAGE_VERSION:-20}
CCUSAGE_FALLBACK=${CCUSAGE_FALLBACK:-20.0.24}
if [ "$SCALE" = 1 ]; then CORPORA="$CORPORA scale"; fi

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
# the revision the binary is built from (taken now: the tree may change
# while the benchmark runs)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
# (BENCHMARKS.md is this script's own output: a run left uncommitted is no change to the build)
if ! git -C "$ROOT" diff --quiet HEAD -- . ':(exclude)BENCHMARKS.md' 2>/dev/null; then rev="$rev (with local changes)"; fi
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
CCUSAGE_VER="not run"
ccusage_ok() { [ -x "$CCUSAGE" ] && "$CCUSAGE" --version >/dev/null 2>&1; }
install_ccusage() {
	npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$BENCH" "ccusage@$1" >/dev/null 2>&1 || true
}
if [ "$SKIP_CCUSAGE" != 1 ]; then
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
fi

bytes_of() { find "$@" -type f -name '*.jsonl' -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
mibs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1048576 / s; else print "-" }'; }
kib_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
met() { if [ "$1" = 1 ]; then echo "**met**"; else echo "**not met**"; fi; }

ROWS="$OUT/rows" # CORPUS NAME BYTES WALL CPU RSS_KIB, one line per timed run
mkdir -p "$OUT"
: >"$ROWS"

# timed CORPUS NAME BYTES CMD...: runs CMD with the corpus's private HOME
# under /usr/bin/time -v, stdout to runs/NAME.json; appends a row.
timed() {
	local corpus=$1 name=$2 bytes=$3
	shift 3
	local st="$OUT/$corpus/state" t0 t1 rc=0
	local tv="$st/runs/$name.time"
	t0=$(date +%s%N)
	HOME="$OUT/$corpus/home" XDG_DATA_HOME="$st/data" XDG_CONFIG_HOME="$st/config" \
		XDG_CACHE_HOME="$st/cache" TZ=UTC /usr/bin/time -v -o "$tv" "$@" >"$st/runs/$name.json" 2>"$st/runs/$name.err" </dev/null || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		say "$corpus/$name failed (exit $rc), see $st/runs/$name.err"
		return "$rc"
	fi
	local wall cpu rss
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
	printf '%s %s %s %s %s %s\n' "$corpus" "$name" "$bytes" "$wall" "$cpu" "$rss" >>"$ROWS"
}
row() { awk -v c="$1" -v n="$2" '$1 == c && $2 == n' "$ROWS"; }
field() { row "$1" "$2" | awk -v f="$3" '{ print $f }'; } # CORPUS NAME FIELD (4 wall, 5 cpu, 6 rss)
# the median wall time (and the number) of a corpus's rows whose name matches a regex
median_wall() { awk -v c="$1" -v p="$2" '$1 == c && $2 ~ p { print $4 }' "$ROWS" | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
count_rows() { awk -v c="$1" -v p="$2" '$1 == c && $2 ~ p { n++ } END { print n + 0 }' "$ROWS"; }
max_rss() { awk -v c="$1" -v p="$2" '$1 == c && index($2, p) == 1 { if ($6 > m) m = $6 } END { print m + 0 }' "$ROWS"; }

# watcher_start CORPUS DB [BYTES]: seconds from exec to the watcher's "ready"
# line (its initial scan included), its VmHWM then, and the seconds until
# its lock file says "live" (reports beside it then skip their scan), as
# "seconds kib live-seconds". With BYTES, WARM_RUNS reports are timed
# beside the live watcher (rows aiusage-trusted-N).
watcher_start() {
	local corpus=$1 db=$2 bytes=${3:-} log="$OUT/$1/state/watch.log" t0 pid
	t0=$(date +%s%N)
	# the environment the timed reports get: the same roots (their fingerprint)
	env -i PATH="$PATH" HOME="$OUT/$corpus/home" XDG_DATA_HOME="$OUT/$corpus/state/data" \
		XDG_CONFIG_HOME="$OUT/$corpus/state/config" XDG_CACHE_HOME="$OUT/$corpus/state/cache" TZ=UTC \
		"$AIUSAGE" watch --db "$db" 2>"$log" &
	pid=$!
	for _ in $(seq 30000); do
		if grep -q "ready (pid $pid" "$log" 2>/dev/null; then
			local s hwm live=-
			s=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
			hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
			for _ in $(seq 30000); do
				if grep -q '^live ' "$db.watch.lock" 2>/dev/null; then
					live=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
					break
				fi
				sleep 0.02
			done
			if [ -n "$bytes" ] && [ "$live" != - ]; then
				for i in $(seq 1 "$WARM_RUNS"); do
					say "$corpus: aiusage warm beside the live watcher $i/$WARM_RUNS"
					timed "$corpus" "aiusage-trusted-$i" "$bytes" "$AIUSAGE" daily --json --timezone UTC \
						--db "$db" --quiet >&2
				done
			fi
			kill -TERM "$pid"
			wait "$pid" || true
			echo "$s $hwm $live"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	kill -TERM "$pid" 2>/dev/null || true
	say "the watcher did not start: $(tail -3 "$log")"
	echo "- 0 -"
}

# ---- one corpus: data, runs, checks; its part of the section ----
declare -A V # per-corpus results for the summary, V[corpus.key]
run_corpus() {
	local corpus=$1 size gen_args
	case $corpus in
	default) size=$SIZE_MB gen_args="" ;;
	dense) size=$SIZE_MB gen_args=$DENSE_ARGS ;;
	scale) size=$SCALE_SIZE_MB gen_args=$SCALE_ARGS ;;
	*) say "unknown corpus $corpus"; exit 1 ;;
	esac
	local dir="$OUT/$corpus" gen_s
	local stamp="size=$size seed=$SEED days=$DAYS args=$gen_args"
	if [ "${KEEP_OUT:-0}" = 1 ] && [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
		say "reusing $dir ($stamp); reading it into the page cache"
		gen_s=$(cat "$dir/gen_seconds")
		# as a fresh corpus is, the generator having just written it: a
		# reused one may have left the cache, and the first timed run
		# (ours) would pay the disk for everyone after it (10 GiB: 22 s
		# against 6 s)
		find "$dir/home" -type f -print0 | xargs -0 cat >/dev/null
	else
		say "generating $size MiB ($corpus) into $dir"
		rm -rf "$dir"
		mkdir -p "$dir"
		local t0 t1
		t0=$(date +%s%N)
		# shellcheck disable=SC2086 # gen_args is a list of options
		"$GEN" --out "$dir" --size-mb "$size" --seed "$SEED" --days "$DAYS" $gen_args 2>"$dir/gen.log"
		t1=$(date +%s%N)
		gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
		echo "$gen_s" >"$dir/gen_seconds"
		echo "$stamp" >"$dir/stamp"
		cat "$dir/gen.log" >&2
	fi
	local home="$dir/home" st="$dir/state"
	local b_all b_claude b_codex nfiles
	b_all=$(bytes_of "$home")
	b_claude=$(bytes_of "$home/.claude")
	b_codex=$(bytes_of "$home/.codex")
	nfiles=$(find "$home" -type f -name '*.jsonl' | wc -l)
	rm -rf "$st"
	mkdir -p "$st/data" "$st/config" "$st/runs"
	local db="$st/bench.db" ok=$have_aiusage warm_runs=$WARM_RUNS
	local v_truth="not run (aiusage not built)" v_warm="not run" v_codex="not run" v_claude="not run"
	if [ "$ok" = 1 ]; then
		say "$corpus: aiusage cold"
		# cold: no store, and no walk caches either (they outlive a store)
		rm -rf "$db" "$db"-* "$st/cache"
		timed "$corpus" aiusage-cold "$b_all" "$AIUSAGE" daily --json --timezone UTC --db "$db" --quiet || ok=0
	fi
	if [ "$ok" = 1 ]; then
		for i in $(seq 1 "$warm_runs"); do
			say "$corpus: aiusage warm $i/$warm_runs"
			timed "$corpus" "aiusage-warm-$i" "$b_all" "$AIUSAGE" daily --json --timezone UTC --db "$db" --quiet
			# the machine's own floor for a warm run, interleaved with it:
			# find stat()s every entry of the same tree, on one thread (a
			# warm run stats every file and directory, on two); the VM's
			# speed drifts by a quarter within an hour, and this says how
			# fast its stat() was while the warm runs were timed
			timed "$corpus" "find-stat-$i" 0 find "$OUT/$corpus/home" -printf '%s\n'
		done
	fi
	if [ "$SKIP_CCUSAGE" != 1 ]; then
		say "$corpus: ccusage (all agents)"
		timed "$corpus" ccusage-all "$b_all" "$CCUSAGE" daily --json --offline -z UTC || true
		say "$corpus: ccusage warm (a second run: it keeps no store, so this is its warm)"
		timed "$corpus" ccusage-all-2 "$b_all" "$CCUSAGE" daily --json --offline -z UTC || true
		if [ "$corpus" != scale ]; then
			say "$corpus: ccusage claude"
			timed "$corpus" ccusage-claude "$b_claude" "$CCUSAGE" claude daily --json --offline -z UTC || true
			say "$corpus: ccusage codex"
			timed "$corpus" ccusage-codex "$b_codex" "$CCUSAGE" codex daily --json --offline -z UTC || true
		fi
	fi
	# more cold runs, each of ours beside one of ccusage's (its first two
	# ran above), so that a noisy moment moves both medians alike
	local cold_runs=$COLD_RUNS
	[ "$corpus" = scale ] && cold_runs=$SCALE_COLD_RUNS
	for i in $(seq 2 "$cold_runs"); do
		if [ "$ok" = 1 ]; then
			say "$corpus: aiusage cold $i/$cold_runs"
			rm -rf "$st/cold.db" "$st/cold.db"-* "$st/cache"
			timed "$corpus" "aiusage-cold-r$i" "$b_all" "$AIUSAGE" daily --json --timezone UTC \
				--db "$st/cold.db" --quiet || true
		fi
		if [ "$SKIP_CCUSAGE" != 1 ] && [ "$i" -ge 3 ]; then
			say "$corpus: ccusage $i/$cold_runs"
			timed "$corpus" "ccusage-all-r$i" "$b_all" "$CCUSAGE" daily --json --offline -z UTC || true
		fi
	done
	rm -f "$st/cold.db" "$st/cold.db"-*
	local w_new="-" w_new_kib=0 w_re="-" w_re_kib=0 w_re_live=- w_new_live=-
	if [ "$ok" = 1 ]; then
		say "$corpus: the watcher on the filled store (nothing new), reports beside it"
		read -r w_re w_re_kib w_re_live <<<"$(watcher_start "$corpus" "$db" "$b_all")"
	fi
	if [ "$corpus" = scale ] && [ "$ok" = 1 ]; then
		say "$corpus: the watcher on an empty store (its initial scan)"
		rm -f "$st/watch.db" "$st/watch.db"-*
		read -r w_new w_new_kib w_new_live <<<"$(watcher_start "$corpus" "$st/watch.db")"
		rm -f "$st/watch.db" "$st/watch.db"-*
	fi

	# checks
	local R="$st/runs"
	if [ "$ok" = 1 ]; then
		if "$CHECK" --quiet "$dir/truth.json" "$R/aiusage-cold.json" >"$st/check-aiusage.txt"; then
			v_truth="equal ($(tail -n 1 "$st/check-aiusage.txt" | sed 's/^check_truth: OK: //'))"
		else
			v_truth="MISMATCH ($(tail -n 1 "$st/check-aiusage.txt")), see bench/out/$corpus/state/check-aiusage.txt"
		fi
		v_warm="identical to cold"
		for i in $(seq 1 "$warm_runs"); do
			cmp -s "$R/aiusage-cold.json" "$R/aiusage-warm-$i.json" || v_warm="DIFFERENT from cold (run $i)"
		done
	fi
	if [ -s "$R/ccusage-codex.json" ]; then
		if "$CHECK" --quiet --ccusage-codex "$dir/truth-codex.json" "$R/ccusage-codex.json" >"$st/check-ccusage-codex.txt"; then
			v_codex="ccusage's Codex report equals the Codex truth"
		else
			v_codex="ccusage's Codex report differs from the Codex truth: $(tail -n 1 "$st/check-ccusage-codex.txt")"
		fi
	fi
	if [ -s "$R/ccusage-claude.json" ]; then
		# same field names as aiusage's daily JSON (no reasoningTokens: read as 0)
		if "$CHECK" --quiet "$dir/truth-claude.json" "$R/ccusage-claude.json" >"$st/check-ccusage-claude.txt"; then
			v_claude="ccusage's Claude report equals the Claude truth"
		else
			v_claude="ccusage's Claude report differs from the Claude truth: $( (grep '^MISMATCH totals' "$st/check-ccusage-claude.txt" || true) | sed 's/^MISMATCH totals (all models) //' | paste -sd ';' - | sed 's/;/; /g')"
		fi
	fi
	cat "$st"/check-*.txt >&2 2>/dev/null || true

	# its part of the section
	local table="" r
	add_row() { # LABEL NAME
		r=$(row "$corpus" "$2")
		[ -n "$r" ] || return 0
		local b w c k
		read -r _ _ b w c k <<<"$r"
		table+=$(printf '| %s | %s | %s | %s | %s | %s |' "$1" "$(mib "$b")" "$w" "$c" "$(mibs "$b" "$w")" "$(kib_mib "$k")")
		table+=$'\n'
	}
	add_row "aiusage cold (empty store), Claude + Codex" aiusage-cold
	local acw="" ccw=""
	acw=$(median_wall "$corpus" '^aiusage-cold(-r[0-9]+)?$')
	ccw=$(median_wall "$corpus" '^ccusage-all(-2|-r[0-9]+)?$')
	[ -n "$acw" ] && table+="| aiusage cold, median of $(count_rows "$corpus" '^aiusage-cold(-r[0-9]+)?$') runs | $(mib "$b_all") | $acw | - | $(mibs "$b_all" "$acw") | $(kib_mib "$(max_rss "$corpus" aiusage-cold)") |"$'\n'
	local wmed="" wrss=0 tmed=""
	if [ "$ok" = 1 ]; then
		wmed=$(median_wall "$corpus" '^aiusage-warm-')
		wrss=$(max_rss "$corpus" aiusage-warm-)
		table+=$(printf '| aiusage warm (nothing new), median of %s | %s | %s | - | - | %s |' "$warm_runs" \
			"$(mib "$b_all")" "$wmed" "$(kib_mib "$wrss")")
		table+=$'\n'
		table+=$(printf '| `find -printf %%s` over the same tree (a stat() per entry, one thread), median of %s | - | %s | - | - | %s |' \
			"$warm_runs" "$(median_wall "$corpus" '^find-stat-')" "$(kib_mib "$(max_rss "$corpus" find-stat-)")")
		table+=$'\n'
		tmed=$(median_wall "$corpus" '^aiusage-trusted-')
		if [ -n "$tmed" ]; then
			table+=$(printf '| aiusage warm beside a live \`watch\` (no scan), median of %s | %s | %s | - | - | %s |' \
				"$warm_runs" "$(mib "$b_all")" "$tmed" "$(kib_mib "$(max_rss "$corpus" aiusage-trusted-)")")
			table+=$'\n'
		fi
	fi
	add_row "ccusage $CCUSAGE_VER \`daily\` (all agents)" ccusage-all
	add_row "ccusage $CCUSAGE_VER \`daily\` (all agents), run again" ccusage-all-2
	[ -n "$ccw" ] && table+="| ccusage $CCUSAGE_VER \`daily\` (all agents), median of $(count_rows "$corpus" '^ccusage-all(-2|-r[0-9]+)?$') runs | $(mib "$b_all") | $ccw | - | $(mibs "$b_all" "$ccw") | $(kib_mib "$(max_rss "$corpus" ccusage-all)") |"$'\n'
	add_row "ccusage $CCUSAGE_VER \`claude daily\`" ccusage-claude
	add_row "ccusage $CCUSAGE_VER \`codex daily\`" ccusage-codex
	if [ "$corpus" = scale ] && [ "$ok" = 1 ]; then
		table+="| \`aiusage watch\` start, store already filled (nothing new): ready; live | $(mib "$b_all") | $w_re; $w_re_live | - | - | $(kib_mib "$w_re_kib") |"$'\n'
		table+="| \`aiusage watch\` start, empty store (initial scan): ready; live | $(mib "$b_all") | $w_new; $w_new_live | - | - | $(kib_mib "$w_new_kib") |"$'\n'
	fi

	local targets="" ratio="-" ok_t
	if [ -n "$acw" ] && [ -n "$ccw" ]; then
		ratio=$(awk -v a="$acw" -v c="$ccw" 'BEGIN { printf "%.2f", c / a }')
		ok_t=$(awk -v r="$ratio" 'BEGIN { print (r >= 2) ? 1 : 0 }')
		targets+="| cold ≥ 2x ccusage's speed (stretch: 4x), medians | aiusage $acw s ($(mibs "$b_all" "$acw") MiB/s) vs ccusage $ccw s ($(mibs "$b_all" "$ccw") MiB/s) = ${ratio}x | $(met "$ok_t") |"$'\n'
	else
		targets+="| cold ≥ 2x ccusage's speed | not measured (aiusage or ccusage did not run) | - |"$'\n'
	fi
	local wms="-"
	if [ -n "$wmed" ]; then
		wms=$(awk -v w="$wmed" 'BEGIN { printf "%.0f", w * 1000 }')
		if [ -n "$ccw" ]; then
			ok_t=$(awk -v w="$wmed" -v c="$ccw" 'BEGIN { print (w * 20 <= c) ? 1 : 0 }')
			targets+="| warm ≤ 1/20 of ccusage's run | median ${wms} ms vs ccusage $ccw s = 1/$(awk -v w="$wmed" -v c="$ccw" 'BEGIN { printf "%.0f", c / w }') | $(met "$ok_t") |"$'\n'
		fi
		if [ "$corpus" = scale ]; then
			ok_t=$(awk -v w="$wms" 'BEGIN { print (w <= 50) ? 1 : 0 }')
			targets+="| warm ≤ 50 ms for $nfiles files | median ${wms} ms | $(met "$ok_t") |"$'\n'
			if [ -n "$tmed" ]; then
				local tms
				tms=$(awk -v w="$tmed" 'BEGIN { printf "%.0f", w * 1000 }')
				ok_t=$(awk -v w="$tms" 'BEGIN { print (w <= 50) ? 1 : 0 }')
				targets+="| warm ≤ 50 ms for $nfiles files, beside a live \`watch\` | median ${tms} ms | $(met "$ok_t") |"$'\n'
			fi
		fi
	fi
	local peak
	peak=$(max_rss "$corpus" aiusage-)
	if [ "$ok" = 1 ]; then
		ok_t=$(awk -v k="$peak" 'BEGIN { print (k <= 65536) ? 1 : 0 }')
		targets+="| peak RSS ≤ 64 MiB | $(kib_mib "$peak") MiB | $(met "$ok_t") |"$'\n'
	fi
	V[$corpus.data]="$(mib "$b_all") MiB, $nfiles files"
	V[$corpus.cold]=${acw:--}
	V[$corpus.ccusage]=${ccw:--}
	V[$corpus.ratio]=$ratio
	V[$corpus.warm]=$wms
	V[$corpus.rss]=$(kib_mib "$peak")
	V[$corpus.ccrss]=-
	if [ -n "$ccw" ]; then V[$corpus.ccrss]=$(kib_mib "$(max_rss "$corpus" ccusage-all)"); fi

	local title
	case $corpus in
	default) title="Today's shape" ;;
	dense) title="Dense: many short tool calls" ;;
	scale) title="Scale: a long history" ;;
	esac
	cat >>"$SECTION" <<EOF

### $title (\`$corpus\`)

- data: \`gen_home --size-mb $size --seed $SEED --days $DAYS${gen_args:+ $gen_args}\`, generated in ${gen_s} s:
  $nfiles files, $(mib "$b_all") MiB (Claude $(mib "$b_claude") MiB, Codex $(mib "$b_codex") MiB);
  $(sed -n 's/^gen_home: Claude + Codex: //p' "$dir/gen.log")

| run | input MiB | wall s | CPU s (user+sys) | MiB/s | max RSS MiB |
|---|---:|---:|---:|---:|---:|
$table
| target | measured | |
|---|---|---|
$targets
- aiusage vs the generator's truth (per day, model and field): $v_truth
- aiusage warm runs vs the cold run: $v_warm
- Codex: $v_codex
- Claude: $v_claude
EOF
}

# ---- all corpora, then the section ----
SECTION="$OUT/benchmarks-section.md"
: >"$SECTION"
for c in $CORPORA; do
	run_corpus "$c"
done

cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
ram_gib=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
summary=""
for c in $CORPORA; do
	ratio_x=${V[$c.ratio]}
	[ "$ratio_x" = - ] || ratio_x="${ratio_x}x"
	summary+="| \`$c\` | ${V[$c.data]} | ${V[$c.cold]} | ${V[$c.ccusage]} | $ratio_x | ${V[$c.warm]} | ${V[$c.rss]} | ${V[$c.ccrss]} |"$'\n'
done
FULL="$OUT/benchmarks-full.md"
cat >"$FULL" <<EOF
Written by \`bench/run.sh\` (see bench/README.md); rerun it to update this section.

- date: $(date -u +%Y-%m-%dT%H:%MZ)
- machine: $(nproc) cores, ${cpu_model:-unknown CPU}, ${ram_gib} GiB RAM, $(uname -sr)
- aiusage: git $rev, Release build; ccusage: $CCUSAGE_VER$( [ "$SKIP_CCUSAGE" = 1 ] || echo " (its native binary, from npm)")
- every command: \`--json\` daily report, UTC days, private HOME, files already in the page
  cache (the generator just wrote them), run under \`/usr/bin/time -v\`; MiB/s = input bytes
  the command reads / wall time. ccusage keeps no store: its second run is its warm run.

| corpus | data | aiusage cold s | ccusage cold s | ratio | aiusage warm ms | aiusage peak RSS MiB | ccusage RSS MiB |
|---|---|---:|---:|---:|---:|---:|---:|
$summary$(cat "$SECTION")

The truth follows docs/formats.md's rules and ccusage departs from them: for one, its
\`claude daily\` counts each streaming copy of a response that has no \`requestId\`
(checked on a two-line HOME), where the rules count one. So a Claude difference is
information, not a failure. Details: bench/out/<corpus>/state/check-ccusage-claude.txt.
EOF
md_replace_section "$ROOT/BENCHMARKS.md" run-bench "$FULL"
say "wrote the run-bench section of $ROOT/BENCHMARKS.md"
cat "$FULL"
