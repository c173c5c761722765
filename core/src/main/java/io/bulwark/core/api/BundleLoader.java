package io.bulwark.core.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and validates a bundle's {@code config.json}. */
final class BundleLoader {
    private BundleLoader() {
    }

    static Spec load(Path bundle) {
        Path config = bundle.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new BulwarkException(config + ": no such file (is " + bundle + " an OCI bundle?)", 2);
        }
        try {
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(config.toFile(), Spec.class);
        } catch (IOException e) {
            throw new BulwarkException(config + ": " + e.getMessage(), e);
        }
    }
}
