#!/usr/bin/env bash
# `aiusage pricing update` end to end against tests/cloud_server.c on
# 127.0.0.1: a valid LiteLLM-format catalog is saved under
# $XDG_DATA_HOME/aiusage/prices.json with its date and used over the
# built-in prices (except the hand-checked rows, which stay); --pricing
# FILE still wins over both; a broken or too-small catalog is refused and
# leaves the saved one as it was; nothing is fetched without `update`.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_CLOUD_SERVER:?}"
t=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/server.sh"

S=$t/srv H=$t/home D=$t/data
mkdir -p "$S" "$H" "$D"
# A catalog of 25 made-up models at $1 in / $2 out, plus a new price for
# grok-code-fast-1 (not hand-checked: the catalog's wins) and for
# claude-sonnet-4-5 (hand-checked: ours stays).
{
	printf '{"sample_spec": {"mode": "chat"},\n'
	for i in $(seq 1 25); do
		printf '"e2e-model-%s": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "mode": "chat"},\n' "$i"
	done
	printf '"grok-code-fast-1": {"input_cost_per_token": 7e-06, "output_cost_per_token": 9e-06, "mode": "chat"},\n'
	printf '"claude-sonnet-4-5": {"input_cost_per_token": 9e-06, "output_cost_per_token": 9e-06, "mode": "chat"}}\n'
} >"$S/good.json"
printf '{"a": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}}\n' >"$S/small.json"
printf '{"a": {"input_cost_per_token": "x", "output_cost_per_token": 1}}\n' >"$S/bad.json"
printf '<html>not json</html>\n' >"$S/html.json"
cat >"$S/script" <<'SCRIPT'
route /good.json * 200 0 repeat good.json
route /small.json * 200 0 repeat small.json
route /bad.json * 200 0 repeat bad.json
route /html.json * 200 0 repeat html.json
route /gone.json * 404 0 repeat -
SCRIPT
LOG=$t/server.log
: >"$LOG"
start_server "$S/script" "$LOG" "$t/port"
URL=$server_url
[ -n "$URL" ] && ok || { bad "the server did not start"; exit 1; }
au() { env -i PATH="$PATH" HOME="$H" XDG_DATA_HOME="$D" TZ=UTC LC_ALL=C AIUSAGE_NOW=2026-12-01T12:00:00Z "$AIUSAGE" "$@"; }
price_in() { au pricing "$1" --json "${@:2}" | sed -n 's/.*"entry":{[^}]*"input":\([0-9.]*\).*/\1/p'; }

# before: the built-in table, nothing fetched
expect_eq "$(price_in grok-code-fast-1)" "0.2" "grok-code-fast-1 built in"
au pricing >"$t/out"
grep -q "^Prices as of .*(built in)" "$t/out" && ok || bad "built-in date line: $(head -1 "$t/out")"
expect_eq "$(grep -c REQ "$LOG")" 0 "a request without update"

# refused catalogs: exit 1, nothing saved
for f in small bad html gone; do
	au pricing update --from "$URL/$f.json" >"$t/out" 2>"$t/err"
	expect_eq "$?" 1 "$f: exit code"
	[ ! -e "$D/aiusage/prices.json" ] && ok || bad "$f: a catalog was saved"
	grep -q "pricing update" "$t/err" && ok || bad "$f: message: $(cat "$t/err")"
done

# a good catalog: saved, dated, used
au pricing update --from "$URL/good.json" >"$t/out" 2>"$t/err"
expect_eq "$?" 0 "good: exit code"
grep -q "Saved 27 model prices from $URL/good.json as of 2026-12-01" "$t/out" && ok || bad "good: $(cat "$t/out" "$t/err")"
[ -s "$D/aiusage/prices.json" ] && ok || bad "good: not saved"
expect_eq "$(price_in e2e-model-7)" "1" "a catalog model is priced"
expect_eq "$(price_in grok-code-fast-1)" "7" "the catalog's grok-code-fast-1 wins over the built-in"
expect_eq "$(price_in claude-sonnet-4-5)" "3" "the hand-checked Sonnet 4.5 stays"
au pricing >"$t/out"
grep -q "^Prices as of 2026-12-01 ($URL/good.json)" "$t/out" && ok || bad "date line: $(head -1 "$t/out")"
au pricing --json >"$t/out"
grep -q '"asOf":"2026-12-01"' "$t/out" && ok || bad "json asOf"

# --pricing FILE wins over both
printf '{"grok-code-fast-1": {"input_cost_per_token": 1.1e-05, "output_cost_per_token": 1e-05, "mode": "chat"}}\n' >"$t/p.json"
expect_eq "$(price_in grok-code-fast-1 --pricing "$t/p.json")" "11" "--pricing wins"

# a refused update leaves the saved catalog as it was
cp "$D/aiusage/prices.json" "$t/saved"
au pricing update --from "$URL/bad.json" >/dev/null 2>&1
cmp -s "$D/aiusage/prices.json" "$t/saved" && ok || bad "a refused update changed the saved catalog"

# the age note keys off the saved catalog's date (one Claude request to report)
mkdir -p "$H/.claude/projects/p"
sed -n 2p "$AU_SRC/fixtures/rules/claude-resume/home/.claude/projects/-home-u-proj/sA.jsonl" >"$H/.claude/projects/p/s.jsonl"
env -i PATH="$PATH" HOME="$H" XDG_DATA_HOME="$D" TZ=UTC LC_ALL=C AIUSAGE_NOW=2027-04-01T12:00:00Z \
	"$AIUSAGE" daily --db "$t/db" 2>"$t/err" >/dev/null
grep -q "prices as of 2026-12-01 (121 days old)" "$t/err" && ok || bad "age note: $(cat "$t/err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
