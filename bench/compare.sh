#!/usr/bin/env bash
# Side-by-side start-up benchmark: Bulwark against runc and crun on one busybox bundle running /bin/true.
#
#   sudo bench/compare.sh [-n RUNS] [--runtimes "bulwark bulwark-aot bulwark-warm runc crun"] [--out DIR] [--keep]
#
# For every iteration the runtimes take turns (A B C A B C ...), each with a fresh container id:
#   run      `RUNTIME run --bundle B ID` in the foreground, wall time and peak RSS of the runtime process
#   cycle    `create --pid-file`, `start`, (wait for the workload to end, untimed), `delete`, each timed alone,
#            plus the RSS of the process that holds the created container while it waits for `start`
# Wall times and peak RSS come from bench/tools/runstat.c (fork + exec + wait4, monotonic clock), so every
# runtime pays the same measuring overhead. crun runs in a private mount namespace with the empty cgroup2 mount
# at /sys/fs/cgroup/unified detached (it refuses that mount on a v1 hybrid host); the unshare is timed with it.
# bulwark is the cold path as installed (a JVM per command: JDK 17 with the class-data-sharing archive);
# bulwark-aot runs the JDK 25+ the build made an AOT cache for, with the cache (when there is one); bulwark-warm is
# the same distribution with a resident `bulwark server`:
# bin/bulwark forwards to it. The load average before and after the run is recorded with the table.
#
# Output: the table on stdout and in DIR/compare.md, the raw samples in DIR/compare-samples.csv and a chart in
# DIR/compare.svg (DIR defaults to bench/results).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runs=100
out="$here/results"
runtimes="bulwark bulwark-aot bulwark-warm runc crun"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--runs) runs="$2"; shift 2 ;;
    --runtimes) runtimes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*|0) echo "compare.sh: --runs needs a positive number" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then
  echo "compare.sh: run as root (containers need it)" >&2
  exit 2
fi

# --- tools --------------------------------------------------------------------------------------------------
# shellcheck source=bench/lib/bundle.sh
. "$here/lib/bundle.sh"
bench_tools

