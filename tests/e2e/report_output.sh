#!/usr/bin/env bash
# What the report commands print, checked on the demo logs (fixtures/demo):
# CSV headers, one row per model however the tools spell it, session ids
# told apart with a date beside them, the price table's age, the ASCII
# table of a non-UTF-8 locale and the note under a compact table.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}" "${AU_JSON_CHECK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
expect_eq() { # got want what
	if [ "$1" = "$2" ]; then ok; else bad "$3: got
$1
want
$2"; fi
}
demo=$AU_SRC/fixtures/demo
# now pinned to the price table's date: no "prices are old" note unless a
# check asks for one
as_of=$(sed -n 's/.*"as_of": *"\([0-9-]*\)".*/\1/p' "$AU_SRC/pricing/catalog.json" | head -n 1)
run() { env -i PATH="$PATH" HOME="$demo" XDG_CACHE_HOME="$t/cache" TZ=UTC LANG=C.UTF-8 AIUSAGE_NOW="${as_of}T12:00:00Z" "$@" --db "$t/demo.db"; }
au() { run "$AIUSAGE" "$@"; }
au_cols() { # columns args...
	local cols=$1
	shift
	run env COLUMNS="$cols" "$AIUSAGE" "$@"
}

# models --csv: the key is the model, once (the header read "model,model,")
au models --csv -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(head -n 1 "$t/out")" \
	"model,inputTokens,outputTokens,cacheCreationTokens,cacheReadTokens,reasoningTokens,totalTokens,costUSD,unpricedResponses" \
	"models --csv header"
expect_eq "$(awk -F, 'NR > 1 && NF != 9' "$t/out")" "" "models --csv lines of 9 fields"

# one model, one row: Claude Code's claude-sonnet-4-5-20250929 and
# Copilot's claude-sonnet-4.5 are Sonnet 4.5 in every report, with the
# costs of both (0.898557 + 0.118650)
au models --csv -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c sonnet "$t/out")" 1 "models --csv: sonnet rows"
expect_eq "$(grep sonnet "$t/out")" "claude-sonnet-4-5,9465,27298,66065,677339,0,780167,1.017207,0" \
	"models --csv: the sonnet row"
au daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c 'sonnet-4\.5' "$t/out")" 0 "daily: a Models cell spells sonnet-4.5 beside sonnet-4-5"
au daily -z UTC --breakdown --json >"$t/out" 2>"$t/err"
expect_eq "$("$AU_JSON_CHECK" daily 3 modelsUsed <"$t/out")" \
	'["claude-sonnet-4-5","claude-opus-4-5","gpt-5.1-codex","claude-haiku-4-5","gpt-5.1-codex-mini","gpt-5-mini"]' \
	"daily --json: the models of 2026-11-19"
au compare --to gpt-5-mini --json -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -o '"model":"claude-sonnet[^"]*"' "$t/out")" '"model":"claude-sonnet-4-5"' "compare: sonnet rows"
au cache --by model -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c '│ claude-sonnet' "$t/out")" 1 "cache --by model: sonnet rows"

# session: a date column (the last response's day in the report's zone),
# and ids told apart: the three Codex sessions share "019a8c1e-" and once
# all read 019a8c1e; each now shows the shortest prefix no other shares
au session -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(sed -n 2p "$t/out" | awk -F'│' '{print $2}')" " Last Active " "session: the date column"
expect_eq "$(grep -o '019a8c1e[^ ]*' "$t/out" | sort | tr '\n' ' ')" "019a8c1e-1 019a8c1e-2 019a8c1e-3 " \
	"session: the Codex ids told apart"
expect_eq "$(grep '019a8c1e-3' "$t/out" | awk -F'│' '{print $2}')" " 2026-11-20  " "session: the last Codex session's day"
# ids no other shares stay at 8 characters; JSON keeps the whole id
expect_eq "$(grep -c 'webshop  07a1c2e3 ' "$t/out")" 1 "session: an 8-character id"
au session -z UTC --json >"$t/out" 2>"$t/err"
expect_eq "$("$AU_JSON_CHECK" sessions 3 sessionId <"$t/out" | wc -c)" 37 "session --json: a whole id"

