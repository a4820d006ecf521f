#!/usr/bin/env bash
# Plan windows fetched from the tools' accounts (src/cloud/plan_quota.c),
# end to end: tests/cloud_server.c on 127.0.0.1 answers as Claude's OAuth
# usage endpoint and GitHub's Copilot quota endpoint (answers shaped like
# the public examples), and [limits] in a private HOME's config.ini points
# both at it. Checks:
#   - off by default: no request, no login file opened for it, with no
#     config and with [limits] present but off
#   - `limits --refresh --json`: the stored windows and their values, origin
#     "oauth" in the store; the Authorization (and anthropic-beta) headers
#     the server received
#   - the login files byte-identical and with the same mtime afterwards,
#     nothing added beside them
#   - the tokens nowhere: not in the store's bytes, any stdout or stderr,
#     or any command line while it runs
#   - an expired Claude login: reported ("run Claude Code to refresh its
#     login"), no request made; a 401; a dead server: a clear error, exit
#     1, the windows already stored still shown
#   - the watcher fetches them too when they are on
set -uo pipefail
: "${AIUSAGE:?}" "${AU_CLOUD_SERVER:?}"
t=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/server.sh"

H=$t/home S=$t/srv O=$t/out
DB=$H/.local/share/aiusage/usage.db
CFG=$H/.config/aiusage/config.ini
CRED=$H/.claude/.credentials.json
APPS=$H/.config/github-copilot/apps.json
mkdir -p "$H/.config/aiusage" "$H/.claude" "$H/.config/github-copilot" "$S" "$O"
NOW=2026-12-01T16:30:00Z

# ---- the logins, as Claude Code and the Copilot plugins write them ----
TC=sk-ant-oat01-E2Esecret-claude-4b1d
TG=ghu_E2Esecret_copilot_77aa
cat >"$CRED" <<EOF
{"claudeAiOauth":{"accessToken":"$TC","refreshToken":"sk-ant-ort01-E2Esecret-refresh-9c0e","expiresAt":4102444800000,"scopes":["user:inference","user:profile"],"subscriptionType":"max","rateLimitTier":"default_claude_max_5x"}}
EOF
cat >"$APPS" <<EOF
{"github.com:Iv1.b507a08c87ecfe98":{"user":"octo","oauth_token":"$TG","githubAppId":"Iv1.b507a08c87ecfe98"}}
EOF
chmod 600 "$CRED" "$APPS"
touch -d '2026-11-30 08:00:00' "$CRED" "$APPS"
fingerprint() { # contents and mtime of both login files, and what is beside them
	sha256sum "$CRED" "$APPS"
	stat -c '%n %Y %y %a %s' "$CRED" "$APPS"
	ls -la --time-style=full-iso "$H/.claude" "$H/.config/github-copilot" | grep -v ' \.\.$'
}
fp0=$(fingerprint)

# ---- what the endpoints say ----
cat >"$S/claude.json" <<'EOF'
{"five_hour":{"utilization":42.0,"resets_at":"2026-12-01T18:00:00.288792+00:00"},"seven_day":{"utilization":17.5,"resets_at":"2026-12-05T09:00:00.288804+00:00"},"seven_day_oauth_apps":null,"seven_day_opus":null,"seven_day_sonnet":{"utilization":3.0,"resets_at":null},"extra_usage":{"is_enabled":false,"monthly_limit":null,"used_credits":null,"utilization":null}}
EOF
cat >"$S/copilot.json" <<'EOF'
{"access_type_sku":"plus_monthly_subscriber_quota","copilot_plan":"individual_pro","chat_enabled":true,"quota_reset_date":"2027-01-01","quota_snapshots":{"chat":{"entitlement":0,"overage_count":0,"overage_permitted":false,"percent_remaining":100.0,"quota_id":"chat","quota_remaining":0.0,"remaining":0,"unlimited":true},"completions":{"entitlement":0,"overage_count":0,"overage_permitted":false,"percent_remaining":100.0,"quota_id":"completions","quota_remaining":0.0,"remaining":0,"unlimited":true},"premium_interactions":{"entitlement":300,"overage_count":0,"overage_permitted":true,"percent_remaining":73.0,"quota_id":"premium_interactions","quota_remaining":219.0,"remaining":219,"unlimited":false}}}
EOF
# the first answer takes 600 ms, for ps to see the command running
cat >"$S/script" <<EOF
auth /api/oauth/ Authorization Bearer $TC
auth /copilot_internal/ Authorization token $TG
route /api/oauth/usage * 200 600 - claude.json
route /api/oauth/usage * 200 0 repeat claude.json
route /copilot_internal/user * 200 0 repeat copilot.json
EOF
LOG=$t/server.log
: >"$LOG"
start_server "$S/script" "$LOG" "$t/port" 240
URL=$server_url
[ -n "$URL" ] && ok || { bad "the server did not start"; exit 1; }

