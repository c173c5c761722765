package io.bulwark.seccomp.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.compile.ResolvedProfile;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DefaultProfileTest {
    private static final Libseccomp LIB = Libseccomp.get();
    private static final ProfileCompiler COMPILER = ProfileCompiler.system();
    private static final Set<String> SPEC_CAPS = Set.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");

    private static BpfInterpreter filter(Set<String> caps) {
        return BpfInterpreter.of(COMPILER.compile(DefaultProfile.forCapabilities(caps, "x86_64"), "d", "$").filter());
    }

    private static Verdict check(BpfInterpreter in, String name, long... args) {
        return in.evaluate(SeccompData.of(LIB.nativeArch(), LIB.resolveSyscall(name), args));
    }

    @Test
    void everyNameIsKnownAndTheFilterFitsTheKernelLimit() {
        ResolvedProfile r = COMPILER.resolve(DefaultProfile.forCapabilities(Set.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE",
            "CAP_SYS_BOOT", "CAP_SYS_MODULE", "CAP_SYS_TIME", "CAP_SYS_NICE"), "x86_64"), "d", "$");
        assertEquals(List.of(), r.skippedNames(), "names libseccomp does not know (typos?)");
        SeccompProgram p = COMPILER.compile(r, "d");
        assertTrue(p.instructions() < 4096, "size " + p.instructions());
        assertEquals(0, p.flags());
    }

    @Test
    void unlistedCallsFailWithEpermAndOrdinaryOnesPass() {
        BpfInterpreter in = filter(SPEC_CAPS);
        for (String denied : List.of("mount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key", "bpf",
            "perf_event_open", "ptrace", "kexec_load", "kexec_file_load", "init_module", "finit_module",
            "delete_module", "reboot", "userfaultfd", "clock_settime", "settimeofday", "acct", "swapon", "pivot_root",
            "chroot", "open_by_handle_at", "iopl", "ioperm", "io_uring_setup", "process_vm_readv", "syslog",
            "quotactl", "lookup_dcookie", "vhangup", "fsopen", "move_mount")) {
            assertEquals(Verdict.errno(1), check(in, denied), denied);
        }
        for (String allowed : List.of("read", "write", "openat", "close", "mmap", "futex", "execve", "exit_group",
            "getppid", "wait4", "rt_sigaction", "socketpair", "bind", "arch_prctl", "prctl", "seccomp", "capget")) {
            assertEquals(SeccompAction.ALLOW, check(in, allowed).action(), allowed);
        }
    }

    @Test
    void capabilitiesUnlockTheirGroups() {
        BpfInterpreter admin = filter(Set.of("CAP_SYS_ADMIN"));
        for (String name : List.of("mount", "unshare", "setns", "clone3")) {
            assertEquals(SeccompAction.ALLOW, check(admin, name).action(), name);
        }
        assertEquals(SeccompAction.ALLOW, check(admin, "clone", 0x10000000L).action());
        assertEquals(Verdict.errno(1), check(admin, "ptrace"));
        BpfInterpreter tracer = filter(Set.of("CAP_SYS_PTRACE"));
        assertEquals(SeccompAction.ALLOW, check(tracer, "ptrace").action());
        assertEquals(Verdict.errno(1), check(tracer, "mount"));
        assertEquals(SeccompAction.ALLOW, check(filter(Set.of("CAP_SYS_BOOT")), "reboot").action());
        assertEquals(SeccompAction.ALLOW, check(filter(Set.of("CAP_SYS_TIME")), "clock_settime").action());
        assertEquals(SeccompAction.ALLOW, check(filter(Set.of("CAP_BPF")), "bpf").action());
        assertEquals(Verdict.errno(1), check(filter(Set.of("CAP_BPF")), "kexec_load"));
    }

    @Test
    void cloneMayNotCreateNamespacesWithoutSysAdmin() {
        BpfInterpreter in = filter(SPEC_CAPS);
        long threadFlags = 0x3d0f00L; // CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|... as pthreads use
        assertEquals(SeccompAction.ALLOW, check(in, "clone", threadFlags).action());
        assertEquals(SeccompAction.ALLOW, check(in, "clone", 17 /* SIGCHLD: fork */).action());
        for (long ns : List.of(0x00020000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L,
            0x40000000L)) {
            assertEquals(Verdict.errno(1), check(in, "clone", 17 | ns), Long.toHexString(ns));
        }
        assertEquals(Verdict.errno(38), check(in, "clone3"));
    }

    @Test
    void socketFamilyAndPersonalityFilters() {
        BpfInterpreter in = filter(SPEC_CAPS);
        assertEquals(SeccompAction.ALLOW, check(in, "socket", 2, 1, 0).action());      // AF_INET
        assertEquals(SeccompAction.ALLOW, check(in, "socket", 1, 1, 0).action());      // AF_UNIX
        assertEquals(Verdict.errno(1), check(in, "socket", DefaultProfile.AF_VSOCK, 1, 0));
        for (long p : DefaultProfile.PERSONALITIES) {
            assertEquals(SeccompAction.ALLOW, check(in, "personality", p).action(), Long.toHexString(p));
        }
        assertEquals(Verdict.errno(1), check(in, "personality", 0x0040000L)); // READ_IMPLIES_EXEC
    }

    @Test
    void thirtyTwoBitCallsAreFilteredToo() {
        BpfInterpreter in = filter(SPEC_CAPS);
        int x86 = LIB.resolveArch("x86");
        assertEquals(Verdict.errno(1), in.evaluate(SeccompData.of(x86, LIB.resolveSyscall(x86, "mount"))));
        assertEquals(SeccompAction.ALLOW, in.evaluate(SeccompData.of(x86, LIB.resolveSyscall(x86, "getppid"))).action());
        // x32 calls arrive with the x86-64 audit arch and the x32 bit set in the number
        int x32 = LIB.resolveArch("x32");
        int bit = 0x40000000;
        assertEquals(SeccompAction.ALLOW, in.evaluate(SeccompData.of(LIB.nativeArch(),
            LIB.resolveSyscall(x32, "getppid") | bit)).action());
        assertEquals(Verdict.errno(1), in.evaluate(SeccompData.of(LIB.nativeArch(), LIB.resolveSyscall(x32, "mount") | bit)));
    }

    @Test
    void capabilitySetIsTheUnionAndTheServiceIsFound() {
        Capabilities c = new Capabilities(List.of("CAP_A"), List.of("CAP_B"), null, List.of("CAP_C"), List.of("CAP_D"));
        assertEquals(Set.of("CAP_A", "CAP_B", "CAP_C", "CAP_D"), DefaultProfile.capabilitySet(c));
        assertEquals(Set.of(), DefaultProfile.capabilitySet(null));
        SeccompCompiler spi = SeccompCompiler.load();
        SeccompProgram p = spi.compile(spi.defaultProfile(null), "d", "$");
        SeccompProgram again = spi.compile(spi.defaultProfile(null), "d", "$");
        assertTrue(p == again, "the same profile is compiled once");
        assertEquals(Verdict.errno(1), BpfInterpreter.of(p.filter())
            .evaluate(SeccompData.of(LIB.nativeArch(), LIB.resolveSyscall("mount"))));
    }
}
