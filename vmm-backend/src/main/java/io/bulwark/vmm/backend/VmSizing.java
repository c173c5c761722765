package io.bulwark.vmm.backend;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Spec;
import io.bulwark.vmm.VmBuilder;
import io.bulwark.vmm.boot.MpTable;
import java.util.Map;

/**
 * Guest memory and vCPUs for a container: Bulwark's annotations first, then {@code linux.resources} (the memory
 * limit; the CPU quota over its period, or the size of the cpuset), else the defaults.
 *
 * @param memoryMib guest RAM
 * @param vcpus     vCPU count
 */
public record VmSizing(long memoryMib, int vcpus) {
    public static final String MEMORY_ANNOTATION = "io.bulwark.vm.memory-mib";
    public static final String VCPUS_ANNOTATION = "io.bulwark.vm.vcpus";
    /** Below this a Linux guest with an initramfs does not boot. */
    public static final long MIN_MEMORY_MIB = 64;

    public static VmSizing of(Spec spec) {
        Map<String, String> ann = spec.annotations() == null ? Map.of() : spec.annotations();
        Linux linux = spec.linux();
        Resources res = linux == null ? null : linux.resources();
        MemoryResources mem = res == null ? null : res.memory();
        CpuResources cpu = res == null ? null : res.cpu();

        long memoryMib = VmBuilder.DEFAULT_MEMORY_MIB;
        if (ann.containsKey(MEMORY_ANNOTATION)) {
            memoryMib = number(ann.get(MEMORY_ANNOTATION), MEMORY_ANNOTATION);
        } else if (mem != null && mem.limit() != null && mem.limit() > 0) {
            memoryMib = Math.max(MIN_MEMORY_MIB, (mem.limit() + (1 << 20) - 1) >> 20);
        }
        int vcpus = VmBuilder.DEFAULT_VCPUS;
        if (ann.containsKey(VCPUS_ANNOTATION)) {
            vcpus = (int) number(ann.get(VCPUS_ANNOTATION), VCPUS_ANNOTATION);
        } else if (cpu != null && cpu.quota() != null && cpu.quota() > 0) {
            long period = cpu.period() == null || cpu.period() <= 0 ? 100_000 : cpu.period();
            vcpus = (int) Math.min(MpTable.MAX_CPUS, (cpu.quota() + period - 1) / period);
        } else if (cpu != null && cpu.cpus() != null && !cpu.cpus().isBlank()) {
            vcpus = Math.min(MpTable.MAX_CPUS, cpusetSize(cpu.cpus()));
        }
        if (memoryMib < MIN_MEMORY_MIB) {
            throw new BulwarkException("config.json: " + (ann.containsKey(MEMORY_ANNOTATION)
                ? "annotations[\"" + MEMORY_ANNOTATION + "\"]" : "linux.resources.memory.limit")
                + ": a VM needs at least " + MIN_MEMORY_MIB + " MiB, not " + memoryMib);
        }
        if (vcpus < 1 || vcpus > MpTable.MAX_CPUS) {
            throw BulwarkException.invalid("config.json", "annotations[\"" + VCPUS_ANNOTATION + "\"]",
                "must be between 1 and " + MpTable.MAX_CPUS);
        }
        return new VmSizing(memoryMib, vcpus);
    }

    private static long number(String v, String annotation) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw BulwarkException.invalid("config.json", "annotations[\"" + annotation + "\"]",
                "\"" + v + "\" is not a number");
        }
    }

    /** CPUs in a cpuset list such as {@code 0-3,6}. */
    static int cpusetSize(String list) {
        int n = 0;
        for (String part : list.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                n += dash < 0 ? 1 : Integer.parseInt(p.substring(dash + 1)) - Integer.parseInt(p.substring(0, dash)) + 1;
            } catch (NumberFormatException e) {
                throw BulwarkException.invalid("config.json", "linux.resources.cpu.cpus", "\"" + list
                    + "\" is not a CPU list");
            }
        }
        return Math.max(1, n);
    }
}
