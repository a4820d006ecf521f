#!/usr/bin/env bash
# A crafted log cannot drive the terminal. Its model name, cwd and session
# id hold ESC ] 0;... BEL (sets the window title), ESC [2J (clears the
# screen) and ESC [31m (colour), its directory and file names hold more,
# and one line holds a raw ESC (invalid JSON: a warning that names the
# path). No ESC byte may reach the tables of daily, session, projects and
# models, nor a warning or a watcher log line; --json still gives back the
# exact strings, and CSV quotes a cell a spreadsheet would run as a formula.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_JSON_CHECK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
expect_eq() { # got want what
	if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', want '$2'"; fi
}
ESC=$(printf '\033')
BEL=$(printf '\007')
H=$t/home
dir="$H/.claude/projects/p${ESC}]0;dir-title${BEL}"
mkdir -p "$dir"
cwd_json='/w/evil\u001b[2Jdir\u001b]0;cwd-title\u0007'
sid_json='sess\u001b[31mred'
model_json='claude-\u001b]0;pwned\u0007x\u001b[2J'
{
	printf '{"type":"assistant","cwd":"%s","sessionId":"%s","requestId":"r-1","timestamp":"2026-11-16T10:00:00.000Z","message":{"id":"m1","model":"%s","usage":{"input_tokens":1,"output_tokens":7}}}\n' \
		"$cwd_json" "$sid_json" "$model_json"
	# a formula for a spreadsheet, as a model name
	printf '{"type":"assistant","cwd":"/w/@ok","sessionId":"s2","requestId":"r-2","timestamp":"2026-11-16T11:00:00.000Z","message":{"id":"m2","model":"=1+2","usage":{"input_tokens":1,"output_tokens":7}}}\n'
	# a raw ESC inside a JSON string: the line is skipped with a warning
	printf '{"type":"assistant","cwd":"/w/ok","sessionId":"s3","requestId":"r-3","timestamp":"2026-11-16T12:00:00.000Z","message":{"id":"m3","model":"x\033[31m","usage":{"input_tokens":1,"output_tokens":7}}}\n'
} >"$dir/s${ESC}[2J.jsonl"
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC LANG=C.UTF-8 "$AIUSAGE" "$@" --db "$t/db"; }
no_esc() { # file what
	if grep -q "$ESC" "$1"; then bad "$2: an ESC byte reached the terminal: $(grep "$ESC" "$1" | od -c | head -5)"; else ok; fi
}

# the first run scans, so its stderr has the scan warning too
run daily -z UTC >"$t/out" 2>"$t/err"
no_esc "$t/out" "daily table"
no_esc "$t/err" "daily warnings"
grep -qF 'p\x1b]0;dir-title\x07/s\x1b[2J.jsonl:3: skipped' "$t/err" && ok ||
	bad "the scan warning does not name the path, escaped: $(cat -v "$t/err")"
grep -qF "no price known for model 'claude-\\x1b]0;pwned\\x07x\\x1b[2J'" "$t/err" && ok ||
	bad "the unpriced warning does not name the model, escaped: $(cat -v "$t/err")"
for cmd in session projects models; do
	run $cmd -z UTC >"$t/out" 2>"$t/err"
	no_esc "$t/out" "$cmd table"
	no_esc "$t/err" "$cmd warnings"
	grep -q 'x1b' "$t/out" && ok || bad "$cmd: the crafted row is not shown"
done
# each crafted field in the table that shows it, escaped
run session -z UTC >"$t/out" 2>/dev/null
grep -qF 'evil\x1b[2Jdir\x1b]0;cwd-title\x07  sess\x1b[31' "$t/out" && ok ||
	bad "session: project and id not shown escaped: $(cat -v "$t/out")"
run models -z UTC >"$t/out" 2>/dev/null
grep -qF '│ claude-\x1b]0;pwned\x07x\x1b[2j ' "$t/out" && ok || bad "models: model not shown escaped: $(cat -v "$t/out")"

# JSON is not a terminal: the strings come back exact
run session --json -z UTC >"$t/out" 2>/dev/null
want_cwd=$(printf '/w/evil\033[2Jdir\033]0;cwd-title\007')
want_sid=$(printf 'sess\033[31mred')
want_model=$(printf 'claude-\033]0;pwned\007x\033[2J')
found=0
for i in 0 1; do
	[ "$("$AU_JSON_CHECK" sessions $i sessionId <"$t/out")" = "$want_sid" ] &&
		[ "$("$AU_JSON_CHECK" sessions $i projectPath <"$t/out")" = "$want_cwd" ] && found=1
done
[ $found = 1 ] && ok || bad "session --json: sessionId and projectPath not exact"
run daily --json -z UTC >"$t/out" 2>/dev/null
expect_eq "$("$AU_JSON_CHECK" unpricedModels 1 <"$t/out")" "$want_model" "daily --json: the model name"

# CSV keeps text exact, but a cell starting with = + - @ is quoted with a
# leading apostrophe so a spreadsheet shows it instead of running it
run models --csv -z UTC >"$t/out" 2>/dev/null
grep -qF "\"'=1+2\"," "$t/out" && ok || bad "models --csv: the formula cell: $(cat "$t/out")"
run projects --csv -z UTC >"$t/out" 2>/dev/null
grep -qF "\"'@ok\"," "$t/out" && ok || bad "projects --csv: the formula cell: $(cat "$t/out")"
# the crafted model's CSV cell is its id (lowercased), ESC bytes and all
run models --csv -z UTC >"$t/out" 2>/dev/null
want_id=$(printf 'claude-\033]0;pwned\007x\033[2j')
grep -qF "$want_id," "$t/out" && ok || bad "models --csv: the model is not exact"

# the watcher's log lines (its first scan reports the skipped line)
rm -f "$t/db"*
env -i PATH="$PATH" HOME="$H" TZ=UTC LANG=C.UTF-8 "$AIUSAGE" watch -v --db "$t/db" 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && break; sleep 0.05; done
kill -TERM $wpid
wait $wpid
grep -q 'skipped' "$t/watch.log" && ok || bad "watch -v: no warning logged: $(cat -v "$t/watch.log")"
no_esc "$t/watch.log" "watch log"

echo "terminal_safety: $pass passed, $fail failed"
[ $fail = 0 ]
