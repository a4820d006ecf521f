#!/usr/bin/env bash
# Every command owns its options. For every command and subcommand the
# top help and its --help name, this reads the options its help lists and
# checks that each is taken, and that every option another command lists is
# refused with exit 2 naming the option and the command. Then the bugs of
# the one-parser-for-all days, each by name. Runs in a private empty HOME.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
mkdir -p "$t/home"
# timeout: a refusal that failed would leave 'watch' running
run() { env -i PATH="$PATH" HOME="$t/home" XDG_CONFIG_HOME="$t/home/.config" TZ=UTC LANG=C.UTF-8 \
	timeout 20 "$AIUSAGE" "$@"; }

printf '{"my-model":{"input_cost_per_token":0.000001,"output_cost_per_token":0.000002,"mode":"chat"}}' >"$t/p.json"

# A value each option's argument can take; an option nobody gave a value
# for here fails the test, so a new option gets one.
sample() {
	case $1 in
	since | until) echo 2025-10-01 ;;
	timezone) echo UTC ;;
	source) echo claude ;;
	project) echo webshop ;;
	order) echo desc ;;
	start-of-week) echo sunday ;;
	db) echo "$t/store/usage.db" ;;
	pricing) echo "$t/p.json" ;;
	config) echo "$t/config.ini" ;;
	provider) echo anthropic ;;
	by) echo project ;;
	to) echo claude-haiku-4-5 ;;
	budget) echo 10 ;;
	*) return 1 ;;
	esac
}

# "name ARG" per option line of a help's Options section ("name" for a flag)
options_of() {
	run "$@" --help | sed -n '/^Options/,/^$/p' |
		sed -nE 's/^ +(-([a-zA-Z]), )?--([a-z-]+)( ([^ ]+))?( {2,}.*)?$/\3 \5 \2/p'
}

# the commands, from the top help; their subcommands, from theirs
cmds=$(run --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 20 ] && ok || bad "the top help lists too few commands: $cmds"
targets=()
for c in $cmds; do
	targets+=("$c")
	for s in $(run "$c" --help | sed -n '/^Subcommands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }'); do
		targets+=("$c $s")
	done
done
for want in "cloud report" "cloud sync" "cloud check" "service install" "service uninstall" "service status" "cursor sync"; do
	printf '%s\n' "${targets[@]}" | grep -qx "$want" && ok || bad "no subcommand '$want' in the helps"
done

# every option any command lists, with whether it takes a value and its letter
declare -A takes letter_of
declare -A listed
for tg in "${targets[@]}"; do
	# shellcheck disable=SC2086
	while read -r name arg l; do
		[ -n "$name" ] || continue
		listed["$tg|$name"]=1
		takes[$name]=${arg:+1}
		[ -n "$l" ] && letter_of[$name]=$l
	done < <(options_of $tg)
	# shellcheck disable=SC2086
	[ -n "${listed["$tg|help"]:-}" ] && ok || bad "$tg --help lists no -h/--help"
	# shellcheck disable=SC2086
	run $tg --help | grep -qE '^Examples?:$' && run $tg --help | sed -n '/^Examples\?:/,$p' | grep -q '^  aiusage ' &&
		ok || bad "$tg --help has no example"
done

args_for() { # name -> the option and its value, as words
	if [ -n "${takes[$1]:-}" ]; then
		v=$(sample "$1") || { bad "no sample value for --$1"; v=x; }
		printf '%s\n' "--$1" "$v"
	else
		printf '%s\n' "--$1"
	fi
}

refused() { # stderr of a refusal names the option and the command
	grep -qF -- "aiusage $1" "$t/err" && grep -qF -- "$2" "$t/err"
}

for tg in "${targets[@]}"; do
	read -ra words <<<"$tg"
	nwords=${#words[@]}
	for name in "${!takes[@]}"; do
		mapfile -t a < <(args_for "$name")
		if [ -n "${listed["$tg|$name"]:-}" ]; then
			[ "$name" = help ] && continue
			# taken: the parser goes on to --help (for a command with
			# a default subcommand, the dispatcher shows help first,
			# so the real run below is the check)
			if [ "$nwords" = 2 ] || ! run "${words[@]}" --help 2>/dev/null | grep -q '^Subcommands:'; then
				run "${words[@]}" "${a[@]}" --help >"$t/out" 2>"$t/err"
				rc=$?
				[ $rc = 0 ] && head -1 "$t/out" | grep -qF "Usage: aiusage $tg" && ok ||
					bad "$tg ${a[*]}: not taken (exit $rc): $(cat "$t/err")"
			fi
			# and taken in a real run, where one is safe here
			case $tg in watch | service* | demo) continue ;; esac
			extra=()
			[ -n "${listed["$tg|no-scan"]:-}" ] && [ "$name" != no-scan ] && extra+=(--no-scan)
			[ -n "${listed["$tg|db"]:-}" ] && [ "$name" != db ] && extra+=(--db "$t/store/usage.db")
			mkdir -p "$t/store"
			run "${words[@]}" "${a[@]}" "${extra[@]}" >/dev/null 2>"$t/err" </dev/null
			grep -qE "is not an option of|unknown option|does not apply" "$t/err" &&
				bad "$tg ${a[*]}: refused in a real run: $(cat "$t/err")" || ok
		else
			run "${words[@]}" "${a[@]}" >/dev/null 2>"$t/err"
			rc=$?
			[ $rc = 2 ] && refused "$tg" "--$name" && ok ||
				bad "$tg ${a[*]}: not refused by name (exit $rc): $(head -1 "$t/err")"
		fi
	done
	# the short forms of options the command does not take
	for name in "${!letter_of[@]}"; do
		[ -n "${listed["$tg|$name"]:-}" ] && continue
		l=${letter_of[$name]}
		# a letter two options share (html's -o FILE, --order's -o) is
		# the taken one's when the command takes either
		shared=
		for other in "${!letter_of[@]}"; do
			[ "$other" != "$name" ] && [ "${letter_of[$other]}" = "$l" ] && [ -n "${listed["$tg|$other"]:-}" ] && shared=1
		done
		[ -n "$shared" ] && continue
		v=()
		[ -n "${takes[$name]:-}" ] && v=("$(sample "$name")")
		run "${words[@]}" "-$l" "${v[@]}" >/dev/null 2>"$t/err"
		rc=$?
		[ $rc = 2 ] && grep -qF -- "aiusage $tg" "$t/err" && grep -qE -- "-$l \(--[a-z-]+\)" "$t/err" && ok ||
			bad "$tg -$l: not refused by name (exit $rc): $(head -1 "$t/err")"
	done
