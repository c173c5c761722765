package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a tenant's containers may reach a network, from the narrowest to the widest. */
public enum NetworkMode {
    /** A new network namespace made for the container: loopback only. */
    @JsonProperty("none") NONE,
    /** A new namespace, or one prepared for the container (a CNI/netavark namespace path), never the host's. */
    @JsonProperty("private") PRIVATE,
    /** The host's network namespace may be shared. */
    @JsonProperty("host") HOST;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
