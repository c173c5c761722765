package io.bulwark.core.plan;

/**
 * One line of a user namespace's {@code uid_map} or {@code gid_map}: ids {@code containerId ..
 * containerId+size-1} inside are {@code hostId ..} in the parent namespace.
 */
public record IdMappingPlan(long containerId, long hostId, long size) {
    public IdMappingPlan {
        if (size < 1 || containerId < 0 || hostId < 0 || containerId + size > 1L << 32 || hostId + size > 1L << 32) {
            throw new IllegalArgumentException("bad id mapping " + containerId + " " + hostId + " " + size);
        }
    }
}
