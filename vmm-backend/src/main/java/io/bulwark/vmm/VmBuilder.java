package io.bulwark.vmm;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.boot.Acpi;
import io.bulwark.vmm.boot.BootParams;
import io.bulwark.vmm.boot.BzImage;
import io.bulwark.vmm.boot.E820Entry;
import io.bulwark.vmm.boot.Gdt;
import io.bulwark.vmm.boot.MpTable;
import io.bulwark.vmm.boot.PageTables;
import io.bulwark.vmm.devices.DebugExit;
import io.bulwark.vmm.devices.I8042;
import io.bulwark.vmm.devices.IoBus;
import io.bulwark.vmm.devices.MmioBus;
import io.bulwark.vmm.devices.Serial16550;
import io.bulwark.vmm.kvm.CpuidEntry;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.kvm.KvmRun;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Regs;
import io.bulwark.vmm.kvm.Sregs;
import io.bulwark.vmm.kvm.Structs;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.kvm.VcpuFd;
import io.bulwark.vmm.kvm.VmFd;
import io.bulwark.vmm.memory.GuestLayout;
import io.bulwark.vmm.memory.GuestMemory;
import io.bulwark.vmm.vcpu.CpuidTemplate;
import io.bulwark.vmm.vcpu.VcpuRunner;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * Wires a VM the way Firecracker boots Linux: KVM VM with in-kernel irqchip and PIT, guest RAM, the bzImage's
 * protected-mode kernel at 1 MiB, boot_params with the e820 map, command line and initrd, MP and ACPI tables, the
 * boot page tables and GDT, the legacy devices, and vCPUs whose BSP enters the 64-bit entry point while the APs wait
 * for INIT/SIPI from the guest.
 */
public final class VmBuilder {
    public static final int DEFAULT_MEMORY_MIB = 128;
    public static final int DEFAULT_VCPUS = 1;
    static final long CR0_PE = 1;
    static final long CR0_ET = 1L << 4;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1L << 5;
    static final long EFER_LME = 1L << 8;
    static final long EFER_LMA = 1L << 10;
    static final int LAPIC_LVT0 = 0x350;
    static final int LAPIC_LVT1 = 0x360;
    static final int DELIVERY_EXTINT = 7;
    static final int DELIVERY_NMI = 4;
    static final long MSR_IA32_MISC_ENABLE_FAST_STRING = 1;
    /** MSRs every vCPU starts with, as a BIOS leaves them: SYSENTER/SYSCALL targets cleared, fast strings on. */
    static final long[][] BOOT_MSRS = {
        {0x174, 0}, {0x175, 0}, {0x176, 0}, // IA32_SYSENTER_CS/ESP/EIP
        {0xc0000081L, 0}, {0xc0000082L, 0}, {0xc0000083L, 0}, {0xc0000084L, 0}, // STAR, LSTAR, CSTAR, SFMASK
        {0xc0000102L, 0}, // KERNEL_GS_BASE
        {0x10, 0}, // TSC
        {0x1a0, MSR_IA32_MISC_ENABLE_FAST_STRING},
    };

    private final Syscalls sys;
    private String name = "vm";
    private String kernelSource = "kernel";
    private byte[] kernel;
    private byte[] initrd;
    private String cmdline = "";
    private long memoryMib = DEFAULT_MEMORY_MIB;
    private int vcpus = DEFAULT_VCPUS;
    private int kvmFd = -1;
    private OutputStream console = OutputStream.nullOutputStream();

    public VmBuilder() {
        this(NativeSyscalls.get());
    }

    public VmBuilder(Syscalls sys) {
        this.sys = sys;
    }

    public VmBuilder name(String name) {
        this.name = name;
        return this;
    }

    public VmBuilder kernel(String source, byte[] bzImage) {
        this.kernelSource = source;
        this.kernel = bzImage;
        return this;
    }

    public VmBuilder initrd(byte[] initrd) {
        this.initrd = initrd;
        return this;
    }

    public VmBuilder cmdline(String cmdline) {
        this.cmdline = cmdline;
        return this;
    }

    public VmBuilder memoryMib(long mib) {
        if (mib < 16 || mib > 1024 * 1024) {
            throw new BulwarkException("guest memory must be between 16 MiB and 1 TiB, not " + mib + " MiB");
        }
        this.memoryMib = mib;
        return this;
    }

    public VmBuilder vcpus(int n) {
        if (n < 1 || n > MpTable.MAX_CPUS) {
            throw new BulwarkException("vCPU count must be between 1 and " + MpTable.MAX_CPUS + ", not " + n);
        }
        this.vcpus = n;
        return this;
    }

