package io.bulwark.core.api;

import io.bulwark.core.backend.Stdio;
import java.nio.file.Path;

/**
 * How to create one container.
 *
 * @param id            container id
 * @param bundle        bundle directory (holds config.json)
 * @param consoleSocket AF_UNIX socket path that receives the pty master when the process has a terminal, or null
 * @param pidFile       file to write the init's host pid to, or null
 * @param noPivot       use MS_MOVE + chroot instead of pivot_root
 * @param preserveFds   descriptors after stdio (3, 4, ...) passed on to the workload
 * @param backend       backend name to use, or null to take it from the config's annotations (default linux)
 * @param stdio         descriptors that become the workload's stdin, stdout and stderr (default: the caller's own)
 */
public record CreateOptions(
    String id,
    Path bundle,
    Path consoleSocket,
    Path pidFile,
    boolean noPivot,
    int preserveFds,
    String backend,
    Stdio stdio) {

    /** Options whose workload gets the caller's own stdio. */
    public CreateOptions(String id, Path bundle, Path consoleSocket, Path pidFile, boolean noPivot, int preserveFds,
                         String backend) {
        this(id, bundle, consoleSocket, pidFile, noPivot, preserveFds, backend, Stdio.INHERIT);
    }

    public CreateOptions {
        if (stdio == null) {
            stdio = Stdio.INHERIT;
        }
    }

    public static CreateOptions of(String id, Path bundle) {
        return new CreateOptions(id, bundle, null, null, false, 0, null);
    }

    public CreateOptions withConsoleSocket(Path socket) {
        return new CreateOptions(id, bundle, socket, pidFile, noPivot, preserveFds, backend, stdio);
    }

    public CreateOptions withPidFile(Path file) {
        return new CreateOptions(id, bundle, consoleSocket, file, noPivot, preserveFds, backend, stdio);
    }

    public CreateOptions withNoPivot(boolean value) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, value, preserveFds, backend, stdio);
    }

    public CreateOptions withPreserveFds(int count) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, noPivot, count, backend, stdio);
    }

    public CreateOptions withBackend(String name) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, noPivot, preserveFds, name, stdio);
    }

    /** The workload's stdio: descriptors of the calling process (the resident server passes its client's). */
    public CreateOptions withStdio(Stdio value) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, noPivot, preserveFds, backend, value);
    }
}
