#!/usr/bin/env bash
# Budget alerts end to end, over a real D-Bus session bus: dbus-run-session
# runs a private bus, tests/notify_server.c owns org.freedesktop.Notifications
# on it and records every notification, and `aiusage budget --check-alerts`
# (the watcher's alert check, run once) sends through the real libnotify.
# Asserted: the recorded text and urgency, no repeat, escalation, a cooldown
# hold, a hung server (notify_server --hang) waited for 5 s only, and with no
# session bus at all: the alert in the log and exit 0.
# Then the commands around budgets: budget (table, JSON), config, status
# (with a running watcher) and service install/status/uninstall (with no
# systemd user manager reachable, so the real one is never touched).
set -uo pipefail
: "${AIUSAGE:?}" "${AU_NOTIFY_SERVER:?}"
t=${AU_T:-$(mktemp -d)}
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
has() { grep -qF -- "$2" "$1" && ok || bad "$3: '$2' not in $(cat "$1")"; }
hasnt() { grep -qF -- "$2" "$1" && bad "$3: '$2' in $(cat "$1")" || ok; }

H=$t/home
proj=$H/.claude/projects/-w-app
line() { # id output_tokens: sonnet 4.5 at $3/MTok in, $15/MTok out
	printf '{"type":"assistant","cwd":"/w/app","sessionId":"s","requestId":"r-%s","timestamp":"%s","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' \
		"$1" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$1" "$2" >>"$proj/s.jsonl"
}
# No bus unless the caller passes one: env -i drops DBUS_SESSION_BUS_ADDRESS,
# XDG_RUNTIME_DIR (so systemctl --user reaches no manager) and DISPLAY.
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC LANG=C.UTF-8 "$@"; }
rec_lines() { [ -f "$t/rec" ] && wc -l <"$t/rec" || echo 0; }

on_bus() {
	: "${DBUS_SESSION_BUS_ADDRESS:?not under dbus-run-session}"
	bus="DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"
	"$AU_NOTIFY_SERVER" "$t/rec" "$t/ready" 2>"$t/server.err" &
	server=$!
	for _ in $(seq 100); do [ -e "$t/ready" ] && break; sleep 0.05; done
	[ -e "$t/ready" ] && ok || { bad "notify_server did not take the name: $(cat "$t/server.err")"; return; }
	today=$(date -u +%Y-%m-%d)

	# 1. $0.900003 of $1.00: a warning, urgency normal
	line m1 60000
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ $? = 0 ] && ok || bad "check-alerts: exit code ($(cat "$t/err"))"
	[ "$(rec_lines)" = 1 ] && ok || bad "warning: $(rec_lines) notifications recorded"
	first=$(head -n1 "$t/rec")
	case $first in
	"aiusage: daily budget 90% used	Spent \$0.90 of \$1.00 today ($today).\\nProjected by the end of the day: \$"*".\\nTop project: app (\$0.90).	urgency=1") ok ;;
	*) bad "warning notification: '$first'" ;;
	esac
	has "$t/err" "aiusage: alert sent: daily budget 90% used - Spent \$0.90 of \$1.00 today ($today)." "warning log"

	# 2. the same alert is not sent again
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ $? = 0 ] && ok || bad "second check: exit code"
	[ "$(rec_lines)" = 1 ] && ok || bad "the warning was repeated: $(cat "$t/rec")"
	hasnt "$t/err" "alert" "second check"

	# 3. over the limit: sent at once (an escalation is not held by the
	#    cooldown), urgency critical; then not repeated either
	line m2 10000
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ "$(rec_lines)" = 2 ] && ok || bad "over: $(rec_lines) notifications recorded: $(cat "$t/err")"
	second=$(sed -n 2p "$t/rec")
	case $second in
	"aiusage: daily budget exceeded (105%)	Spent \$1.05 of \$1.00 today ($today)."*"Top project: app (\$1.05).	urgency=2") ok ;;
	*) bad "over notification: '$second'" ;;
	esac
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ "$(rec_lines)" = 2 ] && ok || bad "the over alert was repeated"

	# 4. cooldown: budget "late" notified 10 minutes ago (for yesterday, as
	#    if just before midnight); its alert for today is held, not sent
	cat >>"$H/.config/aiusage/config.ini" <<-EOF
		[budget late]
		period = day
		limit = 1
	EOF
	yesterday=$(date -u -d yesterday +%Y-%m-%d)
	sqlite3 "$H/.local/share/aiusage/usage.db" \
		"INSERT INTO alert_state VALUES('late', 'day:$yesterday', 2, $(($(date +%s) * 1000 - 600000)), NULL)"
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ $? = 0 ] && ok || bad "cooldown check: exit code"
	[ "$(rec_lines)" = 2 ] && ok || bad "the cooldown did not hold the alert: $(cat "$t/rec")"
	has "$t/err" "(cooldown): late budget exceeded (105%)" "cooldown log"
	has "$t/err" "aiusage: held alerts are due at" "cooldown: when to check again"
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	[ "$(rec_lines)" = 2 ] && ok || bad "held alert sent within the cooldown"
	hasnt "$t/err" "alert held" "a hold is logged once"

	# 5. a hung server takes the call and never answers: check-alerts waits
	#    5 s for it (not D-Bus's 25 s), logs the alert as not delivered
	#    (it still counts as sent) and exits 0
	kill "$server"
	wait "$server"
	rm -f "$t/ready"
	"$AU_NOTIFY_SERVER" --hang "$t/rec" "$t/ready" 2>"$t/server.err" &
	server=$!
	for _ in $(seq 100); do [ -e "$t/ready" ] && break; sleep 0.05; done
	[ -e "$t/ready" ] && ok || bad "notify_server --hang did not take the name: $(cat "$t/server.err")"
	printf '[budget hung]\nperiod = day\nlimit = 2\n' >>"$H/.config/aiusage/config.ini"
	line m3 40000 # $1.65 of $2.00
	# not through run(): $! must be aiusage itself
	env -i PATH="$PATH" HOME="$H" TZ=UTC LANG=C.UTF-8 "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err" &
	cpid=$!
	for _ in $(seq 300); do
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$cpid" 2>/dev/null; then
		bad "check-alerts still waits for a hung server after 15 s"
		kill -KILL "$cpid"
	fi
	wait "$cpid"
	[ $? = 0 ] && ok || bad "hung server: exit code ($(cat "$t/err"))"
	[ "$(rec_lines)" = 3 ] && ok || bad "the hung server did not get the alert: $(cat "$t/rec")"
	has "$t/err" "aiusage: alert not delivered (no answer from the notification service within 5 s): hung budget 82% used - Spent \$1.65 of \$2.00 today ($today)." "hung server log"
	run "$bus" "$AIUSAGE" budget --check-alerts 2>"$t/err"
	hasnt "$t/err" "hung budget" "hung server: repeated"

	kill "$server"
	wait "$server"
	echo "$pass passed, $fail failed" >"$t/bus.result"
}

