#!/usr/bin/env bash
# cmake --install puts everything where it is looked for: the binary, the
# man page (found by `man` through PATH, as for --prefix ~/.local), the
# bash, zsh and fish completions where each shell looks under the prefix,
# and the demo's sample logs where `aiusage demo` looks (it once had none:
# the installed demo worked only beside a source tree). The installed demo
# runs from a directory outside the source tree with a HOME of its own and
# must say it read the installed copy; the golden tests' expected outputs
# are not installed. No systemd unit is installed: `aiusage service install`
# writes its own (see CMakeLists.txt).
set -uo pipefail
: "${AU_BUILD:?}" "${AU_SRC:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
p=$t/prefix

if cmake --install "$AU_BUILD" --prefix "$p" >"$t/log" 2>&1; then ok; else bad "cmake --install: $(tail -5 "$t/log")"; fi
for f in bin/aiusage share/man/man1/aiusage.1 share/bash-completion/completions/aiusage \
	share/zsh/site-functions/_aiusage share/fish/vendor_completions.d/aiusage.fish; do
	[ -s "$p/$f" ] && ok || bad "not installed: $f"
done
[ -x "$p/bin/aiusage" ] && ok || bad "bin/aiusage is not executable"
for d in .claude .codex .copilot .gemini; do
	[ -d "$p/share/aiusage/demo/$d" ] && ok || bad "the demo's $d logs are not installed"
done
[ ! -e "$p/share/aiusage/demo/expected" ] && [ ! -e "$p/share/aiusage/demo/commands" ] && ok ||
	bad "the golden tests' files were installed with the demo"
[ ! -e "$p/lib/systemd" ] && [ ! -e "$p/share/systemd" ] && ok || bad "a systemd unit was installed"

# the installed demo, away from the source tree
mkdir -p "$t/elsewhere" "$t/home" "$t/tmp"
run() { (cd "$t/elsewhere" && env -i PATH="$p/bin:/usr/bin:/bin" HOME="$t/home" TMPDIR="$t/tmp" TZ=UTC LANG=C.UTF-8 "$@"); }
run aiusage demo >"$t/out" 2>"$t/err"
rc=$?
[ $rc = 0 ] && ok || bad "installed demo exited $rc: $(cat "$t/err")"
grep -qF "Sample logs from $p/share/aiusage/demo," "$t/out" && ok ||
	bad "the installed demo did not read share/aiusage/demo: $(head -1 "$t/out")"
grep -q '^\$ aiusage models' "$t/out" && grep -q 'Total' "$t/out" && ok || bad "the installed demo printed no reports"
[ -z "$(ls -A "$t/tmp")" ] && ok || bad "the demo left $(ls -A "$t/tmp")"
[ ! -e "$t/home/.local" ] && ok || bad "the demo wrote into HOME"

# man finds the page through PATH (bin/ -> share/man), with no MANPATH
if command -v man >/dev/null; then
	page=$(run man -w aiusage 2>&1)
	[ "$page" = "$p/share/man/man1/aiusage.1" ] && ok || bad "man -w aiusage with $p/bin in PATH: $page"
fi
# each installed completion loads and completes
run bash -c 'source "$1"; COMP_WORDS=(aiusage daily --br); COMP_CWORD=2; _aiusage; echo "${COMPREPLY[*]}"' _ \
	"$p/share/bash-completion/completions/aiusage" >"$t/c" 2>&1
[ "$(cat "$t/c")" = --breakdown ] && ok || bad "installed bash completion: $(cat "$t/c")"
if command -v fish >/dev/null; then
	got=$(run fish --no-config -c "set -p fish_complete_path $p/share/fish/vendor_completions.d; complete -C 'aiusage daily --br'" | cut -f1)
	[ "$got" = --breakdown ] && ok || bad "installed fish completion: $got"
fi

echo "install: $pass passed, $fail failed"
[ $fail = 0 ]
