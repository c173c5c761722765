package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A per-device blkio weight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WeightDevice(
    Long major,
    Long minor,
    Integer weight,
    Integer leafWeight) {
}
