package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;

/** The cgroup v1 to v2 value conversions runc and crun apply, so one config means the same on both. */
public final class ResourceConversions {
    public static final long CPU_SHARES_MIN = 2;
    public static final long CPU_SHARES_MAX = 262144;
    public static final long CPU_WEIGHT_MAX = 10000;
    public static final long BLKIO_WEIGHT_MIN = 10;
    public static final long BLKIO_WEIGHT_MAX = 1000;

    private ResourceConversions() {
    }

    /**
     * cpu.shares [2, 262144] to cpu.weight [1, 10000] on the log scale current runc and crun use: the ends map to the
     * ends and the v1 default 1024 maps to the v2 default 100. 0 stays 0 ("not set").
     */
    public static long cpuSharesToWeight(long shares) {
        if (shares == 0) {
            return 0;
        }
        if (shares <= CPU_SHARES_MIN) {
            return 1;
        }
        if (shares >= CPU_SHARES_MAX) {
            return CPU_WEIGHT_MAX;
        }
        double l = Math.log(shares) / Math.log(2);
        double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
        return (long) Math.ceil(Math.pow(10, exponent));
    }

    /** blkio.weight [10, 1000] to io.weight [1, 10000], linearly. 0 stays 0 ("not set"). */
    public static long blkioWeightToIoWeight(long weight) {
        if (weight == 0) {
            return 0;
        }
        return 1 + (weight - BLKIO_WEIGHT_MIN) * (CPU_WEIGHT_MAX - 1) / (BLKIO_WEIGHT_MAX - BLKIO_WEIGHT_MIN);
    }

    /**
     * The OCI {@code memory.swap} is memory+swap (v1's memory.memsw.limit_in_bytes); v2's memory.swap.max is the swap
     * alone. Returns -1 for "max", 0 for "not set".
     */
    public static long memorySwapToV2(long memorySwap, long memory) {
        if (memory == -1 && memorySwap == 0) {
            return -1; // memory unlimited and swap not given: both unlimited, as on v1
        }
        if (memorySwap == -1 || memorySwap == 0) {
            return memorySwap;
        }
        if (memory == 0 || memory == -1) {
            throw new BulwarkException("linux.resources.memory.swap needs a memory limit on cgroup v2", 22);
        }
        if (memory < 0 || memorySwap < memory) {
            throw new BulwarkException("linux.resources.memory.swap (" + memorySwap
                + ") must be at least linux.resources.memory.limit (" + memory + ")", 22);
        }
        return memorySwap - memory;
    }

    /** cpu.max's value: {@code QUOTA PERIOD} or {@code max PERIOD}. */
    public static String cpuMax(Long quota, Long period) {
        String q = quota == null || quota <= 0 ? "max" : Long.toString(quota);
        return period == null || period == 0 ? q : q + " " + period;
    }

    /** A v2 limit: "max" for -1 (or any negative), the number otherwise. */
    public static String v2Limit(long value) {
        return value < 0 ? "max" : Long.toString(value);
    }
}
