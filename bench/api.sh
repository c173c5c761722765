#!/usr/bin/env bash
# Target 3 side by side: Bulwark's Java API in-process against crun's and runc's CLI on one busybox bundle.
#
#   sudo bench/api.sh [-n RUNS] [--warmup RUNS] [--rounds R] [--seconds S] [--out DIR] [--no-build]
#
# One JVM (io.bulwark.bench.ApiVsCli, module bench) warms up (RUNS API runs), then interleaves (A B C A B C ...):
#   bulwark-api  io.bulwark.core.api.Runtime#run of the bundle (create, start, wait, delete), linux backend, the
#                default seccomp filter as the command line applies it, timed in-process with System.nanoTime
#   crun, runc   `run --bundle B ID` timed by bench/tools/runstat as bench/compare.sh times it (crun in a private
#                mount namespace with the empty cgroup2 mount at /sys/fs/cgroup/unified detached)
# each with a fresh container id, and prints medians, min-max, p90 and the ratio to crun. Then sustained
# throughput: R rounds of N = 1, 2, 8 containers in flight, the API and crun's CLI alternating, S seconds each.
# The load average before and after is recorded with the table.
#
# Output: the table on stdout and in DIR/api.md, the raw samples in DIR/api-samples.csv (DIR: bench/results).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runs=100
warmup=300
rounds=3
seconds=5
out="$here/results"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "api.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$runs" "$warmup" "$rounds"; do
  case "$v" in ''|*[!0-9]*) echo "api.sh: -n, --warmup and --rounds need a number" >&2; exit 2 ;; esac
done
[ "$runs" -gt 0 ] && [ "$rounds" -gt 0 ] || { echo "api.sh: -n and --rounds need a positive number" >&2; exit 2; }
if [ "$(id -u)" != 0 ]; then
  echo "api.sh: run as root (containers need it)" >&2
  exit 2
fi

# shellcheck source=bench/lib/bundle.sh
. "$here/lib/bundle.sh"
bench_tools
if [ "$build" = 1 ]; then
  (cd "$repo" && mvn -q -o -DskipTests package -pl bench -am)
fi
[ -d "$here/target/classes" ] && [ -d "$here/target/lib" ] || {
  echo "api.sh: no bench build under $here/target (run without --no-build)" >&2; exit 1; }

work=$(mktemp -d /tmp/bulwark-api.XXXXXX)
cleanup() {
  set +e
  for rt in crun runc; do
    for d in "$work/root-$rt"/*/; do
      [ -d "$d" ] || continue
      if [ "$rt" = crun ]; then "$work/runstat" -q -m -- crun --root "$work/root-crun" delete --force "$(basename "$d")"
      else runc --root "$work/root-runc" delete --force "$(basename "$d")"; fi >/dev/null 2>&1
    done
  done
  # API containers are deleted by Runtime#run itself; a leftover (the JVM killed mid-run) goes with the root
  for d in "$work/root-api"/*/; do
    [ -d "$d" ] || continue
    BULWARK_NO_SERVER=1 "$repo/cli/target/bulwark/bin/bulwark" --root "$work/root-api" delete --force \
      "$(basename "$d")" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT
bench_runstat "$work"
bench_bundle "$work/bundle"
mkdir -p "$work/root-api" "$work/root-crun" "$work/root-runc"

java -cp "$here/target/classes:$here/target/lib/*" io.bulwark.bench.ApiVsCli \
  --bundle "$work/bundle" --root "$work/root-api" --out "$out" -n "$runs" --warmup "$warmup" \
  --rounds "$rounds" --seconds "$seconds" \
  --describe "$(uname -r), $(nproc) cores, $(java -version 2>&1 | head -1), $(runc --version | head -1), $(crun --version | head -1), $(date -u +%Y-%m-%dT%H:%MZ)" \
  --cli "crun=$work/runstat -q -m -- crun --root $work/root-crun" \
  --cli "runc=$work/runstat -q -- runc --root $work/root-runc"
echo "table: $out/api.md, samples: $out/api-samples.csv" >&2
