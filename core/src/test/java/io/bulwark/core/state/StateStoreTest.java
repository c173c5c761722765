package io.bulwark.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    @Test
    void writesAtomicallyAndReadsBack() throws Exception {
        StateStore store = new StateStore(tmp);
        try (ContainerLock lock = store.createAndLock("a")) {
            ContainerState s = new ContainerState("a", "/b", "/b/rootfs", "linux", 42, 1234, false, "now", "root",
                null, Map.of("k", "v"), null);
            store.write(s);
            assertEquals(s, store.read("a").orElseThrow());
            assertFalse(Files.exists(lock.dir().resolve("state.json.tmp")));
        }
        assertEquals(List.of("a"), store.ids());
        assertEquals("rwx--x--x", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(tmp.resolve("a"))));
        store.remove("a");
        assertTrue(store.ids().isEmpty());
    }

    @Test
    void theLockExcludesASecondHolder() throws Exception {
        StateStore store = new StateStore(tmp);
        store.createAndLock("x").close();
        CountDownLatch held = new CountDownLatch(1);
        AtomicBoolean secondGotIt = new AtomicBoolean();
        try (ContainerLock first = store.lock("x")) {
            Thread t = new Thread(() -> {
                held.countDown();
                try (ContainerLock second = store.lock("x")) {
                    secondGotIt.set(true);
                }
            });
            t.start();
            held.await();
            t.join(300);
            assertFalse(secondGotIt.get(), "a second lock must wait while the first is held");
            first.close();
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        assertTrue(secondGotIt.get());
    }

    @Test
    void aRecycledPidIsNotTheContainer() {
        ProcessInfo info = ProcessInfo.host();
        int self = (int) ProcessHandle.current().pid();
        long start = info.startTime(self).orElseThrow();
        assertTrue(info.isAlive(self, start));
        assertFalse(info.isAlive(self, start + 1));
        assertFalse(info.isAlive(0, 0));
    }
}