work=$(mktemp -d /tmp/bulwark-bench.XXXXXX)
server_pid=""
cleanup() {
  set +e
  for rt in $runtimes; do
    root="$work/root-$rt"
    [ -d "$root" ] || continue
    for d in "$root"/*/; do
      [ -d "$d" ] || continue
      runtime_cmd "$rt" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
  done
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  [ "$keep" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

bench_runstat "$work"
runstat="$work/runstat"

# --- the bundle: busybox-static, `runc spec` defaults, /bin/true, no terminal ---------------------------------
bundle="$work/bundle"
bench_bundle "$bundle"

# --- the runtimes -----------------------------------------------------------------------------------------------
bulwark="${BULWARK:-$repo/cli/target/bulwark/bin/bulwark}"
lib="$(dirname "$(dirname "$bulwark")")/lib"
aot_java=$(cat "$lib/bulwark.aot.java" 2>/dev/null || true)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
runtime_cmd() { # RUNTIME ARGS... : runs one runtime command (no timing)
  local rt="$1"; shift
  case "$rt" in
    runc) runc --root "$work/root-runc" "$@" ;;
    crun) "$runstat" -m -- crun --root "$work/root-crun" "$@" 2>/dev/null ;;
    bulwark) BULWARK_NO_SERVER=1 "$bulwark" --root "$work/root-bulwark" "$@" ;;
    bulwark-aot) BULWARK_NO_SERVER=1 BULWARK_JAVA="$aot_java" "$bulwark" --root "$work/root-bulwark-aot" "$@" ;;
    bulwark-warm) "$bulwark" --root "$work/root-bulwark-warm" "$@" ;;
  esac
}
timed() { # RUNTIME ARGS... : prints "WALL_NS MAXRSS_KIB EXIT"
  local rt="$1"; shift
  case "$rt" in
    runc) "$runstat" -q -- runc --root "$work/root-runc" "$@" 2>&1 </dev/null ;;
    crun) "$runstat" -q -m -- crun --root "$work/root-crun" "$@" 2>&1 </dev/null ;;
    bulwark) BULWARK_NO_SERVER=1 "$runstat" -q -- "$bulwark" --root "$work/root-bulwark" "$@" 2>&1 </dev/null ;;
    bulwark-aot) BULWARK_NO_SERVER=1 BULWARK_JAVA="$aot_java" "$runstat" -q -- "$bulwark" --root "$work/root-bulwark-aot" \
      "$@" 2>&1 </dev/null ;;
    bulwark-warm) "$runstat" -q -- "$bulwark" --root "$work/root-bulwark-warm" "$@" 2>&1 </dev/null ;;
  esac
}

active=""
for rt in $runtimes; do
  case "$rt" in
    runc|crun) active="$active $rt" ;;
    bulwark|bulwark-aot|bulwark-warm)
      if [ "$rt" = bulwark-aot ] && { [ ! -f "$lib/bulwark.aot" ] || [ ! -x "$aot_java" ]; }; then
        echo "skipping $rt: the distribution has no AOT cache (no JDK 25+ at build time)" >&2
        continue
      fi
      if [ ! -x "$bulwark" ]; then
        echo "skipping $rt: no distribution at $bulwark (build it: mvn -DskipTests package)" >&2
        continue
      fi
      mkdir -p "$work/root-$rt"
      if [ "$rt" = bulwark-warm ]; then
        if ! "$bulwark" help server >/dev/null 2>&1; then
          echo "skipping bulwark-warm: this distribution has no resident server" >&2
          continue
        fi
        "$bulwark" --root "$work/root-$rt" server >"$work/server.log" 2>&1 &
        server_pid=$!
        for _ in $(seq 1 200); do [ -S "$work/root-$rt/:server.sock" ] && break; sleep 0.05; done
        if [ ! -S "$work/root-$rt/:server.sock" ]; then
          echo "skipping bulwark-warm: the server did not start: $(tail -n1 "$work/server.log")" >&2
          continue
        fi
      fi
      if ! probe=$(runtime_cmd "$rt" run --bundle "$bundle" "probe-$$" 2>&1 </dev/null); then
        runtime_cmd "$rt" delete --force "probe-$$" >/dev/null 2>&1 || true
        echo "skipping $rt: it cannot run the bundle yet: $(printf '%s\n' "$probe" | tail -n1)" >&2
        continue
      fi
      active="$active $rt" ;;
    *) echo "compare.sh: unknown runtime $rt" >&2; exit 2 ;;
  esac
done
active=${active# }
[ -n "$active" ] || { echo "compare.sh: no runtime to measure" >&2; exit 1; }

# --- measuring -------------------------------------------------------------------------------------------------
samples="$work/samples.csv"
echo "runtime,iteration,op,wall_ns,maxrss_kib,exit,cpu_ns" > "$samples"
record() { # RUNTIME ITER OP "WALL RSS EXIT CPU"
  local w r e c
  read -r w r e c <<<"$4"
  echo "$1,$2,$3,$w,$r,$e,$c" >> "$samples"
  [ "$e" = 0 ] || echo "  $1 $3 #$2 exited $e" >&2
}
wait_gone() { # PID: until the process is gone or a zombie (the workload ended)
  local pid="$1" i
  for i in $(seq 1 2000); do
    [ -r "/proc/$pid/stat" ] || return 0
    case "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" in Z|X|'') return 0 ;; esac
    sleep 0.005
  done
}

echo "measuring $runs iterations of: $active (interleaved)" >&2
for i in $(seq 1 "$runs"); do
  for rt in $active; do
    id="b$$-$i"
    record "$rt" "$i" run "$(timed "$rt" run --bundle "$bundle" "$id-r")"
    pidfile="$work/$rt-$i.pid"
    record "$rt" "$i" create "$(timed "$rt" create --bundle "$bundle" --pid-file "$pidfile" "$id-c")"
    pid=$(cat "$pidfile" 2>/dev/null || echo 0)
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    echo "$rt,$i,waiting,0,${rss:-0},0,0" >> "$samples"
    record "$rt" "$i" start "$(timed "$rt" start "$id-c")"
    [ "$pid" -gt 0 ] && wait_gone "$pid"
    record "$rt" "$i" delete "$(timed "$rt" delete "$id-c")"
    rm -f "$pidfile"
  done
  [ $((i % 10)) = 0 ] && echo "  $i/$runs" >&2
done

# --- summary ---------------------------------------------------------------------------------------------------
cold_jvm="JDK 17 with the class-data-sharing archive lib/bulwark.jsa"
if [ -f "$lib/bulwark.aot" ] && [ -x "$aot_java" ]; then
  cold_jvm="$cold_jvm; bulwark-aot: $(sed -n 's/^IMPLEMENTOR_VERSION="\(.*\)"/\1/p' \
    "$(dirname "$(dirname "$aot_java")")/release" 2>/dev/null || true) with the AOT cache lib/bulwark.aot"
fi
mkdir -p "$out"
cp "$samples" "$out/compare-samples.csv"
summary="$work/summary.txt"   # runtime op median min max (ms, or MiB for rss ops)
for rt in $active; do
  for op in run create start delete runrss waiting runcpu; do
    case "$op" in
      runrss) sel='$3=="run" {print $5/1024}' ;;
      waiting) sel='$3=="waiting" {print $5/1024}' ;;
      runcpu) sel='$3=="run" && $6==0 {print $7/1e6}' ;;
      *) sel="\$3==\"$op\" && \$6==0 {print \$4/1e6}" ;;
    esac
    awk -F, -v rt="$rt" "\$1==rt && $sel" "$samples" | sort -g | awk -v rt="$rt" -v op="$op" '
      { v[NR] = $1 }
      END {
        if (NR == 0) { printf "%s %s nan nan nan\n", rt, op; exit }
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%s %s %.2f %.2f %.2f\n", rt, op, med, v[1], v[NR]
      }' >> "$summary"
  done
done
get() { awk -v rt="$1" -v op="$2" -v col="$3" '$1==rt && $2==op {print $col}' "$summary"; }
ratio() { # VALUE BASE
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == "" || b == "nan" || b + 0 == 0 || a == "nan") print "-"; else printf "%.2fx", a / b }'
}
failures=$(awk -F, 'NR > 1 && $6 != 0' "$samples" | wc -l)
{
  echo "Bulwark vs runc vs crun: busybox bundle, /bin/true, $runs interleaved iterations, fresh id each"
  echo "($(uname -r), $(nproc) cores, $(runc --version | head -1), $(crun --version | head -1), $(date -u +%Y-%m-%dT%H:%MZ))"
  echo "(load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg); bulwark cold: $cold_jvm)"
  echo
  echo "| runtime | run median (min-max) ms | create ms | start ms | delete ms | peak RSS of run | RSS while created | run vs runc | run vs crun | run CPU ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for rt in $active; do
    printf '| %s | %s (%s-%s) | %s | %s | %s | %s MiB | %s MiB | %s | %s | %s |\n' "$rt" \
      "$(get "$rt" run 3)" "$(get "$rt" run 4)" "$(get "$rt" run 5)" \
      "$(get "$rt" create 3)" "$(get "$rt" start 3)" "$(get "$rt" delete 3)" \
      "$(get "$rt" runrss 3)" "$(get "$rt" waiting 3)" \
      "$(ratio "$(get "$rt" run 3)" "$(get runc run 3)")" "$(ratio "$(get "$rt" run 3)" "$(get crun run 3)")" "$(get "$rt" runcpu 3)"
  done
  echo
  echo "create / start / delete ratios (median):"
  for rt in $active; do
    for base in runc crun; do
      [ "$rt" = "$base" ] && continue
      printf '  %-13s vs %-4s  create %s  start %s  delete %s\n' "$rt" "$base" \
        "$(ratio "$(get "$rt" create 3)" "$(get $base create 3)")" \
        "$(ratio "$(get "$rt" start 3)" "$(get $base start 3)")" \
        "$(ratio "$(get "$rt" delete 3)" "$(get $base delete 3)")"
    done
  done
  echo "(times are medians of wall time; run CPU is user+system time of the runtime process and what it reaped;"
  echo " RSS while created is the process holding a created container, waiting for start)"
  [ "$failures" = 0 ] || echo "WARNING: $failures timed commands exited non-zero (left out of the times)"
} | tee "$out/compare.md"

# --- chart: grouped bars (median) with min-max whiskers, one group per operation, logarithmic time axis -----------
# (a cold JVM and crun differ by two orders of magnitude: on a linear axis crun's bars would not show)
awk -v runs="$runs" '
  function ly(v) { if (v < lo10) v = lo10; return bottom - plotH * (log(v) / log(10) - lmin) / (lmax - lmin) }
  BEGIN {
    split("run create start delete", ops, " ")
    split("#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b", colours, " ")
  }
  { if (!($1 in seen)) { seen[$1] = 1; rts[++n] = $1 }
    med[$1, $2] = $3; lo[$1, $2] = $4; hi[$1, $2] = $5 }
  END {
    top = 0
    for (r = 1; r <= n; r++) for (o = 1; o <= 4; o++) {
      v = hi[rts[r], ops[o]]; if (v != "nan" && v + 0 > top) top = v + 0 }
    lmin = 0; lo10 = 1; lmax = 1
    while (10 ^ lmax < top) lmax++
    W = 900; H = 440; left = 60; bottom = 370; plotH = 320; gw = (W - left - 20) / 4; bw = gw / (n + 1)
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"%d\" y=\"20\" font-size=\"14\">Start-up of /bin/true: median ms over %d runs (log scale; whiskers: min-max)</text>\n", left, runs
    for (t = lmin; t <= lmax; t++) {
      y = ly(10 ^ t)
      printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", left, y, W - 20, y
      printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", left - 6, y + 4, (10 ^ t) " ms"
    }
    for (o = 1; o <= 4; o++) {
      gx = left + (o - 1) * gw
      printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", gx + gw / 2, bottom + 18, ops[o]
      for (r = 1; r <= n; r++) {
        v = med[rts[r], ops[o]]; if (v == "nan") continue
        x = gx + bw / 2 + (r - 1) * bw; yv = ly(v)
        printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, yv, bw * 0.9, bottom - yv, colours[r]
        printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%.0f</text>\n", x + bw * 0.45, yv - 4, v
        printf "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x + bw * 0.45, ly(lo[rts[r], ops[o]]), x + bw * 0.45, ly(hi[rts[r], ops[o]])
      }
    }
    for (r = 1; r <= n; r++) {
      printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", left + (r - 1) * 140, H - 28, colours[r]
      printf "<text x=\"%d\" y=\"%d\">%s</text>\n", left + (r - 1) * 140 + 18, H - 18, rts[r]
    }
    print "</svg>"
}' "$summary" > "$out/compare.svg"
if [ -n "$server_pid" ] && [ -r "/proc/$server_pid/status" ]; then
  echo "bulwark-warm: the resident server's own peak RSS is $(awk '/^VmHWM:/ {printf "%.1f MiB", $2/1024}' \
    "/proc/$server_pid/status") (shared by all requests; the RSS column is the native client's)" | tee -a "$out/compare.md"
fi
echo "chart: $out/compare.svg, table: $out/compare.md, samples: $out/compare-samples.csv" >&2
