#!/usr/bin/env bash
# Benchmarks of the HTTP API against a live `cairn serve` on a seeded store, with wrk (Debian's package).
# Usage: bench/run.sh [SNAPSHOTS] [DURATION] [all|memory]      e.g. bench/run.sh 100000 10s
# Prints a markdown table; BENCHMARKS.md records the results with the machine they ran on. "memory" skips the wrk
# scenarios and only fills the rendered-view cache and reports heap and RSS (bench/run.sh 1000000 5s memory).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
snapshots="${1:-100000}"
duration="${2:-10s}"
mode="${3:-all}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
port="${BENCH_PORT:-18999}"
work="$(mktemp -d)"
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$root/cairn" --version >/dev/null 2>&1 || true   # builds the jar when it is stale
seed_started=$(date +%s.%N)
# The memory mode seeds the measured project alone: its figures depend on that project's rows, and 1M rows x 3
# projects would take a quarter of an hour to seed.
projects=3
[ "$mode" = memory ] && projects=1
"$root/cairn" bench seed --data-dir "$work/data" --project "$project" --snapshots "$snapshots" --projects "$projects" 2>&1 | tail -n 1 >&2
seed_seconds=$(echo "$(date +%s.%N) - $seed_started" | bc)

start_server() {
  local started=$(date +%s.%N)
  "$root/cairn" serve --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.02; done
  startup=$(echo "$(date +%s.%N) - $started" | bc)
}
start_server

