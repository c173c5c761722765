package io.bulwark.vmm.kvm;

import io.bulwark.core.BulwarkException;
import java.util.List;

/** The /dev/kvm system descriptor: API version, extensions, supported CPUID, VM creation. */
public final class Kvm implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";
    /** The only stable KVM API version. */
    public static final int API_VERSION = 12;
    private static final int MAX_CPUID_ENTRIES = 256;

    private final Syscalls sys;
    private final int fd;

    private Kvm(Syscalls sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    public static Kvm open(Syscalls sys) {
        return adopt(sys, sys.open(DEVICE, Syscalls.O_RDWR | Syscalls.O_CLOEXEC));
    }

    /**
     * The KVM system descriptor {@code fd}, opened by someone else (the VMM process's launcher: the VMM itself runs
     * as a user that may not open /dev/kvm). Closed with this object.
     */
    public static Kvm adopt(Syscalls sys, int fd) {
        Kvm kvm = new Kvm(sys, fd);
        long version = sys.ioctl(fd, KvmIoctls.KVM_GET_API_VERSION, 0);
        if (version != API_VERSION) {
            kvm.close();
            throw new BulwarkException(DEVICE + ": KVM API version " + version + ", Bulwark needs " + API_VERSION);
        }
        return kvm;
    }

    /** True when /dev/kvm exists and can be opened (for tests and a clear early error). */
    public static boolean available() {
        return new java.io.File(DEVICE).canRead() && new java.io.File(DEVICE).canWrite();
    }

    public Syscalls syscalls() {
        return sys;
    }

    public int extension(int cap) {
        long r = sys.ioctl(fd, KvmIoctls.KVM_CHECK_EXTENSION, cap);
        return r < 0 ? 0 : (int) r;
    }

    /** Fails with a message naming every required extension this KVM lacks. */
    public void requireExtensions() {
        int[] caps = {KvmIoctls.CAP_IRQCHIP, KvmIoctls.CAP_USER_MEMORY, KvmIoctls.CAP_SET_TSS_ADDR,
            KvmIoctls.CAP_EXT_CPUID, KvmIoctls.CAP_PIT2, KvmIoctls.CAP_SET_IDENTITY_MAP_ADDR};
        String[] names = {"KVM_CAP_IRQCHIP", "KVM_CAP_USER_MEMORY", "KVM_CAP_SET_TSS_ADDR", "KVM_CAP_EXT_CPUID",
            "KVM_CAP_PIT2", "KVM_CAP_SET_IDENTITY_MAP_ADDR"};
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < caps.length; i++) {
            if (extension(caps[i]) <= 0) {
                missing.append(missing.length() == 0 ? "" : ", ").append(names[i]);
            }
        }
        if (missing.length() > 0) {
            throw new BulwarkException(DEVICE + " lacks required extensions: " + missing);
        }
    }

    /** The most vCPUs one VM may have here. */
    public int maxVcpus() {
        int max = extension(KvmIoctls.CAP_MAX_VCPUS);
        return max > 0 ? max : Math.max(extension(KvmIoctls.CAP_NR_VCPUS), 4);
    }

    public int vcpuMmapSize() {
        return (int) check(sys.ioctl(fd, KvmIoctls.KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
    }

    public List<CpuidEntry> supportedCpuid() {
        byte[] buf = new byte[8 + MAX_CPUID_ENTRIES * CpuidEntry.SIZE];
        Structs.put32(buf, 0, MAX_CPUID_ENTRIES);
        check(sys.ioctl(fd, KvmIoctls.KVM_GET_SUPPORTED_CPUID, buf), "KVM_GET_SUPPORTED_CPUID");
        return CpuidEntry.decodeAll(buf);
    }

    public VmFd createVm() {
        int vmfd = (int) check(sys.ioctl(fd, KvmIoctls.KVM_CREATE_VM, 0), "KVM_CREATE_VM");
        return new VmFd(sys, vmfd);
    }

    long check(long r, String what) {
        return check(sys, r, what);
    }

    static long check(Syscalls sys, long r, String what) {
        if (r < 0) {
            int errno = (int) -r;
            throw new BulwarkException(what + ": " + sys.strerror(errno), errno);
        }
        return r;
    }

    @Override
    public void close() {
        sys.close(fd);
    }
}
