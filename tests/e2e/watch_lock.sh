#!/usr/bin/env bash
# The watcher's lock file <db>.watch.lock: every clean stop (SIGTERM,
# SIGINT) removes it, so `status` does not then report a stale lock; one
# left by a crash (kill -9) is taken over by the next watcher with a note
# naming the dead pid; a second watcher beside a running one is refused
# and leaves the running one's lock in place. A missing config.ini (the
# normal case) is not logged.
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
mkdir -p "$H"
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }
start() {
	: >"$t/watch.log"
	env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch --db "$DB" 2>>"$t/watch.log" &
	wpid=$!
	for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && return; sleep 0.05; done
	bad "watcher did not start: $(cat "$t/watch.log")"
}
stop() { # signal
	kill "-$1" "$wpid"
	wait "$wpid"
	local rc=$?
	wpid=
	[ $rc = 0 ] && ok || bad "watcher exit code on SIG$1: $rc"
}

for sig in TERM INT; do
	start
	[ -e "$LOCK" ] && ok || bad "no lock file while the watcher runs"
	run status --db "$DB" >"$t/st.out" 2>&1
	grep -q "Watcher:    running (pid $wpid)" "$t/st.out" && ok || bad "status while running: $(cat "$t/st.out")"
	stop "$sig"
	[ -e "$LOCK" ] && bad "SIG$sig left $LOCK behind" || ok
	# no config.ini is the normal case: not worth a line
	grep -q "cannot read" "$t/watch.log" && bad "the watcher complains about a missing config: $(cat "$t/watch.log")" || ok
	run status --db "$DB" >"$t/st.out" 2>&1
	grep -q "stale" "$t/st.out" && bad "status after SIG$sig: $(grep Watcher "$t/st.out")" || ok
	grep -q "Watcher:    not running" "$t/st.out" && ok || bad "status after SIG$sig: $(cat "$t/st.out")"
done

# a crash leaves the file; the next watcher takes it over and says so
start
dead=$wpid
kill -9 "$dead"
wait "$dead" 2>/dev/null
wpid=
[ -e "$LOCK" ] && ok || bad "kill -9 did not leave the lock file (test premise)"
run status --db "$DB" >"$t/st.out" 2>&1
grep -q "stale lock file" "$t/st.out" && ok || bad "status after a crash: $(grep Watcher "$t/st.out")"
start
grep -q "note: taking over the stale lock $LOCK left by pid $dead, which is no longer running" "$t/watch.log" && ok ||
	bad "no note on taking over a stale lock: $(cat "$t/watch.log")"
[ "$(head -1 "$LOCK")" = "$wpid" ] && ok || bad "the lock names '$(cat "$LOCK")', not the new watcher $wpid"

# a second watcher is refused and does not remove the first one's lock
run watch --db "$DB" >/dev/null 2>"$t/second.err"
rc=$?
[ $rc != 0 ] && ok || bad "a second watcher was not refused"
grep -q "already running" "$t/second.err" && ok || bad "second watcher: $(cat "$t/second.err")"
[ -e "$LOCK" ] && ok || bad "a refused second watcher removed the running one's lock"
run status --db "$DB" >"$t/st.out" 2>&1
grep -q "Watcher:    running (pid $wpid)" "$t/st.out" && ok || bad "status after a refused second watcher: $(cat "$t/st.out")"
stop TERM
[ -e "$LOCK" ] && bad "SIGTERM after a takeover left the lock behind" || ok

echo "watch_lock: $pass passed, $fail failed"
[ $fail = 0 ]
