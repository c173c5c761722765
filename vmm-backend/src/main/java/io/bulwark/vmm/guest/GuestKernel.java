package io.bulwark.vmm.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest kernel that scripts/fetch-guest-kernel.sh leaves in the cache (Debian's cloud kernel). The kernel needs:
 * an 8250 serial console, initramfs support, devtmpfs, KVM guest support; its drivers for virtio are modules, so
 * guests without virtio devices boot with {@code nomodule}.
 */
public final class GuestKernel {
    private GuestKernel() {
    }

    /** Serial console, no reboot loop on panic, no module loading, no crypto self-tests at boot. */
    public static final String CMDLINE = "console=ttyS0 quiet panic=-1 reboot=k nomodule cryptomgr.notests";

    public static Path cacheDir() {
        String dir = System.getenv("BULWARK_KERNEL_DIR");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bulwark").resolve("kernels");
    }

    /** The cached bzImage. */
    public static Path bzImage() {
        return cacheDir().resolve("vmlinuz");
    }

    public static boolean cached() {
        return Files.isRegularFile(bzImage()) && Files.isRegularFile(cacheDir().resolve("release"));
    }

    /** The cached kernel's release, as {@code uname -r} prints it in the guest. */
    public static String release() throws IOException {
        return Files.readString(cacheDir().resolve("release")).trim();
    }
}
