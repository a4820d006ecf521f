#!/usr/bin/env bash
# Cursor end to end, in a temporary HOME. Cursor's state.vscdb is built
# here from SQL with the sqlite3 CLI (WAL mode, as Cursor keeps it): chat
# messages with token counts (a string time, an epoch time, a real-valued
# timing time, an older build's messages inline in its chat) and replies
# with zeros or no counts at all. Checks: `daily --json --source cursor`
# exactly; `aiusage sources` says Cursor is detected and how many replies
# are not recorded locally; `aiusage cursor sync` against
# tests/cloud_server.c on 127.0.0.1 stores the export's events exactly,
# sets the local counts in the synced span aside (also when a later scan
# reads them again), never double counts on a re-sync, refuses an expired
# session, says plainly when the session is rejected; and the session token
# is nowhere: not in any output, not in the store's bytes.
set -uo pipefail
: "${AIUSAGE:?}"
AU_CLOUD_SERVER=${AU_CLOUD_SERVER:-${AU_BUILD:?}/cloud_server}
t=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/server.sh"

H=$t/home S=$t/srv O=$t/out
DB=$t/usage.db
G=$H/.config/Cursor/User/globalStorage
mkdir -p "$G" "$S" "$O"
run() { # out-name args...: stdout to $O/name, stderr to $O/name.err
	local name=$1
	shift
	env -i PATH="$PATH" HOME="$H" TZ=UTC LC_ALL=C.UTF-8 AIUSAGE_CLOUD_BACKOFF_MS=50 \
		AIUSAGE_NOW=2026-11-18T12:00:00Z ${BASE:+AIUSAGE_CURSOR_BASE_URL=$BASE} \
		"$AIUSAGE" "$@" --db "$DB" >"$O/$name" 2>"$O/$name.err"
}

# ---- the session token: never to be seen outside the server's own log ----
b64url() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
SIG=E2Esecret-signature-9f3cA7
JWT="$(b64url '{"alg":"HS256","typ":"JWT"}').$(b64url '{"sub":"auth0|user_01E2ETEST","exp":4102444800}').$SIG"
OLD="$(b64url '{"alg":"HS256","typ":"JWT"}').$(b64url '{"sub":"auth0|user_01E2ETEST","exp":1700000000}').$SIG"

# ---- Cursor's database ----
# 2026-11-16T08:00Z = 1794816000000, T10:00:05Z = 1794823205000,
# T12:00Z = 1794830400000, 2026-11-17T00:30Z = 1794875400000
sqlite3 "$G/state.vscdb" >/dev/null <<EOF
PRAGMA journal_mode=WAL;
CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);
CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);
INSERT INTO ItemTable VALUES ('cursorAuth/accessToken', '$JWT'),
 ('cursorAuth/cachedEmail', 'e2e@example.com');
INSERT INTO cursorDiskKV VALUES
 ('composerData:c-aaaa', '{"_v":10,"composerId":"c-aaaa","createdAt":1794823200000,"modelConfig":{"modelName":"claude-sonnet-4-5"},"fullConversationHeadersOnly":[{"bubbleId":"b1","type":1},{"bubbleId":"b2","type":2}]}'),
 ('bubbleId:c-aaaa:b1', '{"_v":3,"type":1,"bubbleId":"b1","text":"hi","tokenCount":{"inputTokens":0,"outputTokens":0},"createdAt":"2026-11-16T10:00:00.000Z"}'),
 ('bubbleId:c-aaaa:b2', CAST('{"_v":3,"type":2,"bubbleId":"b2","text":"hello","tokenCount":{"inputTokens":1200,"outputTokens":300},"createdAt":"2026-11-16T10:00:05.000Z"}' AS BLOB)),
 ('bubbleId:c-aaaa:b3', '{"_v":3,"type":2,"bubbleId":"b3","tokenCount":{"inputTokens":0,"outputTokens":0},"createdAt":"2026-11-16T10:01:00.000Z"}'),
 ('bubbleId:c-aaaa:b4', '{"_v":3,"type":2,"bubbleId":"b4","createdAt":"2026-11-16T10:02:00.000Z"}'),
 ('bubbleId:c-aaaa:b5', '{"_v":3,"type":2,"bubbleId":"b5","tokenCount":{"inputTokens":500,"outputTokens":50},"createdAt":1794875400000,"modelInfo":{"modelName":"gpt-5"}}'),
 ('composerData:c-bbbb', '{"_v":1,"composerId":"c-bbbb","createdAt":1794816000000,"modelConfig":{"modelName":"gpt-5"},"conversation":[{"bubbleId":"i1","type":1,"tokenCount":{"inputTokens":0,"outputTokens":0}},{"bubbleId":"i2","type":2,"tokenCount":{"inputTokens":100,"outputTokens":20}}]}'),
 ('composerData:c-cccc', '{"_v":10,"createdAt":17948'),
 ('bubbleId:c-cccc:x1', '{"type":2,"tokenCount":{"inputTokens":10,"outputTokens":5.0},"timingInfo":{"clientStartTime":1794830400000.5}}'),
 ('bubbleId:c-cccc:x2', '{"type":2,"tokenCount":{"inputTokens":10,'),
 ('bubbleId:c-dddd:u1', '{"type":2,"tokenCount":{"inputTokens":7,"outputTokens":7}}');
