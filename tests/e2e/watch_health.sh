#!/usr/bin/env bash
# The running watcher's silent-tool notice (issue 16), over a real D-Bus
# session bus to tests/notify_server.c: Claude logs whose new lines all fail
# to parse give one notification with the `sources` warning; more such
# lines and a restart on the same day give none; Codex logs with only
# non-usage events give none. AIUSAGE_HEALTH_SECONDS=1 shortens the
# watcher's minute between looks.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_NOTIFY_SERVER:?}" "${AU_SRC:?}"

if [ "${1:-}" != --on-bus ]; then
	command -v dbus-run-session >/dev/null || { echo "FAIL: dbus-run-session is missing (Debian package dbus-daemon)"; exit 1; }
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	# the notice is once per UTC day: not across midnight
	left=$((86400 - $(date -u +%s) % 86400))
	[ $left -lt 60 ] && sleep $((left + 1))
	AU_T=$t dbus-run-session -- bash "${BASH_SOURCE[0]}" --on-bus 2>"$t/bus.err"
	rc=$?
	[ $rc = 0 ] || grep -v "Failed to set fd limit" "$t/bus.err"
	exit $rc
fi

t=$AU_T
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
recorded() { if [ -f "$t/rec" ]; then wc -l <"$t/rec"; else echo 0; fi; }

"$AU_NOTIFY_SERVER" "$t/rec" "$t/ready" 2>"$t/server.err" &
server=$!
for _ in $(seq 100); do
	[ -e "$t/ready" ] && break
	sleep 0.05
done
[ -e "$t/ready" ] || { echo "FAIL: notify_server did not start: $(cat "$t/server.err")"; exit 1; }

wpid=
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; kill "$server" 2>/dev/null' EXIT
start() { # HOME
	: >"$t/watch.log"
	env -i PATH="$PATH" HOME="$1" TZ=UTC AIUSAGE_HEALTH_SECONDS=1 \
		DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$AIUSAGE" watch 2>>"$t/watch.log" &
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

# ---- a tool gone silent while the watcher runs: one notice
H=$t/home
P=$H/.claude/projects/-home-u-app
mkdir -p "$P"
start "$H"
cp "$AU_SRC"/fixtures/health/broken/.claude/projects/-home-u-app/*.jsonl "$P/"
for _ in $(seq 200); do
	[ "$(recorded)" -ge 1 ] && break
	sleep 0.05
done
today=$(date -u +%Y-%m-%d)
want="claude: 3 files written since $today, no usage found in them: the log format may have changed; please report it with \`aiusage sources --json\`"
[ "$(recorded)" = 1 ] && ok || bad "silent claude: $(recorded) notification(s): $(cat "$t/watch.log")"
[ "$(head -n1 "$t/rec" 2>/dev/null)" = "aiusage: no usage found in claude's new logs	$want	urgency=1" ] && ok ||
	bad "notice text: $(head -n1 "$t/rec" 2>/dev/null)"
grep -qF "aiusage: alert sent: no usage found in claude's new logs - $want" "$t/watch.log" && ok ||
	bad "notice not logged: $(cat "$t/watch.log")"

# more broken lines the same day: no second notice
f=$(ls "$P"/*.jsonl | head -n1)
for i in 1 2 3 4 5; do echo '{"type":"assistant","message":{"usage":{"input_tokens":' >>"$f"; done
sleep 2.5
[ "$(recorded)" = 1 ] && ok || bad "the notice was repeated: $(cat "$t/rec")"
stop

# a restart on the same day: none either (the store remembers)
start "$H"
sleep 2
[ "$(recorded)" = 1 ] && ok || bad "the notice was repeated after a restart: $(cat "$t/rec")"
stop

# ---- Codex writing only non-usage events: no false alarm
H=$t/quiet
mkdir -p "$H/.codex/sessions"
start "$H"
cp -a "$AU_SRC/fixtures/health/quiet/.codex/sessions/2026" "$H/.codex/sessions/"
sleep 2.5
[ "$(recorded)" = 1 ] && ok || bad "false alarm for Codex: $(tail -n1 "$t/rec")"
grep -q "no usage found" "$t/watch.log" && bad "false alarm logged: $(cat "$t/watch.log")" || ok
stop

echo "watch_health: $pass passed, $fail failed"
[ $fail = 0 ]
