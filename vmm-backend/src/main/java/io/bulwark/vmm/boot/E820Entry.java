package io.bulwark.vmm.boot;

import io.bulwark.vmm.memory.GuestLayout;
import java.util.ArrayList;
import java.util.List;

/** One entry of the e820 memory map handed to the kernel in boot_params. */
public record E820Entry(long address, long size, int type) {
    public static final int RAM = 1;
    public static final int RESERVED = 2;
    public static final int SIZE = 20;

    /** The map for a guest with {@code memory} bytes of RAM laid out as {@link GuestLayout} says. */
    public static List<E820Entry> forMemory(long memory) {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, GuestLayout.EBDA, RAM));
        map.add(new E820Entry(GuestLayout.EBDA, 0xa0000 - GuestLayout.EBDA, RESERVED));
        map.add(new E820Entry(GuestLayout.BIOS_AREA, GuestLayout.BIOS_AREA_END - GuestLayout.BIOS_AREA, RESERVED));
        for (long[] region : GuestLayout.ramRegions(memory)) {
            long start = Math.max(region[0], GuestLayout.KERNEL);
            if (region[1] > start) {
                map.add(new E820Entry(start, region[1] - start, RAM));
            }
        }
        return map;
    }
}
