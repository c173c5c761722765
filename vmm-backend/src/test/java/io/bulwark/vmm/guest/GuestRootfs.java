package io.bulwark.vmm.guest;

import io.bulwark.core.spec.DefaultSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A minimal rootfs for guest tests: the static busybox with a few applet links, the usual mount points, a marker
 * file only the bundle's rootfs has, all owned by the default config's container root (host id
 * {@value DefaultSpec#HOST_ID_BASE}), as an image unpacked for that mapping would be.
 */
public final class GuestRootfs {
    private GuestRootfs() {
    }

    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** A file only the bundle's rootfs holds: seeing it at /etc/bulwark-rootfs proves the root is that rootfs. */
    public static final String MARKER = "etc/bulwark-rootfs";
    public static final String MARKER_TEXT = "the bundle's rootfs";

    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    public static Path create(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : List.of("sh", "echo", "uname", "cat", "grep", "true", "false", "unshare", "mount",
                "id", "stat", "touch", "hostname", "ls")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("etc", "proc", "sys", "dev", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("etc/hostname"), "guest\n");
        Files.writeString(dir.resolve(MARKER), MARKER_TEXT + "\n");
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setAttribute(p, "unix:uid", (int) DefaultSpec.HOST_ID_BASE, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) DefaultSpec.HOST_ID_BASE, LinkOption.NOFOLLOW_LINKS);
            }
        }
        return dir;
    }
}
