package io.bulwark.core.plan;

/** The five capability sets as bit masks (bit N = capability number N). */
public record CapabilityPlan(long bounding, long effective, long inheritable, long permitted, long ambient) {
}
