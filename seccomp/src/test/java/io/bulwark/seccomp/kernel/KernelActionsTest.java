package io.bulwark.seccomp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.notify.NotifyResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every seccomp action, compiled by Bulwark and enforced by the real kernel on the C probe. */
class KernelActionsTest {
    private static final int SIGSYS = 31;
    private static ProfileCompiler compiler;
    private static int getppid;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        Probe.binary();
        compiler = ProfileCompiler.system();
        getppid = compiler.libseccomp().resolveSyscall("getppid");
    }

    private Path compile(SeccompSyscall... rules) throws Exception {
        return compile(new Seccomp("SCMP_ACT_ALLOW", null, null, null, null, null, List.of(rules)));
    }

    private Path compile(Seccomp profile) throws Exception {
        SeccompProgram program = compiler.compile(profile, "test", "linux.seccomp");
        return Probe.write(program, tmp);
    }

    private static SeccompSyscall rule(String name, String action, Long errno, SeccompArg... args) {
        return new SeccompSyscall(List.of(name), action, errno, args.length == 0 ? null : List.of(args));
    }

    @Test
    void errnoWithCustomErrno() throws Exception {
        Path f = compile(rule("getppid", "SCMP_ACT_ERRNO", 42L));
        Probe.Outcome o = Probe.run(f, 0, "syscall", getppid);
        assertEquals(-1, o.ret(), o.toString());
        assertEquals(42, o.errno(), o.toString());
        Probe.Outcome control = Probe.run(null, 0, "syscall", getppid);
        assertTrue(control.ret() > 0, control.toString());
    }

    @Test
    void killProcessEndsTheProcessWithSigsys() throws Exception {
        Probe.Outcome o = Probe.run(compile(rule("getppid", "SCMP_ACT_KILL_PROCESS", null)), 0, "syscall", getppid);
        assertEquals(128 + SIGSYS, o.exit(), o.toString());
        assertFalse(o.stdout().contains("ret="), o.toString());
    }

    @Test
    void killThreadEndsASingleThreadedProcessWithSigsys() throws Exception {
        Probe.Outcome o = Probe.run(compile(rule("getppid", "SCMP_ACT_KILL", null)), 0, "syscall", getppid);
        assertEquals(128 + SIGSYS, o.exit(), o.toString());
    }

    @Test
    void trapDeliversSigsysToAHandler() throws Exception {
        Probe.Outcome o = Probe.run(compile(rule("getppid", "SCMP_ACT_TRAP", null)), 0, "trap", getppid);
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.stdout().contains("sigsys signo=" + SIGSYS + " syscall=" + getppid), o.toString());
    }

    @Test
    void traceWithoutTracerFailsWithEnosys() throws Exception {
        // With no ptrace tracer attached the kernel answers a TRACE verdict with ENOSYS.
        Probe.Outcome o = Probe.run(compile(rule("getppid", "SCMP_ACT_TRACE", 7L)), 0, "syscall", getppid);
        assertEquals(-1, o.ret(), o.toString());
        assertEquals(38, o.errno(), o.toString());
    }

    @Test
    void logAllowsTheCallAndLogsIt() throws Exception {
        Path f = compile(rule("getppid", "SCMP_ACT_LOG", null));
        Probe.Outcome o = Probe.run(f, 0, "syscall", getppid);
        assertTrue(o.ret() > 0, o.toString());
        Requirements.require(Requirements.isRoot(), "root (to read the kernel log)");
        String needle = "pid=" + o.pid() + " ";
        String line = null;
        for (int i = 0; i < 20 && line == null; i++) {
            Process p = new ProcessBuilder("dmesg").start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            line = log.lines().filter(l -> l.contains(needle) && l.contains("syscall=" + getppid)).findFirst().orElse(null);
            if (line == null) {
                Thread.sleep(100);
            }
        }
        assertTrue(line != null, "no seccomp log record for pid " + o.pid());
        assertTrue(line.contains("code=0x7ffc0000"), line);
    }

    @Test
    void argumentFilterAllowsPersonalityOnlyForTheQuery() throws Exception {
        int personality = compiler.libseccomp().resolveSyscall("personality");
        Path f = compile(rule("personality", "SCMP_ACT_ERRNO", null,
            new SeccompArg(0, 0xffffffffL, null, "SCMP_CMP_NE")));
        Probe.Outcome query = Probe.run(f, 0, "syscall", personality, "0xffffffff");
        assertTrue(query.ret() >= 0, query.toString());
        Probe.Outcome set = Probe.run(f, 0, "syscall", personality, "0x0008");
        assertEquals(1, set.errno(), set.toString());
    }

    @Test
    void maskedEqualityTestsOnlyTheMaskedBits() throws Exception {
        int getpriority = compiler.libseccomp().resolveSyscall("getpriority");
        // Deny getpriority(which, who) when who's low byte is 0x2a, whatever the other bits.
        Path f = compile(rule("getpriority", "SCMP_ACT_ERRNO", 13L, new SeccompArg(1, 0xffL, 0x2aL, "SCMP_CMP_MASKED_EQ")));
        assertEquals(13, Probe.run(f, 0, "syscall", getpriority, 0, "0x12342a").errno());
        assertEquals(0, Probe.run(f, 0, "syscall", getpriority, 0, 0).errno());
    }

    @Test
    void notifyReachesAListenerThatAnswers() throws Exception {
        Path socket = tmp.resolve("listener.sock");
        Seccomp profile = new Seccomp("SCMP_ACT_ALLOW", null, null, null, socket.toString(), "probe-meta",
            List.of(rule("getppid", "SCMP_ACT_NOTIFY", null)));
        SeccompProgram program = compiler.compile(profile, "test", "linux.seccomp");
        assertTrue(program.wantsListener());
        assertEquals(socket.toString(), program.listenerPath());
        Path f = Probe.write(program, tmp);

        try (OneShotListener listener = new OneShotListener(socket)) {
            CompletableFuture<Void> served = listener.answerOnce(c -> NotifyResponse.returning(c.id(), 4242));
            Probe.Outcome o = Probe.run(f, program.flags(), "notify", socket, getppid);
            served.get(30, TimeUnit.SECONDS);
            assertEquals(4242, o.ret(), o.toString());
            assertEquals(getppid, listener.call().data().nr());
            assertEquals(o.pid(), listener.call().pid());
            assertTrue(listener.state().contains("\"fds\":[\"seccompFd\"]"), listener.state());
        }
    }

    @Test
    void seccompModeIsFilter() throws Exception {
        Probe.Outcome o = Probe.run(compile(rule("getppid", "SCMP_ACT_ERRNO", null)), 0, "status");
        assertTrue(o.stdout().contains("Seccomp:\t2"), o.toString());
    }
}
