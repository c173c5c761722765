package io.bulwark.seccomp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.compile.GeneratedProfiles;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For a sample of generated profiles and calls, the Java interpreter's verdict is what the kernel does: the C probe
 * installs the same program and makes the call. The calls are ones that are harmless with any arguments and give
 * the same answer in every process (so an allowed call can be compared with a run without filter).
 */
class KernelAgreementProperties {
    private static final int SIGSYS = 31;
    static final List<String> SAFE = List.of("getppid", "getuid", "getgid", "getpriority", "umask", "sched_yield");
    static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
        "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE");
    private static Path dir;

    @BeforeContainer
    static void build() throws Exception {
        Probe.binary();
        dir = Files.createTempDirectory("bulwark-seccomp-kernel");
    }

    @AfterContainer
    static void clean() throws Exception {
        Files.deleteIfExists(dir);
    }

    @Provide
    Arbitrary<GeneratedProfiles.Case> cases() {
        // the probe itself needs write and exit_group after installing: the default action lets them through
        return GeneratedProfiles.cases(SAFE, ACTIONS, List.of("SCMP_ACT_ALLOW", "SCMP_ACT_LOG"), 4);
    }

    @Property(tries = 25, seed = "20261127")
    void theKernelDoesWhatTheInterpreterSays(@ForAll("cases") GeneratedProfiles.Case c) throws Exception {
        Libseccomp lib = Libseccomp.get();
        SeccompProgram program = ProfileCompiler.system().compile(c.profile(), "generated", "$");
        Path filter = Probe.write(program, dir);
        try {
            BpfInterpreter in = BpfInterpreter.of(program.filter());
            for (GeneratedProfiles.Call call : c.calls()) {
                int nr = lib.resolveSyscall(call.name());
                Verdict v = in.evaluate(SeccompData.of(lib.nativeArch(), nr, call.args()));
                Object[] argv = Stream.concat(Stream.of(String.valueOf(nr)),
                    LongStream.of(call.args()).mapToObj(a -> "0x" + Long.toHexString(a))).toArray();
                Probe.Outcome o = Probe.run(filter, 0, "trap", argv);
                String what = call + " → " + v + " under " + c.profile() + ": " + o;
                switch (v.action()) {
                    case ALLOW, LOG -> {
                        Probe.Outcome control = Probe.run(null, 0, "trap", argv);
                        assertEquals(control.ret(), o.ret(), what);
                        assertEquals(control.errno(), o.errno(), what);
                    }
                    case ERRNO -> {
                        assertEquals(v.data() == 0 ? 0 : -1, o.ret(), what);
                        assertEquals(v.data(), o.errno(), what);
                    }
                    case TRACE -> assertEquals(38, o.errno(), what); // no tracer: ENOSYS
                    case KILL_THREAD, KILL_PROCESS -> assertEquals(128 + SIGSYS, o.exit(), what);
                    case TRAP -> assertTrue(o.stdout().contains("sigsys signo=31 syscall=" + nr), what);
                    default -> throw new AssertionError("unexpected verdict " + what);
                }
            }
        } finally {
            Files.deleteIfExists(filter);
        }
    }
}
