#!/usr/bin/env bash
# Cold start of the JVM command line: JDK 25 with the AOT cache (lib/bulwark.aot, where the build made one), JDK 17
# with the class-data-sharing archive (lib/bulwark.jsa) and JDK 17 without it.
#
#   bench/cold.sh [-n RUNS] [COMMAND...]     default commands: "--version", "features" and "state <missing id>"
#
# The variants take turns (A B C A B C); "none" is a copy of the distribution without lib/bulwark.jsa and
# lib/bulwark.aot (the JDK's own base archive still applies). BULWARK_NO_SERVER=1 keeps the resident server out.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
runs=20
if [ "${1:-}" = "-n" ]; then runs="$2"; shift 2; fi
dist="${BULWARK_DIST:-$repo/cli/target/bulwark}"
[ -f "$dist/lib/bulwark.jsa" ] || { echo "cold.sh: no $dist/lib/bulwark.jsa (mvn -DskipTests package)" >&2; exit 2; }
work=$(mktemp -d /tmp/bulwark-cold.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra -Werror -o "$work/runstat" "$here/tools/runstat.c"
cp -a "$dist" "$work/nocds" && rm -f "$work/nocds/lib/bulwark.jsa" "$work/nocds/lib/bulwark.aot"*
jdk17=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
aot_java=$(cat "$dist/lib/bulwark.aot.java" 2>/dev/null || true)
aot=0
[ -f "$dist/lib/bulwark.aot" ] && [ -x "$aot_java" ] && aot=1
export BULWARK_NO_SERVER=1
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=("--version" "features" "--root $work/root state missing-id")
median() { # FIELD FILE
  awk -v f="$1" '{print $f}' "$2" | sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.1f (%.1f-%.1f)", m, v[1], v[NR]}'
}
sample() { # JAVA DIST ARGS... : appends "WALL_MS CPU_MS"
  local j="$1" d="$2"; shift 2
  BULWARK_JAVA="$j" "$work/runstat" -q -- "$d/bin/bulwark" "$@" 2>&1 | awk '{print $1/1e6, $4/1e6}'
}
echo "median (min-max) over $runs runs, ms; CPU = user + system; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %-8s %-24s %-24s\n' "command" "JVM" "wall" "CPU"
for c in "${commands[@]}"; do
  : > "$work/aot"; : > "$work/cds"; : > "$work/none"
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    [ "$aot" = 0 ] || sample "$aot_java" "$dist" $c >> "$work/aot" || true
    # shellcheck disable=SC2086
    sample "$jdk17" "$dist" $c >> "$work/cds" || true
    # shellcheck disable=SC2086
    sample "$jdk17" "$work/nocds" $c >> "$work/none" || true
  done
  name=$(echo "$c" | sed "s#--root $work/root ##")
  for v in aot cds none; do
    [ -s "$work/$v" ] || continue
    case "$v" in aot) label="25+AOT" ;; cds) label="17+CDS" ;; none) label="17" ;; esac
    printf '%-24s %-8s %-24s %-24s\n' "$name" "$label" "$(median 1 "$work/$v")" "$(median 2 "$work/$v")"
  done
done
