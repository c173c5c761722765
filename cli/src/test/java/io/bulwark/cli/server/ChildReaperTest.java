package io.bulwark.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's reaper on real child processes of this JVM (spawned with posix_spawn, so the JDK's own reaper does
 * not know them): a waiting request reaps its process itself, other waiters and later callers get the same status,
 * and a process nobody waits for is reaped by the reaper's thread.
 */
class ChildReaperTest {
    private final Syscall sys = LibcSyscall.get();
    private final ChildReaper reaper = new ChildReaper(sys);

    @AfterEach
    void close() {
        reaper.close();
    }

    private int spawn(String script) {
        return sys.posixSpawn("/bin/sh", List.of("sh", "-c", script), List.of(), List.of());
    }

    @Test
    void aWaitingRequestGetsTheExitStatus() {
        int pid = spawn("sleep 0.2; exit 7");
        reaper.adopt(pid);
        assertEquals(7, reaper.await(pid));
        assertEquals(7, reaper.await(pid), "the status is kept for later callers");
    }

    @Test
    void runningCountsAdoptedProcessesUntilTheyAreReaped() {
        assertEquals(0, reaper.running());
        int pid = spawn("sleep 0.2");
        reaper.adopt(pid);
        assertEquals(1, reaper.running(), "an idle server must not leave while it runs");
        assertEquals(0, reaper.await(pid));
        assertEquals(0, reaper.running());
    }

    @Test
    void everyConcurrentWaiterGetsTheSameStatus() throws Exception {
        int pid = spawn("sleep 0.3; kill -TERM $$");
        reaper.adopt(pid);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> waiters = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiters.add(pool.submit(() -> reaper.await(pid)));
            }
            for (Future<Integer> w : waiters) {
                assertEquals(128 + 15, w.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aProcessNobodyWaitsForIsReapedByTheReaper() throws Exception {
        int pid = spawn("exit 3");
        reaper.adopt(pid);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "no zombie is left behind");
        assertEquals(3, reaper.await(pid));
    }

    @Test
    void manyShortProcessesAwaitedWhileTheReaperWatchesOthers() throws Exception {
        int detached = spawn("sleep 0.5; exit 9");
        reaper.adopt(detached);
        for (int i = 0; i < 20; i++) {
            int pid = spawn("exit " + i);
            reaper.adopt(pid);
            assertEquals(i, reaper.await(pid));
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "reaped by the waiting thread");
        }
        assertEquals(9, reaper.await(detached));
    }
}
