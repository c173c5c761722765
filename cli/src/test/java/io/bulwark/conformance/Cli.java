package io.bulwark.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code bin/bulwark} the way containerd and Podman do: a separate process per command, a private
 * {@code --root}, the container's stdio going to files (so a container that outlives {@code create} keeps them),
 * and every call bounded by a timeout.
 */
final class Cli {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path bulwark;
    private final Path root;
    private final Path work;

    Cli(Path bulwark, Path root, Path work) {
        this.bulwark = bulwark;
        this.root = root;
        this.work = work;
    }

    Path root() {
        return root;
    }

    /** The outcome of one command: its exit code and what it printed. */
    record Result(int code, String out, String err, List<String> argv) {
        boolean ok() {
            return code == 0;
        }

        String describe() {
            return String.join(" ", argv) + " -> exit " + code + (err.isBlank() ? "" : ", stderr: " + err.strip());
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(args));
    }

    Result run(List<String> args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(bulwark.toString());
        argv.add("--root");
        argv.add(root.toString());
        argv.addAll(args);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, read(out), read(err) + " [timed out after " + TIMEOUT.toSeconds() + " s]", argv);
        }
        return new Result(p.exitValue(), read(out), read(err), argv);
    }

    /**
     * Reads a file the container may still hold open: what it wrote so far. Runs after the container has
     * stopped or reported, so the content is complete for the checks that use it.
     */
    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
