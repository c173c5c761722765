package io.bulwark.vmm.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A minimal rootfs for guest tests: the static busybox with a few applet links. */
public final class GuestRootfs {
    private GuestRootfs() {
    }

    public static final Path BUSYBOX = Path.of("/bin/busybox");

    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    public static Path create(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : new String[] {"sh", "echo", "uname", "cat", "grep", "true", "false"}) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/hostname"), "guest\n");
        return dir;
    }
}