EOF

# ---- local counts: what the messages say, exactly ----
# 11-16: b2 1200/300 sonnet ($0.0081), i2 100/20 gpt-5 ($0.000325),
#        x1 10/5 with no model anywhere (unpriced); 11-17: b5 500/50 gpt-5
#        ($0.001125). Zeros (b1, b3, b4) and the undated u1 count nothing.
run scan scan
has "$O/scan.err" "state.vscdb: row 7 skipped: invalid JSON"
run local daily --json --source cursor
expect_eq "$(cat "$O/local")" '{"daily":[
{"date":"2026-11-16","inputTokens":1310,"outputTokens":325,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":1635,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":3,"totalCost":0.008425,"source":"cursor","sources":["cursor"],"modelsUsed":["claude-sonnet-4-5","gpt-5","cursor-unknown"],"modelBreakdowns":[{"modelName":"claude-sonnet-4-5","inputTokens":1200,"outputTokens":300,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":1500,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0.0081,"source":"cursor","sources":["cursor"]},{"modelName":"gpt-5","inputTokens":100,"outputTokens":20,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":120,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0.000325,"source":"cursor","sources":["cursor"]},{"modelName":"cursor-unknown","inputTokens":10,"outputTokens":5,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":15,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0,"source":"cursor","sources":["cursor"],"unpricedResponses":1}]},
{"date":"2026-11-17","inputTokens":500,"outputTokens":50,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":550,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"totalCost":0.001125,"source":"cursor","sources":["cursor"],"modelsUsed":["gpt-5"],"modelBreakdowns":[{"modelName":"gpt-5","inputTokens":500,"outputTokens":50,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":550,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0.001125,"source":"cursor","sources":["cursor"]}]}],
"totals":{"inputTokens":1810,"outputTokens":375,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":2185,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":4,"totalCost":0.00955},
"timezone":"UTC",
"unpricedModels":["cursor-unknown"]}' "local daily --json --source cursor"

run sources sources
has "$O/sources" "│ cursor   │ Cursor               │ yes"
has "$O/sources" "state.vscdb: 5 of 7 AI replies carry token counts; 2 have none or zeros: not recorded locally"
has "$O/sources" "1 message(s) with counts but no time were not counted"
run sources_json sources --json
has "$O/sources_json" '"source":"cursor","tool":"Cursor","detected":true'
has "$O/sources_json" '"capabilities":{"input":"exact","output":"exact","cacheRead":"exact","cacheWrite":"exact","reasoning":"not available","cost":"exact","project":"not available","live":"not available"}'
has "$O/sources_json" '"source":"windsurf","tool":"Windsurf","detected":false'

