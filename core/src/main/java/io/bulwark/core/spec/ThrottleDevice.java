package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A per-device blkio throttle (bytes or IOs per second). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThrottleDevice(
    Long major,
    Long minor,
    Long rate) {
}
