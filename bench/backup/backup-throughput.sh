#!/usr/bin/env bash
# Backup throughput to S3: a 4 GiB volume filled with incompressible data over NBD, a full backup of it, then 1 % of it
# changed in two patterns, each followed by an incremental backup: (a) 41 writes of 1 MiB at random MiB offsets
# (each one whole 1 MiB backup chunk), (b) 41 writes of 1 MiB at random 4 KiB offsets (most straddling two chunks).
# Each backup is timed from the
# POST /backups to the first GET that shows it available; the bytes it uploaded are the bucket's growth, as the object
# store counts it. Then the full and the last incremental backup are each restored to a new volume (timed from the
# POST /backups/{id}/restore to the volume's first GET as available), and the restored data is checked against the
# source's at the backup's time.
# The object store is Ceph's RADOS Gateway on loopback, in a one-node cluster this script starts (ceph/micro-ceph.sh,
# memstore OSD), unless BENCH_S3_ENDPOINT names another S3 store.
# Usage: bench/backup/backup-throughput.sh      needs: curl jq nbdcopy (libnbd-bin) qemu-io (qemu-utils) openssl, and
#   for its own cluster ceph-mon ceph-osd ceph-mgr ceph-common radosgw; for another endpoint the AWS CLI.
# Environment: BENCH_BACKEND (local, or rbd: the volumes in pool rbd of the cluster this script starts),
# BENCH_S3_ENDPOINT, BENCH_S3_ACCESS_KEY, BENCH_S3_SECRET_KEY (another S3 store; a fresh bucket is made in it and
# removed at the end), BENCH_SIZE_GB (4; the changes stay 1 %), MEMSTORE_BYTES (the OSD's capacity; default 12 GiB,
# 16 GiB with rbd), BENCH_MIN_FREE_MB (see the memory check below), BENCH_QUIET_WAIT (the longest wait, in seconds,
# for the machine to be quiet before each measurement: no Maven test run (surefire) in progress; default 1800, 0 does
# not wait; each row says whether one ran during it all the same), BENCH_SEED (for the data and the offsets),
# BENCH_DIR (where the temporary directory goes, /tmp), BENCH_LOG (a file to keep Cairn's log in).
# Prints markdown tables; BENCHMARKS.md records the results with the machine they ran on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
backend="${BENCH_BACKEND:-local}"
seed="${BENCH_SEED:-1}"
quiet_wait="${BENCH_QUIET_WAIT:-1800}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
api_port="${BENCH_PORT:-18997}"
cairn_nbd=18815
mon_port=16889
rgw_port=17581
api="http://127.0.0.1:$api_port/v3/$project"
auth=(-H "X-Auth-Token: bench:$project")
size_gb="${BENCH_SIZE_GB:-4}"
# 1 % of the volume: 41 × 1 MiB for 4 GiB, in each pattern.
writes=$(((size_gb * 1024 + 50) / 100))
mib=$((1024 * 1024))
chunk=$mib # Cairn's backup chunk (BackupRepository.CHUNK_SIZE)
bucket="cairn-bench-$(date +%s)-$$"
case "$backend" in local | rbd) ;; *) echo "bench: BENCH_BACKEND is local or rbd, not $backend" >&2; exit 1 ;; esac
for tool in curl jq nbdcopy qemu-io openssl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done
own_cluster=
if [ -z "${BENCH_S3_ENDPOINT:-}" ] || [ "$backend" = rbd ]; then
  own_cluster=1
  for tool in ceph-mon ceph-osd ceph-mgr ceph radosgw radosgw-admin; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed for the cluster this script starts" >&2; exit 1; }
  done
fi
if [ -n "${BENCH_S3_ENDPOINT:-}" ]; then
  command -v aws >/dev/null || { echo "bench: the AWS CLI is needed to measure another endpoint's bucket" >&2; exit 1; }
  endpoint="$BENCH_S3_ENDPOINT"
  access_key="${BENCH_S3_ACCESS_KEY:?BENCH_S3_ACCESS_KEY goes with BENCH_S3_ENDPOINT}"
  secret_key="${BENCH_S3_SECRET_KEY:?BENCH_S3_SECRET_KEY goes with BENCH_S3_ENDPOINT}"
else
  endpoint="http://127.0.0.1:$rgw_port"
  access_key=cairnbench
  secret_key=cairnbenchsecret0123456789
