package io.bulwark.core.backend;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the state store knows about a created container, as a backend needs it.
 *
 * @param id          the container id
 * @param bundle      the bundle directory
 * @param stateDir    the container's directory in the state store
 * @param backend     the backend's name
 * @param init        the process that holds the container (its init, or the VMM)
 * @param annotations the config's annotations
 */
public record ContainerRecord(
    String id,
    Path bundle,
    Path stateDir,
    String backend,
    ContainerProcess init,
    Map<String, String> annotations) {
}
