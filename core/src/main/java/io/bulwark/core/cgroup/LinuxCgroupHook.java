package io.bulwark.core.cgroup;

import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.linux.CgroupHook;
import io.bulwark.core.plan.CgroupView;
import io.bulwark.core.spec.SpecProblem;
import java.util.List;

/**
 * Gives the linux backend its cgroups: the init is placed (limits first) between clone and the rest of its setup,
 * exec'd processes join before they run anything, {@code kill --all} reaches every process of the cgroup, and
 * delete kills what is left and removes the cgroup.
 */
public final class LinuxCgroupHook implements CgroupHook {
    private final ContainerCgroups cgroups;

    public LinuxCgroupHook() {
        this(new ContainerCgroups());
    }

    public LinuxCgroupHook(ContainerCgroups cgroups) {
        this.cgroups = cgroups;
    }

    @Override
    public void place(CreateRequest request, int initPid) {
        cgroups.place(request.id(), request.stateDir(), request.spec().linux(), request.spec().annotations(),
            initPid);
    }

    @Override
    public List<SpecProblem> problems(CreateRequest request, String file) {
        return cgroups.problems(request.spec().linux(), request.spec().annotations(), file);
    }

    @Override
    public CgroupView view(CreateRequest request) {
        return cgroups.view(request.id(), request.spec().linux());
    }

    @Override
    public void join(ContainerRecord container, int pid) {
        cgroups.join(container.stateDir(), pid);
    }

    /**
     * The processes to signal. A paused container is thawed first, as runc does when it signals every process:
     * a frozen v1 task would not act on the signal (not even SIGKILL) until thawed.
     */
    @Override
    public List<Integer> processes(ContainerRecord container) {
        return cgroups.open(container.stateDir()).filter(CgroupManager::exists).map(m -> {
            if (m.freezerState() != FreezerState.THAWED) {
                m.thaw();
            }
            return m.pids();
        }).orElse(List.of());
    }

    @Override
    public void remove(ContainerRecord container) {
        cgroups.remove(container.stateDir());
    }
}
