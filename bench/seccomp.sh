#!/usr/bin/env bash
# Seccomp benchmark.
#
#   sudo bench/seccomp.sh [-n ROUNDS] [-i ITERATIONS] [--runtimes "bulwark runc crun"] [--out DIR]
#                                                            defaults: 9 rounds of 1,000,000 calls per loop
#
# 1. Compiling the built-in default profile: time in a fresh JVM (what `bulwark create` pays without a resident
#    server), its size in BPF instructions with libseccomp's binary tree and with the linear layout, and the
#    instructions a getppid() call runs through.
# 2. The per-syscall overhead inside a container: one busybox bundle running bench/seccomp/getppid-loop.c (static),
#    which times a tight getppid() loop and a personality(0xffffffff) loop. Every runtime runs the same config.json
#    twice: with Bulwark's default profile exported as OCI JSON (`bulwark seccomp default`) in linux.seccomp, and
#    without a seccomp section (plus the annotation io.bulwark.seccomp=unconfined, since Bulwark would otherwise add
#    its default). Runtimes and variants take turns (A B C A B C ...); medians per runtime and variant, the overhead
#    (with the profile - the no-filter median of all runtimes) and the ratios to runc are printed. crun runs in a private mount namespace with the empty
#    cgroup2 mount at /sys/fs/cgroup/unified detached (it refuses that mount on a v1 hybrid host).
# 3. The filters each runtime actually installed, read back from the running workload (PTRACE_SECCOMP_GET_FILTER,
#    bench/seccomp/seccomp-dump.c): count, size and the instructions getppid and personality run through.
# 4. The layouts without a container: the loop installs the tree and the linear program itself.
#
# ns/call is the process's CPU time per call (robust against other load on a shared machine); wall-clock figures
# (median over 20 slices of each loop) are in the samples file. On kernels since 5.11 an always-allowed call such
# as getppid skips the filter program (the kernel's per-syscall action cache): its overhead is that of the seccomp
# entry path, the same for every layout; personality() is filtered by argument, so its filter runs on every call.
#
# Results: DIR/seccomp.txt (summary) and DIR/seccomp-samples.csv (DIR defaults to bench/results).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
rounds=9
iters=1000000
runtimes="bulwark runc crun"
out="$here/results"
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--rounds) rounds="$2"; shift 2 ;;
    -i|--iterations) iters="$2"; shift 2 ;;
    --runtimes) runtimes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "seccomp.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$rounds" "$iters"; do
  case "$v" in ''|*[!0-9]*|0) echo "seccomp.sh: rounds and iterations must be positive numbers" >&2; exit 2 ;; esac
done
if [ "$(id -u)" != 0 ]; then
  echo "seccomp.sh: run as root (containers need it)" >&2
  exit 2
fi

need_pkgs=()
[ -x /bin/busybox ] || need_pkgs+=(busybox-static)
command -v jq >/dev/null || need_pkgs+=(jq)
command -v gcc >/dev/null || need_pkgs+=(gcc libc6-dev)
for rt in $runtimes; do
  case "$rt" in
    runc|crun) command -v "$rt" >/dev/null || need_pkgs+=("$rt") ;;
    bulwark) ;;
    *) echo "seccomp.sh: unknown runtime $rt" >&2; exit 2 ;;
  esac
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing ${need_pkgs[*]} from Debian" >&2
  apt-get install -y --no-install-recommends "${need_pkgs[@]}" >/dev/null || {
    apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need_pkgs[@]}" >/dev/null; }
fi
command -v runc >/dev/null || { echo "seccomp.sh: runc is needed for the bundle's config (runc spec)" >&2; exit 1; }

bulwark="${BULWARK:-$repo/cli/target/bulwark/bin/bulwark}"
if [ ! -x "$bulwark" ]; then
  (cd "$repo" && mvn -q -DskipTests package -pl cli -am)
