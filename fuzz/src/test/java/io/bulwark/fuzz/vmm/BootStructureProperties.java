package io.bulwark.fuzz.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.fuzz.support.Bounded;
import io.bulwark.fuzz.support.Findings;
import io.bulwark.fuzz.support.FuzzProperty;
import io.bulwark.vmm.boot.Acpi;
import io.bulwark.vmm.boot.BootParams;
import io.bulwark.vmm.boot.BzImage;
import io.bulwark.vmm.boot.E820Entry;
import io.bulwark.vmm.boot.Gdt;
import io.bulwark.vmm.boot.MpTable;
import io.bulwark.vmm.kvm.Segment;
import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.memory.GuestLayout;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The microVM's boot structures: the bzImage header reader (a kernel file is input like any other), the zero page,
 * the e820 map, the MP table, the ACPI tables and GDT descriptors. Round trips (what is written reads back) and
 * bounds (checksums, lengths, ids, nothing outside guest RAM) for every size the VMM accepts.
 */
class BootStructureProperties {
    private static final int HEADER_END = 0x280;

    /** A kernel image: a plausible bzImage, then sometimes damaged. */
    record Kernel(String how, byte[] bytes, int setupSects, int version, int loadFlags, int xloadFlags) {
        @Override
        public String toString() {
            return how + " (" + bytes.length + " bytes, setup_sects=" + setupSects + ", version=0x"
                + Integer.toHexString(version) + ")";
        }
    }

    @Provide
    Arbitrary<Kernel> kernels() {
        return Arbitraries.randomValue(BootStructureProperties::kernel);
    }

    static Kernel kernel(Random r) {
        int setupSects = r.nextInt(8) == 0 ? r.nextInt(256) : r.nextInt(40);
        int version = r.nextInt(4) == 0 ? r.nextInt(0x10000) : 0x020c + r.nextInt(8);
        int loadFlags = r.nextInt(4) == 0 ? r.nextInt(256) : 0x01;
        int xloadFlags = r.nextInt(4) == 0 ? r.nextInt(0x10000) : 0x01 | (r.nextInt(0x80) << 1);
        int size = r.nextInt(10) == 0 ? r.nextInt(HEADER_END + 16) : (setupSects + 1) * 512 + r.nextInt(8192);
        byte[] b = new byte[size];
        if (size >= HEADER_END) {
            Structs.put8(b, BzImage.SETUP_HEADER_OFFSET, setupSects);
            Structs.put16(b, BzImage.BOOT_FLAG_OFFSET, r.nextInt(10) == 0 ? r.nextInt(0x10000) : BzImage.BOOT_FLAG);
            Structs.put8(b, 0x201, r.nextInt(256)); // the jump's offset: where the header ends
            Structs.put32(b, BzImage.HEADER_MAGIC_OFFSET, r.nextInt(10) == 0 ? r.nextInt() : BzImage.HEADER_MAGIC);
            Structs.put16(b, BzImage.VERSION_OFFSET, version);
            Structs.put8(b, BzImage.LOADFLAGS_OFFSET, loadFlags);
            Structs.put32(b, BzImage.INITRD_ADDR_MAX_OFFSET, r.nextInt());
            Structs.put32(b, BzImage.KERNEL_ALIGNMENT_OFFSET, r.nextInt());
            Structs.put16(b, BzImage.XLOADFLAGS_OFFSET, xloadFlags);
            Structs.put32(b, BzImage.CMDLINE_SIZE_OFFSET, r.nextInt());
            Structs.put32(b, BzImage.INIT_SIZE_OFFSET, r.nextInt());
        }
        String how = "plausible";
        if (r.nextInt(4) == 0 && size > 0) {
            for (int i = r.nextInt(8); i >= 0; i--) {
                b[r.nextInt(size)] = (byte) r.nextInt();
            }
            how = "damaged";
        }
        return new Kernel(how, b, setupSects, version, loadFlags, xloadFlags);
    }

