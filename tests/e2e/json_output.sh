#!/usr/bin/env bash
# Every --json output is JSON, whatever bytes the paths and names hold: a
# HOME with non-ASCII letters, control characters, a quote, a backslash
# and a byte that is not UTF-8, and a project directory like it. `scan
# --json` once printed paths through g_strescape (octal escapes such as
# \303\251: not JSON). Strings must come back exact when they were valid
# UTF-8, with U+FFFD for the bytes that were not.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_JSON_CHECK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

line() { # cwd
	printf '{"type":"assistant","cwd":"%s","sessionId":"s","requestId":"r-1","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"m1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":7}}}\n' "$1"
}

# valid UTF-8 with a tab, a quote, a backslash and \x01; then the same
# with a lone \xff byte (not UTF-8: it must come out as U+FFFD)
weird=$(printf 'Jos\xc3\xa9 M\xc3\xbcller \xe4\xb8\xad\tq"b\\c\x01')
for variant in valid invalid; do
	name=$weird
	[ $variant = invalid ] && name=$(printf '%s\xff!' "$weird")
	home=$t/$variant/$name
	proj=$home/.claude/projects/p
	mkdir -p "$proj"
	line "/w/caf\\u00e9" >"$proj/s.jsonl"
	want=$home
	[ $variant = invalid ] && want=$t/$variant/$(printf '%s\xef\xbf\xbd!' "$weird")
	run() { env -i PATH="$PATH" HOME="$home" TZ=UTC LANG=C.UTF-8 "$AIUSAGE" "$@" --db "$t/$variant.db"; }

	run scan --json >"$t/out" 2>"$t/err"
	if "$AU_JSON_CHECK" <"$t/out" 2>"$t/jerr"; then ok; else bad "$variant: scan --json is not JSON: $(cat "$t/jerr"): $(cat "$t/out")"; fi
	# one of the roots scan lists is the Claude one, byte for byte
	found=0
	for i in $(seq 0 30); do
		dir=$("$AU_JSON_CHECK" roots "$i" dir <"$t/out" 2>/dev/null) || break
		[ "$dir" = "$want/.claude/projects" ] && found=1
	done
	[ $found = 1 ] && ok || bad "$variant: no root reads '$want/.claude/projects': $(cat "$t/out")"
	[ "$("$AU_JSON_CHECK" newResponses <"$t/out" 2>/dev/null)" = 1 ] && ok || bad "$variant: scan did not read the log"

	for cmd in "daily --json" "session --json" "projects --json" "status --json" "sources --json" \
		"budget --json" "blocks --json" "insights --json" "cache --json" "models --json"; do
		# shellcheck disable=SC2086
		run $cmd >"$t/out" 2>"$t/err"
		if "$AU_JSON_CHECK" <"$t/out" 2>"$t/jerr"; then ok; else bad "$variant: $cmd is not JSON: $(cat "$t/jerr")"; fi
	done
	run session --json >"$t/out" 2>/dev/null
	[ "$("$AU_JSON_CHECK" sessions 0 projectPath <"$t/out" 2>/dev/null)" = "/w/café" ] && ok ||
		bad "$variant: the session's projectPath did not come back exact"
	run status --json >"$t/out" 2>/dev/null
	[ "$("$AU_JSON_CHECK" db path <"$t/out" 2>/dev/null)" = "$t/$variant.db" ] && ok || bad "$variant: status db.path"
done

echo "json_output: $pass passed, $fail failed"
[ $fail = 0 ]
