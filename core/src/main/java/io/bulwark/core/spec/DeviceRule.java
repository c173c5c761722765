package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** `linux.resources.devices[]`: a device cgroup allow/deny rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceRule(
    Boolean allow,
    String type,
    Long major,
    Long minor,
    String access) {
}
