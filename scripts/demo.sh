#!/usr/bin/env bash
# The main job: builds Bulwark, builds a bundle from Debian's busybox with a sample untrusted workload in it, and
# runs it under the sample tenant policy "ci-runner" (tightened, not refused). Then shows the same tenant refusing
# a bundle that asks for too much, and the default tenant refusing a privileged one, with the reasons.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: run as root (containers with user namespaces, cgroups and seccomp need it)" >&2
  exit 1
fi
echo "== building Bulwark"
mvn -B -q -ntp -DskipTests package
bulwark="$PWD/cli/target/bulwark/bin/bulwark"

work=$(mktemp -d /tmp/bulwark-demo.XXXXXX)
chmod 755 "$work"   # container root is an unprivileged host uid: it must reach the rootfs
trap 'rm -rf "$work"' EXIT
root="$work/state"
BULWARK="$bulwark" scripts/make-bundle.sh "$work/bundle" \
  --add examples/workloads/untrusted.sh:/work/untrusted.sh -- /bin/sh /work/untrusted.sh >/dev/null

echo
echo "== tenant ci-runner: admission report for the bundle (dry run)"
"$bulwark" --tenant ci-runner policy check "$work/bundle" || true

echo
echo "== tenant ci-runner: running the untrusted workload"
set +e
"$bulwark" --root "$root" --tenant ci-runner run --bundle "$work/bundle" "demo-$$"
status=$?
set -e
echo "(workload exit status: $status)"

echo
echo "== the same bundle asking for CAP_SYS_ADMIN and the host's network namespace, under tenant 'default'"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
cfg = json.load(open(path))
for s in ("bounding", "effective", "permitted"):
    cfg["process"]["capabilities"][s].append("CAP_SYS_ADMIN")
cfg["linux"]["namespaces"] = [n for n in cfg["linux"]["namespaces"] if n["type"] != "network"]
json.dump(cfg, open(path, "w"), indent=2)
PY
set +e
"$bulwark" --root "$root" --tenant default run --bundle "$work/bundle" "demo-refused-$$"
refused=$?
set -e
echo "(exit status: $refused; nothing was created: $("$bulwark" --root "$root" list --quiet | wc -l) containers left)"
[ "$refused" -ne 0 ]
