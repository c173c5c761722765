package io.bulwark.core.plan;

/** A kernel parameter, written to /proc/sys/KEY (dots become slashes) inside the container. */
public record SysctlPlan(String key, String value) {
}
