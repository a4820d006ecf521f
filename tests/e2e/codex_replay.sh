#!/usr/bin/env bash
# Codex sub-agent and fork rollouts replay their parent's history, re-stamped
# at their creation (issue 18). fixtures/rules/codex-subagents holds a parent,
# two sub-agents and a fork; its truth.json is the parent's own usage plus
# each child's own. The golden test scans it once, parent first; here the same
# HOME is scanned in every order a store can see it in:
#   children first   the children alone, then the parent appears: a 2nd scan
#   parent first     the parent alone, then the children appear
#   one scan         the parent under archived_sessions/, walked after them
#   parent deleted   everything scanned, then the parent deleted: a 2nd scan
#   parent missing   a store that never saw the parent: the children's own
# Needs AIUSAGE and AU_SRC (set by tests/tests.cmake); AU_BUILD for check_truth.
set -euo pipefail
: "${AIUSAGE:?AIUSAGE must name the aiusage binary}"
: "${AU_SRC:?AU_SRC must name the source directory}"
: "${AU_BUILD:?AU_BUILD must name the build directory}"
CHECK="$AU_BUILD/bench/check_truth"
[ -x "$CHECK" ] || { echo "missing $CHECK" >&2; exit 1; }

fix="$AU_SRC/fixtures/rules/codex-subagents"
t=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-replay.XXXXXX")
trap 'rm -rf "$t"' EXIT
fail=0

parent=.codex/sessions/2025/11/03/rollout-2025-11-03T09-00-00-019a4b00-0000-7000-8000-000000000010.jsonl
[ -f "$fix/home/$parent" ] || { echo "missing the parent rollout in $fix" >&2; exit 1; }

# daily CASE: daily --json over $t/CASE/home into $t/CASE.json, store $t/CASE.db
daily() {
	env -i PATH="$PATH" HOME="$t/$1/home" TZ=UTC \
		"$AIUSAGE" daily --json -z UTC --quiet --db "$t/$1.db" >"$t/$1.json"
}
check() { # TRUTH CASE
	if ! "$CHECK" --quiet "$1" "$t/$2.json"; then
		echo "FAIL: $2" >&2
		fail=1
	fi
}
fresh() { # CASE: a copy of the fixture HOME
	mkdir -p "$t/$1"
	cp -a "$fix/home" "$t/$1/home"
}

# The children's own usage alone (hand-computed as truth.json is): sub-agents
# A and B on 2025-11-03 (gpt-5-codex-mini), the fork on 2025-11-04.
cat >"$t/children.json" <<'JSON'
{"daily":[
 {"date":"2025-11-03","models":{"gpt-5-codex-mini":{"inputTokens":1400,"outputTokens":280,"cacheCreationTokens":0,"cacheReadTokens":2100,"reasoningTokens":70,"totalTokens":3780}}},
 {"date":"2025-11-04","models":{"gpt-5-codex":{"inputTokens":600,"outputTokens":200,"cacheCreationTokens":0,"cacheReadTokens":1400,"reasoningTokens":50,"totalTokens":2200}}}],
 "totals":{"inputTokens":2000,"outputTokens":480,"cacheCreationTokens":0,"cacheReadTokens":3500,"reasoningTokens":120,"totalTokens":5980}}
JSON

# children first, then the parent
fresh cf
mv "$t/cf/home/$parent" "$t/cf/parent.jsonl"
daily cf
check "$t/children.json" cf
mv "$t/cf/parent.jsonl" "$t/cf/home/$parent"
daily cf
check "$fix/truth.json" cf

# parent first, then the children
fresh pf
mkdir -p "$t/pf/held"
mv "$t/pf/home/.codex/sessions/2025" "$t/pf/held/"
mkdir -p "$t/pf/home/$(dirname "$parent")"
mv "$t/pf/held/2025/11/03/$(basename "$parent")" "$t/pf/home/$parent"
daily pf
cp -a "$t/pf/held/2025/." "$t/pf/home/.codex/sessions/2025/"
daily pf
check "$fix/truth.json" pf

# one scan, the children before the parent
fresh one
mkdir -p "$t/one/home/.codex/archived_sessions"
mv "$t/one/home/$parent" "$t/one/home/.codex/archived_sessions/"
daily one
check "$fix/truth.json" one

# the parent deleted after it was counted
fresh del
daily del
check "$fix/truth.json" del
rm "$t/del/home/$parent"
daily del
check "$fix/truth.json" del

# the parent never seen
fresh miss
rm "$t/miss/home/$parent"
daily miss
check "$t/children.json" miss

[ $fail = 0 ] && echo "codex_replay: every order agrees with the truth"
exit $fail
