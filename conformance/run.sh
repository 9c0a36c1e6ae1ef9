#!/usr/bin/env bash
# The conformance suite: programs we did not write, unchanged, against Cairn.
#   1. a real Keystone (Debian's keystone, SQLite in WAL mode), with Cairn registered as volumev3;
#   2. the JUnit tests that need it (KeystoneLiveTest, Openstack4jKeystoneTest);
#   3. the client scenarios: openstack CLI, cinder CLI, openstacksdk, libcloud and gophercloud, each with noauth and
#      with Keystone;
#   4. Tempest: the snapshot tests, the group tests and, with a Ceph RADOS Gateway to back up to, the backup tests
#      (must all pass or be skipped), then the whole of tempest.api.volume (counted).
# Usage: ./cairn test --conformance   (or conformance/run.sh)
# Needs Debian 12's keystone sqlite3 curl python3-openstackclient python3-cinderclient python3-openstacksdk tempest
# python3-libcloud golang-go golang-github-gophercloud-gophercloud-dev.
# Env: CONFORMANCE_DIR (target/conformance), KS_PORT (5000), CAIRN_KEYSTONE_PORT (18786), CAIRN_NOAUTH_PORT (18787),
#      TEMPEST_CONCURRENCY (4), CONFORMANCE_FULL_VOLUME_API (1; 0 skips step 4's second half).
# Backups go to a RADOS Gateway in a one-node Ceph cluster of the suite's own (ceph/micro-ceph.sh) when the Ceph
# daemons and radosgw are installed; without them Tempest's backup tests are skipped (backup = false).
# Exits non-zero when a JUnit test, a scenario or a gating Tempest test fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${CONFORMANCE_DIR:-$root/target/conformance}"
ks_port="${KS_PORT:-5000}"
keystone_cairn_port="${CAIRN_KEYSTONE_PORT:-18786}"
noauth_cairn_port="${CAIRN_NOAUTH_PORT:-18787}"
password="${KS_ADMIN_PASSWORD:-secret}"
export KS_ADMIN_PASSWORD="$password" KEYSTONE_URL="http://127.0.0.1:$ks_port/v3"
# Debian's python, clients and tempest: a pyenv python first on PATH cannot see the Debian packages.
export PATH="/usr/bin:$PATH"

