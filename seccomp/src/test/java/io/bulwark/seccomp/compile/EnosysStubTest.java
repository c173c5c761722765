package io.bulwark.seccomp.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ENOSYS stub in front of compiled programs, run by the BPF interpreter (x86-64 numbers and architectures). */
class EnosysStubTest {
    private static final Libseccomp LIB = Libseccomp.get();
    private static final ProfileCompiler COMPILER = new ProfileCompiler(LIB, f -> true, true);
    private static final int X86_64 = 0xc000003e;
    private static final int I386 = 0x40000003;
    private static final int AARCH64 = 0xc00000b7;
    private static final int X32 = 0x40000000;
    private static final Verdict EPERM = Verdict.errno(1);
    private static final Verdict ENOSYS = Verdict.errno(38);

    private static Verdict run(SeccompProgram p, int arch, int nr) {
        return BpfInterpreter.of(p.filter()).evaluate(SeccompData.of(arch, nr));
    }

    private static SeccompProgram compile(Seccomp s) {
        return COMPILER.compile(s, "test", "$");
    }

    @Test
    void theDefaultProfileAnswersEnosysAboveTheHighestSyscallItNamesOnEachArchitecture() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LIB.nativeArch() == X86_64, "x86-64 numbers");
        Seccomp s = DefaultProfile.forCapabilities(Set.of("CAP_KILL"), "x86_64");
        ResolvedProfile r = COMPILER.resolve(s, "default", "$");
        SeccompProgram p = COMPILER.compile(r, "default");
        int top = r.highestNative();
        assertTrue(top >= 449 && top < 462, "highest named x86-64 syscall " + top);
        assertEquals(ENOSYS, run(p, X86_64, top + 1));
        assertEquals(ENOSYS, run(p, X86_64, 462)); // mseal, newer than every name in the profile
        assertEquals(ENOSYS, run(p, X86_64, 0x3fffffff));
        assertEquals(EPERM, run(p, X86_64, LIB.resolveSyscall("uselib"))); // older, not allowed: the default
        assertEquals(EPERM, run(p, X86_64, LIB.resolveSyscall("mount")));
        assertEquals(Verdict.of(SeccompAction.ALLOW), run(p, X86_64, LIB.resolveSyscall("getppid")));
        assertEquals(ENOSYS, run(p, X86_64, LIB.resolveSyscall("clone3"))); // a rule of the profile itself
        // x32 and i386 have thresholds of their own
        int x32Top = EnosysStub.highest(LIB, List.of(LIB.resolveArch("x32")), r.namedSyscalls()).values().iterator().next();
        assertEquals(ENOSYS, run(p, X86_64, x32Top + 1));
        assertEquals(Verdict.of(SeccompAction.ALLOW), run(p, X86_64, X32 | LIB.resolveSyscall("getppid")));
        assertEquals(EPERM, run(p, X86_64, X32 | LIB.resolveSyscall("mount")));
        int i386Top = EnosysStub.highest(LIB, List.of(I386), r.namedSyscalls()).values().iterator().next();
        assertEquals(ENOSYS, run(p, I386, i386Top + 1));
        assertEquals(EPERM, run(p, I386, LIB.resolveSyscall(I386, "mount")));
        // an architecture outside the profile is still killed, whatever the number
        assertEquals(SeccompAction.KILL_THREAD, run(p, AARCH64, 1000).action());
        assertEquals(SeccompAction.KILL_THREAD, run(p, AARCH64, 1).action());
    }

    @Test
    void withoutX32InTheProfileAnX32CallIsNotTurnedIntoEnosys() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LIB.nativeArch() == X86_64, "x86-64 numbers");
        SeccompProgram p = compile(new Seccomp("SCMP_ACT_ERRNO", 1L, List.of("SCMP_ARCH_X86_64"), null, null, null,
            List.of(new SeccompSyscall(List.of("read", "getppid"), "SCMP_ACT_ALLOW", null, null))));
        assertEquals(ENOSYS, run(p, X86_64, 200));
        assertEquals(EPERM, run(p, X86_64, 100));
        Verdict x32 = run(p, X86_64, X32 | 500);
        assertTrue(x32.action() != SeccompAction.ALLOW && !x32.equals(ENOSYS), "x32 call got " + x32);
        assertEquals(SeccompAction.KILL_THREAD, run(p, I386, 500).action());
    }

    @Test
    void aNameWhoseRuleHasTheDefaultActionStillCountsAsKnown() {
        Seccomp s = new Seccomp("SCMP_ACT_ERRNO", null, null, null, null, null, List.of(
            new SeccompSyscall(List.of("read"), "SCMP_ACT_ALLOW", null, null),
            new SeccompSyscall(List.of("openat"), "SCMP_ACT_ERRNO", null, null))); // = the default, dropped
        ResolvedProfile r = COMPILER.resolve(s, "test", "$");
        int openat = LIB.resolveSyscall("openat");
        assertEquals(openat, r.highestNative());
        SeccompProgram p = COMPILER.compile(r, "test");
        assertEquals(EPERM, run(p, LIB.nativeArch(), openat));
        assertEquals(ENOSYS, run(p, LIB.nativeArch(), openat + 1));
    }

    @Test
    void noStubWhereTheDefaultIsNotAnErrnoOrIsEnosysAlready() {
        SeccompSyscall rule = new SeccompSyscall(List.of("read"), "SCMP_ACT_ERRNO", 5L, null);
        for (Seccomp s : List.of(
            new Seccomp("SCMP_ACT_ALLOW", null, null, null, null, null, List.of(rule)),
            new Seccomp("SCMP_ACT_KILL_PROCESS", null, null, null, null, null, List.of(rule)),
            new Seccomp("SCMP_ACT_ERRNO", 38L, null, null, null, null, List.of(rule)))) {
            ResolvedProfile r = COMPILER.resolve(s, "test", "$");
            SeccompProgram p = COMPILER.compile(r, "test");
            assertEquals(r.defaultVerdict(), run(p, LIB.nativeArch(), 460), s.defaultAction());
            assertEquals(Verdict.errno(5), run(p, LIB.nativeArch(), LIB.resolveSyscall("read")));
        }
        // a profile that names no syscall has nothing to compare with
        SeccompProgram empty = compile(new Seccomp("SCMP_ACT_ERRNO", null, null, null, null, null, List.of()));
        assertEquals(EPERM, run(empty, LIB.nativeArch(), 460));
    }
}
