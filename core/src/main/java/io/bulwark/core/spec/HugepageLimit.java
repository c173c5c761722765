package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.resources.hugepageLimits[]`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HugepageLimit(
    String pageSize,
    Long limit) {
}
