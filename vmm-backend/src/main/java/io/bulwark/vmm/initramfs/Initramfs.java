package io.bulwark.vmm.initramfs;

import io.bulwark.core.BulwarkException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds a guest's initramfs: a container rootfs copied as it is (modes, owners, symlinks, device nodes), the
 * directories the guest init mounts on, and extra files (the init itself, the plan) placed over it.
 */
public final class Initramfs {
    private Initramfs() {
    }

    /** Mount points the guest init needs whether or not the rootfs has them. */
    static final List<String> GUEST_DIRECTORIES = List.of("dev", "proc", "sys", "tmp", "run");

    /**
     * @param rootfs the tree to copy, or null for none
     * @param extra  path inside the archive → (mode, content); parent directories are created as needed
     */
    public static byte[] build(Path rootfs, Map<String, FileEntry> extra) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(buf)) {
            java.util.Set<String> written = new java.util.HashSet<>();
            if (rootfs != null) {
                copyTree(cpio, rootfs, written, extra.keySet());
            }
            for (String dir : GUEST_DIRECTORIES) {
                if (written.add(dir)) {
                    cpio.directory(dir, 0755);
                }
            }
            if (written.add("dev/console")) {
                // The kernel opens /dev/console for init before anything is mounted on /dev.
                cpio.node("dev/console", CpioWriter.S_IFCHR, 0600, 5, 1);
            }
            for (Map.Entry<String, FileEntry> e : new java.util.TreeMap<>(extra).entrySet()) {
                String name = e.getKey();
                for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
                    if (written.add(name.substring(0, i))) {
                        cpio.directory(name.substring(0, i), 0755);
                    }
                }
                cpio.file(name, e.getValue().mode(), e.getValue().content());
                written.add(name);
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot build the initramfs from " + rootfs + ": " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /**
     * Whether {@code p} as Java shows it is the path on disk: a name whose bytes are not UTF-8 is shown with U+FFFD
     * in their place, and archiving that string would rename the file (and could merge two files into one). The
     * URI form keeps the bytes on disk, percent-encoded, so the two can be compared.
     */
    static boolean faithful(Path p) {
        Path absolute = p.toAbsolutePath();
        String raw = absolute.toUri().getRawPath();
        if (raw.endsWith("/") && !absolute.toString().endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return java.util.Arrays.equals(bytes.toByteArray(),
            absolute.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A file placed into the archive. */
    public record FileEntry(int mode, byte[] content) {
    }

    private static void copyTree(CpioWriter cpio, Path root, java.util.Set<String> written,
                                 java.util.Set<String> replaced) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BulwarkException(root + ": the rootfs is not a directory");
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !p.equals(root)).sorted().forEach(paths::add);
        }
        for (Path p : paths) {
            String name = root.relativize(p).toString();
            if (replaced.contains(name)) {
                continue;
            }
            if (!faithful(p)) {
                throw new BulwarkException(root + ": " + BulwarkException.printable(name) + ": the file name is not "
                    + "valid UTF-8, so it cannot be carried into the guest unchanged");
            }
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev,nlink", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            int gid = (Integer) a.get("gid");
            long rdev = (Long) a.get("rdev");
            int type = mode & 0170000;
            byte[] data = new byte[0];
            if (type == CpioWriter.S_IFREG) {
                data = Files.readAllBytes(p);
            } else if (type == CpioWriter.S_IFLNK) {
                Path target = Files.readSymbolicLink(p);
                if (!faithful(target)) {
                    throw new BulwarkException(root + ": " + BulwarkException.printable(name) + ": the symlink's "
                        + "target is not valid UTF-8, so it cannot be carried into the guest unchanged");
                }
                data = target.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (type != CpioWriter.S_IFDIR && type != CpioWriter.S_IFCHR && type != CpioWriter.S_IFBLK
                    && type != CpioWriter.S_IFIFO) {
                continue; // sockets cannot travel in an archive
            }
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            cpio.entry(name, mode, type == CpioWriter.S_IFDIR ? 2 : 1, uid, gid, data, major, minor);
            written.add(name);
        }
    }
}
