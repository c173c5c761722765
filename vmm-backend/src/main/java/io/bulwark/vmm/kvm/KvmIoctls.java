package io.bulwark.vmm.kvm;

/** The KVM ioctl request numbers, computed as linux/ioctl.h does (_IO/_IOR/_IOW/_IOWR on type 0xAE). */
public final class KvmIoctls {
    private KvmIoctls() {
    }

    private static final int KVMIO = 0xAE;

    static long io(int nr) {
        return ((long) KVMIO << 8) | nr;
    }

    static long ior(int nr, int size) {
        return (2L << 30) | ((long) size << 16) | ((long) KVMIO << 8) | nr;
    }

    static long iow(int nr, int size) {
        return (1L << 30) | ((long) size << 16) | ((long) KVMIO << 8) | nr;
    }

    static long iowr(int nr, int size) {
        return (3L << 30) | ((long) size << 16) | ((long) KVMIO << 8) | nr;
    }

    public static final int REGS_SIZE = 144;
    public static final int SREGS_SIZE = 312;
    public static final int FPU_SIZE = 416;
    public static final int LAPIC_SIZE = 1024;

    public static final long KVM_GET_API_VERSION = io(0x00);
    public static final long KVM_CREATE_VM = io(0x01);
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, 8);
    public static final long KVM_CREATE_VCPU = io(0x41);
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, 32);
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    public static final long KVM_CREATE_IRQCHIP = io(0x60);
    public static final long KVM_IRQ_LINE = iow(0x61, 8);
    public static final long KVM_CREATE_PIT2 = iow(0x77, 64);
    public static final long KVM_RUN = io(0x80);
    public static final long KVM_GET_REGS = ior(0x81, REGS_SIZE);
    public static final long KVM_SET_REGS = iow(0x82, REGS_SIZE);
    public static final long KVM_GET_SREGS = ior(0x83, SREGS_SIZE);
    public static final long KVM_SET_SREGS = iow(0x84, SREGS_SIZE);
    public static final long KVM_SET_MSRS = iow(0x89, 8);
    public static final long KVM_SET_SIGNAL_MASK = iow(0x8b, 4);
    public static final long KVM_SET_FPU = iow(0x8d, FPU_SIZE);
    public static final long KVM_GET_LAPIC = ior(0x8e, LAPIC_SIZE);
    public static final long KVM_SET_LAPIC = iow(0x8f, LAPIC_SIZE);
    public static final long KVM_SET_CPUID2 = iow(0x90, 8);
    public static final long KVM_GET_MP_STATE = ior(0x98, 4);

    // Extensions (KVM_CHECK_EXTENSION arguments) the VMM relies on.
    public static final int CAP_IRQCHIP = 0;
    public static final int CAP_USER_MEMORY = 3;
    public static final int CAP_SET_TSS_ADDR = 4;
    public static final int CAP_EXT_CPUID = 7;
    public static final int CAP_NR_VCPUS = 9;
    public static final int CAP_PIT2 = 33;
    public static final int CAP_SET_IDENTITY_MAP_ADDR = 37;
    public static final int CAP_MAX_VCPUS = 66;
    public static final int CAP_IMMEDIATE_EXIT = 136;

    // kvm_run exit reasons.
    public static final int EXIT_UNKNOWN = 0;
    public static final int EXIT_EXCEPTION = 1;
    public static final int EXIT_IO = 2;
    public static final int EXIT_HLT = 5;
    public static final int EXIT_MMIO = 6;
    public static final int EXIT_SHUTDOWN = 8;
    public static final int EXIT_FAIL_ENTRY = 9;
    public static final int EXIT_INTR = 10;
    public static final int EXIT_INTERNAL_ERROR = 17;
    public static final int EXIT_SYSTEM_EVENT = 24;

    public static String exitName(int reason) {
        return switch (reason) {
            case EXIT_UNKNOWN -> "KVM_EXIT_UNKNOWN";
            case EXIT_EXCEPTION -> "KVM_EXIT_EXCEPTION";
            case EXIT_IO -> "KVM_EXIT_IO";
            case EXIT_HLT -> "KVM_EXIT_HLT";
            case EXIT_MMIO -> "KVM_EXIT_MMIO";
            case EXIT_SHUTDOWN -> "KVM_EXIT_SHUTDOWN";
            case EXIT_FAIL_ENTRY -> "KVM_EXIT_FAIL_ENTRY";
            case EXIT_INTR -> "KVM_EXIT_INTR";
            case EXIT_INTERNAL_ERROR -> "KVM_EXIT_INTERNAL_ERROR";
            case EXIT_SYSTEM_EVENT -> "KVM_EXIT_SYSTEM_EVENT";
            default -> "exit reason " + reason;
        };
    }
}
