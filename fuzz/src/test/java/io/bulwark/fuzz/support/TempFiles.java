package io.bulwark.fuzz.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One scratch directory per test class, removed when the JVM exits; fuzz cases overwrite files in it. */
public final class TempFiles {
    private final Path dir;

    public TempFiles(String prefix) {
        try {
            dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code bytes} to {@code name} in the scratch directory. */
    public Path write(String name, byte[] bytes) {
        Path p = dir.resolve(name);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
