package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A range of host ids: {@code size} ids starting at {@code hostID}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdRange(Long hostID, Long size) {

    /** True when {@code [start, start + length)} lies inside this range. */
    public boolean contains(long start, long length) {
        return start >= hostID && length >= 0 && start + length <= hostID + size;
    }
}
