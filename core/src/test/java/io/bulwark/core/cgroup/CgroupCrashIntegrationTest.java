package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.api.Runtime;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.state.ContainerLock;
import io.bulwark.core.state.ContainerState;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulwark dying part-way through making a container's cgroup must never leak it: on the host's real cgroups, the
 * process placing the cgroup is "killed" after each cgroupfs change in turn (no cleanup of its own runs), and a
 * later {@code delete} (the runtime's, with the state create had written by then) must leave no directory, no
 * process and no record.
 */
class CgroupCrashIntegrationTest {
    @TempDir
    Path tmp;

    /** Thrown instead of the next cgroupfs change: an Error, so no catch-and-clean-up of the code under test runs. */
    static final class Crash extends Error {
        Crash(String at) {
            super("crash before " + at, null, false, false);
        }
    }

    /** The host's cgroupfs, dying before its {@code survive + 1}-th change. */
    static final class CrashingFs implements CgroupFs {
        private final CgroupFs real;
        private int left;
        int changes;

        CrashingFs(CgroupFs real, int survive) {
            this.real = real;
            this.left = survive;
        }

        private void change(String what) {
            if (left-- == 0) {
                throw new Crash(what);
            }
            changes++;
        }

        @Override
        public Path root() {
            return real.root();
        }

        @Override
        public boolean exists(String path) {
            return real.exists(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return real.isDirectory(path);
        }

        @Override
        public String read(String path) {
            return real.read(path);
        }

        @Override
        public Optional<String> readIfExists(String path) {
            return real.readIfExists(path);
        }

        @Override
        public void write(String path, String value) {
            change("write " + path);
            real.write(path, value);
        }

        @Override
        public void mkdirs(String path) {
            // one change per directory level, as the kernel sees them
            String joined = CgroupFs.join(path);
            String current = "";
            for (String segment : joined.split("/")) {
                current = current.isEmpty() ? segment : current + "/" + segment;
                if (!real.isDirectory(current)) {
                    change("mkdir " + current);
                    real.mkdirs(current);
                }
            }
        }

        @Override
        public void rmdir(String path) {
            change("rmdir " + path);
            real.rmdir(path);
        }

        @Override
        public List<String> subdirectories(String path) {
            return real.subdirectories(path);
        }

        @Override
        public List<String> list(String path) {
            return real.list(path);
        }
    }

    private static CgroupEnvironment dyingAfter(CgroupEnvironment host, CrashingFs fs) {
        return new CgroupEnvironment(host.version(), fs, host.kernel(), host.hierarchies(), host.ownPaths(),
            host.unifiedOnly(), host.bfqInUse());
    }

    @Test
    void aCrashAfterAnyStepOfPlacingTheCgroupLeavesNothingAfterDelete() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        CgroupEnvironment host = CgroupEnvironment.host();
        Resources limits = new Resources(null, new MemoryResources(64L << 20, null, null, null, null, null, null,
            null, null), new CpuResources(512L, 50000L, null, 100000L, null, null, null, null, null),
            new PidsResources(32L), null, null, null, null, null);
        Path root = Files.createDirectories(tmp.resolve("state"));
        StateStore store = new StateStore(root);
        Runtime runtime = Runtime.builder().root(root).backend(new LinuxBackend(new LinuxCgroupHook())).build();
        int steps = -1;
        for (int survive = 0; steps < 0 || survive <= steps; survive++) {
            String id = "crash-" + UUID.randomUUID().toString().substring(0, 8);
            Path state;
            try (ContainerLock lock = store.createAndLock(id)) {
                state = lock.dir();
                // what create has written when the backend places the cgroup: the state, without the init's pid yet
                store.write(new ContainerState(id, root.toString(), root.toString(), "linux", 0, 0, false,
                    "2026-01-01T00:00:00Z", "root", null, null, null));
            }
            Linux linux = new Linux(null, null, null, null, null, null, limits, null, null, null, null, null, null,
                null);
            Process init = new ProcessBuilder("sleep", "600").start();
            try {
                CrashingFs fs = new CrashingFs(host.fs(), survive);
                CgroupLocation location;
                try {
                    location = new ContainerCgroups(() -> dyingAfter(host, fs)).place(id, state, linux,
                        (int) init.pid()).location();
                    steps = fs.changes; // the whole place took this many changes: this was the last round
                } catch (Crash crash) {
                    location = CgroupLocation.resolve(host, id, null);
                }
                boolean joined = Files.readString(Path.of("/proc/" + init.pid() + "/cgroup")).contains("/" + id);
                // a later delete: the host's cgroupfs, nothing shared with the dead process
                runtime.delete(id, false);
                assertFalse(Files.exists(state), "the state directory is left");
                for (String dir : location.dirs().values()) {
                    assertFalse(Files.exists(host.fs().root().resolve(dir)),
                        dir + " left after a crash following change " + survive);
                }
                assertFalse(Files.exists(state.resolve(ContainerCgroups.FILE)), "the cgroup record is left");
                if (joined) {
                    assertTrue(init.waitFor(10, TimeUnit.SECONDS), "an init that had joined is killed by the delete");
                    assertEquals(137, init.exitValue(), "killed by SIGKILL");
                } else {
                    assertTrue(init.isAlive(), "a process outside the cgroup is none of delete's business");
                }
            } finally {
                init.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertTrue(steps > 5, "placing a limited cgroup takes several changes: " + steps);
    }
}
