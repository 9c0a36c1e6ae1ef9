#!/usr/bin/env bash
# Runs Debian's Tempest against a Cairn registered in a running Keystone (conformance/keystone/start.sh).
#
# Usage: conformance/tempest/run.sh WORKSPACE NAME (--include-list FILE | --regex REGEX)
#   WORKSPACE  a directory for Tempest's workspace (created; etc/tempest.conf written from tempest.conf.in)
#   NAME       a label for the result files: WORKSPACE/NAME.out (Tempest's output), WORKSPACE/NAME.counts
# Env: KEYSTONE_URL (http://127.0.0.1:5000/v3), KS_ADMIN_PASSWORD (secret: Keystone's admin, and the password
#      given to Tempest's accounts), TEMPEST_CONCURRENCY (4), TEMPEST_BACKUP (false; true when Cairn backs up)
# Exits 0 when no test failed. NAME.counts holds "passed skipped failed".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace=${1:?usage: run.sh WORKSPACE NAME (--include-list FILE | --regex REGEX)}
name=${2:?usage: run.sh WORKSPACE NAME (--include-list FILE | --regex REGEX)}
shift 2
mkdir -p "$workspace"
workspace="$(cd "$workspace" && pwd)"

if [ ! -f "$workspace/etc/tempest.conf" ]; then
  rm -rf "$workspace"
  # A private workspace registry: tempest init refuses a name that ~/.tempest/workspace.yaml already knows.
  registry="$(dirname "$workspace")/tempest-workspaces.yaml"
  rm -f "$registry"
  # From the workspace's parent: with no workspace yet, tempest logs to tempest.log in the directory it runs in.
  (cd "$(dirname "$workspace")" && tempest init --workspace-path "$registry" "$workspace" >/dev/null)
  /usr/bin/python3 "$here/provision_accounts.py" "$workspace/etc/accounts.yaml"
  sed -e "s|@LOG_DIR@|$workspace/logs|" -e "s|@ACCOUNTS@|$workspace/etc/accounts.yaml|" \
      -e "s|@KEYSTONE_URL@|${KEYSTONE_URL:-http://127.0.0.1:5000/v3}|" -e "s|@BACKUP@|${TEMPEST_BACKUP:-false}|" \
      "$here/tempest.conf.in" > "$workspace/etc/tempest.conf"
fi

cd "$workspace"
set +e
tempest run --concurrency "${TEMPEST_CONCURRENCY:-4}" "$@" > "$workspace/$name.out" 2>&1
status=$?
set -e
# Tempest ends with " - Passed: N", " - Skipped: N", " - Failed: N" lines (absent when zero ran).
count() { sed -n "s/^ - $1: \([0-9]*\)$/\1/p" "$workspace/$name.out" | tail -n1; }
passed=$(count Passed); skipped=$(count Skipped); failed=$(count Failed)
echo "${passed:-0} ${skipped:-0} ${failed:-0}" > "$workspace/$name.counts"
echo "tempest $name: passed ${passed:-0}, skipped ${skipped:-0}, failed ${failed:-0} (details: $workspace/$name.out)"
if [ "$status" -ne 0 ] || [ "${failed:-0}" -ne 0 ]; then
  grep -E "^\{[0-9]+\} .* \.\.\. FAILED" "$workspace/$name.out" | sed 's/^/  /' || true
  exit 1
fi
