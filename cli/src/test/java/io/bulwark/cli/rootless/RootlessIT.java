package io.bulwark.cli.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulwark run by an unprivileged user, through the real command line ({@code bin/bulwark}) on real containers: the
 * test (root) drops to a uid of no account with {@code setpriv}, with HOME and XDG_RUNTIME_DIR in temp dirs that
 * uid owns. Checked: a container from {@code bulwark spec --rootless} runs with root inside mapped to that uid and
 * its state under {@code $XDG_RUNTIME_DIR/bulwark}; a memory limit nothing can enforce is refused with the JSON
 * path and reason, leaving no state, process or cgroup; the opt-out warns and runs; and on the host's real cgroup2
 * hierarchy, a subtree delegated to the uid (chowned as systemd does) gets the container's cgroup and loses it at
 * delete.
 */
class RootlessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A uid and gid no account uses: nothing but what the test gives it is writable by it. */
    private static final int UID = 47011;

    private static Path dir;
    private static Path dist;
    private Path home;
    private Path xdg;
    private Path bundle;
    private final List<String> ids = new ArrayList<>();
    private final List<Path> cgroupsMade = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    private static Path builtDist() {
        return Path.of(System.getProperty("bulwark.dist", "target/bulwark"));
    }

    private static List<String> asUser(String... command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static int exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** Why unprivileged user namespaces do not work here, or null when they do. */
    private static String userNamespacesMissing() throws Exception {
        Path sysctl = Path.of("/proc/sys/kernel/unprivileged_userns_clone");
        if (Files.exists(sysctl) && !Files.readString(sysctl).trim().equals("1")) {
            return "user namespaces for unprivileged users (sysctl kernel.unprivileged_userns_clone=0)";
        }
        if (Files.readString(Path.of("/proc/sys/user/max_user_namespaces")).trim().equals("0")) {
            return "user namespaces (sysctl user.max_user_namespaces=0)";
        }
        if (exec(asUser("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "true")) != 0) {
            return "user namespaces for unprivileged users (unshare -Urpfm as uid " + UID + " failed)";
        }
        return null;
    }

    @BeforeAll
    static void prepare() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (to drop to an unprivileged uid)");
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux)");
        Requirements.require(Files.isExecutable(builtDist().resolve("bin/bulwark")), "the distribution " + builtDist());
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox");
        String missing = userNamespacesMissing();
        Requirements.require(missing == null, missing);
        dir = Files.createTempDirectory("bulwark-rootless-it-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        dist = builtDist().toAbsolutePath();
        if (exec(asUser("test", "-x", dist.resolve("bin/bulwark").toString())) != 0
            || exec(asUser("test", "-r", dist.resolve("libexec/bulwark-jvm").toString())) != 0) {
            // a checkout under a private home: the uid gets its own copy (without the CDS archive and the AOT
            // cache, which record the jars' paths)
            Path copy = dir.resolve("dist");
            assertEquals(0, exec(List.of("cp", "-a", dist.toString(), copy.toString())));
            Files.deleteIfExists(copy.resolve("lib/bulwark.jsa"));
            Files.deleteIfExists(copy.resolve("lib/bulwark.aot"));
            assertEquals(0, exec(List.of("chmod", "-R", "a+rX", copy.toString())));
            dist = copy;
        }
    }

    @AfterAll
    static void removeAll() throws Exception {
        if (dir != null) {
            deleteTree(dir);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        String n = UUID.randomUUID().toString().substring(0, 8);
        home = owned(dir.resolve("home-" + n), "rwx------");
        xdg = owned(dir.resolve("xdg-" + n), "rwx------");
        bundle = owned(dir.resolve("bundle-" + n), "rwxr-xr-x");
        Path rootfs = bundle.resolve("rootfs");
        for (String d : List.of("bin", "proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "cat", "id", "sleep", "echo")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        try (Stream<Path> s = Files.walk(rootfs)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        // the config as a rootless user gets it
        Result spec = bulwark(null, "spec", "--rootless", "--bundle", bundle.toString());
        assertEquals(0, spec.code(), spec.err());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String id : ids) {
            bulwark(null, "delete", "--force", id);
        }
        for (Path cg : cgroupsMade) {
            removeCgroup(cg);
        }
    }

    private static Path owned(Path p, String mode) throws IOException {
        Files.createDirectories(p);
        Files.setAttribute(p, "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", UID, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    /** bin/bulwark as the unprivileged uid; {@code cgroupProcs}: first move the caller into that cgroup (as root). */
    private Result bulwark(Path cgroupProcs, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (cgroupProcs != null) {
            cmd.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cgroupProcs.toString()));
        }
        cmd.addAll(asUser("env", "HOME=" + home, "XDG_RUNTIME_DIR=" + xdg, dist.resolve("bin/bulwark").toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out-" + UUID.randomUUID());
        Path err = dir.resolve("err-" + UUID.randomUUID());
        Process p = new ProcessBuilder(cmd).directory(bundle.toFile()).redirectOutput(out.toFile())
            .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bulwark " + String.join(" ", args) + " did not finish");
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private ObjectNode config() throws IOException {
        return (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    }

    /** The rootless config running {@code script} without a terminal, with {@code edit} applied. */
    private void writeConfig(String script, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c = config();
        ObjectNode process = (ObjectNode) c.get("process");
        process.put("terminal", false);
        ArrayNode args = process.putArray("args");
        args.add("/bin/sh").add("-c").add(script);
        edit.accept(c);
        Files.writeString(bundle.resolve("config.json"), c.toPrettyString());
    }

    private String newId() {
        String id = "rootless-" + UUID.randomUUID().toString().substring(0, 8);
        ids.add(id);
        return id;
    }

    private static ObjectNode resources(ObjectNode c) {
        return (ObjectNode) c.with("linux").with("resources");
    }

    /** Processes on the host running as the test's uid (none may outlive a refused create). */
    private static List<String> processesOfUid() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (runningAsUid(Integer.parseInt(p.getFileName().toString()))) {
                        found.add(p.getFileName() + " " + Files.readString(p.resolve("comm")).trim());
                    }
                } catch (IOException ended) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }

    private List<String> stateEntries() throws IOException {
        Path root = xdg.resolve("bulwark");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aRootlessContainerRunsAsTheUserWithRootInsideMappedToIt() throws Exception {
        JsonNode spec = config();
        assertEquals(UID, spec.at("/linux/uidMappings/0/hostID").asInt(), spec.toPrettyString());
        assertEquals(1, spec.at("/linux/uidMappings/0/size").asInt());
        writeConfig("id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups", c -> { });
        String id = newId();
        Result r = bulwark(null, "run", id);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals("0", lines[0].trim(), r.out());
        assertEquals("0", lines[1].trim(), r.out());
        assertEquals(List.of("0", Integer.toString(UID), "1"), List.of(lines[2].trim().split("\\s+")), r.out());
        assertEquals(List.of("0", Integer.toString(UID), "1"), List.of(lines[3].trim().split("\\s+")), r.out());
        assertEquals("deny", lines[4].trim(), r.out());
        assertEquals(List.of(), stateEntries(), "run removes its state");
    }

    @Test
    void theInitRunsAsTheUserOnTheHostAndItsStateIsUnderXdgRuntimeDir() throws Exception {
        writeConfig("sleep 30", c -> { });
        String id = newId();
        Result created = bulwark(null, "create", id);
        assertEquals(0, created.code(), created.err());
        Path stateDir = xdg.resolve("bulwark").resolve(id);
        assertTrue(Files.exists(stateDir.resolve("state.json")), "state under $XDG_RUNTIME_DIR/bulwark");
        assertEquals(UID, Files.getAttribute(stateDir, "unix:uid"));
        Result state = bulwark(null, "state", id);
        assertEquals(0, state.code(), state.err());
        JsonNode s = JSON.readTree(state.out());
        assertEquals("created", s.get("status").asText());
        int pid = s.get("pid").asInt();
        String uidLine = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
            .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(List.of("Uid:", "" + UID, "" + UID, "" + UID, "" + UID), List.of(uidLine.split("\\s+")));
        assertEquals(0, bulwark(null, "start", id).code());
        assertEquals(0, bulwark(null, "kill", id, "KILL").code());
        Result deleted = bulwark(null, "delete", "--force", id);
        assertEquals(0, deleted.code(), deleted.err());
        assertFalse(Files.exists(stateDir));
        assertFalse(runningAsUid(pid), "the init is gone");
    }

    /** A live (not zombie) process of the test's uid: a zombie waits only for its parent to reap it. */
    private static boolean runningAsUid(int pid) {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            return status.stream().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("" + UID))
                && status.stream().noneMatch(l -> l.startsWith("State:") && l.contains("Z"));
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aMemoryLimitThatCannotBeEnforcedIsRefusedAndNothingIsLeft() throws Exception {
        Path unified = unifiedMount();
        List<String> cgroupsBefore = unified == null ? List.of() : subdirectories(unified);
        writeConfig("echo should-not-run", c -> {
            resources(c).with("memory").put("limit", 64L << 20);
            resources(c).with("pids").put("limit", 64);
        });
        String id = newId();
        Result r = bulwark(null, "run", id);
        assertNotEquals(0, r.code(), r.out());
        assertFalse(r.out().contains("should-not-run"));
        String config = bundle.resolve("config.json").toString();
        assertTrue(r.err().contains(config + ": $.linux.resources.memory.limit: cgroup v2 memory controller not"
            + " delegated to uid " + UID), r.err());
        assertTrue(r.err().contains("$.linux.resources.pids.limit: cgroup v2 pids controller not delegated to uid "
            + UID), r.err());
        assertEquals(1, r.err().trim().split("\n").length, "one error line: " + r.err());
        assertEquals(List.of(), stateEntries(), "no state left");
        assertEquals(List.of(), processesOfUid(), "no process left");
        if (unified != null) {
            assertEquals(cgroupsBefore, subdirectories(unified), "no cgroup left");
        }
    }

    @Test
    void theOptOutAnnotationRunsWithAWarningListingEachLimit() throws Exception {
        writeConfig("echo ran", c -> {
            resources(c).with("memory").put("limit", 64L << 20);
            c.with("annotations").put("io.bulwark.rootless.unenforced-limits", "warn");
        });
        Result r = bulwark(null, "run", newId());
        assertEquals(0, r.code(), r.err());
        assertEquals("ran", r.out().trim());
        assertTrue(r.err().contains("runs WITHOUT these limits") && r.err().contains(
            "$.linux.resources.memory.limit: cgroup v2 memory controller not delegated to uid " + UID), r.err());
    }

    @Test
    void aMappingOfAnotherUidIsRefusedWithTheKernelsRule() throws Exception {
        writeConfig("echo should-not-run", c -> ((ObjectNode) c.at("/linux/uidMappings/0")).put("hostID", 0));
        Result r = bulwark(null, "run", newId());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("$.linux.uidMappings[0]: Bulwark runs as uid " + UID + ", not root: it can map"
            + " only its own uid " + UID), r.err());
        assertEquals(List.of(), stateEntries());
        assertEquals(List.of(), processesOfUid());
    }

    /**
     * The real cgroup2 hierarchy (on this project's hybrid hosts it has no controllers): a subtree chowned to the
     * uid as systemd delegates one. The caller runs in a leaf below it; the container's cgroup is made next to
     * that leaf, holds the init, and is removed by delete. A limit is still refused: no controller is delegated.
     */
    @Test
    void aDelegatedCgroupV2SubtreeHoldsTheContainer() throws Exception {
        Path unified = unifiedMount();
        Requirements.require(unified != null, "a cgroup v2 hierarchy (/sys/fs/cgroup or /sys/fs/cgroup/unified)");
        Path top = unified.resolve("bulwark-rootless-it-" + UUID.randomUUID().toString().substring(0, 8));
        Path app = top.resolve("app");
        Path leaf = app.resolve("caller.scope");
        Files.createDirectories(leaf);
        cgroupsMade.add(top);
        for (String f : List.of(".", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads")) {
            Files.setAttribute(app.resolve(f), "unix:uid", UID, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(app.resolve(f), "unix:gid", UID, LinkOption.NOFOLLOW_LINKS);
        }
        String id = newId();
        writeConfig("cat /proc/self/cgroup", c -> { });
        Result r = bulwark(leaf.resolve("cgroup.procs"), "run", id);
        assertEquals(0, r.code(), r.err());
        String rel = "/" + unified.relativize(app.resolve("bulwark").resolve(id));
        assertTrue(r.out().lines().anyMatch(l -> l.equals("0::" + rel)), "in " + rel + ": " + r.out());
        assertFalse(Files.exists(app.resolve("bulwark")), "delete removed the cgroup and its bulwark parent");

        writeConfig("echo should-not-run", c -> resources(c).with("memory").put("limit", 64L << 20));
        Result refused = bulwark(leaf.resolve("cgroup.procs"), "run", newId());
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("$.linux.resources.memory.limit: cgroup v2 memory controller not delegated"
            + " to uid " + UID + " (the cgroup v2 subtree " + app + " delegated to uid " + UID + " offers: "),
            refused.err());
        assertFalse(Files.exists(app.resolve("bulwark")));
    }

    private static Path unifiedMount() {
        for (Path p : List.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified"))) {
            if (Files.exists(p.resolve("cgroup.controllers"))) {
                return p;
            }
        }
        return null;
    }

    private static List<String> subdirectories(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.filter(Files::isDirectory).map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    /** rmdir deepest first, after moving any process left (the test's shell ended already) to the root. */
    private static void removeCgroup(Path top) throws IOException {
        if (!Files.isDirectory(top)) {
            return;
        }
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
