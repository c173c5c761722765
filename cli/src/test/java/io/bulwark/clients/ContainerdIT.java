package io.bulwark.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.clients.ClientHarness.Result;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * containerd (Debian's, started here with its own root, state and sockets in a temp dir) runs Bulwark through the
 * runc v2 shim with the runtime binary pointed at Bulwark, as a Kubernetes node would. The binary is a
 * {@code bulwark@TENANT} link, which is how one runtime entry per tenant is configured.
 */
class ContainerdIT {
    static Path tmp;
    static Path rootfs;
    static Path runtimeRoot;
    static Process containerd;
    static Path socket;
    static Path binary;
    static Path tenantBinary;

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (containerd)");
        Requirements.require(ClientHarness.onPath("containerd") && ClientHarness.onPath("ctr")
            && ClientHarness.onPath("containerd-shim-runc-v2"), "containerd and its runc v2 shim (apt-get install containerd)");
        tmp = Files.createTempDirectory("bulwark-containerd-");
        socket = tmp.resolve("containerd.sock");
        runtimeRoot = tmp.resolve("runtime-root");
        Path config = tmp.resolve("config.toml");
        Files.writeString(config, """
            version = 2
            root = "%s"
            state = "%s"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "%s"
            [ttrpc]
              address = "%s.ttrpc"
            """.formatted(tmp.resolve("root"), tmp.resolve("state"), socket, socket));
        containerd = new ProcessBuilder("containerd", "--config", config.toString())
            .redirectErrorStream(true).redirectOutput(tmp.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ctr("version").code() != 0) {
            if (System.nanoTime() > deadline || !containerd.isAlive()) {
                throw new AssertionError("containerd did not start: " + Files.readString(tmp.resolve("containerd.log")));
            }
            Thread.sleep(200);
        }
        ClientHarness.busyboxRootfsTar(tmp);
        rootfs = tmp.resolve("rootfs");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        binary = Files.createSymbolicLink(bin.resolve("bulwark"), ClientHarness.dist().resolve("bin/bulwark"));
        tenantBinary = Files.createSymbolicLink(bin.resolve("bulwark@default"), ClientHarness.dist().resolve("bin/bulwark"));
    }

    static Result ctr(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", "bulwark-test"));
        cmd.addAll(List.of(args));
        return ClientHarness.run(Map.of(), cmd);
    }

    static Result run(Path runtimeBinary, String id, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--runc-binary", runtimeBinary.toString(),
            "--runc-root", runtimeRoot.toString(), "--rootfs", rootfs.toString(), id));
        args.addAll(List.of(command));
        return ctr(args.toArray(String[]::new));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (tmp == null) {
            return;
        }
        Result tasks = ctr("task", "list", "--quiet");
        for (String id : tasks.out().split("\n")) {
            if (!id.isBlank()) {
                ctr("task", "kill", "--signal", "KILL", id.trim());
                ctr("task", "delete", "--force", id.trim());
            }
        }
        Result containers = ctr("container", "list", "--quiet");
        for (String id : containers.out().split("\n")) {
            if (!id.isBlank()) {
                ctr("container", "delete", id.trim());
            }
        }
        Result left = ClientHarness.run(Map.of(), List.of(ClientHarness.dist().resolve("bin/bulwark").toString(),
            "--root", runtimeRoot.resolve("bulwark-test").toString(), "list", "--quiet"));
        if (containerd != null) {
            containerd.destroy();
            if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor();
            }
        }
        List<String> mounts = ClientHarness.mountsUnder(tmp.toString());
        for (String m : mounts) {
            ClientHarness.run(Map.of(), List.of("umount", "-l", m.split(" ")[4]));
        }
        Thread.sleep(500);
        List<String> procs = ClientHarness.processesMentioning(tmp.toString());
        ClientHarness.deleteTree(tmp);
        assertEquals("", left.out().trim(), "containers left in Bulwark's state");
        assertEquals(List.of(), mounts, "mounts left behind");
        assertEquals(List.of(), procs, "processes left behind");
    }

    @Test
    void runPrintsAndReturnsTheExitCode() {
        Result r = run(binary, "c-run", "/bin/sh", "-c", "echo hello from containerd; exit 7");
        assertTrue(r.out().contains("hello from containerd"), r.all());
        assertEquals(7, r.code(), r.all());
    }

    @Test
    void detachedTaskWithExecKillAndDelete() throws Exception {
        Result started = ctr("run", "--detach", "--runc-binary", binary.toString(), "--runc-root",
            runtimeRoot.toString(), "--rootfs", rootfs.toString(), "c-task", "/bin/sleep", "300");
        assertEquals(0, started.code(), started.all());
        try {
            Result ps = ctr("task", "list");
            assertTrue(ps.out().contains("c-task") && ps.out().contains("RUNNING"), ps.all());
            Result exec = ctr("task", "exec", "--exec-id", "e1", "c-task", "/bin/sh", "-c",
                "echo in-exec; cat /proc/1/cmdline | tr '\\0' ' '");
            assertEquals(0, exec.code(), exec.all());
            assertTrue(exec.out().contains("in-exec") && exec.out().contains("sleep 300"), exec.all());
            Result execCode = ctr("task", "exec", "--exec-id", "e2", "c-task", "/bin/sh", "-c", "exit 5");
            assertEquals(5, execCode.code(), execCode.all());
            Result kill = ctr("task", "kill", "--signal", "KILL", "c-task");
            assertEquals(0, kill.code(), kill.all());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!ctr("task", "list").out().contains("STOPPED") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(ctr("task", "list").out().contains("STOPPED"));
        } finally {
            ctr("task", "delete", "--force", "c-task");
            ctr("container", "delete", "c-task");
        }
        Result after = ClientHarness.run(Map.of(), List.of(binary.toString(), "--root",
            runtimeRoot.resolve("bulwark-test").toString(), "list", "--quiet"));
        assertEquals("", after.out().trim(), after.all());
    }

    @Test
    void aFailingCreateReachesContainerdThroughTheJsonLog() {
        Result r = run(binary, "c-fail", "/no/such/program");
        assertNotEquals(0, r.code());
        assertTrue(r.all().contains("/no/such/program"), "containerd must report Bulwark's error: " + r.all());
    }

    @Test
    void aPerTenantRuntimeBinaryAppliesThatTenantsPolicy() {
        // without a tenant, a privileged task keeps CAP_SYS_ADMIN (bit 21) ...
        Result plain = ctr("run", "--rm", "--privileged", "--runc-binary", binary.toString(), "--runc-root",
            runtimeRoot.toString(), "--rootfs", rootfs.toString(), "c-priv", "/bin/sh", "-c", "grep CapEff /proc/self/status");
        assertEquals(0, plain.code(), plain.all());
        long capEff = Long.parseLong(plain.out().trim().split("\\s+")[1], 16);
        assertTrue((capEff & (1L << 21)) != 0, plain.all());
        // ... while the runtime entry bulwark@default refuses it with the policy's reasons
        Result tenant = ctr("run", "--rm", "--privileged", "--runc-binary", tenantBinary.toString(), "--runc-root",
            runtimeRoot.toString(), "--rootfs", rootfs.toString(), "c-tenant", "/bin/sh", "-c", "true");
        assertNotEquals(0, tenant.code(), tenant.all());
        assertTrue(tenant.all().contains("refused by tenant 'default'") && tenant.all().contains("CAP_SYS_ADMIN"),
            tenant.all());
    }
}
