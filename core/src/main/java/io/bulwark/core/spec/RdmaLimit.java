package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.resources.rdma.*`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RdmaLimit(
    Long hcaHandles,
    Long hcaObjects) {
}
