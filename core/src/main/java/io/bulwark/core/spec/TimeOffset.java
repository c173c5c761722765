package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.timeOffsets.*`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimeOffset(
    Long secs,
    Long nanosecs) {
}