fi
work=$(mktemp -d /tmp/bulwark-seccomp-bench.XXXXXX)
holding=()
cleanup() {
  set +e
  for entry in "${holding[@]}"; do
    rt_cmd "${entry%%:*}" delete --force "${entry#*:}" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -Wall -Wextra -Werror -static -o "$work/getppid-loop" "$here/seccomp/getppid-loop.c"
gcc -O2 -Wall -Wextra -Werror -o "$work/seccomp-dump" "$here/seccomp/seccomp-dump.c"

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {print lo "-" hi}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == "-" || a == "-" || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.1f", a - b }'; }

# --- 1. compiling --------------------------------------------------------------------------------------------
compile_ms=()
for _ in $(seq 1 "$rounds"); do
  o=$("$bulwark" seccomp compile -o "$work/tree.bpf" default)
  compile_ms+=("$(sed -n 's/.*compiled in \([0-9.]*\) ms.*/\1/p' <<<"$o")")
done
size_tree=$(( $(stat -c %s "$work/tree.bpf") / 8 ))
"$bulwark" seccomp compile --linear -o "$work/linear.bpf" default >/dev/null
size_linear=$(( $(stat -c %s "$work/linear.bpf") / 8 ))
path_tree=$("$bulwark" seccomp check --verbose default getppid | sed -n 's/.*(\([0-9]*\) instructions executed).*/\1/p')
path_linear=$("$bulwark" seccomp check --verbose --linear default getppid | sed -n 's/.*(\([0-9]*\) instructions executed).*/\1/p')
m_compile=$(printf '%s\n' "${compile_ms[@]}" | median)

# --- the bundle: busybox-static, `runc spec` defaults, the loop --------------------------------------------------
bundle="$work/bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
cp "$(readlink -f /bin/busybox)" "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/sh"
cp "$work/getppid-loop" "$bundle/rootfs/bin/getppid-loop"
"$bulwark" seccomp default > "$work/profile.json"
(cd "$bundle" && runc spec && jq --argjson n "$iters" '.process.terminal = false
    | .process.args = ["/bin/getppid-loop", "-", ($n | tostring)]
    | del(.process.capabilities.ambient)' config.json > base.json && rm config.json)
# Same capabilities as the profile was built for (runc spec's: AUDIT_WRITE, KILL, NET_BIND_SERVICE).
jq --slurpfile p "$work/profile.json" '.linux.seccomp = $p[0]' "$bundle/base.json" > "$work/config-filter.json"
jq '.annotations["io.bulwark.seccomp"] = "unconfined" | del(.linux.seccomp)' "$bundle/base.json" > "$work/config-none.json"

rt_cmd() { # RUNTIME ARGS...
  local rt="$1"; shift
  case "$rt" in
    runc) runc --root "$work/root-runc" "$@" ;;
    crun) unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' \
            crun --root "$work/root-crun" "$@" ;;
    bulwark) BULWARK_NO_SERVER=1 "$bulwark" --root "$work/root-bulwark" "$@" ;;
  esac
}
use_config() { cp "$work/config-$1.json" "$bundle/config.json"; }

# --- 2. overhead in containers ------------------------------------------------------------------------------------
samples="$out/seccomp-samples.csv"
mkdir -p "$out" "$work/root-bulwark" "$work/root-runc" "$work/root-crun"
echo "runtime,round,variant,syscall,cpu_ns,wall_ns,seccomp_mode,filters" > "$work/samples.csv"
active=""
for rt in $runtimes; do
  use_config filter
  if probe=$(rt_cmd "$rt" run --bundle "$bundle" "probe-$rt-$$" 2>&1 </dev/null) && grep -q '^seccomp 2 ' <<<"$probe"; then
    active="$active $rt"
  else
    rt_cmd "$rt" delete --force "probe-$rt-$$" >/dev/null 2>&1 || true
    echo "skipping $rt: it cannot run the bundle with the profile: $(printf '%s\n' "$probe" | tail -n1)" >&2
  fi
