#!/usr/bin/env bash
# Plan limits, the statusline and source health (issue 16), with the clock
# pinned (AIUSAGE_NOW) and the outputs compared with fixtures/*/expected/:
#   limits      Codex rate_limits present, null, missing, out of order and
#               across a reset (fixtures/limits): `limits --json` and the table
#   statusline  real-shaped, missing-field, garbage and empty stdin: one line,
#               exit 0; the windows it was given are recorded for `limits`;
#               --format, and colour only with --color and never with NO_COLOR
#   health      a tool whose new lines all fail to parse warns; a tool writing
#               lines without usage on purpose (Codex's events) does not;
#               `status` shows the same figures and warning
#   unknown     a field a Claude usage object has that we do not know is
#               noted once, by name, and never again; the same for a new
#               kind of Codex event and a new member of its token counters
# Needs AIUSAGE and AU_SRC (set by tests/tests.cmake).
set -euo pipefail
: "${AIUSAGE:?AIUSAGE must name the aiusage binary}"
: "${AU_SRC:?AU_SRC must name the source directory}"
t=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-limits.XXXXXX")
trap 'rm -rf "$t"' EXIT
fail=0
NOW=2026-12-01T16:30:00Z

au() { # HOME DB ARGS...
	local home=$1 db=$2
	shift 2
	env -i PATH="$PATH" HOME="$home" TZ=UTC AIUSAGE_NOW="$NOW" "$AIUSAGE" "$@" --db "$db"
}
same() { # NAME EXPECTED ACTUAL (AU_BLESS=1 writes ACTUAL as the expected file)
	[ -z "${AU_BLESS:-}" ] || cp "$3" "$2"
	if ! diff -u "$2" "$3"; then
		echo "FAIL: $1" >&2
		fail=1
	fi
}

# ---- limits over Codex logs ----
cp -a "$AU_SRC/fixtures/limits/home" "$t/lh"
au "$t/lh" "$t/l.db" limits --json >"$t/limits.json"
same "limits --json" "$AU_SRC/fixtures/limits/expected/limits.json" "$t/limits.json"
au "$t/lh" "$t/l.db" limits --no-scan >"$t/limits.txt"
same "limits table" "$AU_SRC/fixtures/limits/expected/limits.txt" "$t/limits.txt"
# a second scan of the same logs adds no observation
n1=$(sqlite3 "$t/l.db" 'SELECT count(*) FROM rate_limit')
touch "$t/lh/.codex/sessions/2026/12/01/"*.jsonl
au "$t/lh" "$t/l.db" scan -q
n2=$(sqlite3 "$t/l.db" 'SELECT count(*) FROM rate_limit')
[ "$n1" = 11 ] && [ "$n2" = 11 ] || { echo "FAIL: rate_limit rows $n1 then $n2, expected 11" >&2; fail=1; }

# ---- statusline ----
cp -a "$AU_SRC/fixtures/statusline/home" "$t/sh"
tr="$t/sh/.claude/projects/-home-u-proj/5f0c0a3e-1111-4000-8000-000000000001.jsonl"
: >"$t/statusline.txt"
for c in real missing garbage empty; do
	rc=0
	sed "s#TRANSCRIPT#$tr#" "$AU_SRC/fixtures/statusline/$c.json" |
		au "$t/sh" "$t/s.db" statusline >>"$t/statusline.txt" 2>"$t/err" || rc=$?
	[ "$rc" = 0 ] && [ ! -s "$t/err" ] || { echo "FAIL: statusline $c: exit $rc, stderr: $(cat "$t/err")" >&2; fail=1; }
done
sed "s#TRANSCRIPT#$tr#" "$AU_SRC/fixtures/statusline/real.json" |
	au "$t/sh" "$t/s.db" statusline --format '{model} {{x}} 5h={five_hour} resets in {five_hour_reset} {bogus}' >>"$t/statusline.txt"
