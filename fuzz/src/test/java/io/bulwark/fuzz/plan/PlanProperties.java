package io.bulwark.fuzz.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.plan.FdPlan;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanDump;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.core.plan.ProcessPlan;
import io.bulwark.fuzz.support.Corpus;
import io.bulwark.fuzz.support.Findings;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.fuzz.support.TempFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * The plan is the only thing that crosses from Java into C. Java's encoder and the shim's decoder must agree on
 * every plan Java can produce, and the decoder must turn away every truncated or corrupted plan cleanly: exit 2
 * with one line of reason, never a crash signal, never a hang (each run is bounded). The shipped shim binary is
 * checked one process per case; the same decoder built with ASan and UBSan ({@code fuzz/c}) checks batches.
 */
class PlanProperties {
    private static final TempFiles FILES = new TempFiles("bulwark-fuzz-plan");

    /** A case: a plan and where it was cut, or how it was damaged. */
    record Damaged(String how, byte[] bytes, byte[] original) {
        @Override
        public String toString() {
            return how + " (" + bytes.length + " of " + original.length + " bytes)";
        }
    }

    @Provide
    Arbitrary<Plan> plans() {
        return Arbitraries.randomValue(r -> new PlanGen(r).plan());
    }

    @Provide
    Arbitrary<Damaged> damaged() {
        return Arbitraries.randomValue(r -> {
            byte[] plan = encodable(new PlanGen(r).plan());
            return new Damaged("mutated", new PlanMutator(r).mutate(plan), plan);
        });
    }

    @Provide
    Arbitrary<Damaged> truncated() {
        return Arbitraries.randomValue(r -> {
            byte[] plan = encodable(new PlanGen(r).plan());
            int at = r.nextInt(plan.length);
            boolean fix = r.nextBoolean();
            return new Damaged("cut at " + at + (fix ? ", header fixed" : ""), PlanMutator.cut(plan, at, fix), plan);
        });
    }

    @FuzzProperty(cases = 400)
    void shimDecodesWhatJavaEncodes(@ForAll("plans") Plan plan) {
        byte[] bytes = encodeOrSkip(plan);
        Findings.guard(bytes, () -> {
            ShimRunner.Run r = ShimRunner.checkPlan(bytes);
            assertEquals(0, r.exit(), () -> "the shim refused a plan Java encoded: " + r.err());
            assertEquals(PlanDump.render(plan), r.out(), "the shim's canonical dump differs from Java's");
        });
    }

    @FuzzProperty(cases = 400)
    void truncatedPlansAreRejected(@ForAll("truncated") Damaged cut) {
        Findings.guard(cut.bytes(), () -> {
            ShimRunner.Run r = ShimRunner.checkPlan(cut.bytes());
            if (r.exit() == 0) {
                // Only a cut between two records with the header fixed up can leave a plan; it must say less.
                boolean boundary = PlanMutator.records(cut.original()).stream().anyMatch(x -> x[1] == cut.bytes().length);
                assertTrue(boundary, "a plan cut inside a record was accepted: " + cut);
                return;
            }
            assertCleanRejection(r);
        });
    }

    @FuzzProperty(cases = 600)
    void corruptedPlansAreRejectedOrDecodedNeverCrash(@ForAll("damaged") Damaged d) {
        Findings.guard(d.bytes(), () -> {
            ShimRunner.Run r = ShimRunner.checkPlan(d.bytes());
            if (r.exit() == 0) {
                assertTrue(r.out().startsWith("plan version=") && r.out().endsWith("\n"), r.out());
                return;
            }
            assertCleanRejection(r);
        });
    }

    /** Batches of damaged plans through the decoder built with ASan and UBSan, which sees what a crash would not. */
    @FuzzProperty(cases = 4)
    void sanitizedDecoderSurvivesDamagedPlans(@ForAll long seed) {
        Random random = new Random(seed);
        Path dir = FILES.dir().resolve("batch");
        TempFiles.delete(dir);
        for (int i = 0; i < 250; i++) {
            // Many shapes rather than big plans in a batch: the per-process properties see the big ones.
            byte[] plan = encodable(new PlanGen(random, false).plan());
            byte[] bytes = random.nextInt(4) == 0
                ? PlanMutator.cut(plan, random.nextInt(plan.length), random.nextBoolean())
                : new PlanMutator(random).mutate(plan);
            FILES.write("batch/" + i + ".plan", bytes);
        }
        ShimRunner.Run r = ShimRunner.replay(dir);
        assertEquals(0, r.exit(), () -> "the sanitized decoder failed (seed " + seed + "): " + tail(r.err()));
    }

    /** The coverage-guided fuzzer's seeds and minimized corpus, and every plan that ever found a bug, under the sanitizers. */
    @Example
    void corpusReplaysCleanUnderSanitizers() {
        ShimRunner.Run r = ShimRunner.replay(Corpus.root().resolve("plan/seeds"), Corpus.root().resolve("plan/libfuzzer"),
            Corpus.root().resolve("plan/regressions"));
        assertEquals(0, r.exit(), () -> tail(r.err()));
        assertTrue(r.out().startsWith("replayed "), r.out());
    }

    /** Seeds must still decode: a format change that strands them should be noticed, not fuzzed around. */
    @Example
    void seedPlansDecode() {
        List<Path> seeds = Corpus.files("plan/seeds");
        assertTrue(seeds.size() >= 4);
        for (Path p : seeds) {
            ShimRunner.Run r = ShimRunner.checkPlan(Corpus.read(p));
            assertEquals(0, r.exit(), p + ": " + r.err());
        }
    }

    /** Found by the fuzzer: the encoder wrote '?' for an unpaired surrogate, so the shim got another path. */
    @Example
    void unpairedSurrogateIsRefusedNotReplaced() {
        ProcessPlan process = new ProcessPlan(null, List.of("sh"), List.of(), "/data\udfff", null, null, List.of(),
            false, null, false, null, null);
        Plan plan = Plan.joining(Plan.Kind.EXEC, List.of(), process, new FdPlan(3, -1, -1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlanEncoder.encode(plan));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
    }

    private static void assertCleanRejection(ShimRunner.Run r) {
        assertTrue(!r.crashed(), "the decoder died of signal " + (r.exit() - 128) + ": " + r.err());
        assertEquals(2, r.exit(), "exit status of a rejected plan: " + r.err());
        assertTrue(r.err().startsWith("invalid plan: ") && r.err().indexOf('\n') == r.err().length() - 1,
            "a rejection is one line starting with 'invalid plan: ': " + r.err());
        assertTrue(r.out().isEmpty(), "a rejected plan printed: " + r.out());
    }

    /**
     * The encoding, or the case is skipped when the encoder refused the plan (too large for the format, or a string
     * without a UTF-8 form): refusing is the encoder's right, altering a string silently is not.
     */
    private static byte[] encodeOrSkip(Plan plan) {
        try {
            return PlanEncoder.encode(plan);
        } catch (IllegalArgumentException e) {
            Assume.that(false);
            return null;
        }
    }

    private static byte[] encodable(Plan plan) {
        try {
            return PlanEncoder.encode(plan);
        } catch (IllegalArgumentException e) {
            return PlanEncoder.encode(io.bulwark.core.plan.PlanSamples.minimalExec());
        }
    }

    private static String tail(String s) {
        return s.length() > 3000 ? "..." + s.substring(s.length() - 3000) : s;
    }
}
