#!/usr/bin/env bash
# Time zones as users type them: "UTC+2" is refused (POSIX would read it as
# two hours behind UTC) with the offset to write instead, "+02:00" and
# "utc" work, and an unknown $TZ is warned about instead of silently
# becoming UTC. One response at 23:30 UTC tells the days apart.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
P=$H/.claude/projects/-w-p
mkdir -p "$P"
printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r1","timestamp":"2025-10-01T23:30:00.000Z","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":10}}}\n' >"$P/a.jsonl"
run() { env -i PATH="$PATH" HOME="$H" "$@"; }
day() { # the one day daily --json reports, with extra args
	run TZ=UTC "$AIUSAGE" daily --json --db "$t/db" "$@" 2>/dev/null | grep -o '"date": *"[0-9-]*"' | head -1 | grep -o '[0-9-]\{10\}'
}

[ "$(day -z UTC)" = 2025-10-01 ] && ok || bad "-z UTC: $(day -z UTC)"
[ "$(day -z utc)" = 2025-10-01 ] && ok || bad "-z utc: $(day -z utc)"
[ "$(day -z +02:00)" = 2025-10-02 ] && ok || bad "-z +02:00: $(day -z +02:00)"
[ "$(day -z Europe/Berlin)" = 2025-10-02 ] && ok || bad "-z Europe/Berlin: $(day -z Europe/Berlin)"
[ "$(day -z -05:00)" = 2025-10-01 ] && ok || bad "-z -05:00: $(day -z -05:00)"

for cmd in daily blocks; do
	run TZ=UTC "$AIUSAGE" $cmd -z UTC+2 --db "$t/db" >/dev/null 2>"$t/err"
	rc=$?
	[ $rc = 2 ] && ok || bad "$cmd -z UTC+2 exit $rc, expected 2"
	grep -q "ambiguous" "$t/err" && grep -q "+2" "$t/err" && ok || bad "$cmd -z UTC+2 message: $(cat "$t/err")"
done
run TZ=UTC "$AIUSAGE" daily -z GMT-3 --db "$t/db" >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -q -- "-3" "$t/err" && ok || bad "-z GMT-3: $(cat "$t/err")"
run TZ=UTC "$AIUSAGE" daily -z Nowhere/City --db "$t/db" >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -q "unknown time zone 'Nowhere/City'" "$t/err" && ok || bad "-z Nowhere/City: $(cat "$t/err")"

# an unknown $TZ: a warning, then UTC
run TZ=Nowhere/City "$AIUSAGE" daily --json --db "$t/db" >"$t/out" 2>"$t/err"
grep -q 'warning: $TZ: unknown time zone' "$t/err" && ok || bad "unknown \$TZ not warned about: $(cat "$t/err")"
grep -q '2025-10-01' "$t/out" && ok || bad "unknown \$TZ is not UTC"
run TZ=Nowhere/City "$AIUSAGE" daily -q --json --db "$t/db" >/dev/null 2>"$t/err"
[ ! -s "$t/err" ] && ok || bad "-q still warns: $(cat "$t/err")"
# a valid $TZ, and the POSIX ':' form, are quiet
run TZ=:Europe/Berlin "$AIUSAGE" daily --json --db "$t/db" >"$t/out" 2>"$t/err"
[ ! -s "$t/err" ] && grep -q '2025-10-02' "$t/out" && ok || bad "TZ=:Europe/Berlin: $(cat "$t/err")"

# the config's zone takes the same forms
mkdir -p "$H/.config/aiusage"
printf '[time]\ntimezone = UTC+2\n' >"$H/.config/aiusage/config.ini"
run "$AIUSAGE" config >/dev/null 2>"$t/err"
grep -q "ambiguous" "$t/err" && ok || bad "config timezone = UTC+2 accepted: $(cat "$t/err")"

echo "zones: $pass passed, $fail failed"
[ $fail = 0 ]
