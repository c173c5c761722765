package io.bulwark.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.conformance.OciConformanceIT.Case;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code linux.resources} items of config-linux.md and the cgroup-backed operations (runc's pause, resume,
 * update, events, ps, kill --all, delete --force), each checked twice where it can be: inside the container (its
 * cgroup mount, /proc/self/status, what its processes can do) and on the host (the container's cgroup files, found
 * from /proc/PID/cgroup of its process, never from Bulwark's own records). A limit whose controller or interface
 * file the host lacks must be refused with an error naming the limit: the case then checks that refusal instead.
 */
final class ResourceCases {
    private static final long MIB = 1L << 20;
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final Harness h;
    private Limited limited;

    ResourceCases(Harness h) {
        this.h = h;
    }

    /** A container made with many limits at once: what its host cgroup files held, and what it saw inside. */
    private record Limited(Map<String, String> host, Map<String, Path> dirs, int pid, Report inside) {
        String host(String file) {
            String v = host.get(file);
            assertTrue(v != null, "host cgroup file " + file + " was not read");
            return v;
        }
    }

    /** The files the shared container's case read, per controller, on the host and (through /sys/fs/cgroup) inside. */
    private static final String[][] LIMIT_FILES = {
        {"memory", "memory.limit_in_bytes"}, {"memory", "memory.soft_limit_in_bytes"},
        {"memory", "memory.memsw.limit_in_bytes"}, {"memory", "memory.oom_control"},
        {"cpu", "cpu.shares"}, {"cpu", "cpu.cfs_quota_us"}, {"cpu", "cpu.cfs_period_us"},
        {"cpuset", "cpuset.cpus"}, {"cpuset", "cpuset.mems"}, {"pids", "pids.max"}};

    /** The v1 hierarchies mounted under /sys/fs/cgroup (controllers and named ones such as systemd). */
    static List<String> v1Hierarchies() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> all = Files.list(CGROUP_ROOT)) {
            for (Path d : (Iterable<Path>) all.sorted()::iterator) {
                if (!Files.isSymbolicLink(d) && Files.exists(d.resolve("cgroup.procs"))
                    && !Files.exists(d.resolve("cgroup.controllers"))) {
                    out.add(d.getFileName().toString());
                }
            }
        }
        return out;
    }

    static boolean v1Host() {
        return !Files.exists(CGROUP_ROOT.resolve("cgroup.controllers"));
    }

    /** Adds runc's cgroup mount (read-only) so the container can see its own cgroup. */
    static TestBundle withCgroupMount(TestBundle b) {
        b.mounts().addObject().put("destination", "/sys/fs/cgroup").put("type", "cgroup").put("source", "cgroup")
            .putArray("options").add("nosuid").add("noexec").add("nodev").add("relatime").add("ro");
        return b;
    }

    static ObjectNode resources(TestBundle b) {
        return b.linux().withObject("/resources");
    }

    /**
     * The host directories of a process's cgroups: hierarchy name (as mounted under /sys/fs/cgroup: memory,
     * systemd...) to the directory, read from /proc/PID/cgroup.
     */
    static Map<String, Path> hostCgroups(int pid) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length != 3 || f[1].isEmpty()) {
                continue;
            }
            // each controller, and the hierarchy's own name where it differs (cpu,cpuacct on some hosts)
            List<String> names = new ArrayList<>(List.of(f[1].split(",")));
            names.add(f[1]);
            for (String controller : names) {
                String name = controller.startsWith("name=") ? controller.substring(5) : controller;
                Path mount = CGROUP_ROOT.resolve(name);
                if (Files.isDirectory(mount)) {
                    out.put(name, mount.resolve(f[2].substring(1)));
                }
            }
        }
        return out;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file).strip();
    }

    private int pid(String id) throws Exception {
        int pid = h.state(id).path("pid").asInt();
        assertTrue(pid > 0, "state must give the container's pid");
        return pid;
    }

    /** The block devices of /sys/block: name to major:minor, real disks (not loop, ram or zram) first. */
    private static Map<String, String> blockDevices() throws IOException {
        Map<String, String> disks = new java.util.TreeMap<>();
        Map<String, String> others = new java.util.TreeMap<>();
        Path sysBlock = Path.of("/sys/block");
        if (Files.isDirectory(sysBlock)) {
            try (Stream<Path> all = Files.list(sysBlock)) {
                for (Path d : (Iterable<Path>) all::iterator) {
                    Path dev = d.resolve("dev");
                    if (Files.isReadable(dev)) {
                        String name = d.getFileName().toString();
                        boolean virtual = name.startsWith("loop") || name.startsWith("ram") || name.startsWith("zram");
                        (virtual ? others : disks).put(name, read(dev));
                    }
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>(disks);
        out.putAll(others);
        return out;
    }

    /** A block device to throttle (major:minor), a real disk when there is one. */
    private static Optional<String> aBlockDevice() throws IOException {
        return blockDevices().values().stream().findFirst();
    }

    /** A block device (name) that this host process may open read-only: the control for a device-cgroup denial. */
    private static Optional<String> anOpenableBlockDevice() throws IOException {
        for (String name : blockDevices().keySet()) {
            try (var ch = Files.newByteChannel(Path.of("/dev", name))) {
                return Optional.of(name);
            } catch (IOException | SecurityException e) {
                // this one is closed to the host process too (or has no node): no use as a control
            }
        }
        return Optional.empty();
    }

    /** A container running the checker with {@code args}, its output captured; started, seen running. */
    private Harness.Created started(TestBundle b) throws Exception {
        Harness.Created c = h.createCapturing(b);
        assertTrue(h.cli.run("start", c.id()).ok(), "start " + c.id());
        h.awaitStatus(c.id(), "running");
        return c;
    }

    /** Waits until the container's output has a line starting with {@code prefix}; returns the output. */
    private static String awaitOutput(Harness.Created c, String prefix) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        String out = c.output();
        while (!out.lines().anyMatch(l -> l.startsWith(prefix)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            out = c.output();
        }
        String seen = out;
        assertTrue(seen.lines().anyMatch(l -> l.startsWith(prefix)), "the container never printed " + prefix + ": "
            + seen);
        return out;
    }

    private static int lastTick(String output) {
        int last = -1;
        for (String l : output.split("\n")) {
            if (l.startsWith("tick=")) {
                last = Integer.parseInt(l.substring(5).strip());
            }
        }
        return last;
    }

    private static List<Integer> procs(Path cgroupDir) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (String l : Files.readAllLines(cgroupDir.resolve("cgroup.procs"))) {
            if (!l.isBlank()) {
                out.add(Integer.parseInt(l.strip()));
            }
        }
        return out;
    }

    private static void awaitEmpty(Path cgroupDir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(cgroupDir) && !procs(cgroupDir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!Files.exists(cgroupDir) || procs(cgroupDir).isEmpty(), "processes left in " + cgroupDir);
    }

    /**
     * Creates (not starts) the shared limited container, reads its host cgroup files, then starts it: the checker
     * reports the same files through its cgroup mount and its own cpuset from /proc/self/status.
     */
    private Limited limited() throws Exception {
        if (limited == null) {
            Requirements.require(v1Host(), "a cgroup v1 host (these cases read v1 interface files)");
            TestBundle b = withCgroupMount(h.bundle("limits"));
            ObjectNode r = resources(b);
            r.putObject("memory").put("limit", 64 * MIB).put("reservation", 32 * MIB).put("swap", 96 * MIB)
                .put("disableOOMKiller", true);
            r.putObject("cpu").put("shares", 512).put("quota", 20000).put("period", 100000).put("cpus", "0")
                .put("mems", "0");
            r.putObject("pids").put("limit", 40);
            List<String> probes = new ArrayList<>();
            for (String[] f : LIMIT_FILES) {
                probes.add("cat:/sys/fs/cgroup/" + f[0] + "/" + f[1]);
            }
            for (String n : v1Hierarchies()) {
                probes.add("/sys/fs/cgroup/" + n);
                probes.add("cat:/sys/fs/cgroup/" + n + "/cgroup.procs");
            }
            b.report(probes.toArray(String[]::new));
            Harness.Created c = h.createCapturing(b);
            int pid = pid(c.id());
            Map<String, Path> dirs = hostCgroups(pid);
            Map<String, String> host = new LinkedHashMap<>();
            for (String[] f : LIMIT_FILES) {
                host.put(f[1], read(dirs.get(f[0]).resolve(f[1])));
            }
            for (Map.Entry<String, Path> d : dirs.entrySet()) {
                host.put(d.getKey() + "/cgroup.procs", read(d.getValue().resolve("cgroup.procs")));
            }
            assertTrue(h.cli.run("start", c.id()).ok());
            h.awaitStatus(c.id(), "stopped");
            Report inside = new Report(c.output());
            assertTrue(inside.complete(), "the checker's report is incomplete: " + inside.abbreviated());
            limited = new Limited(host, dirs, pid, inside);
        }
        return limited;
    }

    /** Asserts the host file and the container's view of it both hold {@code want}. */
    private void assertLimit(String controller, String file, String want) throws Exception {
        Limited l = limited();
        assertEquals(want, l.host(file), "host " + controller + "/" + file);
        assertEquals(want, l.inside().get("file./sys/fs/cgroup/" + controller + "/" + file).strip(),
            "inside /sys/fs/cgroup/" + controller + "/" + file);
    }

    /**
     * When {@code present}, the bundle must run with the limit applied (checked by {@code applied}); otherwise
     * create must fail naming every fragment, leaving nothing behind.
     */
    private void appliedOrRefused(TestBundle b, boolean present, Body applied, String... refusal) throws Exception {
        if (present) {
            applied.run();
            return;
        }
        h.requireWorkingRuntime();
        b.write();
        h.assertCreateRefused(b, refusal);
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    List<Case> cases() {
        return List.of(
            new Case("linux.resources.memory", "config-linux.md#memory",
                "memory limit, reservation, swap and disableOOMKiller are in the container's memory cgroup", () -> {
                    assertLimit("memory", "memory.limit_in_bytes", Long.toString(64 * MIB));
                    assertLimit("memory", "memory.soft_limit_in_bytes", Long.toString(32 * MIB));
                    assertLimit("memory", "memory.memsw.limit_in_bytes", Long.toString(96 * MIB));
                    assertTrue(limited().host("memory.oom_control").contains("oom_kill_disable 1"),
                        limited().host("memory.oom_control"));
                }),
            new Case("linux.resources.memory.oom", "config-linux.md#memory",
                "a process that allocates past limit and swap is OOM-killed: the container exits 137", () -> {
                    TestBundle b = h.bundle("oom").args(TestBundle.CHECKER, "alloc", "256");
                    resources(b).putObject("memory").put("limit", 16 * MIB).put("swap", 16 * MIB);
                    b.write();
                    Cli.Result r = h.cli.run("run", "--bundle", b.dir.toString(), h.newId("oom"));
                    assertEquals(137, r.code(), r.describe());
                    assertFalse(r.out().contains("allocated=256"), "the allocation must not complete: " + r.out());
                }),
            new Case("linux.resources.cpu", "config-linux.md#cpu",
                "cpu shares, quota and period are in the container's cpu cgroup", () -> {
                    assertLimit("cpu", "cpu.shares", "512");
                    assertLimit("cpu", "cpu.cfs_quota_us", "20000");
                    assertLimit("cpu", "cpu.cfs_period_us", "100000");
                }),
            new Case("linux.resources.cpu.cpuset", "config-linux.md#cpu",
                "cpus and mems confine the process: its cpuset and /proc/self/status show only those", () -> {
                    assertLimit("cpuset", "cpuset.cpus", "0");
                    assertLimit("cpuset", "cpuset.mems", "0");
                    assertEquals("0", limited().inside().get("status.Cpus_allowed_list"));
                    assertEquals("0", limited().inside().get("status.Mems_allowed_list"));
                }),
            new Case("linux.resources.cpu.idle", "config-linux.md#cpu",
                "cpu idle is applied where the kernel has cpu.idle, else refused naming it", () -> {
                    TestBundle b = h.bundle("idle").args(TestBundle.CHECKER, "sleep");
                    resources(b).putObject("cpu").put("idle", 1);
                    appliedOrRefused(b, Files.exists(CGROUP_ROOT.resolve("cpu/cpu.idle")), () -> {
                        String id = h.create(b);
                        assertEquals("1", read(hostCgroups(pid(id)).get("cpu").resolve("cpu.idle")));
                    }, "linux.resources.cpu.idle");
                }),
            new Case("linux.resources.cpu.realtime", "config-linux.md#cpu",
                "realtimePeriod is applied where the kernel has RT group scheduling; a realtimeRuntime the parent "
                    + "cgroup cannot grant is refused naming it", () -> {
                    boolean rt = Files.exists(CGROUP_ROOT.resolve("cpu/cpu.rt_period_us"));
                    TestBundle b = h.bundle("rt").args(TestBundle.CHECKER, "sleep");
                    resources(b).putObject("cpu").put("realtimePeriod", 500000);
                    appliedOrRefused(b, rt, () -> {
                        String id = h.create(b);
                        assertEquals("500000", read(hostCgroups(pid(id)).get("cpu").resolve("cpu.rt_period_us")));
                    }, "linux.resources.cpu.realtimePeriod");
                    // more runtime than the whole period can hold: no cgroup can grant it
                    TestBundle over = h.bundle("rtover").args(TestBundle.CHECKER, "sleep");
                    resources(over).putObject("cpu").put("realtimePeriod", 100000).put("realtimeRuntime", 200000);
                    over.write();
                    h.assertCreateRefused(over, "linux.resources.cpu.realtimeRuntime");
                }),
            new Case("linux.resources.pids", "config-linux.md#pids",
                "pids limit is in the pids cgroup, and forks past it fail inside the container", () -> {
                    assertLimit("pids", "pids.max", "40");
                    TestBundle b = h.bundle("forks").args(TestBundle.CHECKER, "forks", "64");
                    resources(b).putObject("pids").put("limit", 16);
                    Report r = h.runReport(b);
                    int forked = Integer.parseInt(r.get("forked"));
                    assertTrue(forked > 0 && forked <= 15, "16 processes at most, the checker itself included: "
                        + forked);
                    assertEquals("Resource temporarily unavailable", r.get("fork.error"));
                }),
            new Case("linux.resources.blockIO.weight", "config-linux.md#block-io",
                "blockIO weight is applied where the blkio controller has a weight file, else refused naming it",
                () -> {
                    TestBundle b = h.bundle("blkweight").args(TestBundle.CHECKER, "sleep");
                    resources(b).putObject("blockIO").put("weight", 300);
                    appliedOrRefused(b, Files.exists(CGROUP_ROOT.resolve("blkio/blkio.weight")), () -> {
                        String id = h.create(b);
                        assertEquals("300", read(hostCgroups(pid(id)).get("blkio").resolve("blkio.weight")));
                    }, "linux.resources.blockIO.weight", "blkio.weight");
                }),
            new Case("linux.resources.blockIO.throttle", "config-linux.md#block-io",
                "blockIO throttles are set per device in the blkio cgroup", () -> {
                    Optional<String> device = aBlockDevice();
                    Requirements.require(device.isPresent(), "a block device (for a throttle)");
                    String[] mm = device.get().split(":");
                    TestBundle b = h.bundle("throttle").args(TestBundle.CHECKER, "sleep");
                    ObjectNode io = resources(b).putObject("blockIO");
                    io.putArray("throttleReadBpsDevice").addObject().put("major", Long.parseLong(mm[0]))
                        .put("minor", Long.parseLong(mm[1])).put("rate", 2 * MIB);
                    io.putArray("throttleWriteIOPSDevice").addObject().put("major", Long.parseLong(mm[0]))
                        .put("minor", Long.parseLong(mm[1])).put("rate", 120);
                    appliedOrRefused(b, Files.exists(CGROUP_ROOT.resolve("blkio/blkio.throttle.read_bps_device")),
                        () -> {
                            String id = h.create(b);
                            Path blkio = hostCgroups(pid(id)).get("blkio");
                            assertEquals(device.get() + " " + 2 * MIB, read(blkio.resolve(
                                "blkio.throttle.read_bps_device")));
                            assertEquals(device.get() + " 120", read(blkio.resolve("blkio.throttle.write_iops_device")));
                        }, "linux.resources.blockIO.throttleReadBpsDevice[0]");
                }),
            new Case("linux.resources.hugepageLimits", "config-linux.md#huge-page-limits",
                "hugepage limits are applied where a v1 hugetlb controller is mounted, else refused naming hugetlb",
                () -> {
                    TestBundle b = h.bundle("hugetlb").args(TestBundle.CHECKER, "sleep");
                    resources(b).putArray("hugepageLimits").addObject().put("pageSize", "2MB").put("limit", 4 * MIB);
                    boolean v1Hugetlb = Files.exists(CGROUP_ROOT.resolve("hugetlb/cgroup.procs"));
                    appliedOrRefused(b, v1Hugetlb, () -> {
                        String id = h.create(b);
                        assertEquals(Long.toString(4 * MIB), read(hostCgroups(pid(id)).get("hugetlb")
                            .resolve("hugetlb.2MB.limit_in_bytes")));
                    }, "linux.resources.hugepageLimits[0]", "hugetlb");
                }),
            new Case("linux.resources.network", "config-linux.md#network",
                "network classID and priorities are applied where net_cls and net_prio are mounted, else refused "
                    + "naming the controller", () -> {
                    TestBundle cls = h.bundle("netcls").args(TestBundle.CHECKER, "sleep");
                    resources(cls).putObject("network").put("classID", 0x100001);
                    appliedOrRefused(cls, Files.exists(CGROUP_ROOT.resolve("net_cls/cgroup.procs")), () -> {
                        String id = h.create(cls);
                        assertEquals(Long.toString(0x100001), read(hostCgroups(pid(id)).get("net_cls")
                            .resolve("net_cls.classid")));
                    }, "linux.resources.network.classID", "net_cls");
                    TestBundle prio = h.bundle("netprio").args(TestBundle.CHECKER, "sleep");
                    resources(prio).putObject("network").putArray("priorities").addObject().put("name", "lo")
                        .put("priority", 3);
                    appliedOrRefused(prio, Files.exists(CGROUP_ROOT.resolve("net_prio/cgroup.procs")), () -> {
                        String id = h.create(prio);
                        assertTrue(read(hostCgroups(pid(id)).get("net_prio").resolve("net_prio.ifpriomap"))
                            .contains("lo 3"));
                    }, "linux.resources.network.priorities[0]", "net_prio");
                }),
            new Case("linux.resources.unified", "config-linux.md#unified",
                "unified on a cgroup v1 host is refused naming it (there is no v2 cgroup to write)", () -> {
                    Requirements.require(v1Host(), "a cgroup v1 host");
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("unified").args(TestBundle.CHECKER, "sleep");
                    resources(b).putObject("unified").put("pids.max", "10");
                    b.write();
                    h.assertCreateRefused(b, "linux.resources.unified", "cgroup v2");
                }),
            new Case("linux.resources.devices", "config-linux.md#allowed-device-list",
                "the device cgroup denies opening a block device the rules do not allow, and allows it once a rule "
                    + "does", () -> {
                    Optional<String> device = anOpenableBlockDevice();
                    Requirements.require(device.isPresent(), "a block device the host can open");
                    Path node = Path.of("/dev", device.get());
                    String[] mm = blockDevices().get(device.get()).split(":");
                    // no user namespace: container root is host root, so only the device cgroup can refuse the
                    // open; the node is bound in (linux.devices would allow it implicitly)
                    TestBundle denied = h.bundle("devdeny").withoutUserNamespace();
                    denied.mounts().addObject().put("destination", "/dev/blockdev").put("type", "bind")
                        .put("source", node.toString()).putArray("options").add("bind").add("ro");
                    denied.report("open:/dev/blockdev");
                    assertEquals("Operation not permitted", h.runReport(denied).get("open./dev/blockdev"));
                    TestBundle allowed = h.bundle("devallow").withoutUserNamespace();
                    allowed.config.set("mounts", denied.mounts().deepCopy());
                    allowed.linux().withObject("/resources").withArray("devices").addObject().put("allow", true)
                        .put("type", "b").put("major", Long.parseLong(mm[0])).put("minor", Long.parseLong(mm[1]))
                        .put("access", "r");
                    allowed.report("open:/dev/blockdev");
                    assertEquals("ok", h.runReport(allowed).get("open./dev/blockdev"));
                }),
            new Case("linux.cgroupsPath", "config-linux.md#cgroups-path",
                "an absolute cgroupsPath is the container's cgroup in every hierarchy, and delete removes it", () -> {
                    Requirements.require(v1Host(), "a cgroup v1 host");
                    String path = "/bulwark-conformance-" + ProcessHandle.current().pid() + "/cgpath";
                    TestBundle b = h.bundle("cgpath").args(TestBundle.CHECKER, "sleep");
                    b.linux().put("cgroupsPath", path);
                    String id = h.create(b);
                    Map<String, Path> dirs = hostCgroups(pid(id));
                    for (String controller : List.of("memory", "cpu", "pids", "freezer", "devices")) {
                        Path want = CGROUP_ROOT.resolve(controller).resolve(path.substring(1));
                        assertEquals(want, dirs.get(controller), controller);
                        assertTrue(Files.isDirectory(want), want.toString());
                    }
                    assertTrue(h.cli.run("delete", "--force", id).ok());
                    for (String hierarchy : v1Hierarchies()) {
                        Path dir = CGROUP_ROOT.resolve(hierarchy).resolve(path.substring(1));
                        assertFalse(Files.exists(dir), dir + " left after delete");
                        Files.deleteIfExists(dir.getParent()); // the parent the path above made: the case's own
                    }
                }),
            new Case("linux.cgroup-mount", "config-linux.md#control-groups, runc's cgroup mount",
                "a cgroup mount on a v1 host shows each hierarchy (name=systemd too) read-only, as the container's "
                    + "own cgroup", () -> {
                    Limited l = limited();
                    List<String> names = v1Hierarchies();
                    assertTrue(names.containsAll(List.of("memory", "cpu", "pids", "freezer", "devices")), "" + names);
                    for (String n : names) {
                        Path dir = l.dirs().get(n);
                        assertTrue(dir != null && !dir.equals(CGROUP_ROOT.resolve(n)),
                            "the container must have a cgroup of its own in " + n + ": " + l.dirs());
                        List<String> onHost = List.of(l.host(n + "/cgroup.procs").split("\n"));
                        assertTrue(onHost.contains(Integer.toString(l.pid())), dir + " holds the init: " + onHost);
                        String seen = l.inside().get("path./sys/fs/cgroup/" + n);
                        assertTrue(seen.startsWith("dir ") && seen.endsWith("ro=1"), n + ": " + seen);
                        // its own cgroup: the init (pid 1 inside) is there, none of the host's processes
                        List<String> procs = List.of(l.inside().get("file./sys/fs/cgroup/" + n + "/cgroup.procs")
                            .split("\\\\n"));
                        assertEquals(List.of("1"), procs, n + "/cgroup.procs inside");
                    }
                }),
            new Case("runtime.pause-resume", "runc pause/resume",
                "pause freezes every process (no progress, status paused); resume thaws them (status running)", () -> {
                    Harness.Created c = started(h.bundle("pause").args(TestBundle.CHECKER, "tick"));
                    awaitOutput(c, "tick=3");
                    Path freezer = hostCgroups(pid(c.id())).get("freezer");
                    assertTrue(h.cli.run("pause", c.id()).ok());
                    assertEquals("paused", h.status(c.id()));
                    assertEquals("FROZEN", read(freezer.resolve("freezer.state")));
                    int frozenAt = lastTick(c.output());
                    Thread.sleep(300);
                    assertEquals(frozenAt, lastTick(c.output()), "a paused container made progress");
                    assertTrue(h.cli.run("resume", c.id()).ok());
                    assertEquals("running", h.status(c.id()));
                    assertEquals("THAWED", read(freezer.resolve("freezer.state")));
                    awaitOutput(c, "tick=" + (frozenAt + 3));
                    assertTrue(h.cli.run("pause", "oci-no-such-container").code() > 0);
                }),
            new Case("runtime.update", "runc update",
                "update changes live limits: the host files, the container's own view and the stored config", () -> {
                    TestBundle b = withCgroupMount(h.bundle("update")).args(TestBundle.CHECKER, "sleep");
                    ObjectNode r = resources(b);
                    r.putObject("memory").put("limit", 64 * MIB).put("swap", 64 * MIB);
                    r.putObject("pids").put("limit", 32);
                    r.putObject("cpu").put("quota", 50000).put("period", 100000);
                    Harness.Created c = started(b);
                    Map<String, Path> dirs = hostCgroups(pid(c.id()));
                    Cli.Result up = h.cli.run("update", "--memory", "48m", "--memory-swap", "48m", "--pids-limit",
                        "16", "--cpu-quota", "30000", c.id());
                    assertTrue(up.ok(), up.describe());
                    assertEquals(Long.toString(48 * MIB), read(dirs.get("memory").resolve("memory.limit_in_bytes")));
                    assertEquals("16", read(dirs.get("pids").resolve("pids.max")));
                    assertEquals("30000", read(dirs.get("cpu").resolve("cpu.cfs_quota_us")));
                    assertEquals("100000", read(dirs.get("cpu").resolve("cpu.cfs_period_us")), "period untouched");
                    Cli.Result exec = h.cli.run("exec", c.id(), TestBundle.CHECKER, "report",
                        "cat:/sys/fs/cgroup/memory/memory.limit_in_bytes", "cat:/sys/fs/cgroup/pids/pids.max");
                    assertTrue(exec.ok(), exec.describe());
                    Report inside = new Report(exec.out());
                    assertEquals(Long.toString(48 * MIB), inside.get("file./sys/fs/cgroup/memory/memory.limit_in_bytes"));
                    assertEquals("16", inside.get("file./sys/fs/cgroup/pids/pids.max"));
                    JsonNode stored = TestBundle.JSON.readTree(h.cli.root().resolve(c.id()).resolve("config.json")
                        .toFile()).path("linux").path("resources");
                    assertEquals(48 * MIB, stored.at("/memory/limit").asLong(), stored.toString());
                    assertEquals(16, stored.at("/pids/limit").asLong(), stored.toString());
                    assertEquals(30000, stored.at("/cpu/quota").asLong(), stored.toString());
                    assertEquals(100000, stored.at("/cpu/period").asLong(), "fields the update left alone stay");
                    Cli.Result bad = h.cli.run("update", "--memory", "lots", c.id());
                    assertTrue(bad.code() > 0 && bad.err().contains("--memory"), bad.describe());
                }),
            new Case("runtime.events", "runc events",
                "events --stats reports the cgroup's counters and limits; the stream reports an OOM kill", () -> {
                    TestBundle b = h.bundle("events").args(TestBundle.CHECKER, "spawn", "2");
                    resources(b).putObject("memory").put("limit", 64 * MIB);
                    resources(b).putObject("pids").put("limit", 20);
                    Harness.Created c = started(b);
                    awaitOutput(c, "spawned=");
                    Map<String, Path> dirs = hostCgroups(pid(c.id()));
                    Cli.Result stats = h.cli.run("events", "--stats", c.id());
                    assertTrue(stats.ok(), stats.describe());
                    JsonNode data = TestBundle.JSON.readTree(stats.out());
                    assertEquals("stats", data.path("type").asText());
                    assertEquals(c.id(), data.path("id").asText());
                    assertEquals(20, data.at("/data/pids/limit").asLong());
                    assertEquals(procs(dirs.get("pids")).size(), data.at("/data/pids/current").asInt());
                    assertEquals(64 * MIB, data.at("/data/memory/usage/limit").asLong());
                    assertTrue(data.at("/data/memory/usage/usage").asLong() > 0, data.toString());
                    assertTrue(data.at("/data/cpu/usage/total").asLong() > 0, data.toString());

                    TestBundle hog = h.bundle("eventsoom").args(TestBundle.CHECKER, "alloc", "256");
                    resources(hog).putObject("memory").put("limit", 16 * MIB).put("swap", 16 * MIB);
                    Harness.Created o = h.createCapturing(hog);
                    Path events = h.work.resolve("io").resolve(o.id() + ".events");
                    Process stream = new ProcessBuilder(h.bulwark.toString(), "--root", h.cli.root().toString(),
                        "events", "--interval", "1s", o.id()).redirectOutput(events.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    try {
                        // the stream arms its OOM notification before it prints its first stats
                        long deadline = System.nanoTime() + 30_000_000_000L;
                        while (Files.size(events) == 0 && stream.isAlive() && System.nanoTime() < deadline) {
                            Thread.sleep(50);
                        }
                        assertTrue(Files.size(events) > 0, "the events stream printed nothing");
                        assertTrue(h.cli.run("start", o.id()).ok());
                        h.awaitStatus(o.id(), "stopped");
                        assertTrue(stream.waitFor(20, TimeUnit.SECONDS), "events must end when the container stops");
                    } finally {
                        stream.destroyForcibly();
                    }
                    assertTrue(Files.readAllLines(events).stream().anyMatch(l -> l.contains("\"type\":\"oom\"")),
                        "no oom event: " + Files.readString(events));
                }),
            new Case("runtime.ps", "runc ps",
                "ps lists every process in the container's cgroup, as the host's cgroup.procs does", () -> {
                    Harness.Created c = started(h.bundle("ps").args(TestBundle.CHECKER, "spawn", "3"));
                    awaitOutput(c, "spawned=3");
                    Set<Integer> host = new TreeSet<>(procs(hostCgroups(pid(c.id())).get("pids")));
                    Cli.Result ps = h.cli.run("ps", "--format", "json", c.id());
                    assertTrue(ps.ok(), ps.describe());
                    Set<Integer> listed = new TreeSet<>();
                    TestBundle.JSON.readTree(ps.out()).forEach(n -> listed.add(n.asInt()));
                    assertEquals(4, host.size(), "the checker and its 3 children: " + host);
                    assertEquals(host, listed);
                }),
            new Case("runtime.kill-all", "runc kill --all",
                "kill --all signals every process in the cgroup, also those that left the init's process tree", () -> {
                    // no pid namespace (hence host root: proc needs one in a user namespace): the orphans go to the host's
                    // init, out of reach of a kill that follows the container's process tree
                    TestBundle b = h.bundle("killall").withoutUserNamespace().withoutNamespace("pid")
                        .args(TestBundle.CHECKER, "orphans", "3");
                    Harness.Created c = started(b);
                    awaitOutput(c, "orphans=3");
                    Path cg = hostCgroups(pid(c.id())).get("pids");
                    List<Integer> before = procs(cg);
                    assertEquals(4, before.size(), "the init and 3 processes outside its tree: " + before);
                    assertTrue(h.cli.run("kill", "--all", c.id(), "KILL").ok());
                    awaitEmpty(cg);
                    h.awaitStatus(c.id(), "stopped");
                    for (int p : before) {
                        Path stat = Path.of("/proc/" + p + "/stat");
                        assertTrue(!Files.exists(stat) || Files.readString(stat).contains(") Z "), p + " survived");
                    }
                }),
            new Case("runtime.delete-force", "runc delete --force",
                "delete --force of a running container kills its processes and leaves no cgroup directory", () -> {
                    TestBundle b = h.bundle("delforce").withoutUserNamespace().withoutNamespace("pid").args(TestBundle.CHECKER, "orphans",
                        "2");
                    Harness.Created c = started(b);
                    awaitOutput(c, "orphans=2");
                    Map<String, Path> dirs = hostCgroups(pid(c.id()));
                    List<Integer> before = procs(dirs.get("pids"));
                    assertTrue(h.cli.run("delete", "--force", c.id()).ok());
                    h.assertNoContainer(c.id());
                    for (Map.Entry<String, Path> d : dirs.entrySet()) {
                        if (!d.getValue().equals(CGROUP_ROOT.resolve(d.getKey()))) {
                            assertFalse(Files.exists(d.getValue()), d.getValue() + " left after delete --force");
                        }
                    }
                    for (int p : before) {
                        Path stat = Path.of("/proc/" + p + "/stat");
                        assertTrue(!Files.exists(stat) || Files.readString(stat).contains(") Z "), p + " survived");
                    }
                }));
    }
}