    /** Uses the open /dev/kvm descriptor {@code fd} (the VM owns it from {@link #build} on) instead of opening it. */
    public VmBuilder kvmDevice(int fd) {
        this.kvmFd = fd;
        return this;
    }

    /** Where the guest's serial console output goes. */
    public VmBuilder console(OutputStream out) {
        this.console = out;
        return this;
    }

    /** Where everything lands in guest memory, decided before any KVM call so that bad input fails early. */
    record Placement(BzImage image, byte[] cmdlineBytes, long initrdAddress) {
    }

    Placement place(long memory) {
        if (kernel == null) {
            throw new BulwarkException("no kernel given");
        }
        BzImage image = BzImage.parse(kernelSource, kernel);
        long kernelEnd = GuestLayout.KERNEL + image.footprint();
        if (kernelEnd > GuestLayout.lowRamEnd(memory)) {
            throw new BulwarkException(kernelSource + ": the kernel needs " + (image.footprint() >> 20)
                + " MiB above 1 MiB; give the guest more memory than " + (memory >> 20) + " MiB");
        }
        byte[] cmd = (cmdline + "\0").getBytes(StandardCharsets.UTF_8);
        long cmdMax = Math.min(GuestLayout.CMDLINE_MAX, image.cmdlineSize() + 1);
        if (cmd.length > cmdMax) {
            throw new BulwarkException("kernel command line is " + (cmd.length - 1) + " bytes; " + kernelSource
                + " accepts at most " + (cmdMax - 1));
        }
        long initrdAddress = 0;
        if (initrd != null) {
            long top = Math.min(GuestLayout.lowRamEnd(memory), image.initrdAddrMax() + 1);
            initrdAddress = (top - initrd.length) & ~(GuestLayout.PAGE - 1);
            if (initrdAddress < ((kernelEnd + GuestLayout.PAGE - 1) & ~(GuestLayout.PAGE - 1))) {
                throw new BulwarkException("the initrd (" + (initrd.length >> 20) + " MiB) does not fit between the "
                    + "kernel and the end of guest memory (" + (memory >> 20) + " MiB)");
            }
        }
        return new Placement(image, cmd, initrdAddress);
    }

    /**
     * Checks the kernel, command line, initrd and memory as {@link #build} would, without KVM: for a caller that
     * hands the VM to another process and wants bad input refused before it starts one.
     */
    public void validate() {
        place(memoryMib * GuestLayout.MIB);
    }

    public Vm build() {
        long memory = memoryMib * GuestLayout.MIB;
        Placement placement = place(memory);
        Kvm kvm = kvmFd >= 0 ? Kvm.adopt(sys, kvmFd) : Kvm.open(sys);
        Vm vm = null;
        VmFd vmFd = null;
        long[][] regions = GuestLayout.ramRegions(memory);
        long[][] mappings = new long[regions.length][];
        try {
            kvm.requireExtensions();
            if (vcpus > kvm.maxVcpus()) {
                throw new BulwarkException("this KVM allows " + kvm.maxVcpus() + " vCPUs, not " + vcpus);
            }
            vmFd = kvm.createVm();
            vmFd.setTssAddress(GuestLayout.KVM_TSS);
            vmFd.setIdentityMapAddress(GuestLayout.KVM_IDENTITY_MAP);
            vmFd.createIrqchip();
            vmFd.createPit();

            Pointer[] pointers = new Pointer[regions.length];
            jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
            for (int i = 0; i < regions.length; i++) {
                long size = regions[i][1] - regions[i][0];
                long host = sys.mmap(size, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                    Syscalls.MAP_PRIVATE | Syscalls.MAP_ANONYMOUS | Syscalls.MAP_NORESERVE, -1, 0);
                mappings[i] = new long[] {host, size};
                pointers[i] = Pointer.wrap(runtime, host, size);
                vmFd.setUserMemoryRegion(i, regions[i][0], size, host);
            }
            GuestMemory mem = new GuestMemory(regions, pointers);
            vm = new Vm(name, sys, kvm, vmFd, mappings);
            loadGuest(mem, placement, memory);

            IoBus io = new IoBus();
            MmioBus mmio = new MmioBus();
            VmFd irqFd = vmFd;
            Serial16550 serial = new Serial16550(console, level -> irqFd.irqLine(GuestLayout.COM1_IRQ, level));
            io.register(GuestLayout.COM1_PORT, 8, serial);
            io.register(GuestLayout.EXIT_PORT, GuestLayout.EXIT_PORT_SIZE, new DebugExit(vm));
            io.register(GuestLayout.I8042_DATA_PORT, I8042.COMMAND_OFFSET + 1, new I8042(vm));
            vm.setConsole(serial);

            List<CpuidEntry> supported = kvm.supportedCpuid();
            int runSize = kvm.vcpuMmapSize();
            for (int id = 0; id < vcpus; id++) {
                VcpuFd vcpu = vmFd.createVcpu(id);
                long runPage;
                try {
                    runPage = sys.mmap(runSize, Syscalls.PROT_READ | Syscalls.PROT_WRITE, Syscalls.MAP_SHARED,
                        vcpu.fd(), 0);
                } catch (RuntimeException e) {
                    vcpu.close();
                    throw e;
                }
                vm.addVcpu(new VcpuRunner(sys, vcpu, new KvmRun(Pointer.wrap(runtime, runPage, runSize)), io, mmio,
                    vm), runPage, runSize);
                configureVcpu(vcpu, supported, id == 0);
            }
            return vm;
        } catch (RuntimeException e) {
            if (vm != null) {
                closeQuietly(vm);
            } else {
                for (long[] m : mappings) {
                    if (m != null) {
                        sys.munmap(m[0], m[1]);
                    }
                }
                if (vmFd != null) {
                    vmFd.close();
                }
                kvm.close();
            }
            throw e;
        }
    }

