#!/usr/bin/env bash
# Teams against a real PostgreSQL (tests/team/pg_server.bash starts one in a
# temporary folder, as an unprivileged user, on 127.0.0.1, removed at the
# end). Two generated HOMEs are two machines of two users:
#   - each pushed twice: per user, per machine and in total the server's
#     daily report equals the generator's truths exactly;
#   - bob's logs cut mid-line, pushed, completed by appending, pushed again;
#   - a hand-written streaming copy replaced by its final copy;
#   - the server stopped half way through a push (its rows copied, the
#     transaction open), restarted: the next push is exact;
#   - a project named x'); DROP TABLE usage; -- arrives verbatim;
#   - a wrong password: a clear error that does not echo it;
#   - export/import between two stores, twice.
# Needs AIUSAGE, AU_GEN_HOME and AU_BUILD (set by tests/tests.cmake).
set -euo pipefail

: "${AIUSAGE:?AIUSAGE must name the aiusage binary}"
: "${AU_GEN_HOME:?AU_GEN_HOME must name the gen_home binary}"
: "${AU_BUILD:?AU_BUILD must name the build directory}"
CHECK="$AU_BUILD/bench/check_truth"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../team/pg_server.bash
source "$here/../team/pg_server.bash"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-team.XXXXXX")
pgdir=$(mktemp -d /tmp/aiusage-pg.XXXXXX)
holder=
watcher=
cleanup() {
	[ -z "$holder" ] || kill "$holder" 2>/dev/null || true
	[ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
	pg_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
pg_start "$pgdir"

fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# a machine: its HOME, store and config under $tmp/NAME
machine() { # NAME USER
	mkdir -p "$tmp/$1/config/aiusage"
	cat >"$tmp/$1/config/aiusage/config.ini" <<-INI
		[team]
		url = $PG_URL
		user = $2
		machine = $1
	INI
}
au() { # NAME ARGS...: aiusage as that machine
	local m=$1
	shift
	HOME="$tmp/$m/home" XDG_DATA_HOME="$tmp/$m/data" XDG_CONFIG_HOME="$tmp/$m/config" TZ=America/New_York \
		"$AIUSAGE" "$@"
}
check() { # WHAT TRUTH... REPORT
	local what=$1
	shift
	"$CHECK" --quiet "$@" || bad "$what"
}

"$AU_GEN_HOME" --out "$tmp/gen-a" --size-mb 2 --seed 31 --days 6 --start 2026-10-01 >/dev/null
"$AU_GEN_HOME" --out "$tmp/gen-b" --size-mb 2 --seed 32 --days 6 --start 2026-10-03 >/dev/null
machine laptop alice
machine desktop bob
cp -a "$tmp/gen-a/home" "$tmp/laptop/home"
cp -a "$tmp/gen-b/home" "$tmp/desktop/home"

# bob's logs cut at 2/5 of each file (mostly mid-line), the rest kept aside
n=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	size=$(stat -c %s "$f")
	tail -c +$((size * 2 / 5 + 1)) "$f" >"$tmp/rest.$n"
	truncate -s $((size * 2 / 5)) "$f"
	printf '%s\n' "$f" >>"$tmp/rest.list"
done < <(find "$tmp/desktop/home" -type f -name '*.jsonl' -print0 | sort -z)

au laptop team push -q || bad "alice's first push"
au laptop team push -q || bad "alice's second push"
au desktop team push -q || bad "bob's push of the cut logs"
n=0
while IFS= read -r f; do
	n=$((n + 1))
	cat "$tmp/rest.$n" >>"$f"
done <"$tmp/rest.list"
au desktop team push -q || bad "bob's push of the appended lines"
au desktop team push -q || bad "bob's second push"

report() { au "$@" --json --timezone UTC --quiet; }
report laptop daily --team --user alice >"$tmp/alice.json"
check "--user alice equals alice's truth" "$tmp/gen-a/truth.json" "$tmp/alice.json"
report laptop daily --team --machine desktop >"$tmp/desktop.json"
check "--machine desktop equals bob's truth (appended lines replaced the cut ones)" \
	"$tmp/gen-b/truth.json" "$tmp/desktop.json"
report desktop daily --team >"$tmp/all.json"
check "--team equals the sum of both truths" "$tmp/gen-a/truth.json" "$tmp/gen-b/truth.json" "$tmp/all.json"
# --by: a row per (day, user or machine); each one's rows are its own report's
rows_of() { # FILE KEY VALUE: the daily rows of that user or machine, without the key
	jq -c --arg k "$2" --arg v "$3" '[.daily[] | select(.[$k] == $v) | del(.[$k])]' "$1"
}
report laptop daily --team --by user >"$tmp/by-user.json"
[ "$(rows_of "$tmp/by-user.json" user alice)" = "$(jq -c .daily "$tmp/alice.json")" ] ||
	bad "--by user: alice's rows differ from --user alice"
[ "$(rows_of "$tmp/by-user.json" user bob)" = "$(jq -c .daily "$tmp/desktop.json")" ] ||
	bad "--by user: bob's rows differ from his machine's"
[ "$(jq -c .totals "$tmp/by-user.json")" = "$(jq -c .totals "$tmp/all.json")" ] || bad "--by user: totals"
[ "$(jq '[.daily[] | select(has("user") | not)] | length' "$tmp/by-user.json")" = 0 ] ||
	bad "--by user: a row without a user key"
report laptop daily --team --by machine >"$tmp/by-machine.json"
[ "$(jq -r '[.daily[].machine] | unique | join(",")' "$tmp/by-machine.json")" = desktop,laptop ] ||
	bad "--by machine: machines $(jq -c '[.daily[].machine] | unique' "$tmp/by-machine.json")"
[ "$(rows_of "$tmp/by-machine.json" machine desktop)" = "$(jq -c .daily "$tmp/desktop.json")" ] ||
	bad "--by machine: desktop's rows"
au laptop daily --team --by machine --timezone UTC --csv --quiet >"$tmp/by.csv"
head -1 "$tmp/by.csv" | grep -q '^date,machine,model,inputTokens' || bad "--by machine CSV header: $(head -1 "$tmp/by.csv")"
[ "$(grep -c ',laptop,' "$tmp/by.csv")" = "$(jq '[.daily[] | select(.machine == "laptop")] | length' "$tmp/by-machine.json")" ] ||
	bad "--by machine CSV: laptop's lines"
COLUMNS=200 au laptop monthly --team --by user --timezone UTC --quiet --no-color >"$tmp/by.txt"
grep -q '│ User ' "$tmp/by.txt" || bad "--by user table has no User column: $(head -5 "$tmp/by.txt")"
grep -q '│ alice ' "$tmp/by.txt" && grep -q '│ bob ' "$tmp/by.txt" || bad "--by user table rows: $(cat "$tmp/by.txt")"
au laptop daily --team --by team 2>"$tmp/by.err" && bad "--by team was accepted"
grep -q "user or machine" "$tmp/by.err" || bad "--by team: $(cat "$tmp/by.err")"

# ---- models on the server ----
report laptop models --team --machine laptop | jq -c '[.models[] | {model, totalCost, totalTokens, responses}]' \
	>"$tmp/models-team.json"
report laptop models | jq -c '[.models[] | {model, totalCost, totalTokens, responses}]' >"$tmp/models-local.json"
cmp -s "$tmp/models-team.json" "$tmp/models-local.json" || bad "models --team --machine laptop differs from laptop's own"
report laptop models --team --by user >"$tmp/models-by.json"
[ "$(jq '[.models[].totalTokens] | add' "$tmp/models-by.json")" = "$(jq .totals.totalTokens "$tmp/all.json")" ] ||
	bad "models --team --by user: tokens do not add up to the team's"
au laptop models --team --details 2>/dev/null && bad "models --team --details was accepted"

# ---- blocks on the server: summed per quarter hour there, the same blocks ----
# now: at the last request, so the last block is active
AIUSAGE_NOW=$(report laptop blocks --no-scan | jq -r '.blocks[-1].lastActivity')
export AIUSAGE_NOW
report laptop blocks --team --machine laptop >"$tmp/blocks-team.json"
report laptop blocks --no-scan >"$tmp/blocks-local.json"
cmp -s "$tmp/blocks-team.json" "$tmp/blocks-local.json" || bad "blocks --team --machine laptop differs from laptop's own"
jq -e '[.blocks[] | select(.active)] | length == 1' "$tmp/blocks-local.json" >/dev/null ||
	bad "blocks: the pinned now is in no block (the test would not cover the burn rate)"
report laptop blocks --team --since 2026-10-03 --until 2026-10-05 --source codex >"$tmp/blocks-all.json"
want=$(report laptop daily --team --since 2026-10-03 --until 2026-10-05 --source codex | jq .totals.responses)
[ "$(jq '[.blocks[].requests] | add' "$tmp/blocks-all.json")" = "$want" ] ||
	bad "blocks --team: requests $(jq '[.blocks[].requests] | add' "$tmp/blocks-all.json"), want $want"
unset AIUSAGE_NOW
au laptop blocks --user alice 2>/dev/null && bad "blocks --user without --team was accepted"

rows=$(pg_psql "SELECT count(*) FROM usage" aiusage)
local_rows=$(($(report laptop daily | jq .totals.responses) + $(report desktop daily | jq .totals.responses)))
[ "$rows" = "$local_rows" ] || bad "the server holds $rows rows, the two stores $local_rows"
au laptop team status --json >"$tmp/status.json"
[ "$(jq -r '[.machines[] | .user + "/" + .machine] | join(",")' "$tmp/status.json")" = "alice/laptop,bob/desktop" ] ||
	bad "team status lists $(cat "$tmp/status.json")"
[ "$(jq .schemaVersion "$tmp/status.json")" = 1 ] || bad "schema version"

# ---- export / import between the two stores, twice ----
au laptop export "$tmp/laptop.jsonl" -q --no-scan || bad "export"
for i in 1 2; do
	au desktop import "$tmp/laptop.jsonl" -q || bad "import $i"
	report desktop daily --no-scan >"$tmp/merged$i.json"
	check "import $i: the merged store equals both truths" "$tmp/gen-a/truth.json" "$tmp/gen-b/truth.json" \
		"$tmp/merged$i.json"
done
cmp -s "$tmp/merged1.json" "$tmp/merged2.json" || bad "importing twice changed the report"
# --by machine|user locally: the imported rows carry their machine
report desktop daily --no-scan --by machine >"$tmp/local-by.json"
[ "$(rows_of "$tmp/local-by.json" machine laptop)" = "$(jq -c .daily "$tmp/alice.json")" ] ||
	bad "local --by machine: laptop's imported rows differ from its own report"
[ "$(rows_of "$tmp/local-by.json" machine desktop)" = "$(jq -c .daily "$tmp/desktop.json")" ] ||
	bad "local --by machine: desktop's own rows"
report desktop daily --no-scan --by user >"$tmp/local-by-user.json"
[ "$(jq -c 'del(.daily[].user)' "$tmp/local-by-user.json" | jq -c .totals)" = "$(jq -c .totals "$tmp/merged2.json")" ] ||
	bad "local --by user: totals"
report desktop daily --no-scan --user alice | jq -c .daily >"$tmp/local-alice.json"
[ "$(cat "$tmp/local-alice.json")" = "$(jq -c .daily "$tmp/alice.json")" ] || bad "local --user alice"
au desktop team push -q || bad "push after import"
report desktop daily --team >"$tmp/all2.json"
cmp -s "$tmp/all.json" "$tmp/all2.json" || bad "imported rows were pushed again under bob's machine"

# ---- a streaming copy, then its final copy, in a project named like SQL ----
evil="x'); DROP TABLE usage; --"
pdir="$tmp/laptop/home/.claude/projects/-evil"
mkdir -p "$pdir"
line() { # OUTPUT_TOKENS
	printf '{"isSidechain":false,"cwd":"/work/%s","sessionId":"evil-1","type":"assistant","requestId":"req_evil","timestamp":"2026-10-02T10:00:00.000Z","message":{"id":"msg_evil","model":"claude-sonnet-4-5-20250929","role":"assistant","content":[],"usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%d}}}\n' \
		"$evil" "$1"
}
line 7 >"$pdir/s.jsonl"
au laptop team push -q || bad "push of the streaming copy"
got=$(pg_psql "SELECT output FROM usage WHERE project = '/work/x''); DROP TABLE usage; --'" aiusage)
[ "$got" = 7 ] || bad "the streaming copy: server has output '$got', want 7"

# ---- the server stopped half way through a push ----
line 900 >>"$pdir/s.jsonl"
# hold a lock on usage: the push copies its rows into its temporary table,
# then waits at the INSERT with its transaction open
psql -X -q "postgresql://postgres@127.0.0.1:$PG_PORT/aiusage" \
	-c "BEGIN; LOCK TABLE usage IN EXCLUSIVE MODE; SELECT pg_sleep(60);" >/dev/null 2>&1 &
holder=$!
sleep 1
au laptop team push -q 2>"$tmp/down.err" &
pusher=$!
waiting=0
for _ in $(seq 1 100); do
	if [ "$(pg_psql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aiusage'
		AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO usage%'" 2>/dev/null)" = 1 ]; then
		waiting=1
		break
	fi
	sleep 0.2
done
[ "$waiting" = 1 ] || bad "the push never reached its INSERT (the half-way stop did not happen)"
pg_stop
if wait "$pusher"; then
	bad "a push whose server went away exited 0"
fi
grep -q "team server" "$tmp/down.err" || bad "no clear error when the server went away: $(cat "$tmp/down.err")"
wait "$holder" 2>/dev/null || true
holder=
au laptop team push -q 2>"$tmp/down2.err" && bad "a push to a stopped server exited 0"
grep -q "cannot connect to the team server" "$tmp/down2.err" || bad "server down: $(cat "$tmp/down2.err")"
pg_restart
au laptop team push -q || bad "push after the restart"
got=$(pg_psql "SELECT output FROM usage WHERE project = '/work/x''); DROP TABLE usage; --'" aiusage)
[ "$got" = 900 ] || bad "after the restart the final copy: server has output '$got', want 900"
report laptop daily >"$tmp/laptop-local.json"
report laptop daily --team --machine laptop >"$tmp/laptop-team.json"
cmp -s "$tmp/laptop-local.json" "$tmp/laptop-team.json" || bad "the server's laptop report differs from the laptop's own"
pg_psql "SELECT 1 FROM usage LIMIT 1" aiusage >/dev/null || bad "the usage table is gone"

# ---- the watcher pushes: after commits, at most every push_interval, backing off while the server is down ----
machine devbox carol
printf 'push_interval = 1\n' >>"$tmp/devbox/config/aiusage/config.ini"
"$AU_GEN_HOME" --out "$tmp/gen-c" --size-mb 1 --seed 33 --days 3 --start 2026-10-02 >/dev/null
cp -a "$tmp/gen-c/home" "$tmp/devbox/home"
# exec: $! is the watcher itself, for the SIGTERM below
(
	HOME="$tmp/devbox/home" XDG_DATA_HOME="$tmp/devbox/data" XDG_CONFIG_HOME="$tmp/devbox/config" \
		TZ=America/New_York exec "$AIUSAGE" watch >/dev/null 2>"$tmp/watch.log"
) &
watcher=$!
server_rows() { pg_psql "SELECT count(*) FROM usage u JOIN machines m USING (machine_id) WHERE m.machine = 'devbox'" aiusage 2>/dev/null; }
wait_rows() { # N WHAT: until the server holds N of devbox's rows (20 s at most)
	for _ in $(seq 1 100); do
		[ "$(server_rows)" = "$1" ] && return 0
		sleep 0.2
	done
	bad "$2: the server holds $(server_rows) of devbox's rows, want $1; $(tail -3 "$tmp/watch.log")"
}
for _ in $(seq 1 100); do grep -q "ready (pid" "$tmp/watch.log" && break; sleep 0.1; done
grep -q "team: pushing as carol on devbox at most every 1 s" "$tmp/watch.log" || bad "the watcher did not read [team]: $(cat "$tmp/watch.log")"
wait_rows "$(report devbox daily --no-scan | jq .totals.responses)" "the watcher's first push"
wdir="$tmp/devbox/home/.claude/projects/-w"
mkdir -p "$wdir"
wline() { # ID OUTPUT_TOKENS MINUTE
	printf '{"isSidechain":false,"cwd":"/work/w","sessionId":"w-1","type":"assistant","requestId":"req_%s","timestamp":"2026-10-03T11:%02d:00.000Z","message":{"id":"msg_%s","model":"claude-sonnet-4-5-20250929","role":"assistant","content":[],"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%d}}}\n' \
		"$1" "$3" "$1" "$2"
}
before=$(server_rows)
wline w1 11 1 >>"$wdir/s.jsonl"
wait_rows $((before + 1)) "a line the watcher committed"
pg_stop
wline w2 22 2 >>"$wdir/s.jsonl"
for _ in $(seq 1 100); do grep -q "team: push failed: cannot connect" "$tmp/watch.log" && break; sleep 0.1; done
grep -q "team: push failed: cannot connect to the team server .*; trying again in [0-9]* s" "$tmp/watch.log" ||
	bad "the watcher did not say the push failed: $(tail -3 "$tmp/watch.log")"
[ "$(report devbox daily --no-scan | jq .totals.outputTokens)" -gt 0 ] || bad "the local store lost rows"
sleep 2 # a retry or two fails meanwhile: the backoff grows
pg_restart
wait_rows $((before + 2)) "the line committed while the server was down"
grep -q "(the server is back)" "$tmp/watch.log" || bad "no note that the server is back: $(tail -3 "$tmp/watch.log")"
kill -TERM "$watcher"
wait "$watcher" || bad "the watcher's exit status"
watcher=
report devbox daily --no-scan >"$tmp/devbox-local.json"
report devbox daily --team --machine devbox >"$tmp/devbox-team.json"
cmp -s "$tmp/devbox-local.json" "$tmp/devbox-team.json" || bad "after the watcher's pushes the server's devbox differs from its store"
pushes=$(grep -c "team: pushed" "$tmp/watch.log")
[ "$pushes" -le 6 ] || bad "the watcher pushed $pushes times for three changes: $(cat "$tmp/watch.log")"

# ---- a team budget: only the sum of two machines crosses it, one notification ----
# (over a private D-Bus session bus to tests/notify_server.c, like watch_alerts.sh)
command -v dbus-run-session >/dev/null || bad "dbus-run-session is missing (Debian package dbus-daemon)"
# all of the budget's usage must fall on one UTC day
left=$((86400 - $(date -u +%s) % 86400))
[ $left -lt 60 ] && sleep $((left + 1))
budget_ini=$'[time]\ntimezone = UTC\n[budget team-day]\nperiod = day\nlimit = 1.00\nscope = team\n'
printf '%s' "$budget_ini" >>"$tmp/devbox/config/aiusage/config.ini"
printf '%s[budget mine]\nperiod = day\nlimit = 1.00\n' "$budget_ini" >>"$tmp/laptop/config/aiusage/config.ini"
tline() { # FILE ID OUTPUT_TOKENS: today, Sonnet 4.5 ($15 per million output tokens)
	printf '{"isSidechain":false,"cwd":"/work/t","sessionId":"t-1","type":"assistant","requestId":"req_%s","timestamp":"%s","message":{"id":"msg_%s","model":"claude-sonnet-4-5-20250929","role":"assistant","content":[],"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":%d}}}\n' \
		"$2" "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" "$2" "$3" >>"$1"
}
mkdir -p "$tmp/laptop/home/.claude/projects/-t" "$tmp/devbox/home/.claude/projects/-t"
tline "$tmp/laptop/home/.claude/projects/-t/s.jsonl" t1 30000 # $0.45: 45 %
au laptop team push -q || bad "alice's push of today's line"
rec=$tmp/rec
HOME="$tmp/devbox/home" XDG_DATA_HOME="$tmp/devbox/data" XDG_CONFIG_HOME="$tmp/devbox/config" TZ=America/New_York \
	dbus-run-session -- bash -c '
	"$AU_NOTIFY_SERVER" "$1" "$2" 2>/dev/null &
	srv=$!
	for _ in $(seq 100); do [ -e "$2" ] && break; sleep 0.05; done
	"$AIUSAGE" watch >/dev/null 2>"$3" &
	w=$!
	echo "$w" >"$4"
	wait "$w"
	rc=$?
	kill "$srv"
	exit "$rc"' _ "$rec" "$tmp/ready" "$tmp/watch2.log" "$tmp/watch2.pid" 2>/dev/null &
busrun=$!
for _ in $(seq 1 100); do grep -q "ready (pid" "$tmp/watch2.log" 2>/dev/null && break; sleep 0.1; done
watcher=$(cat "$tmp/watch2.pid")
recorded() { if [ -f "$rec" ]; then wc -l <"$rec"; else echo 0; fi; }
sleep 1.5 # its first push, and the team's figure: 45 %, nothing to say
[ "$(recorded)" = 0 ] || bad "a notification before the sum crossed: $(cat "$rec")"
tline "$tmp/devbox/home/.claude/projects/-t/s.jsonl" t2 30000 # $0.45 here, $0.90 for the team
for _ in $(seq 1 100); do [ "$(recorded)" = 1 ] && break; sleep 0.1; done
case $(head -n1 "$rec" 2>/dev/null) in
"aiusage: team-day budget 90% used	Spent \$0.90 of \$1.00 by the team today"*) ;;
*) bad "team budget notification: '$(cat "$rec" 2>/dev/null)'; $(tail -5 "$tmp/watch2.log")" ;;
esac
tline "$tmp/devbox/home/.claude/projects/-t/s.jsonl" t3 100 # another push, still a warning
sleep 2.5
[ "$(recorded)" = 1 ] || bad "team budget: $(recorded) notifications, want 1: $(cat "$rec")"
kill -TERM "$watcher"
wait "$busrun" || bad "the budget watcher's exit status"
watcher=
au laptop budget --json --quiet >"$tmp/budget.json" || bad "budget --json exit status"
[ "$(jq -c '[.budgets[] | {name, scope, spent, level}]' "$tmp/budget.json")" = \
	'[{"name":"team-day","scope":"team","spent":0.9015,"level":"warning"},{"name":"mine","scope":"local","spent":0.45,"level":"ok"}]' ] ||
	bad "budget --json: $(cat "$tmp/budget.json")"
AIUSAGE_TEAM_URL="postgresql://127.0.0.1:1/none" au laptop budget --quiet >"$tmp/budget.txt" 2>"$tmp/budget.err" ||
	bad "budget with the team server unreachable did not exit 0"
grep -q "team budgets are not shown: cannot connect to the team server" "$tmp/budget.err" ||
	bad "no note that the team server is unreachable: $(cat "$tmp/budget.err")"
grep -q "│ mine " "$tmp/budget.txt" || bad "the local budget is not shown without the server: $(cat "$tmp/budget.txt")"

# ---- a wrong password ----
wrong="Wr0ng-pw-$RANDOM"
PGPASSWORD=$wrong PGPASSFILE=/dev/null au laptop team status 2>"$tmp/pw.err" && bad "a wrong password was accepted"
grep -q "password authentication failed" "$tmp/pw.err" || bad "wrong password: $(cat "$tmp/pw.err")"
grep -q "$wrong" "$tmp/pw.err" && bad "the error echoes the password"
# into [team] (budgets follow it in the file)
sed -i "/^\[team\]\$/a key_command = echo $wrong" "$tmp/laptop/config/aiusage/config.ini"
PGPASSFILE=/dev/null au laptop team push -q 2>"$tmp/pw2.err" && bad "a wrong key_command password was accepted"
grep -q "password authentication failed" "$tmp/pw2.err" || bad "wrong key_command password: $(cat "$tmp/pw2.err")"
grep -q "$wrong" "$tmp/pw2.err" && bad "the error echoes key_command's password"
AIUSAGE_TEAM_URL="postgresql://team:$wrong@127.0.0.1:$PG_PORT/aiusage" au desktop team status 2>"$tmp/pw3.err" &&
	bad "a URL with a password was accepted"
grep -q "must not carry a password" "$tmp/pw3.err" || bad "URL password: $(cat "$tmp/pw3.err")"
grep -q "$wrong" "$tmp/pw3.err" && bad "the error echoes the URL's password"

[ "$fail" = 0 ] || exit 1
echo "team: pushes, reports, export/import exact against a real PostgreSQL; errors clear and password-free"
