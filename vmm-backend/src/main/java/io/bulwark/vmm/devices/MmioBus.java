package io.bulwark.vmm.devices;

import java.util.Map;
import java.util.TreeMap;

/** Routes guest MMIO exits to devices; unclaimed addresses read as zero and ignore writes. */
public final class MmioBus {
    private record Window(long base, long length, MmioDevice device) {
    }

    private final TreeMap<Long, Window> windows = new TreeMap<>();

    public void register(long base, long length, MmioDevice device) {
        Map.Entry<Long, Window> below = windows.floorEntry(base + length - 1);
        if (below != null && below.getValue().base() + below.getValue().length() > base) {
            throw new IllegalArgumentException(String.format("MMIO window %#x+%#x overlaps another", base, length));
        }
        windows.put(base, new Window(base, length, device));
    }

    private Window find(long address) {
        Map.Entry<Long, Window> e = windows.floorEntry(address);
        if (e == null || address >= e.getValue().base() + e.getValue().length()) {
            return null;
        }
        return e.getValue();
    }

    public long read(long address, int size) {
        Window w = find(address);
        return w == null ? 0 : w.device().read(address - w.base(), size);
    }

    public void write(long address, int size, long value) {
        Window w = find(address);
        if (w != null) {
            w.device().write(address - w.base(), size, value);
        }
    }
}
