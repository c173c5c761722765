package io.bulwark.cli.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag and file parsing of the cgroup verbs. */
class CgroupVerbsTest {
    @TempDir
    Path tmp;

    @Test
    void sizesTakeRuncsUnits() {
        assertEquals(512L << 20, UpdateCommand.parseSize("512m", "memory"));
        assertEquals(1L << 30, UpdateCommand.parseSize("1G", "memory"));
        assertEquals(1536, UpdateCommand.parseSize("1.5k", "memory"));
        assertEquals(2048, UpdateCommand.parseSize("2kb", "memory"));
        assertEquals(4096, UpdateCommand.parseSize("4096", "memory"));
        assertEquals(-1, UpdateCommand.parseSize("-1", "memory-swap"));
        assertTrue(assertThrows(BulwarkException.class, () -> UpdateCommand.parseSize("lots", "memory"))
            .getMessage().contains("--memory"));
    }

    @Test
    void durationsAreGoStyle() {
        assertEquals(Duration.ofSeconds(5), EventsCommand.parseDuration("5s"));
        assertEquals(Duration.ofMillis(250), EventsCommand.parseDuration("250ms"));
        assertEquals(Duration.ofSeconds(90), EventsCommand.parseDuration("1m30s"));
        assertThrows(BulwarkException.class, () -> EventsCommand.parseDuration("5"));
        assertThrows(BulwarkException.class, () -> EventsCommand.parseDuration("0s"));
    }

    private static Flags updateFlags(String... args) {
        return new Flags("update").value("resources", "r").value("blkio-weight").value("cpu-period")
            .value("cpu-quota").value("cpu-burst").value("cpu-share").value("cpu-rt-period").value("cpu-rt-runtime")
            .value("cpu-idle").value("cpuset-cpus").value("cpuset-mems").value("memory").value("memory-reservation")
            .value("memory-swap").value("kernel-memory").value("kernel-memory-tcp").value("pids-limit")
            .parse(List.of(args));
    }

    @Test
    void flagsOverrideTheResourcesFile() throws Exception {
        Path file = tmp.resolve("r.json");
        Files.writeString(file, "{\"memory\":{\"limit\":1000000,\"swap\":2000000},\"cpu\":{\"quota\":1000},"
            + "\"pids\":{\"limit\":9}}");
        Resources r = UpdateCommand.resources(updateFlags("-r", file.toString(), "--memory", "64m", "--cpu-period",
            "50000", "--blkio-weight", "300", "c1"));
        assertEquals(64L << 20, r.memory().limit());
        assertEquals(2000000L, r.memory().swap());
        assertEquals(1000L, r.cpu().quota());
        assertEquals(50000L, r.cpu().period());
        assertEquals(9L, r.pids().limit());
        assertEquals(300, r.blockIO().weight());
    }

    @Test
    void aBadResourcesFileNamesTheFileAndPath() throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{\"memory\":{\"limit\":\"lots\"}}");
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> UpdateCommand.resources(updateFlags("-r", file.toString(), "c1")));
        assertTrue(e.getMessage().startsWith(file + ": $.memory.limit: "), e.getMessage());
        Files.writeString(file, "{\"memroy\":{}}");
        BulwarkException unknown = assertThrows(BulwarkException.class,
            () -> UpdateCommand.resources(updateFlags("-r", file.toString(), "c1")));
        assertTrue(unknown.getMessage().contains("$.memroy"), unknown.getMessage());
    }

    @Test
    void statsEventsSerialiseAsRuncsDo() throws Exception {
        io.bulwark.core.cgroup.CgroupStats stats = new io.bulwark.core.cgroup.CgroupStats(
            new io.bulwark.core.cgroup.CgroupStats.Cpu(
                new io.bulwark.core.cgroup.CgroupStats.CpuUsage(10, 20, 30, List.of(15L, 15L), List.of(), List.of()),
                new io.bulwark.core.cgroup.CgroupStats.Throttling(0, 0, 0)),
            new io.bulwark.core.cgroup.CgroupStats.CpuSet(List.of(0, 1), List.of(0)),
            new io.bulwark.core.cgroup.CgroupStats.Memory(0,
                new io.bulwark.core.cgroup.CgroupStats.MemoryEntry(100, 50, 60, 0),
                new io.bulwark.core.cgroup.CgroupStats.MemoryEntry(0, 0, 0, 0),
                new io.bulwark.core.cgroup.CgroupStats.MemoryEntry(0, 0, 0, 0),
                new io.bulwark.core.cgroup.CgroupStats.MemoryEntry(0, 0, 0, 0), java.util.Map.of("rss", 50L)),
            new io.bulwark.core.cgroup.CgroupStats.Pids(1, 0),
            new io.bulwark.core.cgroup.CgroupStats.Blkio(List.of(), List.of()), java.util.Map.of(),
            java.util.Map.of(), null);
        String json = new ObjectMapper().writeValueAsString(io.bulwark.core.cgroup.CgroupEvent.stats("c1", stats));
        assertEquals("{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"kernel\":10,\"user\":20,"
            + "\"total\":30,\"percpu\":[15,15]},\"throttling\":{}},\"cpuset\":{\"cpus\":[0,1],\"mems\":[0]},"
            + "\"memory\":{\"usage\":{\"limit\":100,\"usage\":50,\"max\":60,\"failcnt\":0},"
            + "\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},"
            + "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"rss\":50}},\"pids\":{\"current\":1},"
            + "\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}}", json);
        JsonNode oom = new ObjectMapper().valueToTree(io.bulwark.core.cgroup.CgroupEvent.oom("c1"));
        assertEquals("{\"type\":\"oom\",\"id\":\"c1\"}", oom.toString());
    }
}
