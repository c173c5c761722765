package io.bulwark.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.testing.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm path end to end, as Podman or containerd would see it: the distribution's native client bin/bulwark
 * against a resident {@code bulwark server}, compared with the same command in a JVM of its own.
 */
class WarmServerIT {
    private static final Path DIST = Path.of(System.getProperty("bulwark.dist", "target/bulwark")).toAbsolutePath();

    @TempDir
    Path tmp;
    private Path root;
    private Process server;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void startServer() throws Exception {
        Requirements.require(Requirements.isRoot(), "root");
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static (/bin/busybox)");
        // the container's root user (an unprivileged uid on the host) must reach the bundle
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        root = tmp.resolve("root");
        server = new ProcessBuilder(DIST.resolve("bin/bulwark").toString(), "--root", root.toString(), "server")
            .redirectErrorStream(true).redirectOutput(tmp.resolve("server.log").toFile()).start();
        Path socket = root.resolve(WarmServer.SOCKET);
        for (int i = 0; i < 600 && !Files.exists(socket); i++) {
            assertTrue(server.isAlive(), () -> "server ended: " + log());
            Thread.sleep(50);
        }
        assertTrue(Files.exists(socket), "no socket after 30 s: " + log());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(socket)));
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server == null) {
            return;
        }
        try {
            for (String id : listIds()) {
                bulwark(tmp, false, "delete", "--force", id);
            }
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
        assertFalse(Files.exists(root.resolve(WarmServer.SOCKET)), "socket left behind");
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("server.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private List<String> listIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : bulwark(tmp, false, "list", "--quiet").out().split("\n")) {
            if (!line.isBlank()) {
                ids.add(line.trim());
            }
        }
        return ids;
    }

    private ProcessBuilder command(Path cwd, boolean cold, String... args) {
        List<String> argv = new ArrayList<>(List.of(DIST.resolve("bin/bulwark").toString(), "--root", root.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        if (cold) {
            pb.environment().put("BULWARK_NO_SERVER", "1");
        }
        return pb;
    }

    private Result bulwark(Path cwd, boolean cold, String... args) throws Exception {
        Process p = command(cwd, cold, args).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bulwark " + String.join(" ", args) + " hangs");
        return new Result(p.exitValue(), out, err);
    }

    private Path bundle(String... args) throws Exception {
        Path b = Files.createDirectories(tmp.resolve("bundle-" + System.nanoTime()));
        Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
        for (String mountPoint : new String[] {"proc", "dev", "sys", "tmp"}) {
            Files.createDirectories(b.resolve("rootfs").resolve(mountPoint));
        }
        Files.copy(Path.of("/bin/busybox").toRealPath(), bin.resolve("busybox"));
        for (String applet : new String[] {"sh", "true", "sleep", "echo", "cat"}) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Result spec = bulwark(b, true, "spec", "--bundle", b.toString());
        assertEquals(0, spec.code(), spec.err());
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

    @Test
    void errorsLookTheSameWarmAndCold() throws Exception {
        Result warm = bulwark(tmp, false, "state", "no-such-container");
        Result cold = bulwark(tmp, true, "state", "no-such-container");
        assertEquals(cold, warm);
        assertTrue(warm.code() != 0 && warm.err().contains("no-such-container"), warm.toString());
        Result warmVersion = bulwark(tmp, false, "--version");
        assertEquals(bulwark(tmp, true, "--version"), warmVersion);
    }

    @Test
    void relativeLogFilesLandInTheClientsDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("client-cwd"));
        Result r = bulwark(dir, false, "--log", "runtime.log", "--log-format", "json", "state", "missing-one");
        assertEquals(1, r.code(), r.toString());
        String logged = Files.readString(dir.resolve("runtime.log"));
        assertTrue(logged.contains("\"level\":\"error\"") && logged.contains("missing-one"), logged);
    }

    @Test
    void theWorkloadGetsTheClientsStdioAndItsExitStatus() throws Exception {
        Path b = bundle("/bin/sh", "-c", "echo out; echo err >&2; read x; echo got $x; exit 7");
        Path outFile = tmp.resolve("out.txt");
        Path errFile = tmp.resolve("err.txt");
        // no --bundle: the bundle is the client's working directory, as with runc
        Process p = command(b, false, "run", "stdio-" + ProcessHandle.current().pid())
            .redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(7, p.exitValue(), () -> read(errFile) + log());
        assertEquals("out\ngot hello\n", read(outFile));
        assertEquals("err\n", read(errFile));
    }

    @Test
    void signalsToTheClientReachItsContainerOnly() throws Exception {
        Path b = bundle("/bin/sh", "-c", "trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done");
        Process p = command(b, false, "run", "sig-" + ProcessHandle.current().pid()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        // a second command served meanwhile: the server runs requests concurrently
        Result state = bulwark(tmp, false, "state", "sig-" + ProcessHandle.current().pid());
        assertEquals(0, state.code(), state.toString());
        assertTrue(state.out().contains("\"sig-"), state.toString());
        p.destroy(); // SIGTERM to the client, which forwards it
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(42, p.exitValue(), this::log);
    }

    @Test
    void detachedContainersAreReapedByTheServer() throws Exception {
        Path b = bundle("/bin/true");
        String id = "detached-" + ProcessHandle.current().pid();
        Result r = bulwark(b, false, "run", "--detach", id);
        assertEquals(0, r.code(), r.err());
        long serverJvm = server.toHandle().descendants().filter(h -> h.info().command().orElse("").endsWith("java"))
            .map(ProcessHandle::pid).findFirst().orElse(server.pid());
        for (int i = 0; i < 200 && zombieChildren(serverJvm) > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, zombieChildren(serverJvm), "zombies under the server");
        Result state = bulwark(tmp, false, "state", id);
        assertTrue(state.out().contains("\"stopped\""), state.toString());
        assertEquals(0, bulwark(tmp, false, "delete", id).code());
    }

    private static long zombieChildren(long parent) throws IOException {
        long n = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == parent) {
                        n++;
                    }
                } catch (IOException gone) {
                    // ended meanwhile
                }
            }
        }
        return n;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
