package io.bulwark.cli.cgroup;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.cgroup.CgroupManager;
import io.bulwark.core.cgroup.ContainerCgroups;
import io.bulwark.core.state.ContainerLock;
import java.util.Set;

/** Runs an action on a container's cgroup under the container's lock, after checking its status. */
final class ContainerAccess {
    interface Action<T> {
        T apply(CgroupManager cgroup, Runtime runtime) throws Exception;
    }

    private ContainerAccess() {
    }

    static <T> T withCgroup(CliContext ctx, String id, Set<String> statuses, String refusal, Action<T> action)
        throws Exception {
        Runtime rt = RuntimeFactory.create(ctx);
        try (ContainerLock lock = rt.store().lock(id)) {
            String status = rt.state(id).status();
            if (!statuses.contains(status)) {
                throw new BulwarkException("container " + id + " " + refusal + " (it is " + status + ")", 1);
            }
            return action.apply(new ContainerCgroups().require(id, lock.dir()), rt);
        }
    }

    /** The container's cgroup without the lock, for long-running readers ({@code events}). */
    static CgroupManager cgroup(CliContext ctx, String id) {
        Runtime rt = RuntimeFactory.create(ctx);
        rt.state(id); // "does not exist" before anything else
        return new ContainerCgroups().require(id, rt.store().dir(id));
    }
}
