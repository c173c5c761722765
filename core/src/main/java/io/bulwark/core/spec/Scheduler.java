package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `process.scheduler`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scheduler(
    String policy,
    Integer nice,
    Integer priority,
    List<String> flags,
    Long runtime,
    Long deadline,
    Long period) {
}
