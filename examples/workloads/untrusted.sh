#!/bin/sh
# A sample "untrusted" workload: does some honest work, then tries what a hostile job would try, and reports
# what the sandbox allowed. Every escape attempt should print BLOCKED.
echo "== honest work"
echo "hello from $(hostname), uid $(id -u), pid $$"
i=0; sum=0; while [ $i -lt 1000 ]; do sum=$((sum + i)); i=$((i + 1)); done; echo "sum 0..999 = $sum"
echo scratch > /tmp/scratch && echo "wrote /tmp/scratch (tmpfs)"

try() { # try DESCRIPTION COMMAND...
  d="$1"; shift
  if "$@" >/dev/null 2>&1; then echo "ALLOWED  $d"; else echo "BLOCKED  $d"; fi
}
echo "== escape attempts"
try "write to the root filesystem"          sh -c 'echo x > /evil'
try "mount a filesystem"                    mount -t tmpfs none /mnt
try "create a user namespace"               unshare -U true
try "load a kernel module"                  insmod /nonexistent.ko
try "reach the network"                     sh -c 'ip link show | grep -v "lo:" | grep -q "state UP"'
try "write /proc/sysrq-trigger"             sh -c 'echo b > /proc/sysrq-trigger'
try "read /proc/kcore"                      sh -c 'test "$(head -c1 /proc/kcore | wc -c)" -gt 0'
# (busybox date exits 0 even when it cannot set the time; setting it to "now" is harmless either way)
try "change the clock"                      sh -c '! date -s "$(date "+%Y-%m-%d %H:%M:%S")" 2>&1 | grep -q "can.t set"' 
try "raise capabilities (chown a root file)" chown 1:1 /bin/busybox
grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status
