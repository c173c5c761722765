package io.bulwark.vmm.devices;

/** What devices may ask of the VM as a whole. */
public interface VmControl {
    /** The guest reported its exit status; the VM stops. */
    void guestExited(int status);

    /** The guest asked for a reset (e.g. through the i8042); the VM stops. */
    void guestReset();
}
