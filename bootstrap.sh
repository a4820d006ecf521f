#!/usr/bin/env bash
# One entry point for a fresh Debian machine (run as root, or with the
# packages already installed):
#
#   ./bootstrap.sh run [aiusage args]   install what building and running need, build, run `aiusage daily`
#   ./bootstrap.sh test [ctest args]    install that and what only the tests need, build, run every test
#
# The two package lists below are the whole set of dependencies: `run`
# installs only RUN_PACKAGES; `test` adds TEST_PACKAGES. CI runs
# `./bootstrap.sh test` on a clean clone, so anything missing here fails there.
set -euo pipefail
cd "$(dirname "$0")"

RUN_PACKAGES=(
	build-essential cmake pkg-config      # toolchain
	libsqlite3-dev libpcre2-dev libjansson-dev libglib2.0-dev   # core libraries
	libcurl4-openssl-dev                  # cloud billing: HTTPS to the providers' APIs
	libnotify-dev                         # desktop notifications (pulls in GIO)
	libpq-dev                             # the team server's client library (src/team)
	tzdata                                # time zones by name (--timezone Europe/Paris)
	libsoup-3.0-dev                       # the dashboard's HTTP server (aiusage serve)
)
TEST_PACKAGES=(
	sqlite3                               # the e2e tests hold a lock with the CLI
	dbus-daemon                           # dbus-run-session for the notification tests
	clang libclang-rt-14-dev              # libFuzzer and sanitizer runtimes for the tests
	groff-base man-db                     # the man page is checked with groff -ww and man -l
	zsh fish                              # the zsh and fish completions are loaded and run
	postgresql                            # a real server for tests/e2e/team.sh (run as an unprivileged user)
	chromium                              # e2e/html: opens the HTML report and the live page
	poppler-utils                         # e2e/html: pdfinfo and pdftotext read the printed page
	prometheus curl                       # e2e/serve: promtool check metrics, HTTP requests
	nodejs                                # e2e/catalog_convert: runs pricing/convert_catalog.mjs
	python3                               # e2e/limits reads the status JSON with it
)

mode=${1:-run}
[ $# -gt 0 ] && shift
PACKAGES=("${RUN_PACKAGES[@]}")
[ "$mode" = test ] && PACKAGES+=("${TEST_PACKAGES[@]}")

need=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: missing packages: ${need[*]}" >&2
		echo "bootstrap: install them with: sudo apt-get install -y ${need[*]}" >&2
		exit 1
	fi
	echo "bootstrap: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null

case $mode in
run)
	exec ./build/aiusage daily "$@"
	;;
test)
	# The asan and fuzz tests are nested builds; give them the cores.
	ctest --test-dir build --output-on-failure -j"$jobs" --timeout 1500 "$@"
	;;
*)
	echo "usage: $0 run [aiusage daily options] | test [ctest options]" >&2
	exit 2
	;;
esac
