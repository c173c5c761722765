package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `process.user`: the identity the workload runs as inside the container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record User(
    Long uid,
    Long gid,
    Integer umask,
    List<Long> additionalGids,
    String username) {
}
