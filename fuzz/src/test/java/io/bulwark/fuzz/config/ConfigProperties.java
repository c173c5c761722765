package io.bulwark.fuzz.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.FdPlan;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecException;
import io.bulwark.core.spec.SpecParser;
import io.bulwark.core.spec.SpecValidator;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.fuzz.json.Documents;
import io.bulwark.fuzz.plan.ShimRunner;
import io.bulwark.fuzz.support.Bounded;
import io.bulwark.fuzz.support.Corpus;
import io.bulwark.fuzz.support.ErrorContract;
import io.bulwark.fuzz.support.Findings;
import io.bulwark.fuzz.support.FuzzProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * {@code config.json}, the file every untrusted bundle brings. Whatever it holds, parsing and validating it either
 * gives a configuration or fails with Bulwark's own error listing problems that each name the file and a JSON
 * path; never another exception, never a hang, never unbounded memory. What it accepts survives a write/read
 * round trip, and what it accepts the shim can execute: the plan made from it reaches the shim intact.
 */
class ConfigProperties {
    static final String FILE = "config.json";
    private static final Documents DOCUMENTS = new Documents(seeds(), Spec.class);

    static List<byte[]> seeds() {
        return ConfigSeeds.all();
    }

    @Provide
    Arbitrary<Documents.Doc> configs() {
        return DOCUMENTS.arbitrary();
    }

    /** What {@code create} does with a bundle's config: read it strictly, then validate it. */
    static Bounded.Outcome<Spec> load(byte[] bytes) {
        return Bounded.run("config.json", Duration.ofSeconds(10), (64L << 20) + 64L * bytes.length, () -> {
            Spec spec = SpecParser.parse(bytes, FILE);
            SpecValidator.validate(spec, FILE);
            return spec;
        });
    }

    @FuzzProperty(cases = 1500)
    void configLoadsOrFailsWithPaths(@ForAll("configs") Documents.Doc doc) {
        Findings.guard(doc.bytes(), () -> checkContract(load(doc.bytes()), doc.text()));
    }

    @FuzzProperty(cases = 800)
    void acceptedConfigsRoundTrip(@ForAll("configs") Documents.Doc doc) {
        Findings.guard(doc.bytes(), () -> {
            Bounded.Outcome<Spec> first = load(doc.bytes());
            if (!first.succeeded()) {
                return;
            }
            String written = SpecWriter.toJson(first.value());
            Bounded.Outcome<Spec> again = load(written.getBytes(StandardCharsets.UTF_8));
            assertTrue(again.succeeded(), () -> "an accepted config, written back, is refused: " + again.thrown());
            assertEquals(first.value(), again.value(), "the config changed in a write/read round trip");
            assertEquals(written, SpecWriter.toJson(again.value()), "writing is not stable");
        });
    }

    /**
     * Validation is the promise that the container can be made: an accepted config becomes a plan (or a clear
     * error), and the shim reads that plan back exactly.
     */
    @FuzzProperty(cases = 300)
    void acceptedConfigsReachTheShimIntact(@ForAll("configs") Documents.Doc doc) {
        Findings.guard(doc.bytes(), () -> {
            Bounded.Outcome<Spec> loaded = load(doc.bytes());
            if (!loaded.succeeded()) {
                return;
            }
            Bounded.Outcome<byte[]> planned = Bounded.run("plan", Duration.ofSeconds(10), 256L << 20, () -> {
                Plan plan = SpecConverter.convert(loaded.value(), Path.of("/run/bundle"), false, null)
                    .withFds(new FdPlan(3, -1, 4, 0));
                return PlanEncoder.encode(plan);
            });
            if (!planned.succeeded()) {
                assertTrue(planned.thrown() instanceof BulwarkException,
                    () -> "an accepted config broke plan making with " + planned.thrown());
                return;
            }
            ShimRunner.Run r = ShimRunner.checkPlan(planned.value());
            assertEquals(0, r.exit(), () -> "the shim refused the plan of an accepted config: " + r.err());
        });
    }

    /** Every config that once broke the parser, the validator or plan making: each must now be refused clearly. */
    @Example
    void regressions() {
        for (Path p : Corpus.files("config/regressions")) {
            Bounded.Outcome<Spec> o = load(Corpus.read(p));
            assertTrue(o.thrown() instanceof SpecException, () -> p + ": expected a SpecException, got " + o.thrown());
            checkContract(o, p.toString());
        }
    }

    @Example
    void seedsAreValid() {
        for (byte[] seed : seeds()) {
            Bounded.Outcome<Spec> o = load(seed);
            assertTrue(o.succeeded(), () -> "seed refused: " + o.thrown());
        }
    }

    static void checkContract(Bounded.Outcome<Spec> outcome, String input) {
        if (outcome.thrown() instanceof SpecException e) {
            ErrorContract.checkProblems(FILE, e.problems().stream()
                .map(p -> new ErrorContract.Problem(p.file(), p.path(), p.toString())).toList());
            return;
        }
        ErrorContract.check(outcome, FILE, input);
    }
}
