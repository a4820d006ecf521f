#!/usr/bin/env bash
# The walk lists directories on several threads at once. Over a wide and
# deep Claude tree (projects, sessions, subagents, and a sessions folder
# reached through deeper levels) every log must be found exactly once, the
# stored figures must equal the sum written, and what -v says about paths it
# skips must come in the same (name) order on every run. A second report
# finds nothing new.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
cl() { # file id out
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s-%s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' \
		"$2" "$2" "$2" "$3" >"$1"
}
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }

want_out=0 files=0 n=0
for p in $(seq 1 40); do
	P=$H/.claude/projects/-w-p$p
	for s in 1 2 3; do
		n=$((n + 1))
		mkdir -p "$P/sess$s/subagents/deeper/still"
		cl "$P/sess$s.jsonl" "m$n" "$n"
		want_out=$((want_out + n))
		n=$((n + 1))
		cl "$P/sess$s/subagents/agent-$n.jsonl" "m$n" "$n"
		want_out=$((want_out + n))
		n=$((n + 1))
		cl "$P/sess$s/subagents/deeper/still/agent-$n.jsonl" "m$n" "$n"
		want_out=$((want_out + n))
		files=$((files + 3))
	done
	# a log-named path that is not a file: a note under -v
	mkfifo "$P/zz-fifo-$p.jsonl"
done

run scan -v --db "$t/a.db" >/dev/null 2>"$t/a.err" && ok || bad "scan -v failed: $(tail -3 "$t/a.err")"
got=$(sqlite3 "file:$t/a.db?mode=ro" "SELECT sum(output) || ' ' || count(*) FROM usage")
expect_eq "$got" "$want_out $files" "stored output and rows over the tree"
got=$(sqlite3 "file:$t/a.db?mode=ro" "SELECT count(*) FROM files")
expect_eq "$got" "$files" "files with a cursor"

# the notes: one per FIFO, in name order, the same on a second cold scan
grep 'skipped: not a regular file' "$t/a.err" >"$t/a.notes"
expect_eq "$(wc -l <"$t/a.notes")" 40 "notes for the 40 FIFOs"
sort -c "$t/a.notes" 2>/dev/null && ok || bad "notes are not in name order: $(head -3 "$t/a.notes")"
run scan -v --db "$t/b.db" >/dev/null 2>"$t/b.err"
grep 'skipped: not a regular file' "$t/b.err" >"$t/b.notes"
cmp -s "$t/a.notes" "$t/b.notes" && ok || bad "a second cold scan lists the notes differently"

# warm: nothing new, and the figures stay
run daily --json --db "$t/a.db" --since 2025-10-01 >"$t/d1.json" 2>"$t/d1.err" && ok || bad "daily failed: $(cat "$t/d1.err")"
got=$(sqlite3 "file:$t/a.db?mode=ro" "SELECT sum(output) || ' ' || count(*) FROM usage")
expect_eq "$got" "$want_out $files" "figures after a warm run"
has "$t/d1.json" "\"outputTokens\":$want_out,"

echo "walk_tree: $pass passed, $fail failed"
[ "$fail" = 0 ]
