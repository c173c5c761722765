package io.bulwark.policies.model;

import io.bulwark.core.spec.SpecNames;
import java.util.List;
import java.util.Set;

/** The closed word lists a policy is checked against. */
public final class Vocabulary {
    private Vocabulary() {
    }

    public static final List<String> BACKENDS = List.of("linux", "vm");

    /** Namespace types the {@code namespaces} section governs (network: {@code network}; user: {@code identity}). */
    public static final List<String> SHAREABLE_NAMESPACES = List.of("cgroup", "ipc", "mount", "pid", "time", "uts");

    /** The capabilities the OCI config parser knows. */
    public static final Set<String> CAPABILITIES = Set.copyOf(SpecNames.CAPABILITIES);

    /** Device types of the OCI spec ({@code a}: any, in device rules and allowances). */
    public static final Set<String> DEVICE_TYPES = Set.of("a", "b", "c", "u", "p");
}