if [ "${1:-}" = --on-bus ]; then
	on_bus
	exit 0
fi

command -v dbus-run-session >/dev/null || { echo "FAIL: dbus-run-session is missing (Debian package dbus-daemon)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 is missing"; exit 1; }
wpid=
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; kill $(jobs -p) 2>/dev/null; rm -rf "$t"' EXIT
# A daily budget needs all of a test's usage on one day: not near midnight.
left=$((86400 - $(date -u +%s) % 86400))
[ $left -lt 60 ] && sleep $((left + 1))

mkdir -p "$proj" "$H/.config/aiusage"
cat >"$H/.config/aiusage/config.ini" <<EOF
[alerts]
cooldown = 1h
[time]
timezone = UTC
[budget daily]
period = day
limit = 1.00
EOF

# --- over a real session bus, to a real notification server
AU_T=$t dbus-run-session -- bash "${BASH_SOURCE[0]}" --on-bus 2>"$t/bus.err"
if [ -f "$t/bus.result" ]; then
	read -r p _ f _ <"$t/bus.result"
	pass=$((pass + p)) fail=$((fail + f))
else
	bad "the bus part did not finish: $(cat "$t/bus.err")"
fi

# --- no session bus: the alert goes to the log, exit 0, and only once
H=$t/nobus
proj=$H/.claude/projects/-w-app
mkdir -p "$proj" "$H/.config/aiusage"
cp "$t/home/.config/aiusage/config.ini" "$H/.config/aiusage/"
line n1 60000
run "$AIUSAGE" budget --check-alerts 2>"$t/err"
[ $? = 0 ] && ok || bad "no bus: exit code ($(cat "$t/err"))"
has "$t/err" "aiusage: alert not delivered (no D-Bus session bus" "no bus"
has "$t/err" "): daily budget 90% used - Spent \$0.90 of \$1.00 today ($(date -u +%Y-%m-%d))." "no bus: the text"
run "$AIUSAGE" budget --check-alerts 2>"$t/err"
hasnt "$t/err" "alert" "no bus: repeated"

# --- aiusage budget: the table and JSON
out=$(run "$AIUSAGE" budget --no-color 2>"$t/err")
[ $? = 0 ] && ok || bad "budget: exit code"
echo "$out" | grep -qE '│ daily +│ day [0-9-]+ +│ all +│ +\$0\.90 │ +\$1\.00 │ +90% │ +\$[0-9.]+ │ warning │' && ok ||
	bad "budget table: $out"
out=$(run "$AIUSAGE" budget --json 2>/dev/null)
echo "$out" | grep -qF '"name":"daily","period":"day"' && ok || bad "budget --json: $out"
echo "$out" | grep -qF '"spent":0.900003,"limit":1,"percent":90,' && ok || bad "budget --json amounts: $out"
echo "$out" | grep -qF '"level":"warning","topProject":"app"' && ok || bad "budget --json level: $out"
out=$(run "$AIUSAGE" budget --since 2026-01-01 2>&1)
[ $? = 2 ] && ok || bad "budget --since: not a usage error: $out"

