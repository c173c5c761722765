#!/bin/sh
# The long fuzz run (not part of CI). Usage: fuzz/run-long.sh [PLAN_SECONDS [PROPERTY_SECONDS]]
#   1. libFuzzer on the shim's plan decoder (ASan+UBSan) for PLAN_SECONDS (default 600), when clang is installed
#      (Debian: apt-get install -y clang); the working corpus starts from fuzz/corpus/plan/{seeds,libfuzzer}.
#      To keep what it learnt: plan-fuzzer -merge=1 fuzz/corpus/plan/libfuzzer fuzz/target/long-run/plan-corpus
#   2. every jqwik fuzz property in long mode, PROPERTY_SECONDS each (default 60), fresh random seeds.
#   3. Jazzer on the Java parsers (config.json, policy files), up to 5 minutes each (@FuzzTest maxDuration);
#      crashing inputs land under fuzz/src/test/resources/io/bulwark/fuzz/jazzer/ParserFuzzTestsInputs/.
# Prints cases tried and findings; inputs that failed are saved under fuzz/target/fuzz-findings/. Turn each real
# bug into a regression case under fuzz/corpus/*/regressions/ (see fuzz/corpus/README.md).
set -eu
plan_seconds="${1:-600}"
property_seconds="${2:-60}"
fuzz="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$fuzz")"
work="$fuzz/target/long-run"
findings="$fuzz/target/fuzz-findings"
mkdir -p "$work/plan-corpus" "$findings/plan"
status=0

echo "== building (core, shim and the fuzz module's dependencies)"
(cd "$repo" && mvn -q -pl fuzz -am test-compile -DskipTests)

if command -v clang >/dev/null 2>&1; then
    echo "== libFuzzer on the plan decoder for ${plan_seconds}s"
    sh "$fuzz/c/build.sh" "$work/bin"
    cp -n "$fuzz"/corpus/plan/seeds/* "$fuzz"/corpus/plan/libfuzzer/* "$fuzz"/corpus/plan/regressions/* \
        "$work/plan-corpus/" 2>/dev/null || true
    if "$work/bin/plan-fuzzer" -max_total_time="$plan_seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$findings/plan/" -print_final_stats=1 "$work/plan-corpus" >"$work/plan-fuzzer.log" 2>&1; then
        echo "plan decoder: no crash"
    else
        echo "plan decoder: FINDING (inputs in $findings/plan/):"
        grep -E "ERROR|invariant|SUMMARY" "$work/plan-fuzzer.log" | head -5
        status=1
    fi
    grep -E "stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb" "$work/plan-fuzzer.log" |
        sed 's/^stat::/  /'
else
    echo "== clang not installed: skipping libFuzzer (apt-get install -y clang)"
fi

echo "== jqwik fuzz properties, ${property_seconds}s each"
if (cd "$repo" && mvn -q -pl fuzz -am test -Dtest='io.bulwark.fuzz.*.*Properties' -Dsurefire.failIfNoSpecifiedTests=false \
        -Dfuzz.long="$property_seconds") >"$work/properties.log" 2>&1; then
    echo "properties: no finding"
else
    echo "properties: FINDINGS (see $work/properties.log)"
    status=1
fi
grep -E "^fuzz.long|FINDING|first input" "$work/properties.log" | cut -c1-300 || true

for target in configJson policyFile; do
    echo "== Jazzer: $target"
    if (cd "$repo" && JAZZER_FUZZ=1 mvn -q -pl fuzz -am test -Dtest="ParserFuzzTests#$target" \
            -Dsurefire.failIfNoSpecifiedTests=false) >"$work/jazzer-$target.log" 2>&1; then
        echo "$target: no finding"
    else
        echo "$target: FINDING (see $work/jazzer-$target.log)"
        status=1
    fi
    grep -E "^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units" "$work/jazzer-$target.log" | tail -2 || true
done
exit $status
