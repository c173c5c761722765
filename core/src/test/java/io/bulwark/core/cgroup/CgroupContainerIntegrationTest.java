package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.linux.Containers;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real containers from the linux backend with the cgroup hook: limits seen from inside, cleanup at delete. */
class CgroupContainerIntegrationTest {
    private static Containers containers;
    private static LinuxBackend backend;
    private static final ContainerCgroups CGROUPS = new ContainerCgroups();
    private static final Path CGROUPFS = Path.of("/sys/fs/cgroup");

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Containers.userNamespacesWork(), "user namespaces");
        Requirements.require(Files.isDirectory(CGROUPFS.resolve("memory"))
            && Files.isDirectory(CGROUPFS.resolve("pids")), "cgroup v1 memory and pids controllers");
        backend = new LinuxBackend(new LinuxCgroupHook(CGROUPS));
        containers = new Containers(backend);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (containers != null) {
            containers.close();
        }
    }

    private static Spec limited(Resources resources, String... args) {
        Spec s = Containers.spec(Containers.process(List.of(args)));
        Linux l = s.linux();
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), s.mounts(), s.hooks(),
            s.annotations(), new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(),
                l.devices(), l.cgroupsPath(), resources, l.rootfsPropagation(), l.seccomp(), l.sysctl(),
                l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.personality()));
    }

    private static Resources resources(MemoryResources memory, PidsResources pids) {
        return new Resources(null, memory, null, pids, null, null, null, null, null);
    }

    @Test
    void theInitIsInItsCgroupBeforeTheWorkloadRuns() throws Exception {
        try (Containers.Box box = containers.create(limited(resources(null, new PidsResources(20L)), "true"))) {
            CgroupManager m = CGROUPS.require(box.record.id(), box.record.stateDir());
            String memoryDir = m.location().dirs().get("memory");
            String procCgroup = Files.readString(Path.of("/proc/" + box.pid() + "/cgroup"));
            String memoryLine = procCgroup.lines().filter(l -> l.contains(":memory:")).findFirst().orElseThrow();
            assertTrue(("memory" + memoryLine.substring(memoryLine.lastIndexOf(':') + 1)).equals(memoryDir),
                memoryLine + " vs " + memoryDir);
            assertTrue(m.pids().contains(box.pid()));
            assertEquals("20", Files.readString(CGROUPFS.resolve(m.location().dirs().get("pids"))
                .resolve("pids.max")).trim());
            box.start();
            assertEquals(0, box.await());
        }
    }

    @Test
    void theContainersCgroupsAreTheRootOfItsCgroupNamespace() throws Exception {
        // As runc: the namespace is made after the init joined its cgroups, so inside the container every hierarchy
        // the container has a cgroup in shows "/", for the init (/proc/1/cgroup) and an exec'd process alike.
        try (Containers.Box box = containers.create(limited(resources(null, new PidsResources(20L)), "sleep",
            "1000"))) {
            CgroupManager m = CGROUPS.require(box.record.id(), box.record.stateDir());
            String hostView = Files.readString(Path.of("/proc/" + box.pid() + "/cgroup"));
            String hostPids = hostView.lines().filter(l -> l.contains(":pids:")).findFirst().orElseThrow();
            assertEquals(":/" + m.location().dirs().get("pids").substring("pids/".length()),
                hostPids.substring(hostPids.lastIndexOf(':')), hostView);
            box.start();
            Syscall sys = LibcSyscall.get();
            int[] pipe = sys.pipe();
            int devnull = sys.open("/dev/null", Syscall.O_RDWR | Syscall.O_CLOEXEC, 0);
            ContainerProcess exec;
            try {
                exec = backend.exec(box.record, new ExecRequest(Containers.process(List.of("sh", "-c",
                    "cat /proc/1/cgroup; echo --; cat /proc/self/cgroup")), null, 0, null, 0, null, null,
                    new Stdio(devnull, pipe[1], pipe[1])));
            } finally {
                sys.close(pipe[1]);
                sys.close(devnull);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = sys.read(pipe[0], buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            sys.close(pipe[0]);
            assertEquals(0, backend.awaitExit(exec));
            String inside = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            String[] views = inside.split("--\n");
            assertEquals(2, views.length, inside);
            for (String view : views) {
                for (String hierarchy : List.of("memory", "pids", "cpu", "devices", "freezer")) {
                    String line = view.lines().filter(l -> l.matches("\\d+:([^:]*,)?" + hierarchy + "(,[^:]*)?:.*"))
                        .findFirst().orElseThrow(() -> new AssertionError(hierarchy + " missing from " + inside));
                    assertTrue(line.endsWith(":/"), line + " in " + inside);
                }
            }
        }
    }

    @Test
    void anExecdProcessJoinsTheContainersCgroup() throws Exception {
        try (Containers.Box box = containers.create(limited(null, "sleep", "1000"))) {
            box.start();
            CgroupManager m = CGROUPS.require(box.record.id(), box.record.stateDir());
            Syscall sys = LibcSyscall.get();
            int devnull = sys.open("/dev/null", Syscall.O_RDWR | Syscall.O_CLOEXEC, 0);
            ContainerProcess exec;
            try {
                exec = backend.exec(box.record, new ExecRequest(Containers.process(List.of("sleep", "3")), null, 0,
                    null, 0, null, null, new Stdio(devnull, devnull, devnull)));
            } finally {
                sys.close(devnull);
            }
            assertTrue(m.pids().contains(exec.pid()), exec.pid() + " not in " + m.pids());
            assertEquals(0, backend.awaitExit(exec));
        }
    }

    @Test
    void aPidsLimitHoldsInsideTheContainer() throws Exception {
        Containers.Result r = containers.run(limited(resources(null, new PidsResources(6L)), "sh", "-c",
            "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 2 & done; wait; echo finished"));
        assertTrue(r.output().contains("can't fork"), r.output());
    }

    @Test
    void aMemoryHogIsOomKilled() throws Exception {
        long limit = 32L << 20;
        Containers.Result r = containers.run(limited(resources(new MemoryResources(limit, null, limit, null, null,
            null, null, null, null), null), "sh", "-c", "x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done"));
        assertEquals(137, r.status(), r.output());
    }

    @Test
    void deleteForceKillsEveryProcessAndRemovesTheCgroup() throws Exception {
        Containers.Box box = containers.create(limited(null, "sh", "-c", "sleep 60 & sleep 60 & wait"));
        CgroupManager m = CGROUPS.require(box.record.id(), box.record.stateDir());
        box.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (m.pids().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<Integer> pids = m.pids();
        assertEquals(3, pids.size(), pids.toString());
        box.close();
        for (int pid : pids) {
            assertFalse(Files.exists(Path.of("/proc/" + pid)) && !Files.readString(Path.of("/proc/" + pid + "/stat"))
                .contains(") Z "), "process " + pid + " survived");
        }
        assertFalse(m.exists(), "cgroup left behind");
    }

    @Test
    void aLaterDeleteCleansUpAfterACrash() throws Exception {
        Containers.Box box = containers.create(limited(null, "sleep", "60"));
        CgroupManager m = CGROUPS.require(box.record.id(), box.record.stateDir());
        box.start();
        // the runtime "crashed": its init is gone, but a stray process still sits in the cgroup
        Process stray = new ProcessBuilder("sleep", "60").start();
        m.addProcess((int) stray.pid());
        ProcessHandle.of(box.pid()).ifPresent(ProcessHandle::destroyForcibly);
        box.close();
        assertTrue(stray.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the stray must be killed");
        assertEquals(137, stray.exitValue());
        assertFalse(m.exists());
        assertFalse(Files.exists(box.record.stateDir().resolve(ContainerCgroups.FILE)));
    }

    /** The spec of {@link #limited} with a read-only {@code cgroup} mount, with or without a user namespace. */
    private static Spec withCgroupMount(Spec s, boolean userNamespace) {
        List<io.bulwark.core.spec.Mount> mounts = new java.util.ArrayList<>(s.mounts());
        mounts.add(new io.bulwark.core.spec.Mount("/sys/fs/cgroup", "cgroup",
            List.of("rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"), "cgroup", null, null));
        Linux l = s.linux();
        List<io.bulwark.core.spec.Namespace> ns = l.namespaces().stream()
            .filter(n -> userNamespace || !n.type().equals("user")).toList();
        return new Spec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts, s.hooks(),
            s.annotations(), new Linux(ns, userNamespace ? l.uidMappings() : null,
                userNamespace ? l.gidMappings() : null, l.timeOffsets(), l.devices(), l.cgroupsPath(), l.resources(),
                l.rootfsPropagation(), l.seccomp(), l.sysctl(), l.maskedPaths(), l.readonlyPaths(), l.mountLabel(),
                l.personality()));
    }

    private static void assertLimitsSeenThroughV1View(boolean userNamespace) throws Exception {
        long limit = 64L << 20;
        Spec spec = withCgroupMount(limited(resources(new MemoryResources(limit, null, null, null, null, null, null,
            null, null), new PidsResources(50L)), "sh", "-c",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max;"
                + " stat -c '%a %u' /sys/fs/cgroup;"
                + " grep ' /sys/fs/cgroup/memory ' /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1 | sort -u;"
                + " grep ' /sys/fs/cgroup/' /proc/mounts | cut -d' ' -f2 | sort -u | wc -l;"
                + " mkdir /sys/fs/cgroup/x 2>/dev/null && echo writable || echo read-only"), userNamespace);
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(Long.toString(limit), lines.get(0), r.output());
        assertEquals("50", lines.get(1), r.output());
        assertEquals("755 0", lines.get(2), r.output());
        assertEquals("cgroup ro", lines.get(3), r.output());
        long hierarchies = Files.list(CGROUPFS).filter(d -> Files.exists(d.resolve("cgroup.procs"))
            && !Files.exists(d.resolve("cgroup.controllers")) && !Files.isSymbolicLink(d)
            && java.util.Arrays.stream(d.getFileName().toString().split(","))
                .anyMatch(n -> CgroupEnvironment.V1_CONTROLLERS.contains(n) || n.equals("systemd"))).count();
        assertEquals(Long.toString(hierarchies), lines.get(4), r.output());
        assertEquals("read-only", lines.get(5), r.output());
    }

    @Test
    void aCgroupMountShowsTheContainersOwnV1LimitsInAUserNamespace() throws Exception {
        assertLimitsSeenThroughV1View(true);
    }

    @Test
    void aCgroupMountShowsTheContainersOwnV1LimitsWithoutAUserNamespace() throws Exception {
        assertLimitsSeenThroughV1View(false);
    }
}