base="http://127.0.0.1:$port/v3/$project"
export TOKEN="bench:$project" PROJECT="$project" VERSION=3.0
first_id=$(curl -s "$base/snapshots?limit=1" -H "X-Auth-Token: $TOKEN" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
deep_marker=$(curl -s "$base/snapshots?limit=1&offset=$((snapshots - 100))" -H "X-Auth-Token: $TOKEN" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
volume_id=$(curl -s "$base/snapshots/$first_id" -H "X-Auth-Token: $TOKEN" | sed -n 's/.*"volume_id":"\([^"]*\)".*/\1/p')
metadata=$(printf '%s' "{'env': 'prod'}" | jq -sRr @uri 2>/dev/null || echo "%7B%27env%27%3A%20%27prod%27%7D")

# Reads every snapshot of the project through the detail list, limit 1000, page after page by marker: each view is
# rendered once and kept, until the cache holds them all or reaches its bound. Prints the pages and the views' bytes.
fill_cache() {
  local marker="" pages=0 bytes=0 body last
  while :; do
    body=$(curl -s "$base/snapshots/detail?limit=1000${marker:+&marker=$marker}" -H "X-Auth-Token: $TOKEN")
    last=$(printf '%s' "$body" | jq -r '.snapshots[-1].id // empty')
    [ -n "$last" ] || break
    bytes=$((bytes + $(printf '%s' "$body" | jq -c '.snapshots[]' | wc -c)))
    pages=$((pages + 1))
    marker=$last
  done
  echo "$pages $bytes"
}

# The server's live heap after a full collection (jcmd of the server's own JDK), and its resident memory.
memory() {
  local jcmd used
  jcmd="$(dirname "$(readlink -f "/proc/$server/exe")")/jcmd"
  "$jcmd" "$server" GC.run >/dev/null
  used=$("$jcmd" "$server" GC.heap_info | sed -n 's/^[A-Za-z].* total [0-9]*K, used \([0-9]*\)K.*/\1/p' | paste -sd+ | bc)
  printf 'heap live %s MiB, RSS %s MiB (anonymous %s MiB)' "$((used / 1024))" \
    "$(($(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024))" \
    "$(($(awk '/RssAnon/ {print $2}' "/proc/$server/status") / 1024))"
}

if [ "$mode" = memory ]; then
  echo "before filling the cache: $(memory)"
  read -r pages bytes <<<"$(fill_cache)"
  echo "after reading the project's $snapshots snapshots in $pages detail pages ($((bytes / 1048576)) MiB of views): $(memory)"
  exit 0
fi

run() { # name, path
  local line
  line=$(wrk -t2 -c16 -d"$duration" -s "$here/report.lua" "http://127.0.0.1:$port$2" | grep '^RESULT')
  printf '| %s | %s |\n' "$1" "$(echo "$line" | sed 's/^RESULT //; s/ / | /g')"
}

# The ceiling: a bare Javalin server answering a constant 22 KB body, measured the same way.
"$root/cairn" bench echo --port $((port - 1)) --bytes 22000 >/dev/null 2>&1 &
echo_server=$!
until curl -sf "http://127.0.0.1:$((port - 1))/echo" >/dev/null; do sleep 0.05; done
wrk -t2 -c16 -d20s "http://127.0.0.1:$((port - 1))/echo" >/dev/null   # its JIT's warm-up, as for the server below
ceiling=$(wrk -t2 -c16 -d"$duration" -s "$here/report.lua" "http://127.0.0.1:$((port - 1))/echo" | grep '^RESULT')
kill "$echo_server"

# Warm-up, not reported: the JIT compiles the list and show paths before the first measured scenario (C2 needs
# 15-18 s of CPU after a start, see bench/warmup.sh, which measures that part).
wrk -t2 -c16 -d30s "$base/snapshots/detail?limit=50" -H "X-Auth-Token: $TOKEN" >/dev/null
wrk -t2 -c16 -d10s "$base/snapshots/detail?limit=1000" -H "X-Auth-Token: $TOKEN" >/dev/null
wrk -t2 -c16 -d5s "$base/snapshots/$first_id" -H "X-Auth-Token: $TOKEN" >/dev/null

echo "| scenario | throughput | p50 | p99 | p99.9 | errors | non-2xx |"
echo "|---|---|---|---|---|---|---|"
printf '| %s | %s |\n' "bare Javalin, constant 22 KB (ceiling)" "$(echo "$ceiling" | sed 's/^RESULT //; s/ / | /g')"
run "detail, limit 50" "/v3/$project/snapshots/detail?limit=50"
run "detail, limit 1000" "/v3/$project/snapshots/detail?limit=1000"
run "summary list, limit 50" "/v3/$project/snapshots?limit=50"
run "show" "/v3/$project/snapshots/$first_id"
run "detail, name filter" "/v3/$project/snapshots/detail?limit=50&name=daily-7"
run "detail, status filter" "/v3/$project/snapshots/detail?limit=50&status=error"
run "detail, volume_id filter" "/v3/$project/snapshots/detail?limit=50&volume_id=$volume_id"
run "detail, metadata filter (3.22)" "/v3/$project/snapshots/detail?limit=50&metadata=$metadata"
run "detail, deep page by marker" "/v3/$project/snapshots/detail?limit=50&marker=$deep_marker"
run "detail, deep page by offset" "/v3/$project/snapshots/detail?limit=50&offset=$((snapshots - 100))"
# The seeded project is far over the default snapshot quota: lift it, so the mix measures work, not 413s.
curl -sf -X PUT "$base/os-quota-sets/$project" -H "X-Auth-Token: $TOKEN" -H "Content-Type: application/json" \
  -d '{"quota_set":{"snapshots":-1,"gigabytes":-1}}' >/dev/null
VOLUME_ID="$volume_id" line=$(VOLUME_ID="$volume_id" wrk -t2 -c16 -d"$duration" -s "$here/mix.lua" "http://127.0.0.1:$port/" | grep '^RESULT')
printf '| %s | %s |\n' "create+delete mix" "$(echo "$line" | sed 's/^RESULT //; s/ / | /g')"
read -r fill_pages fill_bytes <<<"$(fill_cache)"
cache_memory="$(memory)"
# Offset paging as a client walks it, each thread from its own start, the views kept by the fill above: what is left
# is the offset's own cost (each page starts from the anchor its previous page left).
OFFSET_FROM=$((snapshots / 2)) OFFSET_TO=$((snapshots - 50)) OFFSET_STEP=50 \
  run "detail, deep pages by offset, each next page (from offset $((snapshots / 2)))" "/v3/$project/snapshots/detail?limit=50"
rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
rss_anon_kib=$(awk '/RssAnon/ {print $2}' "/proc/$server/status")
# Start-up again: the first server after a build has written the class-data archive when it stopped.
first_startup=$startup
kill "$server"; wait "$server" 2>/dev/null || true
start_server
# The same list pages with no cache at all: every view is rendered from its row on every request.
kill "$server"; wait "$server" 2>/dev/null || true
archive_startup=$startup
CAIRN_VIEW_CACHE_SIZE=0 start_server
wrk -t2 -c16 -d10s "$base/snapshots/detail?limit=50" -H "X-Auth-Token: $TOKEN" >/dev/null
wrk -t2 -c16 -d5s "$base/snapshots/detail?limit=1000" -H "X-Auth-Token: $TOKEN" >/dev/null
run "detail, limit 50, no view cache" "/v3/$project/snapshots/detail?limit=50"
run "detail, limit 1000, no view cache" "/v3/$project/snapshots/detail?limit=1000"
startup=$archive_startup
echo
echo "seed: ${snapshots} snapshots x ${projects} projects in ${seed_seconds}s; start-up to /healthz: ${first_startup}s (first after the build), ${startup}s (with the class-data archive); peak RSS: $((rss_kib / 1024)) MiB (anonymous at the end: $((rss_anon_kib / 1024)) MiB)"
echo "cache filled by reading all ${snapshots} snapshots (${fill_pages} detail pages, $((fill_bytes / 1048576)) MiB of views): ${cache_memory}"
