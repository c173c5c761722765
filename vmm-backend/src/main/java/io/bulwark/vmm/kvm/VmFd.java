package io.bulwark.vmm.kvm;

/** A KVM VM descriptor. */
public final class VmFd implements AutoCloseable {
    /** KVM_PIT_SPEAKER_DUMMY: the in-kernel PIT also answers port 0x61, so the speaker needs no device. */
    private static final int PIT_SPEAKER_DUMMY = 1;

    private final Syscalls sys;
    private final int fd;

    VmFd(Syscalls sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    public void setTssAddress(long address) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_TSS_ADDR, address), "KVM_SET_TSS_ADDR");
    }

    public void setIdentityMapAddress(long address) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR, Structs.le64(address)),
            "KVM_SET_IDENTITY_MAP_ADDR");
    }

    public void createIrqchip() {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_CREATE_IRQCHIP, 0), "KVM_CREATE_IRQCHIP");
    }

    public void createPit() {
        byte[] config = new byte[64];
        Structs.put32(config, 0, PIT_SPEAKER_DUMMY);
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_CREATE_PIT2, config), "KVM_CREATE_PIT2");
    }

    public void setUserMemoryRegion(int slot, long guestAddress, long size, long hostAddress) {
        byte[] region = new byte[32];
        Structs.put32(region, 0, slot);
        Structs.put32(region, 4, 0);
        Structs.put64(region, 8, guestAddress);
        Structs.put64(region, 16, size);
        Structs.put64(region, 24, hostAddress);
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_USER_MEMORY_REGION, region), "KVM_SET_USER_MEMORY_REGION");
    }

    /** Sets an interrupt line of the in-kernel PIC/IO-APIC to {@code level}. */
    public void irqLine(int irq, boolean level) {
        byte[] b = new byte[8];
        Structs.put32(b, 0, irq);
        Structs.put32(b, 4, level ? 1 : 0);
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_IRQ_LINE, b), "KVM_IRQ_LINE " + irq);
    }

    public VcpuFd createVcpu(int id) {
        int vcpufd = (int) Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_CREATE_VCPU, id), "KVM_CREATE_VCPU " + id);
        return new VcpuFd(sys, vcpufd, id);
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
