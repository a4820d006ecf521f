#!/usr/bin/env bash
# Two writers at once: two `scan`s started together over many new files
# (and appends to files already stored), several rounds, then reports run
# while a watcher stores new files. Every process must exit 0, and the
# store's totals (rows and the agg table the reports read) must equal
# what one scan of the same logs into a fresh store gives: no cursor
# conflict, no response counted twice.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
wpid=
cleanup() { [ -n "$wpid" ] && kill "$wpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
DB=$t/store/usage.db
P=$H/.claude/projects/-w-p
C=$H/.codex/sessions/2025/10/01
mkdir -p "$P" "$C"
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }
cl() { # id out
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' "$1" "$1" "$2"
}
cx() { # ts total_in total_out
	printf '{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%s,"cached_input_tokens":0,"output_tokens":%s,"reasoning_output_tokens":0}}}}\n' "$@"
}
# rows, tokens and the agg table's sums, as one line
totals() {
	sqlite3 "file:$1?mode=ro" "SELECT (SELECT count(*)||' '||coalesce(sum(output),0)||' '||coalesce(sum(input),0) FROM usage)||' | '||(SELECT coalesce(sum(n),0)||' '||coalesce(sum(output),0)||' '||coalesce(sum(input),0) FROM agg)" 2>/dev/null
}
# one scan of everything into a fresh store: what the store must hold
reference() {
	rm -f "$t/ref.db"*
	run scan --db "$t/ref.db" >/dev/null 2>&1
	totals "$t/ref.db"
}

add_files() { # round
	local r=$1 i
	for i in $(seq 20); do
		cl "r$r-f$i-a" $((r * 100 + i)) >"$P/r$r-f$i.jsonl"
		cl "r$r-f$i-b" 7 >>"$P/r$r-f$i.jsonl"
	done
	# a Codex rollout: cumulative counters, so a resumed read needs the
	# cursor's state to be the one stored with its offset
	local R=$C/rollout-2025-10-01T10-00-0$r-00000000-0000-0000-0000-00000000000$r.jsonl
	printf '{"timestamp":"2025-10-01T10:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5-codex","cwd":"/w/c"}}\n' >"$R"
	cx "2025-10-01T10:0$r:01.000Z" 1000 50 >>"$R"
	# appends to files an earlier round stored
	if [ "$r" -gt 1 ]; then
		for i in 1 2 3; do cl "r$r-app$i" 3 >>"$P/r$((r - 1))-f$i.jsonl"; done
		local prev=$C/rollout-2025-10-01T10-00-0$((r - 1))-00000000-0000-0000-0000-00000000000$((r - 1)).jsonl
		cx "2025-10-01T10:0$r:02.000Z" 3000 150 >>"$prev"
	fi
}

for r in 1 2 3 4 5 6; do
	add_files "$r"
	run scan --db "$DB" >"$t/a.out" 2>"$t/a.err" &
	a=$!
	run scan --db "$DB" >"$t/b.out" 2>"$t/b.err" &
	b=$!
	wait "$a"; ra=$?
	wait "$b"; rb=$?
	[ $ra = 0 ] && ok || bad "round $r: first scan exit $ra: $(cat "$t/a.err")"
	[ $rb = 0 ] && ok || bad "round $r: second scan exit $rb: $(cat "$t/b.err")"
	want=$(reference)
	got=$(totals "$DB")
	[ "$got" = "$want" ] && ok || bad "round $r: store has '$got', one scan gives '$want'"
done

# the same with a watcher storing while reports scan
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch --db "$DB" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && break; sleep 0.05; done
for r in 7 8 9; do
	add_files "$r"
	run daily --db "$DB" >/dev/null 2>"$t/d1.err" &
	d1=$!
	run daily --db "$DB" >/dev/null 2>"$t/d2.err" &
	d2=$!
	wait "$d1"; r1=$?
	wait "$d2"; r2=$?
	[ $r1 = 0 ] && ok || bad "round $r: daily beside a watcher exit $r1: $(cat "$t/d1.err")"
	[ $r2 = 0 ] && ok || bad "round $r: second daily beside a watcher exit $r2: $(cat "$t/d2.err")"
done
run scan --db "$DB" >/dev/null 2>"$t/last.err" || bad "last scan failed: $(cat "$t/last.err")"
want=$(reference)
got=$(totals "$DB")
[ "$got" = "$want" ] && ok || bad "beside a watcher: store has '$got', one scan gives '$want'"
grep -q "UNIQUE\|stopped" "$t/watch.log" && bad "the watcher failed to store: $(cat "$t/watch.log")" || ok
kill -TERM "$wpid"; wait "$wpid"; rw=$?; wpid=
[ $rw = 0 ] && ok || bad "watcher exit $rw"

echo "concurrent_scan: $pass passed, $fail failed"
[ $fail = 0 ]
