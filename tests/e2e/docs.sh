#!/usr/bin/env bash
# The man page and the shell completions the build writes (gen_docs, into
# build/docs) from the same entries as --help; there were none before.
#   - aiusage.1 is valid roff (groff -ww and man --warnings say nothing)
#     with every section, and its section of every command and subcommand
#     lists every option that command's --help lists;
#   - the bash completion parses, and completing `aiusage daily --br`
#     offers --breakdown while `aiusage scan --b` does not (scan has no
#     such option), with values for --source, --order, --by and
#     --start-of-week;
#   - the zsh and fish ones parse, and complete the same (fish through
#     `complete -C`, zsh in a pseudo-terminal).
set -uo pipefail
: "${AIUSAGE:?}" "${AU_BUILD:?}"
docs=$AU_BUILD/docs
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
for f in aiusage.1 aiusage.bash _aiusage aiusage.fish; do
	[ -s "$docs/$f" ] && ok || bad "the build wrote no $docs/$f"
done

# ---- the man page -----------------------------------------------------------
need() { command -v "$1" >/dev/null || { echo "FAIL: $1 is missing: ./bootstrap.sh test installs it"; exit 1; }; }
need groff
need man
groff -man -Tutf8 -ww "$docs/aiusage.1" >/dev/null 2>"$t/err"
[ ! -s "$t/err" ] && ok || bad "groff -ww warns: $(head -5 "$t/err")"
MANWIDTH=100 MANPAGER=cat LC_ALL=C.UTF-8 man --warnings -l "$docs/aiusage.1" >"$t/man" 2>"$t/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$t/err" ] && ok || bad "man --warnings -l: exit $rc: $(head -5 "$t/err")"
for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS FILES ENVIRONMENT "EXIT STATUS"; do
	grep -qx "$s" "$t/man" && ok || bad "the man page has no $s section"
done
grep -q "CLAUDE_CONFIG_DIR" "$t/man" && grep -q "CODEX_HOME" "$t/man" && ok || bad "ENVIRONMENT lacks the tools' variables"

# the rendered section of one command: from its heading to the next
section() { # words...
	awk -v head="   aiusage $*" '
		index($0, head " ") == 1 || $0 == head { on = 1; print; next }
		on && (/^   aiusage / || /^[^ ]/) { exit }
		on { print }' "$t/man"
}
# the long options a --help lists
help_opts() { "$AIUSAGE" help "$@" | sed -n '/^Options/,/^$/p' | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'; }

mapfile -t cmds < <("$AIUSAGE" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/:$/ {print $1}')
[ ${#cmds[@]} -ge 20 ] && ok || bad "--help lists ${#cmds[@]} commands"
checked=0
for c in "${cmds[@]}"; do
	mapfile -t subs < <("$AIUSAGE" help "$c" | sed -n '/^Subcommands:/,/^$/p' | awk '/^  [a-z]/ {print $1}')
	for words in "$c" "${subs[@]/#/$c }"; do
		# shellcheck disable=SC2086
		sec=$(section $words)
		if [ -z "$sec" ]; then
			bad "the man page has no section for 'aiusage $words'"
			continue
		fi
		# shellcheck disable=SC2086
		for o in $(help_opts $words); do
			checked=$((checked + 1))
			grep -qE -- "(^| )$o( |,|$)" <<<"$sec" && ok || bad "man: 'aiusage $words' lacks $o"
		done
	done
done
[ $checked -ge 150 ] && ok || bad "only $checked options checked"

# ---- bash -------------------------------------------------------------------
bash -n "$docs/aiusage.bash" && ok || bad "bash -n aiusage.bash"
complete_bash() { # words... (the last one is being completed)
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _aiusage; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$docs/aiusage.bash" "$@"
}
offers() { # shell word expected words...
	local sh=$1 want=$2
	shift 2
	local got
	got=$("complete_$sh" "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[ "${got% }" = "$want" ] && ok || bad "$sh: completing '$*' offers '$got', not '$want'"
}
offers bash --breakdown aiusage daily --br
offers bash "" aiusage scan --b
offers bash "asc desc" aiusage daily --order ""
offers bash "desc" aiusage monthly -o d
offers bash "desc" aiusage daily --order = d
# every tool the registry knows (the --source error lists them), sorted as bash offers them
tools=$("$AIUSAGE" daily --source nosuch 2>&1 | sed -n 's/.*known: \(.*\))$/\1/p' | tr -d ',' | tr ' ' '\n' | sort | tr '\n' ' ')
offers bash "${tools% }" aiusage daily --source ""
offers bash "day model project" aiusage cache --by ""
offers bash "thursday tuesday" aiusage weekly --start-of-week t
offers bash "check report sync" aiusage cloud ""
offers bash "--provider" aiusage cloud sync --pro
offers bash "cloud" aiusage help cl
offers bash "daily demo" aiusage d
offers bash "--breakdown" aiusage --json --br
offers bash "--breakdown" aiusage daily --since 2026-11-01 --br

# ---- fish -------------------------------------------------------------------
need fish
fish --no-execute "$docs/aiusage.fish" && ok || bad "fish -n aiusage.fish"
complete_fish() {
	fish --no-config -c 'source $argv[1]; complete -C "$argv[2]"' "$docs/aiusage.fish" "$*" | cut -f1
}
offers fish --breakdown aiusage daily --br
offers fish "" aiusage scan --b
offers fish "asc desc" aiusage daily --order ""
offers fish "day model project" aiusage cache --by ""
offers fish "check report sync" aiusage cloud ""
offers fish "--provider" aiusage cloud sync --pro

# ---- zsh --------------------------------------------------------------------
need zsh
zsh -n "$docs/_aiusage" && ok || bad "zsh -n _aiusage"
# a real completion needs zle: an interactive zsh in a pseudo-terminal,
# typed at, its screen read until the completed word shows (or 20 s)
cat >"$t/z.zsh" <<'EOF'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -d $2/zcd; PS1='> '"
shift 2
while (( $# )); do
	zpty -w -n z "$1"$'\t'
	out= n=0
	while (( n++ < 200 )); do
		zpty -r -t z chunk && out+=$chunk
		[[ $out == *"$2"* ]] && break
		sleep 0.1
	done
	[[ $out == *"$2"* ]] && print "ok $1" || print "FAIL: zsh: completing '$1' shows no '$2'"
	zpty -w -n z $'\C-u'
	sleep 0.2
	while zpty -r -t z chunk; do :; done
	shift 2
done
zpty -d z
EOF
while read -r line; do
	case $line in ok*) ok ;; *) bad "$line" ;; esac
done < <(timeout 120 zsh -f "$t/z.zsh" "$docs" "$t" \
	'aiusage daily --br' 'aiusage daily --breakdown' \
	'aiusage cloud sync --pro' '--provider' \
	'aiusage daily --source cl' 'claude' \
	'aiusage weekly --start-of-week tu' 'tuesday' \
	'aiusage cache --by pro' 'project')

echo "docs: $pass passed, $fail failed"
[ $fail = 0 ]
