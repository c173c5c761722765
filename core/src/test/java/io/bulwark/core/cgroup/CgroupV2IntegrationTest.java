package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.DeviceRule;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup v2 manager against a real unified hierarchy. On the project's hybrid machines that is the v2 mount at
 * /sys/fs/cgroup/unified, which has no resource controllers but does have the core files (freeze, kill, procs) and
 * takes device eBPF programs: enough to check those for real.
 */
class CgroupV2IntegrationTest {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CgroupEnvironment env;
    private LiveCgroups live;

    @BeforeEach
    void requireUnified() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Path mount = Files.exists(ROOT.resolve("cgroup.controllers")) ? ROOT : UNIFIED;
        Requirements.require(Files.exists(mount.resolve("cgroup.controllers")), "a cgroup v2 mount");
        env = CgroupEnvironment.unified(new DirectoryCgroupFs(mount), new NativeCgroupKernel(),
            Files.readString(Path.of("/proc/self/cgroup")));
        live = new LiveCgroups(env);
    }

    @AfterEach
    void cleanUp() {
        if (live != null) {
            live.close();
        }
    }

    private CgroupManager cgroup() {
        return live.create();
    }

    private GatedProcess startIn(CgroupManager m, String script) throws Exception {
        return live.startIn(m, script);
    }

    @Test
    void theKernelVerifierAcceptsGeneratedDeviceFilters() {
        NativeCgroupKernel kernel = new NativeCgroupKernel();
        Random random = new Random(11);
        List<List<DeviceAccess>> cases = new ArrayList<>();
        cases.add(DeviceRules.effective(null, null));
        cases.add(List.of());
        cases.add(List.of(DeviceRules.DENY_ALL));
        List<DeviceAccess> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(new DeviceAccess(random.nextBoolean(), "abc".charAt(random.nextInt(3)),
                random.nextInt(4) == 0 ? -1 : random.nextInt(300), random.nextInt(4) == 0 ? -1 : random.nextInt(300),
                List.of("r", "w", "m", "rw", "rwm", "wm").get(random.nextInt(6))));
        }
        cases.add(many);
        for (List<DeviceAccess> rules : cases) {
            int fd = kernel.bpfProgLoad(DeviceFilter.BPF_PROG_TYPE_CGROUP_DEVICE, DeviceFilter.compile(rules),
                DeviceFilter.LICENSE);
            assertTrue(fd > 2);
            kernel.close(fd);
        }
    }

    @Test
    void theDeviceFilterIsEnforcedOnProcessesInTheCgroup() throws Exception {
        CgroupManager m = cgroup();
        List<DeviceAccess> rules = List.of(DeviceRules.DENY_ALL, DeviceAccess.allow('c', 1, 3, "rwm"),
            DeviceAccess.allow('c', 1, 5, "rwm"));
        m.apply(null, rules);
        GatedProcess p = startIn(m, "head -c1 /dev/zero >/dev/null && echo zero-allowed;"
            + " head -c1 /dev/full >/dev/null 2>&1 || echo full-denied");
        assertEquals(0, p.waitFor(20));
        String out = p.output();
        assertTrue(out.contains("zero-allowed") && out.contains("full-denied"), out);
    }

    @Test
    void updatingDevicesReplacesTheProgram() throws Exception {
        CgroupManager m = cgroup();
        m.apply(null, DeviceRules.effective(null, null));
        m.update(new Resources(List.of(new DeviceRule(true, "c", 1L, 7L, "rw")), null, null, null, null, null, null,
            null, null));
        NativeCgroupKernel kernel = new NativeCgroupKernel();
        int fd = kernel.open(env.fs().root().resolve(m.location().dirs().get("")).toString(),
            CgroupKernel.O_RDONLY | CgroupKernel.O_DIRECTORY);
        try {
            assertEquals(1, kernel.bpfProgQuery(fd, DeviceFilter.BPF_CGROUP_DEVICE).length);
        } finally {
            kernel.close(fd);
        }
        GatedProcess p = startIn(m, "head -c1 /dev/full >/dev/null && echo full-allowed");
        assertEquals(0, p.waitFor(20));
        assertTrue(p.output().contains("full-allowed"));
    }

    @Test
    void freezeThawAndKillThroughTheCoreFiles() throws Exception {
        CgroupManager m = cgroup();
        startIn(m, "while :; do :; done");
        startIn(m, "sleep 60");
        Thread.sleep(200);
        assertTrue(m.pids().size() >= 2, m.pids().toString());
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        long frozenAt = m.stats().cpu().usage().total();
        Thread.sleep(400);
        assertEquals(frozenAt, m.stats().cpu().usage().total(), "no CPU time while frozen");
        m.thaw();
        assertEquals(FreezerState.THAWED, m.freezerState());
        m.killAll(9);
        assertTrue(m.pids().isEmpty());
        for (GatedProcess p : live.processes()) {
            assertEquals(137, p.waitFor(10));
        }
    }
}
