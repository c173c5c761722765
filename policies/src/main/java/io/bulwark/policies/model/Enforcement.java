package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What admission does with a bundle that asks for more than a rule allows. */
public enum Enforcement {
    /** Refuse the container and report the violation. */
    @JsonProperty("refuse") REFUSE,
    /** Change the config to what the rule allows (drop, cap, replace) and report the change. */
    @JsonProperty("tighten") TIGHTEN;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
