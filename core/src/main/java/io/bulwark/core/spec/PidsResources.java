package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.resources.pids`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PidsResources(
    Long limit) {
}
