package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code network}: how the container may reach a network. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkPolicy(NetworkMode mode) {
}