n=0
au() { # aiusage in the private HOME, the clock pinned; outputs kept for the token scan
	n=$((n + 1))
	(
		unset XDG_CONFIG_HOME XDG_DATA_HOME CLAUDE_CONFIG_DIR CODEX_HOME NO_COLOR http_proxy https_proxy HTTPS_PROXY ALL_PROXY
		export HOME="$H" TZ=UTC LC_ALL=C.UTF-8 AIUSAGE_CLOUD_BACKOFF_MS=100 AIUSAGE_NOW="$NOW"
		exec "$AIUSAGE" "$@"
	) >"$O/$n.out" 2>"$O/$n.err"
	rc=$?
}
requests() { grep -c '^REQ ' "$LOG"; }
q() { sqlite3 "file:$DB?mode=ro" "$1"; }
# one window of `limits --json` as "source window windowMinutes usedPercent resetsAt observedAt planType"
windows() {
	python3 -c 'import json,sys
for l in json.load(open(sys.argv[1]))["limits"]:
    print(l["source"], l["window"], l["windowMinutes"], l["usedPercent"], l["resetsAt"], l["observedAt"], l["planType"])' "$1"
}

# 1. off by default: nothing fetched, with no config and with [limits] off
au limits --refresh --json
expect_eq "$rc $(requests)" "0 0" "no config: exit 0 and no request"
has "$O/$n.err" "nothing to fetch: [limits]"
expect_eq "$(windows "$O/$n.out")" "" "no config: no window"
cat >"$CFG" <<EOF
[limits]
claude_oauth = false
claude_base_url = $URL
copilot_base_url = $URL
EOF
au limits --refresh
expect_eq "$rc $(requests)" "0 0" "[limits] off: exit 0 and no request"
expect_eq "$(fingerprint)" "$fp0" "the login files after runs with the feature off"

