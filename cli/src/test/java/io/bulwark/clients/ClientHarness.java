package io.bulwark.clients;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared pieces of the Podman and containerd tests: bounded commands, a busybox rootfs, host clean-up checks. */
final class ClientHarness {
    static final long TIMEOUT_SECONDS = 120;

    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private ClientHarness() {
    }

    static Path dist() {
        return Path.of(System.getProperty("bulwark.dist", "target/bulwark")).toAbsolutePath();
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command with a timeout; a command that does not finish in time is killed and fails the test. */
    static Result run(Map<String, String> env, List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(env);
            Path out = Files.createTempFile("client-out", ".txt");
            Path err = Files.createTempFile("client-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A busybox root filesystem with its applet links, packed as a tar for image import. */
    static Path busyboxRootfsTar(Path dir) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "root", "run")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Result list = run(Map.of(), List.of("/bin/busybox", "--list"));
        for (String applet : list.out().split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/tmp:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nuser:x:1000:\n");
        Path tar = dir.resolve("rootfs.tar");
        Result r = run(Map.of(), List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."));
        if (r.code() != 0) {
            fail("tar failed: " + r.all());
        }
        return tar;
    }

    /** Mount points that mention {@code marker} (a test's temp dir), from /proc/self/mountinfo. */
    static List<String> mountsUnder(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(marker)) {
                found.add(line);
            }
        }
        return found;
    }

    /** Host processes whose command line mentions {@code marker}. */
    static List<String> processesMentioning(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                    if (cmd.contains(marker)) {
                        found.add(name + ": " + cmd);
                    }
                } catch (IOException ignored) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a busy mount point: reported by the leftover check
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
