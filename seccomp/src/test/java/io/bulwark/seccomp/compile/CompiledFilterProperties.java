package io.bulwark.seccomp.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.profile.ProfileSemantics;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The compiled filter, run by the Java BPF interpreter, means what the profile says: for generated profiles (every
 * action, every operator, several arguments per rule, 64-bit edge values) and generated calls, the interpreter's
 * verdict equals {@link ProfileSemantics}. Both the binary-tree and the linear layout are checked.
 */
class CompiledFilterProperties {
    private static final Libseccomp LIB = Libseccomp.get();
    private static final KernelSeccomp ANY_FLAGS = f -> true;
    static final List<String> POOL = List.of("getppid", "getpid", "getuid", "getpriority", "setpriority",
        "personality", "umask", "mkdirat", "kill", "dup3", "lseek", "ioctl", "fcntl", "flock", "socket", "mmap",
        "read", "write", "close", "openat");
    static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
        "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE",
        "SCMP_ACT_NOTIFY");
    static final List<String> DEFAULTS = ACTIONS.subList(0, ACTIONS.size() - 1);

    @Provide
    Arbitrary<GeneratedProfiles.Case> cases() {
        // write is not notifiable (the runtime needs it), so keep it out of NOTIFY rules by removing it from the pool
        return GeneratedProfiles.cases(POOL.stream().filter(n -> !n.equals("write")).toList(), ACTIONS, DEFAULTS, 24);
    }

    @Property(tries = 300, seed = "20261127")
    void interpreterVerdictEqualsProfileSemantics(@ForAll("cases") GeneratedProfiles.Case c) {
        for (boolean tree : new boolean[] {true, false}) {
            ProfileCompiler compiler = new ProfileCompiler(LIB, ANY_FLAGS, tree);
            ResolvedProfile resolved = compiler.resolve(c.profile(), "generated", "$");
            SeccompProgram program = compiler.compile(resolved, "generated");
            BpfInterpreter in = BpfInterpreter.of(program.filter());
            for (GeneratedProfiles.Call call : c.calls()) {
                int nr = LIB.resolveSyscall(call.name());
                Verdict expected = ProfileSemantics.evaluate(resolved, nr, call.args());
                Verdict actual = in.evaluate(SeccompData.of(LIB.nativeArch(), nr, call.args()));
                assertEquals(expected, actual, () -> call + " under " + c.profile() + " (tree=" + tree + ")");
                if (tree) {
                    boolean byRule = !expected.equals(resolved.defaultVerdict());
                    Statistics.label("decided by").collect(byRule ? "a rule" : "the default");
                }
            }
        }
    }

    @Provide
    Arbitrary<Seccomp> garbage() {
        Arbitrary<String> action = Arbitraries.oneOf(Arbitraries.of(ACTIONS), Arbitraries.strings().ofMaxLength(12),
            Arbitraries.just(null));
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(POOL), Arbitraries.strings().ofMaxLength(10),
            Arbitraries.just(null));
        Arbitrary<SeccompArg> arg = net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(-2, 8).injectNull(0.1), Arbitraries.longs().injectNull(0.1),
            Arbitraries.longs().injectNull(0.3),
            Arbitraries.oneOf(Arbitraries.of("SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_LT", "BOGUS"),
                Arbitraries.just(null))).as(SeccompArg::new);
        Arbitrary<SeccompSyscall> rule = net.jqwik.api.Combinators.combine(name.list().ofMaxSize(3).injectNull(0.05),
            action, Arbitraries.longs().between(-5, 70000).injectNull(0.7), arg.list().ofMaxSize(3).injectNull(0.3))
            .as(SeccompSyscall::new);
        Arbitrary<List<String>> arches = Arbitraries.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64",
            "SCMP_ARCH_NOPE").list().ofMaxSize(3).injectNull(0.5);
        Arbitrary<List<String>> flags = Arbitraries.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC",
            "SECCOMP_FILTER_FLAG_BOGUS").list().ofMaxSize(2).injectNull(0.6);
        return net.jqwik.api.Combinators.combine(action, Arbitraries.longs().between(-1, 5).injectNull(0.7), arches,
                flags, Arbitraries.of("/run/l.sock", "rel.sock").injectNull(0.5), rule.list().ofMaxSize(5).injectNull(0.1))
            .as((d, e, a, f, l, r) -> new Seccomp(d, e, a, f, l, null, r));
    }

    @Property(tries = 500, seed = "20261127")
    void compilingAnyProfileEitherWorksOrFailsWithAClearError(@ForAll("garbage") Seccomp s) {
        ProfileCompiler compiler = new ProfileCompiler(LIB, ANY_FLAGS, true);
        try {
            SeccompProgram p = compiler.compile(s, "fuzz.json", "$");
            BpfProgram.parse(p.filter()); // what libseccomp produced is a program the kernel would accept
        } catch (BulwarkException e) {
            if (!e.getMessage().startsWith("fuzz.json: $")) {
                throw new AssertionError("error does not name the file and JSON path: " + e.getMessage(), e);
            }
        }
    }
}
