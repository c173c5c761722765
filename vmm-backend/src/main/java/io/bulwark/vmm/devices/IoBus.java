package io.bulwark.vmm.devices;

import java.util.Map;
import java.util.TreeMap;

/**
 * Routes port I/O to devices. Ports no device claims read as all ones and ignore writes, as on a PC with nothing
 * plugged in, because Linux probes many legacy ports.
 */
public final class IoBus {
    private record Range(int base, int length, PortDevice device) {
    }

    private final TreeMap<Integer, Range> ranges = new TreeMap<>();

    public void register(int base, int length, PortDevice device) {
        Map.Entry<Integer, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().base() + below.getValue().length() > base) {
            throw new IllegalArgumentException(String.format("ports %#x+%d overlap another device", base, length));
        }
        ranges.put(base, new Range(base, length, device));
    }

    private Range find(int port) {
        Map.Entry<Integer, Range> e = ranges.floorEntry(port);
        if (e == null || port >= e.getValue().base() + e.getValue().length()) {
            return null;
        }
        return e.getValue();
    }

    public long read(int port, int size) {
        Range r = find(port);
        if (r == null) {
            return size >= 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
        }
        return r.device().read(port - r.base(), size);
    }

    public void write(int port, int size, long value) {
        Range r = find(port);
        if (r != null) {
            r.device().write(port - r.base(), size, value);
        }
    }
}
