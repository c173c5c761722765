package io.bulwark.vmm.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.vmm.kvm.KvmIoctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The VMM's seccomp allowlist as compiled by libseccomp, run through the project's BPF interpreter. */
class VmmConfinementTest {
    private static final Libseccomp LIB = Libseccomp.get();
    private static final int X86_64 = 0xc000003e;
    private static final int I386 = 0x40000003;
    private static final long PID = 4242;
    private static final BpfInterpreter FILTER =
        BpfInterpreter.of(VmmConfinement.compile(LIB, PID, VmmConfinement.Mode.KILL));
    private static final Verdict ALLOW = Verdict.of(SeccompAction.ALLOW);
    private static final Verdict KILL = Verdict.of(SeccompAction.KILL_PROCESS);

    private static int nr(String name) {
        int n = LIB.resolveSyscall(name);
        assertTrue(n >= 0, name);
        return n;
    }

    private static Verdict call(String name, long... args) {
        return FILTER.evaluate(SeccompData.of(X86_64, nr(name), args));
    }

    @Test
    void whatTheRunningVmmMakesIsAllowed() {
        for (String s : VmmConfinement.ALLOWED_ANY_ARGS) {
            assertEquals(ALLOW, call(s, 7, 8, 9), s);
        }
        for (long request : VmmConfinement.KVM_IOCTLS) {
            assertEquals(ALLOW, call("ioctl", 12, request, 0), Long.toHexString(request));
            // The kernel reads the request as an unsigned int: what is above it does not matter.
            assertEquals(ALLOW, call("ioctl", 12, request | 0xffff_ffff_0000_0000L, 0), Long.toHexString(request));
        }
        long threadFlags = 0x3d0f00; // what glibc's pthread_create passes (CLONE_VM|CLONE_FS|...|CLONE_THREAD|...)
        assertEquals(ALLOW, call("clone", threadFlags, 0, 0, 0, 0));
        assertEquals(ALLOW, call("tgkill", PID, 99, 40));
        assertEquals(ALLOW, call("prctl", VmmConfinement.PR_SET_NAME, 0));
    }

    @Test
    void everythingElseKillsTheProcess() {
        assertEquals(KILL, call("ioctl", 0, 0x5412, 0), "TIOCSTI");
        assertEquals(KILL, call("ioctl", 5, KvmIoctls.KVM_CREATE_VM, 0), "no new VM once confined");
        assertEquals(KILL, call("ioctl", 5, KvmIoctls.KVM_SET_USER_MEMORY_REGION, 0), "no new guest memory");
        assertEquals(KILL, call("clone", 0x11 /* SIGCHLD: fork */, 0, 0, 0, 0));
        assertEquals(KILL, call("clone", 0x4111 /* CLONE_VM|CLONE_VFORK|SIGCHLD: posix_spawn */, 0, 0, 0, 0));
        assertEquals(KILL, call("tgkill", 1, 1, 9), "signals to another process");
        assertEquals(KILL, call("prctl", 4 /* PR_SET_DUMPABLE */, 1));
        for (String s : List.of("execve", "execveat", "fork", "vfork", "socket", "connect", "openat", "open",
            "ptrace", "process_vm_writev", "mount", "unshare", "setns", "bpf", "perf_event_open", "kill",
            "memfd_create", "seccomp", "setuid", "io_uring_setup", "userfaultfd", "init_module", "kexec_load")) {
            assertEquals(KILL, call(s, 0, 0, 0), s);
        }
        // Another architecture's calls (int 0x80) and x32 numbers kill whatever the number.
        assertEquals(KILL, FILTER.evaluate(SeccompData.of(I386, 3 /* i386 read */)));
        assertEquals(KILL, FILTER.evaluate(SeccompData.of(X86_64, nr("read") | 0x4000_0000)));
    }

    @Test
    void benignJvmCallsGetAnErrnoInstead() {
        assertEquals(Verdict.errno(VmmConfinement.ENOSYS), call("clone3", 0, 88), "glibc falls back to clone");
        assertEquals(Verdict.errno(VmmConfinement.EPERM), call("unlink", 0));
        assertEquals(Verdict.errno(VmmConfinement.EPERM), call("unlinkat", 0, 0, 0));
    }

    /** Every x86-64 syscall number: allowed exactly when listed, refused with its errno, else killed. */
    @Test
    void theWholeSyscallTableIsCovered() {
        Set<String> allowed = VmmConfinement.allowedSyscalls(PID);
        List<String> unexpected = new ArrayList<>();
        int killed = 0;
        for (int n = 0; n < 512; n++) {
            String name = LIB.syscallName(X86_64, n);
            Verdict v = FILTER.evaluate(SeccompData.of(X86_64, n, 0, 0, 0));
            boolean refused = VmmConfinement.REFUSED.stream().anyMatch(r -> r.syscall().equals(name));
            boolean conditional = name != null && Set.of("ioctl", "clone", "tgkill", "prctl").contains(name);
            Verdict expected = refused ? v : allowed.contains(name) && !conditional ? ALLOW : KILL;
            if (!conditional && !v.equals(expected)) {
                unexpected.add(n + " " + name + ": " + v);
            }
            killed += v.equals(KILL) ? 1 : 0;
        }
        assertEquals(List.of(), unexpected);
        assertTrue(killed > 300, "most of the table kills: " + killed);
    }

    @Test
    void logModeLogsInsteadOfKilling() {
        BpfInterpreter log = BpfInterpreter.of(VmmConfinement.compile(LIB, PID, VmmConfinement.Mode.LOG));
        assertEquals(Verdict.of(SeccompAction.LOG), log.evaluate(SeccompData.of(X86_64, nr("socket"), 2, 1, 0)));
        assertEquals(ALLOW, log.evaluate(SeccompData.of(X86_64, nr("futex"))));
        assertEquals(KILL, log.evaluate(SeccompData.of(I386, 3)), "another architecture still kills");
        assertEquals(VmmConfinement.Mode.KILL, VmmConfinement.Mode.fromEnvironment(null));
        assertEquals(VmmConfinement.Mode.LOG, VmmConfinement.Mode.fromEnvironment("log"));
        BulwarkException e = assertThrows(BulwarkException.class, () -> VmmConfinement.Mode.fromEnvironment("off"));
        assertTrue(e.getMessage().contains(VmmConfinement.MODE_ENV), e.getMessage());
    }

    @Test
    void theFilterIsSmall() {
        int instructions = BpfProgram.parse(VmmConfinement.compile(LIB, PID, VmmConfinement.Mode.KILL)).size();
        assertTrue(instructions < 200, instructions + " instructions");
        assertTrue(VmmConfinement.allowedSyscalls(PID).size() < 40, VmmConfinement.allowedSyscalls(PID).toString());
    }
}