fi
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-backup-bench.XXXXXX")"
ceph_dir="$work/ceph"
backups=()
server=
watcher=
guard=

# Everything lives in $work: the cluster (in memory), Cairn's data and its database. On another endpoint the backups
# are deleted through the API (newest first: an incremental backup's parent cannot go before it), then the bucket.
# On a failure the end of the server log goes to stderr.
cleanup() {
  local status=$? i index
  if [ -n "${BENCH_S3_ENDPOINT:-}" ] && [ -n "$server" ]; then
    for ((index = ${#backups[@]} - 1; index >= 0; index--)); do
      curl -s -o /dev/null -X DELETE "$api/backups/${backups[$index]}" "${auth[@]}" || true
      for i in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/backups/${backups[$index]}" "${auth[@]}")" = 404 ] && break
        sleep 0.2
      done
    done
    s3 s3 rb "s3://$bucket" --force >/dev/null 2>&1 || echo "bench: could not remove bucket $bucket" >&2
  fi
  [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
  [ -z "$guard" ] || kill "$guard" 2>/dev/null || true
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -z "$own_cluster" ] || [ ! -d "$ceph_dir" ] || stop_cluster
  [ -z "${BENCH_LOG:-}" ] || [ ! -f "$work/server.log" ] || cp "$work/server.log" "$BENCH_LOG"
  if [ "$status" != 0 ] && [ -f "$work/server.log" ]; then
    echo "bench: failed; the end of Cairn's log ($work/server.log):" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() { echo "bench: $*" >&2; exit 1; }
id_of() { sed 's/.*"id": *"\([^"]*\)".*/\1/'; }
s3() {
  AWS_ACCESS_KEY_ID="$access_key" AWS_SECRET_ACCESS_KEY="$secret_key" AWS_DEFAULT_REGION=us-east-1 \
    aws --endpoint-url "$endpoint" "$@"
}

# The daemons of this run's cluster that still run, by their command line (which names this run's ceph.conf).
cluster_daemons() { pgrep -f -- "-c $ceph_dir/ceph.conf" || true; }
# micro-ceph.sh stop finds the daemons by their pid files. After one interrupted run the OSD, the manager and the
# gateway still ran once it had returned and their directory was gone (a memstore OSD writes all it holds to its data
# directory as it stops: minutes, for gigabytes, and of no use here). So whatever of this run's cluster still runs
# a few seconds after the stop is killed, found by its command line.
stop_cluster() {
  local pids
  CEPH_DIR="$ceph_dir" bash "$root/ceph/micro-ceph.sh" stop >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    pids=$(cluster_daemons)
    [ -n "$pids" ] || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 1 100); do
    [ -n "$(cluster_daemons)" ] || return 0
    sleep 0.1
  done
  echo "bench: the cluster's daemons still run: $(cluster_daemons | tr '\n' ' ')" >&2
}

# A deterministic, incompressible stream (AES-CTR of zeros under a key made from the label and the seed); openssl
# ends on SIGPIPE once head has its bytes, which is no failure.
random_bytes() { # label count
  { openssl enc -aes-128-ctr -pass "pass:cairn-bench-$seed-$1" -nosalt -pbkdf2 </dev/zero 2>/dev/null || true; } |
    head -c "$2"
}
seeded() { random_bytes "offsets-$1" 1048576; } # for shuf

# Another engineer's test suite on the same two cores skews every number: wait until no surefire JVM runs.
wait_quiet() {
  local waited=0
  while [ "$quiet_wait" -gt 0 ] && pgrep -f surefire >/dev/null; do
    if [ "$waited" -ge "$quiet_wait" ]; then
      echo "bench: a test suite (surefire) still runs after ${quiet_wait} s; measuring anyway" >&2
      return 0
    fi
    [ "$waited" -gt 0 ] || echo "bench: a test suite (surefire) is running; waiting for it to end" >&2
    sleep 15
    waited=$((waited + 15))
  done
  [ "$waited" = 0 ] || echo "bench: quiet after ${waited} s" >&2
}
# Whether a test suite ran during a measurement after all: sampled every second, reported in each row.
watch_start() {
  rm -f "$work/suite-ran"
  while :; do
    if pgrep -f surefire >/dev/null; then : >"$work/suite-ran"; fi
    sleep 1
  done &
  watcher=$!
}
watch_stop() { # prints yes or no
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  watcher=
  if [ -e "$work/suite-ran" ]; then echo yes; else echo no; fi
}

# The bucket's bytes and objects, as the store counts them.
bucket_usage() {
  if [ -n "${BENCH_S3_ENDPOINT:-}" ]; then
    s3 s3 ls "s3://$bucket" --recursive --summarize |
      awk '/Total Objects:/ { n = $3 } /Total Size:/ { s = $3 } END { print s + 0, n + 0 }'
  else
    radosgw-admin -c "$ceph_dir/ceph.conf" bucket stats --bucket="$bucket" |
      jq -r '[(.usage["rgw.main"].size // 0), (.usage["rgw.main"].num_objects // 0)] | @tsv'
  fi
}
# Bytes the process has read through read(2) and its kind (files, sockets): the volume's data for a backup (from the
# page cache or the disk, or from the OSD with rbd), the chunks downloaded for a restore.
read_bytes_of() { awk '/^rchar:/ { print $2 }' "/proc/$1/io"; }
cpu_ticks() { # pids...: user + system time, in clock ticks, of those that run
  local pid total=0
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
ticks=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; } # the whole machine's
store_pids() { [ -z "$own_cluster" ] || cat "$ceph_dir"/run/{client.rgw.a,osd.0}.pid 2>/dev/null || true; }
cluster_pids() { [ -z "$own_cluster" ] || cat "$ceph_dir"/run/*.pid 2>/dev/null || true; }
osd_memory() { # to stderr, for the memory check below
  local pid
  pid=$(cat "$ceph_dir/run/osd.0.pid" 2>/dev/null) || return 0
  echo "bench: the OSD's resident size: $(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status") MiB" >&2
}

# Counters across one measurement: measure_begin, the work, then measure_end sets m_read (bytes Cairn read), m_cpu
# (Cairn's CPU ticks), m_store (radosgw's and the OSD's), m_other (every other process's: the machine's busy time
# less Cairn's and the cluster's; it includes this script's polling) and m_suite (yes when a test suite ran).
measure_begin() {
  m_read=$(read_bytes_of "$server")
  m_cpu=$(cpu_ticks "$server")
  # shellcheck disable=SC2046
  m_store=$(cpu_ticks $(store_pids))
  # shellcheck disable=SC2046
  m_other=$(($(busy_ticks) - m_cpu - $(cpu_ticks $(cluster_pids))))
  watch_start
}
measure_end() {
  local cpu
  m_suite=$(watch_stop)
  m_read=$(($(read_bytes_of "$server") - m_read))
  cpu=$(cpu_ticks "$server")
  # shellcheck disable=SC2046
  m_other=$(($(busy_ticks) - cpu - $(cpu_ticks $(cluster_pids)) - m_other))
  m_cpu=$((cpu - m_cpu))
  # shellcheck disable=SC2046
  m_store=$(($(cpu_ticks $(store_pids)) - m_store))
}

# With curl and sed, not jq: jq takes some 40 ms of CPU a call, which polling would take from the measurement.
status_of() { # kind id
  curl -sf "$api/$1/$2" "${auth[@]}" | sed -n 's/.*"status": *"\([^"]*\)".*/\1/p'
}
# Polls every 1/20 of the time waited so far (20 ms to 0.5 s): the time is known to about 5 %, at little CPU.
wait_available() { # kind id; gives up after an hour
  local state t0=${EPOCHREALTIME/./} pause
  while [ $((${EPOCHREALTIME/./} - t0)) -lt 3600000000 ]; do
    state=$(status_of "$1" "$2") || fail "GET /$1/$2 failed"
    case "$state" in
      available) return 0 ;;
      error*) fail "$1 $2 went to $state: $(curl -sf "$api/$1/$2" "${auth[@]}" | jq -c '.[] | .fail_reason // .')" ;;
    esac
    pause=$(((${EPOCHREALTIME/./} - t0) / 20))
    [ "$pause" -ge 20000 ] || pause=20000
    [ "$pause" -le 500000 ] || pause=500000
    sleep "$(printf '0.%06d' "$pause")"
  done
  fail "$1 $2 is still $state after an hour"
}
new_volume() {
  local volume
  volume=$(curl -sf -X POST "$api/volumes" "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"volume\":{\"size\":$size_gb}}" | id_of)
  [ -n "$volume" ] || fail "creating a $size_gb GiB volume failed"
  wait_available volumes "$volume"
  echo "$volume"
}
delete_volume() {
  curl -sf -o /dev/null -X DELETE "$api/volumes/$1" "${auth[@]}" || fail "DELETE /volumes/$1 failed"
  for _ in $(seq 1 600); do
    [ "$(curl -s -o "$work/volume.json" -w '%{http_code}' "$api/volumes/$1" "${auth[@]}")" != 404 ] || return 0
    if grep -q '"status": *"error_deleting"' "$work/volume.json"; then fail "volume $1 went to error_deleting"; fi
    sleep 0.2
  done
  fail "volume $1 was not deleted within 120 s"
}
volume_sha() { nbdcopy "nbd://127.0.0.1:$cairn_nbd/$1" - | sha256sum | cut -d' ' -f1; }
qemu_io() { # volume, then qemu-io commands
  local volume=$1 args=() command
  shift
  for command in "$@"; do args+=(-c "$command"); done
  qemu-io -f raw "${args[@]}" "nbd://127.0.0.1:$cairn_nbd/$volume" >"$work/qemu-io.log" 2>&1 ||
    { cat "$work/qemu-io.log" >&2; fail "qemu-io over NBD failed"; }
  if grep -qiE 'fail|error' "$work/qemu-io.log"; then cat "$work/qemu-io.log" >&2; fail "qemu-io over NBD failed"; fi
}
distinct_chunks() { # the chunks that writes of 1 MiB at these offsets (bytes, one a line) touch
  awk -v chunk="$chunk" -v mib="$mib" '{ for (c = int($1 / chunk); c <= int(($1 + mib - 1) / chunk); c++) seen[c] = 1 }
    END { print length(seen) }'
}

