#!/usr/bin/env bash
# Bad input is a clear message and loses nothing: oversized lines, a locked
# store, unknown models, a broken --pricing file, and usage errors with
# their exit codes. Runs the real binary in a private temporary HOME.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
# outputTokens of the "totals" object of a --json report
total_out() { sed -n 's/.*"totals":{[^}]*"outputTokens":\([0-9]*\).*/\1/p'; }
run() { env -i PATH="$PATH" HOME="$t/home" TZ=UTC LANG=C.UTF-8 "$AIUSAGE" "$@"; }

proj=$t/home/.claude/projects/-w-p
mkdir -p "$proj"
line() { # id out model
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"%s","usage":{"input_tokens":1,"output_tokens":%s}}}\n' "$1" "$1" "$3" "$2"
}

# 1. a line over the 64 MiB cap is skipped with file and line; the next line counts
{
	line m1 10 claude-sonnet-4-5-20250929
	head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' x
	echo
	line m2 20 claude-sonnet-4-5-20250929
} >"$proj/big.jsonl"
out=$(run daily --json -z UTC 2>"$t/err")
[ $? = 0 ] && ok || bad "oversized: exit code"
grep -q 'big.jsonl:2: skipped: line longer than 64 MiB' "$t/err" && ok || bad "oversized: no warning naming file:line ($(cat "$t/err"))"
[ "$(echo "$out" | total_out)" = 30 ] && ok || bad "oversized: the lines around it were not both counted: $out"
rm "$proj/big.jsonl"

# 2. an unknown model is unpriced, named in a warning, never a silent $0
line m3 5 totally-new-model-7 >"$proj/new.jsonl"
out=$(run daily --json -z UTC 2>"$t/err")
grep -q "no price known for model 'totally-new-model-7'" "$t/err" && ok || bad "unknown model: no warning"
echo "$out" | grep -q '"unpricedModels":\["totally-new-model-7"\]' && ok || bad "unknown model: not listed as unpriced"
out=$(run daily -z UTC 2>/dev/null)
echo "$out" | grep -q 'no known price: totally-new-model-7' && ok || bad "unknown model: table has no footnote: $out"

# 3. --pricing prices it; a broken --pricing file is an error naming the file
printf '{"totally-new-model-7":{"input_cost_per_token":0.000001,"output_cost_per_token":0.000002,"mode":"chat"}}' >"$t/p.json"
out=$(run daily --json -z UTC --pricing "$t/p.json" 2>"$t/err")
echo "$out" | grep -q '"unpricedModels":\[\]' && ok || bad "--pricing did not price the model: $out"
echo '{"x": ' >"$t/broken.json"
run daily --pricing "$t/broken.json" >/dev/null 2>"$t/err"
[ $? = 1 ] && ok || bad "broken --pricing: exit code"
grep -q "broken.json" "$t/err" && ok || bad "broken --pricing: message does not name the file: $(cat "$t/err")"

# 4. a store locked by another writer: clear message, still a report, exit 1
db=$t/home/.local/share/aiusage/usage.db
line m4 7 claude-sonnet-4-5-20250929 >>"$proj/new.jsonl"
(echo "BEGIN IMMEDIATE; INSERT INTO meta VALUES('lock','1');"; sleep 12; echo "ROLLBACK;") | sqlite3 "$db" &
sleep 1
out=$(run daily --json -z UTC 2>"$t/err")
rc=$?
[ $rc = 1 ] && ok || bad "locked store: exit code $rc"
grep -q 'locked' "$t/err" && ok || bad "locked store: no clear message: $(cat "$t/err")"
# big.jsonl was deleted, but its two responses stay in the store: 10 + 20 + 5
[ "$(echo "$out" | total_out)" = 35 ] && ok || bad "locked store: no report of what is stored: $out"
wait
out=$(run daily --json -z UTC 2>"$t/err")
[ "$(echo "$out" | total_out)" = 42 ] && ok || bad "after the lock: the new line was not picked up: $out"

# 5. usage errors exit 2 with a pointer to --help
for args in "--timezone Mars/Base" "--since 2025-13-01" "--bogus" "nosuchcommand" "--order sideways" "daily extra"; do
	# shellcheck disable=SC2086
	run $args >/dev/null 2>"$t/err"
	rc=$?
	[ $rc = 2 ] && ok || bad "'$args': exit $rc, expected 2"
	[ -s "$t/err" ] && ok || bad "'$args': no message"
done

# 6. colour: never on a pipe or with NO_COLOR, on with --color
run daily -z UTC 2>/dev/null | grep -q $'\033' && bad "colour on a pipe" || ok
run daily -z UTC --color 2>/dev/null | grep -q $'\033' && ok || bad "--color gave no colour"
env -i PATH="$PATH" HOME="$t/home" NO_COLOR=1 script -qc "$AIUSAGE daily -z UTC" /dev/null 2>/dev/null | grep -q $'\033\\[3' && bad "NO_COLOR ignored on a terminal" || ok

# 7. permissions only bite a user who is not root: run those cases as nobody
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	nob=$t/nobody
	mkdir -p "$nob/home/.claude/projects/-w-p"
	line m5 3 claude-sonnet-4-5-20250929 >"$nob/home/.claude/projects/-w-p/ok.jsonl"
	line m6 4 claude-sonnet-4-5-20250929 >"$nob/home/.claude/projects/-w-p/secret.jsonl"
	chmod 000 "$nob/home/.claude/projects/-w-p/secret.jsonl"
	chmod -R a+rwX "$nob/home"
	chmod 000 "$nob/home/.claude/projects/-w-p/secret.jsonl"
	chmod 755 "$t" "$nob"
	# the build tree may sit where nobody cannot reach (/root/...): use a copy
	cp "$AIUSAGE" "$nob/aiusage"
	chmod 755 "$nob/aiusage"
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH="$PATH" HOME="$nob/home" TZ=UTC "$nob/aiusage" "$@"; }
	out=$(asnobody daily --json -z UTC 2>"$t/err")
	grep -q 'secret.jsonl: cannot open: Permission denied' "$t/err" && ok || bad "unreadable file: no warning naming it: $(cat "$t/err")"
	[ "$(echo "$out" | total_out)" = 3 ] && ok || bad "unreadable file: the readable one was not counted: $out"
	# a store the user cannot write: a warning, then what is stored
	mkdir -p "$nob/ro"
	asnobody daily --json -z UTC --db "$nob/home/ro.db" >/dev/null 2>&1
	cp "$nob/home/ro.db" "$nob/ro/usage.db"
	chown root "$nob/ro" "$nob/ro/usage.db"
	chmod 755 "$nob/ro"
	chmod 644 "$nob/ro/usage.db"
	out=$(asnobody daily --json -z UTC --db "$nob/ro/usage.db" 2>"$t/err")
	rc=$?
	grep -qiE 'read-only|readonly|not writable|unable to open' "$t/err" && ok || bad "read-only store: no clear message: $(cat "$t/err")"
	[ "$(echo "$out" | total_out)" = 3 ] && ok || bad "read-only store: what is stored was not reported (rc $rc): $out"
fi

echo "bad_input: $pass passed, $fail failed"
[ $fail = 0 ]
