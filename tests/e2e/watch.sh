#!/usr/bin/env bash
# The watcher against real files in a private HOME: roots that appear later,
# lines written in pieces, new project folders, truncation, replacement by
# rename, deletion, a restart, a second watcher, SIGTERM, a forced queue
# overflow and a forced watch limit; a Copilot session log and a VS Code
# chat log tailed, an OpenCode database updated in place. After each step
# the store's totals must equal the expected values exactly.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
DB=$t/store/usage.db
mkdir -p "$H"
start() { # extra env...
	env -i PATH="$PATH" HOME="$H" TZ=UTC "$@" "$AIUSAGE" watch -v --db "$DB" 2>>"$t/watch.log" &
	pids+=($!)
	wpid=$!
	for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && return; sleep 0.05; done
	bad "watcher did not start"; cat "$t/watch.log"
}
stop() {
	kill -TERM "$wpid"
	wait "$wpid"
	local rc=$?
	[ $rc = 0 ] && ok || bad "watcher exit code on SIGTERM: $rc"
}
# "sum(output) sum(cache_read) count(*)" of the store, read the way a report does
totals() { sqlite3 "file:$DB?mode=ro" "SELECT coalesce(sum(output),0)||' '||coalesce(sum(cache_read),0)||' '||count(*) FROM usage" 2>/dev/null; }
expect() { # "out cr n" description
	local got
	for _ in $(seq 400); do
		got=$(totals)
		[ "$got" = "$1" ] && { ok; return; }
		sleep 0.05
	done
	bad "$2: store has '$got', expected '$1'"
}

cl() { # id out [cr]
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s,"cache_read_input_tokens":%s}}}\n' "$1" "$1" "$2" "${3:-0}"
}
cx() { # ts total_in total_cached total_out
	printf '{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%s,"cached_input_tokens":%s,"output_tokens":%s,"reasoning_output_tokens":0}}}}\n' "$@"
}

start
# 1. the roots do not exist yet: they are created, deep, while we watch
P=$H/.claude/projects/-w-p
mkdir -p "$P"
cl m1 10 >"$P/a.jsonl"
expect "10 0 1" "a file in a root created after start"

# 2. a line written in two pieces counts once it is whole
line=$(cl m2 20)
printf '%s' "${line:0:50}" >>"$P/a.jsonl"
sleep 0.3
expect "10 0 1" "half a line"
printf '%s\n' "${line:50}" >>"$P/a.jsonl"
expect "30 0 2" "the rest of the line"

# 3. a bigger streaming copy of m2 replaces it; a new project folder is watched
cl m2 25 >>"$P/a.jsonl"
expect "35 0 2" "a later, bigger copy"
mkdir -p "$H/.claude/projects/-w-q/s9/subagents"
cl m3 5 100 >"$H/.claude/projects/-w-q/s9/subagents/agent-1.jsonl"
expect "40 100 3" "a new project folder"

# 4. Codex: a day folder appears, counters are cumulative, written in pieces
C=$H/.codex/sessions/2025/10/01
mkdir -p "$C"
R=$C/rollout-2025-10-01T10-00-00-00000000-0000-0000-0000-0000000000aa.jsonl
printf '{"timestamp":"2025-10-01T10:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5-codex","cwd":"/w/c"}}\n' >"$R"
cx 2025-10-01T10:00:01.000Z 1000 400 50 >>"$R"
expect "90 500 4" "codex first event"
cx 2025-10-01T10:00:01.500Z 1000 400 50 >>"$R" # a re-emit
cx 2025-10-01T10:00:02.000Z 3000 1400 80 >>"$R"
expect "120 1500 5" "codex cumulative delta"

# 5. truncation: the file is cut and rewritten with one of its old lines
cl m1 10 >"$P/a.jsonl"
expect "120 1500 5" "truncated and rewritten (no double count)"

# 6. replacement by rename: old lines plus a new one
{ cl m1 10; cl m2 25; cl m4 7; } >"$t/new.jsonl"
mv "$t/new.jsonl" "$P/a.jsonl"
expect "127 1500 6" "replaced by rename"

# 7. deletion keeps history
rm "$P/a.jsonl"
sleep 0.3
expect "127 1500 6" "a deleted file keeps its rows"

# 8. a second watcher refuses; a report runs while the watcher writes
env -i PATH="$PATH" HOME="$H" "$AIUSAGE" watch --db "$DB" 2>"$t/second.err"
rc=$?
[ $rc = 1 ] && grep -q "another watcher is already running" "$t/second.err" && ok || bad "second watcher: rc $rc $(cat "$t/second.err")"
out=$(env -i PATH="$PATH" HOME="$H" "$AIUSAGE" daily --json -z UTC --no-scan --db "$DB" 2>&1)
echo "$out" | grep -q '"outputTokens":127' && ok || bad "report beside the watcher: $out"

# 9. restart: lines written while it was down are read at start, once
stop
cl m5 3 >>"$H/.claude/projects/-w-q/s9/subagents/agent-1.jsonl"
start
expect "130 1500 7" "written while the watcher was down"

# 10. forced queue overflow: events are dropped, a full rescan finds everything
stop
start AIUSAGE_TEST_OVERFLOW_EVERY=1
cl m6 100 >>"$H/.claude/projects/-w-q/s9/subagents/agent-1.jsonl"
expect "230 1500 8" "after a (forced) queue overflow"
grep -q "event queue overflowed" "$t/watch.log" && ok || bad "no overflow warning"