# --- the object store and Cairn ---
if [ -n "$own_cluster" ]; then
  memstore="${MEMSTORE_BYTES:-$([ "$backend" = rbd ] && echo $((16 << 30)) || echo $((12 << 30)))}"
  # The OSD keeps every byte in memory, at about twice its size (14.4 GiB resident for 8.1 GiB stored), and
  # the machine may have no swap. It holds the backups (the volume and a little more) and, with rbd, one volume
  # besides (the source, then the restored volume in its place). Refuse to start without that and 3 GiB to spare,
  # and stop the cluster if free memory falls below BENCH_MIN_FREE_MB (2048) later on, rather than push the
  # machine's other work out of memory.
  available_mb=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
  needed_mb=$((size_gb * 1024 * ($([ "$backend" = rbd ] && echo 2 || echo 1) * 100 + 15) * 2 / 100 + 3072))
  [ "$available_mb" -ge "$needed_mb" ] || fail "the cluster would take about $((needed_mb - 3072)) MiB of memory;" \
    "$available_mb MiB is available, $needed_mb needed (a smaller BENCH_SIZE_GB needs less)"
  min_free_mb="${BENCH_MIN_FREE_MB:-2048}"
  (
    while sleep 2; do
      if [ "$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)" -lt "$min_free_mb" ]; then
        echo "bench: less than $min_free_mb MiB of memory available: stopping the cluster and the benchmark" >&2
        stop_cluster
        kill -TERM $$
        exit 0
      fi
    done
  ) &
  guard=$!
  rgw=1
  [ -z "${BENCH_S3_ENDPOINT:-}" ] || rgw=0
  echo "bench: starting a one-node Ceph cluster in $ceph_dir (memstore $((memstore >> 30)) GiB)" >&2
  CEPH_DIR="$ceph_dir" MON_PORT="$mon_port" WITH_RGW="$rgw" RGW_PORT="$rgw_port" RGW_ACCESS_KEY="$access_key" \
    RGW_SECRET_KEY="$secret_key" MEMSTORE_BYTES="$memstore" bash "$root/ceph/micro-ceph.sh" start \
    >"$work/ceph-start.log" 2>&1 || { cat "$work/ceph-start.log" >&2; fail "ceph/micro-ceph.sh start failed"; }
  if [ "$rgw" = 1 ]; then # radosgw answers once it has made its pools
    for i in $(seq 1 240); do
      case "$(curl -s -o /dev/null -w '%{http_code}' "$endpoint/")" in 200 | 403) break ;; esac
      [ "$i" != 240 ] || fail "radosgw did not answer on $endpoint within 120 s (see $ceph_dir/log)"
      sleep 0.5
    done
  fi
