#!/usr/bin/env bash
# Regenerates docs/dashboard.png, the README's screenshot: `aiusage html`
# over the demo logs, drawn by the same headless chromium the tests use.
#   tests/screenshot.sh [build/aiusage]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
aiusage=${1:-$src/build/aiusage}
. "$src/tests/browser.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
demo_home "$src" "$t/home"
env -i PATH="$PATH" HOME="$t/home" TZ=UTC AIUSAGE_NOW=2026-11-20T18:00:00Z "$aiusage" html -o "$t/report.html" --db "$t/db" >/dev/null
browser "$t" --window-size=1100,2400 --hide-scrollbars --screenshot="$t/shot.png" "file://$t/report.html" >/dev/null
size=$(stat -c %s "$t/shot.png")
[ "$size" -lt 300000 ] || { echo "screenshot: $size bytes, over 300 KB" >&2; exit 1; }
cp "$t/shot.png" "$src/docs/dashboard.png"
echo "docs/dashboard.png: $size bytes"
