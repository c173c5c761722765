package io.bulwark.vmm.boot;

import io.bulwark.vmm.kvm.Segment;
import io.bulwark.vmm.memory.GuestLayout;
import io.bulwark.vmm.memory.GuestMemory;

/**
 * The boot GDT. The selectors follow the 64-bit boot protocol: __BOOT_CS = 0x10 and __BOOT_DS = 0x18, both flat
 * 4 GiB; the TSS that VMX needs loaded sits at 0x20.
 */
public final class Gdt {
    private Gdt() {
    }

    /** Access byte and flags nibble as one 16-bit value (flags in the high nibble of the high byte). */
    public static final int CODE64 = 0xa09b;
    public static final int DATA = 0xc093;
    public static final int TSS = 0x808b;
    public static final int BOOT_CS = 0x10;
    public static final int BOOT_DS = 0x18;
    public static final int BOOT_TSS = 0x20;

    public static long[] bootTable() {
        return new long[] {0, 0, entry(CODE64, 0, 0xfffff), entry(DATA, 0, 0xfffff), entry(TSS, 0, 0xfffff)};
    }

    /** Encodes a descriptor from flags (as above), a 32-bit base and a 20-bit limit. */
    public static long entry(int flags, long base, long limit) {
        return ((base & 0xff000000L) << 32) | ((base & 0x00ffffffL) << 16) | (limit & 0xffffL)
            | ((limit & 0xf0000L) << 32) | (((long) flags & 0xf0ffL) << 40);
    }

    /** The segment register contents KVM needs for the descriptor at {@code selector}. */
    public static Segment segment(long descriptor, int selector) {
        long base = ((descriptor >>> 16) & 0xffffffL) | ((descriptor >>> 32) & 0xff000000L);
        long limitRaw = (descriptor & 0xffffL) | ((descriptor >>> 32) & 0xf0000L);
        boolean g = ((descriptor >>> 55) & 1) != 0;
        long limit = g ? (limitRaw << 12) | 0xfff : limitRaw;
        return new Segment(base, limit, selector, (int) ((descriptor >>> 40) & 0xf), ((descriptor >>> 47) & 1) != 0,
            (int) ((descriptor >>> 45) & 3), ((descriptor >>> 54) & 1) != 0, ((descriptor >>> 44) & 1) != 0,
            ((descriptor >>> 53) & 1) != 0, g, ((descriptor >>> 52) & 1) != 0, false);
    }

    public static void write(GuestMemory mem) {
        long[] table = bootTable();
        for (int i = 0; i < table.length; i++) {
            mem.putLong(GuestLayout.GDT + i * 8L, table[i]);
        }
        mem.putLong(GuestLayout.IDT, 0);
    }

    public static int limit() {
        return bootTable().length * 8 - 1;
    }
}
