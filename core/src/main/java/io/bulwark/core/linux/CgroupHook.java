package io.bulwark.core.linux;

import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.spec.SpecProblem;
import java.util.List;

/**
 * Where the cgroup manager plugs into the linux backend. Every method has a no-op default, which is
 * {@link #NONE}: containers then run in the caller's cgroup.
 */
public interface CgroupHook {
    CgroupHook NONE = new CgroupHook() {
    };

    /**
     * Before anything is made: each limit of the config this hook could not enforce (JSON path and why), for an
     * error that lists them all. {@code file} names the config in the problems.
     */
    default List<SpecProblem> problems(CreateRequest request, String file) {
        return List.of();
    }

    /**
     * Puts a new container's init into its cgroup and applies the limits. Called after the init exists and
     * before it runs any setup (so no window without limits).
     */
    default void place(CreateRequest request, int initPid) {
    }

    /**
     * What a {@code cgroup} mount shows the new container: on a cgroup v1 host, the directories its init will be
     * placed in (they exist by the time the init mounts them, as {@link #place} runs first). Called before the init
     * exists; {@link CgroupView#UNIFIED} (the default) gives it a cgroup2 mount.
     */
    default CgroupView view(CreateRequest request) {
        return CgroupView.UNIFIED;
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
