package io.bulwark.core.linux;

import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import java.util.List;

/**
 * Where the cgroup manager plugs into the linux backend. Every method has a no-op default, which is
 * {@link #NONE}: containers then run in the caller's cgroup.
 */
public interface CgroupHook {
    CgroupHook NONE = new CgroupHook() {
    };

    /**
     * Puts a new container's init into its cgroup and applies the limits. Called after the init exists and
     * before it runs any setup (so no window without limits).
     */
    default void place(CreateRequest request, int initPid) {
    }

    /** Puts an exec'd process into the container's cgroup, before it runs anything. */
    default void join(ContainerRecord container, int pid) {
    }

    /** Every process of the container, or an empty list when the cgroup is unknown (callers then walk the pid namespace). */
    default List<Integer> processes(ContainerRecord container) {
        return List.of();
    }

    /** Removes the container's cgroup; must be safe to call again and when nothing was created. */
    default void remove(ContainerRecord container) {
    }
}
