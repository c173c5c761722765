package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real cgroup v1 limits on host processes (root; the project's machines are v1 hybrids). */
class CgroupV1IntegrationTest {
    private CgroupEnvironment env;
    private LiveCgroups live;

    @BeforeEach
    void requireV1() {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
            && Files.isDirectory(Path.of("/sys/fs/cgroup/pids")) && Files.isDirectory(Path.of("/sys/fs/cgroup/cpu")),
            "cgroup v1 memory, pids and cpu controllers");
        env = CgroupEnvironment.host();
        Requirements.require(env.version() == CgroupVersion.V1, "a cgroup v1 host");
        live = new LiveCgroups(env);
    }

    @AfterEach
    void cleanUp() {
        if (live != null) {
            live.close();
        }
    }

    private CgroupManager cgroup(Resources resources) {
        CgroupManager m = live.create();
        m.apply(resources, DeviceRules.effective(null, null));
        return m;
    }

    private GatedProcess startIn(CgroupManager m, String script) throws Exception {
        return live.startIn(m, script);
    }

    private static Resources only(CpuResources cpu, MemoryResources memory, PidsResources pids) {
        return new Resources(null, memory, cpu, pids, null, null, null, null, null);
    }

    private static long cpuUsage(CgroupManager m) {
        return m.stats().cpu().usage().total();
    }

    @Test
    void memoryLimitOomKillsTheHogAndRaisesAnOomEvent() throws Exception {
        long limit = 32L << 20;
        CgroupManager m = cgroup(only(null, new MemoryResources(limit, null, limit, null, null, null, null, null,
            null), null));
        try (OomEventSource events = m.oomEvents()) {
            GatedProcess hog = startIn(m, "exec tail /dev/zero");
            assertEquals(137, hog.waitFor(60), "the hog must die of SIGKILL");
            assertTrue(events.await(Duration.ofSeconds(10)), "an OOM event must arrive");
        }
        CgroupStats.MemoryEntry usage = m.stats().memory().usage();
        assertEquals(limit, usage.limit());
        // the hog reached the limit and never went beyond it
        assertTrue(usage.max() <= limit && usage.max() > limit - (1 << 20), "max usage " + usage.max());
        String oomControl = env.fs().read(m.location().dirs().get("memory") + "/memory.oom_control");
        assertTrue(oomControl.contains("oom_kill 1"), oomControl);
    }

    @Test
    void pidsLimitHoldsAForkBomb() throws Exception {
        CgroupManager m = cgroup(only(null, null, new PidsResources(16L)));
        startIn(m, "b() { b | b & }; b; sleep 30");
        String pidsDir = m.location().dirs().get("pids");
        CgroupFs fs = env.fs();
        long peak = 0;
        for (int i = 0; i < 40; i++) {
            peak = Math.max(peak, Long.parseLong(fs.read(pidsDir + "/pids.current")));
            Thread.sleep(25);
        }
        long denied = Long.parseLong(fs.read(pidsDir + "/pids.events").split("\\s+")[1]);
        System.out.printf("fork bomb under pids.max=16: peak pids.current=%d, forks denied=%d%n", peak, denied);
        assertTrue(peak <= 16, "peak " + peak);
        assertTrue(denied > 0, "the limit must have refused forks");
        m.killAll(9);
        assertTrue(m.pids().isEmpty());
    }

    @Test
    void cpuQuotaHoldsABusyLoopNearTwentyPercent() throws Exception {
        CgroupManager m = cgroup(only(new CpuResources(null, 20000L, null, 100000L, null, null, null, null, null),
            null, null));
        startIn(m, "while :; do :; done");
        Thread.sleep(300);
        long before = cpuUsage(m);
        long t0 = System.nanoTime();
        Thread.sleep(3000);
        double share = (double) (cpuUsage(m) - before) / (System.nanoTime() - t0);
        CgroupStats.Throttling throttling = m.stats().cpu().throttling();
        System.out.printf("busy loop under cpu quota 0.2: %.1f%% of one CPU, throttled %d of %d periods%n",
            share * 100, throttling.throttledPeriods(), throttling.periods());
        assertTrue(share <= 0.25, "used " + share);
        assertTrue(share >= 0.02, "made no progress: " + share);
        assertTrue(throttling.throttledPeriods() > 0, "the quota must have throttled the loop");
    }

    @Test
    void freezeStopsProgressAndThawRestoresIt() throws Exception {
        CgroupManager m = cgroup(null);
        startIn(m, "while :; do :; done");
        Thread.sleep(200);
        m.freeze();
        assertEquals(FreezerState.FROZEN, m.freezerState());
        long frozenAt = cpuUsage(m);
        Thread.sleep(500);
        long whileFrozen = cpuUsage(m) - frozenAt;
        m.thaw();
        assertEquals(FreezerState.THAWED, m.freezerState());
        long thawedAt = cpuUsage(m);
        Thread.sleep(500);
        long afterThaw = cpuUsage(m) - thawedAt;
        System.out.printf("freeze: %d ns of CPU in 500 ms frozen, %d ns in 500 ms thawed%n", whileFrozen, afterThaw);
        assertEquals(0, whileFrozen);
        assertTrue(afterThaw > 10_000_000, "thawed loop ran only " + afterThaw + " ns");
    }

    @Test
    void updateChangesALiveLimit() throws Exception {
        CgroupManager m = cgroup(only(null, null, new PidsResources(100L)));
        GatedProcess p = startIn(m, "sleep 30");
        String pidsDir = m.location().dirs().get("pids");
        m.update(only(null, null, new PidsResources(3L)));
        assertEquals("3", env.fs().read(pidsDir + "/pids.max"));
        m.update(only(null, new MemoryResources(64L << 20, null, null, null, null, null, null, null, null), null));
        assertEquals(64L << 20, m.stats().memory().usage().limit());
        assertTrue(p.process.isAlive());
        // the new limit binds the running container: a shell inside can no longer start three more processes
        GatedProcess forker = startIn(m, "sleep 5 & sleep 5 & sleep 5 & wait; echo done");
        forker.waitFor(20);
        assertTrue(forker.output().toLowerCase().contains("fork"), "forks beyond the new limit must fail");
    }

    @Test
    void statsSerialiseLikeRuncs() throws Exception {
        CgroupManager m = cgroup(only(null, new MemoryResources(256L << 20, null, null, null, null, null, null, null,
            null), new PidsResources(50L)));
        startIn(m, "v=$(head -c 3000000 /dev/zero | tr '\\0' x); while :; do :; done");
        Thread.sleep(500);
        JsonNode json = new ObjectMapper().valueToTree(CgroupEvent.stats("c1", m.stats()));
        assertEquals("stats", json.get("type").asText());
        JsonNode data = json.get("data");
        assertTrue(data.at("/cpu/usage/total").asLong() > 0, json.toString());
        assertTrue(data.at("/cpu/usage/percpu").isArray(), json.toString());
        assertEquals(1, data.at("/pids/current").asLong(), json.toString());
        assertEquals(50, data.at("/pids/limit").asLong());
        assertEquals(256L << 20, data.at("/memory/usage/limit").asLong());
        assertTrue(data.at("/memory/usage/usage").asLong() > 0);
        assertTrue(data.at("/memory/raw").has("rss") || data.at("/memory/raw").has("total_rss"), json.toString());
    }

    @Test
    void destroyLeavesNoDirectory() throws Exception {
        CgroupManager m = cgroup(null);
        startIn(m, "sleep 30");
        m.killAll(9);
        m.destroy();
        for (String dir : m.location().dirs().values()) {
            assertFalse(Files.exists(Path.of("/sys/fs/cgroup").resolve(dir)), dir);
        }
        assertFalse(m.exists());
    }
}
