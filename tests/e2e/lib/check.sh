# Sourced by the e2e scripts: counting checks and reporting the failed ones.
# ok / bad WHAT count one check each; expect_eq GOT WANT WHAT compares and
# shows the difference; has FILE TEXT checks that FILE holds TEXT. A script
# ends with its summary line and `[ "$fail" = 0 ]`.
# shellcheck shell=bash disable=SC2034 # fail and pass are read by the script
fail=0 pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
expect_eq() { # got want what
	if [ "$1" = "$2" ]; then ok; else
		bad "$3"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/    /'
	fi
}
has() { grep -qF -- "$2" "$1" && ok || { bad "$1 lacks: $2"; sed 's/^/    /' "$1"; }; }
