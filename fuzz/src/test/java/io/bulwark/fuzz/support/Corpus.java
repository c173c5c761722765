package io.bulwark.fuzz.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed and regression inputs kept in the repository under {@code fuzz/corpus/}: seeds start the mutators
 * from something valid; every input that ever found a bug is kept under {@code regressions/} and replayed by the
 * normal suite.
 */
public final class Corpus {
    private Corpus() {
    }

    /** {@code fuzz/corpus}, whether the tests run from the module directory or the repository root. */
    public static Path root() {
        for (Path p : List.of(Path.of("corpus"), Path.of("fuzz", "corpus"))) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("fuzz/corpus not found from " + Path.of("").toAbsolutePath());
    }

    /** The files of one corpus directory (e.g. {@code config/seeds}), sorted, or none if it does not exist. */
    public static List<Path> files(String dir) {
        Path d = root().resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                .filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
