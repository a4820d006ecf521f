#!/usr/bin/env bash
# aiusage blocks --live on a real terminal (script(1) gives it a pty): it
# draws, redraws on its timer (AIUSAGE_LIVE_SECONDS=1), shows the active
# block, and Ctrl-C (SIGINT) ends it with exit 0. Without a terminal it is a
# usage error, not an endless loop.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
P=$H/.claude/projects/-w-app
mkdir -p "$P"
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
printf '{"type":"assistant","cwd":"/w/app","sessionId":"s","requestId":"r1","timestamp":"%s","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":100,"output_tokens":2000}}}\n' \
	"$now" >"$P/s.jsonl"

# SIGINT after about 3.5 s: the first draw and at least two timer redraws
env -i PATH="$PATH" HOME="$H" TZ=UTC TERM=xterm AIUSAGE_LIVE_SECONDS=1 \
	script -qefc "timeout --preserve-status -s INT 3.5 $AIUSAGE blocks --live -z UTC" "$t/typescript" \
	>"$t/out" 2>&1 </dev/null
rc=$?
[ $rc = 0 ] && ok || bad "exit status after Ctrl-C: $rc ($(tail -3 "$t/out"))"
draws=$(grep -o 'aiusage blocks --live' "$t/out" | wc -l)
[ "$draws" -ge 3 ] && ok || bad "expected at least 3 draws, saw $draws"
clears=$(grep -c $'\033\\[H\033\\[2J' "$t/out")
[ "$clears" -ge 1 ] && ok || bad "the screen was never cleared between draws"
grep -q "^Active block: " "$t/out" && ok || bad "no active block shown: $(tail -20 "$t/out")"
grep -q "2,100" "$t/out" && ok || bad "the block's 2,100 tokens are not shown"

# not a terminal: refused at once with exit 2
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" blocks --live >"$t/out2" 2>&1
rc=$?
[ $rc = 2 ] && ok || bad "--live on a pipe: exit $rc ($(cat "$t/out2"))"

echo "blocks_live: $pass passed, $fail failed"
[ $fail = 0 ]
