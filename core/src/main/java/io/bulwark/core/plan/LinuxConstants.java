package io.bulwark.core.plan;

import io.bulwark.core.spec.SpecNames;
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
    public static final List<String> CAPABILITIES = SpecNames.CAPABILITIES;

    /** RLIMIT_* names in kernel order: the index is the resource number. */
    public static final List<String> RLIMITS = SpecNames.RLIMITS;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
}
