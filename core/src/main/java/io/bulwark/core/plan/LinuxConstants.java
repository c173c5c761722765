package io.bulwark.core.plan;

import java.util.List;
import java.util.Map;

/** Kernel numbers the converter needs: clone flags, MS_* flags, capabilities, rlimits (x86-64 and generic ABI). */
public final class LinuxConstants {
    private LinuxConstants() {
    }

    public static final long CLONE_NEWTIME = 0x00000080L;
    public static final long CLONE_NEWNS = 0x00020000L;
    public static final long CLONE_NEWCGROUP = 0x02000000L;
    public static final long CLONE_NEWUTS = 0x04000000L;
    public static final long CLONE_NEWIPC = 0x08000000L;
    public static final long CLONE_NEWUSER = 0x10000000L;
    public static final long CLONE_NEWPID = 0x20000000L;
    public static final long CLONE_NEWNET = 0x40000000L;

    /** OCI namespace type to clone flag. */
    public static final Map<String, Long> NAMESPACES = Map.of(
        "pid", CLONE_NEWPID, "network", CLONE_NEWNET, "mount", CLONE_NEWNS, "ipc", CLONE_NEWIPC,
        "uts", CLONE_NEWUTS, "user", CLONE_NEWUSER, "cgroup", CLONE_NEWCGROUP, "time", CLONE_NEWTIME);

    /** The /proc/PID/ns file name of each namespace type. */
    public static final Map<String, String> NAMESPACE_FILES = Map.of(
        "pid", "pid", "network", "net", "mount", "mnt", "ipc", "ipc", "uts", "uts", "user", "user",
        "cgroup", "cgroup", "time", "time");

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_I_VERSION = 1L << 23;
    public static final long MS_STRICTATIME = 1L << 24;
    public static final long MS_LAZYTIME = 1L << 25;

    /** Capability names in kernel order: the index is the capability number. */
    public static final List<String> CAPABILITIES = List.of(
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
        "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE");

    /** RLIMIT_* names in kernel order: the index is the resource number. */
    public static final List<String> RLIMITS = List.of(
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
        "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING",
        "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /** SECCOMP_FILTER_FLAG_* by their OCI names. */
    public static final Map<String, Integer> SECCOMP_FLAGS = Map.of(
        "SECCOMP_FILTER_FLAG_TSYNC", 1, "SECCOMP_FILTER_FLAG_LOG", 2, "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4,
        "SECCOMP_FILTER_FLAG_NEW_LISTENER", 8, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH", 16,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32);

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
}
