#!/usr/bin/env bash
# Snapshot creation time through the API with Cairn's RBD backend, for a thin 1 GiB and a thin 1 TiB volume with a
# little data written to each over NBD: from the POST /snapshots to the first GET that shows it available. For
# comparison, the same number of `rbd snap create` on a scratch image of the same size, made and removed here with
# the rbd tool (its time includes the tool's start-up and connection, about 0.1 s).
# Usage: bench/data-plane/rbd-snapshot-time.sh [SNAPSHOTS_PER_SIZE]      needs: ceph-common qemu-utils curl
# Environment: CEPH_CONF (default /etc/ceph/ceph.conf), RBD_POOL (rbd), CEPH_USER (admin), BENCH_LOG (a file to keep
# Cairn's log in). Prints a markdown table; BENCHMARKS.md records the results with the machine they ran on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count="${1:-5}"
export CEPH_CONF="${CEPH_CONF:-/etc/ceph/ceph.conf}"
pool="${RBD_POOL:-rbd}"
user="${CEPH_USER:-admin}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
api_port="${BENCH_PORT:-18995}"
cairn_nbd=18813
api="http://127.0.0.1:$api_port/v3/$project"
auth=(-H "X-Auth-Token: bench:$project")
for tool in rbd qemu-io curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
[ -r "$CEPH_CONF" ] || { echo "bench: CEPH_CONF=$CEPH_CONF is not a readable file" >&2; exit 1; }
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-rbd-snap-bench.XXXXXX")"
volumes=()
server=
scratch="cairn-bench-snaptime-$$"

# The images live in the cluster: delete the volumes (and their snapshots) through the API, and remove what is left
# directly only if that did not work. On a failure the end of the server log goes to stderr.
cleanup() {
  local status=$? volume i
  for volume in "${volumes[@]}"; do
    curl -s -o /dev/null -X DELETE "$api/volumes/$volume?cascade=true" "${auth[@]}" || true
  done
  for volume in "${volumes[@]}"; do
    for i in $(seq 1 100); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/volumes/$volume" "${auth[@]}")" = 404 ] && break
      sleep 0.2
    done
  done
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  for volume in "${volumes[@]}"; do
    if rbd --id "$user" -p "$pool" info "volume-$volume" >/dev/null 2>&1; then
      echo "bench: Cairn left volume-$volume behind; removing it with rbd" >&2
      rbd --id "$user" -p "$pool" snap purge "volume-$volume" >/dev/null 2>&1 || true
      rbd --id "$user" -p "$pool" rm --no-progress "volume-$volume" >/dev/null 2>&1 || true
    fi
  done
  if rbd --id "$user" -p "$pool" info "$scratch" >/dev/null 2>&1; then
    rbd --id "$user" -p "$pool" snap purge "$scratch" >/dev/null 2>&1 || true
    rbd --id "$user" -p "$pool" rm --no-progress "$scratch" >/dev/null 2>&1 || true
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
id_of() { sed 's/.*"id": *"\([^"]*\)".*/\1/'; }

"$root/cairn" serve --port "$api_port" --nbd-port "$cairn_nbd" --data-dir "$work/data" \
  --backend rbd --ceph-conf "$CEPH_CONF" --rbd-pool "$pool" --ceph-user "$user" >"$work/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null; do
  kill -0 "$server" 2>/dev/null || fail "cairn serve exited"
  sleep 0.1
done
# 1 TiB and 2 × SNAPSHOTS snapshots are past Cinder's default quotas (1000 GiB, 10 snapshots): lift them.
curl -sf -X PUT "http://127.0.0.1:$api_port/v3/$project/os-quota-sets/$project" "${auth[@]}" \
  -H 'Content-Type: application/json' -d '{"quota_set":{"volumes":-1,"snapshots":-1,"gigabytes":-1}}' >/dev/null \
  || fail "lifting the project's quotas failed"

