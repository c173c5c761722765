package io.bulwark.seccomp.profile;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Bulwark's built-in seccomp profile, with the effect of the widely used container default: everything not
 * listed fails with EPERM; ordinary syscalls are allowed; syscalls whose only legitimate use needs a capability
 * are allowed only to a process that has that capability; {@code clone} may not create namespaces and
 * {@code clone3} answers ENOSYS (so that libc falls back to {@code clone}) unless the process has CAP_SYS_ADMIN;
 * {@code socket} may not open AF_VSOCK sockets. It is stricter than that default in two places: {@code ptrace}
 * and {@code userfaultfd} need CAP_SYS_PTRACE, and the io_uring syscalls are not allowed.
 */
public final class DefaultProfile {
    private DefaultProfile() {
    }

    /**
     * One group of syscalls with the same action and conditions.
     *
     * @param anyCap   the group applies when the process has at least one of these (empty: always)
     * @param notCap   the group applies only when the process has none of these
     * @param arches   the native architectures (libseccomp names) the group applies on (empty: all)
     */
    record Group(List<String> names, String action, Long errnoRet, List<SeccompArg> args, Set<String> anyCap,
                 Set<String> notCap, Set<String> arches) {
        boolean appliesTo(Set<String> caps, String arch) {
            return (anyCap.isEmpty() || anyCap.stream().anyMatch(caps::contains))
                && notCap.stream().noneMatch(caps::contains)
                && (arches.isEmpty() || arches.contains(arch));
        }

        boolean unconditionalAllow() {
            return ALLOW.equals(action) && args.isEmpty();
        }
    }

