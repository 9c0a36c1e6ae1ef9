#!/usr/bin/env bash
# NBD throughput of Cairn against qemu-nbd exporting a raw file on the same file system, with the same
# client (fio's nbd engine, libnbd) and the same jobs, in one run; then Cairn over TLS against Cairn in the clear
# (a project's PSK identity, nbds://), with nbdcopy on one connection, since fio's nbd engine refuses the PSK file.
# The server runs with nbd-tls=optional, so plain and TLS clients reach the same volumes.
# Usage: bench/data-plane/nbd-throughput.sh [RUNTIME_SECONDS]      needs: fio qemu-utils libnbd-bin curl
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
for tool in fio qemu-nbd nbdcopy curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT

export CAIRN_SECRET_KEY="${CAIRN_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}" CAIRN_NBD_TLS=optional
"$root/cairn" serve --port "$api_port" --nbd-port "$cairn_nbd" --data-dir "$work/data" >"$work/server.log" 2>&1 &
until curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null; do sleep 0.1; done
new_volume() { # size in GiB; prints the id once the volume is available
  local id
  id=$(curl -sf -X POST "http://127.0.0.1:$api_port/v3/$project/volumes" -H "X-Auth-Token: bench:$project" \
    -H 'Content-Type: application/json' -d "{\"volume\":{\"size\":$1}}" | sed 's/.*"id": *"\([^"]*\)".*/\1/')
  until curl -sf "http://127.0.0.1:$api_port/v3/$project/volumes/$id" -H "X-Auth-Token: bench:$project" \
    | grep -q '"status": *"available"'; do sleep 0.1; done
  echo "$id"
}
volume=$(new_volume 4)

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

# TLS against plain: the same nbdcopy transfers of a 1 GiB volume, one connection, in the clear and over TLS.
"$root/cairn" nbd-credentials create --project "$project" --psk-file "$work/keys.psk" --data-dir "$work/data" >/dev/null
identity=$(cut -d: -f1 "$work/keys.psk")
small=$(new_volume 1)
head -c 1G /dev/urandom >"$work/random.img"
plain="nbd://127.0.0.1:$cairn_nbd/$small"
tls="nbds://$identity@127.0.0.1:$cairn_nbd/$small?tls-psk-file=$work/keys.psk"
nbdcopy "$work/random.img" "$plain" # every write measured below overwrites, none allocates
copy() { # size depth source destination; prints MiB/s
  local start end
  start=$(date +%s.%N)
  nbdcopy --connections=1 --request-size="$1" --requests="$2" --no-extents --flush "$3" "$4"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", 1024 / (e - s) }'
}
echo
echo "| nbdcopy, 1 GiB, one connection | Cairn MiB/s | Cairn TLS MiB/s | TLS / plain |"
echo "|---|---|---|---|"
for spec in "write 1M 8" "read 1M 8" "write 4k 16" "read 4k 16"; do
  set -- $spec
  size=$([ "$2" = 1M ] && echo 1048576 || echo 4096)
  if [ "$1" = write ]; then
    p=$(copy "$size" "$3" "$work/random.img" "$plain"); t=$(copy "$size" "$3" "$work/random.img" "$tls")
  else
    p=$(copy "$size" "$3" "$plain" null:); t=$(copy "$size" "$3" "$tls" null:)
  fi
  printf "| %s %s QD%s | %s | %s | %s |\n" "$1" "$2" "$3" "$p" "$t" "$(awk -v a="$t" -v b="$p" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
done
