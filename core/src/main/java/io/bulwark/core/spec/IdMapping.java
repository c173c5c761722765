package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A uid or gid mapping: `size` ids from `containerID` inside map to `hostID` outside. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdMapping(
    Long containerID,
    Long hostID,
    Long size) {
}
