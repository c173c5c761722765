package io.bulwark.vmm.kvm;

import jnr.ffi.Pointer;

/** The vCPU's mmapped struct kvm_run, read in place after each KVM_RUN. */
public final class KvmRun {
    private static final int IMMEDIATE_EXIT = 1;
    private static final int EXIT_REASON = 8;
    private static final int UNION = 32;

    public static final int IO_IN = 0;
    public static final int IO_OUT = 1;

    private final Pointer page;

    public KvmRun(Pointer page) {
        this.page = page;
    }

    /** Not a KVM exit reason: written before KVM_RUN to tell a real exit from a return that reported none. */
    public static final int NO_EXIT = 0xffff_fff0;

    public void clearExitReason() {
        page.putInt(EXIT_REASON, NO_EXIT);
    }

    public int exitReason() {
        return page.getInt(EXIT_REASON);
    }

    public void setImmediateExit(boolean on) {
        page.putByte(IMMEDIATE_EXIT, (byte) (on ? 1 : 0));
    }

    public int ioDirection() {
        return page.getByte(UNION) & 0xff;
    }

    public int ioSize() {
        return page.getByte(UNION + 1) & 0xff;
    }

    public int ioPort() {
        return page.getShort(UNION + 2) & 0xffff;
    }

    public int ioCount() {
        return page.getInt(UNION + 4);
    }

    private long ioDataOffset() {
        return page.getLong(UNION + 8);
    }

    /** The i-th item of a port I/O exit's data, {@link #ioSize()} bytes wide. */
    public long ioData(int i) {
        long off = ioDataOffset() + (long) i * ioSize();
        return switch (ioSize()) {
            case 1 -> page.getByte(off) & 0xffL;
            case 2 -> page.getShort(off) & 0xffffL;
            default -> page.getInt(off) & 0xffffffffL;
        };
    }

    public void setIoData(int i, long value) {
        long off = ioDataOffset() + (long) i * ioSize();
        switch (ioSize()) {
            case 1 -> page.putByte(off, (byte) value);
            case 2 -> page.putShort(off, (short) value);
            default -> page.putInt(off, (int) value);
        }
    }

    public long mmioAddress() {
        return page.getLong(UNION);
    }

    public int mmioLength() {
        return page.getInt(UNION + 16);
    }

    public boolean mmioIsWrite() {
        return page.getByte(UNION + 20) != 0;
    }

    public long mmioData() {
        return page.getLong(UNION + 8);
    }

    public void setMmioData(long value) {
        page.putLong(UNION + 8, value);
    }

    /** internal.suberror, fail_entry.hardware_entry_failure_reason or system_event.type, by exit reason. */
    public long detail() {
        return page.getInt(UNION) & 0xffffffffL;
    }
}
