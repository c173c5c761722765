#!/bin/sh
# Builds the shim (static, hardened) into the directory given as $1.
# Static linking keeps the waiting container init small and lets the same binary serve as a VM guest init.
set -eu
out="$1"
src="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
CC="${CC:-gcc}"
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -fno-strict-aliasing"
LDFLAGS="-static-pie -Wl,-z,relro,-z,now,-z,noexecstack"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$out/bulwark-shim" $(ls "$src"/*.c) $LDFLAGS
