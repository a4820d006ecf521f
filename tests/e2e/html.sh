#!/usr/bin/env bash
# aiusage html and the served page in a real browser (Debian's chromium,
# headless) over the demo logs: the figures are --json's (the total, and
# one bar group per day in range with that day's exact cost), the page
# names no URL and asks for nothing (every request chromium makes for
# another host goes through a proxy that is our own request-logging
# server, whose log must stay empty of them), and the screenshot is not
# blank. A page that does load things is caught the same way (the control).
# At 375 px nothing sticks out past the screen's edge; printed on A4 and
# on Letter it keeps every section on pages of that size.
# A real browser run costs seconds: there are six.
set -uo pipefail
: "${AIUSAGE:?}" "${AU_SRC:?}" "${AU_BUILD:?}"
. "$AU_SRC/tests/browser.sh"
t=$(mktemp -d)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/lib/check.sh"
command -v chromium >/dev/null || { echo "FAIL: chromium is not installed (bootstrap.sh's test packages)"; exit 1; }
command -v pdfinfo >/dev/null || { echo "FAIL: pdfinfo is not installed (bootstrap.sh's test packages: poppler-utils)"; exit 1; }

demo_home "$AU_SRC" "$t/home"
mkdir -p "$t/cwd"
export AIUSAGE_NOW=2026-11-20T18:00:00Z
run() { (cd "$t/cwd" && exec env -i PATH="$PATH" HOME="$t/home" TZ=UTC AIUSAGE_NOW="$AIUSAGE_NOW" "$AIUSAGE" "$@" --db "$t/db"); }

# the default name, in the current directory, printed
out=$(run html 2>"$t/err")
[ "$out" = aiusage-2026-11-20.html ] && [ -s "$t/cwd/$out" ] && ok || bad "default name: '$out' $(cat "$t/err")"
cp "$t/cwd/$out" "$t/full.html"
run daily --json --no-scan >"$t/full.json"

# "date cost" of each daily row of a --json output
json_days() { sed -n 's/^.*{"date":"\([^"]*\)".*"responses":[0-9]*,"totalCost":\([-0-9.]*\),.*/\1 \2/p' "$1"; }
json_total() { sed -n 's/^"totals":.*"totalCost":\([-0-9.]*\).*/\1/p' "$1"; }
# "day cost" of each bar group of the by-model chart in an HTML text
html_days() { sed 's/>/>\n/g' "$1" | sed -n '/id="daily-model"/,/<\/svg/p' | grep -o '<g class="day" data-day="[^"]*" data-cost="[^"]*"' |
	sed 's/.*data-day="\([^"]*\)" data-cost="\([^"]*\)"/\1 \2/'; }
html_total() { grep -o 'id="total-cost" data-cost="[^"]*"' "$1" | sed 's/.*data-cost="\([^"]*\)"/\1/' | head -1; }

# -o -: a range wider than the usage has a group for every day, empty ones at 0
run html -o - --no-scan --since 2026-11-14 --until 2026-11-21 >"$t/range.html" 2>"$t/err" && ok || bad "html -o -: $(cat "$t/err")"
run daily --json --no-scan --since 2026-11-14 --until 2026-11-21 >"$t/range.json"
html_days "$t/range.html" >"$t/got"
n=$(wc -l <"$t/got")
[ "$n" = 8 ] && ok || bad "8 days in range, $n bar groups"
# every JSON day's exact cost is its group's; the others are 0
join -a1 -e 0 -o 1.1,1.2,2.2 "$t/got" <(json_days "$t/range.json") >"$t/joined"
while read -r day got want; do
	[ "$got" = "$want" ] || [ "$want" = 0 ] || bad "$day: page $got, --json $want"
	[ "$want" != 0 ] || [ "$got" = 0 ] || bad "$day: no usage in --json but $got on the page"
done <"$t/joined"
[ "$(json_days "$t/range.json" | wc -l)" = 5 ] && ok || bad "the demo has 5 days of usage"
[ "$(html_total "$t/range.html")" = "$(json_total "$t/range.json")" ] && ok ||
	bad "range total: page $(html_total "$t/range.html"), --json $(json_total "$t/range.json")"
