#!/usr/bin/env bash
# Fetches the vm backend's guest kernel: Debian's cloud kernel, taken out of its package without installing it.
# Leaves in the cache directory (default ~/.cache/bulwark/kernels, or $BULWARK_KERNEL_DIR):
#   vmlinuz   the bzImage, as Bulwark's VMM boots it (64-bit boot protocol)
#   vmlinux   the uncompressed ELF with its PVH note, for a quick boot under QEMU's software emulation
#   release   the kernel release (what `uname -r` prints in the guest)
# Idempotent: does nothing when all three are there.
set -euo pipefail

cache="${BULWARK_KERNEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark/kernels}"
mkdir -p "$cache"
if [ -s "$cache/vmlinuz" ] && [ -s "$cache/vmlinux" ] && [ -s "$cache/release" ]; then
  exit 0
fi

meta=linux-image-cloud-amd64
pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}' || true)
if [ -z "$pkg" ]; then
  apt-get update -qq
  pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$pkg" ] || { echo "fetch-guest-kernel: cannot resolve $meta to a kernel package" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -o APT::Sandbox::User=root "$pkg" >/dev/null)
dpkg-deb -x "$tmp"/*.deb "$tmp/root"
vmlinuz=$(ls "$tmp"/root/boot/vmlinuz-* | head -n1)
release=${vmlinuz##*/vmlinuz-}

# The bzImage carries the kernel compressed; find the stream by its magic and decompress it (the method of the
# kernel tree's scripts/extract-vmlinux). Trailing bytes after the stream make the decompressors complain: ignored.
extract() {
  local magic=$1 tool=$2 offsets
  offsets=$(LC_ALL=C grep -aboP "$magic" "$vmlinuz" | cut -d: -f1 || true)
  for off in $offsets; do
    tail -c +"$((off + 1))" "$vmlinuz" | $tool > "$tmp/vmlinux" 2>/dev/null || true
    if [ "$(head -c 4 "$tmp/vmlinux" 2>/dev/null | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
      return 0
    fi
  done
  return 1
}
extract '\x02\x21\x4c\x18' 'lz4 -dc' || extract '\xfd\x37\x7a\x58\x5a\x00' 'xz -dc' \
  || extract '\x28\xb5\x2f\xfd' 'zstd -dc' || extract '\x1f\x8b\x08' 'gzip -dc' \
  || { echo "fetch-guest-kernel: cannot find the compressed kernel inside $vmlinuz" >&2; exit 1; }

cp "$vmlinuz" "$cache/vmlinuz.new" && mv "$cache/vmlinuz.new" "$cache/vmlinuz"
cp "$tmp/vmlinux" "$cache/vmlinux.new" && mv "$cache/vmlinux.new" "$cache/vmlinux"
echo "$release" > "$cache/release"
echo "fetch-guest-kernel: $pkg ($release) in $cache"
