package io.bulwark.fuzz.jazzer;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.SpecParser;
import io.bulwark.core.spec.SpecValidator;
import io.bulwark.policies.parse.PolicyParser;

/**
 * Coverage-guided fuzzing of the Java parsers with Jazzer. In the normal build these run in Jazzer's regression
 * mode (the inputs under src/test/resources/io/bulwark/fuzz/jazzer/ParserFuzzTestsInputs/ plus an empty one);
 * {@code JAZZER_FUZZ=1 mvn -pl fuzz -am test -Dtest=ParserFuzzTests} fuzzes the first of them for real.
 * Anything but a BulwarkException is a finding.
 */
class ParserFuzzTests {
    @FuzzTest(maxDuration = "5m")
    void configJson(byte[] input) {
        try {
            SpecValidator.validate(SpecParser.parse(input, "config.json"), "config.json");
        } catch (BulwarkException expected) {
            // the contract: Bulwark's own error
        }
    }

    @FuzzTest(maxDuration = "5m")
    void policyFile(byte[] input) {
        try {
            PolicyParser.parse(input, "policy.json");
        } catch (BulwarkException expected) {
            // the contract: Bulwark's own error
        }
    }
}
