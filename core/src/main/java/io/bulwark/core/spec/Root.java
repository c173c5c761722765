package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `root`: the container's root filesystem. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Root(
    String path,
    Boolean readonly) {
}
