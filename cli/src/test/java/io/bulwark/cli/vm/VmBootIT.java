package io.bulwark.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.process.VmmJail;
import io.bulwark.vmm.testkernel.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bulwark vm boot} of the distribution as an operator runs it: the guest in a jailed VMM process, the
 * CLI's real signals stopping it, and a CLI killed outright taking its VM along.
 */
class VmBootIT {
    @TempDir
    Path tmp;

    private Path tmpdir;

    private static Path bulwark() {
        return Path.of(System.getProperty("bulwark.dist", "target/bulwark"), "bin", "bulwark");
    }

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Kvm.available(), "/dev/kvm");
        Requirements.require(Files.isExecutable(bulwark()), "the distribution " + bulwark());
        // The command's temporary directory (its private directory goes there); searchable, as /tmp is.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
        Files.setPosixFilePermissions(tmpdir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    private Process boot(String name, byte[] kernel) throws Exception {
        Path k = Files.write(tmp.resolve(name), kernel);
        ProcessBuilder pb = new ProcessBuilder(bulwark().toString(), "vm", "boot", "--kernel", k.toString())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(tmp.resolve(name + ".out").toFile())
            .redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().put("BULWARK_JAVA_OPTS", "-Djava.io.tmpdir=" + tmpdir);
        return pb.start();
    }

    private String output(String name) throws Exception {
        return Files.readString(tmp.resolve(name + ".out")) + Files.readString(tmp.resolve(name + ".err"));
    }

    /** The VMM of a running {@code vm boot} (the CLI's only child), once the guest has printed its first line. */
    private ProcessHandle runningVmm(Process cli, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            List<ProcessHandle> children = cli.toHandle().children().toList();
            if (children.size() == 1 && Files.readString(tmp.resolve(name + ".out")).contains("spinning")) {
                return children.get(0);
            }
            assertTrue(cli.isAlive(), "vm boot ended early: " + output(name));
            Thread.sleep(20);
        }
        throw new AssertionError("no running VMM: " + output(name));
    }

    private static String statusField(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }

    /** Whether {@code pid} has ended (gone, or a zombie waiting for the init that inherited it). */
    private static boolean ended(long pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return true;
        }
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        }
    }

    private static void awaitEnded(long pid) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!ended(pid)) {
            assertTrue(System.currentTimeMillis() < deadline, "the VMM " + pid + " is still running");
            Thread.sleep(20);
        }
    }

    private List<Path> leftovers() throws Exception {
        try (var s = Files.list(tmpdir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("bulwark-vm-boot-")).toList();
        }
    }

    @Test
    void theGuestsStatusComesBackThroughTheCommandLine() throws Exception {
        Process cli = boot("k42", TestKernel.exitWith(42));
        assertTrue(cli.waitFor(120, TimeUnit.SECONDS));
        assertEquals(42, cli.exitValue(), output("k42"));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void sigtermToTheCommandStopsItsJailedVmm() throws Exception {
        Process cli = boot("term", TestKernel.spinForever());
        ProcessHandle vmm = runningVmm(cli, "term");
        long pid = vmm.pid();
        assertEquals("2", statusField(pid, "Seccomp"));
        assertEquals("1", statusField(pid, "NoNewPrivs"));
        assertEquals(0, Long.parseLong(statusField(pid, "CapBnd"), 16));
        assertEquals(Long.toString(VmmJail.DEFAULT_ID), statusField(pid, "Uid").split("\\s+")[0]);
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
            Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")));
        assertEquals(1, leftovers().size(), "its private directory while it runs");
        cli.destroy(); // SIGTERM
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, cli.exitValue(), output("term"));
        awaitEnded(pid);
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aCommandKilledOutrightTakesItsVmmAlong() throws Exception {
        Process cli = boot("kill", TestKernel.spinForever());
        long pid = runningVmm(cli, "kill").pid();
        cli.destroyForcibly(); // SIGKILL: nothing in the command runs, the VMM's parent-death signal does
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
        awaitEnded(pid);
        assertFalse(cli.isAlive());
        for (Path p : leftovers()) { // the one thing SIGKILL leaves: the empty-but-for-its-files directory
            try (var s = Files.walk(p)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }
}
