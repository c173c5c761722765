#!/usr/bin/env bash
# Bulwark's VMM next to a minimal C KVM program on what this machine's KVM can show: VM creation, the round trip of
# a port-I/O exit, and the whole boot of the tiny test kernel (the one the VMM tests assemble). Both sides boot the
# same bzImage files the same way (64-bit entry, identity page tables, boot GDT, boot_params); medians of N runs,
# ratio = Bulwark / C. Where KVM can boot Linux (VMX/SVM), the real-guest comparison with QEMU belongs here too.
# Last line: the size of the seccomp allowlist the VMM process confines itself with.
#
#   bench/vm.sh [N]        (default N=15)    results: bench/results/vm.txt
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
n=${1:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -w /dev/kvm ] || { echo "bench/vm.sh: /dev/kvm is not usable here" >&2; exit 1; }
gcc -O2 -Wall -o "$work/minimal-kvm" "$here/vm/minimal-kvm.c"
(cd "$repo" && mvn -q -DskipTests package dependency:build-classpath -pl vmm-backend -am \
  -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=runtime)
cp="$repo/vmm-backend/target/classes:$repo/vmm-backend/target/test-classes:$(cat "$work/cp.txt")"
java_bench() { java -cp "$cp" io.bulwark.vmm.bench.VmmBench "$@"; }
java_bench write "$work"

loops=20000
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
us() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1e6 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1e3 }'; }

read -r j_create _ < <(java_bench create "$n")
read -r c_create _ < <("$work/minimal-kvm" create "$n")
read -r j_p0 _ < <(java_bench boot "$work/portloop-0.bzImage" "$n")
read -r j_pn _ < <(java_bench boot "$work/portloop-$loops.bzImage" "$n")
read -r c_p0 _ < <("$work/minimal-kvm" boot "$work/portloop-0.bzImage" "$n")
read -r c_pn _ < <("$work/minimal-kvm" boot "$work/portloop-$loops.bzImage" "$n")
read -r j_boot j_status < <(java_bench boot "$work/checks.bzImage" "$n")
read -r c_boot c_status < <("$work/minimal-kvm" boot "$work/checks.bzImage" "$n")
[ "$j_status" = 0 ] && [ "$c_status" = 0 ] || { echo "test kernel failed: bulwark=$j_status c=$c_status" >&2; exit 1; }
read -r f_syscalls f_rules f_insns < <(java_bench filter)
j_io=$(awk -v a="$j_pn" -v b="$j_p0" -v n="$loops" 'BEGIN { print (a - b) / n }')
c_io=$(awk -v a="$c_pn" -v b="$c_p0" -v n="$loops" 'BEGIN { print (a - b) / n }')

mkdir -p "$here/results"
{
  echo "Bulwark VMM vs minimal C KVM program, median of $n runs ($(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  printf '%-34s %12s %12s %8s\n' "" "Bulwark" "C" "ratio"
  printf '%-34s %10s ms %10s ms %8s\n' "VM creation (128 MiB, 1 vCPU)" "$(ms "$j_create")" "$(ms "$c_create")" "$(ratio "$j_create" "$c_create")"
  printf '%-34s %10s us %10s us %8s\n' "port-I/O exit round trip" "$(us "$j_io")" "$(us "$c_io")" "$(ratio "$j_io" "$c_io")"
  printf '%-34s %10s ms %10s ms %8s\n' "tiny test kernel, build to exit" "$(ms "$j_boot")" "$(ms "$c_boot")" "$(ratio "$j_boot" "$c_boot")"
  echo "VMM process seccomp allowlist: $f_syscalls syscalls ($f_rules rules with argument filters), $f_insns BPF instructions"
} | tee "$here/results/vm.txt"
