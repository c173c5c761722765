#!/usr/bin/env bash
# Seccomp benchmark: compile time of the built-in default profile, its size in BPF instructions, the instructions a
# getppid() call runs through, and the per-syscall overhead of the installed filter (a tight getppid loop, C),
# for libseccomp's binary-tree layout and the linear one, next to no filter. Runs interleaved (none, tree, linear,
# none, ...) and prints medians.
#
#   bench/seccomp.sh [ROUNDS] [ITERATIONS]        defaults: 7 rounds of 2,000,000 calls
#
# Results: bench/results/seccomp.txt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
rounds=${1:-7}
iters=${2:-2000000}
bulwark="$repo/cli/target/bulwark/bin/bulwark"
if [ ! -x "$bulwark" ]; then
  (cd "$repo" && mvn -q -DskipTests package -pl cli -am)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra -Werror -o "$work/getppid-loop" "$here/seccomp/getppid-loop.c"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Compile time in a fresh JVM each time (what `bulwark create` pays), as the command reports it.
compile_ms=()
for i in $(seq 1 "$rounds"); do
  out=$("$bulwark" seccomp compile -o "$work/tree.bpf" default)
  compile_ms+=("$(sed -n 's/.*compiled in \([0-9.]*\) ms.*/\1/p' <<<"$out")")
done
size_tree=$(( $(stat -c %s "$work/tree.bpf") / 8 ))
"$bulwark" seccomp compile --linear -o "$work/linear.bpf" default >/dev/null
size_linear=$(( $(stat -c %s "$work/linear.bpf") / 8 ))
path_tree=$("$bulwark" seccomp check --verbose default getppid | sed -n 's/.*(\([0-9]*\) instructions executed).*/\1/p')
path_linear=$("$bulwark" seccomp check --verbose --linear default getppid | sed -n 's/.*(\([0-9]*\) instructions executed).*/\1/p')

none=(); tree=(); linear=()
for i in $(seq 1 "$rounds"); do
  none+=("$("$work/getppid-loop" - "$iters")")
  tree+=("$("$work/getppid-loop" "$work/tree.bpf" "$iters")")
  linear+=("$("$work/getppid-loop" "$work/linear.bpf" "$iters")")
done
m_none=$(printf '%s\n' "${none[@]}" | median)
m_tree=$(printf '%s\n' "${tree[@]}" | median)
m_linear=$(printf '%s\n' "${linear[@]}" | median)
m_compile=$(printf '%s\n' "${compile_ms[@]}" | median)

mkdir -p "$here/results"
{
  echo "seccomp benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), libseccomp $(dpkg-query -W -f='${Version}' libseccomp2 2>/dev/null || echo '?'))"
  echo "default profile compile (fresh JVM, median of $rounds): ${m_compile} ms"
  echo "filter size: binary tree ${size_tree} instructions, linear ${size_linear} instructions"
  echo "instructions run for getppid: binary tree ${path_tree}, linear ${path_linear}"
  echo "getppid, ns per call (median of $rounds x $iters):"
  echo "  no filter           ${m_none}"
  echo "  default, tree       ${m_tree}  (overhead $(awk -v a="$m_tree" -v b="$m_none" 'BEGIN{printf "%.1f", a-b}') ns)"
  echo "  default, linear     ${m_linear}  (overhead $(awk -v a="$m_linear" -v b="$m_none" 'BEGIN{printf "%.1f", a-b}') ns)"
} | tee "$here/results/seccomp.txt"