# LC_ALL=C: not a UTF-8 locale, so ASCII borders (+ - |) and no byte
# above 0x7f anywhere; the UTF-8 form is the goldens'
runc() { env -i PATH="$PATH" HOME="$demo" XDG_CACHE_HOME="$t/cache" TZ=UTC LC_ALL=C AIUSAGE_NOW="${as_of}T12:00:00Z" "$AIUSAGE" "$@" --db "$t/demo.db"; }
runc daily -z UTC --breakdown >"$t/out" 2>"$t/err"
expect_eq "$(LC_ALL=C grep -c '[^ -~]' "$t/out")" 0 "LC_ALL=C daily: lines with a non-ASCII byte"
expect_eq "$(head -n 1 "$t/out" | cut -c1-16)" "+------------+--" "LC_ALL=C daily: the top border"
expect_eq "$(sed -n 2p "$t/out" | cut -c1-16)" "| Date       | M" "LC_ALL=C daily: the header row"
expect_eq "$(grep -c '^|            | [`] claude-opus-4-5 ' "$t/out")" 3 "LC_ALL=C daily --breakdown: sub rows"
runc session -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(LC_ALL=C grep -c '[^ -~]' "$t/out")" 0 "LC_ALL=C session: lines with a non-ASCII byte"
env -i PATH="$PATH" HOME="$demo" XDG_CACHE_HOME="$t/cache" TZ=UTC LANG=C.UTF-8 AIUSAGE_NOW="${as_of}T12:00:00Z" "$AIUSAGE" daily -z UTC \
	--db "$t/demo.db" >"$t/out" 2>&1
expect_eq "$(head -c 3 "$t/out")" "┌" "LANG=C.UTF-8 daily: box drawing"

# a table that drops columns to fit says so, once, under it; one that fits
# says nothing
au_cols 80 daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(tail -n 1 "$t/out")" "Compact layout (3 columns hidden): a wider terminal or --json shows all." \
	"COLUMNS=80 daily: the compact note"
expect_eq "$(grep -c 'Cache' "$t/out")" 0 "COLUMNS=80 daily: cache columns dropped"
au_cols 104 daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(tail -n 1 "$t/out")" "Compact layout (Cache Create hidden): a wider terminal or --json shows all." \
	"COLUMNS=104 daily: the note names what it left out"
au_cols 200 daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c 'Compact' "$t/out")" 0 "COLUMNS=200 daily: no note"

# prices more than 90 days old: one line on stderr under each cost table
# (stdout, what a script captures, stays the same); none for --json/--csv
# or -q, and none at 90 days. 130 days is after the demo data, so
# insights has days to show.
au_at() { # day args...
	local day=$1
	shift
	env -i PATH="$PATH" HOME="$demo" XDG_CACHE_HOME="$t/cache" TZ=UTC LANG=C.UTF-8 AIUSAGE_NOW="${day}T12:00:00Z" "$AIUSAGE" "$@" --db "$t/demo.db"
}
old=$(date -u -d "$as_of + 130 days" +%F)
edge=$(date -u -d "$as_of + 90 days" +%F)
note='aiusage: note: prices as of '"$as_of"' (130 days old); `aiusage pricing update` or --pricing FILE updates them'
au daily -z UTC >"$t/fresh" 2>/dev/null
for cmd in daily session projects models "models --details" blocks "compare --to gpt-5-mini" cache insights; do
	# shellcheck disable=SC2086
	au_at "$old" $cmd -z UTC >"$t/out" 2>"$t/err"
	expect_eq "$(grep -c 'prices as of' "$t/err")" 1 "$cmd: the old-prices note"
	grep -qxF "$note" "$t/err" && ok || bad "$cmd: the note reads: $(cat "$t/err")"
	expect_eq "$(grep -c 'prices as of' "$t/out")" 0 "$cmd: the note on stdout"
done
au_at "$old" daily -z UTC >"$t/out" 2>/dev/null
cmp -s "$t/out" "$t/fresh" && ok || bad "daily: stdout differs when the prices are old"
for args in "daily -z UTC --json" "daily -z UTC --csv" "models -z UTC --json" "daily -z UTC -q"; do
	# shellcheck disable=SC2086
	au_at "$old" $args >"$t/out" 2>"$t/err"
	expect_eq "$(cat "$t/out" "$t/err" | grep -c 'prices as of')" 0 "$args: an old-prices note"
done
au_at "$edge" daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c 'prices as of' "$t/err")" 0 "daily at 90 days: a note"
au_at "$(date -u -d "$as_of + 91 days" +%F)" daily -z UTC >"$t/out" 2>"$t/err"
expect_eq "$(grep -c 'prices as of' "$t/err")" 1 "daily at 91 days: the note"

echo "report_output: $pass passed, $fail failed"
[ $fail = 0 ]
