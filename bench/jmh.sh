#!/usr/bin/env bash
# The in-process floor and the JMH benchmarks of the read path (src/test/java/**/*Benchmark.java): builds the
# main and test classes, seeds bench/run.sh's data set once (SNAPSHOTS in each of 3 projects, `cairn bench
# seed`), then runs JMH on it: one fork per benchmark, one thread unless the JMH options say `-t N`.
# Usage: bench/jmh.sh [SNAPSHOTS] [JMH options...]
#   e.g. bench/jmh.sh 100000;  bench/jmh.sh 100000 -t 2 SnapshotPageBenchmark;  bench/jmh.sh 10000 -wi 1 -i 2 SnapshotView
# JMH's own output goes to stderr; stdout gets a markdown table (ops/s, µs/op) and the machine's load.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The launcher, sourced: finds the JDK (JAVA_HOME, PATH) and defines mvn_cmd and java_major, and runs nothing.
source "$root/cairn"
snapshots="${1:-100000}"
shift || true
project=1f0c6a2b3d4e4f5a8b9c0d1e2f3a4b5c   # BenchData.PROJECT, as in bench/run.sh
java_opts=(--enable-native-access=ALL-UNNAMED ${CAIRN_JAVA_OPTS:--Xmx256m})
# JMH 1.37 still uses sun.misc.Unsafe; newer JDKs warn about it in every fork.
if [ "$(java_major "$JAVA_HOME")" -ge 23 ]; then java_opts+=(--sun-misc-unsafe-memory-access=allow); fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "jmh: building classes and test classes" >&2
"${mvn_cmd[@]}" -DskipTests test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/dependencies.txt" >&2
classpath="$root/target/classes:$root/target/test-classes:$(cat "$work/dependencies.txt")"

seed_started=$(date +%s.%N)
"$JAVA_HOME/bin/java" "${java_opts[@]}" -cp "$classpath" io.cairn.Main bench seed \
  --data-dir "$work/data" --project "$project" --snapshots "$snapshots" --projects 3 2>&1 | tail -n 1 >&2
seed_seconds=$(echo "$(date +%s.%N) - $seed_started" | bc)

load_before=$(load)
# The forks inherit this JVM's options, so they all read the data set seeded above.
"$JAVA_HOME/bin/java" "${java_opts[@]}" -Dcairn.bench.data="$work/data" -cp "$classpath" org.openjdk.jmh.Main \
  -rf csv -rff "$work/results.csv" "$@" >&2

echo "| benchmark | ops/s | ± (99.9 %) | µs/op (per thread) |"
echo "|---|---|---|---|"
# CSV rows: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"[,params]
tail -n +2 "$work/results.csv" | tr -d '"\r' | awk -F, '
  function grouped(x,   s) { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
  $2 == "thrpt" && $7 == "ops/s" {   # profilers (-prof gc) add rows in other units: see JMH output
    name = $1; sub(/^io\.cairn\.([a-z]+\.)*/, "", name)
    printf "| %s | %s | %s | %.1f |\n", name, grouped($5), grouped($6), $3 * 1e6 / $5
  }'
echo
echo "seed: $snapshots snapshots x 3 projects in ${seed_seconds}s; $(nproc) cores; load average before: $load_before, after: $(load)"
