package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code backend}: where the tenant's workloads may run.
 *
 * @param allowed        the backends a workload may choose ({@code linux}, {@code vm})
 * @param defaultBackend the backend used when the bundle names none ({@code default})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendPolicy(List<String> allowed, @JsonProperty("default") String defaultBackend) {
}
