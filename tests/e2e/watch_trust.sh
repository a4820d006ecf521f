#!/usr/bin/env bash
# A report beside a running watcher that has read everything reads the
# store as it is (the lock file says "live" with the fingerprint of the
# roots it watches): its totals are the watcher's, and they follow an
# append once the watcher has stored it. A report whose environment names
# other logs, `aiusage scan`, any report after the watcher died (kill -9
# leaves the file) and one beside a watcher past the inotify watch limit
# scan as before.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
wpid=
cleanup() { [ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
DB=$t/store/usage.db
LOCK=$DB.watch.lock
P=$H/.claude/projects/-w-p
mkdir -p "$P"
line() { # message id, output tokens
	printf '{"type":"assistant","sessionId":"s1","cwd":"/w/p","requestId":"r-%s","timestamp":"2026-11-02T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":10,"output_tokens":%s}}}\n' "$1" "$1" "$2"
}
line m1 100 >"$P/s1.jsonl"
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }
out_tokens() { # report args...: the daily JSON's output total
	run daily --json --db "$DB" "$@" 2>"$t/err" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["outputTokens"])'
}

env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch --db "$DB" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q '^live ' "$LOCK" 2>/dev/null && break; sleep 0.05; done
grep -q '^live ' "$LOCK" && ok || bad "the lock file never said live: $(cat "$LOCK" 2>&1); $(cat "$t/watch.log")"
head -1 "$LOCK" | grep -qx "$wpid" && ok || bad "first line of the lock file: $(head -1 "$LOCK")"

# trusted: no scan, the stored figures
[ "$(out_tokens -v)" = 100 ] && ok || bad "report beside the watcher: $(cat "$t/err")"
grep -q "watcher (pid $wpid) keeps the store current" "$t/err" && ok || bad "no 'keeps the store current' under -v: $(cat "$t/err")"

# an append reaches the report through the watcher
line m2 20 >>"$P/s1.jsonl"
for _ in $(seq 100); do [ "$(out_tokens --no-scan)" = 120 ] && break; sleep 0.05; done
[ "$(out_tokens -v)" = 120 ] && ok || bad "report after an append: $(out_tokens)"
grep -q "keeps the store current" "$t/err" && ok || bad "the append made the report scan: $(cat "$t/err")"

# `scan` always scans: it looks at the file
run scan --json --db "$DB" >"$t/scan.json" 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["files"] >= 1 else 1)' "$t/scan.json" &&
	ok || bad "scan beside the watcher did not look at the files: $(cat "$t/scan.json")"

# other roots (CLAUDE_CONFIG_DIR elsewhere): the report scans them
O=$t/other/projects/-w-q
mkdir -p "$O"
line m9 7 >"$O/s9.jsonl"
got=$(env -i PATH="$PATH" HOME="$H" TZ=UTC CLAUDE_CONFIG_DIR="$t/other" "$AIUSAGE" daily --json -v --db "$DB" 2>"$t/err" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["outputTokens"])')
[ "$got" = 127 ] && ok || bad "report with other roots: $got ($(cat "$t/err"))"
grep -q "keeps the store current" "$t/err" && bad "a report with other roots trusted the watcher" || ok

# a clean stop: the file goes, the next report scans (and finds a line
# written after the stop)
kill -TERM "$wpid"
wait "$wpid"
wpid=
line m3 3 >>"$P/s1.jsonl"
[ "$(out_tokens -v)" = 130 ] && ok || bad "report after the watcher stopped: $(cat "$t/err")"
grep -q "keeps the store current" "$t/err" && bad "trusted a stopped watcher" || ok

# kill -9 leaves "live" in the file: the dead pid is not trusted
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch --db "$DB" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q '^live ' "$LOCK" 2>/dev/null && break; sleep 0.05; done
kill -9 "$wpid"
wait "$wpid" 2>/dev/null
wpid=
grep -q '^live ' "$LOCK" && ok || bad "kill -9 did not leave a live lock file (test premise)"
line m4 1000 >>"$P/s1.jsonl"
[ "$(out_tokens -v)" = 1130 ] && ok || bad "report after kill -9: $(cat "$t/err")"
grep -q "keeps the store current" "$t/err" && bad "trusted a dead watcher" || ok

# a watcher past the inotify watch limit rescans every minute: not live,
# the report scans (and finds a line written after the watcher started)
rm -f "$LOCK"
env -i PATH="$PATH" HOME="$H" TZ=UTC AIUSAGE_TEST_MAX_WATCHES=1 "$AIUSAGE" watch --db "$DB" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && break; sleep 0.05; done
grep -q "watch limit is reached" "$t/watch.log" && ok || bad "no degraded watcher (test premise): $(cat "$t/watch.log")"
sleep 0.3
grep -q '^live ' "$LOCK" && bad "a degraded watcher says live: $(cat "$LOCK")" || ok
line m5 5 >>"$P/s1.jsonl"
[ "$(out_tokens -v)" = 1135 ] && ok || bad "report beside a degraded watcher: $(cat "$t/err")"
grep -q "keeps the store current" "$t/err" && bad "trusted a degraded watcher" || ok
kill -TERM "$wpid"
wait "$wpid"
wpid=

echo "watch_trust: $pass passed, $fail failed"
[ "$fail" = 0 ]
