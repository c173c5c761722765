package io.bulwark.core.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * The configuration {@code bulwark spec} writes: runc's {@code spec} template made secure by default.
 *
 * <ul>
 *   <li>Every namespace (pid, network, ipc, uts, mount, cgroup, user). Container root is mapped to the host
 *       range {@value #HOST_ID_BASE}..{@value #HOST_ID_BASE}+{@value #ID_RANGE}-1, for uids and gids alike: the
 *       conventional first range of /etc/subuid, owned by no account on a stock host, and 65536 ids wide so
 *       every id a distribution image uses (nobody is 65534) is mapped. root inside is thus an unprivileged
 *       uid outside.</li>
 *   <li>Only {@code CAP_AUDIT_WRITE}, {@code CAP_KILL}, {@code CAP_NET_BIND_SERVICE}, in the bounding,
 *       effective and permitted sets (none inheritable or ambient), {@code noNewPrivileges}, RLIMIT_NOFILE
 *       1024/1024, a read-only root, runc's masked and read-only paths and a cgroup rule denying all devices
 *       (the default devices are allowed by the runtime).</li>
 *   <li>runc's mounts, with sysfs mounted read-only: mounting sysfs inside a user namespace is allowed because
 *       the container has a network namespace owned by that user namespace. runc's {@code /sys/fs/cgroup}
 *       mount is left out: it would expose the host's cgroup tree layout for no need of a sandboxed
 *       workload.</li>
 *   <li>{@code terminal: true} and {@code args: ["sh"]}, as runc's template has them.</li>
 * </ul>
 *
 * <p>{@link #rootless(long, long)} is the variant for a runtime started without root: a single-id mapping of
 * the caller and /sys bound from the host, as runc's {@code spec --rootless} writes.
 */
public final class DefaultSpec {
    public static final long HOST_ID_BASE = 100_000L;
    public static final long ID_RANGE = 65_536L;
    public static final String HOSTNAME = "bulwark";
    public static final List<String> CAPABILITIES = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    public static final List<String> ENV = List.of(
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");
    public static final List<String> MASKED_PATHS = List.of(
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/powercap");
    public static final List<String> READONLY_PATHS = List.of(
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    public static final List<String> NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount", "cgroup", "user");

    private DefaultSpec() {
    }

    /** The secure default for a runtime running as root. */
    public static Spec create() {
        List<IdMapping> mapping = List.of(new IdMapping(0L, HOST_ID_BASE, ID_RANGE));
        return build(NAMESPACES, mapping, mapping, sysfs(), devpts(true));
    }

    /**
     * The variant for a runtime without root: the caller's own uid and gid are the only ids it can map, so
     * container root is the caller; no network or cgroup namespace of its own (runc's choice), hence /sys is a
     * read-only recursive bind of the host's, and /dev/pts has no {@code gid=5}, which would be unmapped.
     */
    public static Spec rootless(long hostUid, long hostGid) {
        List<String> namespaces = List.of("pid", "ipc", "uts", "mount", "user");
        Mount sys = new Mount("/sys", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro"), "none", null,
            null);
        return build(namespaces, List.of(new IdMapping(0L, hostUid, 1L)), List.of(new IdMapping(0L, hostGid, 1L)),
            sys, devpts(false));
    }

    private static Spec build(List<String> namespaceTypes, List<IdMapping> uids, List<IdMapping> gids, Mount sys,
            Mount devpts) {
        Process process = new Process(
            true, null, new User(0L, 0L, null, null, null), List.of("sh"), null, ENV, "/",
            new Capabilities(CAPABILITIES, CAPABILITIES, null, CAPABILITIES, null),
            List.of(new Rlimit("RLIMIT_NOFILE", 1024L, 1024L)), true, null, null, null, null, null, null);
        List<Mount> mounts = List.of(
            new Mount("/proc", "proc", null, "proc", null, null),
            new Mount("/dev", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"), "tmpfs", null,
                null),
            devpts,
            new Mount("/dev/shm", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"), "tmpfs",
                null, null),
            new Mount("/dev/mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"), "mqueue", null, null),
            sys);
        List<Namespace> namespaces = new ArrayList<>();
        for (String type : namespaceTypes) {
            namespaces.add(new Namespace(type, null));
        }
        Resources resources = new Resources(
            List.of(new DeviceRule(false, null, null, null, "rwm")), null, null, null, null, null, null, null, null);
        Linux linux = new Linux(List.copyOf(namespaces), uids, gids, null, null, null, resources, null, null, null,
            MASKED_PATHS, READONLY_PATHS, null, null);
        return new Spec(SpecNames.OCI_VERSION_MAX, process, new Root("rootfs", true), HOSTNAME, null, mounts, null,
            null, linux);
    }

    private static Mount sysfs() {
        return new Mount("/sys", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"), "sysfs", null, null);
    }

    private static Mount devpts(boolean withTtyGroup) {
        List<String> options = new ArrayList<>(List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
            "mode=0620"));
        if (withTtyGroup) {
            options.add("gid=5");
        }
        return new Mount("/dev/pts", "devpts", List.copyOf(options), "devpts", null, null);
    }
}
