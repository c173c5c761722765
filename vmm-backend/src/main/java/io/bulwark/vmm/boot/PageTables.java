package io.bulwark.vmm.boot;

import io.bulwark.vmm.memory.GuestLayout;
import io.bulwark.vmm.memory.GuestMemory;

/**
 * The boot page tables: the first {@link GuestLayout#IDENTITY_MAPPED} bytes identity-mapped with 2 MiB pages, as
 * the 64-bit boot protocol requires for the kernel, boot_params, the command line and the initrd.
 */
public final class PageTables {
    private PageTables() {
    }

    static final long PRESENT = 1;
    static final long WRITABLE = 2;
    static final long HUGE = 0x80;
    static final long PAGE_2M = 2 * GuestLayout.MIB;

    public static void write(GuestMemory mem) {
        mem.putLong(GuestLayout.PML4, GuestLayout.PDPT | PRESENT | WRITABLE);
        mem.putLong(GuestLayout.PDPT, GuestLayout.PD | PRESENT | WRITABLE);
        long entries = GuestLayout.IDENTITY_MAPPED / PAGE_2M;
        for (long i = 0; i < entries; i++) {
            mem.putLong(GuestLayout.PD + i * 8, (i * PAGE_2M) | PRESENT | WRITABLE | HUGE);
        }
    }

    /** Walks the tables as the MMU would; returns the physical address {@code va} maps to, or -1. */
    public static long translate(GuestMemory mem, long cr3, long va) {
        long pml4e = mem.getLong((cr3 & ~0xfffL) + ((va >>> 39) & 511) * 8);
        if ((pml4e & PRESENT) == 0) {
            return -1;
        }
        long pdpte = mem.getLong((pml4e & 0x000ffffffffff000L) + ((va >>> 30) & 511) * 8);
        if ((pdpte & PRESENT) == 0) {
            return -1;
        }
        long pde = mem.getLong((pdpte & 0x000ffffffffff000L) + ((va >>> 21) & 511) * 8);
        if ((pde & PRESENT) == 0 || (pde & HUGE) == 0) {
            return -1;
        }
        return (pde & 0x000fffffffe00000L) | (va & (PAGE_2M - 1));
    }
}
