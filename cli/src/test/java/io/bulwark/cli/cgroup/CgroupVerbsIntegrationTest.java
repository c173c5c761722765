package io.bulwark.cli.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.cli.Main;
import io.bulwark.core.cgroup.CgroupManager;
import io.bulwark.core.cgroup.ContainerCgroups;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.state.ContainerLock;
import io.bulwark.core.state.ContainerState;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.state.StateStore;
import io.bulwark.core.testing.Requirements;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pause, resume, update, events and ps through the command line, on a container whose "init" is a plain host
 * process placed in a real cgroup (so these verbs are checked without the container runtime's other parts).
 */
class CgroupVerbsIntegrationTest {
    @TempDir
    Path root;
    private final String id = "cg-" + UUID.randomUUID().toString().substring(0, 8);
    private final ContainerCgroups cgroups = new ContainerCgroups();
    private Process init;
    private Path dir;

    record Result(int code, String out, String err) {
    }

    private Result bulwark(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of("--root", root.toString()));
        argv.addAll(List.of(args));
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void containerFromAHostProcess() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Files.isDirectory(Path.of("/sys/fs/cgroup/freezer"))
            || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")), "a cgroup freezer");
        init = new ProcessBuilder("sh", "-c", "read go; while :; do sleep 1; done").start();
        int pid = (int) init.pid();
        StateStore store = new StateStore(root);
        try (ContainerLock lock = store.createAndLock(id)) {
            dir = lock.dir();
            store.write(new ContainerState(id, root.toString(), root.toString(), "linux", pid,
                ProcessInfo.host().startTime(pid).orElseThrow(), true, "2026-01-01T00:00:00Z", "root", null, null,
                null));
            cgroups.place(id, dir, new Linux(null, null, null, null, null, null, new Resources(null, null, null,
                new PidsResources(50L), null, null, null, null, null), null, null, null, null, null, null, null), pid);
            // the admitted config create stores (update keeps its linux.resources current)
            Files.writeString(dir.resolve("config.json"), "{\"ociVersion\": \"1.2.0\", \"annotations\": "
                + "{\"io.bulwark.seccomp\": \"unconfined\"}, \"linux\": {\"resources\": {\"pids\": {\"limit\": 50},"
                + " \"cpu\": {\"shares\": 512}}}}");
        }
        init.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        init.getOutputStream().flush();
    }

    @AfterEach
    void cleanUp() {
        if (init != null) {
            init.destroyForcibly();
        }
        if (dir != null) {
            CgroupManager m = cgroups.require(id, dir);
            cgroups.remove(dir);
            assertFalse(m.exists(), "cgroup left behind");
        }
    }

    private String status() throws Exception {
        Result r = bulwark("state", id);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out()).get("status").asText();
    }

    @Test
    void pauseAndResumeMoveThroughPaused() throws Exception {
        assertEquals("running", status());
        assertEquals(0, bulwark("pause", id).code());
        assertEquals("paused", status());
        Result again = bulwark("pause", id);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("is not running"), again.err());
        assertEquals(0, bulwark("resume", id).code());
        assertEquals("running", status());
        assertTrue(bulwark("resume", id).err().contains("is not paused"));
    }

    @Test
    void updateChangesLiveLimitsAndStatsShowThem() throws Exception {
        Path file = root.resolve("resources.json");
        Files.writeString(file, "{\"cpu\":{\"quota\":30000,\"period\":100000}}");
        Result r = bulwark("update", "--pids-limit", "7", "--memory", "64m", "-r", file.toString(), id);
        assertEquals(0, r.code(), r.err());
        Result stats = bulwark("events", "--stats", id);
        assertEquals(0, stats.code(), stats.err());
        JsonNode event = new ObjectMapper().readTree(stats.out());
        assertEquals("stats", event.get("type").asText());
        assertEquals(id, event.get("id").asText());
        assertEquals(7, event.at("/data/pids/limit").asLong());
        assertEquals(64L << 20, event.at("/data/memory/usage/limit").asLong());
        CgroupManager m = cgroups.require(id, dir);
        if (m.location().dirs().containsKey("cpu")) {
            Path quota = Path.of("/sys/fs/cgroup").resolve(m.location().dirs().get("cpu")).resolve("cpu.cfs_quota_us");
            assertEquals("30000", Files.readString(quota).trim());
        }
        JsonNode stored = storedResources();
        assertEquals(7, stored.at("/pids/limit").asLong(), stored.toString());
        assertEquals(64L << 20, stored.at("/memory/limit").asLong(), stored.toString());
        assertEquals(30000, stored.at("/cpu/quota").asLong(), stored.toString());
        assertEquals(512, stored.at("/cpu/shares").asLong(), "a limit the update did not give stays");
        Result weight = bulwark("update", "--blkio-weight", "500", id);
        if (m.location().dirs().containsKey("blkio") && !Files.exists(Path.of("/sys/fs/cgroup")
            .resolve(m.location().dirs().get("blkio")).resolve("blkio.weight"))) {
            // this machine: no CFQ weight file, and BFQ's does nothing unless a disk is scheduled by BFQ
            String schedulers = String.join(" ", Files.list(Path.of("/sys/block")).map(d -> {
                try {
                    return Files.readString(d.resolve("queue/scheduler"));
                } catch (java.io.IOException e) {
                    return "";
                }
            }).toList());
            if (!schedulers.contains("[bfq]")) {
                assertEquals(1, weight.code());
                assertTrue(weight.err().contains("linux.resources.blockIO.weight needs blkio.weight"), weight.err());
            }
        }
    }

    private JsonNode storedResources() throws Exception {
        return new ObjectMapper().readTree(dir.resolve("config.json").toFile()).at("/linux/resources");
    }

    @Test
    void updateKeepsTheStoredConfigCurrentAndLaterUpdatesStartFromIt() throws Exception {
        Requirements.require(Files.exists(Path.of("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")),
            "v1 swap accounting (memory.memsw.limit_in_bytes)");
        Result first = bulwark("update", "--memory", "64m", "--memory-swap", "96m", id);
        assertEquals(0, first.code(), first.err());
        JsonNode stored = storedResources();
        assertEquals(64L << 20, stored.at("/memory/limit").asLong());
        assertEquals(96L << 20, stored.at("/memory/swap").asLong());
        assertEquals(50, stored.at("/pids/limit").asLong(), "untouched limits stay");

        // a swap alone is checked against the stored limit in force (runc applies the whole stored config)
        Result tooSmall = bulwark("update", "--memory-swap", "32m", id);
        assertEquals(1, tooSmall.code(), tooSmall.err());
        assertTrue(tooSmall.err().contains("linux.resources.memory.swap (33554432, memory+swap) must be at least"
            + " linux.resources.memory.limit (67108864)"), tooSmall.err());
        assertEquals(96L << 20, storedResources().at("/memory/swap").asLong(), "a refused update stores nothing");

        // a limit alone is paired with the stored swap: lowering both orders the writes as the kernel needs
        Result lower = bulwark("update", "--memory", "48m", id);
        assertEquals(0, lower.code(), lower.err());
        Path memory = Path.of("/sys/fs/cgroup").resolve(cgroups.require(id, dir).location().dirs().get("memory"));
        assertEquals(Long.toString(48L << 20), Files.readString(memory.resolve("memory.limit_in_bytes")).trim());
        assertEquals(Long.toString(96L << 20), Files.readString(memory.resolve("memory.memsw.limit_in_bytes")).trim());
        stored = storedResources();
        assertEquals(48L << 20, stored.at("/memory/limit").asLong());
        assertEquals(96L << 20, stored.at("/memory/swap").asLong());
        Result above = bulwark("update", "--memory", "128m", id);
        assertEquals(1, above.code(), above.err());
        assertTrue(above.err().contains("must be at least linux.resources.memory.limit (134217728)"), above.err());
    }

    @Test
    void psListsTheCgroupsProcesses() throws Exception {
        Result r = bulwark("ps", "--format", "json", id);
        assertEquals(0, r.code(), r.err());
        JsonNode pids = new ObjectMapper().readTree(r.out());
        assertTrue(pids.toString().contains(Long.toString(init.pid())), r.out());
    }

    @Test
    void eventsStreamsStatsAndOomUntilTheContainerStops() throws Exception {
        assertEquals(0, bulwark("update", "--memory", "32m", "--memory-swap", "32m", id).code());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Thread events = new Thread(() -> Main.run(List.of("--root", root.toString(), "events", "--interval",
            "200ms", id), ps, ps));
        events.start();
        Thread.sleep(500);
        // a memory hog joins the container and is OOM-killed
        Process hog = new ProcessBuilder("sh", "-c", "read go; exec tail /dev/zero").start();
        cgroups.join(dir, (int) hog.pid());
        hog.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        hog.getOutputStream().flush();
        assertTrue(hog.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, hog.exitValue());
        Thread.sleep(1500);
        init.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        events.join(15_000);
        assertFalse(events.isAlive(), "events must end when the container stops");
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        ObjectMapper json = new ObjectMapper();
        long oom = 0;
        long stats = 0;
        for (String line : lines) {
            String type = json.readTree(line).get("type").asText();
            oom += type.equals("oom") ? 1 : 0;
            stats += type.equals("stats") ? 1 : 0;
        }
        assertEquals(1, oom, lines.toString());
        assertTrue(stats >= 3, lines.toString());
    }
}
