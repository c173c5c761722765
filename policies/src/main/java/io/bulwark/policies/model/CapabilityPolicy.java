package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code capabilities}: what the workload may keep in any of its five sets.
 *
 * @param allowed     capability names ({@code CAP_...}); anything else is refused or dropped
 * @param enforcement tighten: drop the others from every set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CapabilityPolicy(List<String> allowed, Enforcement enforcement) {
}
