package io.bulwark.seccomp.kernel;

import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C probe (src/test/c/seccomp-probe.c), built once with gcc: installs a filter Bulwark compiled and reports
 * what the kernel did to one syscall.
 */
public final class Probe {
    private static Path binary;

    /** What the probe printed and how it ended (exit code, or 128+N after signal N). */
    public record Outcome(int exit, String stdout, String stderr) {
        private static final Pattern RET = Pattern.compile("ret=(-?\\d+) errno=(\\d+)");

        long ret() {
            return Long.parseLong(match().group(1));
        }

        int errno() {
            return Integer.parseInt(match().group(2));
        }

        int pid() {
            Matcher m = Pattern.compile("pid=(\\d+)").matcher(stdout);
            if (!m.find()) {
                throw new AssertionError("probe printed no pid: " + this);
            }
            return Integer.parseInt(m.group(1));
        }

        private Matcher match() {
            Matcher m = RET.matcher(stdout);
            if (!m.find()) {
                throw new AssertionError("probe printed no result: " + this);
            }
            return m;
        }
    }

    private Probe() {
    }

    public static synchronized Path binary() throws IOException, InterruptedException {
        if (binary != null) {
            return binary;
        }
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc (to build the seccomp probe)");
        Path src = Path.of("src/test/c/seccomp-probe.c").toAbsolutePath();
        Path dir = Files.createDirectories(Path.of("target/probe").toAbsolutePath());
        Path out = dir.resolve("seccomp-probe");
        Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out.toString(), src.toString())
            .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("gcc failed to build the probe: " + log);
        }
        binary = out;
        return out;
    }

    /** The probe linked statically, for a container's root filesystem without libc; in a directory of its own. */
    public static synchronized Path staticBinary(Path dir) throws IOException, InterruptedException {
        binary(); // checks for gcc
        Path out = dir.resolve("seccomp-probe");
        Process p = new ProcessBuilder("gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out.toString(),
            Path.of("src/test/c/seccomp-probe.c").toAbsolutePath().toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("gcc -static failed to build the probe: " + log);
        }
        return out;
    }

    static Path write(SeccompProgram program, Path dir) throws IOException {
        Path f = Files.createTempFile(dir, "filter", ".bpf");
        Files.write(f, program.filter());
        return f;
    }

    /** Runs the probe: {@code filter} may be null (no filter). */
    static Outcome run(Path filter, int flags, String mode, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.add(filter == null ? "-" : filter.toString());
        cmd.add(String.valueOf(flags));
        cmd.add(mode);
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish: " + cmd);
        }
        return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
            new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
