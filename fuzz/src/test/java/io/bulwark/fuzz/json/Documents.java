package io.bulwark.fuzz.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Hostile documents for one parser: mutations of its valid seeds (most of the budget: they get deepest), documents
 * shaped like its model, byte-damaged seeds, and arbitrary JSON. Each case is labelled with how it was made so a
 * failure says which generator to look at.
 */
public final class Documents {
    /** One generated input. */
    public record Doc(String how, byte[] bytes) {
        public String text() {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return how + " (" + bytes.length + " bytes): " + io.bulwark.fuzz.support.ErrorContract.abbreviate(text());
        }
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final List<Json> seeds;
    private final Type model;

    public Documents(List<byte[]> seeds, Type model) {
        this.seeds = seeds.stream().map(Documents::tree).toList();
        this.model = model;
        if (this.seeds.isEmpty()) {
            throw new IllegalArgumentException("no seeds");
        }
    }

    public static Json tree(byte[] json) {
        try {
            return Json.of(PLAIN.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("seed is not JSON", e);
        }
    }

    public List<Json> seeds() {
        return seeds;
    }

    public Arbitrary<Doc> arbitrary() {
        return Arbitraries.randomValue(this::next);
    }

    public Doc next(Random random) {
        while (true) {
            try {
                return attempt(random);
            } catch (Json.TooLarge e) {
                // too big to be worth parsing (the size limit refuses it unread): make another
            }
        }
    }

    private Doc attempt(Random random) {
        JsonGen gen = new JsonGen(random);
        JsonMutator mutator = new JsonMutator(gen);
        int k = random.nextInt(100);
        if (k < 50) {
            return new Doc("mutated seed", mutator.mutate(gen.pick(seeds), 4).bytes());
        }
        if (k < 70) {
            return new Doc("model-shaped", new TypedGen(gen, 3).generate(model).bytes());
        }
        if (k < 85) {
            return new Doc("damaged bytes", mutator.damage(gen.pick(seeds).bytes()));
        }
        if (k < 90) {
            return new Doc("deep nesting", gen.deep(gen.deepDepth()).bytes());
        }
        return new Doc("any JSON", gen.value(4).bytes());
    }
}