fi

engine=()
[ "$backend" = local ] ||
  engine=(--backend rbd --ceph-conf "$ceph_dir/ceph.conf" --rbd-pool rbd --ceph-user admin)
CAIRN_BACKUP_S3_ENDPOINT="$endpoint" CAIRN_BACKUP_S3_BUCKET="$bucket" CAIRN_BACKUP_S3_ACCESS_KEY="$access_key" \
  CAIRN_BACKUP_S3_SECRET_KEY="$secret_key" "$root/cairn" serve --port "$api_port" --nbd-port "$cairn_nbd" \
  --data-dir "$work/data" "${engine[@]}" >"$work/server.log" 2>&1 &
server=$!
until curl -sf "http://127.0.0.1:$api_port/healthz" >/dev/null; do
  kill -0 "$server" 2>/dev/null || { server=; fail "cairn serve exited"; }
  sleep 0.1
done
# Three 4 GiB volumes, three backups of 4 GiB: lift the project's quotas rather than depend on their defaults.
curl -sf -X PUT "http://127.0.0.1:$api_port/v3/$project/os-quota-sets/$project" "${auth[@]}" \
  -H 'Content-Type: application/json' \
  -d '{"quota_set":{"volumes":-1,"snapshots":-1,"gigabytes":-1,"backups":-1,"backup_gigabytes":-1}}' >/dev/null ||
  fail "lifting the project's quotas failed"

