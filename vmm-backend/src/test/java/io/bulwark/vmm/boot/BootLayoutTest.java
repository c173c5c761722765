package io.bulwark.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Segment;
import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.memory.GuestLayout;
import io.bulwark.vmm.memory.GuestMemory;
import io.bulwark.vmm.testkernel.TestKernel;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/** Boot structures as the x86 boot protocol and the SDM define them, without KVM. */
class BootLayoutTest {
    static GuestMemory heapMemory(long size) {
        Pointer p = Memory.allocateDirect(Runtime.getSystemRuntime(), (int) size, true);
        return new GuestMemory(new long[][] {{0, size}}, new Pointer[] {p});
    }

    @Test
    void bzImageHeaderIsParsedAndTheProtectedModePartFound() {
        byte[] image = TestKernel.bzImage(new byte[] {(byte) 0xf4});
        BzImage k = BzImage.parse("t", image);
        assertEquals(0x020f, k.version());
        assertEquals(TestKernel.CMDLINE_SIZE, k.cmdlineSize());
        assertEquals(0x7fffffffL, k.initrdAddrMax());
        assertEquals(0x201, k.protectedMode().length);
        assertEquals((byte) 0xf4, k.protectedMode()[0x200]);
        assertEquals(0x202 + 0x66 - 0x1f1, k.setupHeader().length); // the header ends where the jump at 0x200 lands
    }

    @Test
    void notABzImageIsRefusedWithTheReason() {
        byte[] image = TestKernel.bzImage(new byte[16]);
        byte[] noMagic = image.clone();
        noMagic[0x202] = 'X';
        assertTrue(assertThrows(BulwarkException.class, () -> BzImage.parse("k.img", noMagic)).getMessage()
            .contains("k.img: not a bootable x86-64 bzImage: no \"HdrS\""));
        byte[] no64 = image.clone();
        no64[0x236] = 0;
        assertTrue(assertThrows(BulwarkException.class, () -> BzImage.parse("k", no64)).getMessage()
            .contains("XLF_KERNEL_64"));
        byte[] old = image.clone();
        Structs.put16(old, 0x206, 0x0206);
        assertTrue(assertThrows(BulwarkException.class, () -> BzImage.parse("k", old)).getMessage()
            .contains("2.06"));
        assertThrows(BulwarkException.class, () -> BzImage.parse("k", new byte[100]));
        byte[] flag = image.clone();
        flag[0x1fe] = 0;
        assertThrows(BulwarkException.class, () -> BzImage.parse("k", flag));
    }

    @Test
    void bootParamsCarryHeaderCmdlineInitrdE820AndRsdp() {
        BzImage k = BzImage.parse("t", TestKernel.bzImage(new byte[8]));
        List<E820Entry> e820 = E820Entry.forMemory(128 * GuestLayout.MIB);
        byte[] zp = BootParams.build(k, 0x20000, 0x7f00000, 0x12345, e820, 0xe0000);
        assertEquals(4096, zp.length);
        assertEquals(0x53726448L, Structs.u32(zp, 0x202));
        assertEquals(0xaa55, Structs.u16(zp, 0x1fe));
        assertEquals(0xff, Structs.u8(zp, 0x210));
        assertEquals(0x20000, Structs.u32(zp, 0x228));
        assertEquals(0, Structs.u32(zp, 0xc8));
        assertEquals(0x7f00000, Structs.u32(zp, 0x218));
        assertEquals(0x12345, Structs.u32(zp, 0x21c));
        assertEquals(0xe0000, Structs.u64(zp, 0x070));
        assertEquals(e820.size(), Structs.u8(zp, 0x1e8));
        for (int i = 0; i < e820.size(); i++) {
            int off = 0x2d0 + 20 * i;
            assertEquals(e820.get(i), new E820Entry(Structs.u64(zp, off), Structs.u64(zp, off + 8),
                (int) Structs.u32(zp, off + 16)));
        }
    }

    @Test
    void highAddressesUseTheExtFields() {
        BzImage k = BzImage.parse("t", TestKernel.bzImage(new byte[8]));
        byte[] zp = BootParams.build(k, 0x1_0002_0000L, 0x1_2000_0000L, 0x1_0000_0000L, List.of(), 0);
        assertEquals(0x20000, Structs.u32(zp, 0x228));
        assertEquals(1, Structs.u32(zp, 0xc8));
        assertEquals(0x20000000, Structs.u32(zp, 0x218));
        assertEquals(1, Structs.u32(zp, 0xc0));
        assertEquals(1, Structs.u32(zp, 0xc4));
    }

    @Test
    void e820CoversRamAroundTheLegacyHoleAndTheMmioGap() {
        List<E820Entry> small = E820Entry.forMemory(256 * GuestLayout.MIB);
        assertEquals(List.of(new E820Entry(0, 0x9fc00, 1), new E820Entry(0x9fc00, 0x400, 2),
            new E820Entry(0xe0000, 0x20000, 2), new E820Entry(0x100000, 256 * GuestLayout.MIB - 0x100000, 1)), small);
        List<E820Entry> big = E820Entry.forMemory(5 * GuestLayout.GIB);
        assertEquals(new E820Entry(0x100000, 3 * GuestLayout.GIB - 0x100000, 1), big.get(3));
        assertEquals(new E820Entry(4 * GuestLayout.GIB, 2 * GuestLayout.GIB, 1), big.get(4));
        long ram = big.stream().filter(e -> e.type() == 1).mapToLong(E820Entry::size).sum();
        assertEquals(5 * GuestLayout.GIB - (0x100000 - 0x9fc00), ram);
    }

