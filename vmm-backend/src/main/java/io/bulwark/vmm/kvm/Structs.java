package io.bulwark.vmm.kvm;

/** Little-endian field access on byte arrays that mirror kernel structs. */
public final class Structs {
    private Structs() {
    }

    public static long u64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    public static long u32(byte[] b, int off) {
        return u64n(b, off, 4);
    }

    public static int u16(byte[] b, int off) {
        return (int) u64n(b, off, 2);
    }

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    private static long u64n(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    public static void put64(byte[] b, int off, long v) {
        putN(b, off, v, 8);
    }

    public static void put32(byte[] b, int off, long v) {
        putN(b, off, v, 4);
    }

    public static void put16(byte[] b, int off, long v) {
        putN(b, off, v, 2);
    }

    public static void put8(byte[] b, int off, long v) {
        b[off] = (byte) v;
    }

    private static void putN(byte[] b, int off, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    public static byte[] le64(long v) {
        byte[] b = new byte[8];
        put64(b, 0, v);
        return b;
    }
}