# --- the volume, full of incompressible data ---
volume=$(new_volume)
echo "bench: filling volume $volume ($size_gb GiB) over NBD" >&2
started=$(date +%s%N)
random_bytes fill $((size_gb << 30)) | tee >(sha256sum | cut -d' ' -f1 >"$work/fill.sha") |
  nbdcopy --flush - "nbd://127.0.0.1:$cairn_nbd/$volume" || fail "nbdcopy to volume $volume failed"
echo "bench: filled in $(awk -v ns=$(($(date +%s%N) - started)) 'BEGIN { printf "%.1f", ns / 1e9 }') s" >&2
for _ in $(seq 1 100); do [ -s "$work/fill.sha" ] && break; sleep 0.1; done # the substitution's hash
full_sha=$(cat "$work/fill.sha")
[ -n "$full_sha" ] || fail "hashing the data written took too long"
osd_memory

# One backup, timed; adds its row and sets $backup to its id. The numbers are differences across the backup alone.
rows=()
timed_backup() { # label, changed (in words), chunks touched, incremental (true|false)
  local label=$1 changed=$2 touched=$3 incremental=$4 started ns before_bytes before_objects after_bytes after_objects
  wait_quiet
  read -r before_bytes before_objects < <(bucket_usage)
  measure_begin
  started=$(date +%s%N)
  backup=$(curl -sf -X POST "$api/backups" "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"backup\":{\"volume_id\":\"$volume\",\"name\":\"bench-$label\",\"incremental\":$incremental}}" | id_of)
  [ -n "$backup" ] || fail "POST /backups ($label) failed"
  backups+=("$backup")
  wait_available backups "$backup"
  ns=$(($(date +%s%N) - started))
  measure_end
  read -r after_bytes after_objects < <(bucket_usage)
  rows+=("$(awk -v label="$label" -v changed="$changed" -v touched="$touched" -v ns="$ns" -v mib="$mib" \
    -v size=$((size_gb << 30)) -v read="$m_read" -v up=$((after_bytes - before_bytes)) \
    -v objects=$((after_objects - before_objects)) -v cpu="$m_cpu" -v store="$m_store" -v other="$m_other" \
    -v ticks="$ticks" -v own="$own_cluster" -v suite="$m_suite" 'BEGIN {
      s = ns / 1e9
      printf "| %s | %s | %d | %.1f | %.0f | %.0f | %.0f | %.1f | %d | %.1f | %s | %.1f | %s |", label, changed,
        touched, s, size / mib / s, read / mib, read / mib / s, up / mib, objects, cpu / ticks,
        (own ? sprintf("%.1f", store / ticks) : "–"), other / ticks, suite }')")
  echo "bench: ${rows[-1]}" >&2 # as it comes, in case a later step fails
  osd_memory
}

