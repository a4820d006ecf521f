#!/usr/bin/env bash
# The layer order, checked over the #include "..." lines of the product code
# (the build enforces the same order through each layer's include path; this
# test says which file broke it and why). A file may include headers of its
# own folder and of the layers below it; watchers/ and reports/ are siblings
# and may not include each other.
#
#   tests/layers/check.sh SRC        exit 0 when every include points down
#   tests/layers/check.sh --self-test SRC
#                                    also proves the check fails on an upward
#                                    include planted in a copy of SRC
set -euo pipefail

# folder -> rank; equal ranks in different folders are siblings
layers=(
	"src/base:0" "parsers:1" "pricing:2" "src/store:3"
	"watchers:4" "reports:4" "src/config:5" "src/cloud:6" "src/team:6"
	"src/serve:7" "src/daemon:8" "src/cli:9" "src/cmd:9"
)

rank_of() {
	local l
	for l in "${layers[@]}"; do
		[ "${l%%:*}" = "$1" ] && { echo "${l##*:}"; return; }
	done
	echo ""
}

check() {
	local src=$1 bad=0 l dir rank f inc hdr hdir hrank
	# where each header lives
	declare -A home=()
	for l in "${layers[@]}"; do
		dir=${l%%:*}
		for f in "$src/$dir"/*.h; do
			[ -e "$f" ] || continue
			home[$(basename "$f")]=$dir
		done
	done
	for l in "${layers[@]}"; do
		dir=${l%%:*}
		rank=${l##*:}
		for f in "$src/$dir"/*.[ch]; do
			[ -e "$f" ] || continue
			while IFS= read -r inc; do
				hdr=$(basename "$inc")
				hdir=${home[$hdr]:-}
				[ -n "$hdir" ] || continue # a generated or test header
				[ "$hdir" = "$dir" ] && continue
				hrank=$(rank_of "$hdir")
				if [ "$hrank" -gt "$rank" ]; then
					echo "layers: ${f#"$src"/} includes $hdr from $hdir, a higher layer" >&2
					bad=1
				elif [ "$hrank" -eq "$rank" ] && ! { [ "$dir" = src/cmd ] || [ "$dir" = src/cli ]; }; then
					echo "layers: ${f#"$src"/} includes $hdr from $hdir, a sibling layer" >&2
					bad=1
				fi
			done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
		done
	done
	return $bad
}

if [ "${1:-}" = --self-test ]; then
	src=$2
	check "$src"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for l in "${layers[@]}"; do
		mkdir -p "$tmp/${l%%:*}"
		cp "$src/${l%%:*}"/*.[ch] "$tmp/${l%%:*}/" 2>/dev/null || true
	done
	# a parser that reaches up into the store, and a report into watchers/
	printf '#include "store.h"\n' >>"$tmp/parsers/claude.c"
	if check "$tmp" 2>/dev/null; then
		echo "layers: an upward include (parsers -> src/store) was not caught" >&2
		exit 1
	fi
	cp "$src/parsers/claude.c" "$tmp/parsers/claude.c"
	printf '#include "scan.h"\n' >>"$tmp/reports/report.c"
	if check "$tmp" 2>/dev/null; then
		echo "layers: a sibling include (reports -> watchers) was not caught" >&2
		exit 1
	fi
	echo "layers: every include points down, and the check catches one that does not"
	exit 0
fi
check "${1:-.}"
