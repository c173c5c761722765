#!/usr/bin/env bash
# JMH benchmarks of Bulwark's in-process hot paths and of the Java API (kept out of `mvn verify`).
#
#   bench/jmh.sh [--quick] [JMH ARGS...]      e.g.  bench/jmh.sh SpecBenchmark      bench/jmh.sh -l
#
# Benchmarks (io.bulwark.bench):
#   SpecBenchmark           config.json read + strict parse + validate (Runtime.prepare, SpecParser), Jackson alone
#   PlanBenchmark           spec -> plan conversion and the binary plan encoding handed to the shim
#   SeccompBenchmark        default seccomp profile built; compiled by libseccomp, found in the memory cache, read
#                           back from the disk cache (needs the seccomp module)
#   ApiLatencyBenchmark     start-to-exit of /bin/true through io.bulwark.core.api.Runtime (root, linux backend)
#   ApiThroughputBenchmark  containers/s with N = 1, 2, 8 in flight (root, linux backend)
# A benchmark whose prerequisite is missing fails alone with the reason; the others still run.
# Results: bench/results/jmh.txt (human) and bench/results/jmh.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
opts=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
if [ "${1:-}" = "--quick" ]; then
  opts=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
  shift
fi
(cd "$repo" && mvn -q -DskipTests package -pl bench -am)
mkdir -p "$here/results"
cp=("$here/target/classes" "$here/target/lib/*")
java -cp "$(IFS=:; echo "${cp[*]}")" org.openjdk.jmh.Main "${opts[@]}" \
  -rf json -rff "$here/results/jmh.json" "$@" | tee "$here/results/jmh.txt"
