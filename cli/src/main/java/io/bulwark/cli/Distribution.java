package io.bulwark.cli;

import io.bulwark.core.linux.ShimBinary;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Points the runtime at files the distribution ({@code bulwark.home}) lays out beside its jars at package time, so
 * that a cold start reads nothing out of a jar: jffi's native stub ({@code lib/jni/CPU-Linux}; without it jffi
 * inflates the stub out of its jar into a temporary file, named with a SecureRandom, on every start) and the shim
 * ({@code lib/bulwark-shim}). A property the caller set wins; a file that is missing changes nothing.
 */
final class Distribution {
    private Distribution() {
    }

    static void configure(String home) {
        if (home == null || home.isEmpty()) {
            return;
        }
        Path lib = Path.of(home, "lib");
        String cpu = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> null;
        };
        if (cpu != null && System.getProperty("jffi.boot.library.path") == null) {
            Path stubs = lib.resolve("jni").resolve(cpu + "-Linux");
            if (Files.isRegularFile(stubs.resolve("libjffi-1.2.so"))) {
                System.setProperty("jffi.boot.library.path", stubs.toString());
            }
        }
        Path shim = lib.resolve("bulwark-shim");
        if (System.getProperty(ShimBinary.FILE_PROPERTY) == null && Files.isRegularFile(shim)) {
            System.setProperty(ShimBinary.FILE_PROPERTY, shim.toString());
        }
    }
}
