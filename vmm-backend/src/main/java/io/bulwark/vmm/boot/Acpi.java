package io.bulwark.vmm.boot;

import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.memory.GuestLayout;

/**
 * ACPI tables for kernels that find their interrupt controllers through ACPI only: RSDP → XSDT → FADT (hardware-
 * reduced, pointing at an empty DSDT) and the MADT (one local APIC per vCPU plus the IO-APIC). Virtio-mmio devices
 * will be described in the DSDT.
 */
public final class Acpi {
    private Acpi() {
    }

    static final int HEADER_SIZE = 36;
    static final int RSDP_SIZE = 36;
    static final int FADT_SIZE = 276;
    /** FADT flags bit 20: no legacy ACPI hardware (PM timer, SCI, fixed event registers). */
    static final long FADT_HW_REDUCED_ACPI = 1L << 20;

    /** The tables, laid out from {@code base} (the RSDP first), as one blob to copy there. */
    public static byte[] build(long base, int cpus) {
        long rsdp = base;
        long dsdt = align(rsdp + RSDP_SIZE);
        byte[] dsdtTable = table("DSDT", 2, new byte[0]);
        long fadt = align(dsdt + dsdtTable.length);
        byte[] fadtTable = fadt(dsdt);
        long madt = align(fadt + fadtTable.length);
        byte[] madtTable = madt(cpus);
        long xsdt = align(madt + madtTable.length);
        byte[] xsdtBody = new byte[16];
        Structs.put64(xsdtBody, 0, fadt);
        Structs.put64(xsdtBody, 8, madt);
        byte[] xsdtTable = table("XSDT", 1, xsdtBody);

        byte[] blob = new byte[(int) (xsdt + xsdtTable.length - base)];
        System.arraycopy(rsdp(xsdt), 0, blob, 0, RSDP_SIZE);
        System.arraycopy(dsdtTable, 0, blob, (int) (dsdt - base), dsdtTable.length);
        System.arraycopy(fadtTable, 0, blob, (int) (fadt - base), fadtTable.length);
        System.arraycopy(madtTable, 0, blob, (int) (madt - base), madtTable.length);
        System.arraycopy(xsdtTable, 0, blob, (int) (xsdt - base), xsdtTable.length);
        return blob;
    }

    private static long align(long v) {
        return (v + 15) & ~15L;
    }

    static byte[] rsdp(long xsdt) {
        byte[] b = new byte[RSDP_SIZE];
        MpTable.put(b, 0, "RSD PTR ");
        MpTable.put(b, 9, "BLWARK");
        Structs.put8(b, 15, 2); // ACPI 2.0+: use the XSDT
        Structs.put32(b, 20, RSDP_SIZE);
        Structs.put64(b, 24, xsdt);
        Checksum.fix(b, 8, 0, 20);
        Checksum.fix(b, 32, 0, RSDP_SIZE);
        return b;
    }

    static byte[] table(String signature, int revision, byte[] body) {
        byte[] b = new byte[HEADER_SIZE + body.length];
        MpTable.put(b, 0, signature);
        Structs.put32(b, 4, b.length);
        Structs.put8(b, 8, revision);
        MpTable.put(b, 10, "BLWARK");
        MpTable.put(b, 16, "BWMICROV");
        Structs.put32(b, 24, 1);
        MpTable.put(b, 28, "BLWK");
        Structs.put32(b, 32, 1);
        System.arraycopy(body, 0, b, HEADER_SIZE, body.length);
        Checksum.fix(b, 9, 0, b.length);
        return b;
    }

    static byte[] fadt(long dsdt) {
        byte[] body = new byte[FADT_SIZE - HEADER_SIZE];
        Structs.put32(body, 40 - HEADER_SIZE, dsdt);
        Structs.put32(body, 112 - HEADER_SIZE, FADT_HW_REDUCED_ACPI);
        Structs.put8(body, 131 - HEADER_SIZE, 2); // FADT minor version (6.2)
        Structs.put64(body, 140 - HEADER_SIZE, dsdt);
        MpTable.put(body, 268 - HEADER_SIZE, "BULWARK ");
        return table("FACP", 6, body);
    }

    static byte[] madt(int cpus) {
        byte[] body = new byte[8 + cpus * 8 + 12];
        Structs.put32(body, 0, GuestLayout.LAPIC);
        Structs.put32(body, 4, 1); // PCAT_COMPAT: there are 8259 PICs too
        int p = 8;
        for (int cpu = 0; cpu < cpus; cpu++) {
            Structs.put8(body, p, 0); // processor local APIC
            Structs.put8(body, p + 1, 8);
            Structs.put8(body, p + 2, cpu);
            Structs.put8(body, p + 3, cpu);
            Structs.put32(body, p + 4, 1); // enabled
            p += 8;
        }
        Structs.put8(body, p, 1); // IO-APIC
        Structs.put8(body, p + 1, 12);
        Structs.put8(body, p + 2, cpus);
        Structs.put32(body, p + 4, GuestLayout.IOAPIC);
        Structs.put32(body, p + 8, 0);
        return table("APIC", 6, body);
    }
}