    @FuzzProperty(cases = 3000)
    void bzImageReaderAcceptsOrRefusesClearly(@ForAll("kernels") Kernel k) {
        Findings.guard(k.bytes(), () -> {
            Bounded.Outcome<BzImage> o = Bounded.run("bzImage", Duration.ofSeconds(5), 64L << 20,
                () -> BzImage.parse("vmlinuz", k.bytes()));
            if (o.thrown() != null) {
                assertTrue(o.thrown() instanceof BulwarkException, () -> "not a BulwarkException: " + o.thrown());
                assertTrue(o.thrown().getMessage().startsWith("vmlinuz: "), o.thrown().getMessage());
                return;
            }
            BzImage image = o.value();
            byte[] b = k.bytes();
            // What was accepted is what the boot protocol requires, and the fields read back as written.
            assertEquals(BzImage.BOOT_FLAG, Structs.u16(b, BzImage.BOOT_FLAG_OFFSET));
            assertEquals(BzImage.HEADER_MAGIC, Structs.u32(b, BzImage.HEADER_MAGIC_OFFSET));
            assertTrue(image.version() >= BzImage.MIN_VERSION);
            assertTrue((image.loadFlags() & BzImage.LOADED_HIGH) != 0 && (image.xloadFlags() & BzImage.XLF_KERNEL_64) != 0);
            int sects = Structs.u8(b, BzImage.SETUP_HEADER_OFFSET) == 0 ? 4 : Structs.u8(b, BzImage.SETUP_HEADER_OFFSET);
            assertEquals(b.length - (sects + 1) * 512, image.protectedMode().length);
            assertTrue(image.protectedMode().length > 0);
            assertEquals(Structs.u32(b, BzImage.CMDLINE_SIZE_OFFSET), image.cmdlineSize());
            assertEquals(Structs.u32(b, BzImage.INITRD_ADDR_MAX_OFFSET), image.initrdAddrMax());
            assertTrue(image.setupHeader().length <= HEADER_END - BzImage.SETUP_HEADER_OFFSET);
            assertTrue(image.footprint() >= image.protectedMode().length);
        });
    }

    @FuzzProperty(cases = 2000)
    void zeroPageHoldsWhatItWasGiven(@ForAll("kernels") Kernel k, @ForAll @LongRange(min = 16, max = 1 << 20) long mib,
                                     @ForAll long cmdline, @ForAll long initrd, @ForAll long initrdSize, @ForAll long rsdp) {
        BzImage image;
        try {
            image = BzImage.parse("vmlinuz", k.bytes());
        } catch (BulwarkException e) {
            return;
        }
        List<E820Entry> e820 = E820Entry.forMemory(mib * GuestLayout.MIB);
        byte[] zp = BootParams.build(image, cmdline, initrd, initrdSize, e820, rsdp);
        assertEquals(BootParams.SIZE, zp.length);
        assertEquals(cmdline, Structs.u32(zp, BootParams.CMD_LINE_PTR) | Structs.u32(zp, BootParams.EXT_CMD_LINE_PTR) << 32);
        assertEquals(initrd, Structs.u32(zp, BootParams.RAMDISK_IMAGE) | Structs.u32(zp, BootParams.EXT_RAMDISK_IMAGE) << 32);
        assertEquals(initrdSize, Structs.u32(zp, BootParams.RAMDISK_SIZE) | Structs.u32(zp, BootParams.EXT_RAMDISK_SIZE) << 32);
        assertEquals(rsdp, Structs.u64(zp, BootParams.ACPI_RSDP_ADDR));
        assertEquals(e820.size(), Structs.u8(zp, BootParams.E820_ENTRIES));
        for (int i = 0; i < e820.size(); i++) {
            int off = BootParams.E820_TABLE + i * E820Entry.SIZE;
            assertEquals(e820.get(i), new E820Entry(Structs.u64(zp, off), Structs.u64(zp, off + 8),
                (int) Structs.u32(zp, off + 16)));
        }
        // The kernel's own setup header is carried over unchanged, except the fields the loader owns.
        byte[] header = image.setupHeader();
        for (int i = 0; i < header.length; i++) {
            int at = BzImage.SETUP_HEADER_OFFSET + i;
            if (!loaderOwned(at)) {
                assertEquals(header[i], zp[at], "setup header byte at 0x" + Integer.toHexString(at));
            }
        }
        assertEquals(BootParams.LOADER_UNDEFINED, Structs.u8(zp, BootParams.TYPE_OF_LOADER));
    }

    @Example
    void zeroPageRefusesAnE820MapItCannotHold() {
        BzImage image = BzImage.parse("k", validKernel());
        List<E820Entry> tooMany = java.util.Collections.nCopies(BootParams.E820_MAX + 1, new E820Entry(0, 4096, 1));
        assertThrows(BulwarkException.class, () -> BootParams.build(image, 0, 0, 0, tooMany, 0));
    }

