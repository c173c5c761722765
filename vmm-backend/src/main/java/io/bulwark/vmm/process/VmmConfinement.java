package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.bpf.SeccompAction;
import io.bulwark.seccomp.bpf.Verdict;
import io.bulwark.seccomp.libseccomp.ArgCondition;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.libseccomp.ScmpAttr;
import io.bulwark.seccomp.libseccomp.ScmpCompare;
import io.bulwark.seccomp.libseccomp.ScmpFilter;
import io.bulwark.vmm.kvm.KvmIoctls;
import io.bulwark.vmm.kvm.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the VMM process confines itself before it runs guest code, in the spirit of Firecracker's jailer. The
 * process is started without capabilities (an empty bounding set, through {@code setpriv}: capabilities are per
 * thread and a JVM has many, so they must be gone before it starts) and with no_new_privs; here it checks both and
 * installs, on every thread at once (TSYNC), a seccomp <em>allowlist</em>: the system calls the running VMM was
 * measured to make (strace of the test kernels booting, console input, several vCPUs, timeout, kill and SIGTERM,
 * the JVM's JIT, GC and exit path), {@code ioctl} only with the KVM requests of a running VM, {@code clone} only for
 * threads, {@code tgkill} only within this process, {@code prctl} only to name threads. Anything else kills the
 * whole process, as Firecracker does: a call outside the list means a compromised or broken VMM, and going on with
 * an error code would hide it. Three calls that the JVM makes on benign paths and whose failure it handles are
 * refused with an errno instead: {@code clone3} (ENOSYS, so glibc falls back to {@code clone}, whose flags a filter
 * can see) and {@code unlink}/{@code unlinkat} (EPERM: delete-on-exit files at shutdown).
 */
public final class VmmConfinement {
    private VmmConfinement() {
    }

    static final int PR_SET_NO_NEW_PRIVS = 38;
    static final int PR_SET_NAME = 15;
    static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    static final long CLONE_THREAD = 0x10000;
    static final int EPERM = 1;
    static final int ENOSYS = 38;
    /** {@code ioctl}'s request is an {@code unsigned int}: the kernel ignores the upper half of the register. */
    static final long IOCTL_REQUEST_MASK = 0xffff_ffffL;
    /** Environment variable of the runtime that switches the VMM's filter to {@link Mode#LOG} for debugging. */
    public static final String MODE_ENV = "BULWARK_VMM_SECCOMP";

    /** What the filter does with a call outside the allowlist. */
    public enum Mode {
        /** SECCOMP_RET_KILL_PROCESS: the default. */
        KILL(SeccompAction.KILL_PROCESS),
        /** SECCOMP_RET_LOG: allowed but logged by the kernel (audit type 1326), to find a missing entry. */
        LOG(SeccompAction.LOG);

        final SeccompAction action;

        Mode(SeccompAction action) {
            this.action = action;
        }

        /** The mode named by {@link #MODE_ENV} ({@code kill}, {@code log}; unset: kill). */
        public static Mode fromEnvironment(String value) {
            if (value == null || value.isEmpty() || value.equals("kill")) {
                return KILL;
            }
            if (value.equals("log")) {
                return LOG;
            }
            throw new BulwarkException(MODE_ENV + "=" + value + ": expected kill or log");
        }
    }

    /**
     * One allowed system call; with conditions, only when they all hold (several rules for one call are
     * alternatives).
     */
    public record Allowed(String syscall, List<ArgCondition> when) {
        static Allowed any(String syscall) {
            return new Allowed(syscall, List.of());
        }
    }

    /** A call refused with an errno rather than by killing the process. */
    public record Refused(String syscall, int errno) {
    }

    /** KVM requests a running VM makes: vCPU threads (signal mask, run, register dumps) and the UART's interrupt. */
    public static final List<Long> KVM_IOCTLS = List.of(KvmIoctls.KVM_RUN, KvmIoctls.KVM_SET_SIGNAL_MASK,
        KvmIoctls.KVM_GET_REGS, KvmIoctls.KVM_GET_SREGS, KvmIoctls.KVM_IRQ_LINE);

    /** Syscalls allowed whatever their arguments, grouped by who needs them. */
    static final List<String> ALLOWED_ANY_ARGS = List.of(
        // the VMM: console and stdin, vCPU kicks, descriptors and mappings released at the end
        "read", "write", "close", "munmap", "gettid", "rt_sigprocmask", "rt_sigtimedwait",
        // the JVM: memory (heap, code cache, thread stacks, malloc growing a large block: mremap), threads, locks,
        // JIT, GC, signals (implicit null checks), time, class data from jars it already holds open, exit
        "mmap", "mprotect", "madvise", "mremap", "brk", "futex", "set_robust_list", "rseq", "sched_getaffinity",
        "sched_yield", "rt_sigreturn", "sysinfo", "clock_gettime", "clock_nanosleep", "nanosleep", "pread64",
        "lseek", "restart_syscall", "exit", "exit_group");

    public static final List<Refused> REFUSED = List.of(new Refused("clone3", ENOSYS), new Refused("unlink", EPERM),
        new Refused("unlinkat", EPERM));

    /** The allowlist for a process with id {@code pid} (tgkill is limited to its own threads). */
    public static List<Allowed> allowlist(long pid) {
        List<Allowed> list = new ArrayList<>();
        for (String s : ALLOWED_ANY_ARGS) {
            list.add(Allowed.any(s));
        }
        for (long request : KVM_IOCTLS) {
            list.add(new Allowed("ioctl", List.of(new ArgCondition(1, ScmpCompare.MASKED_EQ, IOCTL_REQUEST_MASK,
                request & IOCTL_REQUEST_MASK))));
        }
        // New threads only: fork or vfork (a new process, e.g. to exec something) has no CLONE_THREAD.
        list.add(new Allowed("clone", List.of(new ArgCondition(0, ScmpCompare.MASKED_EQ, CLONE_THREAD, CLONE_THREAD))));
        list.add(new Allowed("tgkill", List.of(new ArgCondition(0, ScmpCompare.EQ, pid, 0))));
        list.add(new Allowed("prctl", List.of(new ArgCondition(0, ScmpCompare.EQ, PR_SET_NAME, 0))));
        return list;
    }

    /** The distinct syscall names of the allowlist. */
    public static Set<String> allowedSyscalls(long pid) {
        Set<String> names = new LinkedHashSet<>();
        for (Allowed a : allowlist(pid)) {
            names.add(a.syscall());
        }
        return names;
    }

    /**
     * Compiles the filter for process {@code pid} with libseccomp: x86-64 only (any other architecture, i386
     * through int 0x80 or x32, kills), binary tree of syscall numbers.
     */
    public static byte[] compile(Libseccomp libseccomp, long pid, Mode mode) {
        try (ScmpFilter filter = libseccomp.newFilter(Verdict.of(mode.action).encode())) {
            filter.trySetAttr(ScmpAttr.API_SYSRAWRC, 1);
            filter.setAttr(ScmpAttr.ACT_BADARCH, Verdict.of(SeccompAction.KILL_PROCESS).encode());
            filter.trySetAttr(ScmpAttr.CTL_OPTIMIZE, 2);
            for (Allowed a : allowlist(pid)) {
                add(libseccomp, filter, Verdict.of(SeccompAction.ALLOW), a.syscall(), a.when());
            }
            for (Refused r : REFUSED) {
                add(libseccomp, filter, Verdict.errno(r.errno()), r.syscall(), List.of());
            }
            byte[] bpf = filter.exportBpf();
            BpfProgram.parse(bpf); // the kernel's checks, with a clear message rather than EINVAL
            return bpf;
        }
    }

    private static void add(Libseccomp libseccomp, ScmpFilter filter, Verdict verdict, String syscall,
                            List<ArgCondition> when) {
        int nr = libseccomp.resolveSyscall(syscall);
        if (nr < 0) {
            throw new BulwarkException("the VMM's seccomp filter: libseccomp " + libseccomp.version()
                + " does not know " + syscall);
        }
        int rc = filter.addRule(verdict.encode(), nr, when);
        if (rc < 0) {
            throw new BulwarkException("the VMM's seccomp filter: libseccomp refused the rule for " + syscall + " "
                + when + " (errno " + -rc + ")", -rc);
        }
    }

    /**
     * Sets no_new_privs (idempotent), checks that no capability is left, installs {@code filter} on every thread of
     * the process (TSYNC: a filter installed without it covers the calling thread only).
     */
    public static void apply(Syscalls sys, byte[] filter) {
        if (sys.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
            throw new BulwarkException("prctl(PR_SET_NO_NEW_PRIVS) failed");
        }
        long effective = capabilities("CapEff");
        long bounding = capabilities("CapBnd");
        if (effective != 0 || bounding != 0) {
            throw new BulwarkException(String.format("the VMM still holds capabilities (effective %x, bounding %x): "
                + "start it through setpriv with an empty bounding set", effective, bounding));
        }
        sys.seccompFilter(SECCOMP_FILTER_FLAG_TSYNC, filter);
    }

    /** A capability set of this process from /proc/self/status. */
    static long capabilities(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
                }
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
        throw new BulwarkException("/proc/self/status has no " + field);
    }

    /** The command prefix that starts a process without capabilities and with no_new_privs. */
    public static List<String> launcherPrefix() {
        return List.of("setpriv", "--no-new-privs", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all",
            "--");
    }

    /**
     * JVM options of the VMM process that keep it inside the allowlist: CPU count and free memory from the kernel
     * (sched_getaffinity, sysinfo) rather than from the cgroup's files, which the JVM reopens whenever it asks
     * (availableProcessors, the JIT deciding whether to start a compiler thread); no compiler threads started on
     * demand; no hsperfdata file (shared memory in /tmp, unlinked at exit); no attach mechanism (SIGQUIT would look
     * for an attach file, and nothing may load code into the VMM: SIGQUIT still prints a thread dump).
     */
    public static List<String> jvmOptions() {
        return List.of("-XX:-UseContainerSupport", "-XX:-UseDynamicNumberOfCompilerThreads", "-XX:-UsePerfData",
            "-XX:+DisableAttachMechanism");
    }
}
