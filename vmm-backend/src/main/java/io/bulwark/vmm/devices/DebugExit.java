package io.bulwark.vmm.devices;

/**
 * The exit device: the guest writes its exit status to an I/O port and the VM ends. It sits where QEMU's
 * {@code isa-debug-exit} does by default (port 0x501, two ports wide) and accepts the same writes, so one guest
 * init works under both. The difference is only on the host side: QEMU exits with {@code (status << 1) | 1},
 * Bulwark reports {@code status} itself.
 */
public final class DebugExit implements PortDevice {
    private final VmControl control;

    public DebugExit(VmControl control) {
        this.control = control;
    }

    @Override
    public long read(int offset, int size) {
        return 0;
    }

    @Override
    public void write(int offset, int size, long value) {
        control.guestExited((int) (value & 0xff));
    }

    /** The guest's status from a QEMU isa-debug-exit exit code. */
    public static int statusFromQemuExitCode(int qemuExitCode) {
        return (qemuExitCode - 1) >> 1;
    }
}
