#!/usr/bin/env bash
# The binary links only what every run needs (GLib, SQLite, Jansson,
# PCRE2): libcurl, libpq, libsoup, libnotify, GIO and GObject are loaded
# with dlopen when their feature is used (src/base/dynlib.c), because each
# linked library costs every start, `aiusage statusline` after every
# Claude Code response included. A new direct link to one of them would
# silently bring that cost back; this says so.
set -uo pipefail
: "${AIUSAGE:?}"
fail=0
needed=$(readelf -d "$AIUSAGE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "FAIL: readelf found no NEEDED entries in $AIUSAGE"; exit 1; }
for lib in libcurl libpq libsoup libnotify libgio libgobject; do
	if grep -q "^$lib" <<<"$needed"; then
		echo "FAIL: $AIUSAGE links $lib directly; load it on first use (see src/base/dynlib.h)"
		fail=1
	fi
done
# and the libraries it does need are all there
for lib in libglib-2.0 libsqlite3 libjansson libpcre2-8; do
	grep -q "^$lib" <<<"$needed" || { echo "FAIL: $lib is not among NEEDED: $needed"; fail=1; }
done
"$AIUSAGE" --version >/dev/null || { echo "FAIL: aiusage --version"; fail=1; }
[ $fail = 0 ] && echo "startup_libs: ok ($(wc -w <<<"$needed") libraries linked)"
exit $fail