done

# ---- the bugs of one parser for every command, each by name ----------------
expect_refused() { # expected-option command...
	local opt=$1
	shift
	run "$@" >/dev/null 2>"$t/err"
	rc=$?
	[ $rc = 2 ] && grep -qF -- "'$opt' is not an option of $1" "$t/err" && ok ||
		bad "'$*': exit $rc, not refused naming $opt: $(cat "$t/err")"
}
expect_refused --breakdown scan --breakdown --with-cloud --order desc
expect_refused --csv watch --csv
expect_refused --start-of-week daily --start-of-week sunday
expect_refused --full-path daily --full-path
expect_refused --breakdown models --breakdown
expect_refused --breakdown cache --breakdown
expect_refused --with-cloud session --with-cloud
run weekly --start-of-week sunday --no-scan >/dev/null 2>"$t/err" && ok || bad "weekly --start-of-week: $(cat "$t/err")"
run projects --full-path --no-scan >/dev/null 2>"$t/err" && ok || bad "projects --full-path: $(cat "$t/err")"

# help for a command that does not exist, and a typo: exit 2, a suggestion
run help nosuch >"$t/out" 2>"$t/err"
[ $? = 2 ] && ok || bad "help nosuch: not exit 2"
grep -q "unknown command 'nosuch'" "$t/err" && ok || bad "help nosuch: $(cat "$t/err")"
[ -s "$t/out" ] && bad "help nosuch printed help" || ok
run dialy >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -qF "did you mean 'daily'?" "$t/err" && ok || bad "dialy: no suggestion: $(cat "$t/err")"
run help dialy >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -qF "did you mean 'daily'?" "$t/err" && ok || bad "help dialy: no suggestion: $(cat "$t/err")"
run cloud chek >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -qF "did you mean 'check'?" "$t/err" && ok || bad "cloud chek: no suggestion: $(cat "$t/err")"
run daily --brekdown >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -qF "did you mean '--breakdown'?" "$t/err" && ok || bad "--brekdown: no suggestion: $(cat "$t/err")"
run xyzzy >/dev/null 2>"$t/err"
[ $? = 2 ] && ! grep -q "did you mean" "$t/err" && ok || bad "xyzzy: a suggestion from nowhere: $(cat "$t/err")"

# help for every subcommand, both ways; service install --help was a usage error
for sc in "service install" "service uninstall" "service status" "cloud sync" "cloud check" "cloud report" "cursor sync"; do
	read -ra w <<<"$sc"
	run "${w[@]}" --help >"$t/out" 2>"$t/err"
	[ $? = 0 ] && head -1 "$t/out" | grep -qF "Usage: aiusage $sc" && ok || bad "$sc --help: $(cat "$t/err")"
	run help "${w[@]}" >"$t/out2" 2>&1
	[ $? = 0 ] && cmp -s "$t/out" "$t/out2" && ok || bad "help $sc differs from $sc --help"
done
run help cloud nosuch >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -q "unknown subcommand 'nosuch'" "$t/err" && ok || bad "help cloud nosuch: $(cat "$t/err")"
run service >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -q "install, uninstall, status" "$t/err" && ok || bad "service alone: $(cat "$t/err")"

# the value of a refused --since, printed after it was freed
run cursor sync --since garbage >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -qF "aiusage cursor sync: --since 'garbage' is not a date" "$t/err" && ok ||
	bad "cursor sync --since garbage: $(cat -v "$t/err")"

# -V is --version; no command is daily; a leading option is daily's
v=$(run --version)
[ "$(run -V)" = "$v" ] && [ -n "$v" ] && ok || bad "-V: '$(run -V 2>&1)' vs '$v'"
[ "$(run --json --no-scan 2>/dev/null)" = "$(run daily --json --no-scan 2>/dev/null)" ] && ok ||
	bad "aiusage --json is not aiusage daily --json"
[ "$(run 2>/dev/null)" = "$(run daily 2>/dev/null)" ] && ok || bad "no command is not daily"

# one --source check, listing every tool it accepts
run daily --source nosuch >/dev/null 2>"$t/err"
[ $? = 2 ] && grep -q "unknown source 'nosuch' (known: .*windsurf.*all)" "$t/err" && ok ||
	bad "--source nosuch: $(cat "$t/err")"

echo "options: $pass passed, $fail failed"
[ $fail = 0 ]
