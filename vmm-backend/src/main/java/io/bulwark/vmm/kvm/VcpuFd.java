package io.bulwark.vmm.kvm;

import java.util.List;

/** A KVM vCPU descriptor. */
public final class VcpuFd implements AutoCloseable {
    private final Syscalls sys;
    private final int fd;
    private final int id;

    VcpuFd(Syscalls sys, int fd, int id) {
        this.sys = sys;
        this.fd = fd;
        this.id = id;
    }

    public int fd() {
        return fd;
    }

    public int id() {
        return id;
    }

    public Regs regs() {
        byte[] b = new byte[KvmIoctls.REGS_SIZE];
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_GET_REGS, b), "KVM_GET_REGS");
        return Regs.decode(b);
    }

    public void setRegs(Regs regs) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_REGS, regs.encode()), "KVM_SET_REGS");
    }

    public Sregs sregs() {
        byte[] b = new byte[KvmIoctls.SREGS_SIZE];
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_GET_SREGS, b), "KVM_GET_SREGS");
        return new Sregs(b);
    }

    public void setSregs(Sregs sregs) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_SREGS, sregs.encode()), "KVM_SET_SREGS");
    }

    public void setCpuid(List<CpuidEntry> entries) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_CPUID2, CpuidEntry.encodeAll(entries)), "KVM_SET_CPUID2");
    }

    /** Sets MSRs (index, value pairs); returns how many KVM accepted. */
    public int setMsrs(long[][] msrs) {
        byte[] b = new byte[8 + msrs.length * 16];
        Structs.put32(b, 0, msrs.length);
        for (int i = 0; i < msrs.length; i++) {
            Structs.put32(b, 8 + i * 16, msrs[i][0]);
            Structs.put64(b, 8 + i * 16 + 8, msrs[i][1]);
        }
        return (int) Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_MSRS, b), "KVM_SET_MSRS");
    }

    /** Sets the x87 control word and MXCSR as a freshly reset CPU has them after FNINIT/LDMXCSR. */
    public void setFpu(int fcw, int mxcsr) {
        byte[] b = new byte[KvmIoctls.FPU_SIZE];
        Structs.put16(b, 128, fcw);
        Structs.put32(b, 408, mxcsr);
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_FPU, b), "KVM_SET_FPU");
    }

    public byte[] lapic() {
        byte[] b = new byte[KvmIoctls.LAPIC_SIZE];
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_GET_LAPIC, b), "KVM_GET_LAPIC");
        return b;
    }

    public void setLapic(byte[] state) {
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_LAPIC, state), "KVM_SET_LAPIC");
    }

    public static final int MP_STATE_RUNNABLE = 0;

    /** KVM_GET_MP_STATE: 0 runnable, 1 uninitialised (waiting for INIT), 2 INIT received, 3 halted, 4 SIPI received. */
    public int mpState() {
        byte[] b = new byte[4];
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_GET_MP_STATE, b), "KVM_GET_MP_STATE");
        return (int) Structs.u32(b, 0);
    }

    /** Sets the signal mask in force while this vCPU runs guest code. */
    public void setSignalMask(long mask) {
        byte[] b = new byte[4 + 8];
        Structs.put32(b, 0, 8);
        Structs.put64(b, 4, mask);
        Kvm.check(sys, sys.ioctl(fd, KvmIoctls.KVM_SET_SIGNAL_MASK, b), "KVM_SET_SIGNAL_MASK");
    }

    /** Runs guest code until the next exit; returns 0 or -errno (EINTR after a kick, EAGAIN after INIT/SIPI). */
    public long run() {
        return sys.ioctl(fd, KvmIoctls.KVM_RUN, 0);
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
