#!/usr/bin/env bash
# The running watcher sends budget alerts itself: over a real D-Bus session
# bus (dbus-run-session) to tests/notify_server.c through the real
# libnotify, right after the batch that crossed the threshold is committed;
# nothing is repeated after a restart (alert state is in the store); SIGHUP
# reloads the config and a new budget alerts at once.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_NOTIFY_SERVER:?}"

if [ "${1:-}" != --on-bus ]; then
	command -v dbus-run-session >/dev/null || { echo "FAIL: dbus-run-session is missing (Debian package dbus-daemon)"; exit 1; }
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	# all of the test's usage must fall on one UTC day
	left=$((86400 - $(date -u +%s) % 86400))
	[ $left -lt 60 ] && sleep $((left + 1))
	AU_T=$t dbus-run-session -- bash "${BASH_SOURCE[0]}" --on-bus 2>"$t/bus.err"
	rc=$?
	[ $rc = 0 ] || grep -v "Failed to set fd limit" "$t/bus.err"
	exit $rc
fi

t=$AU_T
fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
H=$t/home
P=$H/.claude/projects/-w-app
mkdir -p "$P" "$H/.config/aiusage"
printf '[alerts]\ncooldown = 1h\n[time]\ntimezone = UTC\n[budget daily]\nperiod = day\nlimit = 1.00\n' \
	>"$H/.config/aiusage/config.ini"
line() { # id output_tokens (Sonnet 4.5: $15 per million output tokens)
	printf '{"type":"assistant","cwd":"/w/app","sessionId":"s","requestId":"r-%s","timestamp":"%s","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' \
		"$1" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$1" "$2" >>"$P/s.jsonl"
}
recorded() { if [ -f "$t/rec" ]; then wc -l <"$t/rec"; else echo 0; fi; }
wait_recorded() { # n what
	for _ in $(seq 400); do
		[ "$(recorded)" = "$1" ] && { ok; return; }
		sleep 0.05
	done
	bad "$2: $(recorded) notification(s) recorded, expected $1: $(cat "$t/rec" 2>/dev/null) / $(tail -5 "$t/watch.log")"
}

"$AU_NOTIFY_SERVER" "$t/rec" "$t/ready" 2>"$t/server.err" &
server=$!
for _ in $(seq 100); do
	[ -e "$t/ready" ] && break
	sleep 0.05
done
[ -e "$t/ready" ] || { echo "FAIL: notify_server did not start: $(cat "$t/server.err")"; exit 1; }

wpid=
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; kill "$server" 2>/dev/null' EXIT
start() {
	env -i PATH="$PATH" HOME="$H" TZ=UTC DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" \
		"$AIUSAGE" watch 2>>"$t/watch.log" &
	wpid=$!
	for _ in $(seq 200); do
		grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && return
		sleep 0.05
	done
	bad "watcher did not start: $(cat "$t/watch.log")"
}
stop() {
	kill -TERM "$wpid"
	wait "$wpid"
	wpid=
}

start
grep -q "config $H/.config/aiusage/config.ini: 1 budget(s)" "$t/watch.log" && ok || bad "config not loaded: $(cat "$t/watch.log")"
line m1 60000 # $0.90
wait_recorded 1 "warning after the batch"
case $(head -n1 "$t/rec") in
"aiusage: daily budget 90% used	"*"urgency=1") ok ;;
*) bad "warning text: $(head -n1 "$t/rec")" ;;
esac
line m2 10000 # $1.05
wait_recorded 2 "over the limit"
case $(sed -n 2p "$t/rec") in
"aiusage: daily budget exceeded (105%)	"*"urgency=2") ok ;;
*) bad "over text: $(sed -n 2p "$t/rec")" ;;
esac

# a restart repeats nothing, even after a new batch is committed
stop
start
line m3 10
sleep 1
[ "$(recorded)" = 2 ] && ok || bad "a restart repeated an alert: $(cat "$t/rec")"

# SIGHUP: a new, smaller budget is read and alerts at once
printf '[budget small]\nperiod = day\nlimit = 0.50\n' >>"$H/.config/aiusage/config.ini"
kill -HUP "$wpid"
wait_recorded 3 "a budget added by SIGHUP"
sed -n 3p "$t/rec" | grep -q "exceeded" && ok || bad "reloaded budget text: $(sed -n 3p "$t/rec")"
grep -q "SIGHUP: reloading the config" "$t/watch.log" && ok || bad "no reload line"
grep -q "config .*: 2 budget(s)" "$t/watch.log" && ok || bad "the reload did not read 2 budgets"
stop

echo "watch_alerts: $pass passed, $fail failed"
[ $fail = 0 ]
