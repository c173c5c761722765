#!/bin/sh
# Makes bin/bulwark of the distribution in $1 the native client (client.c, static, hardened) and moves the JVM
# launcher it falls back to to libexec/bulwark-jvm. Without a C compiler the launcher stays bin/bulwark.
set -eu
dist="$1"
src="$(cd "$(dirname "$0")" && pwd)"
CC="${CC:-gcc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build-client: no $CC; bin/bulwark stays the JVM launcher (no warm path)" >&2
  exit 0
fi
mkdir -p "$dist/libexec"
if [ -f "$dist/bin/bulwark" ] && head -c 2 "$dist/bin/bulwark" | grep -q '#!'; then
  mv -f "$dist/bin/bulwark" "$dist/libexec/bulwark-jvm"
fi
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE"
LDFLAGS="-static-pie -Wl,-z,relro,-z,now,-z,noexecstack"
# shellcheck disable=SC2086
$CC $CFLAGS -o "$dist/bin/bulwark.tmp" "$src/client.c" $LDFLAGS
mv -f "$dist/bin/bulwark.tmp" "$dist/bin/bulwark"
