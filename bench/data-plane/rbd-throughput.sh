#!/usr/bin/env bash
# Throughput of Cairn's RBD backend: the same fio jobs on the same RBD image through Cairn's NBD export (fio's nbd
# engine, libnbd) and straight through librbd (fio's rbd engine), in one run; then `rbd bench` on that image.
# Usage: bench/data-plane/rbd-throughput.sh [RUNTIME_SECONDS]      needs: fio (nbd and rbd engines) ceph-common curl jq
# Environment: CEPH_CONF (default /etc/ceph/ceph.conf, its keyring holds the user's key), RBD_POOL (rbd),
# CEPH_USER (admin), BENCH_SIZE_GB (4; the image is written in full once, so the pool must have room for it),
# BENCH_LOG (a file to keep Cairn's log in; by default it goes with the temp dir, its end printed on a failure).
# Prints two markdown tables; BENCHMARKS.md records the results with the machine they ran on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runtime="${1:-10}"
export CEPH_CONF="${CEPH_CONF:-/etc/ceph/ceph.conf}"
pool="${RBD_POOL:-rbd}"
user="${CEPH_USER:-admin}"
size_gb="${BENCH_SIZE_GB:-4}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
api_port="${BENCH_PORT:-18996}"
cairn_nbd=18812
api="http://127.0.0.1:$api_port/v3/$project"
auth=(-H "X-Auth-Token: bench:$project")
for tool in fio rbd ceph curl jq; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
for engine in nbd rbd; do
  fio --enghelp="$engine" >/dev/null 2>&1 || { echo "bench: this fio has no $engine engine" >&2; exit 1; }
done
[ -r "$CEPH_CONF" ] || { echo "bench: CEPH_CONF=$CEPH_CONF is not a readable file" >&2; exit 1; }
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-rbd-bench.XXXXXX")"
volume=
server=

# The image lives in the cluster, not in $work: delete the volume through the API, and remove the image directly
# only if that did not work. On a failure the end of the server log goes to stderr before it is removed.
cleanup() {
  local status=$? i
  if [ -n "$volume" ]; then
    curl -s -o /dev/null -X DELETE "$api/volumes/$volume?cascade=true" "${auth[@]}" || true
    for i in $(seq 1 100); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/volumes/$volume" "${auth[@]}")" = 404 ] && break
      sleep 0.2
    done
  fi
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -n "$volume" ] && rbd --id "$user" -p "$pool" info "volume-$volume" >/dev/null 2>&1; then
    echo "bench: Cairn left volume-$volume behind; removing it with rbd" >&2
    rbd --id "$user" -p "$pool" snap purge "volume-$volume" >/dev/null 2>&1 || true
    rbd --id "$user" -p "$pool" rm --no-progress "volume-$volume" >/dev/null 2>&1 || true
  fi
  [ -z "${BENCH_LOG:-}" ] || [ ! -f "$work/server.log" ] || cp "$work/server.log" "$BENCH_LOG"
  if [ "$status" != 0 ] && [ -f "$work/server.log" ]; then
    echo "bench: failed; the end of Cairn's log ($work/server.log):" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "bench: $*" >&2; exit 1; }

# Writing the image in full takes its size from the pool: refuse unless that leaves a quarter of the room free.
avail=$(ceph --id "$user" df -f json 2>/dev/null | jq -r --arg pool "$pool" '.pools[] | select(.name == $pool) | .stats.max_avail')
[ -n "$avail" ] || fail "no pool $pool in the cluster $CEPH_CONF names"
if [ $((size_gb * 1024 * 1024 * 1024)) -gt $((avail / 4 * 3)) ]; then
  fail "a ${size_gb} GiB image written in full would take more than 3/4 of pool $pool's $((avail >> 20)) MiB free; set BENCH_SIZE_GB lower"
fi

"$root/cairn" serve --port "$api_port" --nbd-port "$cairn_nbd" --data-dir "$work/data" \
  --backend rbd --ceph-conf "$CEPH_CONF" --rbd-pool "$pool" --ceph-user "$user" >"$work/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null; do
  kill -0 "$server" 2>/dev/null || fail "cairn serve exited"
  sleep 0.1
done
volume=$(curl -sf -X POST "$api/volumes" "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"volume\":{\"size\":$size_gb}}" | sed 's/.*"id": *"\([^"]*\)".*/\1/')
[ -n "$volume" ] || fail "creating the volume failed"
until curl -sf "$api/volumes/$volume" "${auth[@]}" | grep -q '"status": *"available"'; do
  curl -sf "$api/volumes/$volume" "${auth[@]}" | grep -q '"status": *"error' && fail "volume $volume went to error"
  sleep 0.1