# a filter gives the filtered figures
run html -o - --no-scan --source codex >"$t/codex.html"
run daily --json --no-scan --source codex >"$t/codex.json"
[ "$(html_total "$t/codex.html")" = "$(json_total "$t/codex.json")" ] && ok || bad "--source codex total differs from --json"

# no URL of any kind, and a policy that forbids every load
if grep -Eio 'https?:|src=|href=|url\(|@import|<link|<script|<img|<iframe' "$t/full.html" | head -3 | grep -q .; then
	bad "the file names a URL or loads something: $(grep -Eio 'https?:[^"]*|src=|href=|url\(|@import|<link|<script|<img|<iframe' "$t/full.html" | head -3)"
else ok; fi
grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';" "$t/full.html" && ok || bad "no CSP meta tag"

# our server, logging every request: the proxy for any other host, and the live page
env -i PATH="$PATH" HOME="$t/home" TZ=UTC AIUSAGE_NOW="$AIUSAGE_NOW" "$AIUSAGE" serve -v --no-scan \
	--listen 127.0.0.1:0 --db "$t/db" 2>"$t/serve.log" &
spid=$!
for _ in $(seq 100); do grep -q "listening on" "$t/serve.log" && break; sleep 0.05; done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$t/serve.log")
[ -n "$url" ] && ok || { bad "serve did not start: $(cat "$t/serve.log")"; exit 1; }
proxy=${url%/}

# 1. the file's DOM as chromium built it on a 375 px wide phone screen, where
# nothing may stick out: a copy gets a script of the test's (its policy
# allowing just that) that marks the page's width and each element drawn
# past the right edge outside a scrolling box
sed -e "s/default-src 'none';/default-src 'none'; script-src 'unsafe-inline';/" -e 's|</body></html>||' \
	"$t/full.html" >"$t/narrow.html"
cat >>"$t/narrow.html" <<'EOF'
<script>
onload = () => {
	const w = document.documentElement.clientWidth;
	let n = 0;
	for (const e of document.body.querySelectorAll("*")) {
		if (e.getBoundingClientRect().right <= w + 1) continue;
		let clipped = false;
		for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
			if (getComputedStyle(p).overflowX !== "visible") clipped = true;
		if (!clipped) { n++; e.setAttribute("data-overflow", "1"); }
	}
	let scrolls = 0; /* charts wider than their box (they scale instead) */
	for (const c of document.querySelectorAll(".chart")) if (c.scrollWidth > c.clientWidth) scrolls++;
	parent.postMessage({fit: w + " " + document.documentElement.scrollWidth + " " + n + " " + scrolls,
			    html: document.body.innerHTML}, "*");
};
</script></body></html>
EOF
# headless chromium's window is at least 500 px wide: a 375 px frame is the
# phone's viewport, and hands its DOM to the outer page for the dump
cat >"$t/phone.html" <<'EOF'
<!DOCTYPE html><html><body style="margin:0">
<iframe src="narrow.html" style="width:375px;height:1200px;border:0"></iframe>
<script>onmessage = (e) => { document.body.setAttribute("data-fit", e.data.fit);
	document.body.insertAdjacentHTML("beforeend", e.data.html); };</script>
</body></html>
EOF
browser "$t" --virtual-time-budget=3000 --dump-dom "file://$t/phone.html" >"$t/dom.html" ||
	bad "chromium --dump-dom failed: $(tail -3 "$t/chromium.log")"
# "width scrollwidth past-the-edge scrolling-charts": the width is 375 less
# the frame's scroll bar
read -r fw fsw fn fsc <<<"$(sed -n 's/.*data-fit="\([^"]*\)".*/\1/p' "$t/dom.html")"
[ "${fw:-0}" -ge 355 ] && [ "$fw" -le 375 ] && [ "$fsw" = "$fw" ] && [ "$fn" = 0 ] && [ "$fsc" = 0 ] && ok ||
	bad "at 375 px: width ${fw:-?}, scroll width ${fsw:-?}, ${fn:-?} past the edge, ${fsc:-?} charts scroll: $(grep -o '<[a-z]*[^>]*data-overflow[^>]*>' "$t/dom.html" | head -3)"
html_days "$t/dom.html" >"$t/got"
want_days=$(json_days "$t/full.json" | wc -l)
[ "$(wc -l <"$t/got")" = "$want_days" ] && [ "$want_days" = 5 ] && ok || bad "DOM: $(wc -l <"$t/got") day groups, $want_days days"
[ "$(html_total "$t/dom.html")" = "$(json_total "$t/full.json")" ] && ok ||
	bad "DOM total $(html_total "$t/dom.html"), --json $(json_total "$t/full.json")"
cents=$(LC_ALL=C printf '$%.2f' "$(json_total "$t/full.json")")
grep -qF ">$cents</b>" "$t/dom.html" && ok || bad "the header does not show $cents"

# 2. a screenshot that is not blank: a white page of this size compresses
# to a few KB, the drawn report to far more
browser "$t" --window-size=1100,2400 --hide-scrollbars --screenshot="$t/shot.png" "file://$t/full.html" >/dev/null ||
	bad "chromium --screenshot failed: $(tail -3 "$t/chromium.log")"
size=$(stat -c %s "$t/shot.png" 2>/dev/null || echo 0)
[ "$(head -c 8 "$t/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$size" -gt 40000 ] && ok ||
	bad "screenshot: $size bytes"
cp "$t/shot.png" "$AU_BUILD/dashboard.png" 2>/dev/null

# 3. printed on A4 and on Letter: the paper asked for, a few pages, and
# every section's heading and the total in the text
for paper in A4 letter; do
	sed "s|</head>|<style>@page{size:$paper}</style></head>|" "$t/full.html" >"$t/$paper.html"
	browser "$t" --no-pdf-header-footer --print-to-pdf="$t/$paper.pdf" "file://$t/$paper.html" 2>/dev/null ||
		bad "chromium --print-to-pdf ($paper) failed"
	pdfinfo "$t/$paper.pdf" >"$t/$paper.info" 2>&1
	pages=$(sed -n 's/^Pages: *//p' "$t/$paper.info")
	grep -qi "^Page size:.*($paper)" "$t/$paper.info" && [ "${pages:-0}" -ge 1 ] && [ "${pages:-0}" -le 6 ] && ok ||
		bad "$paper: $(tr '\n' ' ' <"$t/$paper.info")"
	pdftotext "$t/$paper.pdf" "$t/$paper.txt"
	for h in "Daily cost" "Tokens by kind" "Cache: hit ratio" "Calendar" "Projects" "Sessions" "$cents"; do
		grep -qF "$h" "$t/$paper.txt" || bad "$paper: '$h' not in the printed text"
	done
done

# 4. the live page: the same total, and its own server is all it talks to
browser "$t" --dump-dom "$url" >"$t/live.html" || bad "chromium on the served page failed"
[ "$(html_total "$t/live.html")" = "$(json_total "$t/full.json")" ] && ok || bad "served total $(html_total "$t/live.html")"
grep -q "connect-src 'self'" "$t/live.html" && ok || bad "the live page's CSP"

# 5. the control: a page that does load a font and an image is caught
printf '<!DOCTYPE html><link rel="stylesheet" href="https://fonts.example.com/css"><img src="http://img.example.com/x.png">' >"$t/bad.html"
browser "$t" --dump-dom "file://$t/bad.html" >/dev/null
sleep 0.5
kill "$spid"
wait "$spid" 2>/dev/null
spid=
# Every request the server saw, "METHOD HOST PATH", less chromium's own
# services (the network clock, the component updater, the account check),
# which it calls whatever page it opens: no page causes them.
grep -E '^aiusage serve: [A-Z]+ ' "$t/serve.log" | sed 's/^aiusage serve: //' |
	grep -Ev '^[A-Z]+ (clients2\.google\.com|update\.googleapis\.com|accounts\.google\.com) ' | sort -u >"$t/requests"
host=${proxy#http://}
host=${host%:*}
printf 'CONNECT fonts.example.com /\nGET %s /\nGET %s /events\nGET img.example.com /x.png\n' "$host" "$host" | sort >"$t/want"
# the events stream may not have opened before the dump: it is optional
grep -v " /events$" "$t/requests" >"$t/r1"
grep -v " /events$" "$t/want" >"$t/w1"
if cmp -s "$t/r1" "$t/w1"; then ok; else bad "requests seen: $(tr '\n' ';' <"$t/requests") expected: $(tr '\n' ';' <"$t/want")"; fi

echo "html: $pass passed, $fail failed"
[ $fail = 0 ]
