# Shared by bench/compare.sh and bench/api.sh (sourced): the tools every side-by-side benchmark needs and the one
# busybox bundle all runtimes run.

# Installs busybox-static, runc, crun, jq and gcc from Debian when absent.
bench_tools() {
  local need_pkgs=()
  [ -x /bin/busybox ] || need_pkgs+=(busybox-static)
  command -v runc >/dev/null || need_pkgs+=(runc)
  command -v crun >/dev/null || need_pkgs+=(crun)
  command -v jq >/dev/null || need_pkgs+=(jq)
  command -v gcc >/dev/null || need_pkgs+=(gcc libc6-dev)
  if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "installing ${need_pkgs[*]} from Debian" >&2
    apt-get install -y --no-install-recommends "${need_pkgs[@]}" >/dev/null || {
      apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need_pkgs[@]}" >/dev/null; }
  fi
  if ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
    if [ -x /usr/bin/busybox ] && dpkg -s busybox-static >/dev/null 2>&1; then :; else
      apt-get install -y --no-install-recommends busybox-static >/dev/null
    fi
  fi
}

# bench_runstat DIR: compiles bench/tools/runstat.c to DIR/runstat (wall time, peak RSS, exit, CPU of one command;
# -m runs it in a private mount namespace without the empty cgroup2 mount crun refuses on a v1 hybrid host).
bench_runstat() {
  gcc -O2 -Wall -Wextra -Werror -o "$1/runstat" "$(dirname "${BASH_SOURCE[0]}")/../tools/runstat.c"
}

# bench_bundle DIR: busybox-static, `runc spec` defaults, /bin/true, no terminal.
bench_bundle() {
  local bundle="$1" applet
  mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
  cp "$(readlink -f /bin/busybox)" "$bundle/rootfs/bin/busybox"
  for applet in true sh cat sleep; do ln -s busybox "$bundle/rootfs/bin/$applet"; done
  # Ambient capabilities go: runc spec lists them without the inheritable set that raising them needs, so a runtime
  # that refuses to drop a configured capability silently (Bulwark) would fail; every runtime gets the same config.
  (cd "$bundle" && runc spec && jq '.process.terminal = false | .process.args = ["/bin/true"]
      | del(.process.capabilities.ambient)' config.json > c.tmp && mv c.tmp config.json)
}
