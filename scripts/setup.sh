#!/usr/bin/env bash
# Installs what Bulwark needs to build, test and run on Debian/Ubuntu. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven gcc make libc6-dev   # build: Java, Maven, the C shim (static)
  libseccomp2                                        # seccomp compiler (loaded through jnr-ffi)
  busybox-static                                     # sample and test root filesystems
  iproute2 procps kmod python3                       # tests look inside containers and at the host; bundle scripts
  apparmor                                           # apparmor_parser: profile syntax checks
  qemu-system-x86 cpio xz-utils zstd lz4              # vm backend: guest-side tests and kernel extraction
  openssl                                            # signature interop tests
  podman conmon containerd                           # real clients: Bulwark as their OCI runtime
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The guest kernel for the vm backend, extracted from the distribution's package into a cache (not installed).
if [ -x "$(dirname "$0")/fetch-guest-kernel.sh" ]; then
  "$(dirname "$0")/fetch-guest-kernel.sh"
fi
