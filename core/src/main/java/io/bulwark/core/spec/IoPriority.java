package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `process.ioPriority`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IoPriority(
    @com.fasterxml.jackson.annotation.JsonProperty("class") String klass,
    Integer priority) {
}
