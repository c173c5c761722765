package io.bulwark.core.plan;

/** setrlimit(resource, {soft, hard}); -1 (all bits set) is RLIM_INFINITY. */
public record RlimitPlan(int resource, long soft, long hard) {
}
