package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `process.rlimits[]`: one POSIX resource limit (`RLIMIT_...`). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rlimit(
    String type,
    Long soft,
    Long hard) {
}