sed "s#TRANSCRIPT#$tr#" "$AU_SRC/fixtures/statusline/real.json" |
	au "$t/sh" "$t/s.db" statusline --color --format '{five_hour}|{seven_day}' | od -An -c | tr -s ' ' >>"$t/statusline.txt"
sed "s#TRANSCRIPT#$tr#" "$AU_SRC/fixtures/statusline/real.json" |
	env -i PATH="$PATH" HOME="$t/sh" TZ=UTC AIUSAGE_NOW="$NOW" NO_COLOR=1 "$AIUSAGE" statusline --db "$t/s.db" \
		--color --format '{five_hour}|{seven_day}' >>"$t/statusline.txt"
same "statusline" "$AU_SRC/fixtures/statusline/expected/statusline.txt" "$t/statusline.txt"
au "$t/sh" "$t/s.db" limits --json --no-scan >"$t/claude-limits.json"
same "statusline limits" "$AU_SRC/fixtures/statusline/expected/limits.json" "$t/claude-limits.json"

# ---- source health ----
health() { # CASE: the warning stderr and sources --json give
	cp -a "$AU_SRC/fixtures/health/$1" "$t/$1"
	au "$t/$1" "$t/$1.db" sources --json >"$t/$1.json" 2>"$t/$1.err"
	python3 -c 'import json,sys
for s in json.load(open(sys.argv[1]))["sources"]:
    if s["health"]["warning"]: print(s["health"]["warning"])' "$t/$1.json"
}
want='claude: 3 files written since 2026-12-01, no usage found in them: the log format may have changed; please report it with `aiusage sources --json`'
got=$(health broken)
[ "$got" = "$want" ] || { echo "FAIL: health broken: got '$got'" >&2; fail=1; }
grep -qF "aiusage: warning: $want" "$t/broken.err" || { echo "FAIL: health warning not on stderr" >&2; fail=1; }
got=$(health quiet)
[ -z "$got" ] || { echo "FAIL: false alarm for Codex's non-usage events: '$got'" >&2; fail=1; }
grep -q 'no usage found' "$t/quiet.err" && { echo "FAIL: false alarm on stderr" >&2; fail=1; }
# status says the same (no scan: it reads what sources stored)
au "$t/broken" "$t/broken.db" status >"$t/st.txt" 2>"$t/st.err"
grep -qF "  $want" "$t/st.txt" || { echo "FAIL: status text lacks the health warning: $(cat "$t/st.txt")" >&2; fail=1; }
grep -qE '^            claude +2026-12-01 16:30; never; 1000\.0 / 1000\.0$' "$t/st.txt" ||
	{ echo "FAIL: status health figures: $(cat "$t/st.txt")" >&2; fail=1; }
grep -qF "aiusage: warning: $want" "$t/st.err" || { echo "FAIL: status: no warning on stderr" >&2; fail=1; }
au "$t/broken" "$t/broken.db" status --json 2>/dev/null >"$t/st.json"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["health"]["claude"]["warning"])' "$t/st.json")
[ "$got" = "$want" ] || { echo "FAIL: status --json health: '$got'" >&2; fail=1; }
au "$t/quiet" "$t/quiet.db" status >"$t/st.txt" 2>"$t/st.err"
grep -q 'no usage found' "$t/st.txt" "$t/st.err" && { echo "FAIL: status: false alarm" >&2; fail=1; }

# ---- a usage object with a field we do not know: noted once, by name ----
U=$t/uh/.claude/projects/-home-u-app
mkdir -p "$U"
uline() { # ID
	printf '{"type":"assistant","sessionId":"s","timestamp":"2026-12-01T10:0%s:00.000Z","message":{"id":"m%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":2,"service_tier":"standard","thinking_budget_tokens":7}}}\n' "$1" "$1" >>"$U/s.jsonl"
}
uline 1
au "$t/uh" "$t/u.db" scan >/dev/null 2>"$t/u.err"
grep -qxF "aiusage: note: claude: usage.thinking_budget_tokens is a field we do not know yet (shown once; the usage in it may be counted short: please report it)" "$t/u.err" ||
	{ echo "FAIL: unknown field not noted: $(cat "$t/u.err")" >&2; fail=1; }