    /** For every memory size the VMM accepts: sorted, disjoint, typed, inside RAM, and all RAM above 1 MiB usable. */
    @FuzzProperty(cases = 3000)
    void e820MapDescribesGuestMemory(@ForAll("memorySizes") long memory) {
        List<E820Entry> map = E820Entry.forMemory(memory);
        assertTrue(map.size() <= BootParams.E820_MAX);
        long[][] ram = GuestLayout.ramRegions(memory);
        long end = 0;
        long usableAbove1M = 0;
        for (E820Entry e : map) {
            assertTrue(e.size() > 0, e::toString);
            assertTrue(e.address() >= end, () -> "overlap or disorder at " + e);
            assertTrue(e.type() == E820Entry.RAM || e.type() == E820Entry.RESERVED, e::toString);
            if (e.type() == E820Entry.RAM) {
                assertTrue(insideRam(ram, e.address(), e.address() + e.size()), () -> e + " is not guest RAM");
                if (e.address() >= GuestLayout.KERNEL) {
                    usableAbove1M += e.size();
                }
            }
            end = e.address() + e.size();
        }
        long expected = 0;
        for (long[] region : ram) {
            expected += Math.max(0, region[1] - Math.max(region[0], GuestLayout.KERNEL));
        }
        assertEquals(expected, usableAbove1M, "RAM above 1 MiB that the map leaves out or invents");
    }