# 2. on: both fetched and stored
cat >"$CFG" <<EOF
[limits]
claude_oauth = true
copilot_quota = true
claude_base_url = $URL
copilot_base_url = $URL/
EOF
# every command line while it runs, as ps shows them (from /proc: no procps
# needed), until the run is seen
( for _ in $(seq 40); do
	for c in /proc/[0-9]*/cmdline; do tr '\0' ' ' <"$c" 2>/dev/null && echo; done
	grep -q 'aiusage.*limits --refresh' "$t/ps.txt" 2>/dev/null && break
	sleep 0.02
done ) >>"$t/ps.txt" 2>&1 &
pspid=$!
au limits --refresh --json
wait $pspid
expect_eq "$rc" 0 "limits --refresh exits 0"
expect_eq "$(windows "$O/$n.out")" "claude five_hour 300 42 2026-12-01T18:00:00Z 2026-12-01T16:30:00Z max
claude seven_day 10080 17.5 2026-12-05T09:00:00Z 2026-12-01T16:30:00Z max
claude seven_day_sonnet 10080 3 None 2026-12-01T16:30:00Z max
copilot premium_interactions None 27 2027-01-01T00:00:00Z 2026-12-01T16:30:00Z individual_pro" "limits --refresh --json windows"
expect_eq "$(q "SELECT source, win, used_percent, origin FROM rate_limit ORDER BY 1, 2")" "claude|five_hour|42.0|oauth
claude|seven_day|17.5|oauth
claude|seven_day_sonnet|3.0|oauth
copilot|premium_interactions|27.0|oauth" "rate_limit rows"
expect_eq "$(requests)" 2 "one request per endpoint"
has "$LOG" "H Authorization: Bearer $TC"
has "$LOG" "H anthropic-beta: oauth-2025-04-20"
has "$LOG" "H Authorization: token $TG"
expect_eq "$(grep -c '^REQ [0-9]* GET /api/oauth/usage ' "$LOG") $(grep -c '^REQ [0-9]* GET /copilot_internal/user ' "$LOG")" "1 1" "the paths asked"
grep -q 'aiusage.*limits --refresh' "$t/ps.txt" && ok || bad "ps never saw limits --refresh running"
# the table shows them too, with the plan
au limits --no-scan
grep -qE '^claude +five_hour +5h +max +42\.0% ' "$O/$n.out" && grep -qE '^copilot +premium_interactions' "$O/$n.out" && ok ||
	bad "limits table: $(cat "$O/$n.out")"
# a re-fetch at the same instant stores nothing twice
au limits --refresh --no-scan -q
expect_eq "$rc $(q 'SELECT count(*) FROM rate_limit')" "0 4" "re-fetch at the same time: same rows"

# 3. an expired Claude login: said, and nothing sent; Copilot still fetched
cp "$CRED" "$t/cred.keep"
cat >"$CRED" <<EOF
{"claudeAiOauth":{"accessToken":"$TC","expiresAt":1796140000000,"subscriptionType":"max"}}
EOF
touch -d '2026-11-30 09:00:00' "$CRED"
fpx=$(fingerprint)
before=$(grep -c '^REQ [0-9]* GET /api/oauth/' "$LOG")
au limits --refresh --json
expect_eq "$rc" 1 "an expired login exits 1"
has "$O/$n.err" "aiusage limits: claude: the Claude Code login in $CRED expired at 2026-12-01T15:46:40Z: run Claude Code to refresh its login"
expect_eq "$(grep -c '^REQ [0-9]* GET /api/oauth/' "$LOG")" "$before" "a request made with an expired login"
expect_eq "$(grep -c '^REQ [0-9]* GET /copilot_internal/' "$LOG")" 3 "Copilot not fetched beside an expired Claude login"
expect_eq "$(windows "$O/$n.out" | wc -l)" 4 "windows shown after an expired login"
expect_eq "$(fingerprint)" "$fpx" "the expired login file after the run"
cp -p "$t/cred.keep" "$CRED"
touch -d '2026-11-30 08:00:00' "$CRED"

# 4. a 401: the login is wrong; what was stored stays
cat >"$S/script2" <<EOF
auth /api/oauth/ Authorization Bearer not-this-one
route /api/oauth/usage * 200 0 repeat claude.json
EOF
kill "$spid"; wait "$spid" 2>/dev/null
start_server "$S/script2" "$LOG" "$t/port2"
sed -i "s#$URL#$server_url#" "$CFG"
sed -i 's/^copilot_quota = true/copilot_quota = false/' "$CFG"
au limits --refresh --json
expect_eq "$rc" 1 "a 401 exits 1"
has "$O/$n.err" "aiusage limits: claude: GET /api/oauth/usage: HTTP 401: the key was rejected (Claude's usage endpoint takes the login Claude Code stores)"
has "$O/$n.err" ": run Claude Code to refresh its login"
expect_eq "$(windows "$O/$n.out" | head -1)" "claude five_hour 300 42 2026-12-01T18:00:00Z 2026-12-01T16:30:00Z max" "windows kept after a 401"
expect_eq "$(q 'SELECT count(*) FROM rate_limit')" 4 "rows after a 401"

