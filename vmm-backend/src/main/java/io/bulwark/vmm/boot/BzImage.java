package io.bulwark.vmm.boot;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Structs;
import java.util.Arrays;

/**
 * A kernel in bzImage format, checked against the x86 boot protocol: the setup header (at 0x1f1 in the file), the
 * real-mode setup sectors the VMM skips, and the protected-mode kernel whose 64-bit entry point is 0x200 past its
 * load address.
 */
public record BzImage(String source, byte[] setupHeader, byte[] protectedMode, int version, int loadFlags,
                      int xloadFlags, long initrdAddrMax, long cmdlineSize, long initSize, long kernelAlignment) {

    public static final int SETUP_HEADER_OFFSET = 0x1f1;
    public static final int BOOT_FLAG_OFFSET = 0x1fe;
    public static final int BOOT_FLAG = 0xaa55;
    public static final int HEADER_MAGIC_OFFSET = 0x202;
    /** "HdrS". */
    public static final long HEADER_MAGIC = 0x53726448L;
    public static final int VERSION_OFFSET = 0x206;
    public static final int LOADFLAGS_OFFSET = 0x211;
    public static final int INITRD_ADDR_MAX_OFFSET = 0x22c;
    public static final int KERNEL_ALIGNMENT_OFFSET = 0x230;
    public static final int XLOADFLAGS_OFFSET = 0x236;
    public static final int CMDLINE_SIZE_OFFSET = 0x238;
    public static final int INIT_SIZE_OFFSET = 0x260;
    /** loadflags bit 0: the protected-mode code is loaded at 1 MiB. */
    public static final int LOADED_HIGH = 0x01;
    /** xloadflags bit 0: the kernel has the 64-bit entry point at load address + 0x200. */
    public static final int XLF_KERNEL_64 = 0x01;
    /** Protocol 2.12 introduced xloadflags, which the 64-bit entry depends on. */
    public static final int MIN_VERSION = 0x020c;
    public static final long ENTRY_64_OFFSET = 0x200;
    private static final int MAX_HEADER_END = 0x280;

    public static BzImage parse(String source, byte[] file) {
        if (file.length < MAX_HEADER_END) {
            throw bad(source, "file is " + file.length + " bytes, too short for a bzImage setup header");
        }
        if (Structs.u16(file, BOOT_FLAG_OFFSET) != BOOT_FLAG) {
            throw bad(source, String.format("boot_flag at 0x1fe is %#06x, not 0xaa55", Structs.u16(file, BOOT_FLAG_OFFSET)));
        }
        if (Structs.u32(file, HEADER_MAGIC_OFFSET) != HEADER_MAGIC) {
            throw bad(source, "no \"HdrS\" setup header magic at 0x202 (not a bzImage; an ELF vmlinux is not supported)");
        }
        int version = Structs.u16(file, VERSION_OFFSET);
        if (version < MIN_VERSION) {
            throw bad(source, String.format("boot protocol %d.%02d is older than 2.12, which the 64-bit entry needs",
                version >> 8, version & 0xff));
        }
        int loadFlags = Structs.u8(file, LOADFLAGS_OFFSET);
        if ((loadFlags & LOADED_HIGH) == 0) {
            throw bad(source, "loadflags lack LOADED_HIGH: a zImage loaded below 1 MiB is not supported");
        }
        int xloadFlags = Structs.u16(file, XLOADFLAGS_OFFSET);
        if ((xloadFlags & XLF_KERNEL_64) == 0) {
            throw bad(source, "xloadflags lack XLF_KERNEL_64: the kernel has no 64-bit entry point");
        }
        int setupSects = Structs.u8(file, SETUP_HEADER_OFFSET);
        if (setupSects == 0) {
            setupSects = 4; // as the boot protocol says for old kernels
        }
        int kernelOffset = (setupSects + 1) * 512;
        if (kernelOffset >= file.length) {
            throw bad(source, "setup_sects=" + setupSects + " puts the protected-mode kernel past the end of the file");
        }
        int headerEnd = Math.min(MAX_HEADER_END, 0x202 + Structs.u8(file, 0x201));
        byte[] header = Arrays.copyOfRange(file, SETUP_HEADER_OFFSET, headerEnd);
        byte[] pm = Arrays.copyOfRange(file, kernelOffset, file.length);
        long initSize = version >= 0x020a ? Structs.u32(file, INIT_SIZE_OFFSET) : 0;
        return new BzImage(source, header, pm, version, loadFlags, xloadFlags, Structs.u32(file, INITRD_ADDR_MAX_OFFSET),
            Structs.u32(file, CMDLINE_SIZE_OFFSET), initSize, Structs.u32(file, KERNEL_ALIGNMENT_OFFSET));
    }

    private static BulwarkException bad(String source, String problem) {
        return new BulwarkException(source + ": not a bootable x86-64 bzImage: " + problem);
    }

    /** Guest memory the kernel needs from its load address on: the image, or init_size if larger. */
    public long footprint() {
        return Math.max(protectedMode.length, initSize);
    }
}