    @Provide
    Arbitrary<Long> memorySizes() {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(16, 1 << 20).map(m -> m * GuestLayout.MIB),
            Arbitraries.of(16 * GuestLayout.MIB, 3 * GuestLayout.GIB, 3 * GuestLayout.GIB + GuestLayout.MIB,
                4 * GuestLayout.GIB, 1L << 40));
    }

    /** Every vCPU count the builder accepts gets tables a kernel will trust; other counts are refused. */
    @FuzzProperty(cases = 200)
    void mpTableIsWellFormed(@ForAll @IntRange(min = -2, max = 100) int cpus) {
        if (cpus < 1 || cpus > MpTable.MAX_CPUS) {
            assertThrows(BulwarkException.class, () -> MpTable.build(GuestLayout.MPTABLE, cpus));
            return;
        }
        byte[] b = MpTable.build(GuestLayout.MPTABLE, cpus);
        assertEquals("_MP_", ascii(b, 0, 4));
        assertEquals(0, sum(b, 0, 16), "floating pointer checksum");
        assertEquals(GuestLayout.MPTABLE + 16, Structs.u32(b, 4));
        int length = Structs.u16(b, 16 + 4);
        assertEquals(b.length - 16, length);
        assertEquals(0, sum(b, 16, length), "configuration table checksum");
        assertTrue(GuestLayout.MPTABLE + b.length <= 0xa0000, "the MP table runs past 640 KiB");
        int entries = Structs.u16(b, 16 + 34);
        Set<Integer> apicIds = new HashSet<>();
        int p = 16 + 44;
        int ioapic = -1;
        for (int i = 0; i < entries; i++) {
            int type = Structs.u8(b, p);
            if (type == 0) {
                assertTrue(apicIds.add(Structs.u8(b, p + 1)), "duplicate local APIC id");
                p += 20;
            } else {
                if (type == 2) {
                    ioapic = Structs.u8(b, p + 1);
                }
                p += 8;
            }
        }
        assertEquals(b.length, p, "entry count and length disagree");
        assertEquals(cpus, apicIds.size());
        assertTrue(ioapic >= 0 && !apicIds.contains(ioapic), "IO-APIC id collides with a local APIC id");
    }

    /** Every vCPU count the builder accepts (1 to MpTable.MAX_CPUS, which is 40). */
    @FuzzProperty(cases = 200)
    void acpiTablesAreWellFormed(@ForAll @IntRange(min = 1, max = 40) int cpus) {
        assertEquals(40, MpTable.MAX_CPUS, "update the range above");
        byte[] blob = Acpi.build(GuestLayout.RSDP, cpus);
        assertTrue(GuestLayout.RSDP + blob.length <= GuestLayout.BIOS_AREA_END, "ACPI tables overflow the BIOS area");
        assertEquals("RSD PTR ", ascii(blob, 0, 8));
        assertEquals(0, sum(blob, 0, 20), "RSDP checksum");
        assertEquals(0, sum(blob, 0, 36), "RSDP extended checksum");
        int xsdt = offset(blob, Structs.u64(blob, 24));
        assertEquals("XSDT", ascii(blob, xsdt, 4));
        int xsdtLength = table(blob, xsdt);
        Set<String> seen = new HashSet<>();
        for (int at = xsdt + 36; at < xsdt + xsdtLength; at += 8) {
            int t = offset(blob, Structs.u64(blob, at));
            String sig = ascii(blob, t, 4);
            seen.add(sig);
            int len = table(blob, t);
            if (sig.equals("FACP")) {
                int dsdt = offset(blob, Structs.u64(blob, t + 140));
                assertEquals("DSDT", ascii(blob, dsdt, 4));
                table(blob, dsdt);
            }
            if (sig.equals("APIC")) {
                Set<Integer> ids = new HashSet<>();
                int ioapic = -1;
                for (int p = t + 36 + 8; p < t + len; p += Structs.u8(blob, p + 1)) {
                    assertTrue(Structs.u8(blob, p + 1) > 0, "zero-length MADT entry");
                    if (Structs.u8(blob, p) == 0) {
                        assertTrue(ids.add(Structs.u8(blob, p + 3)), "duplicate APIC id in the MADT");
                    } else if (Structs.u8(blob, p) == 1) {
                        ioapic = Structs.u8(blob, p + 2);
                    }
                }
                assertEquals(cpus, ids.size());
                assertTrue(ioapic >= 0 && !ids.contains(ioapic), "IO-APIC id collides with a local APIC id");
            }
        }
        assertEquals(Set.of("FACP", "APIC"), seen);
    }

    /** A descriptor decodes to the segment it encodes (base, limit with granularity, type bits). */
    @FuzzProperty(cases = 3000)
    void gdtDescriptorsRoundTrip(@ForAll @IntRange(min = 0, max = 0xffff) int flags,
                                 @ForAll @LongRange(min = 0, max = 0xffffffffL) long base,
                                 @ForAll @LongRange(min = 0, max = 0xfffff) long limit) {
        int f = flags & 0xf0ff;
        Segment s = Gdt.segment(Gdt.entry(f, base, limit), 0x10);
        assertEquals(base, s.base());
        boolean g = (f & 0x8000) != 0;
        assertEquals(g ? (limit << 12) | 0xfff : limit, s.limit());
        assertEquals(f & 0xf, s.type());
        assertEquals((f & 0x80) != 0, s.present());
        assertEquals((f >> 5) & 3, s.dpl());
    }

    /** type_of_loader, ramdisk_image, ramdisk_size and cmd_line_ptr: written by the loader, not the kernel. */
    private static boolean loaderOwned(int at) {
        return at == BootParams.TYPE_OF_LOADER
            || (at >= BootParams.RAMDISK_IMAGE && at < BootParams.RAMDISK_SIZE + 4)
            || (at >= BootParams.CMD_LINE_PTR && at < BootParams.CMD_LINE_PTR + 4);
    }

    private static int table(byte[] blob, int at) {
        int len = (int) Structs.u32(blob, at + 4);
        assertTrue(len >= 36 && at + len <= blob.length, () -> ascii(blob, at, 4) + " length " + len);
        assertEquals(0, sum(blob, at, len), () -> ascii(blob, at, 4) + " checksum");
        return len;
    }

    private static int offset(byte[] blob, long address) {
        long off = address - GuestLayout.RSDP;
        assertTrue(off >= 0 && off < blob.length, "pointer 0x" + Long.toHexString(address) + " outside the tables");
        return (int) off;
    }

    private static boolean insideRam(long[][] ram, long from, long to) {
        for (long[] r : ram) {
            if (from >= r[0] && to <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private static int sum(byte[] b, int off, int len) {
        int s = 0;
        for (int i = 0; i < len; i++) {
            s += b[off + i];
        }
        return s & 0xff;
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] validKernel() {
        byte[] b = new byte[5 * 512 + 4096];
        Structs.put8(b, BzImage.SETUP_HEADER_OFFSET, 4);
        Structs.put16(b, BzImage.BOOT_FLAG_OFFSET, BzImage.BOOT_FLAG);
        Structs.put8(b, 0x201, 0x66);
        Structs.put32(b, BzImage.HEADER_MAGIC_OFFSET, BzImage.HEADER_MAGIC);
        Structs.put16(b, BzImage.VERSION_OFFSET, 0x020f);
        Structs.put8(b, BzImage.LOADFLAGS_OFFSET, BzImage.LOADED_HIGH);
        Structs.put16(b, BzImage.XLOADFLAGS_OFFSET, BzImage.XLF_KERNEL_64);
        return b;
    }
}
