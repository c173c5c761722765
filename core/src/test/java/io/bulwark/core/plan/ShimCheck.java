package io.bulwark.core.plan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Runs {@code bulwark-shim --check-plan} from the build output on some bytes (test helper, used by the fuzz module too). */
public final class ShimCheck {
    private ShimCheck() {
    }

    /** What the shim said: exit status, stdout and stderr. */
    public record Result(int exit, String out, String err) {
    }

    public static Path shimBinary() {
        try {
            var url = ShimCheck.class.getResource("/io/bulwark/core/native/bulwark-shim");
            if (url == null) {
                throw new IllegalStateException("bulwark-shim is not on the test classpath (core not compiled?)");
            }
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Result check(byte[] plan) {
        try {
            java.lang.Process p = new ProcessBuilder(shimBinary().toString(), "--check-plan").start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(plan);
            } catch (IOException ignored) {
                // the shim may stop reading early on a bad header
            }
            int exit = p.waitFor();
            return new Result(exit, new String(out.join(), StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream s) {
        try (s; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            s.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
