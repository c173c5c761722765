package io.bulwark.vmm.devices;

/** An interrupt request line into the VM's interrupt controllers. */
@FunctionalInterface
public interface InterruptLine {
    void set(boolean asserted);
}
