#!/usr/bin/env bash
# Cloud billing end to end: tests/cloud_server.c on 127.0.0.1 replays
# responses shaped like each provider's API (multi-page results, 429 with
# Retry-After, 500 then success, a response slower than the timeout,
# malformed JSON, an HTML page, a truncated body, 401 for a wrong key);
# each provider's base_url points at it from a config.ini in a temporary
# HOME. Checks: no request without a configured provider, a literal key
# refused in a readable file, the stored rows and the reconciliation
# figures exactly, a re-sync that does not double count, one provider's
# failure that names it and its endpoint without stopping the others, and
# the keys nowhere: not in any output, not on a command line (ps), not in
# the store's bytes.
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
mkdir -p "$H/.config/aiusage" "$S" "$O"

# ---- the keys: never to be seen again outside the server's own log ----
KA=sk-ant-admin01-E2Esecret-anthropic-7f3a
KO=sk-admin-E2Esecret-openai-91c2
KR=sk-or-v1-E2Esecret-openrouter-55d0
KD=sk-E2Esecret-deepseek-0b8e
printf '%s\n' "$KO" >"$t/openai.key"

# ---- local logs: what this machine's tools recorded ----
P=$H/.claude/projects/-w-p
mkdir -p "$P" "$H/.codex/sessions/2026/11/16"
cl() { # id ts in out cache_read
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"%s","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":%s,"output_tokens":%s,"cache_read_input_tokens":%s}}}\n' "$1" "$2" "$1" "$3" "$4" "$5"
}
{
	cl m1 2026-11-16T10:00:00.000Z 1000 2000 0      # $0.033
	cl m2 2026-11-16T23:59:59.000Z 0 1000 100000    # $0.045
	cl m3 2026-11-17T00:00:01.000Z 500 500 0        # $0.009
} >"$P/s.jsonl"
cat >"$H/.codex/sessions/2026/11/16/rollout-2026-11-16T09-00-00-0199cccc-0000-7000-8000-000000000001.jsonl" <<'EOF'
{"timestamp":"2026-11-16T09:00:00.000Z","type":"session_meta","payload":{"id":"0199cccc-0000-7000-8000-000000000001","timestamp":"2026-11-16T09:00:00.000Z","cwd":"/w/cx"}}
{"timestamp":"2026-11-16T09:00:01.000Z","type":"turn_context","payload":{"cwd":"/w/cx","model":"gpt-5-codex"}}
{"timestamp":"2026-11-16T09:00:09.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10000,"cached_input_tokens":8000,"output_tokens":1000,"reasoning_output_tokens":0,"total_tokens":11000},"last_token_usage":{"input_tokens":10000,"cached_input_tokens":8000,"output_tokens":1000,"reasoning_output_tokens":0,"total_tokens":11000}}}}
EOF

# ---- what the providers say (documented response shapes) ----
cat >"$S/a_usage_p1.json" <<'EOF'
{"data":[{"starting_at":"2026-11-16T00:00:00Z","ending_at":"2026-11-17T00:00:00Z","results":[
 {"uncached_input_tokens":1000,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":100000,"output_tokens":3000,"server_tool_use":{"web_search_requests":1},"api_key_id":null,"workspace_id":null,"model":"claude-sonnet-4-5-20250929","service_tier":null,"context_window":null},
 {"uncached_input_tokens":500,"cache_creation":{"ephemeral_1h_input_tokens":300,"ephemeral_5m_input_tokens":200},"cache_read_input_tokens":0,"output_tokens":100,"server_tool_use":{"web_search_requests":0},"api_key_id":null,"workspace_id":null,"model":"claude-haiku-4-5-20251001","service_tier":null,"context_window":null}]}],
 "has_more":true,"next_page":"page_p2"}
EOF
cat >"$S/a_usage_p2.json" <<'EOF'
{"data":[{"starting_at":"2026-11-15T00:00:00Z","ending_at":"2026-11-16T00:00:00Z","results":[]}],"has_more":false,"next_page":null}
EOF
cat >"$S/a_usage_1h.json" <<'EOF'
{"data":[
 {"starting_at":"2026-11-17T00:00:00Z","ending_at":"2026-11-17T01:00:00Z","results":[{"uncached_input_tokens":500,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"output_tokens":500,"model":"claude-sonnet-4-5-20250929"}]},
 {"starting_at":"2026-11-17T05:00:00Z","ending_at":"2026-11-17T06:00:00Z","results":[{"uncached_input_tokens":100,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_read_input_tokens":0,"output_tokens":50,"model":"claude-sonnet-4-5-20250929"}]}],
 "has_more":false,"next_page":null}
EOF
cat >"$S/a_cost.json" <<'EOF'
{"data":[{"starting_at":"2026-11-16T00:00:00Z","ending_at":"2026-11-17T00:00:00Z","results":[
 {"currency":"USD","amount":"0.3","workspace_id":null,"description":"Claude Sonnet 4.5 Usage - Input Tokens","cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-5-20250929","service_tier":"standard","token_type":"uncached_input_tokens","inference_geo":null},
 {"currency":"USD","amount":"4.5","workspace_id":null,"description":"Claude Sonnet 4.5 Usage - Output Tokens","cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-5-20250929","service_tier":"standard","token_type":"output_tokens","inference_geo":null},
 {"currency":"USD","amount":"3","workspace_id":null,"description":"Claude Sonnet 4.5 Usage - Cache Read","cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-5-20250929","service_tier":"standard","token_type":"cache_read_input_tokens","inference_geo":null},
 {"currency":"USD","amount":"0.05","workspace_id":null,"description":"Claude Haiku 4.5 Usage - Input Tokens","cost_type":"tokens","context_window":"0-200k","model":"claude-haiku-4-5-20251001","service_tier":"standard","token_type":"uncached_input_tokens","inference_geo":null},
 {"currency":"USD","amount":"0.025","workspace_id":null,"description":"Claude Haiku 4.5 Usage - 5m Cache Write","cost_type":"tokens","context_window":"0-200k","model":"claude-haiku-4-5-20251001","service_tier":"standard","token_type":"cache_creation.ephemeral_5m_input_tokens","inference_geo":null},
 {"currency":"USD","amount":"0.06","workspace_id":null,"description":"Claude Haiku 4.5 Usage - 1h Cache Write","cost_type":"tokens","context_window":"0-200k","model":"claude-haiku-4-5-20251001","service_tier":"standard","token_type":"cache_creation.ephemeral_1h_input_tokens","inference_geo":null},
 {"currency":"USD","amount":"0.05","workspace_id":null,"description":"Claude Haiku 4.5 Usage - Output Tokens","cost_type":"tokens","context_window":"0-200k","model":"claude-haiku-4-5-20251001","service_tier":"standard","token_type":"output_tokens","inference_geo":null},
 {"currency":"USD","amount":"1.0","workspace_id":null,"description":"Web Search","cost_type":"web_search","context_window":null,"model":null,"service_tier":null,"token_type":null,"inference_geo":null}]},
 {"starting_at":"2026-11-17T00:00:00Z","ending_at":"2026-11-18T00:00:00Z","results":[
 {"currency":"USD","amount":"1.005","workspace_id":null,"description":"Claude Sonnet 4.5 Usage","cost_type":"tokens","context_window":"0-200k","model":"claude-sonnet-4-5-20250929","service_tier":"standard","token_type":"output_tokens","inference_geo":null}]}],
 "has_more":false,"next_page":null}
EOF
cat >"$S/o_usage.json" <<'EOF'
{"object":"page","data":[{"object":"bucket","start_time":1794787200,"end_time":1794873600,"results":[
 {"object":"organization.usage.completions.result","input_tokens":10000,"output_tokens":1000,"input_cached_tokens":8000,"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":3,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-5-codex","batch":null},
 {"object":"organization.usage.completions.result","input_tokens":100,"output_tokens":10,"input_cached_tokens":0,"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":1,"project_id":null,"user_id":null,"api_key_id":null,"model":"gpt-4.1","batch":null}]}],
 "has_more":false,"next_page":null}
EOF
cat >"$S/o_usage_1h.json" <<'EOF'
{"object":"page","data":[{"object":"bucket","start_time":1794873600,"end_time":1794877200,"results":[]}],"has_more":false,"next_page":null}
EOF
cat >"$S/o_costs.json" <<'EOF'
{"object":"page","data":[{"object":"bucket","start_time":1794787200,"end_time":1794873600,"results":[
 {"object":"organization.costs.result","amount":{"value":0.0035,"currency":"usd"},"line_item":"gpt-5-codex, input","project_id":null},
 {"object":"organization.costs.result","amount":{"value":0.01,"currency":"usd"},"line_item":"gpt-5-codex, output","project_id":null},
 {"object":"organization.costs.result","amount":{"value":0.0002,"currency":"usd"},"line_item":"gpt-4.1, input","project_id":null},
 {"object":"organization.costs.result","amount":{"value":8e-05,"currency":"usd"},"line_item":"gpt-4.1, output","project_id":null}]}],
 "has_more":false,"next_page":null}
EOF
printf '{"object":"page","data":[{"object":"bucket","start_time":1794787200,"results":[{"amount":{"val' >"$S/malformed.json"
cat >"$S/portal.html" <<'EOF'
<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body>Captive portal</body></html>
EOF
cat >"$S/r_key.json" <<'EOF'
{"data":{"label":"sk-or-v1-abc...xyz","limit":20,"limit_reset":"monthly","limit_remaining":12.5,"include_byok_in_limit":false,"usage":7.5,"usage_daily":0.75,"usage_weekly":3,"usage_monthly":7.5,"byok_usage":0,"is_free_tier":false,"is_provisioning_key":false,"rate_limit":{"requests":1000,"interval":"1h"}}}
EOF
cat >"$S/r_403.json" <<'EOF'
{"error":{"code":403,"message":"Only management keys can fetch credits"}}
EOF
cat >"$S/d_balance.json" <<'EOF'
{"is_available":true,"balance_infos":[{"currency":"USD","total_balance":"42.10","granted_balance":"2.10","topped_up_balance":"40.00"}]}
EOF
cat >"$S/err500.json" <<'EOF'
{"type":"error","error":{"type":"api_error","message":"Internal server error"}}
EOF
cat >"$S/err429.json" <<'EOF'
{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}
EOF

# Routes are tried in order; one without "repeat" answers once. The failures
# come first, so the first sync meets them and later ones do not.
cat >"$S/script" <<EOF
auth /v1/organizations/ x-api-key $KA
auth /v1/organization/ Authorization Bearer $KO
auth /api/v1/ Authorization Bearer $KR
auth /user/ Authorization Bearer $KD
route /v1/organizations/usage_report/messages bucket_width=1h 429 0 retry-after=1 err429.json
route /v1/organizations/usage_report/messages bucket_width=1h 200 0 repeat a_usage_1h.json
route /v1/organizations/usage_report/messages page=page_p2 200 0 repeat a_usage_p2.json
route /v1/organizations/usage_report/messages bucket_width=1d 200 0 repeat a_usage_p1.json
route /v1/organizations/cost_report group_by%5B%5D=description 500 0 - err500.json
route /v1/organizations/cost_report group_by%5B%5D=description 200 0 repeat a_cost.json
route /v1/organization/usage/completions bucket_width=1h 200 0 repeat o_usage_1h.json
route /v1/organization/usage/completions bucket_width=1d 200 0 repeat o_usage.json
route /v1/organization/costs * 200 0 - malformed.json
route /v1/organization/costs group_by=line_item 200 0 repeat o_costs.json
route /api/v1/key * 200 0 html portal.html
route /api/v1/key * 200 2500 - r_key.json
route /api/v1/key * 200 0 repeat r_key.json
route /api/v1/credits * 403 0 repeat r_403.json
route /user/balance * 200 0 truncate d_balance.json
route /user/balance * 200 0 repeat d_balance.json
EOF
LOG=$t/server.log
: >"$LOG"
start_server "$S/script" "$LOG" "$t/port" 240
URL=$server_url
[ -n "$URL" ] && ok || { bad "the server did not start"; exit 1; }

n=0
au() { # runs aiusage in the private HOME; stdout/stderr kept for the key scan
	n=$((n + 1))
	# keys go through the environment, never an argument (ps must not see them)
	(
		unset OPENAI_ADMIN_KEY OPENROUTER_API_KEY DEEPSEEK_API_KEY XDG_CONFIG_HOME XDG_DATA_HOME \
			CLAUDE_CONFIG_DIR CODEX_HOME NO_COLOR http_proxy https_proxy HTTPS_PROXY ALL_PROXY
		export HOME="$H" TZ=UTC LC_ALL=C.UTF-8 AIUSAGE_CLOUD_BACKOFF_MS=200
		export ANTHROPIC_ADMIN_KEY="$KA" DS_KEY="${DS-$KD}"
		exec "$AIUSAGE" "$@"
	) >"$O/$n.out" 2>"$O/$n.err"
	rc=$?
}
requests() { grep -c '^REQ ' "$LOG"; }

# 1. nothing configured: no request at all
au cloud sync
expect_eq "$rc" 0 "sync with no provider exits 0"
has "$O/$n.out" "No cloud provider is configured"
au cloud check
expect_eq "$rc $(requests)" "0 0" "no provider configured: exit 0 and no request made"

# 2. a literal key in a file others may read is refused, before any request
cat >"$CFG" <<EOF
[alerts]
warn_percent = 80

[cloud.anthropic]
base_url = $URL
days = 10

[cloud.openai]
base_url = $URL/
key_command = cat $t/openai.key

[cloud.openrouter]
base_url = $URL
key = $KR
timeout = 1

[cloud.deepseek]
base_url = $URL
key_env = DS_KEY
EOF
chmod 644 "$CFG"
au cloud sync
expect_eq "$rc $(requests)" "1 0" "a readable config with a literal key: exit 1, no request"
has "$O/$n.err" "chmod 600"
chmod 600 "$CFG"

# 3. the first sync meets every failure: retried ones succeed, the others
# fail alone and are named with their endpoint
au cloud sync
sync1=$n
expect_eq "$rc" 1 "a sync with failed endpoints exits 1"
has "$O/$n.err" "aiusage: cloud: openai: GET /v1/organization/costs: the response is not valid JSON"
has "$O/$n.err" "aiusage: cloud: openrouter: GET /api/v1/key: the response is an HTML page, not JSON"
has "$O/$n.err" "aiusage: cloud: note: openrouter: GET /api/v1/credits: not available to this key (HTTP 403)"
has "$O/$n.out" "anthropic  4 usage row(s), 4 cost row(s) stored"
has "$O/$n.out" "deepseek   0 usage row(s), 0 cost row(s) and the balance stored"
has "$O/$n.out" "openai     2 usage row(s), 0 cost row(s) stored"
# the 429's Retry-After: 1 was waited for
gap_ms=$(awk '/^REQ / && /bucket_width=1h/ && /usage_report/ {t[++k]=$2} END {print t[2]-t[1]}' "$LOG")
[ "${gap_ms:-0}" -ge 950 ] && ok || bad "retry after a 429 with Retry-After: 1 came after ${gap_ms}ms"
# pagination followed the cursor; the query names the documented parameters
grep -q '^REQ [0-9]* GET /v1/organizations/usage_report/messages?starting_at=.*&bucket_width=1d&group_by%5B%5D=model&limit=9&page=page_p2 HTTP/1.1$' "$LOG" && ok || bad "page 2 not requested with the cursor"
grep -q '^REQ [0-9]* GET /v1/organization/usage/completions?start_time=[0-9]*&end_time=[0-9]*&bucket_width=1d&group_by=model&limit=' "$LOG" && ok || bad "OpenAI usage query"
grep -q '^H anthropic-version: 2023-06-01$' "$LOG" && ok || bad "no anthropic-version header"
grep -q '^H User-Agent: aiusage/' "$LOG" && ok || bad "no User-Agent"
[ "$(grep -c '^REQ [0-9]* GET /user/balance' "$LOG")" = 2 ] && ok || bad "a truncated body was not retried"

# nothing from a failed endpoint was stored; OpenAI's cost is unknown, not $0
q() { sqlite3 "file:$DB?mode=ro" "$1"; }
expect_eq "$(q "SELECT count(*) FROM cloud_usage WHERE provider = 'openai' AND cost IS NOT NULL")" 0 "OpenAI costs stored from malformed JSON"
expect_eq "$(q "SELECT count(*) FROM cloud_usage WHERE provider = 'openrouter'") $(q "SELECT count(*) FROM cloud_balance WHERE provider = 'openrouter'")" "0 0" "OpenRouter rows stored from an HTML page"
au cloud --since 2026-11-16 --until 2026-11-16 --csv
has "$O/$n.out" "2026-11-16,openai,2100,1010,8000,0,4,11110,,11000,0.0135,"

# 4. the second sync: the slow answer times out and is retried; all succeed
before=$(requests)
# every process's command line while it runs, as ps shows them (read from
# /proc directly, so the test needs no procps)
( for _ in $(seq 40); do
	for c in /proc/[0-9]*/cmdline; do tr '\0' ' ' <"$c" 2>/dev/null && echo; done
	sleep 0.05
done ) >"$t/ps.txt" 2>&1 &
pspid=$!
au cloud sync
wait $pspid
expect_eq "$rc" 0 "the second sync exits 0"
has "$O/$n.out" "openrouter 0 usage row(s), 1 cost row(s) and the balance stored"
[ "$(grep -c '^REQ [0-9]* GET /api/v1/key ' "$LOG")" = 3 ] && ok || bad "the slow /api/v1/key answer was not retried"
grep -q 'aiusage.*cloud sync' "$t/ps.txt" && ok || bad "ps never saw the sync running"

today_ms=$(( $(date -u +%s) / 86400 * 86400000 ))
rows() { q "SELECT provider, bucket_start, bucket_secs, item, input, output, cache_read, cache_write, requests, coalesce(cost, 'NULL') FROM cloud_usage ORDER BY 1, 2, 3, 4"; }
want="anthropic|1794787200000|86400|claude-haiku-4-5-20251001|500|100|0|500|0|1850000000
anthropic|1794787200000|86400|claude-sonnet-4-5-20250929|1000|3000|100000|0|0|78000000000
anthropic|1794787200000|86400|web_search|0|0|0|0|0|10000000000
anthropic|1794873600000|3600|claude-sonnet-4-5-20250929|500|500|0|0|0|NULL
anthropic|1794873600000|86400|claude-sonnet-4-5-20250929|0|0|0|0|0|10050000000
anthropic|1794891600000|3600|claude-sonnet-4-5-20250929|100|50|0|0|0|NULL
openai|1794787200000|86400|gpt-4.1|100|10|0|0|1|NULL
openai|1794787200000|86400|gpt-4.1, input|0|0|0|0|0|200000000
openai|1794787200000|86400|gpt-4.1, output|0|0|0|0|0|80000000
openai|1794787200000|86400|gpt-5-codex|2000|1000|8000|0|3|NULL
openai|1794787200000|86400|gpt-5-codex, input|0|0|0|0|0|3500000000
openai|1794787200000|86400|gpt-5-codex, output|0|0|0|0|0|10000000000
openrouter|$today_ms|86400|key usage|0|0|0|0|0|750000000000"
expect_eq "$(rows)" "$want" "stored cloud_usage rows"
bal="deepseek|42100000000000|NULL|NULL
openrouter|12500000000000|7500000000000|20000000000000"
expect_eq "$(q "SELECT provider, coalesce(balance, 'NULL'), coalesce(used, 'NULL'), coalesce(limit_amount, 'NULL') FROM cloud_balance ORDER BY 1")" "$bal" "stored balances"

# 5. a re-sync stores the same rows: nothing is counted twice
au cloud sync
expect_eq "$rc" 0 "the third sync exits 0"
expect_eq "$(rows)" "$want" "cloud_usage after a re-sync"
au cloud sync --since 2026-11-16
expect_eq "$(rows)" "$want" "cloud_usage after a re-sync with --since"

# 5b. the watcher polls every configured provider on its own thread (each
#     is due: only the watcher records poll times); SIGTERM waits for the
#     poll, and the rows are the same: nothing counted twice
n=$((n + 1))
wn=$n
(
	unset OPENAI_ADMIN_KEY OPENROUTER_API_KEY DEEPSEEK_API_KEY XDG_CONFIG_HOME XDG_DATA_HOME CLAUDE_CONFIG_DIR CODEX_HOME
	export HOME="$H" TZ=UTC LC_ALL=C.UTF-8 AIUSAGE_CLOUD_BACKOFF_MS=200 ANTHROPIC_ADMIN_KEY="$KA" DS_KEY="$KD"
	exec "$AIUSAGE" watch
) >"$O/$wn.out" 2>"$O/$wn.err" &
wpid=$!
polled=0
for _ in $(seq 300); do
	polled=$(q "SELECT count(*) FROM meta WHERE key LIKE 'cloud.%.last_attempt'" 2>/dev/null)
	[ "$polled" = 4 ] && break
	sleep 0.1
done
expect_eq "$polled" 4 "providers polled by the watcher"
kill -TERM "$wpid"
wait "$wpid"
expect_eq "$?" 0 "the watcher's exit after a cloud poll"
expect_eq "$(rows)" "$want" "cloud_usage after the watcher's poll"

# 6. the reconciliation, exactly
au cloud --since 2026-11-15 --until 2026-11-17 --csv
expect_eq "$(cat "$O/$n.out")" "date,provider,billedInputTokens,billedOutputTokens,billedCacheReadTokens,billedCacheWriteTokens,billedRequests,billedTotalTokens,billedCostUSD,localTotalTokens,localCostUSD,gapUSD
2026-11-16,anthropic,1500,3100,100000,500,0,105100,0.08985,104000,0.078,0.01185
2026-11-16,openai,2100,1010,8000,0,4,11110,0.01378,11000,0.0135,0.00028
2026-11-17,anthropic,600,550,0,0,0,1150,0.01005,1000,0.009,0.00105" "cloud --csv"

# 6b. daily --with-cloud: the same billing beside the usual report. 11-16:
#     billed 0.08985 + 0.01378 = 0.10363 against 0.078 + 0.0135 = 0.0915
#     estimated (gap 0.01213); 11-17: 0.01005 against 0.009 (gap 0.00105)
au daily --with-cloud --since 2026-11-16 --until 2026-11-17 -z UTC --csv --no-scan
expect_eq "$(cut -d, -f1,9,11,12 "$O/$n.out")" "date,costUSD,billedUSD,gapUSD
2026-11-16,0.091500,0.103630,0.012130
2026-11-17,0.009000,0.010050,0.001050" "daily --with-cloud --csv"
au daily --with-cloud --source claude --since 2026-11-16 --until 2026-11-16 -z UTC --json --no-scan
grep -qF '"totalCost":0.078,' "$O/$n.out" && grep -qF '"billedCost":0.08985,"billedGap":0.01185' "$O/$n.out" && ok ||
	bad "daily --with-cloud --source claude --json: $(cat "$O/$n.out")"
au session --with-cloud
expect_eq "$rc" 2 "--with-cloud on session is a usage error"
au cloud --since 2026-11-15 --until 2026-11-17 --json
has "$O/$n.out" '"totals":{"billedCost":0.11368,"localCost":0.1005,"gap":0.01318}'
has "$O/$n.out" '{"provider":"deepseek","fetchedAt":"'
has "$O/$n.out" '"balance":12.5,"used":7.5,"limit":20}'
has "$O/$n.out" '{"date":"2026-11-17","provider":"anthropic","billed":{"inputTokens":600,"outputTokens":550,"cacheReadTokens":0,"cacheWriteTokens":0,"requests":0,"totalTokens":1150,"cost":0.01005},"local":{"totalTokens":1000,"cost":0.009,"responses":1,"unpricedResponses":0},"gap":0.00105}'
au cloud --since 2026-11-15 --until 2026-11-17
has "$O/$n.out" "│ 2026-11-16 │ anthropic │       105,100 │       \$0.09 │      104,000 │      \$0.08 │    \$0.01 │"
has "$O/$n.out" "openrouter  balance \$12.50  used \$7.50  limit \$20.00"
# a day with no tokens or local figures shows "—" cells; each is one column
# wide (it is three bytes), so every line of the table is as wide as the rest
au cloud --provider openrouter --no-scan
has "$O/$n.out" "openrouter │             — │       \$0.75 │            — │          — │        — │"
expect_eq "$(grep '^[┌│├└]' "$O/$n.out" | LC_ALL=C.UTF-8 bash -c 'while IFS= read -r l; do echo "${#l}"; done' |
	sort -u | wc -l)" 1 \
	"cloud table lines of one width"
au cloud --provider openai --since 20261116 --until 20261116 --csv --no-scan
expect_eq "$(tail -n +2 "$O/$n.out")" "2026-11-16,openai,2100,1010,8000,0,4,11110,0.01378,11000,0.0135,0.00028" "cloud --provider openai"

# 7. check: every key found and accepted; a wrong key is rejected (401)
au cloud check
expect_eq "$rc" 0 "check with good keys exits 0"
has "$O/$n.out" "anthropic  key from \$ANTHROPIC_ADMIN_KEY: valid"
has "$O/$n.out" "openai     key from key_command: valid"
has "$O/$n.out" "openrouter key from the config file: valid"
has "$O/$n.out" "deepseek   key from \$DS_KEY: valid"
DS=sk-E2Ewrong-deepseek-key au cloud check --provider deepseek
expect_eq "$rc" 1 "check with a wrong key exits 1"
has "$O/$n.out" "deepseek   key from \$DS_KEY: rejected: GET /user/balance: HTTP 401: the key was rejected"
grep -qF sk-E2Ewrong "$O/$n.out" "$O/$n.err" && bad "the wrong key was printed" || ok
DS=sk-E2Ewrong-deepseek-key au cloud sync --provider deepseek
expect_eq "$rc" 1 "sync with a wrong key exits 1"
has "$O/$n.err" "aiusage: cloud: deepseek: GET /user/balance: HTTP 401"
au cloud check --json
has "$O/$n.out" '{"provider":"openai","configured":true,"keyFound":true,"keyFrom":"key_command","valid":true,"status":"valid","message":null}'
DS= au cloud check --provider deepseek
has "$O/$n.out" "deepseek   no key: \$DS_KEY is not set"

# 8. the keys appear nowhere but in the server's own log
for k in "$KA" "$KO" "$KR" "$KD"; do
	grep -qF "$k" "$LOG" && ok || bad "the server never saw a key (the test is broken)"
	if grep -qF -- "$k" "$O"/* "$t/ps.txt"; then bad "a key appears in output or ps: $(grep -lF -- "$k" "$O"/* "$t/ps.txt")"; else ok; fi
	for f in "$DB" "$DB-wal" "$DB-shm"; do
		[ -e "$f" ] || continue
		if grep -qaF -- "$k" "$f"; then bad "a key is in $f"; else ok; fi
	done
done
# also not the tail of a key (an error echoing a masked key)
grep -qaF E2Esecret "$O"/* "$DB"* && bad "part of a key leaked" || ok

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
