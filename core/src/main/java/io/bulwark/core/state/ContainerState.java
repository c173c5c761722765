package io.bulwark.core.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What Bulwark persists about one container in {@code ROOT/ID/state.json}. The OCI view of it is
 * {@link #toOci(String, int)}; the rest is Bulwark's own bookkeeping.
 *
 * @param id            container id
 * @param bundle        absolute bundle path
 * @param rootfs        absolute rootfs path
 * @param backend       backend name (linux, vm)
 * @param pid           host pid of the process that holds the container (init or VMM); 0 before it exists
 * @param pidStartTime  that process's start time in clock ticks (field 22 of /proc/PID/stat), against pid reuse
 * @param started       whether {@code start} has released the workload
 * @param created       creation time, RFC 3339
 * @param owner         the user that created it (for {@code list})
 * @param tenant        the tenant whose policy admitted it, or null
 * @param annotations   the config's annotations
 * @param cgroupPath    the container's cgroup path, when it has one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerState(
    String id,
    String bundle,
    String rootfs,
    String backend,
    int pid,
    long pidStartTime,
    boolean started,
    String created,
    String owner,
    String tenant,
    Map<String, String> annotations,
    String cgroupPath) {

    public ContainerState withProcess(int newPid, long startTime) {
        return new ContainerState(id, bundle, rootfs, backend, newPid, startTime, started, created, owner, tenant,
            annotations, cgroupPath);
    }

    public ContainerState withStarted() {
        return new ContainerState(id, bundle, rootfs, backend, pid, pidStartTime, true, created, owner, tenant,
            annotations, cgroupPath);
    }

    public OciState toOci(String status, int visiblePid) {
        return new OciState(OciState.OCI_VERSION, id, status, visiblePid, bundle, annotations);
    }
}
