#!/usr/bin/env bash
# Runs Bulwark's whole test suite (unit, property, integration as root, conformance) after installing what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MAVEN_OPTS="${MAVEN_OPTS:--Xmx2g}"
mvn -B -ntp verify "$@"
