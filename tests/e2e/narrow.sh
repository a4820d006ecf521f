#!/usr/bin/env bash
# At COLUMNS=80 no command's table output runs past 80 characters: budget,
# insights, sources and status used to print lines of 88 to 289 (tables not
# fitted, notes not wrapped). Runs over the demo logs with two budgets.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
cp -r "$AU_SRC/fixtures/demo" "$t/home"
mkdir -p "$t/home/.config/aiusage"
printf '[budget daily-all]\nperiod = day\nlimit = 5\n[budget monthly-claude-webshop-project]\nperiod = month\nlimit = 100\nsource = claude\nproject = webshop\n' \
	>"$t/home/.config/aiusage/config.ini"
longest() { # the longest line of stdin, in characters
	LC_ALL=C.UTF-8 wc -L
}
for cmd in "budget" "insights --as-of 2026-11-20" "sources" "status" "cache" "blocks" \
	"compare --to claude-haiku-4-5" "models --details" "session" "projects" "daily --breakdown"; do
	n=$(env -i PATH="$PATH" HOME="$t/home" TZ=UTC LANG=C.UTF-8 COLUMNS=80 AIUSAGE_NOW=2026-11-20T18:00:00Z \
		"$AIUSAGE" $cmd --db "$t/db" 2>/dev/null | longest)
	[ "$n" -le 80 ] && ok || bad "'$cmd' at COLUMNS=80 prints a line of $n characters"
done
# the capability table comes back when there is room
env -i PATH="$PATH" HOME="$t/home" TZ=UTC LANG=C.UTF-8 COLUMNS=200 "$AIUSAGE" sources --db "$t/db" >"$t/wide" 2>/dev/null
grep -q "│ Source   │ Input  *│" "$t/wide" && ok || bad "sources at COLUMNS=200 lost its capability table"
echo "narrow: $pass passed, $fail failed"
[ $fail = 0 ]
