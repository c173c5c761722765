package io.bulwark.core.spec;

import java.util.List;
import java.util.Set;

/**
 * The closed vocabularies of the OCI runtime spec (1.2) as Bulwark supports them on Linux: one place that the
 * validator checks against and that {@code bulwark features} reports, so the two can never disagree.
 */
public final class SpecNames {
    private SpecNames() {
    }

    /** The newest runtime-spec version Bulwark implements, and the oldest it accepts. */
    public static final String OCI_VERSION_MAX = "1.2.0";
    public static final String OCI_VERSION_MIN = "1.0.0";

    /** {@code linux.namespaces[].type}, in the order runc reports them. */
    public static final List<String> NAMESPACES =
        List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts");

    /** Capabilities of Linux 6.1 ({@code CAP_LAST_CAP} is 40), in kernel number order. */
    public static final List<String> CAPABILITIES = List.of(
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE");

    /** {@code process.rlimits[].type}: the resources of getrlimit(2), in kernel number order. */
    public static final List<String> RLIMITS = List.of(
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /** Hook lists of {@code hooks}, in lifecycle order. */
    public static final List<String> HOOKS =
        List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    /** Mount options with a meaning of their own (flags, propagation, recursive attributes, idmap). */
    public static final List<String> MOUNT_OPTIONS = List.of(
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
        "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
        "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime",
        "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
        "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime",
        "suid", "symfollow", "sync", "unbindable", "idmap", "ridmap");

    /**
     * {@code linux.rootfsPropagation}: the spec's four values plus the recursive spellings runc accepts and
     * that Podman and containerd write.
     */
    public static final Set<String> ROOTFS_PROPAGATION =
        Set.of("shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable");

    public static final List<String> SECCOMP_ACTIONS = List.of(
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");

    /** Actions that carry an errno ({@code errnoRet}, {@code defaultErrnoRet}). */
    public static final Set<String> SECCOMP_ERRNO_ACTIONS = Set.of("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE");

    public static final List<String> SECCOMP_OPERATORS = List.of(
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
        "SCMP_CMP_MASKED_EQ");

    public static final List<String> SECCOMP_ARCHES = List.of(
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64");

    public static final List<String> SECCOMP_FLAGS = List.of(
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    public static final Set<String> SCHEDULER_POLICIES = Set.of(
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");

    public static final Set<String> SCHEDULER_FLAGS = Set.of(
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");

    public static final Set<String> IO_PRIORITY_CLASSES =
        Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");

    public static final Set<String> PERSONALITY_DOMAINS = Set.of("LINUX", "LINUX32");

    /** Clocks a time namespace can offset ({@code linux.timeOffsets} keys). */
    public static final Set<String> TIME_CLOCKS = Set.of("monotonic", "boottime");

    /** Device node types of {@code linux.devices[].type}. */
    public static final Set<String> DEVICE_TYPES = Set.of("c", "b", "u", "p");

    /** Types of {@code linux.resources.devices[].type} (device cgroup rules): {@code a} is any. */
    public static final Set<String> DEVICE_RULE_TYPES = Set.of("a", "c", "b");

    /** Bulwark's backends, as the annotation {@code io.bulwark.backend} and tenant policies name them. */
    public static final List<String> BACKENDS = List.of("linux", "vm");

    /**
     * Sysctls that belong to the IPC namespace (ipc_namespaces(7)); {@code fs.mqueue.*} is matched by prefix.
     */
    public static final Set<String> IPC_SYSCTLS = Set.of(
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced");

    /** Linux's fixed bound on uid_map/gid_map lines (since 4.15). */
    public static final int MAX_ID_MAPPINGS = 340;
}
