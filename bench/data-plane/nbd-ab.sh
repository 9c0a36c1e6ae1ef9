#!/usr/bin/env bash
# NBD reads of two builds side by side: each checkout's `cairn serve` (nbd-tls=optional) exports a 1 GiB volume
# filled with random bytes, and nbdcopy reads it over one connection, in the clear and over TLS (a project's PSK
# identity), at 1 MiB QD8 and 4 KiB QD16, alternating between the two servers round after round, so that a machine
# whose load drifts weighs on both alike.
# Usage: bench/data-plane/nbd-ab.sh CHECKOUT_A CHECKOUT_B [ROUNDS]      needs: nbdcopy curl
# e.g. bench/data-plane/nbd-ab.sh /tmp/before . 3   (a checkout builds its jar on its first `cairn` command)
set -euo pipefail
checkouts=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
rounds="${3:-3}"
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c
for tool in nbdcopy curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
export CAIRN_SECRET_KEY="${CAIRN_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}" CAIRN_NBD_TLS=optional
work="$(mktemp -d "${BENCH_DIR:-/tmp}/cairn-nbd-ab.XXXXXX")"
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
head -c 1G /dev/urandom >"$work/random.img"
plain=() tls=()
for i in 0 1; do
  api=$((18700 + i)) nbd=$((18710 + i))
  "${checkouts[$i]}/cairn" serve --port "$api" --nbd-port "$nbd" --data-dir "$work/data-$i" >"$work/server-$i.log" 2>&1 &
  servers+=($!)
  until curl -sf "http://127.0.0.1:$api/healthz" >/dev/null; do sleep 0.1; done
  id=$(curl -sf -X POST "http://127.0.0.1:$api/v3/$project/volumes" -H "X-Auth-Token: bench:$project" \
    -H 'Content-Type: application/json' -d '{"volume":{"size":1}}' | sed 's/.*"id": *"\([^"]*\)".*/\1/')
  until curl -sf "http://127.0.0.1:$api/v3/$project/volumes/$id" -H "X-Auth-Token: bench:$project" \
    | grep -q '"status": *"available"'; do sleep 0.1; done
  "${checkouts[$i]}/cairn" nbd-credentials create --project "$project" --psk-file "$work/keys-$i.psk" \
    --data-dir "$work/data-$i" >/dev/null
  plain+=("nbd://127.0.0.1:$nbd/$id")
  tls+=("nbds://$(cut -d: -f1 "$work/keys-$i.psk")@127.0.0.1:$nbd/$id?tls-psk-file=$work/keys-$i.psk")
  nbdcopy "$work/random.img" "${plain[$i]}"
done
copy() { # request size, depth, source; prints MiB/s
  local start end
  start=$(date +%s.%N)
  nbdcopy --connections=1 --request-size="$1" --requests="$2" --no-extents "$3" null:
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", 1024 / (e - s) }'
}
echo "| round | checkout | plain 1M QD8 | TLS 1M QD8 | plain 4k QD16 | TLS 4k QD16 | load |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  for i in 0 1; do
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$round" "${checkouts[$i]}" "$(copy 1048576 8 "${plain[$i]}")" \
      "$(copy 1048576 8 "${tls[$i]}")" "$(copy 4096 16 "${plain[$i]}")" "$(copy 4096 16 "${tls[$i]}")" \
      "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
