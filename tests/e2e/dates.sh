#!/usr/bin/env bash
# --since/--until read by the one date parser everywhere: a day that does
# not exist is refused by every command (cursor sync once accepted
# 2025-02-31 while daily refused it, and printed a freed string for
# garbage), and the relative forms count from AIUSAGE_NOW in the zone.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_JSON_CHECK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
run() { env -i PATH="$PATH" HOME="$t/home" TZ=UTC LANG=C.UTF-8 AIUSAGE_NOW=2025-03-10T12:00:00Z "$AIUSAGE" "$@"; }

# one response a day on Feb 20, Feb 28, Mar 1, Mar 3, Mar 9 and Mar 10
# 2025, with output tokens 1, 2, 4, 8, 16, 32
proj=$t/home/.claude/projects/p
mkdir -p "$proj"
i=0
for d in 2025-02-20 2025-02-28 2025-03-01 2025-03-03 2025-03-09 2025-03-10; do
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"%sT10:00:00.000Z","message":{"id":"m%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' \
		$i "$d" $i $((1 << i)) >>"$proj/s.jsonl"
	i=$((i + 1))
done

# the same refusals everywhere, exit 2, the value named in the message
for cmd in "daily" "monthly" "session" "blocks" "cache" "insights" "cloud" "cloud sync" "cursor sync"; do
	for v in 2025-02-31 20250231 garbage; do
		# shellcheck disable=SC2086
		run $cmd --since "$v" --db "$t/db" >/dev/null 2>"$t/err"
		rc=$?
		[ $rc = 2 ] && ok || bad "$cmd --since $v: exit $rc, expected 2"
		grep -q "'$v' is not a date" "$t/err" && ok || bad "$cmd --since $v: message: $(cat "$t/err")"
	done
done
run daily --until 2025-04-31 --db "$t/db" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "daily --until 2025-04-31 was accepted"

# output tokens in a --json report's totals for a window
out_for() {
	run daily --json -z UTC --db "$t/db" "$@" 2>/dev/null | "$AU_JSON_CHECK" totals outputTokens
}
check() { # expected, args...
	local want=$1
	shift
	local got
	got=$(out_for "$@")
	[ "$got" = "$want" ] && ok || bad "daily $*: outputTokens $got, expected $want"
}
check 63 
check 32 --since today
check 16 --since yesterday --until yesterday
check 56 --since -7d                           # Mar 3 onwards
check 30 --since -10d --until -1d              # Feb 28 .. Mar 9
check 62 --since -2w                           # Feb 24 onwards
check 60 --since this-month                    # Mar 1 onwards
check 3 --since last-month --until last-month  # all of February
check 3 --until last-month                     # up to Feb 28
check 63 --until this-month                    # up to Mar 31
check 3 --since 20250201 --until 2025-02-28

# the zone: at 2025-03-10T12:00Z it is already the 11th in Auckland
check 0 --since today -z Pacific/Auckland
check 32 --since yesterday -z Pacific/Auckland

# insights and cloud take them too
run blocks --since today --json -z UTC --db "$t/db" >"$t/out" 2>/dev/null
[ "$("$AU_JSON_CHECK" blocks 0 outputTokens <"$t/out" 2>/dev/null)" = 32 ] && ok || bad "blocks --since today: $(cat "$t/out")"
run cloud --since -7d --until today --json --db "$t/db" >"$t/out" 2>"$t/err"
[ $? = 0 ] && "$AU_JSON_CHECK" <"$t/out" 2>/dev/null && ok || bad "cloud --since -7d: $(cat "$t/err")"

echo "dates: $pass passed, $fail failed"
[ $fail = 0 ]
