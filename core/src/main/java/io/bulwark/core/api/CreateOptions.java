package io.bulwark.core.api;

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
 */
public record CreateOptions(
    String id,
    Path bundle,
    Path consoleSocket,
    Path pidFile,
    boolean noPivot,
    int preserveFds,
    String backend) {

    public static CreateOptions of(String id, Path bundle) {
        return new CreateOptions(id, bundle, null, null, false, 0, null);
    }

    public CreateOptions withConsoleSocket(Path socket) {
        return new CreateOptions(id, bundle, socket, pidFile, noPivot, preserveFds, backend);
    }

    public CreateOptions withPidFile(Path file) {
        return new CreateOptions(id, bundle, consoleSocket, file, noPivot, preserveFds, backend);
    }

    public CreateOptions withNoPivot(boolean value) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, value, preserveFds, backend);
    }

    public CreateOptions withPreserveFds(int count) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, noPivot, count, backend);
    }

    public CreateOptions withBackend(String name) {
        return new CreateOptions(id, bundle, consoleSocket, pidFile, noPivot, preserveFds, name);
    }
}
