package io.bulwark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A throw-away OCI bundle for benchmarks: {@code config.json} is {@code runc spec}'s default running
 * {@code /bin/true} without a terminal (the same config bench/compare.sh gives every runtime), and with
 * {@code withRootfs} a rootfs holding Debian's static busybox.
 */
final class BenchBundle implements AutoCloseable {
    static final String BUSYBOX = "/bin/busybox";

    private final Path dir;

    private BenchBundle(Path dir) {
        this.dir = dir;
    }

    static byte[] configBytes() {
        try (InputStream in = BenchBundle.class.getResourceAsStream("config.json")) {
            if (in == null) {
                throw new IllegalStateException("config.json resource missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BenchBundle create(boolean withRootfs) throws IOException {
        Path dir = Files.createTempDirectory("bulwark-bench-bundle");
        Files.write(dir.resolve("config.json"), configBytes());
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        if (withRootfs) {
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            for (String d : new String[] {"proc", "dev", "sys", "tmp"}) {
                Files.createDirectories(rootfs.resolve(d));
            }
            Files.copy(Path.of(BUSYBOX).toRealPath(), bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            for (String applet : new String[] {"true", "sh"}) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        return new BenchBundle(dir);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        delete(dir);
    }

    static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
