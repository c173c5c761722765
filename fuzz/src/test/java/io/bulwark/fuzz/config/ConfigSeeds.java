package io.bulwark.fuzz.config;

import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.fuzz.support.Corpus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Valid configs to start from: Bulwark's own defaults and the corpus seeds. */
public final class ConfigSeeds {
    private ConfigSeeds() {
    }

    public static List<byte[]> all() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(SpecWriter.toJson(DefaultSpec.create()).getBytes(StandardCharsets.UTF_8));
        seeds.add(SpecWriter.toJson(DefaultSpec.rootless(1000, 1000)).getBytes(StandardCharsets.UTF_8));
        Corpus.files("config/seeds").forEach(p -> seeds.add(Corpus.read(p)));
        return seeds;
    }
}
