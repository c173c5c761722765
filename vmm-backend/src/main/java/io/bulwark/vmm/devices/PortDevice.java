package io.bulwark.vmm.devices;

/** A device on the port I/O bus; offsets are relative to the device's base port. */
public interface PortDevice {
    long read(int offset, int size);

    void write(int offset, int size, long value);
}
