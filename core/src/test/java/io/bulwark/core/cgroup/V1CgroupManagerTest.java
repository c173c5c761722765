package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.DeviceRule;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.InterfacePriority;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.ThrottleDevice;
import io.bulwark.core.spec.WeightDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V1CgroupManagerTest {
    @TempDir
    Path root;
    FakeCgroupFs fs;
    RecordingCgroupKernel kernel;
    CgroupEnvironment env;

    @BeforeEach
    void setUp() {
        fs = HostLayouts.hybridV1(root);
        kernel = new RecordingCgroupKernel();
        env = CgroupEnvironment.detect(fs, kernel, HostLayouts.PROC_SELF_CGROUP);
    }

    static Resources resources(CpuResources cpu, MemoryResources memory, PidsResources pids) {
        return new Resources(null, memory, cpu, pids, null, null, null, null, null);
    }

    static MemoryResources memory(Long limit, Long swap) {
        return new MemoryResources(limit, null, swap, null, null, null, null, null, null);
    }

    static CpuResources cpuQuota(Long quota, Long period) {
        return new CpuResources(null, quota, null, period, null, null, null, null, null);
    }

    @Test
    void detectsTheHybridLayout() {
        assertEquals(CgroupVersion.V1, env.version());
        assertEquals(Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
            "name=systemd"), env.hierarchies().keySet());
        assertEquals("systemd", env.hierarchies().get("name=systemd"));
        assertEquals("/", env.ownPaths().get("name=systemd"));
        assertEquals(Set.of("hugetlb"), env.unifiedOnly());
        assertEquals("/outer/job", env.ownPaths().get("memory"));
    }

    @Test
    void defaultPathHangsOffTheRuntimesOwnCgroupInEachHierarchy() {
        CgroupLocation loc = env.manager("c1", null).location();
        assertTrue(loc.isDefault());
        assertEquals("bulwark/c1", loc.cgroupsPath());
        assertEquals("memory/outer/job/bulwark/c1", loc.dirs().get("memory"));
        assertEquals("cpu/bulwark/c1", loc.dirs().get("cpu"));
    }

    @Test
    void absolutePathIsFromEachHierarchysRoot() {
        CgroupLocation loc = env.manager("c1", "/machine/c1").location();
        assertFalse(loc.isDefault());
        assertEquals("memory/machine/c1", loc.dirs().get("memory"));
    }

    @Test
    void badPathsAreRefused() {
        assertTrue(assertThrows(BulwarkException.class, () -> env.manager("c1", "/a/../../etc"))
            .getMessage().contains("must not contain .."));
        assertTrue(assertThrows(BulwarkException.class, () -> env.manager("c1", "system.slice:bulwark:c1"))
            .getMessage().contains("systemd"));
    }

    @Test
    void createMakesEveryHierarchysCgroupAndSeedsCpuset() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        for (String c : List.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids")) {
            assertTrue(fs.isDirectory(c + "/t/c1"), c);
        }
        assertEquals(List.of("cpuset/t/cpuset.cpus=0-1", "cpuset/t/cpuset.mems=0", "cpuset/t/c1/cpuset.cpus=0-1",
            "cpuset/t/c1/cpuset.mems=0"), fs.writes);
        assertTrue(m.exists());
    }

    @Test
    void appliesEveryV1LimitToItsFile() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        Resources r = new Resources(null,
            new MemoryResources(64L << 20, 32L << 20, 128L << 20, null, 16L << 20, 10L, true, true, null),
            new CpuResources(512L, 20000L, 1000L, 100000L, null, null, "0", "0", 1L),
            new PidsResources(64L),
            new BlockIo(null, null, null, List.of(new ThrottleDevice(8L, 0L, 1048576L)), null, null,
                List.of(new ThrottleDevice(8L, 0L, 100L))),
            null, null, null, null);
        m.apply(r, List.of());
        List<String> expected = new ArrayList<>(List.of(
            "cpu/t/c1/cpu.shares=512",
            "cpu/t/c1/cpu.cfs_period_us=100000",
            "cpu/t/c1/cpu.cfs_quota_us=20000",
            "cpu/t/c1/cpu.cfs_burst_us=1000",
            "cpu/t/c1/cpu.idle=1",
            "cpuset/t/c1/cpuset.cpus=0",
            "cpuset/t/c1/cpuset.mems=0",
            "memory/t/c1/memory.use_hierarchy=1",
            "memory/t/c1/memory.limit_in_bytes=67108864",
            "memory/t/c1/memory.memsw.limit_in_bytes=134217728",
            "memory/t/c1/memory.soft_limit_in_bytes=33554432",
            "memory/t/c1/memory.kmem.tcp.limit_in_bytes=16777216",
            "memory/t/c1/memory.swappiness=10",
            "memory/t/c1/memory.oom_control=1",
            "pids/t/c1/pids.max=64",
            "blkio/t/c1/blkio.throttle.read_bps_device=8:0 1048576",
            "blkio/t/c1/blkio.throttle.write_iops_device=8:0 100"));
        assertEquals(expected, fs.writes);
        assertEquals("64", fs.read("pids/t/c1/pids.max"));
    }

    @Test
    void deviceRulesStartFromDenyAllAndEndWithRuncsDefaults() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        m.apply(new Resources(List.of(new DeviceRule(false, "c", 1L, 3L, "w")), null, null, null, null, null, null,
            null, null), DeviceRules.effective(List.of(new DeviceRule(false, "c", 1L, 3L, "w")), null));
        assertEquals("devices/t/c1/devices.deny=a *:* rwm", fs.writes.get(0));
        assertEquals("devices/t/c1/devices.deny=c 1:3 w", fs.writes.get(1));
        assertEquals("devices/t/c1/devices.allow=c *:* m", fs.writes.get(2));
        assertTrue(fs.writes.contains("devices/t/c1/devices.allow=c 136:* rwm"));
        assertEquals(2 + DeviceRules.DEFAULT_ALLOWED.size(), fs.writes.size());
    }

    @Test
    void lowerMemoryLimitIsWrittenBeforeTheSwapLimit() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.put("memory/t/c1/memory.memsw.limit_in_bytes", "268435456");
        fs.writes.clear();
        m.update(resources(null, memory(64L << 20, 64L << 20), null));
        assertEquals(List.of("memory/t/c1/memory.limit_in_bytes=67108864",
            "memory/t/c1/memory.memsw.limit_in_bytes=67108864"), fs.writes);
    }

    @Test
    void raisingBothWritesTheSwapLimitFirst() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.put("memory/t/c1/memory.memsw.limit_in_bytes", "67108864");
        fs.put("memory/t/c1/memory.limit_in_bytes", "67108864");
        fs.writes.clear();
        m.update(resources(null, memory(128L << 20, 256L << 20), null));
        assertEquals(List.of("memory/t/c1/memory.memsw.limit_in_bytes=268435456",
            "memory/t/c1/memory.limit_in_bytes=134217728"), fs.writes);
    }

    @Test
    void swapBelowMemoryIsRefused() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> m.update(resources(null, memory(64L << 20, 32L << 20), null)));
        assertTrue(e.getMessage().contains("swap"), e.getMessage());
    }

    @Test
    void checkBeforeUpdateRefusesALimitBelowUsage() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.put("memory/t/c1/memory.usage_in_bytes", "50000000");
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(resources(null,
            new MemoryResources(10_000_000L, null, null, null, null, null, null, null, true), null)));
        assertTrue(e.getMessage().contains("below the container's current usage"), e.getMessage());
    }

    @Test
    void kernelMemoryThatTheKernelIgnoresIsAnError() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        // Linux 5.16+ accepts writes to memory.kmem.limit_in_bytes and keeps reading "unlimited"
        fs.kernelShows.put("memory/t/c1/memory.kmem.limit_in_bytes", "9223372036854771712");
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(resources(null,
            new MemoryResources(null, null, null, 1L << 20, null, null, null, null, null), null)));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.kernel: this kernel no longer enforces"),
            e.getMessage());
    }

    @Test
    void blkioWeightWithoutAWeightSchedulerNamesLimitAndController() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, new BlockIo(500, null, null, null, null, null, null), null, null, null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.blockIO.weight needs blkio.weight"), e.getMessage());
        assertEquals(95, e.errno());
        BulwarkException device = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, new BlockIo(null, null, List.of(new WeightDevice(8L, 0L, 300, null)), null, null, null, null), null,
            null, null, null)));
        assertTrue(device.getMessage().startsWith("linux.resources.blockIO.weightDevice[0].weight needs"),
            device.getMessage());
    }

    @Test
    void bfqWeightIsRefusedWhenNoDeviceUsesBfq() {
        fs.put("blkio/t/c1/blkio.bfq.weight", "100");
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, new BlockIo(500, null, null, null, null, null, null), null, null, null, null)));
        assertTrue(e.getMessage().contains("no block device uses the BFQ scheduler"), e.getMessage());
    }

    @Test
    void bfqWeightIsUsedWhenCfqsIsMissing() {
        env = CgroupEnvironment.detect(fs, kernel, HostLayouts.PROC_SELF_CGROUP, true);
        fs.put("blkio/t/c1/blkio.bfq.weight", "100");
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        m.update(new Resources(null, null, null, null, new BlockIo(500, null, null, null, null, null, null), null,
            null, null, null));
        assertEquals(List.of("blkio/t/c1/blkio.bfq.weight=500"), fs.writes);
    }

    @Test
    void networkLimitsNeedControllersThatAreNotMounted() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, null, null, new NetworkResources(0x100001L, null), null, null)));
        assertEquals("linux.resources.network.classID needs the net_cls cgroup controller, which is not mounted on"
            + " this host; refusing to run the container without this limit", e.getMessage());
        BulwarkException prio = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, null, null, new NetworkResources(null, List.of(new InterfacePriority("eth0", 5L))), null, null)));
        assertTrue(prio.getMessage().contains("net_prio"), prio.getMessage());
    }

    @Test
    void hugetlbBoundToV2IsExplained() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, null, List.of(new HugepageLimit("2MB", 1L << 21)), null, null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.hugepageLimits[0] needs the hugetlb cgroup controller,"
            + " which is bound to the cgroup v2 hierarchy"), e.getMessage());
    }

    @Test
    void unifiedOnV1IsRefused() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, null, null, null, null, Map.of("memory.high", "1000000"))));
        assertTrue(e.getMessage().contains("needs cgroup v2"), e.getMessage());
    }

    @Test
    void updateTouchesOnlyTheGivenFields() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        m.update(resources(null, null, new PidsResources(10L)));
        assertEquals(List.of("pids/t/c1/pids.max=10"), fs.writes);
        fs.writes.clear();
        m.update(resources(cpuQuota(50000L, null), null, null));
        assertEquals(List.of("cpu/t/c1/cpu.cfs_quota_us=50000"), fs.writes);
    }

    @Test
    void outOfRangeSharesAreReported() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.kernelShows.put("cpu/t/c1/cpu.shares", "2"); // the kernel clamps
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(resources(
            new CpuResources(1L, null, null, null, null, null, null, null, null), null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.cpu.shares 1 is out of the kernel's range"),
            e.getMessage());
    }

    @Test
    void freezeAndThawUseFreezerState() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        m.thaw();
        assertEquals(FreezerState.THAWED, m.freezerState());
        assertEquals(List.of("freezer/t/c1/freezer.state=FROZEN", "freezer/t/c1/freezer.state=THAWED"), fs.writes);
    }

    @Test
    void killAllFreezesSignalsEveryProcessIncludingChildCgroupsAndThaws() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.put("pids/t/c1/cgroup.procs", "101\n102\n");
        fs.mkdirs("pids/t/c1/sub");
        fs.put("pids/t/c1/sub/cgroup.procs", "103\n");
        fs.writes.clear();
        assertEquals(List.of(101, 102, 103), m.pids());
        m.killAll(15);
        assertEquals(List.of("kill 101 15", "kill 102 15", "kill 103 15"), kernel.calls);
        assertEquals(List.of("freezer/t/c1/freezer.state=FROZEN", "freezer/t/c1/freezer.state=THAWED"), fs.writes);
    }

    @Test
    void addProcessWritesTheSamePidToEveryHierarchy() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        m.addProcess(4242);
        assertEquals(9, fs.writes.size(), "8 controller hierarchies and name=systemd");
        assertTrue(fs.writes.stream().allMatch(w -> w.endsWith("/t/c1/cgroup.procs=4242")), fs.writes.toString());
    }

    @Test
    void destroyRemovesTheCgroupAndTheEmptyDefaultParent() {
        CgroupManager m = env.manager("c1", null);
        CgroupManager other = env.manager("c2", null);
        m.create();
        other.create();
        m.destroy();
        assertFalse(fs.exists("memory/outer/job/bulwark/c1"));
        assertTrue(fs.exists("memory/outer/job/bulwark/c2"), "a sibling keeps the parent");
        other.destroy();
        assertFalse(fs.exists("memory/outer/job/bulwark"));
        assertFalse(fs.exists("pids/bulwark"));
        assertTrue(fs.exists("memory/outer/job"), "the runtime's own cgroup stays");
        assertFalse(m.exists());
        m.destroy(); // again: nothing to do
    }

    @Test
    void reopenedFromItsLocationItDrivesTheSameDirectories() {
        CgroupManager m = env.manager("c1", null);
        m.create();
        CgroupManager again = env.open(m.location());
        fs.writes.clear();
        again.update(resources(null, null, new PidsResources(5L)));
        assertEquals(List.of("pids/bulwark/c1/pids.max=5"), fs.writes);
    }

    @Test
    void oomEventsRegisterAnEventfdOnOomControl() {
        CgroupManager m = env.manager("c1", "/t/c1");
        m.create();
        fs.writes.clear();
        try (OomEventSource events = m.oomEvents()) {
            assertEquals("eventfd", kernel.calls.get(0));
            assertEquals("open " + root.resolve("memory/t/c1/memory.oom_control"), kernel.calls.get(1));
            assertEquals(List.of("memory/t/c1/cgroup.event_control=100 101"), fs.writes);
            assertFalse(events.isClosed());
        }
        assertTrue(kernel.calls.containsAll(List.of("close 101", "close 100")));
    }
}
