package io.bulwark.core.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Shared inputs and assertions of the spec tests. */
final class SpecFixtures {
    private SpecFixtures() {
    }

    static final String MINIMAL = """
        {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
         "process": {"cwd": "/", "args": ["sh"]}}
        """;

    static String fullConfig() {
        try (InputStream in = SpecFixtures.class.getResourceAsStream("full-config.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates; the way a bundle's config is loaded. */
    static Spec load(String json) {
        return SpecParser.load(json, "config.json");
    }

    static SpecException rejected(String json) {
        return assertThrows(SpecException.class, () -> load(json));
    }

    /** Asserts that loading {@code json} fails with a problem at {@code path} whose text contains {@code what}. */
    static SpecException assertProblem(String json, String path, String what) {
        SpecException e = rejected(json);
        String all = e.problems().stream().map(SpecProblem::toString).collect(Collectors.joining("\n"));
        assertTrue(e.problems().stream().anyMatch(p -> p.path().equals(path) && p.problem().contains(what)
                && p.file().equals("config.json")),
            () -> "expected a problem at " + path + " containing \"" + what + "\" but got:\n" + all);
        assertTrue(e.getMessage().contains("config.json: " + path + ": "), e::getMessage);
        return e;
    }

    static List<String> paths(SpecException e) {
        return e.problems().stream().map(SpecProblem::path).toList();
    }
}
