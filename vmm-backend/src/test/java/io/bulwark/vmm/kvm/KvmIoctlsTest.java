package io.bulwark.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Request numbers as linux/kvm.h computes them (values from a C program including the header). */
class KvmIoctlsTest {
    @Test
    void requestNumbersMatchTheKernelHeaders() {
        assertEquals(0xae80L, KvmIoctls.KVM_RUN);
        assertEquals(0x8090ae81L, KvmIoctls.KVM_GET_REGS);
        assertEquals(0x4090ae82L, KvmIoctls.KVM_SET_REGS);
        assertEquals(0x8138ae83L, KvmIoctls.KVM_GET_SREGS);
        assertEquals(0x4138ae84L, KvmIoctls.KVM_SET_SREGS);
        assertEquals(0x4020ae46L, KvmIoctls.KVM_SET_USER_MEMORY_REGION);
        assertEquals(0xc008ae05L, KvmIoctls.KVM_GET_SUPPORTED_CPUID);
        assertEquals(0x4008ae90L, KvmIoctls.KVM_SET_CPUID2);
        assertEquals(0x4040ae77L, KvmIoctls.KVM_CREATE_PIT2);
        assertEquals(0x4008ae61L, KvmIoctls.KVM_IRQ_LINE);
        assertEquals(0x4008ae89L, KvmIoctls.KVM_SET_MSRS);
        assertEquals(0x4008ae48L, KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR);
        assertEquals(0x4004ae8bL, KvmIoctls.KVM_SET_SIGNAL_MASK);
        assertEquals(0x41a0ae8dL, KvmIoctls.KVM_SET_FPU);
        assertEquals(0x8400ae8eL, KvmIoctls.KVM_GET_LAPIC);
        assertEquals(0x4400ae8fL, KvmIoctls.KVM_SET_LAPIC);
    }

    @Test
    void registersRoundTrip() {
        Regs r = new Regs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0x100200, 2);
        assertEquals(r, Regs.decode(r.encode()));
        assertEquals(0x100200, Structs.u64(r.encode(), 128));
        Segment s = new Segment(0x1000, 0xfffff, 0x10, 11, true, 3, false, true, true, true, false, false);
        byte[] raw = new byte[KvmIoctls.SREGS_SIZE];
        Sregs sregs = new Sregs(raw);
        sregs.setCode(s);
        sregs.setCr3(0x9000);
        sregs.setEfer(0x500);
        Sregs back = new Sregs(sregs.encode());
        assertEquals(s, back.cs());
        assertEquals(0x9000, back.cr3());
        assertEquals(0x500, back.efer());
    }
}
