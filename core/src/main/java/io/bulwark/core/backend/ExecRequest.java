package io.bulwark.core.backend;

import io.bulwark.core.spec.Process;
import java.nio.file.Path;

/**
 * An extra process to run in a container ({@code bulwark exec}).
 *
 * @param process       the process to run (args, env, cwd, user, capabilities, ...)
 * @param consoleSocket where to send the pty master when {@code process.terminal}, or null
 * @param preserveFds   descriptors after stdio passed on
 * @param seccompFilter the compiled filter (the container's unless the process says otherwise), or null
 * @param seccompFlags  {@code SECCOMP_FILTER_FLAG_*} bits, as in {@link CreateRequest#seccompFlags()}
 * @param seccompListenerPath     where the notify listener fd goes, or null
 * @param seccompListenerMetadata passed along with it, or null
 * @param stdio         the descriptors that become the process's stdio ({@link Stdio#INHERIT}: the caller's)
 */
public record ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter,
                          int seccompFlags, String seccompListenerPath, String seccompListenerMetadata,
                          Stdio stdio) {

    public ExecRequest {
        if (stdio == null) {
            stdio = Stdio.INHERIT;
        }
    }

    /** A request whose process inherits the caller's stdio. */
    public ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter,
                       int seccompFlags, String seccompListenerPath, String seccompListenerMetadata) {
        this(process, consoleSocket, preserveFds, seccompFilter, seccompFlags, seccompListenerPath,
            seccompListenerMetadata, Stdio.INHERIT);
    }

    /** A request without seccomp flags or notify listener. */
    public ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter) {
        this(process, consoleSocket, preserveFds, seccompFilter, 0, null, null);
    }
}
