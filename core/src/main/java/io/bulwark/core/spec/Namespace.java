package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.namespaces[]`: a namespace to create (no path) or to join (path). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Namespace(
    String type,
    String path) {
}
