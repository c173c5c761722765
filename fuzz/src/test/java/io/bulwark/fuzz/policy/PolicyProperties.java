package io.bulwark.fuzz.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecParser;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.fuzz.json.Documents;
import io.bulwark.fuzz.json.Json;
import io.bulwark.fuzz.json.JsonGen;
import io.bulwark.fuzz.json.JsonMutator;
import io.bulwark.fuzz.support.Bounded;
import io.bulwark.fuzz.support.Corpus;
import io.bulwark.fuzz.support.ErrorContract;
import io.bulwark.fuzz.support.Findings;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.policies.admission.Admission;
import io.bulwark.policies.admission.AdmissionResult;
import io.bulwark.policies.inherit.Baseline;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.inherit.Narrowing;
import io.bulwark.policies.inherit.PolicyMerge;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.parse.PolicyException;
import io.bulwark.policies.parse.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * Tenant policy files, written by operators but read by a sandbox whose whole job is distrust. Whatever a policy
 * file holds, reading it gives a policy or fails with problems that name the file and a JSON path. A child policy
 * laid over its base never widens it, and whatever a child lets through (after tightening) its base lets through.
 */
class PolicyProperties {
    static final String FILE = "policy.json";
    private static final List<String> EXAMPLES = List.of("default", "ci-runner", "code-exec", "trusted-internal");
    private static final Documents DOCUMENTS = new Documents(seeds(), Policy.class);
    private static final Admission ADMISSION = Admission.forHost();
    private static final Path BUNDLE = Path.of("/run/bulwark-fuzz/bundle");

    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : EXAMPLES) {
            try (InputStream in = PolicyResolver.class.getResourceAsStream("/io/bulwark/policies/examples/" + name + ".json")) {
                seeds.add(in.readAllBytes());
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("shipped policy " + name + " not found", e);
            }
        }
        Corpus.files("policy/seeds").forEach(p -> seeds.add(Corpus.read(p)));
        return seeds;
    }

    @Provide
    Arbitrary<Documents.Doc> policies() {
        return DOCUMENTS.arbitrary();
    }

    static Bounded.Outcome<Policy> parse(byte[] bytes) {
        return Bounded.run("policy", Duration.ofSeconds(10), (64L << 20) + 64L * bytes.length,
            () -> PolicyParser.parse(bytes, FILE));
    }

    @FuzzProperty(cases = 1500)
    void policyFilesParseOrFailWithPaths(@ForAll("policies") Documents.Doc doc) {
        Findings.guard(doc.bytes(), () -> checkContract(parse(doc.bytes()), doc.text()));
    }

    /** A base policy and a mutated child to lay over it. */
    record Pair(String base, Policy basePolicy, Documents.Doc child) {
        @Override
        public String toString() {
            return "base " + base + ", child " + child;
        }
    }

    @Provide
    Arbitrary<Pair> pairs() {
        return Arbitraries.randomValue(r -> {
            JsonGen gen = new JsonGen(r);
            String base = gen.pick(EXAMPLES);
            // A complete base, as inheritance builds one: the example laid over the baseline.
            Policy basePolicy = PolicyMerge.overlay(Baseline.policy(), parseExample(base));
            while (true) {
                try {
                    Json child = new JsonMutator(gen).mutate(gen.pick(DOCUMENTS.seeds()), 3);
                    return new Pair(base, basePolicy, new Documents.Doc("mutated child", child.bytes()));
                } catch (Json.TooLarge e) {
                    // grew too big to be worth reading: mutate again
                }
            }
        });
    }

    @FuzzProperty(cases = 300)
    void aChildNeverWidensItsBase(@ForAll("pairs") Pair pair, @ForAll("configs") byte[] config) {
        Findings.guard(pair.child().bytes(), () -> {
            Bounded.Outcome<Policy> child = parse(pair.child().bytes());
            if (!child.succeeded()) {
                checkContract(child, pair.child().text());
                return;
            }
            Bounded.Outcome<Policy> narrowed = Bounded.run("narrow", Duration.ofSeconds(10), 256L << 20,
                () -> PolicyResolver.narrow(pair.basePolicy(), child.value(), FILE));
            if (!narrowed.succeeded()) {
                assertTrue(narrowed.thrown() instanceof BulwarkException, () -> "narrow threw " + narrowed.thrown());
                return;
            }
            Policy effective = narrowed.value();
            List<SpecProblem> widened = Narrowing.widenings(pair.basePolicy(), effective, FILE);
            assertTrue(widened.isEmpty(), () -> "the effective policy widens its base: " + widened);
            Spec spec;
            try {
                spec = SpecParser.load(new String(config, StandardCharsets.UTF_8), "config.json");
            } catch (BulwarkException e) {
                return;
            }
            AdmissionResult underChild = admit(effective, spec);
            if (underChild.admitted()) {
                AdmissionResult underBase = admit(pair.basePolicy(), underChild.spec());
                assertTrue(underBase.admitted(), () -> "the child admitted a config its base refuses: "
                    + underBase.violations());
            }
        });
    }

    /** Configs for admission: mostly valid ones with the requests a tenant might try (capabilities, mounts...). */
    @Provide
    Arbitrary<byte[]> configs() {
        Documents configs = new Documents(io.bulwark.fuzz.config.ConfigSeeds.all(), Spec.class);
        return Arbitraries.randomValue((Random r) -> {
            JsonGen gen = new JsonGen(r);
            Json seed = gen.pick(configs.seeds());
            try {
                return (r.nextInt(3) == 0 ? new JsonMutator(gen).mutate(seed, 2) : seed).bytes();
            } catch (Json.TooLarge e) {
                return seed.bytes();
            }
        });
    }

    private static AdmissionResult admit(Policy policy, Spec spec) {
        Bounded.Outcome<AdmissionResult> o = Bounded.run("admission", Duration.ofSeconds(10), 256L << 20,
            () -> ADMISSION.admit(new EffectivePolicy("fuzz", policy, List.of(FILE)), spec, BUNDLE, null));
        if (o.thrown() != null) {
            assertTrue(o.thrown() instanceof BulwarkException, () -> "admission threw " + o.thrown());
            return new AdmissionResult("fuzz", io.bulwark.policies.admission.Decision.REFUSED, null, null, List.of(),
                List.of(), null, false);
        }
        return o.value();
    }

    @Example
    void regressions() {
        for (Path p : Corpus.files("policy/regressions")) {
            checkContract(parse(Corpus.read(p)), p.toString());
        }
    }

    private static Policy parseExample(String name) {
        try (InputStream in = PolicyResolver.class.getResourceAsStream("/io/bulwark/policies/examples/" + name + ".json")) {
            return PolicyParser.parse(in.readAllBytes(), "built-in:" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void checkContract(Bounded.Outcome<Policy> outcome, String input) {
        if (outcome.thrown() instanceof PolicyException e) {
            ErrorContract.checkProblems(FILE, e.problems().stream()
                .map(p -> new ErrorContract.Problem(p.file(), p.path(), p.toString())).toList());
            return;
        }
        ErrorContract.check(outcome, FILE, input);
    }
}
