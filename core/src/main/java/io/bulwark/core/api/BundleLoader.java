package io.bulwark.core.api;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecParser;
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
        return SpecParser.load(config);
    }
}
