package io.bulwark.policies.admission;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** The outcome of admission, as the audit log records it. */
public enum Decision {
    /** The config passed unchanged. */
    @JsonProperty("admitted") ADMITTED,
    /** The config passed after the policy tightened it. */
    @JsonProperty("tightened") TIGHTENED,
    /** The config broke the policy; nothing was created. */
    @JsonProperty("refused") REFUSED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