# 5. a dead server: a clear error, exit 1, nothing lost
kill "$spid"; wait "$spid" 2>/dev/null
spid=
au limits --refresh --json
expect_eq "$rc" 1 "a dead server exits 1"
grep -qE "^aiusage limits: claude: GET /api/oauth/usage: .*(onnect|refused).* \(after 2 attempts\)$" "$O/$n.err" && ok ||
	bad "dead server message: $(cat "$O/$n.err")"
expect_eq "$(windows "$O/$n.out" | wc -l)" 4 "windows shown with the server down"
expect_eq "$(q 'SELECT count(*) FROM rate_limit')" 4 "rows after a dead server"

# 6. the watcher: nothing fetched while [limits] is off; both when it is on
#    (each due: only the watcher records attempts)
cat >"$S/script3" <<EOF
auth /api/oauth/ Authorization Bearer $TC
auth /copilot_internal/ Authorization token $TG
route /api/oauth/usage * 200 0 repeat claude.json
route /copilot_internal/user * 200 0 repeat copilot.json
EOF
start_server "$S/script3" "$LOG" "$t/port3"
P3=$server_url
printf '[limits]\nclaude_oauth = false\ncopilot_quota = false\nclaude_base_url = %s\ncopilot_base_url = %s\n' "$P3" "$P3" >"$CFG"
before=$(requests)
(
	unset XDG_CONFIG_HOME XDG_DATA_HOME CLAUDE_CONFIG_DIR CODEX_HOME
	export HOME="$H" TZ=UTC LC_ALL=C.UTF-8
	exec "$AIUSAGE" watch
) >"$O/watch-off.out" 2>"$O/watch-off.err" &
wpid=$!
for _ in $(seq 100); do grep -q 'config ' "$O/watch-off.err" 2>/dev/null && break; sleep 0.05; done
sleep 1
kill -TERM "$wpid"
wait "$wpid"
expect_eq "$(requests) $(q "SELECT count(*) FROM meta WHERE key LIKE 'limits.%'")" "$before 0" "the watcher with [limits] off"

cat >"$CFG" <<EOF
[limits]
claude_oauth = true
copilot_quota = true
claude_base_url = $P3
copilot_base_url = $P3
EOF
n=$((n + 1))
wn=$n
(
	unset XDG_CONFIG_HOME XDG_DATA_HOME CLAUDE_CONFIG_DIR CODEX_HOME
	export HOME="$H" TZ=UTC LC_ALL=C.UTF-8
	exec "$AIUSAGE" watch
) >"$O/$wn.out" 2>"$O/$wn.err" &
wpid=$!
got=0
for _ in $(seq 300); do
	got=$(q "SELECT count(*) FROM rate_limit WHERE origin = 'oauth' AND observed_at <> 1796142600000" 2>/dev/null)
	[ "$got" = 4 ] && break
	sleep 0.1
done
expect_eq "$got" 4 "windows the watcher fetched"
expect_eq "$(q "SELECT count(*) FROM meta WHERE key LIKE 'limits.%.last_attempt'")" 2 "watcher attempts recorded"
kill -TERM "$wpid"
wait "$wpid"
expect_eq "$?" 0 "the watcher's exit after a fetch"

# the login files are as they were; the tokens are nowhere
expect_eq "$(fingerprint)" "$fp0" "the login files after every run"
for f in "$DB"*; do
	grep -qaF -e "$TC" -e "$TG" -e "E2Esecret" "$f" && bad "a token is in $f" || ok
done
for f in "$O"/*; do
	grep -qaF -e "$TC" -e "$TG" -e "E2Esecret" "$f" && bad "a token is in $f: $(cat "$f")" || ok
done
grep -qaF -e "$TC" -e "$TG" "$t/ps.txt" && bad "a token was on a command line" || ok

echo "plan_quota: $pass passed, $fail failed"
[ "$fail" = 0 ]