# 11. forced watch limit: a warning with the fix, and periodic rescans
stop
start AIUSAGE_TEST_MAX_WATCHES=2 AIUSAGE_RESCAN_SECONDS=1
grep -q "inotify watch limit is reached" "$t/watch.log" && ok || bad "no watch limit warning"
grep -q "sudo sysctl fs.inotify.max_user_watches=" "$t/watch.log" && ok || bad "the warning does not say the fix"
mkdir -p "$H/.claude/projects/-w-r/deep/er"
cl m7 1000 >"$H/.claude/projects/-w-r/deep/er/x.jsonl"
expect "1230 1500 9" "a file in an unwatched directory (degraded mode)"
stop

# 12. Copilot CLI: the session log is tailed; a shutdown written in two
# pieces counts once whole, a resumed session's next shutdown adds its own
start
S=$H/.copilot/session-state/5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01
mkdir -p "$S"
printf '{"type":"session.start","data":{"sessionId":"5f1c2a9e-3b7d-4c21-9e0a-6d8f4b2c1a01","context":{"cwd":"/w/cp"}},"id":"e0","timestamp":"2026-03-01T09:00:00.000Z"}\n' >"$S/events.jsonl"
sd() { # id out cache_read
	printf '{"type":"session.shutdown","data":{"modelMetrics":{"gpt-4.1":{"requests":{"count":1,"cost":0},"usage":{"inputTokens":1000,"outputTokens":%s,"cacheReadTokens":%s,"cacheWriteTokens":0}}}},"id":"%s","timestamp":"2026-03-01T10:00:00.000Z"}\n' "$2" "$3" "$1"
}
line=$(sd e1 50 400)
printf '%s' "${line:0:60}" >>"$S/events.jsonl"
sleep 0.3
expect "1230 1500 9" "half a Copilot shutdown"
printf '%s\n' "${line:60}" >>"$S/events.jsonl"
expect "1280 1900 10" "a Copilot shutdown"
sd e1 50 400 >>"$S/events.jsonl" # written again: counts once
printf '{"type":"session.resume","data":{"context":{"cwd":"/w/cp"}},"id":"e2","timestamp":"2026-03-01T11:00:00.000Z"}\n' >>"$S/events.jsonl"
sd e3 20 100 >>"$S/events.jsonl"
expect "1300 2000 11" "a resumed session's shutdown"

# 13. OpenCode: a row in opencode.db written with zeros, then filled in place
# (a streaming response), then another row: read through the database's WAL
O=$H/.local/share/opencode
mkdir -p "$O"
# a writer waits for readers, as OpenCode's does (a busy timeout)
oc() { sqlite3 -cmd ".timeout 5000" "$O/opencode.db" "$@"; }
oc "PRAGMA journal_mode=WAL; CREATE TABLE message(id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);" >/dev/null
od() { # input out cache_read [completed]
	printf '{"role":"assistant","time":{"created":1767000000000%s},"modelID":"claude-sonnet-4-5","providerID":"anthropic","path":{"cwd":"/w/oc"},"cost":0.01,"tokens":{"input":%s,"output":%s,"reasoning":0,"cache":{"read":%s,"write":0}}}' "${4:+,\"completed\":1767000009000}" "$1" "$2" "$3"
}
oc "INSERT INTO message VALUES('msg_1','ses_1',1767000000000,1767000000000,'$(od 0 0 0)')"
sleep 0.3
expect "1300 2000 11" "an OpenCode row still at zero"
oc "UPDATE message SET data='$(od 5 40 300 done)' WHERE id='msg_1'"
expect "1340 2300 12" "the OpenCode row filled in place"
oc "INSERT INTO message VALUES('msg_2','ses_1',1767000060000,1767000060000,'$(od 5 7 0 done)')"
expect "1347 2300 13" "a second OpenCode row"

# 14. VS Code Copilot Chat: the mutation log is tailed through the store:
# tokens set in later lines, a request undone (still billed), counts deleted
# from a request still there (withdrawn)
V=$H/.config/Code/User/workspaceStorage/0f0f0f0f/chatSessions
mkdir -p "$V"
printf '{"folder":"file:///w/vs"}' >"$V/../workspace.json"
L=$V/6b1c0000-0000-4000-8000-000000000001.jsonl
rq() { printf '{"requestId":"%s","timestamp":1777626001000,"modelId":"copilot/gpt-4.1","message":{"text":"q"},"response":[]}' "$1"; }
printf '{"kind":0,"v":{"version":3,"sessionId":"6b1c","requests":[%s]}}\n' "$(rq r1)" >"$L"
sleep 0.3
expect "1347 2300 13" "a VS Code request without counts yet"
printf '{"kind":1,"k":["requests",0,"promptTokens"],"v":100}\n{"kind":1,"k":["requests",0,"completionTokens"],"v":30}\n' >>"$L"
expect "1377 2300 14" "VS Code counts set in place"
printf '{"kind":2,"k":["requests"],"v":[%s]}\n{"kind":1,"k":["requests",1,"completionTokens"],"v":8}\n' "$(rq r2)" >>"$L"
expect "1385 2300 15" "a second VS Code request"
printf '{"kind":2,"k":["requests"],"i":1,"v":[]}\n' >>"$L" # r2 undone: billed, stays
sleep 0.3
expect "1385 2300 15" "an undone VS Code request"
printf '{"kind":3,"k":["requests",0,"completionTokens"]}\n{"kind":3,"k":["requests",0,"promptTokens"]}\n' >>"$L"
expect "1355 2300 14" "VS Code counts deleted from a request (withdrawn)"
stop

echo "watch: $pass passed, $fail failed"
[ $fail = 0 ]