done
image="volume-$volume"

nbd=(--ioengine=nbd --uri="nbd://127.0.0.1:$cairn_nbd/$volume")
librbd=(--ioengine=rbd --clientname="$user" --pool="$pool" --rbdname="$image")
# Reads must hit data, not holes (an RBD read of an object never written returns zeros without an OSD read).
fio --name=precondition "${librbd[@]}" --rw=write --bs=4M --iodepth=16 --size="${size_gb}G" --end_fsync=1 \
  >"$work/precondition.log" 2>&1 || { cat "$work/precondition.log" >&2; fail "preconditioning $image failed"; }

job() { # name rw bs depth engine-args...
  local name="$1" rw="$2" bs="$3" depth="$4"
  shift 4
  fio --name="$name" "$@" --rw="$rw" --bs="$bs" --iodepth="$depth" --size="${size_gb}G" --time_based \
      --runtime="$runtime" --end_fsync=1 --randrepeat=0 --output-format=terse --terse-version=3 \
      2>>"$work/fio.log" | awk -F';' -v rw="$rw" 'NF > 40 { if (rw ~ /read/) print $7/1024, $8; else print $48/1024, $49 }'
}

specs=("write 1M 1" "write 1M 16" "read 1M 1" "read 1M 16" "randwrite 4k 1" "randwrite 4k 16" "randread 4k 1" "randread 4k 16")
declare -A direct_mib
echo "| job | Cairn NBD MiB/s | Cairn NBD IOPS | librbd (fio rbd) MiB/s | librbd (fio rbd) IOPS | Cairn / librbd |"
echo "|---|---|---|---|---|---|"
for spec in "${specs[@]}"; do
  set -- $spec
  c_mib='' r_mib=''
  read -r c_mib c_iops < <(job "cairn-$1" "$1" "$2" "$3" "${nbd[@]}") || true
  read -r r_mib r_iops < <(job "librbd-$1" "$1" "$2" "$3" "${librbd[@]}") || true
  [ -n "$c_mib" ] || { cat "$work/fio.log" >&2; fail "fio $1 $2 QD$3 through Cairn's NBD export failed"; }
  [ -n "$r_mib" ] || { cat "$work/fio.log" >&2; fail "fio $1 $2 QD$3 through librbd failed"; }
  direct_mib[$spec]=$r_mib
  ratio=$(awk -v a="$c_iops" -v b="$r_iops" 'BEGIN { printf "%.0f%%", (b > 0 ? 100 * a / b : 0) }')
  printf "| %s %s QD%s | %.0f | %.0f | %.0f | %.0f | %s |\n" "$1" "$2" "$3" "$c_mib" "$c_iops" "$r_mib" "$r_iops" "$ratio"
done

# rbd bench has no time limit, only a byte count: give each run what fio moved through librbd in RUNTIME seconds
# for the same job (at least 64 requests per thread), so it too runs for about RUNTIME seconds.
echo
echo "| rbd bench | MiB/s | IOPS | wall seconds |"
echo "|---|---|---|---|"
for spec in "${specs[@]}"; do
  set -- $spec
  case "$1" in write) type=write pattern=seq ;; read) type=read pattern=seq ;;
    randwrite) type=write pattern=rand ;; randread) type=read pattern=rand ;; esac
  io_size=$(echo "$2" | tr k K)
  bytes=$(awk -v mib="${direct_mib[$spec]}" -v t="$runtime" -v bs="$2" -v qd="$3" 'BEGIN {
    b = (bs ~ /M/ ? 1048576 : 4096); n = int(mib * 1048576 * t / b); if (n < 64 * qd) n = 64 * qd; printf "%.0f", n * b }')
  started=$(date +%s%N)
  out=$(rbd --id "$user" -p "$pool" bench --io-type "$type" --io-size "$io_size" --io-threads "$3" \
    --io-pattern "$pattern" --io-total "$bytes" "$image" 2>>"$work/rbd-bench.log") \
    || { cat "$work/rbd-bench.log" >&2; fail "rbd bench $type $pattern $io_size failed"; }
  ended=$(date +%s%N)
  echo "$out" | awk -v bs="$2" -v name="$type $pattern $io_size threads $3" -v ns=$((ended - started)) '
    /^elapsed:/ { for (i = 1; i < NF; i++) if ($i == "ops/sec:") ops = $(i + 1) }
    END { b = (bs ~ /M/ ? 1048576 : 4096); printf "| %s | %.0f | %.0f | %.1f |\n", name, ops * b / 1048576, ops, ns / 1e9 }'
done
