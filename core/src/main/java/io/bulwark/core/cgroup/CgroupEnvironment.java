package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a host offers: the cgroup version in use, where each controller is, and the runtime's own cgroups (a relative
 * {@code cgroupsPath} is placed below them, as runc does).
 *
 * @param version     V1 (legacy or hybrid host) or V2 (unified host)
 * @param fs          rooted at the cgroupfs mount point (v1: the directory holding one mount per hierarchy)
 * @param kernel      the system calls
 * @param hierarchies v1: controller name (or {@value #SYSTEMD}) to the directory (relative to the root) of its
 *                    hierarchy; v2: empty
 * @param ownPaths    v1: controller name to this process's cgroup in it; v2: {@code ""} to its unified cgroup
 * @param unifiedOnly controllers the host has bound to a cgroup v2 hierarchy instead of v1 (hybrid hosts)
 * @param bfqInUse    whether some block device is scheduled by BFQ (v1's blkio.bfq.weight only acts then)
 */
public record CgroupEnvironment(
    CgroupVersion version,
    CgroupFs fs,
    CgroupKernel kernel,
    Map<String, String> hierarchies,
    Map<String, String> ownPaths,
    Set<String> unifiedOnly,
    boolean bfqInUse) {

    public static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup");
    /** systemd's named v1 hierarchy (mounted at {@code systemd}): no controller, joined and shown like runc does. */
    public static final String SYSTEMD = "name=systemd";

    /** The v1 controllers Bulwark knows how to drive (others mounted on a host are joined but never written). */
    public static final List<String> V1_CONTROLLERS = List.of("cpu", "cpuacct", "cpuset", "memory", "devices",
        "freezer", "blkio", "pids", "net_cls", "net_prio", "hugetlb", "rdma", "perf_event", "misc");

    public CgroupEnvironment {
        hierarchies = Map.copyOf(hierarchies);
        ownPaths = Map.copyOf(ownPaths);
        unifiedOnly = Set.copyOf(unifiedOnly);
    }

    /** The host's environment: /sys/fs/cgroup and this process's /proc/self/cgroup. */
    public static CgroupEnvironment host() {
        String self;
        try {
            self = Files.readString(Path.of("/proc/self/cgroup"));
        } catch (IOException e) {
            throw new BulwarkException("cannot read /proc/self/cgroup: " + e.getMessage(), 2);
        }
        return detect(new DirectoryCgroupFs(DEFAULT_ROOT), new NativeCgroupKernel(), self, bfqInUse(Path.of("/sys/block")));
    }

    /** True when a block device's active scheduler (the bracketed one in queue/scheduler) is BFQ. */
    static boolean bfqInUse(Path sysBlock) {
        try (var devices = Files.list(sysBlock)) {
            return devices.anyMatch(d -> {
                try {
                    return Files.readString(d.resolve("queue/scheduler")).contains("[bfq]");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** {@link #detect(CgroupFs, CgroupKernel, String, boolean)} for a host without BFQ. */
    public static CgroupEnvironment detect(CgroupFs fs, CgroupKernel kernel, String procSelfCgroup) {
        return detect(fs, kernel, procSelfCgroup, false);
    }

    /**
     * Picks the version from what is mounted at the root: {@code cgroup.controllers} there means a unified host;
     * otherwise each subdirectory holding {@code cgroup.procs} is a v1 hierarchy named after its controllers
     * ({@code cpu,cpuacct}; a symlink such as {@code cpu -> cpu,cpuacct} resolves to the same hierarchy).
     */
    public static CgroupEnvironment detect(CgroupFs fs, CgroupKernel kernel, String procSelfCgroup,
                                           boolean bfqInUse) {
        Map<String, String> own = parseProcSelfCgroup(procSelfCgroup);
        if (fs.exists("cgroup.controllers")) {
            return new CgroupEnvironment(CgroupVersion.V2, fs, kernel, Map.of(),
                Map.of("", own.getOrDefault("", "/")), Set.of(), bfqInUse);
        }
        Map<String, String> hierarchies = new TreeMap<>();
        Set<String> unifiedOnly = Set.of();
        for (String dir : fs.subdirectories("")) {
            if (fs.exists(dir + "/cgroup.controllers")) {
                // a hybrid host's v2 mount: controllers bound there are unavailable to v1
                unifiedOnly = Set.of(fs.readIfExists(dir + "/cgroup.controllers").orElse("").split("\\s+"));
                continue;
            }
            if (!fs.exists(dir + "/cgroup.procs")) {
                continue;
            }
            String real = realName(fs, dir);
            for (String controller : real.split(",")) {
                if (V1_CONTROLLERS.contains(controller)) {
                    hierarchies.putIfAbsent(controller, real);
                }
            }
        }
        if (!hierarchies.isEmpty() && own.containsKey(SYSTEMD) && fs.exists("systemd/cgroup.procs")) {
            // systemd's named hierarchy (no controller): the container gets a cgroup there too, as under runc,
            // so that its cgroup mount shows its own place in it rather than nothing
            hierarchies.put(SYSTEMD, "systemd");
        }
        if (hierarchies.isEmpty()) {
            throw new BulwarkException("no cgroup hierarchy found under " + fs.root()
                + ": neither a cgroup v2 mount (cgroup.controllers) nor v1 controller mounts", 2);
        }
        Map<String, String> ownV1 = new LinkedHashMap<>();
        for (String controller : hierarchies.keySet()) {
            ownV1.put(controller, own.getOrDefault(controller, "/"));
        }
        return new CgroupEnvironment(CgroupVersion.V1, fs, kernel, hierarchies, ownV1, unifiedOnly, bfqInUse);
    }

    /** The unified hierarchy mounted at {@code fs}'s root, for hybrid hosts whose v2 mount is wanted explicitly. */
    public static CgroupEnvironment unified(CgroupFs fs, CgroupKernel kernel, String procSelfCgroup) {
        if (!fs.exists("cgroup.controllers")) {
            throw new BulwarkException(fs.root() + " is not a cgroup v2 mount (no cgroup.controllers)", 2);
        }
        return new CgroupEnvironment(CgroupVersion.V2, fs, kernel, Map.of(),
            Map.of("", parseProcSelfCgroup(procSelfCgroup).getOrDefault("", "/")), Set.of(), false);
    }

    private static String realName(CgroupFs fs, String dir) {
        try {
            return fs.root().resolve(dir).toRealPath().getFileName().toString();
        } catch (IOException e) {
            return dir;
        }
    }

    /** {@code hierarchy-id:controllers:path} lines; v2's {@code 0::/path} is stored under {@code ""}. */
    static Map<String, String> parseProcSelfCgroup(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            if (parts[1].isEmpty()) {
                out.put("", parts[2]);
                continue;
            }
            for (String controller : parts[1].split(",")) {
                if (!controller.startsWith("name=") || controller.equals(SYSTEMD)) {
                    out.put(controller, parts[2]);
                }
            }
        }
        return out;
    }

    /** A manager for a container, at {@code cgroupsPath} or, when that is null or empty, at {@code bulwark/<id>}. */
    public CgroupManager manager(String id, String cgroupsPath) {
        CgroupLocation location = CgroupLocation.resolve(this, id, cgroupsPath);
        return open(location);
    }

    /** A manager for a cgroup created earlier (its location recorded in the container's state). */
    public CgroupManager open(CgroupLocation location) {
        if (location.version() != version) {
            throw new BulwarkException("the container's cgroup is " + location.version() + " but this host runs "
                + version, 22);
        }
        return version == CgroupVersion.V1 ? new V1CgroupManager(this, location) : new V2CgroupManager(this, location);
    }
}
