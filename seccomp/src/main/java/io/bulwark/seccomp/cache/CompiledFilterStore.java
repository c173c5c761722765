package io.bulwark.seccomp.cache;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.bpf.BpfProgram;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Compiled seccomp programs on disk, one file per key (named by a 64-bit hash of it, {@code HEX.bpf}), so that a
 * cold start skips libseccomp. A
 * cache file that someone else could have written would be a way to weaken every container's filter, so nothing in
 * it is trusted blindly:
 *
 * <ul>
 *   <li>the directory must be owned by this process's user, with no group or other permissions (0700), and no
 *       directory above it may be writable by anyone else (a root-owned sticky directory such as /tmp aside);
 *   <li>an entry must be a regular file (never followed through a link) owned by this user with mode 0600, at most
 *       {@value #MAX_FILE} bytes;
 *   <li>its content carries its whole key (the canonical encoding of the profile and of the compiling environment),
 *       which must equal the one asked for byte for byte, and ends with a CRC-32C of everything before it (against
 *       a damaged file; against a forged one, only the ownership and mode checks can help: whoever can write here
 *       could recompute any checksum);
 *   <li>the program must pass the kernel's structural checks ({@link BpfProgram}).
 * </ul>
 *
 * An entry that fails any check is removed and compiled again. Entries are written to a private temp file (0600) and
 * renamed into place, so a reader never sees half of one. At most {@value #MAX_ENTRIES} entries are kept.
 */
public final class CompiledFilterStore {
    static final int MAX_ENTRIES = 256;
    static final int MAX_FILE = 1024 * 1024;
    private static final byte[] MAGIC = "BWSC".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;
    private static final int CHECKSUM = 4;
    private static final String SUFFIX = ".bpf";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of(CompiledFilterStore.class.getName());

    private final Path dir;
    private final int uid;

    private CompiledFilterStore(Path dir, int uid) {
        this.dir = dir;
        this.uid = uid;
    }

    /**
     * The store in {@code dir}, made (0700) if missing; empty, with the reason logged, when the directory is not safe
     * to trust (wrong owner or mode, a link, a writable parent).
     */
    public static Optional<CompiledFilterStore> open(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        try {
            int uid = processUid();
            if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                Path parent = d.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try {
                    Files.createDirectory(d, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } catch (FileAlreadyExistsException raced) {
                    // another process made it: checked below like any other
                }
            }
            String unsafe = unsafeDirectory(d, uid);
            if (unsafe != null) {
                LOG.log(System.Logger.Level.WARNING, "seccomp cache " + d + " not used: " + unsafe);
                return Optional.empty();
            }
            return Optional.of(new CompiledFilterStore(d, uid));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "seccomp cache " + d + " not used: " + e);
            return Optional.empty();
        }
    }

    public Path directory() {
        return dir;
    }

    /** Why {@code d} cannot hold trusted entries for {@code uid}, or null when it can. */
    static String unsafeDirectory(Path d, int uid) throws IOException {
        PosixFileAttributes a = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            return "not a directory (or a symbolic link)";
        }
        int owner = ownerUid(d);
        if (owner != uid) {
            return "owned by uid " + owner + ", not " + uid;
        }
        if (!a.permissions().equals(DIR_MODE)) {
            return "mode " + PosixFilePermissions.toString(a.permissions()) + ", not rwx------";
        }
        for (Path p = d.getParent(); p != null; p = p.getParent()) {
            PosixFileAttributes pa = Files.readAttributes(p, PosixFileAttributes.class);
            int po = ownerUid(p);
            if (po != 0 && po != uid) {
                return "parent " + p + " is owned by uid " + po;
            }
            boolean othersWrite = pa.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || pa.permissions().contains(PosixFilePermission.OTHERS_WRITE);
            if (othersWrite && !(po == 0 && sticky(p))) {
                return "parent " + p + " is writable by others";
            }
        }
        return null;
    }

    /** The verified program stored under {@code key}, or empty (missing, or failed a check and removed). */
    public Optional<SeccompProgram> load(byte[] key) {
        Path file = entry(key);
        try {
            PosixFileAttributes a;
            try {
                a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException missing) {
                return Optional.empty();
            }
            String problem = null;
            if (!a.isRegularFile()) {
                problem = "not a regular file";
            } else if (ownerUid(file) != uid) {
                problem = "owned by uid " + ownerUid(file);
            } else if (!a.permissions().equals(FILE_MODE)) {
                problem = "mode " + PosixFilePermissions.toString(a.permissions());
            } else if (a.size() > MAX_FILE) {
                problem = "too large (" + a.size() + " bytes)";
            }
            if (problem == null) {
                try {
                    return Optional.of(decode(Files.readAllBytes(file), key));
                } catch (BulwarkException | BufferUnderflowException | IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            LOG.log(System.Logger.Level.WARNING, "seccomp cache entry " + file + " rejected (" + problem
                + "); compiling again");
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "seccomp cache entry " + file + " unreadable: " + e);
        }
        return Optional.empty();
    }

    /** Stores {@code program} under {@code key}; a failure only costs a later compile. */
    public void save(byte[] key, SeccompProgram program) {
        byte[] entry = encode(key, program);
        if (entry.length > MAX_FILE) {
            return; // a profile this large is compiled each time rather than stored where it would be refused
        }
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, entry, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(tmp, FILE_MODE);
            Files.move(tmp, entry(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            prune();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "seccomp cache: cannot store an entry in " + dir + ": " + e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private Path entry(byte[] key) {
        CRC32C crc = new CRC32C();
        crc.update(key);
        long name = crc.getValue() << 32 | (Arrays.hashCode(key) & 0xffffffffL);
        return dir.resolve(HexFormat.of().toHexDigits(name) + SUFFIX);
    }

    /** Keeps the newest {@value #MAX_ENTRIES} entries. */
    private void prune() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            s.forEach(entries::add);
        }
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        entries.sort(Comparator.comparing(CompiledFilterStore::modified).reversed());
        for (Path old : entries.subList(MAX_ENTRIES, entries.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static byte[] encode(byte[] key, SeccompProgram p) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(p.flags());
            writeString(out, p.listenerPath());
            writeString(out, p.listenerMetadata());
            byte[] filter = p.filter();
            out.writeInt(filter.length);
            out.write(filter);
            out.flush();
            out.writeInt(crc32c(bytes.toByteArray()));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
    }

    /** The program in {@code data}, after every check; throws naming the first one that fails. */
    static SeccompProgram decode(byte[] data, byte[] expectedKey) {
        if (data.length < MAGIC.length + 8 + CHECKSUM) {
            throw new BulwarkException("truncated");
        }
        byte[] body = Arrays.copyOf(data, data.length - CHECKSUM);
        if (crc32c(body) != ByteBuffer.wrap(data, data.length - CHECKSUM, CHECKSUM).getInt()) {
            throw new BulwarkException("checksum mismatch");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC) || b.getInt() != FORMAT) {
            throw new BulwarkException("not a cache entry of this format");
        }
        int keyLength = b.getInt();
        if (keyLength != expectedKey.length) {
            throw new BulwarkException("it holds another key");
        }
        byte[] key = new byte[keyLength];
        b.get(key);
        if (!Arrays.equals(key, expectedKey)) {
            throw new BulwarkException("it holds another key");
        }
        int flags = b.getInt();
        String listenerPath = readString(b);
        String listenerMetadata = readString(b);
        int length = b.getInt();
        if (length <= 0 || length != b.remaining()) {
            throw new BulwarkException("program length " + length + " does not match the entry");
        }
        byte[] filter = new byte[length];
        b.get(filter);
        BpfProgram.parse(filter); // the kernel's structural rules
        return new SeccompProgram(filter, flags, listenerPath, listenerMetadata);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer b) {
        int n = b.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > b.remaining()) {
            throw new BulwarkException("string length " + n + " out of range");
        }
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    static int crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    private static int ownerUid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean sticky(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode") & 01000) != 0;
    }

    /** The effective uid of this process: the owner of its /proc entry. */
    static int processUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** For tests: the permission set entries must have. */
    static Set<PosixFilePermission> fileMode() {
        return EnumSet.copyOf(FILE_MODE);
    }
}
