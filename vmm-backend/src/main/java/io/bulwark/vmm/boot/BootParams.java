package io.bulwark.vmm.boot;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Structs;
import java.util.List;

/** Builds struct boot_params (the "zero page") that a 64-bit Linux kernel reads through RSI. */
public final class BootParams {
    private BootParams() {
    }

    public static final int SIZE = 4096;
    public static final int ACPI_RSDP_ADDR = 0x070;
    public static final int EXT_RAMDISK_IMAGE = 0x0c0;
    public static final int EXT_RAMDISK_SIZE = 0x0c4;
    public static final int EXT_CMD_LINE_PTR = 0x0c8;
    public static final int E820_ENTRIES = 0x1e8;
    public static final int TYPE_OF_LOADER = 0x210;
    public static final int RAMDISK_IMAGE = 0x218;
    public static final int RAMDISK_SIZE = 0x21c;
    public static final int CMD_LINE_PTR = 0x228;
    public static final int E820_TABLE = 0x2d0;
    public static final int E820_MAX = 128;
    /** "Undefined" boot loader id, as VMMs without an assigned id use. */
    public static final int LOADER_UNDEFINED = 0xff;

    public static byte[] build(BzImage kernel, long cmdlineAddress, long initrdAddress, long initrdSize,
                               List<E820Entry> e820, long rsdpAddress) {
        if (e820.size() > E820_MAX) {
            throw new BulwarkException("e820 map has " + e820.size() + " entries, boot_params holds " + E820_MAX);
        }
        byte[] zp = new byte[SIZE];
        System.arraycopy(kernel.setupHeader(), 0, zp, BzImage.SETUP_HEADER_OFFSET, kernel.setupHeader().length);
        Structs.put8(zp, TYPE_OF_LOADER, LOADER_UNDEFINED);
        Structs.put32(zp, CMD_LINE_PTR, cmdlineAddress);
        Structs.put32(zp, EXT_CMD_LINE_PTR, cmdlineAddress >>> 32);
        Structs.put32(zp, RAMDISK_IMAGE, initrdAddress);
        Structs.put32(zp, EXT_RAMDISK_IMAGE, initrdAddress >>> 32);
        Structs.put32(zp, RAMDISK_SIZE, initrdSize);
        Structs.put32(zp, EXT_RAMDISK_SIZE, initrdSize >>> 32);
        Structs.put64(zp, ACPI_RSDP_ADDR, rsdpAddress);
        Structs.put8(zp, E820_ENTRIES, e820.size());
        for (int i = 0; i < e820.size(); i++) {
            int off = E820_TABLE + i * E820Entry.SIZE;
            Structs.put64(zp, off, e820.get(i).address());
            Structs.put64(zp, off + 8, e820.get(i).size());
            Structs.put32(zp, off + 16, e820.get(i).type());
        }
        return zp;
    }
}
