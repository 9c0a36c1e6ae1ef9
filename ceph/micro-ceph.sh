#!/usr/bin/env bash
# A throwaway one-node Ceph cluster on 127.0.0.1 for Cairn's RBD tests: one monitor, one manager, one OSD whose
# data lives in memory (memstore), the pool `rbd` created and initialised, and with WITH_RGW=1 a RADOS Gateway too.
#
#   CEPH_DIR=/tmp/cairn-ceph MON_PORT=6789 bash ceph/micro-ceph.sh start   # then CEPH_CONF=$CEPH_DIR/ceph.conf
#   CEPH_DIR=/tmp/cairn-ceph bash ceph/micro-ceph.sh stop
#   CEPH_DIR=/tmp/cairn-ceph RGW_PORT=7480 bash ceph/micro-ceph.sh rgw    # a RADOS Gateway for a running cluster
#
# Environment: CEPH_DIR (default /tmp/micro-ceph; everything the cluster has lives under it), MON_PORT (6789),
# WITH_RGW (0; 1 starts radosgw), RGW_PORT (7480), MEMSTORE_BYTES (the OSD's capacity, 4 GiB); with RGW_ACCESS_KEY and
# RGW_SECRET_KEY, the gateway gets an S3 user, RGW_USER (cairn), with that key. `rgw` returns once radosgw runs, which
# answers HTTP some seconds later (it first creates its pools).
# `start` on a directory that already holds a cluster stops that cluster and wipes the directory first.
# `stop` returns once the daemons have exited. Debian packages: ceph-mon ceph-osd ceph-mgr ceph-common (radosgw).
set -euo pipefail

dir=${CEPH_DIR:-/tmp/micro-ceph}
case "$dir" in
  "" | / | /tmp | /tmp/ | "$HOME" | "$HOME/") echo "micro-ceph: refusing CEPH_DIR=$dir" >&2; exit 2 ;;
esac
mon_port=${MON_PORT:-6789}
rgw_port=${RGW_PORT:-7480}
conf="$dir/ceph.conf"

# The pids of this directory's daemons that still run: a pid file counts only while its process was started
# with this directory's ceph.conf, so a reused pid is never signalled.
running_pids() {
  local file pid
  for file in "$dir"/run/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file" 2>/dev/null) || continue
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$conf"; then echo "$pid"; fi
  done
}

stop() {
  local pids i
  pids=$(running_pids)
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 1 300); do # up to 30 s for a clean exit, then SIGKILL
    pids=$(running_pids)
    [ -n "$pids" ] || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  for i in $(seq 1 100); do
    [ -n "$(running_pids)" ] || return 0
    sleep 0.1
  done
  echo "micro-ceph: daemons of $dir still running: $(running_pids | tr '\n' ' ')" >&2
  return 1
}

# radosgw on 127.0.0.1:$rgw_port for the cluster in $dir, with an S3 user when RGW_ACCESS_KEY is set.
start_rgw() {
  export CEPH_CONF="$conf"
  # The gateway's pools (six, eight with buckets) at the default 32 placement groups each go past the 250 a monitor
  # allows on one OSD, and a pool the monitor refuses leaves radosgw failing its requests.
  ceph -c "$conf" config set mon mon_max_pg_per_osd 1000
  ceph -c "$conf" auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' >"$dir/rgw/keyring"
  radosgw -c "$conf" -n client.rgw.a --keyring "$dir/rgw/keyring" \
    --rgw-frontends "beast endpoint=127.0.0.1:$rgw_port" --rgw-data "$dir/rgw"
  local user=${RGW_USER:-cairn}
  if [ -n "${RGW_ACCESS_KEY:-}" ] && ! radosgw-admin -c "$conf" user info --uid="$user" >/dev/null 2>&1; then
    radosgw-admin -c "$conf" user create --uid="$user" --display-name="$user" \
      --access-key="$RGW_ACCESS_KEY" --secret="${RGW_SECRET_KEY:?RGW_SECRET_KEY goes with RGW_ACCESS_KEY}" >/dev/null
  fi
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  start) ;;
  rgw)
    [ -f "$conf" ] || { echo "micro-ceph: no cluster in $dir to start radosgw for" >&2; exit 1; }
    start_rgw
    exit 0
    ;;
  *) echo "usage: CEPH_DIR=... $0 start|stop|rgw" >&2; exit 2 ;;
esac

stop
rm -rf "$dir"
mkdir -p "$dir"/{mon,osd,mgr,run,log,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)

# The admin socket and pid file are daemon settings only: in [global] every client (Cairn through librados as
# client.admin, the rbd and ceph commands) would try to bind the same client.admin.asok and fail with "File exists".
daemon_files="admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid"
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
run dir = $dir/run
log file = $dir/log/\$name.log
keyring = $dir/keyring
public network = 127.0.0.0/8
ms bind ipv6 = false
[client]
admin socket =
[mon]
$daemon_files
[mon.a]
mon data = $dir/mon
[mgr]
$daemon_files
mgr data = $dir/mgr
[osd]
$daemon_files
osd objectstore = memstore
memstore device bytes = ${MEMSTORE_BYTES:-4294967296}
osd data = $dir/osd
osd journal size = 100
[client.rgw.a]
$daemon_files
CONF
export CEPH_CONF="$conf"

ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null

ceph-mon -c "$conf" --cluster ceph --id a --mkfs --monmap "$dir/monmap" --keyring "$dir/keyring"
ceph-mon -c "$conf" --id a

ceph -c "$conf" auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' >"$dir/mgr/keyring"
ceph-mgr -c "$conf" --id x --keyring "$dir/mgr/keyring" --mgr-data "$dir/mgr"

osd=$(ceph -c "$conf" osd create)
ceph -c "$conf" auth get-or-create "osd.$osd" mon 'allow profile osd' osd 'allow *' mgr 'allow profile osd' \
  >"$dir/osd/keyring"
ceph-osd -c "$conf" -i "$osd" --mkfs --keyring "$dir/osd/keyring" --osd-data "$dir/osd" >/dev/null 2>&1
ceph-osd -c "$conf" -i "$osd" --keyring "$dir/osd/keyring" --osd-data "$dir/osd"
up=
for _ in $(seq 1 120); do
  if ceph -c "$conf" osd stat 2>/dev/null | grep -q '1 up'; then up=1; break; fi
  sleep 0.5
done
if [ -z "$up" ]; then
  echo "micro-ceph: osd.$osd did not come up within 60 s (see $dir/log)" >&2
  exit 1
fi

ceph -c "$conf" osd pool create rbd 8 >/dev/null 2>&1
rbd -c "$conf" pool init rbd

if [ "${WITH_RGW:-0}" = 1 ]; then
  start_rgw
fi
ceph -c "$conf" -s
