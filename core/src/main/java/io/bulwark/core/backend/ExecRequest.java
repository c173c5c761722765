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
 */
public record ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter,
                          int seccompFlags, String seccompListenerPath, String seccompListenerMetadata) {

    /** A request without seccomp flags or notify listener. */
    public ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter) {
        this(process, consoleSocket, preserveFds, seccompFilter, 0, null, null);
    }
}
