package io.bulwark.vmm.devices;

/**
 * Just enough of the PC keyboard controller for a guest to reset the machine: command 0xFE on port 0x64 pulses the
 * CPU reset line, which ends the VM. No keyboard is attached, so the status register shows empty buffers.
 */
public final class I8042 implements PortDevice {
    public static final int CMD_RESET_CPU = 0xfe;
    /** Offset of the command/status port from the data port (0x64 - 0x60). */
    public static final int COMMAND_OFFSET = 4;

    private final VmControl control;

    public I8042(VmControl control) {
        this.control = control;
    }

    @Override
    public long read(int offset, int size) {
        return 0; // data port: no data; status port: output and input buffers empty
    }

    @Override
    public void write(int offset, int size, long value) {
        if (offset == COMMAND_OFFSET && (value & 0xff) == CMD_RESET_CPU) {
            control.guestReset();
        }
    }
}
