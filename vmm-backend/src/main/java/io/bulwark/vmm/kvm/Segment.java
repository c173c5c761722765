package io.bulwark.vmm.kvm;

/** struct kvm_segment (24 bytes): a segment register as KVM holds it, base/limit/attributes unpacked. */
public record Segment(long base, long limit, int selector, int type, boolean present, int dpl, boolean db,
                      boolean s, boolean l, boolean g, boolean avl, boolean unusable) {
    public static final int SIZE = 24;

    void encode(byte[] b, int off) {
        Structs.put64(b, off, base);
        Structs.put32(b, off + 8, limit);
        Structs.put16(b, off + 12, selector);
        Structs.put8(b, off + 14, type);
        Structs.put8(b, off + 15, present ? 1 : 0);
        Structs.put8(b, off + 16, dpl);
        Structs.put8(b, off + 17, db ? 1 : 0);
        Structs.put8(b, off + 18, s ? 1 : 0);
        Structs.put8(b, off + 19, l ? 1 : 0);
        Structs.put8(b, off + 20, g ? 1 : 0);
        Structs.put8(b, off + 21, avl ? 1 : 0);
        Structs.put8(b, off + 22, unusable ? 1 : 0);
    }

    static Segment decode(byte[] b, int off) {
        return new Segment(Structs.u64(b, off), Structs.u32(b, off + 8), Structs.u16(b, off + 12),
            Structs.u8(b, off + 14), b[off + 15] != 0, Structs.u8(b, off + 16), b[off + 17] != 0, b[off + 18] != 0,
            b[off + 19] != 0, b[off + 20] != 0, b[off + 21] != 0, b[off + 22] != 0);
    }
}
