package io.bulwark.vmm.devices;

/** A device in a guest-physical MMIO window (virtio-mmio devices will be these); offsets are window-relative. */
public interface MmioDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
