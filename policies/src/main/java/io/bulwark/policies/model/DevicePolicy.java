package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code devices}: device nodes ({@code linux.devices}) and device cgroup allow rules
 * ({@code linux.resources.devices}) a bundle may ask for. Deny rules are always accepted.
 *
 * @param allowed     the devices that may be created or allowed
 * @param enforcement tighten: drop what is not allowed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevicePolicy(List<DeviceAllowance> allowed, Enforcement enforcement) {
}
