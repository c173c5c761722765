package io.bulwark.core.plan;

import static io.bulwark.core.plan.LinuxConstants.*;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.ConsoleSize;
import io.bulwark.core.spec.Device;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Rlimit;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.User;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a validated OCI spec into the plan the shim executes (the role of runc's specconv): names become numbers,
 * relative paths become absolute, defaults the runtime owes the container (/dev and its nodes) are added. Anything
 * the shim cannot carry out is refused here with the JSON path, never passed on.
 */
public final class SpecConverter {
    private SpecConverter() {
    }

    /** The device nodes every container gets (as runc and the OCI spec's "default devices"). */
    public static final List<DevicePlan> DEFAULT_DEVICES = List.of(
        new DevicePlan('c', "/dev/null", 1, 3, 0666, 0, 0),
        new DevicePlan('c', "/dev/zero", 1, 5, 0666, 0, 0),
        new DevicePlan('c', "/dev/full", 1, 7, 0666, 0, 0),
        new DevicePlan('c', "/dev/random", 1, 8, 0666, 0, 0),
        new DevicePlan('c', "/dev/urandom", 1, 9, 0666, 0, 0),
        new DevicePlan('c', "/dev/tty", 5, 0, 0666, 0, 0));

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The init plan of a container. Descriptor numbers are left unassigned; the backend sets them.
     *
     * @param spec          the validated spec
     * @param bundle        the bundle directory, for the relative rootfs and bind sources
     * @param noPivot       MS_MOVE + chroot instead of pivot_root
     * @param seccomp       the compiled filter and its flags, or null
     */
    public static Plan convert(Spec spec, Path bundle, boolean noPivot, SeccompPlan seccomp) {
        return convert(spec, bundle, noPivot, seccomp, CgroupView.UNIFIED);
    }

    /** As {@link #convert(Spec, Path, boolean, SeccompPlan)}, with what a {@code cgroup} mount shows. */
    public static Plan convert(Spec spec, Path bundle, boolean noPivot, SeccompPlan seccomp, CgroupView cgroupView) {
        Linux linux = spec.linux();
        if (linux == null) {
            throw new BulwarkException("config.json: linux: the linux section is required by the linux backend");
        }
        if (spec.root() == null || spec.root().path() == null) {
            throw new BulwarkException("config.json: root.path: required");
        }
        long newNs = 0;
        List<NamespaceJoin> joins = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Namespace> namespaces = linux.namespaces() == null ? List.of() : linux.namespaces();
        for (int i = 0; i < namespaces.size(); i++) {
            Namespace ns = namespaces.get(i);
            String where = "linux.namespaces[" + i + "]";
            Long flag = NAMESPACES.get(ns.type());
            if (flag == null) {
                throw new BulwarkException("config.json: " + where + ".type: unknown namespace type \"" + ns.type() + "\"");
            }
            if (!seen.add(ns.type())) {
                throw new BulwarkException("config.json: " + where + ".type: namespace \"" + ns.type() + "\" listed twice");
            }
            if (ns.path() == null || ns.path().isEmpty()) {
                newNs |= flag;
            } else {
                if (!ns.path().startsWith("/")) {
                    throw new BulwarkException("config.json: " + where + ".path: must be absolute");
                }
                joins.add(new NamespaceJoin(flag, ns.path()));
            }
        }
        if ((newNs & CLONE_NEWNS) == 0) {
            throw new BulwarkException("config.json: linux.namespaces: the container needs a new mount namespace");
        }
        joins.sort((a, b) -> Boolean.compare(a.type() != CLONE_NEWUSER, b.type() != CLONE_NEWUSER));
        boolean uts = (newNs & CLONE_NEWUTS) != 0;
        if (spec.hostname() != null && !spec.hostname().isEmpty() && !uts) {
            throw new BulwarkException("config.json: hostname: setting a hostname needs a new uts namespace");
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty() && !uts) {
            throw new BulwarkException("config.json: domainname: setting a domainname needs a new uts namespace");
        }

        Path rootfs = bundle.resolve(spec.root().path()).normalize();
        String propName = linux.rootfsPropagation();
        long propagation = MS_SLAVE | MS_REC; // runc's default: host mount events reach us, ours never reach the host
        if (propName != null && !propName.isEmpty()) {
            Long p = MountOptions.PROPAGATION.get(propName);
            if (p == null) {
                throw new BulwarkException("config.json: linux.rootfsPropagation: unknown propagation \"" + propName + "\"");
            }
            propagation = p;
        }
        RootfsPlan root = new RootfsPlan(rootfs.toString(), Boolean.TRUE.equals(spec.root().readonly()), noPivot,
            propagation);

        List<SymlinkPlan> links = new ArrayList<>(List.of(
            new SymlinkPlan("/proc/self/fd", "/dev/fd"),
            new SymlinkPlan("/proc/self/fd/0", "/dev/stdin"),
            new SymlinkPlan("/proc/self/fd/1", "/dev/stdout"),
            new SymlinkPlan("/proc/self/fd/2", "/dev/stderr")));
        List<String> readonly = new ArrayList<>(paths(linux.readonlyPaths()));
        List<MountPlan> mounts = mounts(spec.mounts(), bundle, cgroupView, links, readonly);
        List<DevicePlan> devices = devices(linux.devices());
        if (mounts.stream().anyMatch(m -> m.destination().equals("/dev/pts") && m.fstype().equals("devpts"))) {
            links.add(new SymlinkPlan("pts/ptmx", "/dev/ptmx"));
        }
        List<SysctlPlan> sysctls = new ArrayList<>();
        new TreeMap<>(linux.sysctl() == null ? Map.<String, String>of() : linux.sysctl())
            .forEach((k, v) -> sysctls.add(new SysctlPlan(k, v)));

        if (spec.process() == null) {
            throw new BulwarkException("config.json: process: required to create a container");
        }
        ProcessPlan process = process(spec.process(), seccomp, "process");
        return new Plan(Plan.Kind.INIT, newNs, joins, root, emptyToNull(spec.hostname()),
            emptyToNull(spec.domainname()), mounts, devices, links, paths(linux.maskedPaths()),
            readonly, sysctls, process, FdPlan.UNASSIGNED, false, personality(linux),
            timeOffsets(linux, newNs), null);
    }

    /**
     * The process part of a plan: shared by the container's init and by exec.
     *
     * @param where JSON path prefix for errors ("process")
     */
    public static ProcessPlan process(Process p, SeccompPlan seccomp, String where) {
        if (p.args() == null || p.args().isEmpty()) {
            throw new BulwarkException("config.json: " + where + ".args: at least one argument is required");
        }
        String cwd = p.cwd() == null || p.cwd().isEmpty() ? "/" : p.cwd();
        if (!cwd.startsWith("/")) {
            throw new BulwarkException("config.json: " + where + ".cwd: must be an absolute path");
        }
        User u = p.user();
        UserPlan user = new UserPlan(
            u == null || u.uid() == null ? 0 : u.uid(),
            u == null || u.gid() == null ? 0 : u.gid(),
            u == null || u.umask() == null ? 0022 : u.umask(),
            u == null || u.additionalGids() == null ? List.of() : u.additionalGids());
        Capabilities c = p.capabilities();
        CapabilityPlan caps = c == null ? new CapabilityPlan(0, 0, 0, 0, 0) : new CapabilityPlan(
            capMask(c.bounding(), where + ".capabilities.bounding"),
            capMask(c.effective(), where + ".capabilities.effective"),
            capMask(c.inheritable(), where + ".capabilities.inheritable"),
            capMask(c.permitted(), where + ".capabilities.permitted"),
            capMask(c.ambient(), where + ".capabilities.ambient"));
        List<RlimitPlan> rlimits = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        List<Rlimit> rl = p.rlimits() == null ? List.of() : p.rlimits();
        for (int i = 0; i < rl.size(); i++) {
            Rlimit r = rl.get(i);
            int res = RLIMITS.indexOf(r.type());
            if (res < 0) {
                throw new BulwarkException("config.json: " + where + ".rlimits[" + i + "].type: unknown rlimit \"" + r.type() + "\"");
            }
            if (!seen.add(res)) {
                throw new BulwarkException("config.json: " + where + ".rlimits[" + i + "].type: " + r.type() + " set twice");
            }
            long soft = r.soft() == null ? 0 : r.soft();
            long hard = r.hard() == null ? 0 : r.hard();
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw new BulwarkException("config.json: " + where + ".rlimits[" + i + "]: soft limit above hard limit");
            }
            rlimits.add(new RlimitPlan(res, soft, hard));
        }
        List<String> env = p.env() == null ? List.of() : p.env();
        return new ProcessPlan(null, p.args(), env, cwd, user, caps, rlimits,
            Boolean.TRUE.equals(p.noNewPrivileges()), p.oomScoreAdj(), Boolean.TRUE.equals(p.terminal()),
            emptyToNull(p.apparmorProfile()), seccomp, consoleSize(p.consoleSize(), where));
    }

    private static ConsoleSizePlan consoleSize(ConsoleSize size, String where) {
        if (size == null) {
            return null;
        }
        int h = size.height() == null ? 0 : size.height();
        int w = size.width() == null ? 0 : size.width();
        if (h < 0 || h > ConsoleSizePlan.MAX || w < 0 || w > ConsoleSizePlan.MAX) {
            throw new BulwarkException("config.json: " + where + ".consoleSize: height and width must be between 0 and "
                + ConsoleSizePlan.MAX + ", not " + h + "x" + w);
        }
        return new ConsoleSizePlan(h, w);
    }

    /** PER_LINUX (0) or PER_LINUX32 (8) for linux.personality, null without one. */
    static Integer personality(Linux linux) {
        if (linux.personality() == null) {
            return null;
        }
        String domain = linux.personality().domain();
        if (linux.personality().flags() != null && !linux.personality().flags().isEmpty()) {
            throw new BulwarkException("config.json: linux.personality.flags: no personality flags are supported");
        }
        return switch (domain == null ? "" : domain) {
            case "LINUX" -> 0;
            case "LINUX32" -> 8;
            default -> throw new BulwarkException("config.json: linux.personality.domain: unknown domain \"" + domain + "\"");
        };
    }

    /** linux.timeOffsets, which need a new time namespace. */
    static TimeOffsetsPlan timeOffsets(Linux linux, long newNs) {
        Map<String, io.bulwark.core.spec.TimeOffset> offsets = linux.timeOffsets();
        if (offsets == null || offsets.isEmpty()) {
            return null;
        }
        if ((newNs & CLONE_NEWTIME) == 0) {
            throw new BulwarkException("config.json: linux.timeOffsets: offsets need a new time namespace");
        }
        long[] v = new long[4];
        for (var e : offsets.entrySet()) {
            int at = switch (e.getKey()) {
                case "monotonic" -> 0;
                case "boottime" -> 2;
                default -> throw new BulwarkException("config.json: linux.timeOffsets." + e.getKey() + ": unknown clock");
            };
            v[at] = e.getValue().secs() == null ? 0 : e.getValue().secs();
            v[at + 1] = e.getValue().nanosecs() == null ? 0 : e.getValue().nanosecs();
            if (v[at + 1] < 0 || v[at + 1] >= 1_000_000_000L) {
                throw new BulwarkException("config.json: linux.timeOffsets." + e.getKey() + ".nanosecs: out of range");
            }
        }
        return new TimeOffsetsPlan(v[0], v[1], v[2], v[3]);
    }

    /** A capability-name list as a bit mask. */
    public static long capMask(List<String> names, String where) {
        long mask = 0;
        if (names == null) {
            return 0;
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int bit = CAPABILITIES.indexOf(n.startsWith("CAP_") ? n : "CAP_" + n);
            if (bit < 0) {
                throw new BulwarkException("config.json: " + where + "[" + i + "]: unknown capability \"" + n + "\"");
            }
            mask |= 1L << bit;
        }
        return mask;
    }

    /**
     * The mounts in order; a {@code cgroup} mount on a v1 host expands into runc's view (see {@link CgroupView}),
     * adding its symlinks to {@code links} and, when read-only, its tmpfs to {@code readonly} (the tmpfs is made
     * read-only only after the binds and links are in it).
     */
    private static List<MountPlan> mounts(List<Mount> specMounts, Path bundle, CgroupView cgroupView,
                                          List<SymlinkPlan> links, List<String> readonly) {
        List<MountPlan> out = new ArrayList<>();
        List<Mount> ms = specMounts == null ? List.of() : specMounts;
        boolean hasDev = ms.stream().anyMatch(m -> "/dev".equals(clean(m.destination())));
        if (!hasDev) {
            // The container's /dev is always a fresh tmpfs, never the rootfs directory.
            out.add(new MountPlan("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, 0, "mode=755,size=65536k"));
        }
        for (int i = 0; i < ms.size(); i++) {
            Mount m = ms.get(i);
            String where = "config.json: mounts[" + i + "]";
            if (m.destination() == null || m.destination().isEmpty()) {
                throw new BulwarkException(where + ".destination: required");
            }
            if (m.uidMappings() != null && !m.uidMappings().isEmpty()
                || m.gidMappings() != null && !m.gidMappings().isEmpty()) {
                throw new BulwarkException(where + ": id-mapped mounts are not supported by bulwark");
            }
            MountOptions o = MountOptions.parse(m.options(), where + ".options");
            String type = m.type() == null ? "" : m.type();
            long flags = o.flags();
            if (type.equals("bind")) {
                type = "";
                flags |= MS_BIND;
            }
            if ((flags & MS_BIND) != 0) {
                type = "";
            } else if (type.isEmpty()) {
                throw new BulwarkException(where + ".type: required for a mount that is not a bind mount");
            } else if (type.equals("cgroup") && !cgroupView.isUnified()) {
                cgroupMounts(clean(m.destination()), flags, o.propagation(), cgroupView, out, links, readonly);
                continue;
            } else if (type.equals("cgroup")) {
                // A v1 hierarchy cannot be mounted from a new user namespace; the container gets the unified view.
                type = "cgroup2";
            }
            String source = m.source() == null ? "" : m.source();
            if ((flags & MS_BIND) != 0) {
                if (source.isEmpty()) {
                    throw new BulwarkException(where + ".source: a bind mount needs a source");
                }
                source = bundle.resolve(source).normalize().toString();
            } else if (source.isEmpty()) {
                source = type;
            }
            out.add(new MountPlan(source, clean(m.destination()), type, flags, o.propagation(), o.data()));
        }
        return out;
    }

    /** runc's v1 view: a tmpfs owned by the container's root, one bind per hierarchy, the host's symlinks. */
    private static void cgroupMounts(String destination, long flags, long propagation, CgroupView view,
                                     List<MountPlan> out, List<SymlinkPlan> links, List<String> readonly) {
        long bindFlags = MS_BIND | flags & ~(MS_REC | MS_REMOUNT);
        out.add(new MountPlan("tmpfs", destination, "tmpfs", flags & ~(MS_RDONLY | MS_REC | MS_REMOUNT), propagation,
            "mode=755"));
        String prefix = destination.equals("/") ? "/" : destination + "/";
        view.hierarchies().forEach((name, hostDir) ->
            out.add(new MountPlan(hostDir, prefix + name, "", bindFlags, 0, "")));
        view.links().forEach((name, target) -> links.add(new SymlinkPlan(target, prefix + name)));
        if ((flags & MS_RDONLY) != 0) {
            readonly.add(destination);
        }
    }

    private static List<DevicePlan> devices(List<Device> specDevices) {
        Map<String, DevicePlan> byPath = new LinkedHashMap<>();
        DEFAULT_DEVICES.forEach(d -> byPath.put(d.path(), d));
        List<Device> ds = specDevices == null ? List.of() : specDevices;
        for (int i = 0; i < ds.size(); i++) {
            Device d = ds.get(i);
            String where = "config.json: linux.devices[" + i + "]";
            char type = switch (d.type() == null ? "" : d.type()) {
                case "c", "u" -> 'c';
                case "b" -> 'b';
                case "p" -> 'p';
                default -> throw new BulwarkException(where + ".type: unknown device type \"" + d.type() + "\"");
            };
            if (d.path() == null || !d.path().startsWith("/")) {
                throw new BulwarkException(where + ".path: must be an absolute path");
            }
            long major = d.major() == null ? 0 : d.major();
            long minor = d.minor() == null ? 0 : d.minor();
            if (type != 'p' && (d.major() == null || d.minor() == null)) {
                throw new BulwarkException(where + ": major and minor are required for device type " + d.type());
            }
            int mode = d.fileMode() == null ? 0666 : d.fileMode() & 07777;
            String path = clean(d.path());
            byPath.put(path, new DevicePlan(type, path, major, minor, mode,
                d.uid() == null ? 0 : d.uid(), d.gid() == null ? 0 : d.gid()));
        }
        return new ArrayList<>(byPath.values());
    }

    private static List<String> paths(List<String> l) {
        return l == null ? List.of() : l.stream().map(SpecConverter::clean).toList();
    }

    /** An absolute, normalised path inside the container ("a/../b" never climbs above "/"). */
    static String clean(String p) {
        if (p == null) {
            return null;
        }
        String s = Path.of("/").resolve(p).normalize().toString();
        while (s.startsWith("/..")) {
            s = s.substring(3).isEmpty() ? "/" : s.substring(3);
        }
        return s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
