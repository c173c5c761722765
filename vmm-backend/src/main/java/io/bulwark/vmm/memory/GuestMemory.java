package io.bulwark.vmm.memory;

import io.bulwark.core.BulwarkException;
import jnr.ffi.Pointer;

/**
 * Guest RAM as the VMM sees it: one host mapping per RAM region, addressed by guest-physical address. Accesses are
 * bounds-checked so that a guest-supplied address can never reach outside guest memory.
 */
public final class GuestMemory {
    private final long[][] regions;
    private final Pointer[] mappings;

    /** @param regions [start, end) guest-physical ranges; {@code mappings[i]} backs {@code regions[i]} */
    public GuestMemory(long[][] regions, Pointer[] mappings) {
        this.regions = regions.clone();
        this.mappings = mappings.clone();
    }

    public long[][] regions() {
        return regions.clone();
    }

    public long size() {
        long total = 0;
        for (long[] r : regions) {
            total += r[1] - r[0];
        }
        return total;
    }

    private Pointer at(long gpa, long length) {
        for (int i = 0; i < regions.length; i++) {
            if (gpa >= regions[i][0] && length >= 0 && gpa + length <= regions[i][1]) {
                return mappings[i].slice(gpa - regions[i][0]);
            }
        }
        throw new BulwarkException(String.format("guest address range [%#x, %#x) is not guest RAM", gpa, gpa + length));
    }

    public boolean contains(long gpa, long length) {
        for (long[] r : regions) {
            if (gpa >= r[0] && length >= 0 && gpa + length <= r[1]) {
                return true;
            }
        }
        return false;
    }

    public void write(long gpa, byte[] data) {
        write(gpa, data, 0, data.length);
    }

    public void write(long gpa, byte[] data, int off, int len) {
        at(gpa, len).put(0, data, off, len);
    }

    public byte[] read(long gpa, int length) {
        byte[] b = new byte[length];
        at(gpa, length).get(0, b, 0, length);
        return b;
    }

    public void putLong(long gpa, long v) {
        at(gpa, 8).putLong(0, v);
    }

    public long getLong(long gpa) {
        return at(gpa, 8).getLong(0);
    }

    public void putInt(long gpa, int v) {
        at(gpa, 4).putInt(0, v);
    }

    public int getInt(long gpa) {
        return at(gpa, 4).getInt(0);
    }

    public int getByte(long gpa) {
        return at(gpa, 1).getByte(0) & 0xff;
    }
}