    static final String ALLOW = "SCMP_ACT_ALLOW";
    static final String ERRNO = "SCMP_ACT_ERRNO";
    /** CLONE_NEWNS|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET. */
    public static final long NAMESPACE_CLONE_FLAGS = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L
        | 0x10000000L | 0x20000000L | 0x40000000L;
    public static final long AF_VSOCK = 40;
    /** personality(2) values allowed: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32 and the query 0xffffffff. */
    public static final List<Long> PERSONALITIES = List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);

    /** Syscalls every container may make. */
    static final List<String> ALLOWED = List.of(
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget", "capset", "chdir",
        "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
        "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
        "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
        "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
        "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
        "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
        "futex_requeue", "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd",
        "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
        "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid",
        "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch",
        "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
        "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
        "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "map_shadow_stack", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
        "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify",
        "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink",
        "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep",
        "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe",
        "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64",
        "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
        "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
        "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2",
        "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
        "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
        "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
        "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
        "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl",
        "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
        "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
        "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
        "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt",
        "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget",
        "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair",
        "splice", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
        "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
        "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
        "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
        "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev");

    private static Group allow(List<String> names, Set<String> anyCap) {
        return new Group(names, ALLOW, null, List.of(), anyCap, Set.of(), Set.of());
    }

    private static final Set<String> X86 = Set.of("x86_64", "x86", "x32");
    private static final Set<String> ARM = Set.of("aarch64", "arm");

    static List<Group> groups(String arch) {
        int cloneFlagsArg = arch.startsWith("s390") ? 1 : 0; // s390 swaps clone's first two arguments
        List<Group> g = new ArrayList<>();
        g.add(allow(ALLOWED, Set.of()));
        for (long p : PERSONALITIES) {
            g.add(new Group(List.of("personality"), ALLOW, null, List.of(new SeccompArg(0, p, null, "SCMP_CMP_EQ")),
                Set.of(), Set.of(), Set.of()));
        }
        g.add(new Group(List.of("socket"), ALLOW, null, List.of(new SeccompArg(0, AF_VSOCK, null, "SCMP_CMP_NE")),
            Set.of(), Set.of(), Set.of()));
        g.add(new Group(List.of("arch_prctl", "modify_ldt"), ALLOW, null, List.of(), Set.of(), Set.of(), X86));
        g.add(new Group(List.of("arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint",
            "cacheflush", "set_tls"), ALLOW, null, List.of(), Set.of(), Set.of(), ARM));
        g.add(new Group(List.of("s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"), ALLOW, null,
            List.of(), Set.of(), Set.of(), Set.of("s390", "s390x")));
        g.add(allow(List.of("open_by_handle_at"), Set.of("CAP_DAC_READ_SEARCH")));
        g.add(allow(List.of("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
            "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at", "open_tree",
            "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
            "umount2", "unshare"), Set.of("CAP_SYS_ADMIN")));
        g.add(new Group(List.of("clone"), ALLOW, null,
            List.of(new SeccompArg(cloneFlagsArg, NAMESPACE_CLONE_FLAGS, 0L, "SCMP_CMP_MASKED_EQ")),
            Set.of(), Set.of("CAP_SYS_ADMIN"), Set.of()));
        g.add(new Group(List.of("clone3"), ERRNO, 38L, List.of(), Set.of(), Set.of("CAP_SYS_ADMIN"), Set.of()));
        g.add(allow(List.of("reboot"), Set.of("CAP_SYS_BOOT")));
        g.add(allow(List.of("chroot"), Set.of("CAP_SYS_CHROOT")));
        g.add(allow(List.of("delete_module", "init_module", "finit_module"), Set.of("CAP_SYS_MODULE")));
        g.add(allow(List.of("acct"), Set.of("CAP_SYS_PACCT")));
        g.add(allow(List.of("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
            "ptrace", "userfaultfd"), Set.of("CAP_SYS_PTRACE")));
        g.add(allow(List.of("iopl", "ioperm"), Set.of("CAP_SYS_RAWIO")));
        g.add(allow(List.of("settimeofday", "stime", "clock_settime", "clock_settime64"), Set.of("CAP_SYS_TIME")));
        g.add(allow(List.of("vhangup"), Set.of("CAP_SYS_TTY_CONFIG")));
        g.add(allow(List.of("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"),
            Set.of("CAP_SYS_NICE")));
        g.add(allow(List.of("syslog"), Set.of("CAP_SYSLOG")));
        g.add(allow(List.of("bpf"), Set.of("CAP_BPF")));
        g.add(allow(List.of("perf_event_open"), Set.of("CAP_PERFMON")));
        return g;
    }

    /** The default profile for a process with these capabilities, on this machine's architecture. */
    public static Seccomp forCapabilities(Capabilities capabilities) {
        return forCapabilities(capabilitySet(capabilities), nativeArch());
    }

    /**
     * The default profile for a process holding {@code caps} (names like {@code CAP_SYS_ADMIN}) on {@code arch}
     * (a libseccomp architecture name such as {@code x86_64}).
     */
    public static Seccomp forCapabilities(Set<String> caps, String arch) {
        Set<String> allowed = new LinkedHashSet<>();
        List<SeccompSyscall> conditional = new ArrayList<>();
        List<Group> applicable = groups(arch).stream().filter(gr -> gr.appliesTo(caps, arch)).toList();
        for (Group gr : applicable) {
            if (gr.unconditionalAllow()) {
                allowed.addAll(gr.names());
            }
        }
        for (Group gr : applicable) {
            if (!gr.unconditionalAllow()) {
                List<String> names = gr.names().stream().filter(n -> !allowed.contains(n)).toList();
                if (!names.isEmpty()) {
                    conditional.add(new SeccompSyscall(names, gr.action(), gr.errnoRet(),
                        gr.args().isEmpty() ? null : gr.args()));
                }
            }
        }
        List<SeccompSyscall> syscalls = new ArrayList<>();
        syscalls.add(new SeccompSyscall(List.copyOf(allowed), ALLOW, null, null));
        syscalls.addAll(conditional);
        return new Seccomp(ERRNO, 1L, architectures(arch), null, null, null, List.copyOf(syscalls));
    }

    /** Every capability the process can hold at some point: the union of its sets. */
    public static Set<String> capabilitySet(Capabilities c) {
        if (c == null) {
            return Set.of();
        }
        Set<String> s = new LinkedHashSet<>();
        Stream.of(c.bounding(), c.effective(), c.permitted(), c.inheritable(), c.ambient())
            .filter(l -> l != null).forEach(s::addAll);
        return s;
    }

    /** The OCI architecture list for a native architecture: its compatible ABIs too, as the container default has. */
    static List<String> architectures(String arch) {
        return switch (arch) {
            case "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            case "s390x" -> List.of("SCMP_ARCH_S390X", "SCMP_ARCH_S390");
            case "ppc64le" -> List.of("SCMP_ARCH_PPC64LE");
            case "riscv64" -> List.of("SCMP_ARCH_RISCV64");
            default -> List.of();
        };
    }

    /** This JVM's architecture with libseccomp's name for it. */
    public static String nativeArch() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> a;
        };
    }
}
