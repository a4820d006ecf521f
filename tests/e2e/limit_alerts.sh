#!/usr/bin/env bash
# Budgets on a tool's own rate-limit window ([limit codex.secondary]
# warn_percent = 80, issue 16), over a real D-Bus session bus to
# tests/notify_server.c through `aiusage budget --check-alerts` (the
# watcher's alert check, run once): the warning once, no repeat, the
# escalation at 100 % at once despite the cooldown, a window already reset
# alerts nothing, quiet hours hold it; and a bad [limit] section is an error.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_NOTIFY_SERVER:?}"

if [ "${1:-}" != --on-bus ]; then
	command -v dbus-run-session >/dev/null || { echo "FAIL: dbus-run-session is missing (Debian package dbus-daemon)"; exit 1; }
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
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
trap 'kill "$server" 2>/dev/null' EXIT
for _ in $(seq 100); do
	[ -e "$t/ready" ] && break
	sleep 0.05
done
[ -e "$t/ready" ] || { echo "FAIL: notify_server did not start: $(cat "$t/server.err")"; exit 1; }

now=$(date -u +%s)
reset=$((now + 3 * 86400))
day=$(date -u +%Y/%m/%d)
setup() { # HOME
	mkdir -p "$1/.codex/sessions/$day" "$1/.config/aiusage"
	printf '{"timestamp":"%s","type":"session_meta","payload":{"id":"019ad000-0000-7000-8000-0000000000aa","timestamp":"%s","cwd":"/w/app"}}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" \
		>"$1/.codex/sessions/$day/rollout-x-019ad000-0000-7000-8000-0000000000aa.jsonl"
}
obs() { # HOME SECONDS_AGO USED RESETS_AT
	printf '{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":1.0,"window_minutes":300,"resets_at":%s},"secondary":{"used_percent":%s,"window_minutes":10080,"resets_at":%s},"plan_type":"plus"}}}\n' \
		"$(date -u -d "@$((now - $2))" +%Y-%m-%dT%H:%M:%S.000Z)" "$((now + 3600))" "$3" "$4" \
		>>"$1/.codex/sessions/$day/rollout-x-019ad000-0000-7000-8000-0000000000aa.jsonl"
}
run() { # HOME ARGS...
	local h=$1
	shift
	env -i PATH="$PATH" HOME="$h" TZ=UTC DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$AIUSAGE" "$@"
}

H=$t/home
setup "$H"
printf '[alerts]\ncooldown = 1h\n[time]\ntimezone = UTC\n[limit codex.secondary]\nwarn_percent = 80\n' \
	>"$H/.config/aiusage/config.ini"
obs "$H" 600 60.0 "$reset"
run "$H" budget --check-alerts 2>"$t/err"
[ $? = 0 ] && ok || bad "check-alerts: exit code ($(cat "$t/err"))"
[ "$(recorded)" = 0 ] && ok || bad "60% alerted: $(cat "$t/rec")"

obs "$H" 300 85.0 "$((reset + 1))" # reports of one window move its reset by a second
run "$H" budget --check-alerts 2>"$t/err"
seen=$(date -u -d "@$((now - 300))" '+%Y-%m-%d %H:%M')
resets=$(date -u -d "@$((reset + 1))" '+%Y-%m-%d %H:%M')
want="aiusage: codex secondary window 85% used	85% of codex's secondary window used, as codex reported at $seen; it resets at $resets.	urgency=1"
[ "$(recorded)" = 1 ] && [ "$(head -n1 "$t/rec")" = "$want" ] && ok || bad "warning: $(cat "$t/rec" 2>/dev/null) / $(cat "$t/err")"
grep -qF "aiusage: alert sent: codex secondary window 85% used" "$t/err" && ok || bad "warning log: $(cat "$t/err")"
run "$H" budget --check-alerts 2>"$t/err"
[ "$(recorded)" = 1 ] && ok || bad "warning repeated: $(cat "$t/rec")"

obs "$H" 60 100.0 "$reset"
run "$H" budget --check-alerts 2>"$t/err"
[ "$(recorded)" = 2 ] && ok || bad "escalation: $(recorded) / $(cat "$t/err")"
case $(sed -n 2p "$t/rec") in
"aiusage: codex secondary window full (100%)	"*"urgency=2") ok ;;
*) bad "escalation text: $(sed -n 2p "$t/rec")" ;;
esac
run "$H" budget --check-alerts 2>"$t/err"
[ "$(recorded)" = 2 ] && ok || bad "escalation repeated"

# a window already reset: nothing, however full it was
H2=$t/past
setup "$H2"
printf '[time]\ntimezone = UTC\n[limit codex.secondary]\n' >"$H2/.config/aiusage/config.ini"
obs "$H2" 7200 95.0 "$((now - 60))"
run "$H2" budget --check-alerts 2>"$t/err"
[ "$(recorded)" = 2 ] && ok || bad "a reset window alerted: $(tail -n1 "$t/rec")"

# quiet hours all day long but a minute: held, logged once
H3=$t/quiet
setup "$H3"
q1=$(date -u -d "@$((now - 600))" +%H:%M) q2=$(date -u -d "@$((now + 600))" +%H:%M)
printf '[alerts]\nquiet_hours = %s-%s\n[time]\ntimezone = UTC\n[limit codex.primary]\nwarn_percent = 1\n' "$q1" "$q2" \
	>"$H3/.config/aiusage/config.ini"
obs "$H3" 60 50.0 "$reset"
run "$H3" budget --check-alerts 2>"$t/err"
[ "$(recorded)" = 2 ] && ok || bad "sent in quiet hours: $(tail -n1 "$t/rec")"
grep -qF "(quiet hours): codex primary window 1% used" "$t/err" && ok || bad "quiet hold log: $(cat "$t/err")"

# a bad section names the file and line
printf '[limit codex]\nwarn_percent = 80\n' >"$t/bad.ini"
run "$H" config --config "$t/bad.ini" >/dev/null 2>"$t/err"
[ $? = 1 ] && grep -qF "bad.ini:1: a limit names a tool and one of its windows" "$t/err" && ok || bad "bad [limit]: $(cat "$t/err")"
printf '[limit codex.primary]\nwarn_percent = 120\n' >"$t/bad.ini"
run "$H" config --config "$t/bad.ini" >/dev/null 2>"$t/err"
grep -qF "warn_percent must be a whole number from 1 to 100, not '120'" "$t/err" && ok || bad "bad warn_percent: $(cat "$t/err")"

echo "limit_alerts: $pass passed, $fail failed"
[ $fail = 0 ]
