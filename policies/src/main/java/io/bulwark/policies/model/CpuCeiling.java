package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/** CPU ceiling and default in CPUs (e.g. 0.5 is half of one CPU: quota = period / 2). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CpuCeiling(BigDecimal max, @JsonProperty("default") BigDecimal defaultCpus) {
}
