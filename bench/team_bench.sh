#!/usr/bin/env bash
# The team benchmarks (BENCHMARKS.md), against a private PostgreSQL started
# by tests/team/pg_server.bash (removed at the end):
#   1. `aiusage team push` of ROWS (default 1,000,000) rows from one store:
#      the time and the rows per second (a second, empty push too);
#   2. `aiusage daily --team --json` over SERVER_ROWS (default 10,000,000)
#      rows from MACHINES (default 50) machines, made on the server by
#      generate_series: the time, with the schema's indexes.
#
#   bench/team_bench.sh BUILD_DIR [ROWS] [SERVER_ROWS] [MACHINES]
#
# A smoke run: bench/team_bench.sh build 10000 100000 5
set -euo pipefail
build=${1:?usage: team_bench.sh BUILD_DIR [ROWS] [SERVER_ROWS] [MACHINES]}
rows=${2:-1000000}
server_rows=${3:-10000000}
machines=${4:-50}
aiusage=$(cd "$build" && pwd)/aiusage
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tests/team/pg_server.bash"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiusage-tbench.XXXXXX")
pgdir=$(mktemp -d /tmp/aiusage-pgbench.XXXXXX)
trap 'pg_cleanup; rm -rf "$tmp"' EXIT
pg_start "$pgdir"
export AIUSAGE_TEAM_URL=$PG_URL HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config
mkdir -p "$HOME"
db=$tmp/data/aiusage/usage.db

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# 1. a store of $rows rows (made by SQL: the scan is benchmarked elsewhere)
"$aiusage" daily --quiet >/dev/null
sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
  INSERT INTO usage(key, source, msg_id, sidechain, ts, session, project, model, input, cc5m, cc1h,
    cache_read, output, reasoning, total, cost, file_id)
  SELECT 'bench:' || i, CASE i % 4 WHEN 0 THEN 'codex' ELSE 'claude' END, NULL, 0,
    1790000000000 + i * 9000, 'session-' || (i / 200), '/home/dev/project-' || (i % 37),
    CASE i % 3 WHEN 0 THEN 'claude-sonnet-4-5' WHEN 1 THEN 'claude-haiku-4-5' ELSE 'gpt-5-codex' END,
    1000 + i % 500, i % 300, 0, 20000 + i % 7000, 300 + i % 900, 0,
    21300 + i % 500 + i % 300 + i % 7000 + i % 900, 1000000 * (i % 97), NULL FROM n"
t0=$(now)
"$aiusage" team push --no-scan --quiet
t1=$(now)
"$aiusage" team push --no-scan --quiet
t2=$(now)
push=$(secs "$t0" "$t1")
echo "push of $rows rows: ${push}s ($(awk -v n="$rows" -v t="$push" 'BEGIN { printf "%d", n / (t > 0 ? t : 0.01) }') rows/s); an empty push after it: $(secs "$t1" "$t2")s"

# 2. $server_rows rows from $machines machines, made on the server
pg_psql "INSERT INTO machines(machine_id, machine, username, last_push)
  SELECT 'm' || g, 'machine-' || g, 'user-' || (g % 10), now() FROM generate_series(1, $machines) g" aiusage
pg_psql "INSERT INTO usage SELECT 'm' || (1 + i % $machines), 'k' || i,
  CASE i % 4 WHEN 0 THEN 'codex' ELSE 'claude' END, 1790000000000 + (i::bigint * 2600),
  'session-' || (i / 300), '/home/dev/project-' || (i % 41),
  CASE i % 3 WHEN 0 THEN 'claude-sonnet-4-5' WHEN 1 THEN 'claude-haiku-4-5' ELSE 'gpt-5-codex' END,
  false, 1000 + i % 500, i % 300, 0, 20000 + i % 7000, 300 + i % 900, 0, 1000000 * (i % 97), NULL
  FROM generate_series(1, $server_rows) i" aiusage
pg_psql "VACUUM ANALYZE usage" aiusage
t0=$(now)
"$aiusage" daily --team --json --timezone UTC >"$tmp/daily.json"
t1=$(now)
total=$(pg_psql "SELECT count(*) FROM usage" aiusage)
echo "daily --team --json over $total rows from $((machines + 1)) machines: $(secs "$t0" "$t1")s" \
	"($(jq '.daily | length' "$tmp/daily.json") days; indexes: usage(machine_id, key) primary key, usage(ts))"
