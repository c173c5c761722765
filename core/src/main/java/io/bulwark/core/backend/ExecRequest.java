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
 */
public record ExecRequest(Process process, Path consoleSocket, int preserveFds, byte[] seccompFilter) {
}
