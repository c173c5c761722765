package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which seccomp profile a tenant's containers get. */
public enum SeccompProfileKind {
    /** Bulwark's built-in default profile (the usual container allowlist). */
    @JsonProperty("default") DEFAULT,
    /** Bulwark's stricter built-in profile. */
    @JsonProperty("strict") STRICT,
    /** An operator's profile file, named by {@code seccomp.file}. */
    @JsonProperty("file") FILE;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
