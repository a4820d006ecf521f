#!/usr/bin/env bash
# aiusage serve and watch --serve over HTTP: /metrics passes `promtool
# check metrics` and its cost and token series sum to the --json totals;
# /api/REPORT.json is `REPORT --json` with the same options, for every
# report (models, cache, blocks, insights too); a bad parameter is a 400 naming it; a
# bind beyond loopback is refused without a token and asks for it with
# one; under the watcher a scan error is counted, the last event is the
# watcher's own (absent at start, then the time a change was seen), and an event stream
# whose client vanished mid-stream does not stall it: the next lines are
# stored and a new stream hears the commit.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}"
. "$AU_SRC/tests/browser.sh"
t=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
command -v promtool >/dev/null || { echo "FAIL: promtool is not installed (bootstrap.sh's test packages: prometheus)"; exit 1; }
command -v curl >/dev/null || { echo "FAIL: curl is not installed"; exit 1; }

demo_home "$AU_SRC" "$t/home"
E=(env -i PATH="$PATH" HOME="$t/home" TZ=UTC XDG_CONFIG_HOME="$t/config" AIUSAGE_NOW=2026-11-20T18:00:00Z)
mkdir -p "$t/config/aiusage"
# wait for "listening on URL" / "serving the dashboard on URL" in a log
url_of() { # log
	for _ in $(seq 200); do
		u=$(sed -n 's/.*\(listening\|dashboard\) on \(http:[^ ]*\).*/\2/p' "$1" | head -1)
		[ -n "$u" ] && { echo "$u"; return; }
		sleep 0.05
	done
}

"${E[@]}" "$AIUSAGE" serve -v --listen 127.0.0.1:0 --db "$t/db" 2>"$t/serve.log" &
pids+=($!)
url=$(url_of "$t/serve.log")
[ -n "$url" ] && ok || { bad "serve did not start: $(cat "$t/serve.log")"; exit 1; }

# /metrics: valid exposition, sums equal the JSON totals
curl -sf "${url}metrics" >"$t/metrics" && ok || bad "GET /metrics failed"
promtool check metrics <"$t/metrics" >"$t/promtool" 2>&1 && ok || bad "promtool: $(cat "$t/promtool")"
"${E[@]}" "$AIUSAGE" daily --json --no-scan --db "$t/db" >"$t/daily.json"
total() { sed -n "s/^\"totals\":.*\"$1\":\([0-9.]*\).*/\1/p" "$t/daily.json"; }
sum() { grep "^$1{" "$t/metrics" | awk '{ s += $NF } END { printf "%.9f", s }'; }
[ "$(sum aiusage_cost_usd_total)" = "$(LC_ALL=C printf '%.9f' "$(total totalCost)")" ] && ok ||
	bad "cost series sum $(sum aiusage_cost_usd_total), --json $(total totalCost)"
[ "$(sum aiusage_tokens_total)" = "$(LC_ALL=C printf '%.9f' "$(total totalTokens)")" ] && ok ||
	bad "token series sum $(sum aiusage_tokens_total), --json $(total totalTokens)"
[ "$(sum aiusage_responses_total)" = "$(LC_ALL=C printf '%.9f' "$(total responses)")" ] && ok || bad "responses sum"
grep -q '^aiusage_watch_files [1-9]' "$t/metrics" && ok || bad "aiusage_watch_files"
grep -q '^aiusage_watch_last_event_timestamp_seconds{source="claude"} 17' "$t/metrics" && ok || bad "last event"

# /api/daily.json is daily --json, options as parameters
curl -sf "${url}api/daily.json" | cmp -s - "$t/daily.json" && ok || bad "/api/daily.json differs from daily --json"
"${E[@]}" "$AIUSAGE" weekly --json --no-scan --db "$t/db" --source codex --since 2026-11-17 -z Europe/Paris >"$t/w.json"
curl -sf "${url}api/weekly.json?source=codex&since=2026-11-17&timezone=Europe/Paris" | cmp -s - "$t/w.json" && ok ||
	bad "/api/weekly.json with parameters differs"
# every report, its own options too: "report|command options|parameters"
for spec in "monthly|--project webshop|project=webshop" \
	"session|-o desc --until 2026-11-18|order=desc&until=2026-11-18" "projects||" \
	"models||" "models|--source codex -o desc -z Asia/Tokyo|source=codex&order=desc&timezone=Asia/Tokyo" \
	"cache||" "cache|--by project --full-path --since 2026-11-16|by=project&full_path=1&since=2026-11-16" "cache|--by model|by=model" \
	"blocks||" "blocks|--source all -z Europe/Paris|source=all&timezone=Europe/Paris" \
	"insights||" "insights|--budget 12.50 --as-of 2026-11-19|budget=12.50&as_of=2026-11-19" \
	"insights|--since 2026-11-15 --source claude|since=2026-11-15&source=claude"; do
	IFS='|' read -r name opts params <<<"$spec"
	# shellcheck disable=SC2086
	"${E[@]}" "$AIUSAGE" "$name" --json --no-scan --db "$t/db" $opts >"$t/cmd.json" 2>/dev/null
	curl -sf "${url}api/$name.json?$params" >"$t/api.json"
	[ -s "$t/cmd.json" ] && cmp -s "$t/api.json" "$t/cmd.json" && ok ||
		bad "/api/$name.json?$params differs from $name --json $opts: $(diff "$t/cmd.json" "$t/api.json" | head -4)"
