package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `process.consoleSize`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsoleSize(
    Integer height,
    Integer width) {
}
