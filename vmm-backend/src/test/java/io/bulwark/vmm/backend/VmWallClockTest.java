package io.bulwark.vmm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Root;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.core.spec.WallClockLimit;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.testkernel.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's wall-clock limit ({@value WallClockLimit#ANNOTATION}, set by admission) holds for a detached VM, as the
 * shim's watchdog makes it hold for a detached linux container: create, start, and nobody waits. The VMM's own
 * timeout enforces it, so nothing in the runtime has to stay around.
 */
class VmWallClockTest {
    @TempDir
    Path tmp;

    private final Syscalls sys = NativeSyscalls.get();
    private Runtime runtime;
    private int out = -1;
    private int in = -1;

    /** As a state root is (0711): the VMM's user must reach its directory inside a container's state directory. */
    @org.junit.jupiter.api.BeforeEach
    void searchableTemporaryDirectory() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void cleanUp() {
        if (runtime != null) {
            for (var s : runtime.list()) {
                runtime.delete(s.id(), true);
            }
        }
        if (out >= 0) {
            sys.close(out);
        }
        if (in >= 0) {
            sys.close(in);
        }
    }

    private Path bundle(String id, Map<String, String> annotations) throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve(id));
        Files.createDirectories(bundle.resolve("rootfs"));
        Path kernel = Files.write(bundle.resolve("kernel"), TestKernel.spinForever());
        Map<String, String> ann = new java.util.HashMap<>(annotations);
        ann.put(VmBackend.KERNEL_ANNOTATION, kernel.toString());
        Process p = new Process(false, null, null, List.of("/bin/true"), null, List.of("PATH=/bin"), "/", null, null,
            true, null, null, null, null, null, null);
        Spec spec = new Spec("1.2.0", p, new Root("rootfs", false), null, null, List.of(), null, ann, null);
        Files.writeString(bundle.resolve("config.json"), SpecWriter.toJson(spec));
        return bundle;
    }

    /** Starts a detached VM whose guest loops forever; returns when it is stopped, with the seconds it ran. */
    private double runDetached(String id, Map<String, String> annotations) throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        runtime = Runtime.builder().root(tmp.resolve("state")).backend(new VmBackend()).build();
        Path console = Files.createFile(tmp.resolve(id + ".out"));
        in = sys.open("/dev/null", Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        out = sys.open(console.toString(), 1 | Syscalls.O_CLOEXEC);
        int pid = runtime.create(CreateOptions.of(id, bundle(id, annotations)).withBackend("vm")
            .withStdio(new Stdio(in, out, out)))
            .pid();
        long startTime = ProcessInfo.host().startTime(pid).orElseThrow();
        Thread.sleep(2500); // longer than the limit, but not started: the clock has not begun
        assertEquals("created", runtime.state(id).status(), Files.readString(console));
        long t0 = System.nanoTime();
        runtime.start(id);
        assertEquals("running", runtime.state(id).status());
        long deadline = t0 + 60_000_000_000L;
        while (!runtime.state(id).status().equals("stopped")) {
            assertTrue(System.nanoTime() < deadline, "still " + runtime.state(id).status() + ": "
                + Files.readString(console));
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(ProcessInfo.host().isAlive(pid, startTime), "the VMM process is gone");
        String text = Files.readString(console);
        assertTrue(text.contains("spinning"), "the guest ran: " + text);
        runtime.delete(id, false);
        assertFalse(Files.exists(tmp.resolve("state").resolve(id)), "state directory removed");
        assertEquals(List.of(), runtime.list());
        return seconds;
    }

    @Test
    void aDetachedVmIsStoppedWhenItsTenantsWallClockLimitHasPassed() throws Exception {
        double ran = runDetached("wall", Map.of(WallClockLimit.ANNOTATION, "2"));
        assertTrue(ran >= 2 && ran < 30, "stopped after " + ran + " s");
    }

    @Test
    void theSmallerOfTheVmTimeoutAndTheWallClockLimitApplies() throws Exception {
        double ran = runDetached("smaller", Map.of(WallClockLimit.ANNOTATION, "2", VmBackend.TIMEOUT_ANNOTATION,
            "3600"));
        assertTrue(ran >= 2 && ran < 30, "stopped after " + ran + " s");
    }

    @Test
    void timeoutSecondsTakesTheSmallerLimit() {
        assertEquals(0, VmBackend.timeoutSeconds(Map.of()));
        assertEquals(5, VmBackend.timeoutSeconds(Map.of(WallClockLimit.ANNOTATION, "5")));
        assertEquals(7, VmBackend.timeoutSeconds(Map.of(VmBackend.TIMEOUT_ANNOTATION, "7")));
        assertEquals(5, VmBackend.timeoutSeconds(Map.of(WallClockLimit.ANNOTATION, "5",
            VmBackend.TIMEOUT_ANNOTATION, "7")));
        assertEquals(3, VmBackend.timeoutSeconds(Map.of(WallClockLimit.ANNOTATION, "5",
            VmBackend.TIMEOUT_ANNOTATION, "3")));
    }
}