# gophercloud is built offline against Debian's package, in GOPATH mode: nothing is downloaded.
gopath=/usr/share/gocode
missing=()
for tool in keystone-manage sqlite3 curl openstack cinder tempest go; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
/usr/bin/python3 -c 'import openstack' 2>/dev/null || missing+=("python3-openstacksdk")
/usr/bin/python3 -c 'import libcloud' 2>/dev/null || missing+=("python3-libcloud")
[ -d "$gopath/src/github.com/gophercloud/gophercloud" ] || missing+=("golang-github-gophercloud-gophercloud-dev")
if [ ${#missing[@]} -gt 0 ]; then
  echo "conformance: missing ${missing[*]}; install with:" >&2
  echo "  apt-get install -y --no-install-recommends keystone sqlite3 curl python3-openstackclient python3-cinderclient" \
       "python3-openstacksdk tempest python3-libcloud golang-go golang-github-gophercloud-gophercloud-dev" >&2
  exit 2
fi

rm -rf "$out"
mkdir -p "$out"
started=$(date +%s)
pids=()
stop_ceph() { :; }
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$out/keystone/keystone.pid" ] && kill "$(cat "$out/keystone/keystone.pid")" 2>/dev/null || true
  stop_ceph
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The servers run from a copy of the jar: the JUnit step below rebuilds target/cairn.jar, and a JVM whose jar
# is replaced under it fails to load classes (and then hangs requests) from that moment on.
"$root/cairn" --version >/dev/null   # builds target/cairn.jar when it is stale
cp "$root/target/cairn.jar" "$out/cairn.jar"
(cd "$here/clients/gophercloud" && GOPATH="$gopath" GO111MODULE=off GOCACHE="$out/go-cache" go build -o "$out/gophercloud-scenario" .)
java="${JAVA_HOME:?JAVA_HOME is not set: run the suite as ./cairn test --conformance, which finds a JDK 22}/bin/java"

# The object store for backups: a RADOS Gateway with an S3 user, up before the Cairn that backs up to it starts.
backup_env=()
export TEMPEST_BACKUP=false
if command -v radosgw >/dev/null && command -v ceph-osd >/dev/null; then
  echo "== ceph with a RADOS Gateway (backups)"
  free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  rgw_port=$(free_port)
  s3_key=cairnconformance s3_secret=cairnconformancesecret
  CEPH_DIR="$out/ceph" MON_PORT=$(free_port) WITH_RGW=1 RGW_PORT="$rgw_port" RGW_ACCESS_KEY="$s3_key"       RGW_SECRET_KEY="$s3_secret" bash "$root/ceph/micro-ceph.sh" start > "$out/ceph.log" 2>&1       || { tail -30 "$out/ceph.log"; exit 1; }
  stop_ceph() { CEPH_DIR="$out/ceph" bash "$root/ceph/micro-ceph.sh" stop >/dev/null 2>&1 || true; }
  for _ in $(seq 1 120); do curl -s "http://127.0.0.1:$rgw_port/" >/dev/null && break; sleep 0.5; done
  curl -s "http://127.0.0.1:$rgw_port/" >/dev/null || { echo "radosgw did not answer; see $out/ceph"; exit 1; }
  backup_env=(CAIRN_BACKUP_S3_ENDPOINT="http://127.0.0.1:$rgw_port" CAIRN_BACKUP_S3_BUCKET=cairn-conformance
              CAIRN_BACKUP_S3_ACCESS_KEY="$s3_key" CAIRN_BACKUP_S3_SECRET_KEY="$s3_secret")
  TEMPEST_BACKUP=true
else
  echo "== no ceph-osd and radosgw: Tempest's backup tests are skipped"
fi

# Both Cairns start while Keystone does; the one with auth=keystone needs Keystone only once requests come.
start_cairn() { # name port [KEY=VALUE...]
  local name=$1 port=$2
  shift 2
  env CAIRN_PORT="$port" CAIRN_NBD_PORT=0 CAIRN_DATA_DIR="$out/cairn-$name" CAIRN_NODE="conformance-$name" "$@" \
      "$java" --enable-native-access=ALL-UNNAMED -jar "$out/cairn.jar" serve > "$out/cairn-$name.log" 2>&1 &
  pids+=($!)
}
# Each noauth scenario uses a fresh project, whose default quota (10 snapshots) is too small to page through 120.
start_cairn noauth "$noauth_cairn_port" CAIRN_AUTH=noauth CAIRN_QUOTA_SNAPSHOTS=-1 CAIRN_QUOTA_VOLUMES=-1 CAIRN_QUOTA_GIGABYTES=-1
start_cairn keystone "$keystone_cairn_port" CAIRN_AUTH=keystone CAIRN_KEYSTONE_URL="$KEYSTONE_URL" \
    CAIRN_KEYSTONE_USERNAME=cinder CAIRN_KEYSTONE_PASSWORD="$password" CAIRN_KEYSTONE_PROJECT=service "${backup_env[@]}"

echo "== keystone"
KS_HOME="$out/keystone" KS_PORT="$ks_port" "$here/keystone/start.sh" "http://127.0.0.1:$keystone_cairn_port" \
    > "$out/keystone-start.log" 2>&1 || { tail -30 "$out/keystone-start.log"; exit 1; }
tail -n1 "$out/keystone-start.log"
for port in "$noauth_cairn_port" "$keystone_cairn_port"; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "Cairn on port $port did not start; see $out/cairn-*.log"; exit 1; }
done

keystone_env=(OS_AUTH_URL="$KEYSTONE_URL" OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne OS_PASSWORD="$password"
              OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default)
# The scenarios page through 120 snapshots in the demo project, more than Cinder's default quota of 10.
env "${keystone_env[@]}" OS_USERNAME=admin OS_PROJECT_NAME=admin CAIRN_URL="http://127.0.0.1:$keystone_cairn_port" \
    /usr/bin/python3 "$here/clients/unlimited_quota.py" demo

failures=()
run_logged() { # label log command...
  local label=$1 log=$2
  shift 2
  if "$@" > "$log" 2>&1; then echo "  passed  $label"; else echo "  FAILED  $label (log: $log)"; return 1; fi
}

echo "== JUnit tests against the real Keystone, and the client scenarios (in parallel)"
# A skipped test would mean it did not find this Keystone: that counts as a failure here.
no_skips() {
  local test
  for test in KeystoneLiveTest Openstack4jKeystoneTest; do
    grep -q 'skipped="0"' "$root/target/surefire-reports/TEST-io.cairn.http.$test.xml" || { echo "  $test was skipped"; return 1; }
  done
}
(CAIRN_TEST_KEYSTONE_URL="$KEYSTONE_URL" CAIRN_TEST_KEYSTONE_PASSWORD="$password" run_logged "JUnit KeystoneLiveTest, Openstack4jKeystoneTest" \
    "$out/junit.log" "$root/cairn" test -Dtest='KeystoneLiveTest,Openstack4jKeystoneTest' -Dsurefire.failIfNoSpecifiedTests=false \
    && no_skips) > "$out/junit.result" &
junit=$!
scenarios() { # auth port [env...]
  local auth=$1 port=$2 client
  shift 2
  for client in openstack_cli cinder_cli sdk libcloud_driver gophercloud; do
    local program=(/usr/bin/python3 "$here/clients/$client.py")
    [ "$client" = gophercloud ] && program=("$out/gophercloud-scenario")
    run_logged "$client with $auth" "$out/scenario-$client-$auth.log" \
        env CAIRN_URL="http://127.0.0.1:$port" SCENARIO_AUTH="$auth" "$@" "${program[@]}" \
        || echo "$client-$auth" >> "$out/scenario-failures"
  done
}
scenarios noauth "$noauth_cairn_port" > "$out/scenarios-noauth.result" &
noauth=$!
scenarios keystone "$keystone_cairn_port" "${keystone_env[@]}" OS_USERNAME=demo OS_PROJECT_NAME=demo > "$out/scenarios-keystone.result" &
keystone=$!
wait "$junit" || failures+=("junit")
wait "$noauth" "$keystone" || true
cat "$out/junit.result" "$out/scenarios-noauth.result" "$out/scenarios-keystone.result"
[ -s "$out/scenario-failures" ] && failures+=($(cat "$out/scenario-failures"))

echo "== tempest: snapshot tests ($(grep -c . "$here/tempest/snapshot-core-tests.txt") listed)"
"$here/tempest/run.sh" "$out/tempest" snapshots --include-list "$here/tempest/snapshot-core-tests.txt" \
    || failures+=("tempest-snapshots")
echo "== tempest: group tests ($(grep -c '^tempest' "$here/tempest/group-tests.txt") listed)"
"$here/tempest/run.sh" "$out/tempest" groups --include-list "$here/tempest/group-tests.txt" \
    || failures+=("tempest-groups")
if [ "$TEMPEST_BACKUP" = true ]; then
  echo "== tempest: backup tests ($(grep -c . "$here/tempest/backup-tests.txt") listed)"
  "$here/tempest/run.sh" "$out/tempest" backups --include-list "$here/tempest/backup-tests.txt" \
      || failures+=("tempest-backups")
fi
if [ "${CONFORMANCE_FULL_VOLUME_API:-1}" = 1 ]; then
  echo "== tempest: all of tempest.api.volume (counted, not gating)"
  "$here/tempest/run.sh" "$out/tempest" volume-api --regex '^tempest\.api\.volume\.' || true
fi

echo "== conformance finished in $(( $(date +%s) - started ))s"
if [ ${#failures[@]} -gt 0 ]; then
  echo "FAILED: ${failures[*]}"
  exit 1
fi
echo "all passed"
