package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Ceiling and default of {@code linux.resources.pids.limit}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PidsCeiling(Long max, @JsonProperty("default") Long defaultLimit) {
}
