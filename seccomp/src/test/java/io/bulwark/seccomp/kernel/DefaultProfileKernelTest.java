package io.bulwark.seccomp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in default profile, for the capabilities {@code bulwark spec} keeps, enforced by the kernel: the calls a
 * container must not make fail with EPERM, ordinary programs still work.
 */
class DefaultProfileKernelTest {
    static final Set<String> SPEC_CAPS = Set.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    private static final int EPERM = 1;

    @TempDir
    static Path tmp;
    private static ProfileCompiler compiler;
    private static Path filter;

    @BeforeAll
    static void compile() throws Exception {
        Probe.binary();
        compiler = ProfileCompiler.system();
        SeccompProgram p = compiler.compile(DefaultProfile.forCapabilities(SPEC_CAPS, DefaultProfile.nativeArch()),
            "default", "linux.seccomp");
        filter = Probe.write(p, tmp);
    }

    /**
     * Each call with arguments that are harmless without a filter too (bad magic, bad flags, NULL pointers, a pid
     * that does not exist), so the control run proves the EPERM comes from the filter.
     */
    static Stream<Arguments> denied() {
        return Stream.of(
            Arguments.of("mount", List.of("0", "0", "0", "0", "0")),
            Arguments.of("unshare", List.of("0x10000000")),
            Arguments.of("keyctl", List.of("0", "-3", "0")),
            Arguments.of("bpf", List.of("0", "0", "0")),
            Arguments.of("perf_event_open", List.of("0", "0", "-1", "-1", "0")),
            Arguments.of("ptrace", List.of("16", "0x3fffffff")),
            Arguments.of("kexec_load", List.of("0", "0", "0", "0xffffffff")),
            Arguments.of("init_module", List.of("0", "0", "0")),
            Arguments.of("reboot", List.of("0", "0", "0", "0")),
            Arguments.of("userfaultfd", List.of("0xffffffff")),
            Arguments.of("clock_settime", List.of("0x7fffffff", "0")),
            Arguments.of("setns", List.of("-1", "0")),
            Arguments.of("add_key", List.of("0", "0", "0", "0", "0")),
            Arguments.of("open_by_handle_at", List.of("-1", "0", "0")),
            Arguments.of("socket", List.of("40", "1", "0")),
            Arguments.of("clone", List.of("0x10000000", "0", "0", "0", "0")),
            Arguments.of("io_uring_setup", List.of("0", "0")));
    }

    @ParameterizedTest(name = "{0} is denied with EPERM")
    @MethodSource("denied")
    void deniedWithEperm(String name, List<String> args) throws Exception {
        int nr = compiler.libseccomp().resolveSyscall(name);
        Object[] probeArgs = Stream.concat(Stream.of(String.valueOf(nr)), args.stream()).toArray();
        Probe.Outcome o = Probe.run(filter, 0, "syscall", probeArgs);
        assertEquals(-1, o.ret(), o.toString());
        assertEquals(EPERM, o.errno(), o.toString());
        if (!name.equals("unshare") && !name.equals("clone")) {
            Probe.Outcome control = Probe.run(null, 0, "syscall", probeArgs);
            assertNotEquals(EPERM, control.errno(), "without the filter " + name + " must not fail with EPERM: " + control);
        }
    }

    @Test
    void clone3FailsWithEnosysSoLibcFallsBack() throws Exception {
        Probe.Outcome o = Probe.run(filter, 0, "syscall", compiler.libseccomp().resolveSyscall("clone3"), 0, 0);
        assertEquals(38, o.errno(), o.toString());
    }

    @Test
    void aShellRunsPipelinesAndForks() throws Exception {
        Probe.Outcome o = Probe.run(filter, 0, "exec", "/bin/sh", "-c",
            "echo hello | tr a-z A-Z; ls / >/dev/null && cat /proc/self/status | grep '^Seccomp:'; (exit 3); echo $?");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.stdout().contains("HELLO"), o.toString());
        assertTrue(o.stdout().contains("Seccomp:\t2"), o.toString());
        assertTrue(o.stdout().contains("\n3\n"), o.toString());
    }

    @Test
    void aCompilerWorks() throws Exception {
        Path src = tmp.resolve("hello.c");
        Files.writeString(src, "#include <stdio.h>\nint main(void){puts(\"compiled\");return 0;}\n");
        Path out = tmp.resolve("hello");
        Probe.Outcome o = Probe.run(filter, 0, "exec", "/bin/sh", "-c",
            "gcc -o " + out + " " + src + " && " + out);
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.stdout().contains("compiled"), o.toString());
    }

    @Test
    void pythonWorksUnderTheDefaultProfile() throws Exception {
        io.bulwark.core.testing.Requirements.require(Files.isExecutable(Path.of("/usr/bin/python3")),
            "/usr/bin/python3 (scripts/setup.sh installs it)");
        Probe.Outcome o = Probe.run(filter, 0, "exec", "/usr/bin/python3", "-c",
            "import os, subprocess, threading, socket; t=threading.Thread(target=print, args=('thread',)); t.start(); "
                + "t.join(); print(subprocess.run(['echo','sub'],capture_output=True).stdout.decode().strip()); "
                + "socket.socket(socket.AF_INET).close(); print('py', os.getpid() > 0)");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.stdout().contains("thread") && o.stdout().contains("sub") && o.stdout().contains("py True"),
            o.toString());
    }
}
