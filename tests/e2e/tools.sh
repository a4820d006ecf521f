#!/usr/bin/env bash
# Everything the user sees about the tools agrees with the registry
# (watchers/tools.c), read back through `aiusage sources --json`: the
# --source error lists every tool (it once left windsurf out), the top
# --help names every tool and its variable (it once knew only Claude Code
# and Codex), `config --example` and the budget source error name every
# tool (they once said "claude, codex"). Runs in a private temporary HOME.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
run() { env -i PATH="$PATH" HOME="$t/home" TZ=UTC LANG=C.UTF-8 "$AIUSAGE" "$@"; }
mkdir -p "$t/home"

json=$(run sources --json --no-scan --db "$t/s.db" 2>/dev/null)
mapfile -t names < <(grep -o '"source":"[a-z]*"' <<<"$json" | cut -d'"' -f4)
mapfile -t titles < <(grep -o '"tool":"[^"]*"' <<<"$json" | cut -d'"' -f4)
mapfile -t vars < <(grep -o '"env":"[A-Z_]*"' <<<"$json" | cut -d'"' -f4)
[ "${#names[@]}" -ge 8 ] && ok || bad "sources --json lists ${#names[@]} tools: $json"
[ "${#vars[@]}" -ge 7 ] && ok || bad "sources --json names ${#vars[@]} variables"
known=$(printf '%s, ' "${names[@]}")all

# 1. --source: every tool is accepted, anything else is refused naming them all
for n in "${names[@]}"; do
	run daily --source "$n" --db "$t/d.db" >/dev/null 2>"$t/err" && ok || bad "--source $n refused: $(cat "$t/err")"
done
run daily --source nosuch --db "$t/d.db" >/dev/null 2>"$t/err"
[ $? = 2 ] && ok || bad "--source nosuch: exit code"
grep -qF "unknown source 'nosuch' (known: $known)" "$t/err" && ok || bad "--source nosuch: $(cat "$t/err") (want known: $known)"
grep -q windsurf "$t/err" && ok || bad "--source nosuch: windsurf missing"

# 2. the top help: each tool (name and title) and each tool's variable
run --help >"$t/help"
for i in "${!names[@]}"; do
	grep -qE "^  ${names[$i]} +${titles[$i]} " "$t/help" && ok || bad "--help lists no '${names[$i]}  ${titles[$i]}'"
done
for v in "${vars[@]}" GEMINI_CLI_HOME COPILOT_OTEL_FILE_EXPORTER_PATH; do
	grep -qE "^  $v( |$)" "$t/help" && ok || bad "--help's Environment misses $v"
done
grep -q "Claude Code (~/.claude/projects" "$t/help" && bad "--help still says it reads Claude Code and Codex only" || ok

# 3. config --example names every source, and what it says is accepted
run config --example >"$t/example.ini"
ex=$(tr '\n' ' ' <"$t/example.ini" | sed 's/ # / /g')
for n in "${names[@]}"; do
	grep -qE "(^|[ ,:])$n([ ,]|$)" <<<"$ex" && ok || bad "config --example does not name $n"
done
run config --config "$t/example.ini" >/dev/null 2>"$t/err" && ok || bad "config --example is not valid: $(cat "$t/err")"

# 4. a budget's source: every tool, and an error that names them all
for n in "${names[@]}"; do
	printf '[budget b]\nperiod = day\nlimit = 1\nsource = %s\n' "$n" >"$t/c.ini"
	run config --config "$t/c.ini" >/dev/null 2>"$t/err" && ok || bad "budget source $n refused: $(cat "$t/err")"
done
printf '[budget b]\nperiod = day\nlimit = 1\nsource = nosuch\n' >"$t/c.ini"
run config --config "$t/c.ini" >/dev/null 2>"$t/err"
grep -qF "(known: $known)" "$t/err" && ok || bad "budget source nosuch: $(cat "$t/err")"

echo "tools: $pass passed, $fail failed"
[ $fail = 0 ]
