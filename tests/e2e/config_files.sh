#!/usr/bin/env bash
# config.ini as a new user meets it: a --config path that does not exist is
# an error naming it (config, budget, status), while the default path
# missing is fine; a bad file has every error reported, each with its
# line; a section given twice is a warning; a file others can read is a
# warning.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"

H=$t/home
mkdir -p "$H"
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }

# 1. a path the user typed must exist
for cmd in config budget status; do
	run $cmd --config "$t/nonexistent.ini" >"$t/out" 2>"$t/err"
	rc=$?
	[ $rc = 1 ] && ok || bad "$cmd --config missing: exit $rc"
	grep -qF "$t/nonexistent.ini: No such file or directory" "$t/err" && ok || bad "$cmd --config missing: $(cat "$t/err")"
	grep -q "no budgets" "$t/out" && bad "$cmd --config missing says there are no budgets" || ok
done
# the default path missing is the normal case
run config >"$t/out" 2>"$t/err"
[ $? = 0 ] && ok || bad "config without a config file: $(cat "$t/err")"
grep -q "does not exist, so there are no budgets" "$t/out" && ok || bad "config without a file: $(cat "$t/out")"
[ -s "$t/err" ] && bad "config without a file writes to stderr: $(cat "$t/err")" || ok

# 2. every error, each with file:line, in file order
printf '[alerts]\nbogus = 1\nwarn_percent = 0\n[budget a]\nperiod = yearly\nlimit = -1\n[budget b]\nlimit = 3\n[time]\nweek_start = x\n' >"$t/bad.ini"
chmod 600 "$t/bad.ini"
run config --config "$t/bad.ini" >/dev/null 2>"$t/err"
rc=$?
[ $rc = 1 ] && ok || bad "bad config: exit $rc"
lines=$(grep -o "bad.ini:[0-9]*:" "$t/err" | tr '\n' ' ')
[ "$lines" = "bad.ini:2: bad.ini:3: bad.ini:5: bad.ini:6: bad.ini:7: bad.ini:10: " ] && ok ||
	bad "bad config: not every error, in order: $(cat "$t/err")"
run budget --config "$t/bad.ini" >/dev/null 2>"$t/err"
[ "$(grep -c "bad.ini:" "$t/err")" = 6 ] && ok || bad "budget with a bad config: $(cat "$t/err")"

# 3. a section given twice: a warning; still valid
printf '[budget a]\nperiod = day\nlimit = 1\n\n[budget a]\nlimit = 2\n' >"$t/dup.ini"
chmod 600 "$t/dup.ini"
run config --config "$t/dup.ini" >"$t/out" 2>"$t/err"
[ $? = 0 ] && ok || bad "duplicate budget: exit code"
grep -qF "warning: $t/dup.ini:5: [budget a] again (first at line 1)" "$t/err" && ok || bad "duplicate budget not warned: $(cat "$t/err")"
grep -q "valid, 1 budget(s)" "$t/out" && ok || bad "duplicate budget: $(cat "$t/out")"

# 4. a config file others can read: a warning
printf '[budget a]\nperiod = day\nlimit = 1\n' >"$t/open.ini"
chmod 644 "$t/open.ini"
run config --config "$t/open.ini" >/dev/null 2>"$t/err"
[ $? = 0 ] && ok || bad "readable config: exit code"
grep -qF "warning: $t/open.ini: other users can read it (mode 0644)" "$t/err" && ok || bad "readable config not warned: $(cat "$t/err")"
chmod 600 "$t/open.ini"
run config --config "$t/open.ini" >/dev/null 2>"$t/err"
[ -s "$t/err" ] && bad "a private config is warned about: $(cat "$t/err")" || ok

echo "config_files: $pass passed, $fail failed"
[ $fail = 0 ]
