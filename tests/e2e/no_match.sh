#!/usr/bin/env bash
# A filter that matches nothing says so, with what the store holds (its
# days, its projects, its tools), instead of an empty $0.00 table; a
# trailing slash on --project does not matter; insights on old data says
# when the data ends and offers --as-of. Runs over the demo logs.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
cp -r "$AU_SRC/fixtures/demo" "$t/home"
run() { env -i PATH="$PATH" HOME="$t/home" TZ=UTC "$AIUSAGE" "$@" --db "$t/db" 2>"$t/err"; }

run daily --project nosuch >"$t/out"
grep -q "No usage matched these filters (--project nosuch)" "$t/out" && ok || bad "--project nosuch: $(cat "$t/out")"
grep -q "^  webshop$" "$t/out" && grep -q "^  ml-pipeline$" "$t/out" && ok || bad "known projects not listed: $(cat "$t/out")"
grep -q '\$0.00' "$t/out" && bad "an empty table is still printed" || ok
grep -q "from 2026-11-16 to 2026-11-20" "$t/out" && ok || bad "date range not said: $(cat "$t/out")"

run projects --project Webshop >"$t/out"
grep -q "No usage matched" "$t/out" && grep -q "^  webshop$" "$t/out" && ok || bad "--project Webshop: $(cat "$t/out")"

# a trailing slash names the same project
run daily --project webshop/ --json >"$t/slash"
run daily --project webshop --json >"$t/plain"
cmp -s "$t/slash" "$t/plain" && grep -q '"totalTokens"' "$t/plain" && ok || bad "--project webshop/ differs from webshop"

run daily --since 2027-01-01 >"$t/out"
grep -q "No usage matched these filters (--since 2027-01-01)" "$t/out" && grep -q "from 2026-11-16 to 2026-11-20" "$t/out" && ok ||
	bad "--since after the data: $(cat "$t/out")"

run models --details --source cursor >"$t/out"
grep -q "No usage matched these filters (--source cursor)" "$t/out" && grep -q "Tools with usage: claude codex" "$t/out" && ok ||
	bad "models --details --source cursor: $(cat "$t/out")"

# JSON stays an empty, valid report for scripts
run daily --project nosuch --json >"$t/out"
grep -q '"daily": *\[\]' "$t/out" && ok || bad "--json with no match: $(cat "$t/out")"

# insights on data older than a week: says when the data ends, and --as-of
# shows the summary of that day
AIUSAGE_NOW=2026-12-07T10:00:00Z run insights >"$t/out"
grep -q "your usage data ends on 2026-11-20, 17 days before" "$t/out" && ok || bad "insights does not say when data ends: $(head -5 "$t/out")"
grep -q "insights --as-of 2026-11-20" "$t/out" && ok || bad "insights does not offer --as-of"
AIUSAGE_NOW=2026-12-07T10:00:00Z run insights --as-of 2026-11-20 >"$t/out"
grep -q "^Insights at 2026-11-20 23:59 (UTC)" "$t/out" && grep -q "Today so far    \$0.31" "$t/out" && ok ||
	bad "insights --as-of: $(head -5 "$t/out")"
grep -q "ends on" "$t/out" && bad "--as-of on the last day still notes old data" || ok
AIUSAGE_NOW=2026-12-07T10:00:00Z run insights --as-of 2026-13-01 >/dev/null
[ $? = 2 ] && ok || bad "--as-of with a bad date is not a usage error"

echo "no_match: $pass passed, $fail failed"
[ $fail = 0 ]
