package io.bulwark.cli.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup verbs through {@code bin/bulwark} on real containers, one process per command as containerd and
 * Podman call it: limits from config.json, pause/resume, update, events, ps, kill --all, delete, OOM exit code.
 */
class CgroupCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;
    private Path bulwark;
    private Path root;
    private final List<String> ids = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
            || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")), "cgroups");
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox");
        bulwark = Path.of(System.getProperty("bulwark.dist", "target/bulwark")).toAbsolutePath()
            .resolve("bin/bulwark");
        root = tmp.resolve("state");
        // the container's root user (an unprivileged host uid) must be able to reach the bundle
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String id : ids) {
            bulwark("delete", "--force", id);
            try (Stream<Path> found = Files.find(Path.of("/sys/fs/cgroup"), 8,
                (p, a) -> p.getFileName() != null && p.getFileName().toString().equals(id))) {
                assertEquals(List.of(), found.toList(), "cgroup left behind");
            }
        }
    }

    private Result bulwark(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(bulwark.toString(), "--root", root.toString()));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A busybox bundle from `bulwark spec`, with the given args and linux.resources. */
    private Path bundle(String resources, String... args) throws Exception {
        Path dir = tmp.resolve("bundle-" + UUID.randomUUID().toString().substring(0, 6));
        Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc", "root")) {
            Files.createDirectories(dir.resolve("rootfs").resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : List.of("sh", "sleep", "true", "cat")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Process spec = new ProcessBuilder(bulwark.toString(), "spec").directory(dir.toFile()).start();
        assertEquals(0, spec.waitFor(), new String(spec.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.set("args", JSON.valueToTree(List.of(args)));
        ((ObjectNode) config.get("linux")).set("resources", JSON.readTree(resources));
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        // the default config maps container root to an unprivileged range: give it the rootfs
        new ProcessBuilder("chown", "-R", "-h", rootOwner(config), dir.resolve("rootfs").toString()).start().waitFor();
        return dir;
    }

    private static String rootOwner(JsonNode config) {
        JsonNode uid = config.at("/linux/uidMappings/0/hostID");
        JsonNode gid = config.at("/linux/gidMappings/0/hostID");
        return (uid.isMissingNode() ? "0" : uid.asText()) + ":" + (gid.isMissingNode() ? "0" : gid.asText());
    }

    private String status(String id) throws Exception {
        Result r = bulwark("state", id);
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out()).get("status").asText();
    }

    @Test
    void aRunningContainerIsPausedResumedUpdatedWatchedAndKilled() throws Exception {
        String id = "cgcli-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        Path b = bundle("{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":32},"
            + "\"cpu\":{\"quota\":50000,\"period\":100000}}", "sh", "-c", "sleep 1000 & sleep 1000 & wait");
        Result created = bulwark("create", "--bundle", b.toString(), id);
        assertEquals(0, created.code(), created.err());
        assertEquals(0, bulwark("start", id).code());
        assertEquals("running", status(id));

        assertEquals(0, bulwark("pause", id).code());
        assertEquals("paused", status(id));
        assertEquals(0, bulwark("resume", id).code());
        assertEquals("running", status(id));

        Result stats = bulwark("events", "--stats", id);
        assertEquals(0, stats.code(), stats.err());
        JsonNode data = JSON.readTree(stats.out()).get("data");
        assertEquals(32, data.at("/pids/limit").asLong());
        assertEquals(64L << 20, data.at("/memory/usage/limit").asLong());

        Result updated = bulwark("update", "--memory", "32m", "--pids-limit", "16", id);
        assertEquals(0, updated.code(), updated.err());
        data = JSON.readTree(bulwark("events", "--stats", id).out()).get("data");
        assertEquals(16, data.at("/pids/limit").asLong());
        assertEquals(32L << 20, data.at("/memory/usage/limit").asLong());

        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode pids = JSON.createArrayNode();
        while (pids.size() < 3 && System.nanoTime() < deadline) {
            pids = JSON.readTree(bulwark("ps", "--format", "json", id).out());
            Thread.sleep(50);
        }
        assertEquals(3, pids.size(), pids.toString());

        assertEquals(0, bulwark("kill", "--all", id, "KILL").code());
        deadline = System.nanoTime() + 10_000_000_000L;
        while (!status(id).equals("stopped") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("stopped", status(id));
        for (JsonNode pid : pids) {
            Path stat = Path.of("/proc/" + pid.asInt() + "/stat");
            assertTrue(!Files.exists(stat) || Files.readString(stat).contains(") Z "), "pid " + pid + " survived");
        }
        Result deleted = bulwark("delete", id);
        assertEquals(0, deleted.code(), deleted.err());
    }

    @Test
    void aMemoryHogExitsWith137UnderRun() throws Exception {
        String id = "cgcli-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        Path b = bundle("{\"memory\":{\"limit\":33554432,\"swap\":33554432}}", "sh", "-c",
            "x=aaaaaaaaaaaaaaaa; while :; do x=$x$x; done");
        Result r = bulwark("run", "--bundle", b.toString(), id);
        assertEquals(137, r.code(), r.err());
    }

    @Test
    void aLimitTheHostCannotEnforceIsRefusedAndLeavesNothing() throws Exception {
        Requirements.require(!Files.exists(Path.of("/sys/fs/cgroup/net_cls")), "a host without net_cls (this machine)");
        String id = "cgcli-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        Path b = bundle("{\"network\":{\"classID\":1048577}}", "true");
        Result r = bulwark("create", "--bundle", b.toString(), id);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("linux.resources.network.classID needs the net_cls cgroup controller"), r.err());
        assertTrue(r.err().lines().count() == 1, r.err());
        assertTrue(bulwark("state", id).code() != 0, "no state may be left");
    }
}
