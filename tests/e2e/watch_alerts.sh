#!/usr/bin/env bash
# The running watcher sends budget alerts itself: over a real D-Bus session
# bus (dbus-run-session) to tests/notify_server.c through the real
# libnotify, right after the batch that crossed the threshold is committed;
# nothing is repeated after a restart (alert state is in the store); SIGHUP
# reloads the config and a new budget alerts at once. Then a hung server
# (notify_server --hang takes the Notify call and never answers): the watcher
# keeps reading while the notification waits, a queue of more than 16 drops
# its oldest, and SIGTERM still exits 0 within seconds.
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
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
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

# --- a hung notification server
kill "$server"
wait "$server"
rm -f "$t/ready"
"$AU_NOTIFY_SERVER" --hang "$t/rec" "$t/ready" 2>"$t/server.err" &
server=$!
for _ in $(seq 100); do
	[ -e "$t/ready" ] && break
	sleep 0.05
done
[ -e "$t/ready" ] || bad "notify_server --hang did not start: $(cat "$t/server.err")"
printf '[budget hang]\nperiod = day\nlimit = 2.00\n' >>"$H/.config/aiusage/config.ini"
start
line m4 60000 # $1.95 of $2.00: a warning, which the server takes and never answers
wait_recorded 4 "the hung server got the alert"
grep -q "^aiusage: alert .*: hang budget" "$t/watch.log" && bad "an outcome for a call still waiting: $(tail -3 "$t/watch.log")" || ok
# the loop is not waiting with it: the next line is stored at once
line m5 1000
DB=$H/.local/share/aiusage/usage.db
total() { sqlite3 "file:$DB?mode=ro" "SELECT coalesce(sum(output),0) FROM usage" 2>/dev/null; }
for _ in $(seq 160); do
	[ "$(total)" = 131010 ] && break
	sleep 0.05
done
[ "$(total)" = 131010 ] && ok || bad "a line written while a notification hangs was not stored: output $(total), expected 131010"
# 18 more alerts behind the stuck one: 16 wait, the 2 oldest are dropped
for i in $(seq -w 18); do printf '[budget q%s]\nperiod = day\nlimit = 0.01\n' "$i"; done >>"$H/.config/aiusage/config.ini"
kill -HUP "$wpid"
dropped() { grep -c "^aiusage: alert not delivered (dropped: more than 16 notifications waiting for the notification service): q" "$t/watch.log"; }
for _ in $(seq 160); do
	[ "$(dropped)" -ge 2 ] && break
	sleep 0.05
done
[ "$(dropped)" = 2 ] && ok || bad "queue overflow: $(dropped) dropped, expected 2: $(tail -5 "$t/watch.log")"
grep -q "(dropped: .*): q01 budget exceeded" "$t/watch.log" && grep -q "(dropped: .*): q02 budget exceeded" "$t/watch.log" &&
	ok || bad "not the oldest dropped: $(grep dropped "$t/watch.log")"
# SIGTERM: a 2 s grace for the queue, then exit 0 without D-Bus's 25 s timeout
kill -TERM "$wpid"
for _ in $(seq 100); do
	kill -0 "$wpid" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$wpid" 2>/dev/null; then
	bad "the watcher did not exit within 5 s of SIGTERM with a notification stuck"
	kill -KILL "$wpid"
fi
wait "$wpid"
rc=$?
wpid=
[ $rc = 0 ] && ok || bad "exit code on SIGTERM with a notification stuck: $rc"
at_exit="^aiusage: alert not delivered (still waiting for the notification service at exit): "
grep -q "${at_exit}hang budget 97% used - Spent \$1.95 of \$2.00 today" "$t/watch.log" && ok ||
	bad "the stuck alert is not logged at exit: $(tail -3 "$t/watch.log")"
[ "$(grep -c "${at_exit}q" "$t/watch.log")" = 16 ] && ok || bad "queued alerts at exit: $(grep -c "${at_exit}q" "$t/watch.log"), expected 16"
grep -q "^aiusage: alert sent: \(hang\|q\)" "$t/watch.log" && bad "sent to a hung server: $(grep "alert sent" "$t/watch.log")" || ok

echo "watch_alerts: $pass passed, $fail failed"
[ $fail = 0 ]
