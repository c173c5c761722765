package io.bulwark.vmm.vcpu;

import io.bulwark.vmm.kvm.Regs;
import io.bulwark.vmm.kvm.Sregs;

/** Why a vCPU stopped the VM: an exit the VMM cannot handle, with the vCPU's registers at that moment. */
public record VcpuExit(int vcpu, String reason, Regs regs, Sregs sregs) {
    public String registerDump() {
        return "vcpu " + vcpu + ": " + (regs == null ? "registers unavailable" : regs.dump())
            + (sregs == null ? "" : " " + sregs.dump());
    }
}