# ---- the dashboard: the account's usage export ----
cat >"$S/export.csv" <<'EOF'
Date,Kind,Model,Max Mode,Input (w/ Cache Write),Input (w/o Cache Write),Cache Read,Output Tokens,Total Tokens,Cost
"2026-11-16T09:00:00.000Z","Included","claude-sonnet-4-5","No","12000","10000","50000","800","62800","$0.07"
"2026-11-16T09:00:00.000Z","Included","claude-sonnet-4-5","No","12000","10000","50000","800","62800","$0.07"
"2026-11-16T23:30:00.000Z","On-Demand","gpt-5","No","3000","3000","1000","500","4500","0.01"
"2026-11-17T01:00:00.000Z","Errored, Not Charged","gpt-5","No","0","0","0","0","0","$0.00"
"2026-11-17 02:00:00","Included","auto","No","1,000","1,000","0","100","1100","Included"
EOF
printf '{"error":"unauthorized"}\n' >"$S/denied.json"
cat >"$S/script" <<EOF
auth /api/ Cookie WorkosCursorSessionToken=user_01E2ETEST%3A%3A$JWT
# the first sync asks for 2026-11-15T00:00Z .. 2026-11-18T12:00Z
route /api/dashboard/export-usage-events-csv startDate=1794700800000&endDate=1795003200000&strategy=tokens 200 0 - export.csv
# then two days before the end of that span, up to the same pinned now
route /api/dashboard/export-usage-events-csv startDate=1794830400000&endDate=1795003200000&strategy=tokens 200 0 repeat export.csv
EOF
LOG=$t/server.log
start_server "$S/script" "$LOG" "$t/port"
BASE=$server_url
[ -n "$BASE" ] && ok || { bad "the server did not start"; exit 1; }

# 11-16: two identical sonnet events (both count) 10000 in, 2000 cache
# write, 50000 cache read, 800 out: $0.03 + $0.0075 + $0.015 + $0.012 =
# $0.0645 each; gpt-5 3000 in, 1000 read, 500 out: $0.00375 + $0.000125 +
# $0.005 = $0.008875. 11-17: "auto" (no price) 1000 in, 100 out; the
# errored event has no tokens and is not stored. The local counts of
# 11-15..11-18 12:00 are set aside.
run sync1 cursor sync --since 2026-11-15
expect_eq "$(cat "$O/sync1")" "cursor: 4 usage event(s) for 2026-11-15..2026-11-18 (1 request(s)): 4 new, 0 updated, 0 already stored
cursor: cost at list prices \$0.14 (some models unpriced); Cursor's own figure \$0.15 (some events carry none)" "first sync"
has "$O/sync1.err" "1 exported row(s) had no tokens and were not stored"
has "$O/sync1.err" "4 local chat-message count(s) in the synced span were set aside"
SYNCED='{"daily":[
{"date":"2026-11-16","inputTokens":23000,"outputTokens":2100,"cacheCreationTokens":4000,"cacheReadTokens":101000,"totalTokens":130100,"reasoningTokens":0,"cacheCreation5mTokens":4000,"cacheCreation1hTokens":0,"responses":3,"totalCost":0.137875,"toolCost":0.15,"toolCostResponses":3,"source":"cursor","sources":["cursor"],"modelsUsed":["claude-sonnet-4-5","gpt-5"],"modelBreakdowns":[{"modelName":"claude-sonnet-4-5","inputTokens":20000,"outputTokens":1600,"cacheCreationTokens":4000,"cacheReadTokens":100000,"totalTokens":125600,"reasoningTokens":0,"cacheCreation5mTokens":4000,"cacheCreation1hTokens":0,"responses":2,"cost":0.129,"toolCost":0.14,"toolCostResponses":2,"source":"cursor","sources":["cursor"]},{"modelName":"gpt-5","inputTokens":3000,"outputTokens":500,"cacheCreationTokens":0,"cacheReadTokens":1000,"totalTokens":4500,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0.008875,"toolCost":0.01,"toolCostResponses":1,"source":"cursor","sources":["cursor"]}]},
{"date":"2026-11-17","inputTokens":1000,"outputTokens":100,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":1100,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"totalCost":0,"source":"cursor","sources":["cursor"],"modelsUsed":["auto"],"modelBreakdowns":[{"modelName":"auto","inputTokens":1000,"outputTokens":100,"cacheCreationTokens":0,"cacheReadTokens":0,"totalTokens":1100,"reasoningTokens":0,"cacheCreation5mTokens":0,"cacheCreation1hTokens":0,"responses":1,"cost":0,"source":"cursor","sources":["cursor"],"unpricedResponses":1}]}],
"totals":{"inputTokens":24000,"outputTokens":2200,"cacheCreationTokens":4000,"cacheReadTokens":101000,"totalTokens":131200,"reasoningTokens":0,"cacheCreation5mTokens":4000,"cacheCreation1hTokens":0,"responses":4,"totalCost":0.137875,"toolCost":0.15,"toolCostResponses":3},
"timezone":"UTC",
"unpricedModels":["auto"]}'
run synced daily --json --source cursor
expect_eq "$(cat "$O/synced")" "$SYNCED" "daily after the first sync"

