package io.bulwark.vmm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The VMM's confinement on the real kernel: a JVM that confines itself as the VMM does ({@link ConfinedProbe})
 * keeps working, is killed by SIGSYS for a call outside the allowlist (from any of its threads: TSYNC), and gets
 * ENOSYS for clone3.
 */
class VmmConfinementKernelTest {
    /** How Java reports a child killed by signal 31 (SIGSYS). */
    static final int KILLED_BY_SIGSYS = 128 + 31;

    record Outcome(int exit, String out) {
    }

    @BeforeEach
    void needRootAndSetpriv() {
        Requirements.require(Requirements.isRoot(), "root (the VMM is started through setpriv --bounding-set=-all)");
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux)");
    }

    static ProcessBuilder probe(String what) {
        return probe(Path.of(System.getProperty("java.home"), "bin", "java"), what);
    }

    static ProcessBuilder probe(Path java, String what) {
        List<String> cmd = new ArrayList<>(VmmConfinement.launcherPrefix());
        cmd.add(java.toString());
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmx96m"));
        cmd.addAll(VmmConfinement.jvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ConfinedProbe.class.getName(), what));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    static Outcome run(String what) throws Exception {
        return run(probe(what));
    }

    static Outcome run(ProcessBuilder probe) throws Exception {
        Process p = probe.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        return new Outcome(p.exitValue(), out);
    }

    @Test
    void theJvmKeepsWorkingInsideTheAllowlist() throws Exception {
        Outcome o = run("jvm");
        assertEquals(0, o.exit(), o.out());
        assertTrue(o.out().contains("confined\njvm ok "), o.out());
    }

    /**
     * The VMM runs on the JVM of the runtime that starts it, and the launcher may pick a newer JDK than the build's
     * (JDK 21+ asks a logger at exit, for one): every JDK installed beside this one must keep to the list too.
     */
    @Test
    void everyInstalledJdkKeepsWorkingInsideTheAllowlist() throws Exception {
        Path self = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        java.util.Set<Path> others = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            for (Path home : s.toList()) {
                Path java = home.resolve("bin/java");
                if (Files.isExecutable(java) && !java.toRealPath().equals(self)) {
                    others.add(java.toRealPath());
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no other JDK here
        }
        for (Path java : others) {
            Outcome o = run(probe(java, "jvm"));
            assertEquals(0, o.exit(), java + ": " + o.out());
            assertTrue(o.out().contains("confined\njvm ok "), java + ": " + o.out());
        }
    }

    @Test
    void aSocketKillsTheProcess() throws Exception {
        Outcome o = run("socket");
        assertEquals(KILLED_BY_SIGSYS, o.exit(), o.out());
        assertTrue(o.out().contains("confined"), o.out());
        assertFalse(o.out().contains("socket returned"), o.out());
    }

    @Test
    void aThreadStartedBeforeTheFilterIsCoveredToo() throws Exception {
        Outcome o = run("socket-early-thread");
        assertEquals(KILLED_BY_SIGSYS, o.exit(), o.out());
        assertFalse(o.out().contains("returned"), o.out());
    }

    @Test
    void execveKillsBeforeTheKernelLooksAtItsArguments() throws Exception {
        // Unconfined, execve(NULL, NULL, NULL) fails with EFAULT and the process goes on.
        Outcome o = run("execve");
        assertEquals(KILLED_BY_SIGSYS, o.exit(), o.out());
        assertFalse(o.out().contains("execve returned"), o.out());
    }

    @Test
    void clone3GetsEnosysSoThatGlibcUsesClone() throws Exception {
        Outcome o = run("clone3");
        assertEquals(0, o.exit(), o.out());
        assertTrue(o.out().contains("clone3 returned -1 errno 38"), o.out());
    }

    @Test
    void everyThreadCarriesTheFilter() throws Exception {
        Process p = probe("wait").start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("confined", r.readLine());
            List<Path> tasks;
            try (Stream<Path> s = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
                tasks = s.toList();
            }
            assertTrue(tasks.size() > 5, "a JVM has many threads: " + tasks.size());
            for (Path task : tasks) {
                Map<String, String> status = status(task.resolve("status"));
                assertEquals("2", status.get("Seccomp"), task + " " + status.get("Name"));
                assertEquals("1", status.get("Seccomp_filters"), task + " " + status.get("Name"));
                assertEquals("1", status.get("NoNewPrivs"), task.toString());
                assertEquals(0, Long.parseLong(status.get("CapEff"), 16), task.toString());
                assertEquals(0, Long.parseLong(status.get("CapBnd"), 16), task.toString());
            }
            p.getOutputStream().close();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    static Map<String, String> status(Path file) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }
}
