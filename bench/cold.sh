#!/usr/bin/env bash
# Cold start of the JVM command line, with and without the class-data-sharing archive (lib/bulwark.jsa).
#
#   bench/cold.sh [-n RUNS] [COMMAND...]     default commands: "--version" and "state <missing id>"
#
# The two variants take turns (A B A B); "no archive" is a copy of the distribution without lib/bulwark.jsa
# (the JDK's own base archive still applies to both). BULWARK_NO_SERVER=1 keeps the resident server out.
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
cp -a "$dist" "$work/nocds" && rm -f "$work/nocds/lib/bulwark.jsa"
export BULWARK_NO_SERVER=1
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=("--version" "--root $work/root state missing-id")
median() { # FIELD FILE
  awk -v f="$1" '{print $f}' "$2" | sort -g | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.1f (%.1f-%.1f)", m, v[1], v[NR]}'
}
sample() { # DIST ARGS... : appends "WALL_MS CPU_MS"
  local d="$1"; shift
  "$work/runstat" -q -- "$d/bin/bulwark" "$@" 2>&1 | awk '{print $1/1e6, $4/1e6}'
}
echo "median (min-max) over $runs runs, ms; CPU = user + system"
printf '%-28s %-24s %-24s %-24s %-24s\n' "command" "wall, archive" "wall, none" "CPU, archive" "CPU, none"
for c in "${commands[@]}"; do
  : > "$work/a"; : > "$work/b"
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    sample "$dist" $c >> "$work/a" || true
    # shellcheck disable=SC2086
    sample "$work/nocds" $c >> "$work/b" || true
  done
  printf '%-28s %-24s %-24s %-24s %-24s\n' "$(echo "$c" | sed "s#--root $work/root ##")" \
    "$(median 1 "$work/a")" "$(median 1 "$work/b")" "$(median 2 "$work/a")" "$(median 2 "$work/b")"
done
