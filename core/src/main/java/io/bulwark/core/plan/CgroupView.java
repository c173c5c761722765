package io.bulwark.core.plan;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@code cgroup} mount shows the container. On a cgroup v1 (or hybrid) host it is runc's view: a tmpfs at the
 * mount point holding, for each v1 hierarchy, a bind of the container's own cgroup directory in it; on a unified
 * host (or when the container has no cgroup of its own) it is {@link #UNIFIED}, a cgroup2 mount.
 *
 * @param hierarchies name under the mount point ({@code memory}, {@code cpu,cpuacct}) to the host directory of the
 *                    container's cgroup in that hierarchy
 * @param links       name under the mount point to the hierarchy it stands for ({@code cpu -> cpu,cpuacct}), as on
 *                    the host
 */
public record CgroupView(Map<String, String> hierarchies, Map<String, String> links) {
    public static final CgroupView UNIFIED = new CgroupView(Map.of(), Map.of());

    public CgroupView {
        hierarchies = Map.copyOf(new TreeMap<>(hierarchies));
        links = Map.copyOf(new TreeMap<>(links));
    }

    /** True when the container gets a cgroup2 mount rather than per-hierarchy binds. */
    public boolean isUnified() {
        return hierarchies.isEmpty();
    }
}
