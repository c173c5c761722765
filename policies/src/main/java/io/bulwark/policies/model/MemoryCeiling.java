package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Memory limit (and memory+swap) ceiling, and the limit set when the bundle has none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemoryCeiling(ByteSize max, @JsonProperty("default") ByteSize defaultLimit) {
}
