package io.bulwark.fuzz.plan;

import io.bulwark.core.plan.ShimCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs native code on fuzz inputs with a time bound: the shipped shim's {@code --check-plan} (one process per
 * input) and the sanitizer-instrumented decoder harness of {@code fuzz/c} (one process for many inputs).
 */
public final class ShimRunner {
    /** What a run did. {@code exit} is 128+N when signal N ended it, as a shell reports it. */
    public record Run(int exit, String out, String err) {
        public boolean crashed() {
            return exit > 128;
        }
    }

    private ShimRunner() {
    }

    public static Run checkPlan(byte[] plan) {
        return run(List.of(shim().toString(), "--check-plan"), plan, 10);
    }

    private static Path shim;

    /**
     * The shim binary that core packages: straight from core's build directory, or copied out of core's jar (as
     * in a full reactor {@code verify}) into an executable temp file.
     */
    static synchronized Path shim() {
        if (shim == null) {
            String resource = "/io/bulwark/core/native/bulwark-shim";
            java.net.URL url = ShimCheck.class.getResource(resource);
            if (url == null) {
                throw new IllegalStateException("bulwark-shim is not on the classpath (core not built?)");
            }
            try {
                if ("file".equals(url.getProtocol())) {
                    shim = Path.of(url.toURI());
                } else {
                    Path copy = Files.createTempFile("bulwark-shim", "");
                    try (InputStream in = url.openStream()) {
                        Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    copy.toFile().setExecutable(true, true);
                    copy.toFile().deleteOnExit();
                    shim = copy;
                }
            } catch (IOException | java.net.URISyntaxException e) {
                throw new IllegalStateException("cannot get the shim binary from " + url, e);
            }
        }
        return shim;
    }

    public static Run run(List<String> command, byte[] stdin, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin);
                } catch (IOException ignored) {
                    // the decoder may stop reading early on a bad header: that is its right
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s (a hang) on "
                    + stdin.length + " bytes of input");
            }
            in.join();
            return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream s) {
        try (s; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            s.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static Path harness;

    /**
     * The decoder harness of {@code fuzz/c}, built once with gcc (or $CC) and ASan+UBSan into {@code target/native}.
     */
    static synchronized Path replayHarness() {
        if (harness == null) {
            Path module = Files.isDirectory(Path.of("c")) ? Path.of("") : Path.of("fuzz");
            Path out = module.resolve("target").resolve("native").toAbsolutePath();
            Run built = run(List.of("sh", module.resolve("c").resolve("build.sh").toAbsolutePath().toString(),
                out.toString()), new byte[0], 300);
            if (built.exit() != 0) {
                throw new IllegalStateException("building the plan decoder harness failed: " + built.err());
            }
            harness = out.resolve("plan-replay");
        }
        return harness;
    }

    /** Runs the sanitized decoder over every file under {@code dir}; fails on any ASan/UBSan report or abort. */
    static Run replay(Path... paths) {
        List<String> cmd = new java.util.ArrayList<>(List.of(replayHarness().toString()));
        for (Path p : paths) {
            cmd.add(p.toString());
        }
        return run(cmd, new byte[0], 600);
    }
}
