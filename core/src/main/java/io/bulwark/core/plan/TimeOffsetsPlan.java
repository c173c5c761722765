package io.bulwark.core.plan;

/** Offsets of CLOCK_MONOTONIC and CLOCK_BOOTTIME in a new time namespace (seconds, nanoseconds). */
public record TimeOffsetsPlan(long monotonicSecs, long monotonicNanos, long boottimeSecs, long boottimeNanos) {
}