# Cursor rewrites its database: a new message inside the synced span is
# set aside by the scan too; one after it counts.
sqlite3 "$G/state.vscdb" >/dev/null <<'EOF'
INSERT INTO cursorDiskKV VALUES
 ('bubbleId:c-aaaa:b6', '{"type":2,"tokenCount":{"inputTokens":999,"outputTokens":99},"createdAt":"2026-11-17T03:00:00.000Z"}'),
 ('bubbleId:c-aaaa:b7', '{"type":2,"tokenCount":{"inputTokens":40,"outputTokens":4},"createdAt":"2026-11-18T13:00:00.000Z"}');
EOF
run rescan daily --json --source cursor --since 2026-11-18
has "$O/rescan" '{"date":"2026-11-18","inputTokens":40,"outputTokens":4,'
run rescan_synced daily --json --source cursor --until 2026-11-17
expect_eq "$(cat "$O/rescan_synced")" "$SYNCED" "a later scan adds nothing inside the synced span"

# A re-sync: same events, same keys, nothing counted twice.
run sync2 cursor sync
expect_eq "$(head -n 1 "$O/sync2")" "cursor: 4 usage event(s) for 2026-11-16..2026-11-18 (1 request(s)): 0 new, 0 updated, 4 already stored" "re-sync"
run resynced daily --json --source cursor --until 2026-11-17
expect_eq "$(cat "$O/resynced")" "$SYNCED" "daily after the re-sync"

run sources2 sources
has "$O/sources2" "4 usage event(s) from \`aiusage cursor sync\`, last synced 2026-11-18 12:00"

# An expired session: said plainly, no request made.
sqlite3 "$G/state.vscdb" "UPDATE ItemTable SET value = '$OLD' WHERE key = 'cursorAuth/accessToken'"
n_before=$(grep -c '^REQ ' "$LOG")
run expired cursor sync
expect_eq "$?" 1 "an expired session fails"
has "$O/expired.err" "has expired: open Cursor (it renews it), then sync again"
expect_eq "$(grep -c '^REQ ' "$LOG")" "$n_before" "no request with an expired session"

# A session the server refuses (signed out elsewhere): 401, said plainly.
WRONG="$(b64url '{"alg":"HS256"}').$(b64url '{"sub":"github|user_01OTHER","exp":4102444800}').OtherSig-77"
sqlite3 "$G/state.vscdb" "UPDATE ItemTable SET value = '$WRONG' WHERE key = 'cursorAuth/accessToken'"
run rejected cursor sync
expect_eq "$?" 1 "a rejected session fails"
has "$O/rejected.err" "HTTP 401: the key was rejected (Cursor takes a signed-in session: open Cursor and sign in again)"
has "$O/rejected.err" "nothing was stored"

# No Cursor at all: nothing to sign in with, no request.
HOME_SAVE=$H
H=$t/empty
mkdir -p "$H"
run nocursor cursor sync
expect_eq "$?" 1 "sync without Cursor fails"
has "$O/nocursor.err" "no Cursor installation found"
H=$HOME_SAVE

# The token: not in any output, not in the store, not in its WAL.
for secret in "$SIG" "$JWT" OtherSig-77; do
	if grep -rqF -- "$secret" "$O"; then bad "the session token appears in an output"; else ok; fi
	if cat "$DB"* 2>/dev/null | grep -qaF -- "$secret"; then bad "the session token is in the store"; else ok; fi
done
# ... while the server did get it, in the cookie only
grep -qF "H Cookie: WorkosCursorSessionToken=user_01E2ETEST%3A%3A$JWT" "$LOG" && ok || bad "the cookie was not sent"
if grep '^REQ ' "$LOG" | grep -qF "$SIG"; then bad "the token is in a request line"; else ok; fi

echo "e2e cursor: $pass passed, $fail failed"
[ "$fail" = 0 ]