done
# bad parameters: 400 with a message naming them
for q in "api/daily.json?since=yesterdayish" "api/daily.json?colour=red" "api/daily.json?source=emacs" \
	"?timezone=Mars/Olympus" "api/daily.json?order=sideways" "metrics?x=1" "api/cache.json?by=hour" \
	"api/insights.json?budget=lots" "api/insights.json?as_of=whenever" "api/daily.json?by=day" \
	"api/blocks.json?budget=5"; do
	code=$(curl -s -o "$t/body" -w '%{http_code}' "$url$q")
	[ "$code" = 400 ] && grep -qE "yesterdayish|colour|emacs|Mars|sideways|no parameters|hour|lots|whenever|'by'|'budget'" "$t/body" && ok ||
		bad "$q: $code $(cat "$t/body")"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "${url}api/nothing.json")" = 404 ] && ok || bad "unknown report not 404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "${url}metrics")" = 405 ] && ok || bad "POST not 405"

# beyond loopback: refused without a token
"${E[@]}" "$AIUSAGE" serve --listen 0.0.0.0:0 --db "$t/db" --no-scan >"$t/out" 2>"$t/err" &
p=$!
sleep 2
if kill -0 $p 2>/dev/null; then kill $p; bad "0.0.0.0 without a token was served"; else
	wait $p
	rc=$?
	[ $rc = 1 ] && grep -q "refusing to listen on 0.0.0.0:0" "$t/err" && ok || bad "refusal: rc $rc $(cat "$t/err")"
fi
# with one (from the environment), every request must carry it
printf '[serve]\ntoken_env = AU_TEST_TOKEN\n' >"$t/config/aiusage/config.ini"
tok=0123456789abcdef-test
"${E[@]}" AU_TEST_TOKEN=$tok "$AIUSAGE" serve --listen 0.0.0.0:0 --db "$t/db" --no-scan 2>"$t/tok.log" &
pids+=($!)
turl=$(url_of "$t/tok.log")
port=${turl##*:}
port=${port%/}
base=http://127.0.0.1:$port
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")" = 401 ] && ok || bad "no token: not 401"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong-token-123456" "$base/metrics")" = 401 ] &&
	ok || bad "wrong token: not 401"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$base/metrics")" = 200 ] && ok ||
	bad "right token: not 200"
rm "$t/config/aiusage/config.ini"

# watch --serve: the server on the watcher's loop
W=$t/w
mkdir -p "$W/home/.claude/projects/p"
cl() { # id out
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2026-11-20T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' "$1" "$1" "$2"
}
cl a 10 >"$W/home/.claude/projects/p/s.jsonl"
env -i PATH="$PATH" HOME="$W/home" TZ=UTC XDG_CONFIG_HOME="$t/config" "$AIUSAGE" watch -v --serve 127.0.0.1:0 \
	--db "$W/db" 2>"$W/watch.log" &
pids+=($!)
wurl=$(url_of "$W/watch.log")
[ -n "$wurl" ] && ok || { bad "watch --serve did not start: $(cat "$W/watch.log")"; exit 1; }
for _ in $(seq 100); do grep -q "ready (pid" "$W/watch.log" && break; sleep 0.05; done
output() { curl -s "${wurl}api/daily.json" | sed -n 's/^"totals":.*"outputTokens":\([0-9]*\),.*/\1/p'; }
[ "$(output)" = 10 ] && ok || bad "watch --serve: output $(output), expected 10"
# the last event is the watcher's: none at start (the first scan is not an
# event), then the time it saw the file change, not the usage's own time
last_event() { curl -s "${wurl}metrics" | sed -n 's/^aiusage_watch_last_event_timestamp_seconds{source="claude"} \([0-9]*\)\..*/\1/p'; }
[ -z "$(last_event)" ] && ok || bad "a last event before any: $(last_event)"
t0=$(date +%s)
# a malformed line is a scan error of claude's
echo '{"type":"assistant","requestId":"r-x","message":{"id":"x","usage":{"output_tokens":5 this is not json' >>"$W/home/.claude/projects/p/s.jsonl"
cl b 20 >>"$W/home/.claude/projects/p/s.jsonl"
for _ in $(seq 100); do [ "$(output)" = 30 ] && break; sleep 0.05; done
[ "$(output)" = 30 ] && ok || bad "second line not stored: $(output)"
le=$(last_event)
[ -n "$le" ] && [ "$le" -ge "$t0" ] && [ "$le" -le "$(date +%s)" ] && ok || bad "last event $le, expected $t0 or later"
curl -s "${wurl}metrics" | grep -q '^aiusage_scan_errors_total{source="claude"} 1$' && ok ||
	bad "scan error not counted: $(curl -s "${wurl}metrics" | grep scan_errors | head -3)"
# a client that vanishes mid-stream
curl -sN "${wurl}events" >"$W/ev1" &
c1=$!
for _ in $(seq 100); do grep -q "event: hello" "$W/ev1" && break; sleep 0.05; done
grep -q "event: hello" "$W/ev1" && ok || bad "no hello on the event stream"
kill -9 $c1
wait $c1 2>/dev/null
cl c 40 >>"$W/home/.claude/projects/p/s.jsonl"
for _ in $(seq 100); do [ "$(output)" = 70 ] && break; sleep 0.05; done
[ "$(output)" = 70 ] && ok || bad "after a vanished client: output $(output), expected 70"
# and a new stream hears the next commit
curl -sN --max-time 10 "${wurl}events" >"$W/ev2" &
c2=$!
for _ in $(seq 100); do grep -q "event: hello" "$W/ev2" && break; sleep 0.05; done
cl d 80 >>"$W/home/.claude/projects/p/s.jsonl"
for _ in $(seq 200); do grep -q "event: commit" "$W/ev2" && break; sleep 0.05; done
grep -q "event: commit" "$W/ev2" && ok || bad "no commit event: $(cat "$W/ev2")"
kill $c2 2>/dev/null
[ "$(output)" = 150 ] && ok || bad "output $(output), expected 150"

echo "serve: $pass passed, $fail failed"
[ $fail = 0 ]
