#!/bin/sh
# Builds the native fuzz harnesses of the shim's plan decoder into the directory given as $1:
#   plan-replay   gcc (or $CC) with ASan+UBSan: replays corpus files; used by the normal test suite
#   plan-fuzzer   clang with libFuzzer+ASan+UBSan: the coverage-guided long run (only when clang exists)
set -eu
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
shim="$here/../../core/src/main/c"
mkdir -p "$out"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -I$shim"
# shellcheck disable=SC2086
${CC:-gcc} $CFLAGS $SAN -o "$out/plan-replay" "$here/plan_replay.c" "$here/plan_fuzzer.c" "$shim/plan.c"
if command -v clang >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    clang $CFLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -o "$out/plan-fuzzer" "$here/plan_fuzzer.c" "$shim/plan.c"
fi