    private static void closeQuietly(Vm vm) {
        try {
            vm.close();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes kernel, initrd, command line, boot_params and the boot tables into guest memory. */
    void loadGuest(GuestMemory mem, Placement p, long memory) {
        mem.write(GuestLayout.KERNEL, p.image().protectedMode());
        mem.write(GuestLayout.CMDLINE, p.cmdlineBytes());
        if (initrd != null) {
            mem.write(p.initrdAddress(), initrd);
        }
        byte[] mp = MpTable.build(GuestLayout.MPTABLE, vcpus);
        mem.write(GuestLayout.MPTABLE, mp);
        byte[] acpi = Acpi.build(GuestLayout.RSDP, vcpus);
        if (GuestLayout.RSDP + acpi.length > GuestLayout.BIOS_AREA_END) {
            throw new BulwarkException("ACPI tables for " + vcpus + " vCPUs overflow the BIOS area");
        }
        mem.write(GuestLayout.RSDP, acpi);
        List<E820Entry> e820 = E820Entry.forMemory(memory);
        mem.write(GuestLayout.ZERO_PAGE, BootParams.build(p.image(), GuestLayout.CMDLINE, p.initrdAddress(),
            initrd == null ? 0 : initrd.length, e820, GuestLayout.RSDP));
        PageTables.write(mem);
        Gdt.write(mem);
    }

    private void configureVcpu(VcpuFd vcpu, List<CpuidEntry> supported, boolean bootstrap) {
        vcpu.setCpuid(CpuidTemplate.forVcpu(supported, vcpu.id(), vcpus));
        int accepted = vcpu.setMsrs(BOOT_MSRS);
        if (accepted != BOOT_MSRS.length) {
            throw new BulwarkException(String.format("KVM accepted %d of %d boot MSRs (first refused: %#x)", accepted,
                BOOT_MSRS.length, BOOT_MSRS[accepted][0]));
        }
        vcpu.setFpu(0x37f, 0x1f80);
        byte[] lapic = vcpu.lapic();
        setDeliveryMode(lapic, LAPIC_LVT0, DELIVERY_EXTINT);
        setDeliveryMode(lapic, LAPIC_LVT1, DELIVERY_NMI);
        vcpu.setLapic(lapic);
        if (!bootstrap) {
            return; // application processors wait for the guest's INIT/SIPI, as on real hardware
        }
        Sregs s = vcpu.sregs();
        long[] gdt = Gdt.bootTable();
        s.setCode(Gdt.segment(gdt[Gdt.BOOT_CS / 8], Gdt.BOOT_CS));
        s.setData(Gdt.segment(gdt[Gdt.BOOT_DS / 8], Gdt.BOOT_DS));
        s.setTr(Gdt.segment(gdt[Gdt.BOOT_TSS / 8], Gdt.BOOT_TSS));
        s.setGdt(GuestLayout.GDT, Gdt.limit());
        s.setIdt(GuestLayout.IDT, 7);
        s.setCr3(GuestLayout.PML4);
        s.setCr4(s.cr4() | CR4_PAE);
        s.setCr0(s.cr0() | CR0_PE | CR0_ET | CR0_PG);
        s.setEfer(s.efer() | EFER_LME | EFER_LMA);
        vcpu.setSregs(s);
        vcpu.setRegs(Regs.entry(GuestLayout.KERNEL + BzImage.ENTRY_64_OFFSET, GuestLayout.BOOT_STACK,
            GuestLayout.ZERO_PAGE));
    }

    static void setDeliveryMode(byte[] lapic, int register, int mode) {
        long v = Structs.u32(lapic, register);
        Structs.put32(lapic, register, (v & ~0x700L) | ((long) mode << 8));
    }
}