uline 2
au "$t/uh" "$t/u.db" scan >/dev/null 2>"$t/u.err"
grep -q "thinking_budget_tokens" "$t/u.err" && { echo "FAIL: unknown field noted twice" >&2; fail=1; }
[ "$(sqlite3 "$t/u.db" "SELECT source || ' ' || name FROM unknown_field")" = "claude thinking_budget_tokens" ] ||
	{ echo "FAIL: unknown_field rows: $(sqlite3 "$t/u.db" 'SELECT * FROM unknown_field')" >&2; fail=1; }

# ---- Codex: a new kind of event and a new counter member, each noted once ----
X=$t/xh/.codex/sessions/2026/12/01
mkdir -p "$X"
xf=$X/rollout-2026-12-01T10-00-00-0199bbbb-0000-7000-8000-000000000001.jsonl
{
	echo '{"timestamp":"2026-12-01T10:00:00.000Z","type":"session_meta","payload":{"id":"0199bbbb-0000-7000-8000-000000000001","cwd":"/w"}}'
	echo '{"timestamp":"2026-12-01T10:00:01.000Z","type":"turn_context","payload":{"cwd":"/w","model":"gpt-5-codex"}}'
	echo '{"timestamp":"2026-12-01T10:00:02.000Z","type":"event_msg","payload":{"type":"agent_message","message":"hi"}}'
	echo '{"timestamp":"2026-12-01T10:00:03.000Z","type":"event_msg","payload":{"type":"usage_digest","tokens":12}}'
	echo '{"timestamp":"2026-12-01T10:00:04.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":0,"total_tokens":110,"audio_tokens":3},"last_token_usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":0,"total_tokens":110}},"rate_limits":null}}'
} >"$xf"
au "$t/xh" "$t/x.db" scan >/dev/null 2>"$t/x.err"
grep -qxF "aiusage: note: codex: record type 'event_msg/usage_digest' is one we do not know yet (shown once; it may hold usage we do not count: please report it)" "$t/x.err" &&
	grep -qxF "aiusage: note: codex: payload.info.total_token_usage.audio_tokens is a field we do not know yet (shown once; the usage in it may be counted short: please report it)" "$t/x.err" ||
	{ echo "FAIL: codex unknowns not noted: $(cat "$t/x.err")" >&2; fail=1; }
grep -q "agent_message" "$t/x.err" && { echo "FAIL: a known event was noted" >&2; fail=1; }
# more lines of the same kinds: not noted again
sed 's/"tokens":12/"tokens":13/; s/T10:00:0/T10:01:0/' "$xf" >"$t/more.jsonl"
cat "$t/more.jsonl" >>"$xf"
au "$t/xh" "$t/x.db" scan >/dev/null 2>"$t/x.err"
[ -s "$t/x.err" ] && { echo "FAIL: codex unknowns noted twice: $(cat "$t/x.err")" >&2; fail=1; }
[ "$(sqlite3 "$t/x.db" "SELECT source || ' ' || name FROM unknown_field ORDER BY name")" = "codex payload.info.total_token_usage.audio_tokens
codex type:event_msg/usage_digest" ] || { echo "FAIL: codex unknown_field rows: $(sqlite3 "$t/x.db" 'SELECT * FROM unknown_field')" >&2; fail=1; }
[ "$(sqlite3 "$t/x.db" "SELECT sum(input) || ' ' || sum(output) FROM usage")" = "100 10" ] ||
	{ echo "FAIL: codex usage beside the unknowns: $(sqlite3 "$t/x.db" 'SELECT sum(input), sum(output) FROM usage')" >&2; fail=1; }

exit $fail
