package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.bulwark.core.spec.SpecNames;
import java.util.List;

/**
 * {@code namespaces}: which namespaces (other than network and user, which {@code network} and {@code identity}
 * govern) a container may share with the host or join by path.
 *
 * @param hostShared  types that may be the host's (left out of the config, or joined by a path to the host's)
 * @param joinable    types that may be joined by path when the path is not the host's (e.g. a pod's namespaces)
 * @param enforcement tighten: add a new namespace of each type the config leaves out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamespacePolicy(List<String> hostShared, List<String> joinable, Enforcement enforcement) {
    /** The namespace types this section governs, in the spec's order. */
    public static final List<String> TYPES =
        SpecNames.NAMESPACES.stream().filter(t -> !t.equals("network") && !t.equals("user")).toList();
}
