#!/usr/bin/env bash
# The README's command table names every command the binary has (its top
# --help lists them from the command table), so a new command cannot land
# without its row.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}"
fail=0 pass=0
table=$(sed -n '/^## Commands/,/^### /p' "$AU_SRC/README.md")
for cmd in $("$AIUSAGE" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	if grep -q "^| \`$cmd\`\|^| \`[a-z]*\` / \`$cmd\`" <<<"$table"; then
		pass=$((pass + 1))
	else
		echo "FAIL: README's command table has no row for '$cmd'"
		fail=$((fail + 1))
	fi
done
echo "readme_commands: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 20 ]
