#!/usr/bin/env bash
# Warm-up after a start (issue 15): seeds 100,000 snapshots in each of 3 projects as bench/run.sh does, then per row
# starts `cairn serve` on a fresh copy of that store and, from the moment /healthz answers, drives
# snapshots/detail?limit=50 with wrk -t2 -c16 in consecutive windows: 0-10 s, 10-30 s, 30-60 s, 60-90 s (not
# reported) and the peak, 90-100 s. Each row's server was started and stopped once before on the same store, so
# whatever it keeps between starts (class-data archive, AOT cache) is in place, as on any restart but the first.
# Reports the JIT compiler threads' CPU (C1 and C2, from /proc) at each window's end, the whole process's, and the
# requests served per CPU second of the process in the first window and at the peak, which a shared machine's load
# moves far less than the throughput.
# Usage: bench/warmup.sh [SNAPSHOTS]      needs: wrk curl
# Rows: the launcher before issue 15 (CAIRN_AOT=off: the class-data archive alone), then as it is (the AOT cache);
# with BENCH_COMPILER_ROWS=1 also the AOT cache with two C2 compiler threads, and with C1 alone (no C2 at all).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
snapshots="${1:-100000}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
port="${BENCH_PORT:-18997}"
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-warmup.XXXXXX")"
for tool in wrk curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
tick=$(getconf CLK_TCK)

"$root/cairn" --version >/dev/null 2>&1 || true # builds the jar when it is stale
"$root/cairn" bench seed --data-dir "$work/seed" --project "$project" --snapshots "$snapshots" --projects 3 2>&1 \
  | tail -n 1 >&2
export TOKEN="bench:$project" VERSION=3.0
url="http://127.0.0.1:$port/v3/$project/snapshots/detail?limit=50"

cpu() { # pid: "<C1 and C2 threads' CPU seconds> <process CPU seconds>"
  local jit=0 task name times
  for task in /proc/"$1"/task/*; do
    name=$(cat "$task/comm" 2>/dev/null) || continue
    case "$name" in
      C1\ CompilerThre* | C2\ CompilerThre*)
        times=$(sed 's/.*) //' "$task/stat" 2>/dev/null) || continue
        jit=$((jit + $(echo "$times" | awk '{ print $12 + $13 }')))
        ;;
    esac
  done
  awk -v jit="$jit" -v tick="$tick" '{ sub(/.*\) /, ""); printf "%.1f %.1f", jit / tick, ($12 + $13) / tick }' \
    "/proc/$1/stat"
}

serve() { # env assignments...; starts the server on a fresh copy of the seeded store, waits for /healthz
  rm -rf "$work/data"
  cp -a "$work/seed" "$work/data"
  local started
  started=$(date +%s.%N)
  env "$@" "$root/cairn" serve --port "$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.02; done
  startup=$(echo "$(date +%s.%N) - $started" | bc)
}

stop() {
  kill "$server"
  wait "$server" 2>/dev/null || true
}

window() { # seconds; prints requests per second
  wrk -t2 -c16 -d"$1"s -s "$here/report.lua" "$url" | sed -n 's/^RESULT rps=\([0-9]*\).*/\1/p'
}

echo "| launcher | start-up | 0-10 s | 10-30 s | 30-60 s | peak (90-100 s) | first 10 s / peak | requests per CPU second, 0-10 s / peak | JIT CPU at 10 / 30 / 60 / 100 s | process CPU at 100 s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
per_cpu() { # requests per second, window seconds, process CPU at its start and end: requests per CPU second
  awk -v r="$1" -v d="$2" -v a="$3" -v b="$4" 'BEGIN { printf "%.0f", (b > a ? r * d / (b - a) : 0) }'
}
row() { # label, env assignments...
  local label="$1" first second third peak c0 c10 c30 c60 c90 c100 early late
  shift
  serve "$@" # the start that writes what later starts reuse
  stop
  serve "$@"
  c0=$(cpu "$server")
  first=$(window 10)
  c10=$(cpu "$server")
  second=$(window 20)
  c30=$(cpu "$server")
  third=$(window 30)
  c60=$(cpu "$server")
  window 30 >/dev/null
  c90=$(cpu "$server")
  peak=$(window 10)
  c100=$(cpu "$server")
  stop
  # Throughput per CPU second of the server's own: how much of the slow start is the server's, whatever share of
  # the machine it got.
  early=$(per_cpu "$first" 10 "${c0##* }" "${c10##* }")
  late=$(per_cpu "$peak" 10 "${c90##* }" "${c100##* }")
  printf '| %s | %.1f s | %s/s | %s/s | %s/s | %s/s | %s | %s / %s (%s) | %s / %s / %s / %s s | %s s |\n' "$label" \
    "$startup" "$first" "$second" "$third" "$peak" \
    "$(awk -v a="$first" -v b="$peak" 'BEGIN { printf "%.0f %%", 100 * a / b }')" "$early" "$late" \
    "$(awk -v a="$early" -v b="$late" 'BEGIN { printf "%.0f %%", (b > 0 ? 100 * a / b : 0) }')" \
    "${c10%% *}" "${c30%% *}" "${c60%% *}" "${c100%% *}" "${c100##* }"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
row "class-data archive (before issue 15)" CAIRN_AOT=off
row "AOT cache (issue 15)"
if [ "${BENCH_COMPILER_ROWS:-0}" = 1 ]; then
  row "AOT cache, -XX:CICompilerCount=3" "CAIRN_JAVA_OPTS=-Xmx128m -XX:+UseSerialGC -XX:CICompilerCount=3"
  row "AOT cache, -XX:TieredStopAtLevel=1" "CAIRN_JAVA_OPTS=-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
fi
echo
echo "load average: $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(nproc) CPUs"
