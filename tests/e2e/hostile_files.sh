#!/usr/bin/env bash
# Log-named paths that are not logs: a FIFO and a symlink to /dev/urandom
# named *.jsonl in a Claude project folder. scan must skip them (named under
# -v), and the watcher must neither block in open() nor spin on them: it
# keeps storing the real log written after them and exits 0 on SIGTERM.
# Also: a directory of a log tree that cannot be read is a warning (run as
# nobody, since root reads everything).
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
chmod 755 "$t"
wpid=
cleanup() { [ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null; wait 2>/dev/null; chmod -R u+rwx "$t" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
DB=$t/store/usage.db
P=$H/.claude/projects/-w-p
mkdir -p "$P"
cl() { # id out
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' "$1" "$1" "$2"
}
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }
outsum() { sqlite3 "file:$DB?mode=ro" "SELECT coalesce(sum(output),0)||' '||count(*) FROM usage" 2>/dev/null; }

cl m1 10 >"$P/a.jsonl"
mkfifo "$P/x.jsonl"
ln -s /dev/urandom "$P/u.jsonl"

# 1. scan: finishes, stores the real log, names both paths under -v only
timeout 20 env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" scan -v --db "$DB" >"$t/scan.out" 2>"$t/scan.err"
rc=$?
[ $rc = 0 ] && ok || bad "scan -v exit $rc: $(cat "$t/scan.err")"
[ "$(outsum)" = "10 1" ] && ok || bad "scan stored '$(outsum)', expected '10 1'"
grep -q "x.jsonl: skipped: not a regular file" "$t/scan.err" && ok || bad "scan -v does not name the FIFO: $(cat "$t/scan.err")"
grep -q "u.jsonl: skipped" "$t/scan.err" && ok || bad "scan -v does not name the device link: $(cat "$t/scan.err")"
run scan --db "$DB" >/dev/null 2>"$t/quiet.err"
grep -q "skipped" "$t/quiet.err" && bad "scan without -v talks about skipped paths: $(cat "$t/quiet.err")" || ok

# 2. the watcher: FIFO and device link created while it runs
rm -f "$P/x.jsonl" "$P/u.jsonl"
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch -v --db "$DB" 2>>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && break; sleep 0.05; done
mkfifo "$P/y.jsonl"
ln -s /dev/urandom "$P/v.jsonl"
sleep 0.5
cl m2 20 >>"$P/a.jsonl"
got=
for _ in $(seq 200); do got=$(outsum); [ "$got" = "30 2" ] && break; sleep 0.05; done
[ "$got" = "30 2" ] && ok || bad "watcher stopped storing after a FIFO and a device link: '$got'"
# not spinning: under a second of CPU over the whole run
cpu=$(awk '{print $14 + $15}' "/proc/$wpid/stat" 2>/dev/null || echo 0)
tck=$(getconf CLK_TCK)
[ "$cpu" -lt "$tck" ] && ok || bad "watcher used $cpu ticks of CPU (spinning?)"
grep -q "y.jsonl: skipped" "$t/watch.log" && ok || bad "watch -v does not name the FIFO"
[ "$(grep -c "v.jsonl: skipped" "$t/watch.log")" = 1 ] && ok || bad "watch -v names the device link other than once: $(grep -c "v.jsonl: skipped" "$t/watch.log")"
kill -TERM "$wpid"
rc=0
for _ in $(seq 100); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$wpid" 2>/dev/null; then
	bad "watcher ignores SIGTERM"
	kill -9 "$wpid"
else
	wait "$wpid"
	rc=$?
	[ $rc = 0 ] && ok || bad "watch exit $rc on SIGTERM"
fi
wpid=

# 3. an unreadable directory is a warning, like an unreadable file
if command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
	H2=$t/h2
	D=$H2/.codex/sessions/2025/10/01
	mkdir -p "$D" "$t/s2"
	chmod -R 755 "$H2"; chown -R nobody "$H2" "$t/s2"
	chmod 000 "$D"
	runuser -u nobody -- env -i PATH="$PATH" HOME="$H2" TZ=UTC "$AIUSAGE" scan --db "$t/s2/u.db" >/dev/null 2>"$t/dir.err"
	grep -q "2025/10/01: cannot read the directory: Permission denied" "$t/dir.err" && ok ||
		bad "unreadable directory not reported: $(cat "$t/dir.err")"
	chmod 755 "$D"
else
	echo "skip: no runuser/nobody for the unreadable-directory check"
fi

echo "hostile_files: $pass passed, $fail failed"
[ $fail = 0 ]
