#!/usr/bin/env bash
# NBD throughput of Cairn against qemu-nbd exporting a raw file on the same file system, with the same
# client (fio's nbd engine, libnbd) and the same jobs, in one run.
# Usage: bench/data-plane/nbd-throughput.sh [RUNTIME_SECONDS]      needs: fio qemu-utils curl
# Prints a markdown table; BENCHMARKS.md records the results with the machine they ran on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runtime="${1:-10}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
api_port="${BENCH_PORT:-18998}"
cairn_nbd=18809
qemu_nbd=18810
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-nbd-bench.XXXXXX")"
for tool in fio qemu-nbd curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT

"$root/cairn" serve --port "$api_port" --nbd-port "$cairn_nbd" --data-dir "$work/data" >"$work/server.log" 2>&1 &
until curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null; do sleep 0.1; done
volume=$(curl -sf -X POST "http://127.0.0.1:$api_port/v3/$project/volumes" -H "X-Auth-Token: bench:$project" \
  -H 'Content-Type: application/json' -d '{"volume":{"size":4}}' | sed 's/.*"id": *"\([^"]*\)".*/\1/')
until curl -sf "http://127.0.0.1:$api_port/v3/$project/volumes/$volume" -H "X-Auth-Token: bench:$project" | grep -q '"status": *"available"'; do sleep 0.1; done

truncate -s 4G "$work/raw.img"
qemu-nbd -f raw -t -x bench -p "$qemu_nbd" -b 127.0.0.1 "$work/raw.img" &
sleep 1

job() { # name uri rw bs depth
  fio --name="$1" --ioengine=nbd --uri="$2" --rw="$3" --bs="$4" --iodepth="$5" --size=2G --time_based \
      --runtime="$runtime" --end_fsync=1 --randrepeat=0 --output-format=terse --terse-version=3 \
    | awk -F';' -v rw="$3" 'NF > 40 { if (rw ~ /read/) print $7/1024, $8; else print $48/1024, $49 }'
}

echo "| job | Cairn MiB/s | Cairn IOPS | qemu-nbd MiB/s | qemu-nbd IOPS | Cairn / qemu-nbd |"
echo "|---|---|---|---|---|---|"
for spec in "write 1M 8" "read 1M 8" "randwrite 4k 16" "randread 4k 16"; do
  set -- $spec
  read -r c_mib c_iops < <(job "cairn-$1" "nbd://127.0.0.1:$cairn_nbd/$volume" "$1" "$2" "$3")
  read -r q_mib q_iops < <(job "qemu-$1" "nbd://127.0.0.1:$qemu_nbd/bench" "$1" "$2" "$3")
  ratio=$(awk -v a="$c_iops" -v b="$q_iops" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }')
  printf "| %s %s QD%s | %.0f | %.0f | %.0f | %.0f | %s |\n" "$1" "$2" "$3" "$c_mib" "$c_iops" "$q_mib" "$q_iops" "$ratio"
done
