#!/usr/bin/env bash
# The store as a file: created 0600 in a 0700 folder (its -wal and -shm
# too); a folder others can read is a warning. A store that cannot be
# written: one line that says so and suggests --db, exit 1, and reports
# still show what is stored. A store on a full disk: the scan stops with
# exit 1 and stdout does not claim records it did not keep.
set -uo pipefail
: "${AIUSAGE:?}"
t=$(mktemp -d)
chmod 755 "$t"
wpid= mnt=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	wait 2>/dev/null
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
mode() { stat -c %a "$1"; }

H=$t/home
P=$H/.claude/projects/-w-p
mkdir -p "$P"
cl() { # id out
	printf '{"type":"assistant","cwd":"/w/p","sessionId":"s","requestId":"r-%s","timestamp":"2025-10-01T10:00:00.000Z","message":{"id":"%s","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":%s}}}\n' "$1" "$1" "$2"
}
run() { env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" "$@"; }
cl m1 10 >"$P/a.jsonl"

# 1. the default store: folder 0700, store 0600, no warning
run scan >/dev/null 2>"$t/err"
D=$H/.local/share/aiusage
[ "$(mode "$D")" = 700 ] && ok || bad "store folder mode $(mode "$D")"
[ "$(mode "$D/usage.db")" = 600 ] && ok || bad "store mode $(mode "$D/usage.db")"
[ -s "$t/err" ] && bad "a private store is warned about: $(cat "$t/err")" || ok
# -wal and -shm exist while a watcher has the store open
env -i PATH="$PATH" HOME="$H" TZ=UTC "$AIUSAGE" watch 2>"$t/watch.log" &
wpid=$!
for _ in $(seq 200); do grep -q "ready (pid $wpid" "$t/watch.log" 2>/dev/null && break; sleep 0.05; done
cl m2 20 >>"$P/a.jsonl"
for _ in $(seq 100); do [ -e "$D/usage.db-wal" ] && [ -e "$D/usage.db-shm" ] && break; sleep 0.05; done
[ -e "$D/usage.db-wal" ] && [ "$(mode "$D/usage.db-wal")" = 600 ] && ok || bad "-wal mode: $(ls -l "$D")"
[ -e "$D/usage.db-shm" ] && [ "$(mode "$D/usage.db-shm")" = 600 ] && ok || bad "-shm mode: $(ls -l "$D")"
kill -TERM "$wpid"; wait "$wpid"; wpid=

# 2. a folder that already exists, readable by others: a warning
mkdir -m 755 "$t/open"
run scan --db "$t/open/u.db" >/dev/null 2>"$t/err"
[ $? = 0 ] && ok || bad "scan into a 0755 folder failed: $(cat "$t/err")"
grep -qF "warning: the store's folder $t/open can be read by other users (mode 0755)" "$t/err" && ok ||
	bad "no warning about a 0755 store folder: $(cat "$t/err")"
[ "$(mode "$t/open/u.db")" = 600 ] && ok || bad "store in a 0755 folder has mode $(mode "$t/open/u.db")"

# 3. a store that cannot be written (run as nobody: root writes anything)
if command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
	mkdir -m 755 "$t/ro"
	run scan --db "$t/ro/u.db" >/dev/null 2>&1
	chmod 644 "$t/ro/u.db"
	chmod -R a+rX "$H"
	cl m3 30 >>"$P/a.jsonl"
	asnobody() { runuser -u nobody -- env -i PATH="$PATH" HOME="$H" TZ=UTC AIUSAGE_NOW=2026-07-24T12:00:00Z "$AIUSAGE" "$@"; }
	asnobody daily --db "$t/ro/u.db" >"$t/out" 2>"$t/err"
	rc=$?
	[ $rc = 1 ] && ok || bad "daily on a read-only store: exit $rc"
	grep -q "Total" "$t/out" && ok || bad "daily on a read-only store shows nothing: $(cat "$t/out")"
	[ "$(wc -l <"$t/err")" = 1 ] && ok || bad "daily on a read-only store: not one line: $(cat "$t/err")"
	grep -q "cannot write the store.*--db PATH" "$t/err" && ok || bad "daily on a read-only store: $(cat "$t/err")"
	asnobody scan --db "$t/ro/u.db" >"$t/out" 2>"$t/err"
	rc=$?
	[ $rc = 1 ] && ok || bad "scan on a read-only store: exit $rc"
	[ "$(wc -l <"$t/err")" = 1 ] && ok || bad "scan on a read-only store: not one line: $(cat "$t/err")"
	grep -q "reporting what is already stored" "$t/err" && bad "scan says it reports: $(cat "$t/err")" || ok
	grep -q "cannot write the store.*--db PATH" "$t/err" && ok || bad "scan on a read-only store: $(cat "$t/err")"
	# --no-scan asks for no writing: fine
	asnobody daily --no-scan --db "$t/ro/u.db" >/dev/null 2>"$t/err"
	[ $? = 0 ] && ok || bad "daily --no-scan on a read-only store: $(cat "$t/err")"
else
	echo "skip: no runuser/nobody for the read-only store check"
fi

# 4. a full disk: a 512 KiB tmpfs when mount works here, else a file size
# limit (ulimit -f; writes past it fail with EFBIG, SIGXFSZ ignored)
for i in $(seq 12000); do cl "big$i" 7; done >"$P/big.jsonl"
mkdir "$t/full"
how="ulimit -f"
mount -t tmpfs -o size=512k,mode=700 tmpfs "$t/full" 2>/dev/null && mnt=$t/full how=tmpfs
echo "full disk simulated with: $how"
onfull() { # args: scan's; stdout to $t/out, stderr to $t/err
	if [ "$how" = tmpfs ]; then
		run "$@" --db "$t/full/u.db" >"$t/out" 2>"$t/err"
	else
		(trap '' XFSZ; ulimit -f 512; run "$@" --db "$t/full/u.db" >"$t/out" 2>"$t/err")
	fi
}
onfull scan
rc=$?
[ $rc = 1 ] && ok || bad "scan on a full disk ($how): exit $rc: $(cat "$t/err")"
grep -q "scan stopped" "$t/err" && ok || bad "scan on a full disk ($how): $(cat "$t/err")"
grep -q "Usage records\|new responses" "$t/out" && bad "scan on a full disk ($how) reports records it did not keep: $(cat "$t/out")" || ok
onfull scan --json
rc=$?
[ $rc = 1 ] && ok || bad "scan --json on a full disk ($how): exit $rc"
grep -q "newResponses" "$t/out" && bad "scan --json on a full disk ($how) reports records it did not keep" || ok

echo "store_files: $pass passed, $fail failed"
[ $fail = 0 ]
