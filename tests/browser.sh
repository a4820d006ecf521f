#!/usr/bin/env bash
# Shared by tests/e2e/html.sh, tests/e2e/serve.sh and tests/screenshot.sh:
# Debian's chromium, headless, as root, with nothing that phones home (the
# background networking, component updates, sync and QUIC are off, and a
# fresh profile each run). $proxy, when set, is where any request for
# another host would go: the tests point it at a server that logs every
# request, so a page that tried to load something would show there.
#
#   browser OUT_DIR ARGS...    runs chromium with the flags below and ARGS
browser() {
	local dir=$1
	shift
	local profile
	profile=$(mktemp -d "$dir/profile.XXXXXX")
	local extra=()
	[ -n "${proxy:-}" ] && extra+=(--proxy-server="$proxy")
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions --no-default-browser-check \
		--user-data-dir="$profile" "${extra[@]}" "$@" 2>>"$dir/chromium.log"
	local rc=$?
	rm -rf "$profile"
	return $rc
}

# A HOME holding the bundled demo logs (fixtures/demo), as `aiusage demo` uses.
demo_home() { # SRC DIR
	mkdir -p "$2"
	cp -r "$1/fixtures/demo/." "$2/"
	rm -rf "$2/commands" "$2/expected"
}
