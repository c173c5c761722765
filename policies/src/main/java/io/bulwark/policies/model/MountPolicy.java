package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code mounts}: what the config's {@code mounts} may contain.
 *
 * @param types       filesystem types that may be mounted ({@code bind} for bind mounts)
 * @param hostPaths   host paths that may be bind-mounted, and how
 * @param forbidden   host paths that may never be bound, nor any path above or below them; a child policy's
 *                    list is added to its base's
 * @param enforcement tighten: make a read-write bind of a read-only host path read-only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MountPolicy(List<String> types, List<HostPath> hostPaths, List<String> forbidden, Enforcement enforcement) {
}
