package io.bulwark.vmm.boot;

/** The 8-bit checksums BIOS tables carry: all bytes of the covered range sum to zero. */
final class Checksum {
    private Checksum() {
    }

    static int sum(byte[] b, int off, int len) {
        int s = 0;
        for (int i = 0; i < len; i++) {
            s += b[off + i];
        }
        return s & 0xff;
    }

    /** Stores at {@code at} the byte that makes {@code [off, off+len)} sum to zero. */
    static void fix(byte[] b, int at, int off, int len) {
        b[at] = 0;
        b[at] = (byte) (-sum(b, off, len));
    }
}
