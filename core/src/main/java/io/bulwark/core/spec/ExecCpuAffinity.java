package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `process.execCPUAffinity`. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecCpuAffinity(
    String initial,
    @com.fasterxml.jackson.annotation.JsonProperty("final") String finalAffinity) {
}
