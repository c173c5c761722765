package io.bulwark.vmm.memory;

/**
 * Where everything lives in guest-physical memory. This is the only place that knows addresses; the loader,
 * table builders and devices take them from here.
 */
public final class GuestLayout {
    private GuestLayout() {
    }

    public static final long KIB = 1024;
    public static final long MIB = 1024 * KIB;
    public static final long GIB = 1024 * MIB;
    public static final long PAGE = 4 * KIB;

    /** Boot GDT (null, null, __BOOT_CS, __BOOT_DS, TSS) and an empty IDT. */
    public static final long GDT = 0x500;
    public static final long IDT = 0x520;
    /** The zero page: struct boot_params, whose address the kernel gets in RSI. */
    public static final long ZERO_PAGE = 0x7000;
    /** Initial stack pointer (the kernel sets its own almost at once). */
    public static final long BOOT_STACK = 0x8ff0;
    /** Identity-mapping page tables: PML4, PDPT, then one page directory of 2 MiB pages. */
    public static final long PML4 = 0x9000;
    public static final long PDPT = 0xa000;
    public static final long PD = 0xb000;
    /** How much the boot page tables identity-map (Linux builds its own tables early). */
    public static final long IDENTITY_MAPPED = GIB;
    /** The kernel command line. */
    public static final long CMDLINE = 0x20000;
    public static final int CMDLINE_MAX = 4096;
    /** Top of conventional memory; the EBDA (holding the MP table) starts here. */
    public static final long EBDA = 0x9fc00;
    public static final long MPTABLE = EBDA;
    /** The BIOS read-only area that the kernel scans for the ACPI RSDP. */
    public static final long BIOS_AREA = 0xe0000;
    public static final long BIOS_AREA_END = 0x100000;
    public static final long RSDP = BIOS_AREA;
    /** Where the protected-mode kernel is loaded (HIMEM_START). */
    public static final long KERNEL = 0x100000;

    /** MMIO hole below 4 GiB (LAPIC, IO-APIC, virtio-mmio windows); RAM above 3 GiB continues at 4 GiB. */
    public static final long MMIO_GAP_START = 3 * GIB;
    public static final long MMIO_GAP_END = 4 * GIB;
    public static final long IOAPIC = 0xfec00000L;
    public static final long LAPIC = 0xfee00000L;
    /** Reserved for KVM's real-mode TSS (three pages) and the EPT identity map page, just below the BIOS ROM. */
    public static final long KVM_TSS = 0xfffbd000L;
    public static final long KVM_IDENTITY_MAP = 0xfffbc000L;
    /** Room for virtio-mmio devices, 4 KiB each, inside the MMIO hole. */
    public static final long VIRTIO_MMIO_BASE = 0xd0000000L;
    public static final long VIRTIO_MMIO_SIZE = 0x1000;

    /** Legacy port I/O devices. */
    public static final int COM1_PORT = 0x3f8;
    public static final int COM1_IRQ = 4;
    /** Same base and width as QEMU's isa-debug-exit defaults, so one guest init serves both VMMs. */
    public static final int EXIT_PORT = 0x501;
    public static final int EXIT_PORT_SIZE = 2;
    public static final int I8042_DATA_PORT = 0x60;
    public static final int I8042_COMMAND_PORT = 0x64;

    /** Guest RAM regions for {@code memory} bytes: [start, end) pairs. */
    public static long[][] ramRegions(long memory) {
        if (memory <= MMIO_GAP_START) {
            return new long[][] {{0, memory}};
        }
        return new long[][] {{0, MMIO_GAP_START}, {MMIO_GAP_END, MMIO_GAP_END + memory - MMIO_GAP_START}};
    }

    /** Highest address (exclusive) of RAM below 4 GiB, where the initrd goes. */
    public static long lowRamEnd(long memory) {
        return Math.min(memory, MMIO_GAP_START);
    }
}
