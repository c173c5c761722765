#!/usr/bin/env bash
# Builds an OCI bundle from Debian's static busybox: DIR/rootfs (busybox and its applet links, /etc files) and
# DIR/config.json from `bulwark spec` (the secure default). Extra files can be copied in with --add SRC:DEST.
# Usage: make-bundle.sh DIR [--add SRC:DEST]... [-- ARGS...]   (ARGS become process.args)
set -euo pipefail
dir="$1"; shift
adds=(); args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --add) adds+=("$2"); shift 2 ;;
    --) shift; args=("$@"); break ;;
    *) echo "make-bundle: unknown option $1" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")/.." && pwd)"
bulwark="${BULWARK:-$here/cli/target/bulwark/bin/bulwark}"
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-bundle: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir/rootfs"/{bin,sbin,etc,proc,sys,dev,tmp,root,work,usr/bin}
cp "$busybox" "$dir/rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$dir/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/rootfs/etc/group"
echo "127.0.0.1 localhost" > "$dir/rootfs/etc/hosts"
chmod 1777 "$dir/rootfs/tmp"
for a in "${adds[@]}"; do
  src="${a%%:*}"; dest="${a#*:}"
  mkdir -p "$dir/rootfs/$(dirname "$dest")"
  cp "$src" "$dir/rootfs/$dest"
done

(cd "$dir" && "$bulwark" spec)
if [ "${#args[@]}" -gt 0 ]; then
  python3 - "$dir/config.json" "${args[@]}" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
cfg = json.load(open(path))
cfg["process"]["args"] = args
cfg["process"]["terminal"] = False
# the root stays read-only; scratch space is a small tmpfs
cfg["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                      "options": ["nosuid", "nodev", "mode=1777", "size=16m"]})
json.dump(cfg, open(path, "w"), indent=2)
PY
fi
echo "bundle ready: $dir"
