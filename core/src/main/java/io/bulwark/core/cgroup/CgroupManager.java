package io.bulwark.core.cgroup;

import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Resources;
import java.util.List;

/**
 * One container's cgroup: made at create time, the init joined to it before any workload code runs, limits set
 * from {@code linux.resources}, and removed at delete. Two implementations, for cgroup v1 and v2, picked from the
 * host by {@link CgroupEnvironment}. Every limit the config asks for is either in force afterwards or the call
 * throws {@link io.bulwark.core.BulwarkException} naming the limit and what the host lacks: a container never runs
 * silently unlimited.
 */
public interface CgroupManager {

    CgroupVersion version();

    /** Where the cgroup is; keep it in the container's state to {@link CgroupEnvironment#open} it later. */
    CgroupLocation location();

    /** Creates the cgroup directories (idempotent). */
    void create();

    /** True when the cgroup exists. */
    boolean exists();

    /**
     * Sets every limit of {@code resources} (null: none) and the device rules: the config's rules on top of
     * deny-all, plus runc's default allow list and {@code extraAllowed} (the nodes of {@code linux.devices}).
     */
    void apply(Resources resources, List<DeviceAccess> devices);

    /** {@link #apply(Resources, List)} with the device rules {@link DeviceRules#effective} derives from the config. */
    default void apply(Linux linux) {
        Resources r = linux == null ? null : linux.resources();
        apply(r, DeviceRules.effective(r == null ? null : r.devices(), linux == null ? null : linux.devices()));
    }

    /**
     * Changes the limits a running container has: only fields present in {@code resources} change (devices only
     * when given). With {@code memory.checkBeforeUpdate}, a memory limit below current usage is refused.
     */
    void update(Resources resources);

    /** Moves a process (all its threads) into the cgroup. */
    void addProcess(int pid);

    /** The pids of every process in the cgroup and its descendants. */
    List<Integer> pids();

    /** Freezes every process, returning once they are frozen. */
    void freeze();

    /** Thaws the processes. */
    void thaw();

    FreezerState freezerState();

    /**
     * Sends {@code signal} to every process in the cgroup. The cgroup is frozen while the signals go out, so a
     * process cannot fork a child that escapes. For SIGKILL, returns once the cgroup is empty.
     */
    void killAll(int signal);

    /** Resource usage, as runc's {@code events --stats} reports it. */
    CgroupStats stats();

    /** Starts listening for OOM kills in the cgroup. */
    OomEventSource oomEvents();

    /** Removes the cgroup (and with a default path, the empty {@code bulwark} parent); a missing cgroup is fine. */
    void destroy();
}
