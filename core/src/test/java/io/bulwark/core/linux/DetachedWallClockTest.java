package io.bulwark.core.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.core.spec.WallClockLimit;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wall-clock limit holds for a detached container (create, then start, and nobody waits): the shim's watchdog
 * kills it. Nothing here calls {@code awaitExit} before the container has stopped, so no Java timer is armed.
 */
class DetachedWallClockTest {
    Containers containers;
    Runtime runtime;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot() && Containers.userNamespacesWork(), "root with user namespaces");
        containers = new Containers();
        runtime = Runtime.builder().root(containers.dir.resolve("state")).backend(containers.backend).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runtime != null) {
            for (var s : runtime.list()) {
                runtime.delete(s.id(), true);
            }
        }
        if (containers != null) {
            containers.close();
        }
    }

    /** The init's pid and its watchdog's, of a container created with the limit and the command. */
    private record Created(int init, int watchdog) {
    }

    private Created create(String id, String limitSeconds, String... args) throws IOException {
        Spec base = Containers.spec(Containers.process(List.of(args)));
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), base.domainname(),
            base.mounts(), base.hooks(), Map.of(WallClockLimit.ANNOTATION, limitSeconds), base.linux());
        Files.writeString(containers.bundle.resolve("config.json"), SpecWriter.toJson(spec));
        int init = runtime.create(CreateOptions.of(id, containers.bundle)).pid();
        List<Integer> watchdogs = pidfdHolders(init);
        assertEquals(1, watchdogs.size(), "one watchdog holds a pidfd on the init " + init + ": " + watchdogs);
        return new Created(init, watchdogs.get(0));
    }

    @Test
    void aDetachedContainerIsKilledWhenItsLimitHasPassedSinceStart() throws Exception {
        Created c = create("wc-detached", "2", "sleep", "60");
        int init = c.init();
        int watchdog = c.watchdog();
        assertFalse(Files.readSymbolicLink(Path.of("/proc/" + watchdog + "/ns/pid"))
                .equals(Files.readSymbolicLink(Path.of("/proc/" + init + "/ns/pid"))),
            "the watchdog is outside the container's pid namespace");

        Thread.sleep(3000); // longer than the limit, but not started: the clock has not begun
        assertEquals("created", runtime.state("wc-detached").status());

        long t0 = System.nanoTime();
        runtime.start("wc-detached");
        assertEquals("running", runtime.state("wc-detached").status());
        while (!runtime.state("wc-detached").status().equals("stopped")) {
            assertTrue(System.nanoTime() - t0 < 15_000_000_000L, "still running 15 s after start");
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds >= 1.9 && seconds < 6, "stopped " + seconds + " s after start (limit 2 s)");
        assertEquals(137, runtime.awaitExit("wc-detached"), "SIGKILL ended it");
        awaitGone(watchdog);
        runtime.delete("wc-detached", false);
        assertFalse(Files.exists(Path.of("/proc/" + init)), "the init is reaped");
        assertTrue(runtime.list().isEmpty());
    }

    @Test
    void theWatchdogEndsWithAContainerThatEndsFirst() throws Exception {
        Created c = create("wc-short", "60", "sleep", "1");
        runtime.start("wc-short");
        assertEquals(0, runtime.awaitExit("wc-short"));
        awaitGone(c.watchdog());
        runtime.delete("wc-short", false);
    }

    @Test
    void deletingACreatedContainerEndsItsWatchdog() throws Exception {
        Created c = create("wc-created", "60", "sleep", "30");
        runtime.delete("wc-created", true);
        awaitGone(c.watchdog());
    }

    /** Processes holding a pidfd that refers to {@code pid} (pidfd fdinfo names the pid). */
    private static List<Integer> pidfdHolders(int pid) throws IOException {
        List<Integer> holders = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try (Stream<Path> infos = Files.list(proc.resolve("fdinfo"))) {
                    for (Path info : infos.toList()) {
                        if (Files.readString(info).contains("\nPid:\t" + pid + "\n")) {
                            holders.add(Integer.parseInt(proc.getFileName().toString()));
                        }
                    }
                } catch (IOException ignored) {
                    // ended meanwhile, or a descriptor closed while listed
                }
            }
        }
        return holders;
    }

    private static void awaitGone(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(Path.of("/proc/" + pid))) {
            assertTrue(System.nanoTime() < deadline, "the watchdog " + pid + " is still there");
            Thread.sleep(20);
        }
    }
}
