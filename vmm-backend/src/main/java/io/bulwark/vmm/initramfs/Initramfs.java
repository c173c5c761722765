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
 * Builds a guest's initramfs: trees copied as they are (modes, owners, symlinks, device nodes), each at its place
 * in the archive (a container's rootfs in a directory of its own), the directories the guest init mounts on, and
 * extra files (the init itself, the plan) placed over them.
 */
public final class Initramfs {
    private Initramfs() {
    }

    /** Mount points the guest init needs whether or not the trees have them. */
    static final List<String> GUEST_DIRECTORIES = List.of("dev", "proc", "sys");

    /**
     * A file or directory tree copied into the archive.
     *
     * @param at     where it goes in the archive ("" for the archive's root, otherwise a relative path)
     * @param source the file or directory on the host
     */
    public record Tree(String at, Path source) {
    }

    /** One tree at the archive's root (or none), then the extra files. */
    public static byte[] build(Path rootfs, Map<String, FileEntry> extra) {
        return build(rootfs == null ? List.of() : List.of(new Tree("", rootfs)), extra);
    }

    /**
     * @param trees what to copy, in order; a tree's parent directories are created as needed
     * @param extra path inside the archive → (mode, content); parent directories are created as needed
     */
    public static byte[] build(List<Tree> trees, Map<String, FileEntry> extra) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path current = null;
        try (CpioWriter cpio = new CpioWriter(buf)) {
            java.util.Set<String> written = new java.util.HashSet<>();
            for (Tree t : trees) {
                current = t.source();
                parents(cpio, t.at(), written);
                copyTree(cpio, t.at(), t.source(), written, extra.keySet());
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
            current = null;
            for (Map.Entry<String, FileEntry> e : new java.util.TreeMap<>(extra).entrySet()) {
                String name = e.getKey();
                parents(cpio, name, written);
                cpio.file(name, e.getValue().mode(), e.getValue().content());
                written.add(name);
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot build the initramfs" + (current == null ? "" : " from " + current)
                + ": " + e.getMessage(), e);
        }
        return buf.toByteArray();
    }

    /** Writes the missing parent directories of {@code name}. */
    private static void parents(CpioWriter cpio, String name, java.util.Set<String> written) throws IOException {
        for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
            if (written.add(name.substring(0, i))) {
                cpio.directory(name.substring(0, i), 0755);
            }
        }
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

    /** Copies {@code root} (a directory's contents, or a single file) to {@code at} in the archive. */
    private static void copyTree(CpioWriter cpio, String at, Path root, java.util.Set<String> written,
                                 java.util.Set<String> replaced) throws IOException {
        List<Path> paths = new ArrayList<>();
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            if (!at.isEmpty()) {
                paths.add(root); // the directory itself, with its owner and mode
            }
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> !p.equals(root)).sorted().forEach(paths::add);
            }
        } else if (at.isEmpty()) {
            throw new BulwarkException(root + ": the rootfs is not a directory");
        } else if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new BulwarkException(root + ": no such file or directory");
        } else {
            paths.add(root);
        }
        for (Path p : paths) {
            String rel = p.equals(root) ? "" : root.relativize(p).toString();
            String name = at.isEmpty() ? rel : rel.isEmpty() ? at : at + "/" + rel;
            if (replaced.contains(name)) {
                continue;
            }
            if (!faithful(p)) {
                throw new BulwarkException(root + ": " + BulwarkException.printable(rel.isEmpty() ? root.toString()
                    : rel) + ": the file name is not valid UTF-8, so it cannot be carried into the guest unchanged");
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
                    throw new BulwarkException(root + ": " + BulwarkException.printable(rel) + ": the symlink's "
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