status_of() { # kind id
  curl -sf "$api/$1/$2" "${auth[@]}" | sed -n 's/.*"status": *"\([^"]*\)".*/\1/p'
}

summary() { # label, then the times in ms in the order taken
  local label="$1"
  shift
  printf '%s\n' "$@" | sort -n | awk -v label="$label" -v each="$(echo "$*" | sed 's/ /, /g')" '{ t[NR] = $1 }
    END { m = (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2)
          printf "| %s | %.1f ms | %.1f ms | %s |\n", label, m, t[NR], each }'
}
ms_since() { awk -v ns=$(($(date +%s%N) - $1)) 'BEGIN { printf "%.1f", ns / 1e6 }'; }

echo "| volume size, written | path | snapshot time, median of $count | max | each, in order taken (ms) |"
echo "|---|---|---|---|---|"
for size_gb in 1 1024; do
  volume=$(curl -sf -X POST "$api/volumes" "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"volume\":{\"size\":$size_gb}}" | id_of)
  [ -n "$volume" ] || fail "creating a $size_gb GiB volume failed"
  volumes+=("$volume")
  until [ "$(status_of volumes "$volume")" = available ]; do
    [ "$(status_of volumes "$volume")" != error ] || fail "volume $volume went to error"
    sleep 0.1
  done
  # A little data, at the start, the middle and the end: 3 × 4 MiB, three RBD objects.
  bytes=$((size_gb * 1024 * 1024 * 1024))
  qemu-io -f raw -c "write -P 0xa1 0 4M" -c "write -P 0xa2 $((bytes / 2)) 4M" -c "write -P 0xa3 $((bytes - 4194304)) 4M" \
    "nbd://127.0.0.1:$cairn_nbd/$volume" >"$work/qemu-io.log" 2>&1 || { cat "$work/qemu-io.log" >&2; fail "qemu-io over NBD failed"; }
  grep -qiE 'fail|error' "$work/qemu-io.log" && { cat "$work/qemu-io.log" >&2; fail "qemu-io over NBD failed"; }
  times=()
  for i in $(seq 1 "$count"); do
    started=$(date +%s%N)
    snapshot=$(curl -sf -X POST "$api/snapshots" "${auth[@]}" -H 'Content-Type: application/json' \
      -d "{\"snapshot\":{\"volume_id\":\"$volume\",\"name\":\"bench-$i\"}}" | id_of)
    [ -n "$snapshot" ] || fail "POST /snapshots on $volume failed"
    while true; do
      state=$(status_of snapshots "$snapshot")
      [ "$state" = available ] && break
      [ "$state" != error ] || fail "snapshot $snapshot of $volume went to error"
      sleep 0.01
    done
    times+=("$(ms_since "$started")")
  done
  size=$([ "$size_gb" = 1024 ] && echo "1 TiB" || echo "$size_gb GiB")
  summary "$size, 12 MiB | Cairn API (POST to available)" "${times[@]}"

  rbd --id "$user" -p "$pool" create --size "${size_gb}G" "$scratch" 2>>"$work/rbd.log" || fail "rbd create $scratch failed"
  rbd --id "$user" -p "$pool" bench --io-type write --io-size 4M --io-threads 1 --io-total 12M --io-pattern rand \
    "$scratch" >/dev/null 2>>"$work/rbd.log" || fail "writing to $scratch failed" # 3 × 4 MiB at random offsets
  times=()
  for i in $(seq 1 "$count"); do
    started=$(date +%s%N)
    rbd --id "$user" -p "$pool" snap create "$scratch@bench-$i" 2>>"$work/rbd.log" || fail "rbd snap create failed"
    times+=("$(ms_since "$started")")
  done
  summary "$size, 12 MiB | rbd snap create (scratch image, tool start-up included)" "${times[@]}"
  rbd --id "$user" -p "$pool" snap purge "$scratch" >/dev/null 2>&1 || true
  rbd --id "$user" -p "$pool" rm --no-progress "$scratch" >/dev/null 2>&1 || fail "rbd rm $scratch failed"
done