done
active=${active# }
[ -n "$active" ] || { echo "seccomp.sh: no runtime to measure" >&2; exit 1; }

for round in $(seq 1 "$rounds"); do
  for rt in $active; do
    for variant in filter none; do
      use_config "$variant"
      id="loop-$rt-$variant-$round-$$"
      o=$(rt_cmd "$rt" run --bundle "$bundle" "$id" 2>&1 </dev/null) || {
        echo "seccomp.sh: $rt failed ($variant, round $round): $o" >&2; exit 1; }
      read -r _ mode filters < <(grep '^seccomp ' <<<"$o")
      want=2; [ "$variant" = none ] && want=0
      if [ "$mode" != "$want" ]; then
        echo "seccomp.sh: $rt ($variant) ran the loop with Seccomp: $mode, expected $want" >&2; exit 1
      fi
      grep -E '^(getppid|personality) ' <<<"$o" | while read -r sc wall cpu; do
        echo "$rt,$round,$variant,$sc,$cpu,$wall,$mode,$filters"
      done >> "$work/samples.csv"
    done
  done
done
cp "$work/samples.csv" "$samples"

col() { # RUNTIME VARIANT SYSCALL FIELD(5=cpu,6=wall)
  awk -F, -v r="$1" -v v="$2" -v s="$3" -v f="$4" '$1==r && $3==v && $4==s {print $f}' "$work/samples.csv"
}

# --- 3. the installed filters -----------------------------------------------------------------------------------
declare -A dumped
use_config filter
jq '.process.args += ["hold"]' "$bundle/config.json" > "$work/c.tmp" && mv "$work/c.tmp" "$bundle/config.json"
for rt in $active; do
  id="hold-$rt-$$"
  holding+=("$rt:$id")
  rt_cmd "$rt" create --bundle "$bundle" --pid-file "$work/$rt.pid" "$id" >/dev/null 2>&1 </dev/null
  rt_cmd "$rt" start "$id" >/dev/null 2>&1
  for _ in $(seq 1 100); do
    pid=$(cat "$work/$rt.pid")
    grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" 2>/dev/null && [ "$(readlink "/proc/$pid/exe")" != "" ] \
      && grep -q getppid-loop "/proc/$pid/cmdline" 2>/dev/null && break
    sleep 0.05
  done
  dumped[$rt]=$("$work/seccomp-dump" "$pid" "$work/$rt" 2>&1 || true)
  rt_cmd "$rt" delete --force "$id" >/dev/null 2>&1 || true
done

# --- 4. layouts without a container ----------------------------------------------------------------------------
host_none=(); host_tree=(); host_linear=()
for _ in $(seq 1 "$rounds"); do
  host_none+=("$("$work/getppid-loop" - "$iters" | awk '$1=="personality"{print $3}')")
  host_tree+=("$("$work/getppid-loop" "$work/tree.bpf" "$iters" | awk '$1=="personality"{print $3}')")
  host_linear+=("$("$work/getppid-loop" "$work/linear.bpf" "$iters" | awk '$1=="personality"{print $3}')")
done

# --- summary ----------------------------------------------------------------------------------------------------
{
  echo "seccomp benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) cores, libseccomp $(dpkg-query -W -f='${Version}' libseccomp2 2>/dev/null || echo '?'))"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  for rt in $active; do
    case "$rt" in
      runc) echo "runc: $(runc --version | head -n1)" ;;
      crun) echo "crun: $(crun --version | head -n1)" ;;
      bulwark) echo "bulwark: $(cd "$repo" && git describe --always --dirty 2>/dev/null || echo '?')" ;;
    esac
  done
  echo
  echo "default profile compile (fresh JVM, median of $rounds): ${m_compile} ms"
  echo "filter size: binary tree ${size_tree} instructions, linear ${size_linear} instructions"
  echo "instructions run for getppid: binary tree ${path_tree}, linear ${path_linear}"
  echo
  echo "filters installed in the container (read back from the workload; x86-64 calls run through them):"
  for rt in $active; do
    printf '%s\n' "${dumped[$rt]}" | awk -v r="$rt" '$1=="filter" {printf "  %-8s filter %s: %5s instructions; getppid %s run -> %s; personality(0xffffffff) %s run -> %s\n", r, $2, $3, $5, $6, $8, $9; next} {print "  " r ": " $0}'
  done
  echo
  echo "per-call cost in a container, CPU ns per call, median of $rounds rounds x $iters calls (min-max);"
  echo "overhead = with the profile - the no-filter median of all runtimes (the same process without a filter):"
  printf '  %-12s %-8s %22s %22s %9s %9s %16s\n' syscall runtime "with the profile" "no filter" overhead \
    "cost/runc" "overhead/runc"
  for sc in getppid personality; do
    pooled=$(awk -F, -v s="$sc" '$3=="none" && $4==s {print $5}' "$work/samples.csv" | median)
    rf="-"; rov="-"
    if [[ " $active " == *" runc "* ]]; then
      rf=$(col runc filter "$sc" 5 | median); rov=$(minus "$rf" "$pooled")
    fi
    for rt in $active; do
      f=$(col "$rt" filter "$sc" 5 | median); n=$(col "$rt" none "$sc" 5 | median)
      fr=$(col "$rt" filter "$sc" 5 | minmax); nr=$(col "$rt" none "$sc" 5 | minmax)
      ov=$(minus "$f" "$pooled")
      printf '  %-12s %-8s %22s %22s %9s %9s %16s\n' "$sc" "$rt" "$f ($fr)" "$n ($nr)" "$ov" \
        "$(ratio "$f" "$rf")x" "$(ratio "$ov" "$rov")x"
    done
  done
  echo
  echo "wall-clock ns per call, same runs (median of slice medians):"
  for sc in getppid personality; do
    for rt in $active; do
      printf '  %-12s %-8s with the profile %8s   no filter %8s\n' "$sc" "$rt" \
        "$(col "$rt" filter "$sc" 6 | median)" "$(col "$rt" none "$sc" 6 | median)"
    done
  done
  echo
  echo "personality(0xffffffff) without a container, CPU ns per call (the loop installs the program itself):"
  echo "  no filter        $(printf '%s\n' "${host_none[@]}" | median)"
  echo "  binary tree      $(printf '%s\n' "${host_tree[@]}" | median)"
  echo "  linear           $(printf '%s\n' "${host_linear[@]}" | median)"
} | tee "$out/seccomp.txt"
