package io.bulwark.core.backend;

import io.bulwark.core.spec.Spec;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a backend needs to create a container.
 *
 * @param id            the container id
 * @param bundle        the bundle directory (absolute)
 * @param spec          the validated (and, with a tenant policy, admitted) configuration
 * @param stateDir      the container's own directory in the state store, for backend files (exec FIFO, sockets)
 * @param consoleSocket path of the AF_UNIX socket that receives the pty master when {@code process.terminal}, or null
 * @param noPivot       use MS_MOVE + chroot instead of pivot_root (for a rootfs on a ramdisk)
 * @param preserveFds   how many descriptors after stdio (3, 4, ...) are passed on to the workload
 * @param seccompFilter the compiled classic-BPF filter (struct sock_filter array), or null for none
 * @param seccompFlags  {@code SECCOMP_FILTER_FLAG_*} bits the shim passes to {@code seccomp(SECCOMP_SET_MODE_FILTER)}
 *                      (see {@link io.bulwark.core.spi.SeccompProgram}); with {@code NEW_LISTENER} the shim hands the
 *                      returned listener fd back so that it reaches {@code seccompListenerPath}
 * @param seccompListenerPath     {@code linux.seccomp.listenerPath}: the AF_UNIX socket that receives the listener fd
 *                                together with the container process state JSON, or null
 * @param seccompListenerMetadata {@code linux.seccomp.listenerMetadata}, passed along in that state, or null
 * @param stdio         the descriptors that become the workload's stdio ({@link Stdio#INHERIT}: the caller's)
 */
public record CreateRequest(
    String id,
    Path bundle,
    Spec spec,
    Path stateDir,
    Path consoleSocket,
    boolean noPivot,
    int preserveFds,
    byte[] seccompFilter,
    int seccompFlags,
    String seccompListenerPath,
    String seccompListenerMetadata,
    Stdio stdio) {

    /** A request whose workload inherits the caller's stdio. */
    public CreateRequest(String id, Path bundle, Spec spec, Path stateDir, Path consoleSocket, boolean noPivot,
                         int preserveFds, byte[] seccompFilter, int seccompFlags, String seccompListenerPath,
                         String seccompListenerMetadata) {
        this(id, bundle, spec, stateDir, consoleSocket, noPivot, preserveFds, seccompFilter, seccompFlags,
            seccompListenerPath, seccompListenerMetadata, Stdio.INHERIT);
    }

    /** A request without seccomp flags or notify listener. */
    public CreateRequest(String id, Path bundle, Spec spec, Path stateDir, Path consoleSocket, boolean noPivot,
                         int preserveFds, byte[] seccompFilter) {
        this(id, bundle, spec, stateDir, consoleSocket, noPivot, preserveFds, seccompFilter, 0, null, null);
    }

    public CreateRequest {
        if (stdio == null) {
            stdio = Stdio.INHERIT;
        }
        if (preserveFds < 0) {
            throw new IllegalArgumentException("preserveFds < 0");
        }
    }

    /** Extra file descriptors inherited from the caller, in order, starting at 3. */
    public List<Integer> preservedDescriptors() {
        return java.util.stream.IntStream.range(3, 3 + preserveFds).boxed().toList();
    }
}
