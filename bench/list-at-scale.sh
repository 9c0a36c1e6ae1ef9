#!/usr/bin/env bash
# List detail at scale, on SQLite or PostgreSQL: page 1 and a deep page by marker, limit 50 and 1000.
# Usage: bench/list-at-scale.sh sqlite|postgresql SNAPSHOTS [PROJECTS] [DURATION]
#   e.g. bench/list-at-scale.sh postgresql 1000000 3 10s
# PostgreSQL: set CAIRN_DB_URL (and CAIRN_DB_USER, CAIRN_DB_PASSWORD) to an empty database; the script
# seeds it (BENCH_SEEDED=1: the database already holds the same `cairn bench seed` rows; measure only).
# The deep page is page (SNAPSHOTS / 50 - 1): page 19,999 at 1M snapshots, by marker.
# Prints a markdown table; BENCHMARKS.md records the results with the machine they ran on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
database="$1"
snapshots="$2"
projects="${3:-1}"
duration="${4:-10s}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
port="${BENCH_PORT:-18997}"
work="$(mktemp -d)"
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
case "$database" in
  sqlite) unset CAIRN_DB_URL ;;
  postgresql) [ -n "${CAIRN_DB_URL:-}" ] || { echo "bench: set CAIRN_DB_URL=jdbc:postgresql://..." >&2; exit 1; } ;;
  *) echo "bench: sqlite or postgresql" >&2; exit 1 ;;
esac
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/cairn" --version >/dev/null 2>&1 || true   # builds the jar when it is stale
seed_started=$(date +%s.%N)
if [ "${BENCH_SEEDED:-}" = 1 ] && [ "$database" = postgresql ]; then
  echo "bench: using the rows already in $CAIRN_DB_URL (BENCH_SEEDED=1)" >&2
else
  "$root/cairn" bench seed --data-dir "$work/data" --project "$project" --snapshots "$snapshots" --projects "$projects" 2>&1 | tail -n 1 >&2
fi
seed_seconds=$(echo "$(date +%s.%N) - $seed_started" | bc)
if [ "$database" = postgresql ]; then
  # Fresh statistics after the bulk load, as autovacuum would give a while later.
  psql "${CAIRN_DB_URL#jdbc:}" ${CAIRN_DB_USER:+-U "$CAIRN_DB_USER"} -qc 'VACUUM ANALYZE' >/dev/null
fi

"$root/cairn" serve --port "$port" --nbd-port 0 --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done

base="http://127.0.0.1:$port/v3/$project"
export TOKEN="bench:$project" PROJECT="$project" VERSION=3.0
deep_offset=$((snapshots - 50))
deep_marker=$(curl -s "$base/snapshots?limit=1&offset=$((deep_offset - 1))" -H "X-Auth-Token: $TOKEN" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
deep_marker_1000=$(curl -s "$base/snapshots?limit=1&offset=$((snapshots - 1001))" -H "X-Auth-Token: $TOKEN" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

run() { # name, path
  local line
  line=$(wrk -t2 -c16 -d"$duration" -s "$here/report.lua" "http://127.0.0.1:$port$2" | grep '^RESULT')
  printf '| %s | %s | %s |\n' "$database" "$1" "$(echo "$line" | sed 's/^RESULT //; s/ / | /g')"
}

# Warm-up, not reported: the JIT compiles the list path before the first measured scenario.
wrk -t2 -c16 -d10s "$base/snapshots/detail?limit=50" -H "X-Auth-Token: $TOKEN" >/dev/null
wrk -t2 -c16 -d5s "$base/snapshots/detail?limit=1000" -H "X-Auth-Token: $TOKEN" >/dev/null

echo "| database | scenario | throughput | p50 | p99 | p99.9 | errors | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
run "detail, limit 50, page 1" "/v3/$project/snapshots/detail?limit=50"
run "detail, limit 50, page $((deep_offset / 50 + 1)) by marker" "/v3/$project/snapshots/detail?limit=50&marker=$deep_marker"
run "detail, limit 1000, page 1" "/v3/$project/snapshots/detail?limit=1000"
run "detail, limit 1000, last page by marker" "/v3/$project/snapshots/detail?limit=1000&marker=$deep_marker_1000"
echo
echo "$database: ${snapshots} snapshots x ${projects} project(s), seeded in ${seed_seconds}s"
