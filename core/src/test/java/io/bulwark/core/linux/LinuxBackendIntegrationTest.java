package io.bulwark.core.linux;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.spec.Hook;
import io.bulwark.core.spec.Hooks;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.sys.Syscall;
import io.bulwark.core.testing.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real containers on the host kernel, driven through {@link LinuxBackend}; checked from inside and outside. */
class LinuxBackendIntegrationTest {
    static Containers containers;

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot() && Containers.userNamespacesWork(), "root with user namespaces");
        containers = new Containers();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (containers != null) {
            containers.close();
        }
    }

    static Containers.Result sh(String script) throws Exception {
        return containers.run("sh", "-c", script);
    }

    @Test
    void echoRunsInTheContainer() throws Exception {
        Containers.Result r = containers.run("echo", "hello");
        assertEquals(0, r.status());
        assertEquals("hello\n", r.output());
    }

    @Test
    void theWorkloadIsPid1() throws Exception {
        assertEquals("1\n", sh("echo $$").output());
        assertEquals("cat", containers.run("cat", "/proc/1/comm").output().strip());
    }

    @Test
    void aNewNetworkNamespaceHasOnlyLoopback() throws Exception {
        assertEquals("lo", sh("ls /sys/class/net").output().strip());
    }

    @Test
    void hostnameIsSet() throws Exception {
        assertEquals("bulwark-test\n", containers.run("hostname").output());
    }

    @Test
    void rootInsideIsTheUnprivilegedRangeOutside() throws Exception {
        assertEquals("0 100000 65536", sh("cat /proc/self/uid_map").output().trim().replaceAll("\\s+", " "));
        assertEquals("uid=0(root) gid=0", sh("id").output().strip().replaceAll(" groups=.*", ""));
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("true"))))) {
            String status = Files.readString(Path.of("/proc/" + b.pid() + "/status"));
            assertTrue(status.contains("\nUid:\t100000\t100000\t100000\t100000\n"), status);
            assertTrue(status.contains("\nGid:\t100000\t100000\t100000\t100000\n"), status);
        }
    }

    @Test
    void maskedPathsAreMasked() throws Exception {
        Containers.Result r = sh("cat /proc/timer_list | wc -c; ls -A /sys/firmware | wc -l; grep -c ' /proc/timer_list ' /proc/mounts");
        assertEquals(List.of("0", "0", "1"), r.output().lines().map(String::strip).toList());
    }

    @Test
    void readonlyPathsAndTheRootAreReadOnly() throws Exception {
        Containers.Result r = sh("touch /newfile 2>/dev/null && echo root-writable;"
            + " (echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null && echo sys-writable;"
            + " grep -E '^[^ ]+ (/|/proc/sys) ' /proc/mounts | cut -d' ' -f2,4 | cut -d, -f1; touch /tmp/ok && echo tmp-ok");
        assertEquals(List.of("/ ro", "/proc/sys ro", "tmp-ok"), r.output().lines().toList());
    }

    @Test
    void capabilitiesAreExactlyTheConfiguredSet() throws Exception {
        Containers.Result r = sh("grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status");
        assertEquals(List.of("CapInh:\t0000000000000000", "CapPrm:\t0000000020000420", "CapEff:\t0000000020000420",
            "CapBnd:\t0000000020000420", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1"), r.output().lines().toList());
    }

    @Test
    void noDescriptorBeyondStdioReachesTheWorkload() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "100"))))) {
            b.start();
            Path proc = Path.of("/proc/" + b.pid());
            for (int i = 0; i < 500 && !Files.readString(proc.resolve("comm")).strip().equals("sleep"); i++) {
                Thread.sleep(10);
            }
            assertEquals("sleep", Files.readString(proc.resolve("comm")).strip());
            try (var fds = Files.list(proc.resolve("fd"))) {
                assertEquals(List.of("0", "1", "2"), fds.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void exitCodesPropagate() throws Exception {
        assertEquals(42, sh("exit 42").status());
        assertEquals(1, containers.run("false").status());
    }

    @Test
    void aSignalFromOutsideBecomes128PlusN() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "100"))))) {
            b.start();
            containers.backend.kill(b.record, 9, false);
            assertEquals(137, b.await());
        }
    }

    @Test
    void theWaitingInitIsSmallAndStartReleasesIt() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("echo", "released"))))) {
            String status = Files.readString(Path.of("/proc/" + b.pid() + "/status"));
            long rssKb = Long.parseLong(status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
            assertTrue(rssKb < 1024, "waiting init RSS " + rssKb + " KiB");
            assertTrue(Files.exists(b.record.stateDir().resolve("exec.fifo")));
            b.start();
            assertEquals(0, b.await());
            assertEquals("released\n", b.output());
            assertFalse(Files.exists(b.record.stateDir().resolve("exec.fifo")));
        }
    }

    @Test
    void forceDeleteOfARunningContainerLeavesNothing() throws Exception {
        Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "1000"))));
        b.start();
        int pid = b.pid();
        assertTrue(Files.exists(Path.of("/proc/" + pid)));
        b.close();
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "init still exists");
        assertFalse(Files.exists(b.record.stateDir().resolve("exec.fifo")));
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(containers.bundle.toString()), mounts);
        assertEquals(List.of(), children());
    }

    @Test
    void aMissingExecutableIsOneClearLineAndLeavesNothing() throws Exception {
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> containers.create(Containers.spec(Containers.process(List.of("/bin/nonexistent")))));
        assertTrue(e.getMessage().contains("exec \"/bin/nonexistent\": No such file or directory"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(2, e.errno());
        e = assertThrows(BulwarkException.class,
            () -> containers.create(Containers.spec(Containers.process(List.of("nonexistent")))));
        assertTrue(e.getMessage().endsWith("exec \"nonexistent\": executable file not found in $PATH"), e.getMessage());
        assertEquals(List.of(), children());
        try (var s = Files.list(containers.dir.resolve("state"))) {
            for (Path d : s.toList()) {
                assertFalse(Files.exists(d.resolve("exec.fifo")), "fifo left in " + d);
            }
        }
    }

    @Test
    void aFailingMountIsReportedWithItsDestination() throws Exception {
        Spec base = Containers.spec(Containers.process(List.of("true")));
        List<io.bulwark.core.spec.Mount> mounts = new java.util.ArrayList<>(base.mounts());
        mounts.add(new io.bulwark.core.spec.Mount("/data", "/does/not/exist", List.of("bind"), "bind", null, null));
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, mounts, null,
            base.annotations(), base.linux());
        BulwarkException e = assertThrows(BulwarkException.class, () -> containers.create(spec));
        assertTrue(e.getMessage().contains("bind source /does/not/exist: No such file or directory"), e.getMessage());
        assertEquals(List.of(), children());
    }

    @Test
    void execJoinsTheRunningContainer() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "1000"))))) {
            b.start();
            int[] out = containers.sys.pipe();
            ContainerProcess p;
            try {
                Process proc = Containers.process(List.of("sh", "-c", "hostname; cat /proc/1/comm; echo $$; grep CapEff /proc/self/status"));
                p = containers.backend.exec(b.record, new ExecRequest(proc, null, 0, null, 0, null, null,
                    new Stdio(0, out[1], out[1])));
            } finally {
                containers.sys.close(out[1]);
            }
            assertEquals(0, containers.backend.awaitExit(p));
            String text = readAll(out[0]);
            assertEquals(List.of("bulwark-test", "sleep", "CapEff:\t0000000020000420"),
                text.lines().filter(l -> !l.matches("\\d+")).toList());
            assertTrue(text.lines().anyMatch(l -> l.matches("\\d+") && Integer.parseInt(l) > 1), text);
        }
    }

    @Test
    void execOfAMissingProgramFailsClearly() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "1000"))))) {
            b.start();
            BulwarkException e = assertThrows(BulwarkException.class, () -> containers.backend.exec(b.record,
                new ExecRequest(Containers.process(List.of("nope")), null, 0, null)));
            assertTrue(e.getMessage().endsWith("exec \"nope\": executable file not found in $PATH"), e.getMessage());
        }
    }

    @Test
    void hooksRunWithTheStateOnStdin() throws Exception {
        Path out = containers.dir.resolve("hook-out");
        Files.createDirectories(out);
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Hook host = new Hook("/bin/sh", List.of("sh", "-c", "cat > " + out + "/createRuntime.json"), null, 5);
        Hook inContainer = new Hook("/bin/sh", List.of("sh", "-c", "cat /proc/self/uid_map > " + out + "/createContainer.txt"), null, 5);
        Hook atStart = new Hook("/bin/sh", List.of("sh", "-c", "cat > /tmp/start.json"), null, 5);
        Spec base = Containers.spec(Containers.process(List.of("cat", "/tmp/start.json")));
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, base.mounts(),
            new Hooks(null, List.of(host), List.of(inContainer), List.of(atStart), null, null), base.annotations(),
            base.linux());
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status());
        String created = Files.readString(out.resolve("createRuntime.json"));
        assertTrue(created.contains("\"status\":\"creating\""), created);
        assertTrue(Files.readString(out.resolve("createContainer.txt")).trim().startsWith("0"));
        assertTrue(r.output().contains("\"status\":\"created\""), r.output());
    }

    @Test
    void aFailingHookAbortsCreate() throws Exception {
        Hook bad = new Hook("/bin/sh", List.of("sh", "-c", "echo broken >&2; exit 3"), null, 5);
        Spec base = Containers.spec(Containers.process(List.of("true")));
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, base.mounts(),
            new Hooks(null, List.of(bad), null, null, null, null), base.annotations(), base.linux());
        BulwarkException e = assertThrows(BulwarkException.class, () -> containers.create(spec));
        assertEquals("hook createRuntime[0] (/bin/sh) failed: exit status 3: broken", e.getMessage());
        assertEquals(List.of(), children());
    }

    @Test
    void terminalSendsThePtyMasterOverTheConsoleSocket() throws Exception {
        Syscall sys = containers.sys;
        Path sock = containers.dir.resolve("console.sock");
        int listener = listenAt(sock);
        Process p = withTerminal(Containers.process(List.of("sh", "-c", "tty; echo via-pty")));
        java.util.concurrent.CompletableFuture<Syscall.Message> received = receiveOne(listener, 256);
        try (Containers.Box b = containers.create(Containers.spec(p), Containers.Options.NONE.withConsoleSocket(sock))) {
            Syscall.Message m = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, m.fds().length);
            assertTrue(new String(m.data(), StandardCharsets.UTF_8).startsWith("/dev/pts/"));
            b.start();
            assertEquals(0, b.await());
            String text = readAll(m.fds()[0]);
            assertTrue(text.contains("/dev/pts/0"), text);
            assertTrue(text.contains("via-pty"), text);
        } finally {
            sys.close(listener);
        }
    }

    /** Reads until EOF (or EIO: a pty whose other side closed). */
    static String readAll(int fd) {
        StringBuilder s = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = containers.sys.read(fd, buf)) > 0; ) {
                s.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (BulwarkException e) {
            if (e.errno() != 5) {
                throw e;
            }
        } finally {
            containers.sys.close(fd);
        }
        return s.toString();
    }

    /** This JVM's child processes (leftover shims or inits would show up here). */
    static List<String> children() throws Exception {
        List<String> kids = new java.util.ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                String c = Files.readString(t.resolve("children")).trim();
                if (!c.isEmpty()) {
                    for (String pid : c.split(" ")) {
                        String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
                        kids.add(pid + ":" + comm);
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException ignored) {
            // a task ended meanwhile
        }
        return kids.stream().filter(k -> !k.endsWith(":java")).toList();
    }

    @Test
    void noPivotUsesMoveAndChroot() throws Exception {
        Spec spec = Containers.spec(Containers.process(List.of("sh", "-c", "echo $$; cat /proc/self/uid_map | wc -l")));
        Containers.Result r = containers.run(spec, Containers.Options.NONE.withNoPivot());
        assertEquals(0, r.status());
        assertEquals(List.of("1", "1"), r.output().lines().map(String::strip).toList());
    }

    @Test
    void preservedDescriptorsReachTheWorkload() throws Exception {
        // The JVM's own descriptor 3 (whatever it is) is passed as the one preserved descriptor.
        Spec spec = Containers.spec(Containers.process(List.of("sh", "-c", "ls /proc/self/fd/3 >/dev/null && echo has-3")));
        Containers.Result r = containers.run(spec, Containers.Options.NONE.withPreserveFds(1));
        assertEquals(0, r.status());
        assertEquals("has-3\n", r.output());
    }

    @Test
    void killAllReachesEveryProcess() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(
            List.of("sh", "-c", "trap 'echo got-term; exit 7' TERM; sleep 1000 & wait"))))) {
            b.start();
            for (int i = 0; i < 500 && LinuxBackend.pidNamespaceMembers(b.pid()).size() < 2; i++) {
                Thread.sleep(10);
            }
            List<Integer> members = LinuxBackend.pidNamespaceMembers(b.pid());
            assertEquals(2, members.size(), members.toString());
            containers.backend.kill(b.record, 15, true);
            assertEquals(7, b.await());
            for (int pid : members) {
                for (int i = 0; i < 200 && Files.exists(Path.of("/proc/" + pid)); i++) {
                    Thread.sleep(10);
                }
                assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " survived");
            }
            assertTrue(b.output().contains("got-term"), b.output());
        }
    }

    @Test
    void userGroupsUmaskAndCwdApply() throws Exception {
        Process p = Containers.process(List.of("sh", "-c", "id; pwd; umask"));
        p = new Process(false, null, new io.bulwark.core.spec.User(1000L, 1001L, 077, List.of(5L, 6L), null), p.args(),
            null, p.env(), "/work", p.capabilities(), null, true, null, null, null, null, null, null);
        Containers.Result r = containers.run(Containers.spec(p));
        assertEquals(0, r.status(), r.output());
        assertEquals(List.of("uid=1000 gid=1001 groups=5,6", "/work", "0077"), r.output().lines().toList());
    }

    @Test
    void rlimitsApply() throws Exception {
        Process p = Containers.process(List.of("sh", "-c", "ulimit -n; ulimit -Hn"));
        p = new Process(false, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(),
            List.of(new io.bulwark.core.spec.Rlimit("RLIMIT_NOFILE", 123L, 456L)), true, null, null, null, null, null, null);
        assertEquals(List.of("123", "456"), containers.run(Containers.spec(p)).output().lines().toList());
    }
    /** mkdir/mkdirat fail with EPERM, everything else is allowed; other architectures are killed. */
    static byte[] denyMkdir() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        insn(b, 0x20, 0, 0, 4);
        insn(b, 0x15, 1, 0, 0xc000003eL);
        insn(b, 0x06, 0, 0, 0x80000000L);
        insn(b, 0x20, 0, 0, 0);
        insn(b, 0x15, 2, 0, 83);
        insn(b, 0x15, 1, 0, 258);
        insn(b, 0x06, 0, 0, 0x7fff0000L);
        insn(b, 0x06, 0, 0, 0x00050001L);
        return b.array();
    }

    static void insn(java.nio.ByteBuffer b, int code, int jt, int jf, long k) {
        b.putShort((short) code).put((byte) jt).put((byte) jf).putInt((int) k);
    }

    @Test
    void theSeccompFilterIsInstalledBeforeTheWorkloadRuns() throws Exception {
        for (boolean nnp : new boolean[] {true, false}) {
            Process p = Containers.process(List.of("sh", "-c", "mkdir /tmp/x || echo denied; grep Seccomp: /proc/self/status"));
            p = new Process(false, null, new io.bulwark.core.spec.User(1000L, 1000L, null, null, null), p.args(), null,
                p.env(), p.cwd(), p.capabilities(), null, nnp, null, null, null, null, null, null);
            Containers.Result r = containers.run(Containers.spec(p),
                Containers.Options.NONE.withSeccomp(denyMkdir(), 0, null, null));
            assertEquals(0, r.status());
            assertTrue(r.output().contains("Operation not permitted"), "nnp=" + nnp + ": " + r.output());
            assertTrue(r.output().contains("denied\nSeccomp:\t2"), "nnp=" + nnp + ": " + r.output());
        }
    }

    @Test
    void sysctlOomScoreAdjAndDevicesApply() throws Exception {
        Spec base = Containers.spec(Containers.process(List.of("sh", "-c",
            "cat /proc/sys/net/ipv4/ip_forward /proc/self/oom_score_adj; echo x > /dev/null && head -c 4 /dev/zero | wc -c; ls /dev/pts/ptmx /dev/fd/0 /dev/tty")));
        Process p = base.process();
        p = new Process(false, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(), null, true, null,
            321, null, null, null, null);
        io.bulwark.core.spec.Linux l = base.linux();
        io.bulwark.core.spec.Linux linux = new io.bulwark.core.spec.Linux(l.namespaces(), l.uidMappings(), l.gidMappings(),
            null, null, null, null, null, null, java.util.Map.of("net.ipv4.ip_forward", "1"), l.maskedPaths(),
            l.readonlyPaths(), null, null);
        Spec spec = new Spec(base.ociVersion(), p, base.root(), base.hostname(), null, base.mounts(), null,
            base.annotations(), linux);
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status(), r.output());
        assertEquals(List.of("1", "321", "4", "/dev/fd/0", "/dev/pts/ptmx", "/dev/tty"), r.output().lines().toList());
    }

    @Test
    void withoutAUserNamespaceDevicesAreCreatedWithMknod() throws Exception {
        Spec base = Containers.spec(Containers.process(List.of("sh", "-c", "stat -c '%t:%T %a' /dev/null; cat /proc/self/uid_map")));
        io.bulwark.core.spec.Linux l = base.linux();
        List<io.bulwark.core.spec.Namespace> ns = l.namespaces().stream().filter(n -> !n.type().equals("user")).toList();
        io.bulwark.core.spec.Linux linux = new io.bulwark.core.spec.Linux(ns, null, null, null, null, null, null, null,
            null, null, l.maskedPaths(), l.readonlyPaths(), null, null);
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, base.mounts(), null,
            base.annotations(), linux);
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status(), r.output());
        assertEquals(List.of("1:3 666", "0 0 4294967295"), r.output().lines().map(s -> s.strip().replaceAll("\\s+", " ")).toList());
    }

    /** mkdir/mkdirat go to a user-space listener (SECCOMP_RET_USER_NOTIF), everything else is allowed. */
    static byte[] notifyMkdir() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(denyMkdir()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(7 * 8);
        insn(b, 0x06, 0, 0, 0x7fc00000L);
        return b.array();
    }

    @Test
    void theSeccompNotifyListenerReachesTheListenerPath() throws Exception {
        Syscall sys = containers.sys;
        Path sock = containers.dir.resolve("listener.sock");
        int listener = listenAt(sock);
        Spec spec = Containers.spec(Containers.process(List.of("sh", "-c", "mkdir /tmp/x; echo after")));
        java.util.concurrent.CompletableFuture<Syscall.Message> received = receiveOne(listener, 65536);
        try (Containers.Box b = containers.create(spec,
            Containers.Options.NONE.withSeccomp(notifyMkdir(), 8, sock.toString(), "meta-1"))) {
            Syscall.Message m = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            String json = new String(m.data(), StandardCharsets.UTF_8);
            assertEquals(1, m.fds().length, json);
            assertTrue(json.contains("\"fds\":[\"seccompFd\"]") && json.contains("\"metadata\":\"meta-1\"")
                && json.contains("\"pid\":" + b.pid()) && json.contains("\"id\":\"" + b.record.id() + "\""), json);
            // Closing the listener makes the notified mkdir fail (ENOSYS) instead of waiting for an answer.
            sys.close(m.fds()[0]);
            b.start();
            assertEquals(0, b.await());
            assertTrue(b.output().contains("Function not implemented") && b.output().endsWith("after\n"), b.output());
        } finally {
            sys.close(listener);
        }
    }

    static int listenAt(Path sock) {
        int listener = containers.sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
        containers.sys.bindUnix(listener, sock.toString(), 1);
        return listener;
    }

    static Process withTerminal(Process p) {
        return new Process(true, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(), p.rlimits(),
            p.noNewPrivileges(), null, null, null, null, null, null);
    }

    /** Accepts one connection on a listening socket and receives one message with its descriptors. */
    static java.util.concurrent.CompletableFuture<Syscall.Message> receiveOne(int listener, int maxBytes) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int conn = containers.sys.accept(listener);
            try {
                return containers.sys.recvmsg(conn, maxBytes, 4);
            } finally {
                containers.sys.close(conn);
            }
        });
    }

    @Test
    void execWithATerminalGetsItsOwnPty() throws Exception {
        Syscall sys = containers.sys;
        Path sock = containers.dir.resolve("exec-console.sock");
        int listener = listenAt(sock);
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "1000"))))) {
            b.start();
            Process p = withTerminal(Containers.process(List.of("sh", "-c", "tty; echo exec-pty")));
            java.util.concurrent.CompletableFuture<Syscall.Message> received = receiveOne(listener, 256);
            ContainerProcess proc = containers.backend.exec(b.record, new ExecRequest(p, sock, 0, null));
            Syscall.Message m = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(1, m.fds().length);
            assertEquals(0, containers.backend.awaitExit(proc));
            String text = readAll(m.fds()[0]);
            assertTrue(text.contains("/dev/pts/") && text.contains("exec-pty"), text);
        } finally {
            sys.close(listener);
        }
    }

    static Spec withLinux(Spec base, java.util.function.UnaryOperator<io.bulwark.core.spec.Linux> change) {
        return new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, base.mounts(), null,
            base.annotations(), change.apply(base.linux()));
    }

    @Test
    void personalityAndTimeOffsetsApply() throws Exception {
        Spec spec = withLinux(Containers.spec(Containers.process(List.of("sh", "-c", "uname -m; cat /proc/self/timens_offsets"))),
            l -> {
                List<io.bulwark.core.spec.Namespace> ns = new java.util.ArrayList<>(l.namespaces());
                ns.add(new io.bulwark.core.spec.Namespace("time", null));
                return new io.bulwark.core.spec.Linux(ns, l.uidMappings(), l.gidMappings(),
                    java.util.Map.of("boottime", new io.bulwark.core.spec.TimeOffset(3600L, 5L)), null, null, null, null,
                    null, null, l.maskedPaths(), l.readonlyPaths(), null,
                    new io.bulwark.core.spec.Personality("LINUX32", null));
            });
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status(), r.output());
        List<String> lines = r.output().lines().map(x -> x.strip().replaceAll("\\s+", " ")).toList();
        assertEquals("i686", lines.get(0));
        assertTrue(lines.contains("monotonic 0 0") && lines.contains("boottime 3600 5"), lines.toString());
    }

    @Test
    void aDeviceOverAnExistingOtherFileIsAnError() throws Exception {
        Spec spec = withLinux(Containers.spec(Containers.process(List.of("true"))), l ->
            new io.bulwark.core.spec.Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), null,
                List.of(new io.bulwark.core.spec.Device("c", "/etc/passwd", 1L, 3L, 0666, 0L, 0L)), null, null, null,
                null, null, l.maskedPaths(), l.readonlyPaths(), null, null));
        BulwarkException e = assertThrows(BulwarkException.class, () -> containers.create(spec));
        assertTrue(e.getMessage().endsWith("device /etc/passwd: a file that is not this device is already there"),
            e.getMessage());
        assertEquals(List.of(), children());
    }

    @Test
    void aCgroupMountGivesTheContainerItsOwnCgroupView() throws Exception {
        Spec base = Containers.spec(Containers.process(List.of("sh", "-c",
            "grep ' /sys/fs/cgroup ' /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1; cat /proc/self/cgroup | grep '^0::'")));
        List<io.bulwark.core.spec.Mount> mounts = new java.util.ArrayList<>(base.mounts());
        mounts.add(new io.bulwark.core.spec.Mount("/sys/fs/cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"),
            "cgroup", null, null));
        Spec spec = new Spec(base.ociVersion(), base.process(), base.root(), base.hostname(), null, mounts, null,
            base.annotations(), base.linux());
        Containers.Result r = containers.run(spec);
        assertEquals(0, r.status(), r.output());
        assertEquals(List.of("cgroup2 ro", "0::/"), r.output().lines().toList());
    }

    static Process withConsoleSize(Process p, int height, int width) {
        return new Process(p.terminal(), new io.bulwark.core.spec.ConsoleSize(height, width), p.user(), p.args(),
            p.commandLine(), p.env(), p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(),
            p.apparmorProfile(), p.oomScoreAdj(), p.scheduler(), p.selinuxLabel(), p.ioPriority(), p.execCPUAffinity());
    }

    @Test
    void consoleSizeIsTheWindowSizeOfTheInitsAndAnExecsPty() throws Exception {
        Syscall sys = containers.sys;
        Path sock = containers.dir.resolve("size-console.sock");
        int listener = listenAt(sock);
        Process init = withConsoleSize(withTerminal(Containers.process(List.of("sh", "-c", "stty size; sleep 1000"))),
            40, 132);
        java.util.concurrent.CompletableFuture<Syscall.Message> received = receiveOne(listener, 256);
        try (Containers.Box b = containers.create(Containers.spec(init), Containers.Options.NONE.withConsoleSocket(sock))) {
            Syscall.Message m = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            b.start();
            byte[] buf = new byte[64];
            int n = sys.read(m.fds()[0], buf);
            assertEquals("40 132", new String(buf, 0, Math.max(n, 0), StandardCharsets.UTF_8).trim());
            sys.close(m.fds()[0]);

            Process exec = withConsoleSize(withTerminal(Containers.process(List.of("sh", "-c", "stty size"))), 25, 80);
            received = receiveOne(listener, 256);
            ContainerProcess proc = containers.backend.exec(b.record, new ExecRequest(exec, sock, 0, null));
            m = received.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, containers.backend.awaitExit(proc));
            assertEquals("25 80", readAll(m.fds()[0]).trim());
        } finally {
            sys.close(listener);
        }
    }

    @Test
    void anExecdProcessGetsItsOomScoreAdj() throws Exception {
        try (Containers.Box b = containers.create(Containers.spec(Containers.process(List.of("sleep", "1000"))))) {
            b.start();
            Process base = Containers.process(List.of("cat", "/proc/self/oom_score_adj"));
            Process proc = new Process(base.terminal(), null, base.user(), base.args(), null, base.env(), base.cwd(),
                base.capabilities(), base.rlimits(), base.noNewPrivileges(), null, 321, null, null, null, null);
            int[] out = containers.sys.pipe();
            ContainerProcess p;
            try {
                p = containers.backend.exec(b.record, new ExecRequest(proc, null, 0, null, 0, null, null,
                    new Stdio(0, out[1], out[1])));
            } finally {
                containers.sys.close(out[1]);
            }
            assertEquals(0, containers.backend.awaitExit(p));
            assertEquals("321", readAll(out[0]).trim());
        }
    }

    /** Backends made per command (the CLI, the resident server, an embedding service) share one sealed shim memfd. */
    @Test
    void everyBackendOfTheProcessSharesOneShimMemfd() throws Exception {
        assertEquals(0, containers.run("true").status());
        assertEquals(1, shimMemfds());
        for (int i = 0; i < 3; i++) {
            try (Containers other = new Containers(new LinuxBackend())) {
                assertEquals(0, other.run("true").status());
            }
        }
        assertEquals(1, shimMemfds());
    }

    private static long shimMemfds() throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("/memfd:bulwark-shim");
                } catch (java.io.IOException gone) {
                    return false; // closed while listing
                }
            }).count();
        }
    }
}
