package io.bulwark.vmm.boot;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.memory.GuestLayout;
import java.nio.charset.StandardCharsets;

/**
 * The Intel MultiProcessor Specification 1.4 table (floating pointer + configuration table) that kernels with an
 * MP-table parser use to find the CPUs, the IO-APIC and how ISA interrupts are wired.
 */
public final class MpTable {
    private MpTable() {
    }

    static final int FLOATING_SIZE = 16;
    static final int HEADER_SIZE = 44;
    static final int PROCESSOR_SIZE = 20;
    static final int ENTRY_SIZE = 8;
    static final int ISA_IRQS = 16;
    static final int APIC_VERSION = 0x14;
    static final int IOAPIC_VERSION = 0x11;
    /** How many vCPUs fit between the EBDA start and 640 KiB. */
    public static final int MAX_CPUS = (1024 - FLOATING_SIZE - HEADER_SIZE - 3 * ENTRY_SIZE - ISA_IRQS * ENTRY_SIZE)
        / PROCESSOR_SIZE;

    /** The table to place at {@code address} for {@code cpus} CPUs; the IO-APIC id is {@code cpus}. */
    public static byte[] build(long address, int cpus) {
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new BulwarkException("the MP table holds 1 to " + MAX_CPUS + " CPUs, not " + cpus);
        }
        int entries = cpus + 1 + 1 + ISA_IRQS + 2;
        int tableLength = HEADER_SIZE + cpus * PROCESSOR_SIZE + (entries - cpus) * ENTRY_SIZE;
        byte[] b = new byte[FLOATING_SIZE + tableLength];
        long table = address + FLOATING_SIZE;
        // Floating pointer structure.
        put(b, 0, "_MP_");
        Structs.put32(b, 4, table);
        Structs.put8(b, 8, 1); // length in 16-byte units
        Structs.put8(b, 9, 4); // spec revision 1.4
        Checksum.fix(b, 10, 0, FLOATING_SIZE);
        // Configuration table header.
        int h = FLOATING_SIZE;
        put(b, h, "PCMP");
        Structs.put16(b, h + 4, tableLength);
        Structs.put8(b, h + 6, 4);
        put(b, h + 8, "BULWARK ");
        put(b, h + 16, "MICROVM     ");
        Structs.put16(b, h + 34, entries);
        Structs.put32(b, h + 36, GuestLayout.LAPIC);
        int p = h + HEADER_SIZE;
        for (int cpu = 0; cpu < cpus; cpu++) {
            Structs.put8(b, p, 0);
            Structs.put8(b, p + 1, cpu);
            Structs.put8(b, p + 2, APIC_VERSION);
            Structs.put8(b, p + 3, 1 | (cpu == 0 ? 2 : 0)); // enabled, bootstrap processor
            Structs.put32(b, p + 4, 0x600); // family 6
            Structs.put32(b, p + 8, 0x201); // FPU, APIC
            p += PROCESSOR_SIZE;
        }
        Structs.put8(b, p, 1); // bus 0 is ISA
        put(b, p + 2, "ISA   ");
        p += ENTRY_SIZE;
        int ioapicId = cpus;
        Structs.put8(b, p, 2);
        Structs.put8(b, p + 1, ioapicId);
        Structs.put8(b, p + 2, IOAPIC_VERSION);
        Structs.put8(b, p + 3, 1);
        Structs.put32(b, p + 4, GuestLayout.IOAPIC);
        p += ENTRY_SIZE;
        for (int irq = 0; irq < ISA_IRQS; irq++) { // ISA IRQ n is IO-APIC pin n, as KVM routes them
            Structs.put8(b, p, 3);
            Structs.put8(b, p + 1, 0); // vectored interrupt
            Structs.put8(b, p + 4, 0);
            Structs.put8(b, p + 5, irq);
            Structs.put8(b, p + 6, ioapicId);
            Structs.put8(b, p + 7, irq);
            p += ENTRY_SIZE;
        }
        // Local interrupts: LINT0 is ExtINT (the PIC), LINT1 is NMI, on every local APIC.
        for (int[] lint : new int[][] {{3, 0}, {1, 1}}) {
            Structs.put8(b, p, 4);
            Structs.put8(b, p + 1, lint[0]);
            Structs.put8(b, p + 6, 0xff);
            Structs.put8(b, p + 7, lint[1]);
            p += ENTRY_SIZE;
        }
        Checksum.fix(b, h + 7, h, tableLength);
        return b;
    }

    static void put(byte[] b, int off, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, off, s.length);
    }
}
