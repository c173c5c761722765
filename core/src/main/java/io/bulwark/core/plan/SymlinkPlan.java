package io.bulwark.core.plan;

/** A symlink {@code linkPath -> target} to create inside the container. */
public record SymlinkPlan(String target, String linkPath) {
}