# One restore to a new volume, timed, then checked and deleted.
restores=()
timed_restore() { # label, backup id, the SHA-256 the restored volume must have
  local label=$1 id=$2 expected=$3 started ns target sha
  wait_quiet
  measure_begin
  started=$(date +%s%N)
  target=$(curl -sf -X POST "$api/backups/$id/restore" "${auth[@]}" -H 'Content-Type: application/json' \
    -d '{"restore":{}}' | jq -r '.restore.volume_id')
  [ -n "$target" ] && [ "$target" != null ] || fail "POST /backups/$id/restore failed"
  wait_available volumes "$target"
  ns=$(($(date +%s%N) - started))
  measure_end
  wait_available backups "$id"
  sha=$(volume_sha "$target")
  [ "$sha" = "$expected" ] || fail "the volume restored from backup $id ($label) reads $sha, not $expected"
  restores+=("$(awk -v label="$label" -v ns="$ns" -v mib="$mib" -v size=$((size_gb << 30)) -v read="$m_read" \
    -v cpu="$m_cpu" -v store="$m_store" -v other="$m_other" -v ticks="$ticks" -v own="$own_cluster" \
    -v suite="$m_suite" 'BEGIN {
      s = ns / 1e9
      printf "| %s | %.1f | %.0f | %.0f | %.1f | %s | %.1f | same SHA-256 | %s |", label, s, size / mib / s,
        read / mib, cpu / ticks, (own ? sprintf("%.1f", store / ticks) : "–"), other / ticks, suite }')")
  echo "bench: ${restores[-1]}" >&2
  osd_memory
  delete_volume "$target" # out of the way of the next measurement (and of the memstore, with rbd)
}

write_mib() { # pattern: 1 MiB of fresh random data at each offset of $work/offsets-<pattern>
  local commands=() i=0 offset
  while read -r offset; do
    random_bytes "$1-$i" "$mib" >"$work/$1-$i"
    commands+=("write -q -s $work/$1-$i $offset 1M")
    i=$((i + 1))
  done <"$work/offsets-$1"
  qemu_io "$volume" "${commands[@]}"
}

timed_backup full "all ($size_gb GiB)" $(((size_gb << 30) / chunk)) false
full=$backup

# (a) 1 MiB writes at distinct random MiB offsets: each replaces one chunk whole.
shuf -i 0-$(((size_gb << 10) - 1)) -n "$writes" --random-source=<(seeded a) |
  awk -v mib="$mib" '{ printf "%.0f\n", $1 * mib }' >"$work/offsets-a"
write_mib a
timed_backup "incremental (a)" "$writes × 1 MiB, random MiB offsets" "$(distinct_chunks <"$work/offsets-a")" true

# (b) 1 MiB writes at distinct random 4 KiB offsets: most fall across two chunks, the case of unaligned writes.
shuf -i 0-$(((size_gb << 18) - 256)) -n "$writes" --random-source=<(seeded b) |
  awk '{ printf "%.0f\n", $1 * 4096 }' >"$work/offsets-b"
write_mib b
last_sha=$(volume_sha "$volume") # before the backup, as nothing writes to the volume from here on
timed_backup "incremental (b)" "$writes × 1 MiB, random 4 KiB offsets" "$(distinct_chunks <"$work/offsets-b")" true
last=$backup

# The restores are checked against the hashes taken above, so the source volume can go: with rbd that leaves the
# cluster's memory to the restored volume. (Cinder deletes a volume that has backups; Cairn drops the engine snapshot
# it kept for the next incremental backup.)
delete_volume "$volume"
timed_restore "full" "$full" "$full_sha"
timed_restore "incremental (b), the chain's newest" "$last" "$last_sha"

echo "Backend: $backend; object store: $endpoint$([ -n "${BENCH_S3_ENDPOINT:-}" ] || echo " (radosgw, this script's cluster)"); volume: $size_gb GiB."
echo
echo "| backup | changed since the last | 1 MiB chunks touched | seconds | MiB/s of volume | MiB read by Cairn | MiB/s read | MiB uploaded (bucket growth) | objects added (chunks + manifest) | Cairn CPU s | RGW+OSD CPU s | other processes' CPU s | test suite ran meanwhile |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "| restore to a new volume | seconds | MiB/s of volume | MiB read by Cairn | Cairn CPU s | RGW+OSD CPU s | other processes' CPU s | data | test suite ran meanwhile |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${restores[@]}"