# --- aiusage config
run "$AIUSAGE" config --example >"$t/example.ini" && ok || bad "config --example"
run "$AIUSAGE" config --config "$t/example.ini" >"$t/out" 2>&1 && ok || bad "the example does not load: $(cat "$t/out")"
has "$t/out" "valid, 3 budget(s)" "config check"
[ "$(run "$AIUSAGE" config --path)" = "$H/.config/aiusage/config.ini" ] && ok || bad "config --path"
[ "$(run XDG_CONFIG_HOME=/x "$AIUSAGE" config --path)" = "/x/aiusage/config.ini" ] && ok || bad "config --path with XDG"
printf '[budget x]\nperiod = day\nlimit = lots\n' >"$t/bad.ini"
run "$AIUSAGE" config --config "$t/bad.ini" >/dev/null 2>"$t/err"
[ $? = 1 ] && ok || bad "bad config: exit code"
has "$t/err" "bad.ini:3: limit must be" "bad config: file:line"
run "$AIUSAGE" budget --config "$t/bad.ini" >/dev/null 2>"$t/err"
[ $? = 1 ] && ok || bad "budget with a bad config: exit code"

# --- aiusage status, without and with a watcher
db=$H/.local/share/aiusage/usage.db
out=$(run "$AIUSAGE" status 2>&1)
[ $? = 0 ] && ok || bad "status: exit code: $out"
echo "$out" | grep -qF "Watcher:    not running" && ok || bad "status: watcher: $out"
echo "$out" | grep -qF "Files:      1 tracked" && ok || bad "status: files: $out"
echo "$out" | grep -qF "Today:      \$0.90" && ok || bad "status: today: $out"
echo "$out" | grep -qE "budget daily +\\\$0\.90 of \\\$1\.00 \(90%, warning\)" && ok || bad "status: budget: $out"
# not through run(): $! must be the watcher itself, not a subshell
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch --db "$db" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do [ -s "$db.watch.lock" ] && break; sleep 0.05; done
out=$(run "$AIUSAGE" status --json 2>&1)
echo "$out" | grep -qF "{\"watcher\":{\"running\":true,\"pid\":$wpid," && ok || bad "status --json with a watcher: $out"
echo "$out" | grep -qF '"filesTracked":1,' && ok || bad "status --json: files: $out"
echo "$out" | grep -qE '"lastEvent":\{"claude":"[0-9T:-]+Z","codex":null[,}]' && ok || bad "status --json: last event: $out"
kill -TERM "$wpid"
wait "$wpid"
wpid=
out=$(run "$AIUSAGE" status 2>&1)
echo "$out" | grep -qF "Watcher:    not running" && ok || bad "status after the watcher stopped: $out"

# --- aiusage service, with no systemd user manager reachable
unit=$H/.config/systemd/user/aiusage.service
out=$(run "$AIUSAGE" service install 2>&1)
[ $? = 0 ] && ok || bad "service install: exit code: $out"
echo "$out" | grep -qF "wrote unit file $unit" && ok || bad "service install: $out"
echo "$out" | grep -qF "systemctl --user enable --now aiusage.service" && ok || bad "service install: what to run: $out"
grep -qxF "ExecStart=$(readlink -f "$AIUSAGE") watch" "$unit" && ok || bad "unit ExecStart: $(cat "$unit")"
grep -qxF "Type=simple" "$unit" && grep -qxF "Restart=on-failure" "$unit" && ok || bad "unit: $(cat "$unit")"
out=$(run "$AIUSAGE" service install 2>&1)
echo "$out" | grep -qF "is already up to date" && ok || bad "service install twice: $out"
out=$(run "$AIUSAGE" service status 2>&1)
echo "$out" | grep -qF "ExecStart=" && echo "$out" | grep -qF "is-active aiusage.service: unknown" && ok ||
	bad "service status: $out"
out=$(run XDG_CONFIG_HOME="$t/xdg" "$AIUSAGE" service install 2>&1)
[ -f "$t/xdg/systemd/user/aiusage.service" ] && ok || bad "service install under XDG_CONFIG_HOME: $out"
out=$(run "$AIUSAGE" service uninstall 2>&1)
[ $? = 0 ] && [ ! -e "$unit" ] && ok || bad "service uninstall: $out"
# a store of its own is passed on to the watcher
out=$(run "$AIUSAGE" service install --db "$t/elsewhere.db" 2>&1)
grep -qxF "ExecStart=$(readlink -f "$AIUSAGE") watch --db $t/elsewhere.db" "$unit" && ok || bad "unit with --db: $(cat "$unit")"
out=$(run "$AIUSAGE" service uninstall 2>&1)
echo "$out" | grep -qF "removed unit file $unit" && ok || bad "service uninstall: $out"
out=$(run "$AIUSAGE" service uninstall 2>&1)
echo "$out" | grep -qF "not installed" && ok || bad "service uninstall twice: $out"
run "$AIUSAGE" service restart >/dev/null 2>&1
[ $? = 2 ] && ok || bad "service with an unknown action: not a usage error"

echo "notify: $pass passed, $fail failed"
[ $fail = 0 ]
