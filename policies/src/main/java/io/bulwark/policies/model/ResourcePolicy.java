package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code resources}: ceilings on {@code linux.resources} and the values applied when a bundle asks for none.
 *
 * @param memory      memory limit ceiling and default
 * @param cpu         CPU ceiling and default, in CPUs (quota / period)
 * @param pids        pids limit ceiling and default
 * @param blockIO     per-device disk I/O throttles: ceilings, and the throttles applied when a bundle sets none
 * @param enforcement tighten: cap what exceeds a ceiling
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourcePolicy(
    MemoryCeiling memory, CpuCeiling cpu, PidsCeiling pids, List<IoCeiling> blockIO, Enforcement enforcement) {
}
