package io.bulwark.vmm.vcpu;

import io.bulwark.vmm.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Adjusts what KVM_GET_SUPPORTED_CPUID reports into what one vCPU shows its guest: its own APIC ids, the number of
 * logical processors, and the hypervisor bit so the guest knows it is virtualised.
 */
public final class CpuidTemplate {
    private CpuidTemplate() {
    }

    static final int LEAF_FEATURES = 0x1;
    static final int LEAF_TOPOLOGY = 0xb;
    static final int LEAF_AMD_TOPOLOGY = 0x8000001e;
    static final int ECX_HYPERVISOR = 1 << 31;
    static final int EDX_HTT = 1 << 28;

    public static List<CpuidEntry> forVcpu(List<CpuidEntry> supported, int vcpuId, int vcpuCount) {
        List<CpuidEntry> out = new ArrayList<>(supported.size());
        for (CpuidEntry e : supported) {
            switch (e.function()) {
                case LEAF_FEATURES -> {
                    int ebx = (e.ebx() & 0x0000ffff) | (vcpuId << 24) | ((vcpuCount & 0xff) << 16);
                    int edx = vcpuCount > 1 ? e.edx() | EDX_HTT : e.edx() & ~EDX_HTT;
                    e = e.withEbx(ebx).withEcx(e.ecx() | ECX_HYPERVISOR).withEdx(edx);
                }
                case LEAF_TOPOLOGY -> e = e.withEdx(vcpuId); // x2APIC id, at every level
                case LEAF_AMD_TOPOLOGY -> e = e.withEax(vcpuId); // extended APIC id
                default -> {
                }
            }
            out.add(e);
        }
        return out;
    }
}
