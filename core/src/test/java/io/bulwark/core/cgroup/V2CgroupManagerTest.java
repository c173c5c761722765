package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.HugepageLimit;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.NetworkResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.ThrottleDevice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class V2CgroupManagerTest {
    @TempDir
    Path root;
    FakeCgroupFs fs;
    RecordingCgroupKernel kernel;
    CgroupEnvironment env;

    @BeforeEach
    void setUp() {
        fs = HostLayouts.unified(root);
        kernel = new RecordingCgroupKernel();
        env = CgroupEnvironment.detect(fs, kernel, "0::/user.slice/session-1.scope\n");
    }

    private CgroupManager created(String path) {
        CgroupManager m = env.manager("c1", path);
        m.create();
        fs.writes.clear();
        kernel.calls.clear();
        return m;
    }

    @Test
    void detectsUnifiedAndPutsRelativePathsBelowTheRoot() {
        assertEquals(CgroupVersion.V2, env.version());
        CgroupManager m = env.manager("c1", null);
        assertEquals(Map.of("", "bulwark/c1"), m.location().dirs());
    }

    @Test
    void createEnablesControllersForChildrenAtEachLevel() {
        env.manager("c1", "/a/c1").create();
        assertTrue(fs.writes.contains("cgroup.subtree_control=+memory"), fs.writes.toString());
        assertTrue(fs.writes.contains("a/cgroup.subtree_control=+pids"), fs.writes.toString());
        assertFalse(fs.writes.stream().anyMatch(w -> w.startsWith("a/c1/cgroup.subtree_control")));
        assertTrue(fs.isDirectory("a/c1"));
    }

    @Test
    void convertsV1StyleValues() {
        CgroupManager m = created("/c1");
        m.apply(new Resources(null,
            new MemoryResources(64L << 20, 32L << 20, 96L << 20, null, null, null, null, null, null),
            new CpuResources(1024L, 20000L, 500L, 100000L, null, null, "1", "0", null),
            new PidsResources(-1L),
            new BlockIo(500, null, null, List.of(new ThrottleDevice(8L, 0L, 4096L)), null, null, null),
            List.of(new HugepageLimit("2MB", 4L << 21)), null, null, Map.of("memory.high", "50000000")),
            DeviceRules.effective(null, null));
        assertEquals(List.of(
            "c1/cpu.weight=100",
            "c1/cpu.max=20000 100000",
            "c1/cpu.max.burst=500",
            "c1/cpuset.cpus=1",
            "c1/cpuset.mems=0",
            "c1/memory.swap.max=33554432",
            "c1/memory.max=67108864",
            "c1/memory.low=33554432",
            "c1/pids.max=max",
            "c1/io.weight=default 4950",
            "c1/io.max=8:0 rbps=4096",
            "c1/hugetlb.2MB.max=8388608",
            "c1/memory.high=50000000"), fs.writes);
    }

    @Test
    void periodAloneKeepsTheQuotaInForce() {
        CgroupManager m = created("/c1");
        fs.put("c1/cpu.max", "30000 100000");
        m.update(new Resources(null, null, new CpuResources(null, null, null, 50000L, null, null, null, null, null),
            null, null, null, null, null, null));
        assertEquals(List.of("c1/cpu.max=30000 50000"), fs.writes);
    }

    @Test
    void limitsWithoutAV2EquivalentAreRefused() {
        CgroupManager m = created("/c1");
        assertTrue(assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null, null, null,
            null, new NetworkResources(1L, null), null, null))).getMessage()
            .startsWith("linux.resources.network has no cgroup v2 equivalent"));
        assertTrue(assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null,
            new CpuResources(null, null, null, null, 950000L, 1000000L, null, null, null), null, null, null, null,
            null, null))).getMessage().contains("realtime"));
        assertTrue(assertThrows(BulwarkException.class, () -> m.update(new Resources(null,
            new MemoryResources(null, null, null, null, null, 10L, null, null, null), null, null, null, null, null,
            null, null))).getMessage().contains("swappiness"));
        assertTrue(assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null, null,
            new BlockIo(null, 300, null, null, null, null, null), null, null, null, null))).getMessage()
            .contains("leafWeight"));
    }

    @Test
    void aControllerMissingFromTheCgroupIsNamed() {
        fs.put("cgroup.controllers", "cpu memory pids");
        CgroupManager m = env.manager("c1", "/c1");
        m.create();
        fs.remove("c1/hugetlb.2MB.max");
        fs.put("c1/cgroup.controllers", "cpu memory pids");
        BulwarkException e = assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null,
            null, null, List.of(new HugepageLimit("2MB", 1L << 21)), null, null, null)));
        assertTrue(e.getMessage().startsWith("linux.resources.hugepageLimits[0] needs the hugetlb cgroup v2"
            + " controller, which is not available in"), e.getMessage());
    }

    @Test
    void unifiedKeysMustBePlainInterfaceFiles() {
        CgroupManager m = created("/c1");
        for (String key : List.of("../x.max", "cgroup.procs", "noDot", "a/b.c")) {
            assertThrows(BulwarkException.class, () -> m.update(new Resources(null, null, null, null, null, null,
                null, null, Map.of(key, "1"))), key);
        }
    }

    @Test
    void devicesBecomeAnEbpfProgramThatReplacesThePreviousOne() {
        CgroupManager m = created("/c1");
        kernel.attached = new int[] {77};
        m.apply(null, DeviceRules.effective(null, null));
        assertEquals(List.of(
            "open " + root.resolve("c1"),
            "bpf query cgroup=100",
            "bpf load type=15 insns=" + (DeviceFilter.compile(DeviceRules.effective(null, null)).length / 8)
                + " -> 101",
            "bpf attach cgroup=100 prog=101 type=6 flags=2",
            "close 101",
            "bpf get id=77 -> 102",
            "bpf detach cgroup=100 prog=102 type=6",
            "close 102",
            "close 100"), kernel.calls);
    }

    @Test
    void freezeWaitsForFrozenInCgroupEvents() {
        CgroupManager m = created("/c1");
        fs.put("c1/cgroup.events", "populated 1\nfrozen 1\n");
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        m.thaw();
        assertEquals(List.of("c1/cgroup.freeze=1", "c1/cgroup.freeze=0"), fs.writes);
        assertEquals(FreezerState.THAWED, m.freezerState());
    }

    @Test
    void sigkillUsesCgroupKill() {
        CgroupManager m = created("/c1");
        m.killAll(9);
        assertEquals(List.of("c1/cgroup.kill=1"), fs.writes);
    }

    @Test
    void oomEventsCountOomKills() throws Exception {
        CgroupManager m = created("/c1");
        try (OomEventSource events = m.oomEvents()) {
            assertFalse(events.await(java.time.Duration.ofMillis(60)));
            fs.put("c1/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
            assertTrue(events.await(java.time.Duration.ofSeconds(2)));
            assertFalse(events.await(java.time.Duration.ofMillis(60)));
        }
    }

    @Test
    void destroyRemovesTheDirectory() {
        CgroupManager m = created(null);
        assertTrue(fs.isDirectory("bulwark/c1"));
        m.destroy();
        assertFalse(fs.exists("bulwark/c1"));
        assertFalse(fs.exists("bulwark"));
    }
}
