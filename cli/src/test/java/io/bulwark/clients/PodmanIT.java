package io.bulwark.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.clients.ClientHarness.Result;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Podman (Debian's, with conmon) drives bin/bulwark as its OCI runtime. Podman's storage, run directory and
 * configuration live in a temp dir, containers have no network, and Bulwark's state goes to its own --root there;
 * the host is checked for leftovers at the end.
 */
class PodmanIT {
    static Path tmp;
    static Path bulwarkRoot;
    static Path runtime;
    static Map<String, String> env;
    static final String IMAGE = "localhost/bulwark-test/busybox:1";

    @BeforeAll
    static void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "root (Podman runs rootful containers)");
        Requirements.require(ClientHarness.onPath("podman") && ClientHarness.onPath("conmon"),
            "podman and conmon (apt-get install podman)");
        tmp = Files.createTempDirectory("bulwark-podman-");
        bulwarkRoot = tmp.resolve("bulwark-state");
        runtime = wrapper("bulwark", "--root " + bulwarkRoot);
        Path conf = tmp.resolve("containers.conf");
        // Podman asks for rlimits above this host's hard limits (no CAP_SYS_RESOURCE here): set them explicitly.
        Files.writeString(conf, """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
            netns = "none"
            cgroupns = "private"
            log_driver = "k8s-file"
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "bulwark"
            [engine.runtimes]
            bulwark = ["%s"]
            """.formatted(runtime));
        env = Map.of("CONTAINERS_CONF", conf.toString(), "CONTAINERS_STORAGE_CONF", tmp.resolve("storage.conf").toString());
        Files.writeString(tmp.resolve("storage.conf"), "[storage]\ndriver = \"vfs\"\nrunroot = \"" + tmp.resolve("run")
            + "\"\ngraphroot = \"" + tmp.resolve("storage") + "\"\n");
        Path tar = ClientHarness.busyboxRootfsTar(tmp);
        Result imported = podman("import", tar.toString(), IMAGE);
        assertEquals(0, imported.code(), imported.all());
    }

    /** A runtime entry: a script that runs bin/bulwark with fixed global flags (Podman takes a bare path). */
    static Path wrapper(String name, String flags) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\nexec " + ClientHarness.dist().resolve("bin/bulwark") + " " + flags
            + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    static Result podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", tmp.resolve("storage").toString(),
            "--runroot", tmp.resolve("run").toString(), "--tmpdir", tmp.resolve("podman-tmp").toString(),
            "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return ClientHarness.run(env, cmd);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (tmp == null) {
            return;
        }
        podman("rm", "--all", "--force", "--time", "0");
        podman("rmi", "--all", "--force");
        Result left = ClientHarness.run(Map.of(), List.of(ClientHarness.dist().resolve("bin/bulwark").toString(),
            "--root", bulwarkRoot.toString(), "list", "--quiet"));
        List<String> mounts = ClientHarness.mountsUnder(tmp.toString());
        for (String m : mounts) {
            ClientHarness.run(Map.of(), List.of("umount", "-l", m.split(" ")[4]));
        }
        List<String> procs = ClientHarness.processesMentioning(tmp.toString());
        ClientHarness.deleteTree(tmp);
        assertEquals("", left.out().trim(), "containers left in Bulwark's state");
        assertEquals(List.of(), mounts, "mounts left behind");
        assertEquals(List.of(), procs, "processes left behind");
    }

    @Test
    void foregroundRunPrintsAndReturnsTheExitCode() {
        Result r = podman("run", "--rm", "--network", "none", IMAGE, "sh", "-c", "echo hello from bulwark; exit 42");
        assertEquals(42, r.code(), r.all());
        assertTrue(r.out().contains("hello from bulwark"), r.all());
    }

    @Test
    void theRuntimeFlagAndContainersConfBothSelectBulwark() {
        Result info = podman("info", "--format", "{{.Host.OCIRuntime.Path}}");
        assertEquals(runtime.toString(), info.out().trim(), info.all());
        Result viaFlag = podman("--runtime", runtime.toString(), "run", "--rm", IMAGE, "echo", "via-flag");
        assertEquals(0, viaFlag.code(), viaFlag.all());
        assertTrue(viaFlag.out().contains("via-flag"));
    }

    @Test
    void detachedContainerWithExecLogsPsInspectKillAndStop() {
        Result started = podman("run", "-d", "--name", "d1", IMAGE, "sh", "-c", "echo started; exec sleep 300");
        assertEquals(0, started.code(), started.all());
        try {
            Result ps = podman("ps", "--format", "{{.Names}} {{.Status}}");
            assertTrue(ps.out().contains("d1 Up"), ps.all());
            Result exec = podman("exec", "d1", "sh", "-c", "echo in-exec; cat /proc/1/cmdline | tr '\\0' ' '");
            assertEquals(0, exec.code(), exec.all());
            assertTrue(exec.out().contains("in-exec"), exec.all());
            assertTrue(exec.out().contains("sleep 300"), "exec must see the container's pid 1: " + exec.all());
            Result execCode = podman("exec", "d1", "sh", "-c", "exit 3");
            assertEquals(3, execCode.code(), execCode.all());
            Result logs = podman("logs", "d1");
            assertTrue(logs.out().contains("started"), logs.all());
            Result inspect = podman("inspect", "--format", "{{.State.Status}} {{.OCIRuntime}}", "d1");
            assertTrue(inspect.out().startsWith("running bulwark"), inspect.all());
            Result kill = podman("kill", "--signal", "KILL", "d1");
            assertEquals(0, kill.code(), kill.all());
            Result exited = podman("wait", "d1");
            assertEquals("137", exited.out().trim(), exited.all());
        } finally {
            podman("rm", "--force", "--time", "0", "d1");
        }
        Result d2 = podman("run", "-d", "--name", "d2", IMAGE, "sleep", "300");
        assertEquals(0, d2.code(), d2.all());
        Result stop = podman("stop", "--time", "1", "d2");
        assertEquals(0, stop.code(), stop.all());
        Result state = podman("inspect", "--format", "{{.State.Status}}", "d2");
        assertEquals("exited", state.out().trim(), state.all());
        assertEquals(0, podman("rm", "d2").code());
    }

    @Test
    void capDropAllLeavesNoCapabilities() {
        Result r = podman("run", "--rm", "--cap-drop", "ALL", IMAGE, "grep", "CapEff", "/proc/self/status");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("0000000000000000"), r.all());
    }

    @Test
    void userFlagSetsTheIds() {
        Result r = podman("run", "--rm", "--user", "1000:1000", IMAGE, "id");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("uid=1000") && r.out().contains("gid=1000"), r.all());
    }

    @Test
    void aSeccompProfileFromTheCommandLineDeniesItsSyscalls() throws IOException {
        Path profile = tmp.resolve("deny-mkdir.json");
        Files.writeString(profile, """
            {"defaultAction": "SCMP_ACT_ALLOW",
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
            """);
        Result r = podman("run", "--rm", "--security-opt", "seccomp=" + profile, IMAGE, "sh", "-c",
            "mkdir /tmp/x && echo made || echo denied; grep Seccomp: /proc/self/status");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("denied"), r.all());
        assertTrue(r.out().contains("Seccomp:\t2"), r.all());
    }

    @Test
    void terminalThroughTheConsoleSocket() {
        Result r = podman("run", "--rm", "-t", IMAGE, "sh", "-c", "tty; test -t 0 && echo stdin-is-a-tty");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("/dev/pts/"), r.all());
        assertTrue(r.out().contains("stdin-is-a-tty"), r.all());
    }

    @Test
    void aWorkloadOverItsMemoryLimitIsKilled() {
        Result r = podman("run", "--rm", "--memory", "32m", "--memory-swap", "32m", IMAGE, "sh", "-c",
            "x=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; while true; do x=$x$x; done");
        assertEquals(137, r.code(), r.all());
    }

    @Test
    void memoryAndPidsLimitsAreSeenFromInside() {
        Result r = podman("run", "--rm", "--memory", "64m", "--pids-limit", "50", IMAGE, "sh", "-c",
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null"
                + " || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains(Long.toString(64L * 1024 * 1024)), r.all());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().equals("50")), r.all());
    }

    @Test
    void userNamespaceMappingsFromTheCommandLine() {
        Result r = podman("run", "--rm", "--uidmap", "0:200000:65536", "--gidmap", "0:200000:65536", IMAGE,
            "cat", "/proc/self/uid_map");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().trim().matches("0\\s+200000\\s+65536"), r.all());
    }
}
