package io.bulwark.vmm.initramfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format (magic 070701), the one the Linux kernel unpacks as an initramfs:
 * a 110-byte ASCII-hex header, the NUL-terminated name and the data, each padded to four bytes, ended by the
 * TRAILER!!! entry. Inode numbers are assigned in order; times are zero so that archives are reproducible.
 */
public final class CpioWriter implements AutoCloseable {
    public static final String MAGIC = "070701";
    public static final String TRAILER = "TRAILER!!!";
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;

    private final OutputStream out;
    private long written;
    private int nextInode = 1;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    public void directory(String name, int permissions) throws IOException {
        entry(name, S_IFDIR | (permissions & 07777), 2, 0, 0, new byte[0], 0, 0);
    }

    public void file(String name, int permissions, byte[] data) throws IOException {
        file(name, permissions, 0, 0, data);
    }

    public void file(String name, int permissions, int uid, int gid, byte[] data) throws IOException {
        entry(name, S_IFREG | (permissions & 07777), 1, uid, gid, data, 0, 0);
    }

    public void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /** A device or FIFO node: {@code type} is S_IFCHR, S_IFBLK or S_IFIFO. */
    public void node(String name, int type, int permissions, int major, int minor) throws IOException {
        entry(name, type | (permissions & 07777), 1, 0, 0, new byte[0], major, minor);
    }

    /** Any entry with explicit mode bits and owner (for copying a tree as it is). */
    public void entry(String name, int mode, int nlink, int uid, int gid, byte[] data, int rdevMajor, int rdevMinor)
            throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        if (name.isEmpty() || name.startsWith("/") || name.contains("\0")) {
            throw new IllegalArgumentException("cpio names are relative and NUL-free: " + name);
        }
        header(name, mode, nlink, uid, gid, data.length, rdevMajor, rdevMinor);
        write(data);
        pad();
    }

    private void header(String name, int mode, int nlink, int uid, int gid, long size, int rdevMajor, int rdevMinor)
            throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append(MAGIC);
        long[] fields = {nextInode++, mode, uid, gid, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0};
        for (long f : fields) {
            h.append(String.format("%08x", f & 0xffffffffL));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    /** Writes the trailer. */
    public void finish() throws IOException {
        if (!finished) {
            header(TRAILER, 0, 1, 0, 0, 0, 0, 0);
            finished = true;
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
