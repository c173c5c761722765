#!/bin/sh
# Builds the guest init (static, so that it runs in any guest rootfs) into the directory given as $1.
set -eu
out="$1"
src="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
CC="${CC:-gcc}"
$CC -std=gnu11 -O2 -Wall -Wextra -Werror -fstack-protector-strong -D_FORTIFY_SOURCE=2 -static -s \
  -o "$out/bulwark-guest-init" "$src/guest-init.c"
