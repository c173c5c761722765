package io.bulwark.vmm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.vmm.kvm.CpuidEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidTemplateTest {
    private static final List<CpuidEntry> SUPPORTED = List.of(
        new CpuidEntry(0, 0, 0, 0x1c, 0x68747541, 0x444d4163, 0x69746e65),
        new CpuidEntry(1, 0, 0, 0x00a10f11, 0x01020800, 0x01202000, 0x178bfbff),
        new CpuidEntry(0xb, 0, 1, 0, 0, 0, 7),
        new CpuidEntry(0xb, 1, 1, 0, 0, 0, 7),
        new CpuidEntry(0x8000001e, 0, 0, 5, 0, 0, 0));

    @Test
    void eachVcpuSeesItsOwnApicIdAndTheHypervisorBit() {
        List<CpuidEntry> cpu2 = CpuidTemplate.forVcpu(SUPPORTED, 2, 4);
        CpuidEntry leaf1 = cpu2.get(1);
        assertEquals(2, leaf1.ebx() >>> 24);
        assertEquals(4, (leaf1.ebx() >>> 16) & 0xff);
        assertEquals(0x0800, leaf1.ebx() & 0xffff, "CLFLUSH size kept");
        assertEquals(1 << 31, leaf1.ecx() & (1 << 31));
        assertEquals(0x01202000, leaf1.ecx() & ~(1 << 31), "other feature bits kept");
        assertEquals(1 << 28, leaf1.edx() & (1 << 28), "HTT with several logical processors");
        assertEquals(2, cpu2.get(2).edx());
        assertEquals(2, cpu2.get(3).edx());
        assertEquals(2, cpu2.get(4).eax());
        assertEquals(SUPPORTED.get(0), cpu2.get(0));
    }

    @Test
    void aSingleVcpuHasNoHtt() {
        CpuidEntry leaf1 = CpuidTemplate.forVcpu(SUPPORTED, 0, 1).get(1);
        assertEquals(0, leaf1.ebx() >>> 24);
        assertEquals(0, leaf1.edx() & (1 << 28));
    }

    @Test
    void encodingRoundTrips() {
        assertEquals(SUPPORTED, CpuidEntry.decodeAll(CpuidEntry.encodeAll(SUPPORTED)));
        assertEquals(8 + 5 * 40, CpuidEntry.encodeAll(SUPPORTED).length);
    }
}
