package io.bulwark.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle layer's statuses, locking and clean-up, over a backend that needs no privileges. */
class RuntimeLifecycleTest {
    @TempDir
    Path tmp;
    HostProcessBackend backend;
    Runtime runtime;
    Path bundle;

    @BeforeEach
    void setUp() throws IOException {
        backend = new HostProcessBackend();
        runtime = Runtime.builder().root(tmp.resolve("state")).backend(backend).build();
        bundle = tmp.resolve("bundle");
        Files.createDirectories(bundle.resolve("rootfs"));
        writeConfig("[\"sh\", \"-c\", \"exit 7\"]");
    }

    private void writeConfig(String args) throws IOException {
        Files.writeString(bundle.resolve("config.json"), """
            {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
             "process": {"args": %s, "cwd": "/"}, "annotations": {"a": "b"}}
            """.formatted(args));
    }

    @Test
    void createStartStopMovesThroughTheStatuses() throws IOException {
        Path pidFile = tmp.resolve("pid");
        var created = runtime.create(CreateOptions.of("c1", bundle).withPidFile(pidFile));
        assertEquals("created", created.status());
        assertEquals(Integer.toString(created.pid()), Files.readString(pidFile));
        assertEquals("created", runtime.state("c1").status());
        assertEquals(bundle.toString(), runtime.state("c1").bundle());
        assertEquals("b", runtime.state("c1").annotations().get("a"));
        runtime.start("c1");
        assertEquals(7, runtime.awaitExit("c1"));
        var stopped = runtime.state("c1");
        assertEquals("stopped", stopped.status());
        assertEquals(0, stopped.pid());
        runtime.delete("c1", false);
        assertFalse(Files.exists(tmp.resolve("state/c1")));
        assertEquals(List.of("c1"), backend.deleted);
    }

    @Test
    void runReturnsTheExitStatusAndLeavesNothing() {
        assertEquals(7, runtime.run(CreateOptions.of("r1", bundle)));
        assertTrue(runtime.list().isEmpty());
    }

    @Test
    void startingTwiceIsRefused() throws IOException {
        writeConfig("[\"sleep\", \"30\"]");
        runtime.create(CreateOptions.of("c2", bundle));
        runtime.start("c2");
        assertEquals("running", runtime.state("c2").status());
        var e = assertThrows(BulwarkException.class, () -> runtime.start("c2"));
        assertTrue(e.getMessage().contains("running"), e.getMessage());
        var notStopped = assertThrows(BulwarkException.class, () -> runtime.delete("c2", false));
        assertTrue(notStopped.getMessage().contains("not stopped"), notStopped.getMessage());
        runtime.kill("c2", 9, false);
        assertEquals(137, runtime.awaitExit("c2"));
        assertThrows(BulwarkException.class, () -> runtime.kill("c2", 15, false));
        runtime.delete("c2", false);
    }

    @Test
    void forceDeleteOfARunningContainer() throws IOException {
        writeConfig("[\"sleep\", \"30\"]");
        var c = runtime.create(CreateOptions.of("c3", bundle));
        runtime.start("c3");
        runtime.delete("c3", true);
        assertFalse(Files.exists(Path.of("/proc/" + c.pid() + "/stat")) && isNotZombie(c.pid()),
            "the init must be gone");
        assertThrows(BulwarkException.class, () -> runtime.state("c3"));
    }

    private static boolean isNotZombie(int pid) {
        try {
            return !Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void duplicateIdsAndBadIdsAreRefused() {
        runtime.create(CreateOptions.of("dup", bundle));
        var e = assertThrows(BulwarkException.class, () -> runtime.create(CreateOptions.of("dup", bundle)));
        assertTrue(e.getMessage().contains("already exists"));
        assertThrows(BulwarkException.class, () -> runtime.create(CreateOptions.of("../x", bundle)));
        assertThrows(BulwarkException.class, () -> runtime.create(CreateOptions.of("a/b", bundle)));
        runtime.delete("dup", true);
    }

    @Test
    void aFailedCreateLeavesNoState() {
        backend.failCreate = true;
        var e = assertThrows(BulwarkException.class, () -> runtime.create(CreateOptions.of("bad", bundle)));
        assertTrue(e.getMessage().contains("not found"));
        assertFalse(Files.exists(tmp.resolve("state/bad")));
        assertTrue(runtime.list().isEmpty());
    }

    @Test
    void aMissingBundleIsAClearError() {
        var e = assertThrows(BulwarkException.class,
            () -> runtime.create(CreateOptions.of("nob", tmp.resolve("nowhere"))));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("state/nob")));
    }

    @Test
    void unknownBackendIsRefusedBeforeAnythingIsMade() {
        var e = assertThrows(BulwarkException.class,
            () -> runtime.create(CreateOptions.of("vm1", bundle).withBackend("vm")));
        assertTrue(e.getMessage().contains("unknown backend"));
        assertFalse(Files.exists(tmp.resolve("state/vm1")));
    }

    @Test
    void signalsParse() {
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(15, Signals.parse("15"));
        assertEquals(35, Signals.parse("RTMIN+1"));
        assertThrows(BulwarkException.class, () -> Signals.parse("NOPE"));
        assertThrows(BulwarkException.class, () -> Signals.parse("0"));
    }

    @Test
    void theWallClockLimitKillsALongRunningWorkload() throws IOException {
        Files.writeString(bundle.resolve("config.json"), """
            {"ociVersion": "1.2.0", "root": {"path": "rootfs"},
             "process": {"args": ["sleep", "60"], "cwd": "/"},
             "annotations": {"io.bulwark.wall-clock-limit": "1"}}
            """);
        long t0 = System.nanoTime();
        assertEquals(137, runtime.run(CreateOptions.of("wc", bundle)));
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertTrue(seconds < 30, "the limit must stop the workload long before it ends by itself: " + seconds + " s");
    }
}
