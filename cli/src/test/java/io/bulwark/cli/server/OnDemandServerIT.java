package io.bulwark.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-demand server through the distribution's bin/bulwark with {@code BULWARK_SERVER=on-demand}: the first
 * container command finds no server, starts one and runs cold, later commands are served by it (a container the
 * server made is its child, the shim being cloned with CLONE_PARENT), it exits by itself once idle, and clients
 * racing to start it leave exactly one.
 */
class OnDemandServerIT {
    private static final Path DIST = Path.of(System.getProperty("bulwark.dist", "target/bulwark")).toAbsolutePath();

    @TempDir
    Path tmp;
    private Path root;
    private Path bundle;
    private String idle = "60";

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static (/bin/busybox)");
        // the container's root user (an unprivileged uid on the host) must reach the bundle
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = tmp.resolve("root");
        bundle = bundle("sleep", "5");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> entries = Files.list(root)) {
                    for (Path p : entries.toList()) {
                        String name = p.getFileName().toString();
                        if (!name.startsWith(":") && !name.startsWith(".") && Files.isDirectory(p)) {
                            bulwark(true, "delete", "--force", name);
                        }
                    }
                }
            }
        } finally {
            for (long pid : servers()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
            for (long pid : servers()) {
                ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(20, TimeUnit.SECONDS).join());
            }
        }
        assertEquals(List.of(), servers(), "a server of this root is left running");
        assertFalse(Files.exists(root.resolve(WarmServer.SOCKET)), "socket left behind");
    }

    @Test
    void theFirstCommandStartsTheServerAndTheNextOnesAreServedByIt() throws Exception {
        assertFalse(Files.exists(root), "the root does not exist before the first command");
        Result first = bulwark(false, "create", "--bundle", bundle.toString(), "c1");
        assertEquals(0, first.code(), first.err());
        long server = awaitServer();
        assertEquals(List.of(server), servers(), "one server, the one holding the lock");
        assertEquals("rw-------", PosixFilePermissions.toString(
            Files.getPosixFilePermissions(root.resolve(WarmServer.SOCKET))));
        // the first command ran cold (its JVM made the container and left); the next ones are served: the
        // container's init is the server's child
        assertNotEquals(server, parentOf(containerPid("c1")));
        Result second = bulwark(false, "create", "--bundle", bundle.toString(), "c2");
        assertEquals(0, second.code(), second.err());
        assertEquals(server, parentOf(containerPid("c2")));
        assertEquals(List.of(server), servers());

        // a foreground run with the client's stdio and exit status, through the same server
        Path echo = bundle("sh", "-c", "echo on-demand; exit 7");
        Result run = bulwark(false, "run", "--bundle", echo.toString(), "r1");
        assertEquals(7, run.code(), run.err());
        assertEquals("on-demand\n", run.out());
        assertEquals(List.of(server), servers());

        for (String id : List.of("c1", "c2")) {
            assertEquals(0, bulwark(false, "delete", "--force", id).code());
        }
        assertEquals("", bulwark(false, "list", "--quiet").out().strip());
    }

    @Test
    void anIdleServerExitsButNotWhileACommandOrAContainerStillRuns() throws Exception {
        idle = "2";
        assertEquals(0, bulwark(false, "list").code());
        long server = awaitServer();
        Result created = bulwark(false, "create", "--bundle", bundle("sleep", "8").toString(), "c1");
        assertEquals(0, created.code(), created.err());
        assertEquals(server, parentOf(containerPid("c1")), "served: " + log());
        assertEquals(0, bulwark(false, "start", "c1").code());
        Thread.sleep(5_000); // more than two idle periods, while the container's sleep 8 runs
        assertTrue(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false),
            "the server left while a container it started still ran: " + log());

        // a foreground command longer than the idle period is in flight all along
        Result run = bulwark(false, "run", "--bundle", bundle("sleep", "3").toString(), "r1");
        assertEquals(0, run.code(), run.err());
        assertTrue(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false),
            "the server left during a command: " + log());

        assertTrue(ProcessHandle.of(server).get().onExit().thenApply(h -> true)
            .completeOnTimeout(false, 60, TimeUnit.SECONDS).join(), "the idle server did not exit: " + log());
        assertFalse(Files.exists(root.resolve(WarmServer.SOCKET)), "the idle server left its socket");
        assertTrue(log().contains("exiting"), log());
        assertEquals(0, bulwark(false, "delete", "c1").code(), "the ended container is deleted (cold)");

        // the next command starts a new one
        assertEquals(0, bulwark(false, "list").code());
        long next = awaitServer();
        assertNotEquals(server, next);
        assertEquals(List.of(next), servers());
    }

    @Test
    void firstCommandsAtOnceLeaveExactlyOneServer() throws Exception {
        Path quick = bundle("true");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Result>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String id = "r" + i;
                runs.add(pool.submit(() -> bulwark(false, "run", "--bundle", quick.toString(), id)));
            }
            for (Future<Result> r : runs) {
                Result result = r.get(120, TimeUnit.SECONDS);
                assertEquals(0, result.code(), result.err());
            }
        } finally {
            pool.shutdownNow();
        }
        long server = awaitServer();
        // the others leave as soon as they see the lock taken
        for (int i = 0; i < 300 && servers().size() > 1; i++) {
            Thread.sleep(100);
        }
        assertEquals(List.of(server), servers(), log());
        assertEquals("", bulwark(false, "list", "--quiet").out().strip());
    }

    @Test
    void aStaleSocketOfADeadServerDoesNotBlock() throws Exception {
        Files.createDirectories(root);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(root.resolve(WarmServer.SOCKET)));
        } // closed without unlinking: what a killed server leaves
        assertTrue(Files.exists(root.resolve(WarmServer.SOCKET)));
        // through pipes: the client's output ends when it exits, the server it started holds none of its descriptors
        ProcessBuilder pb = new ProcessBuilder(DIST.resolve("bin/bulwark").toString(), "--root", root.toString(), "list");
        pb.environment().remove("BULWARK_NO_SERVER");
        pb.environment().put("BULWARK_SERVER", "on-demand");
        Process first = pb.start();
        first.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        assertTrue(out.get(30, TimeUnit.SECONDS).startsWith("ID"), "list output");
        assertEquals(0, first.waitFor());
        long server = awaitServer();
        Result created = bulwark(false, "create", "--bundle", bundle.toString(), "c1");
        assertEquals(0, created.code(), created.err());
        assertEquals(server, parentOf(containerPid("c1")));
    }

    @Test
    void aClientInAnotherMountNamespaceRunsItsCommandCold() throws Exception {
        assertEquals(0, bulwark(false, "list").code());
        long server = awaitServer();
        Result other = bulwark(false, List.of(), List.of("unshare", "--mount", "--propagation", "unchanged"),
            "create", "--bundle", bundle.toString(), "c1");
        assertEquals(0, other.code(), other.err());
        assertNotEquals(server, parentOf(containerPid("c1")), "served by a server that sees other mounts");
        Result same = bulwark(false, "create", "--bundle", bundle.toString(), "c2");
        assertEquals(0, same.code(), same.err());
        assertEquals(server, parentOf(containerPid("c2")));
        assertEquals(List.of(server), servers());
    }

    @Test
    void badSettingsAreRefusedByName() throws Exception {
        Result mode = bulwark(false, List.of("BULWARK_SERVER=always"), "list");
        assertEquals(1, mode.code());
        assertTrue(mode.err().contains("BULWARK_SERVER") && mode.err().contains("always"), mode.err());
        Result idleValue = bulwark(false, List.of("BULWARK_SERVER_IDLE=5m"), "list");
        assertEquals(1, idleValue.code());
        assertTrue(idleValue.err().contains("BULWARK_SERVER_IDLE") && idleValue.err().contains("5m"), idleValue.err());
        assertFalse(Files.exists(root), "nothing was started");
    }

    private Result bulwark(boolean cold, String... args) throws Exception {
        return bulwark(cold, List.of(), args);
    }

    private Result bulwark(boolean cold, List<String> extraEnv, String... args) throws Exception {
        return bulwark(cold, extraEnv, List.of(), args);
    }

    private Result bulwark(boolean cold, List<String> extraEnv, List<String> wrapper, String... args) throws Exception {
        List<String> argv = new ArrayList<>(wrapper);
        argv.addAll(List.of(DIST.resolve("bin/bulwark").toString(), "--root", root.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile());
        pb.environment().remove("BULWARK_NO_SERVER");
        if (cold) {
            pb.environment().put("BULWARK_NO_SERVER", "1");
        } else {
            pb.environment().put("BULWARK_SERVER", "on-demand");
            pb.environment().put("BULWARK_SERVER_IDLE", idle);
        }
        for (String kv : extraEnv) {
            int eq = kv.indexOf('=');
            pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        // files, not pipes: a created container keeps the client's stdio (as with runc) until it ends
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bulwark " + String.join(" ", args) + " hangs");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Waits until the server a first command started listens; returns its pid. */
    private long awaitServer() throws Exception {
        Path socket = root.resolve(WarmServer.SOCKET);
        for (int i = 0; i < 1200; i++) {
            if (Files.exists(socket) && Files.exists(root.resolve(WarmServer.LOCK))) {
                String pid = Files.readString(root.resolve(WarmServer.LOCK)).strip();
                if (!pid.isEmpty() && servers().contains(Long.parseLong(pid))) {
                    return Long.parseLong(pid);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no server listens after 60 s: " + log());
    }

    /** Every live `server` process of this root. */
    private List<Long> servers() throws IOException {
        List<Long> out = new ArrayList<>();
        String rootArg = root.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<String> argv;
                try {
                    argv = List.of(Files.readString(p.resolve("cmdline")).split("\0"));
                    if (Files.readString(p.resolve("stat")).replaceFirst("^.*\\) ", "").startsWith("Z")) {
                        continue;
                    }
                } catch (IOException gone) {
                    continue;
                }
                if (argv.contains("server") && argv.contains(rootArg) && argv.stream().anyMatch(a -> a.endsWith("java"))) {
                    out.add(Long.parseLong(name));
                }
            }
        }
        return out;
    }

    private long containerPid(String id) throws Exception {
        Result state = bulwark(true, "state", id);
        assertEquals(0, state.code(), state.err());
        return new ObjectMapper().readTree(state.out()).get("pid").asLong();
    }

    private static long parentOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new IOException("no PPid for " + pid);
    }

    private String log() {
        try {
            return Files.readString(root.resolve(":server.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Path bundle(String... args) throws Exception {
        Path b = Files.createDirectories(tmp.resolve("bundle-" + System.nanoTime()));
        Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
        for (String mountPoint : new String[] {"proc", "dev", "sys", "tmp"}) {
            Files.createDirectories(b.resolve("rootfs").resolve(mountPoint));
        }
        Files.copy(Path.of("/bin/busybox").toRealPath(), bin.resolve("busybox"));
        for (String applet : new String[] {"sh", "true", "sleep", "echo"}) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        ProcessBuilder spec = new ProcessBuilder(DIST.resolve("bin/bulwark").toString(), "spec", "--bundle", b.toString());
        spec.environment().put("BULWARK_NO_SERVER", "1");
        Process p = spec.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(b.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        for (String a : args) {
            argv.add(a);
        }
        json.writeValue(b.resolve("config.json").toFile(), config);
        return b;
    }
}