    @Test
    void pageTablesIdentityMapTheFirstGibWithHugePages() {
        GuestMemory mem = heapMemory(GuestLayout.MIB);
        PageTables.write(mem);
        assertEquals(GuestLayout.PDPT | 3, mem.getLong(GuestLayout.PML4));
        assertEquals(GuestLayout.PD | 3, mem.getLong(GuestLayout.PDPT));
        assertEquals(0x83, mem.getLong(GuestLayout.PD));
        assertEquals((511L << 21) | 0x83, mem.getLong(GuestLayout.PD + 511 * 8));
        for (long va : new long[] {0, 0x7000, 0x100200, 0x3fb6123, GuestLayout.GIB - 1}) {
            assertEquals(va, PageTables.translate(mem, GuestLayout.PML4, va));
        }
        assertEquals(-1, PageTables.translate(mem, GuestLayout.PML4, GuestLayout.GIB));
        assertEquals(-1, PageTables.translate(mem, GuestLayout.PML4, 0xfee00000L));
    }

    @Test
    void gdtEntriesAreFlatBootSegments() {
        long[] gdt = Gdt.bootTable();
        assertEquals(0, gdt[0]);
        assertEquals(0, gdt[1]);
        assertEquals(0x00af9b000000ffffL, gdt[Gdt.BOOT_CS / 8]);
        assertEquals(0x00cf93000000ffffL, gdt[Gdt.BOOT_DS / 8]);
        assertEquals(0x008f8b000000ffffL, gdt[Gdt.BOOT_TSS / 8]);
        Segment cs = Gdt.segment(gdt[2], 0x10);
        assertEquals(new Segment(0, 0xffffffffL, 0x10, 0xb, true, 0, false, true, true, true, false, false), cs);
        Segment ds = Gdt.segment(gdt[3], 0x18);
        assertEquals(new Segment(0, 0xffffffffL, 0x18, 0x3, true, 0, true, true, false, true, false, false), ds);
        Segment odd = Gdt.segment(Gdt.entry(0x4093, 0x12345678L, 0xabcde), 0x28);
        assertEquals(0x12345678L, odd.base());
        assertEquals(0xabcde, odd.limit());
        assertEquals(false, odd.g());
        assertEquals(39, Gdt.limit());
    }

    @Test
    void mpTableHasValidChecksumsAndOneEntryPerCpu() {
        byte[] t = MpTable.build(GuestLayout.MPTABLE, 4);
        assertArrayEquals("_MP_".getBytes(), Arrays.copyOf(t, 4));
        assertEquals(0, Checksum.sum(t, 0, 16));
        assertEquals(GuestLayout.MPTABLE + 16, Structs.u32(t, 4));
        int len = Structs.u16(t, 16 + 4);
        assertEquals(t.length - 16, len);
        assertEquals(0, Checksum.sum(t, 16, len));
        assertEquals(4 + 1 + 1 + 16 + 2, Structs.u16(t, 16 + 34));
        int p = 16 + 44;
        for (int cpu = 0; cpu < 4; cpu++, p += 20) {
            assertEquals(0, t[p]);
            assertEquals(cpu, t[p + 1]);
            assertEquals(cpu == 0 ? 3 : 1, t[p + 3]);
        }
        assertTrue(t.length <= 1024, "fits in the EBDA's first KiB");
        assertEquals(1024 >= 16 + 44 + 20 * MpTable.MAX_CPUS + 8 * 19, true);
        assertThrows(BulwarkException.class, () -> MpTable.build(GuestLayout.MPTABLE, MpTable.MAX_CPUS + 1));
    }

    @Test
    void acpiTablesChainFromTheRsdpWithValidChecksums() {
        long base = GuestLayout.RSDP;
        byte[] blob = Acpi.build(base, 2);
        assertArrayEquals("RSD PTR ".getBytes(), Arrays.copyOf(blob, 8));
        assertEquals(0, Checksum.sum(blob, 0, 20));
        assertEquals(0, Checksum.sum(blob, 0, 36));
        int xsdt = (int) (Structs.u64(blob, 24) - base);
        assertArrayEquals("XSDT".getBytes(), Arrays.copyOfRange(blob, xsdt, xsdt + 4));
        int xsdtLen = (int) Structs.u32(blob, xsdt + 4);
        assertEquals(0, Checksum.sum(blob, xsdt, xsdtLen));
        int fadt = (int) (Structs.u64(blob, xsdt + 36) - base);
        int madt = (int) (Structs.u64(blob, xsdt + 44) - base);
        assertArrayEquals("FACP".getBytes(), Arrays.copyOfRange(blob, fadt, fadt + 4));
        assertEquals(0, Checksum.sum(blob, fadt, (int) Structs.u32(blob, fadt + 4)));
        int dsdt = (int) (Structs.u64(blob, fadt + 140) - base);
        assertArrayEquals("DSDT".getBytes(), Arrays.copyOfRange(blob, dsdt, dsdt + 4));
        assertArrayEquals("APIC".getBytes(), Arrays.copyOfRange(blob, madt, madt + 4));
        int madtLen = (int) Structs.u32(blob, madt + 4);
        assertEquals(0, Checksum.sum(blob, madt, madtLen));
        assertEquals(GuestLayout.LAPIC, Structs.u32(blob, madt + 36));
        // two local APICs (type 0, length 8) and one IO-APIC (type 1, length 12)
        int p = madt + 44;
        assertEquals(0, blob[p]);
        assertEquals(0, blob[p + 3], "APIC id 0");
        assertEquals(1, blob[p + 4], "enabled");
        assertEquals(0, blob[p + 8]);
        assertEquals(1, blob[p + 11], "APIC id 1");
        assertEquals(1, blob[p + 12], "enabled");
        assertEquals(1, blob[p + 16]);
        assertEquals(GuestLayout.IOAPIC, Structs.u32(blob, p + 20));
        assertEquals(madt + madtLen, p + 28);
    }
}
