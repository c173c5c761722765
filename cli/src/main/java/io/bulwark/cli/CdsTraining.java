package io.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run for the class-data-sharing archive ({@code lib/bulwark.jsa}) that the build makes at package
 * time: the JVM runs this with {@code -XX:ArchiveClassesAtExit}, so every class that these representative command
 * lines load is archived, parsed and verified once, and mapped read-only by every later {@code bulwark} start.
 * Errors are expected (a missing container, no backend on the build machine) and are part of the training: a
 * command's error path must start fast too. Output goes nowhere.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    /**
     * The disk cache's read path: a later command finds the default filter on disk (the training's own create may
     * only have compiled and written it, the process's memory cache answering the rest), and the classes that read
     * and check it must be in the archive too. A cache of the training's own, so the build machine's is untouched.
     */
    private static void trainSeccompDiskCache(Path dir) {
        try {
            io.bulwark.core.spec.Seccomp profile = io.bulwark.seccomp.profile.DefaultProfile.forCapabilities(null);
            for (int pass = 0; pass < 2; pass++) { // compile and write, then read back and verify
                new io.bulwark.seccomp.LibseccompSeccompCompiler(io.bulwark.seccomp.cache.FilterCache.at(dir))
                    .compile(profile, "training", "$.linux.seccomp");
            }
        } catch (RuntimeException e) {
            // no libseccomp on the build machine: nothing to train
        }
    }

    public static void main(String[] args) throws IOException {
        Distribution.configure(System.getProperty("bulwark.home"));
        Path work = Files.createTempDirectory("bulwark-cds");
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        try {
            Path root = Files.createDirectories(work.resolve("root"));
            Path bundle = Files.createDirectories(work.resolve("bundle"));
            Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
            Path busybox = Path.of("/bin/busybox");
            if (Files.isExecutable(busybox)) {
                // with a working backend the training runs a real /bin/true container
                Path bin = Files.createDirectories(rootfs.resolve("bin"));
                Files.copy(busybox.toRealPath(), bin.resolve("busybox"));
                Files.createSymbolicLink(bin.resolve("true"), Path.of("busybox"));
            }
            try (InputStream in = CdsTraining.class.getResourceAsStream("training-config.json")) {
                if (in != null) {
                    Files.write(bundle.resolve("config.json"), in.readAllBytes());
                }
            }
            String r = "--root=" + root;
            List<List<String>> lines = new ArrayList<>(List.of(
                List.of("--version"),
                List.of("--help"),
                List.of("help", "run"),
                List.of(r, "state", "training-missing"),
                List.of(r, "list"),
                List.of(r, "list", "--format", "json"),
                List.of(r, "kill", "training-missing", "KILL"),
                List.of(r, "delete", "training-missing"),
                List.of(r, "spec", "--bundle", work.resolve("spec").toString()),
                List.of(r, "--log-format", "json", "--log", work.resolve("log.json").toString(), "state", "x"),
                List.of(r, "create", "--bundle", bundle.toString(), "training-create"),
                List.of(r, "state", "training-create"),
                List.of(r, "start", "training-create"),
                List.of(r, "create", "--bundle", bundle.toString(), "training-kill"),
                List.of(r, "kill", "training-kill", "KILL"),
                List.of(r, "delete", "--force", "training-kill"),
                List.of(r, "run", "--bundle", bundle.toString(), "training-run"),
                List.of(r, "delete", "training-create"),
                List.of(r, "delete", "--force", "training-create"),
                List.of(r, "delete", "--force", "training-run"),
                List.of("features")));
            for (List<String> argv : lines) {
                Main.run(argv, sink, sink);
            }
            trainSeccompDiskCache(Files.createDirectory(work.resolve("seccomp-cache"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))));
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
