#!/usr/bin/env bash
# aiusage demo: `--json` is ONE document holding the three reports (it
# once printed three documents one after another, which no JSON parser
# reads as one), and the temporary HOME it copies the sample logs into
# (TMPDIR/aiusage-demo-*) is gone however the demo ends: normally, on an
# error, killed by SIGPIPE under `| head -1`, or by SIGINT, SIGTERM or
# SIGHUP (it once stayed behind in every one of those but the first two).
#
# To stop the demo mid-way for certain, its stdout is a pipe shrunk to
# 4096 bytes (F_SETPIPE_SZ, through perl): the tables are over twice that,
# so the demo blocks in write() until the reader goes away or a signal
# comes.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_JSON_CHECK:?}" "${AU_SRC:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
mkdir -p "$t/tmp" "$t/home"
# signals a non-interactive shell ignores for background jobs (SIGINT)
# are put back to their default, as they are for a command typed at a terminal
au=(env -i --default-signal=INT,TERM,HUP,PIPE PATH="$PATH" HOME="$t/home" TMPDIR="$t/tmp" TZ=UTC LANG=C.UTF-8 "$AIUSAGE")
run() { "${au[@]}" "$@"; }
small_pipe=(perl -e 'fcntl(STDOUT, 1031, 4096) or die "F_SETPIPE_SZ: $!\n"; exec @ARGV or die "exec: $!\n"' --)
left() { ls -A "$t/tmp"; }
clean() { # what it was
	local l
	l=$(left)
	[ -z "$l" ] && ok || bad "$1 left $l in TMPDIR"
	rm -rf "${t:?}/tmp/"*
}

# 1. --json: one document, with each report under its own key
run demo --json >"$t/out" 2>"$t/err"
rc=$?
[ $rc = 0 ] && ok || bad "demo --json exited $rc: $(cat "$t/err")"
if "$AU_JSON_CHECK" <"$t/out" 2>"$t/jerr"; then ok; else bad "demo --json is not one JSON document: $(cat "$t/jerr")"; fi
[ "$("$AU_JSON_CHECK" daily daily 0 date <"$t/out" 2>/dev/null)" = 2026-11-16 ] && ok ||
	bad "demo --json: no daily report under \"daily\": $(head -c 300 "$t/out")"
[ "$("$AU_JSON_CHECK" projects projects 0 project <"$t/out" 2>/dev/null)" = ml-pipeline ] && ok ||
	bad "demo --json: no projects report under \"projects\""
"$AU_JSON_CHECK" models models 0 model <"$t/out" >/dev/null 2>&1 && ok || bad "demo --json: no models report under \"models\""
# the sample Codex sessions carry plan windows: limits shows both
[ "$("$AU_JSON_CHECK" limits limits 0 source <"$t/out" 2>/dev/null) $("$AU_JSON_CHECK" limits limits 0 window <"$t/out" 2>/dev/null)" = "codex primary" ] &&
	ok || bad "demo --json: no Codex primary window under \"limits\": $(tail -c 400 "$t/out")"
[ "$("$AU_JSON_CHECK" limits limits 1 window <"$t/out" 2>/dev/null)" = secondary ] && ok ||
	bad "demo --json: no Codex secondary window under \"limits\""
# the same figures as the report run on its own over the same logs
want=$(env -i PATH="$PATH" HOME="$AU_SRC/fixtures/demo" XDG_CACHE_HOME="$t/cache" TZ=UTC "$AIUSAGE" projects --json -z UTC --db "$t/d.db" 2>/dev/null |
	"$AU_JSON_CHECK" totals)
got=$("$AU_JSON_CHECK" projects totals <"$t/out" 2>/dev/null)
[ -n "$want" ] && [ "$got" = "$want" ] && ok || bad "demo --json projects totals '$got', the report's own '$want'"
clean "demo --json"

# 2. a normal run and an error (an unknown zone: the daily report refuses it)
run demo >/dev/null 2>&1 && ok || bad "demo failed"
clean "demo"
run demo -z Nowhere/Atlantis >/dev/null 2>"$t/err"
rc=$?
[ $rc != 0 ] && ok || bad "demo -z Nowhere/Atlantis exited 0"
clean "demo with an unknown zone"

# 3. | head -1: the demo dies of SIGPIPE (status 141) after head has gone
for i in 1 2 3; do
	first=$("${small_pipe[@]}" "${au[@]}" demo | head -1; echo "rc=${PIPESTATUS[0]}")
	case $first in
	"Sample logs from"*rc=141) ok ;;
	*) bad "demo | head -1 (round $i): $first" ;;
	esac
	clean "demo | head -1 (round $i)"
done
first=$("${small_pipe[@]}" "${au[@]}" demo --json | head -1; echo "rc=${PIPESTATUS[0]}")
[ "${first##*rc=}" = 0 ] || [ "${first##*rc=}" = 141 ] && ok || bad "demo --json | head -1: $first"
clean "demo --json | head -1"

# 4. SIGINT, SIGTERM, SIGHUP while it is blocked writing to a full pipe
mkfifo "$t/fifo"
for sig in INT TERM HUP; do
	exec 3<>"$t/fifo" # held open, never read
	"${small_pipe[@]}" "${au[@]}" demo >"$t/fifo" 2>"$t/err" 3<&- &
	pid=$!
	# wait until it has made its store, then a little for it to block
	for _ in $(seq 300); do
		compgen -G "$t/tmp/aiusage-demo-*/usage.db" >/dev/null && break
		sleep 0.1
	done
	compgen -G "$t/tmp/aiusage-demo-*/usage.db" >/dev/null && ok || bad "SIG$sig: the demo never made its store"
	sleep 0.3
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null
	rc=$?
	exec 3<&-
	want=$((128 + $(kill -l "$sig")))
	[ $rc = "$want" ] && ok || bad "SIG$sig: exit status $rc, not $want: $(cat "$t/err")"
	clean "SIG$sig"
done

echo "demo: $pass passed, $fail failed"
[ $fail = 0 ]
