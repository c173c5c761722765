package io.bulwark.core.cgroup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A cgroup's resource usage, shaped and named as the {@code data} of runc's {@code events --stats} so that tools
 * reading runc's output read ours. Times are nanoseconds, sizes bytes.
 */
@JsonInclude(Include.ALWAYS)
public record CgroupStats(
    Cpu cpu,
    CpuSet cpuset,
    Memory memory,
    Pids pids,
    Blkio blkio,
    Map<String, Hugetlb> hugetlb,
    @JsonProperty("intel_rdt") Map<String, Object> intelRdt,
    @JsonProperty("network_interfaces") List<Object> networkInterfaces) {

    public record Cpu(CpuUsage usage, Throttling throttling) {
    }

    public record CpuUsage(
        long kernel,
        long user,
        @JsonInclude(Include.NON_DEFAULT) long total,
        @JsonInclude(Include.NON_EMPTY) List<Long> percpu,
        @JsonProperty("percpu_kernel") @JsonInclude(Include.NON_EMPTY) List<Long> percpuKernel,
        @JsonProperty("percpu_user") @JsonInclude(Include.NON_EMPTY) List<Long> percpuUser) {
    }

    public record Throttling(
        @JsonInclude(Include.NON_DEFAULT) long periods,
        @JsonInclude(Include.NON_DEFAULT) long throttledPeriods,
        @JsonInclude(Include.NON_DEFAULT) long throttledTime) {
    }

    public record CpuSet(
        @JsonInclude(Include.NON_EMPTY) List<Integer> cpus,
        @JsonInclude(Include.NON_EMPTY) List<Integer> mems) {
    }

    public record Memory(
        @JsonInclude(Include.NON_DEFAULT) long cache,
        MemoryEntry usage,
        MemoryEntry swap,
        MemoryEntry kernel,
        MemoryEntry kernelTCP,
        @JsonInclude(Include.NON_EMPTY) Map<String, Long> raw) {
    }

    /** {@code limit} is the configured limit (the kernel's "unlimited" value when there is none). */
    public record MemoryEntry(
        long limit,
        @JsonInclude(Include.NON_DEFAULT) long usage,
        @JsonInclude(Include.NON_DEFAULT) long max,
        long failcnt) {
        static final MemoryEntry EMPTY = new MemoryEntry(0, 0, 0, 0);
    }

    /** {@code limit} 0 means no limit. */
    public record Pids(
        @JsonInclude(Include.NON_DEFAULT) long current,
        @JsonInclude(Include.NON_DEFAULT) long limit) {
    }

    public record Blkio(
        @JsonInclude(Include.NON_EMPTY) List<BlkioEntry> ioServiceBytesRecursive,
        @JsonInclude(Include.NON_EMPTY) List<BlkioEntry> ioServicedRecursive) {
    }

    /** {@code op} is Read, Write, Sync, Async, Discard or Total. */
    public record BlkioEntry(
        @JsonInclude(Include.NON_DEFAULT) long major,
        @JsonInclude(Include.NON_DEFAULT) long minor,
        @JsonInclude(Include.NON_EMPTY) String op,
        @JsonInclude(Include.NON_DEFAULT) long value) {
    }

    public record Hugetlb(
        @JsonInclude(Include.NON_DEFAULT) long usage,
        @JsonInclude(Include.NON_DEFAULT) long max,
        long failcnt) {
    }
}
