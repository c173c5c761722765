package io.bulwark.vmm.kvm;

/**
 * struct kvm_sregs (312 bytes). Kept as the raw bytes KVM returned so that fields the VMM does not touch
 * (interrupt bitmap, ldt, cr8...) round-trip unchanged; accessors read and write the ones it sets.
 */
public final class Sregs {
    private static final int CS = 0;
    private static final int DS = 24;
    private static final int ES = 48;
    private static final int FS = 72;
    private static final int GS = 96;
    private static final int SS = 120;
    private static final int TR = 144;
    private static final int GDT = 192;
    private static final int IDT = 208;
    private static final int CR0 = 224;
    private static final int CR2 = 232;
    private static final int CR3 = 240;
    private static final int CR4 = 248;
    private static final int EFER = 264;

    private final byte[] raw;

    public Sregs(byte[] raw) {
        if (raw.length != KvmIoctls.SREGS_SIZE) {
            throw new IllegalArgumentException("kvm_sregs is " + KvmIoctls.SREGS_SIZE + " bytes");
        }
        this.raw = raw.clone();
    }

    public byte[] encode() {
        return raw.clone();
    }

    public Segment cs() {
        return Segment.decode(raw, CS);
    }

    public Segment ds() {
        return Segment.decode(raw, DS);
    }

    public void setCode(Segment s) {
        s.encode(raw, CS);
    }

    /** Loads the data segment into ds, es, fs, gs and ss. */
    public void setData(Segment s) {
        for (int off : new int[] {DS, ES, FS, GS, SS}) {
            s.encode(raw, off);
        }
    }

    public void setTr(Segment s) {
        s.encode(raw, TR);
    }

    public void setGdt(long base, int limit) {
        Structs.put64(raw, GDT, base);
        Structs.put16(raw, GDT + 8, limit);
    }

    public void setIdt(long base, int limit) {
        Structs.put64(raw, IDT, base);
        Structs.put16(raw, IDT + 8, limit);
    }

    public long gdtBase() {
        return Structs.u64(raw, GDT);
    }

    public long cr0() {
        return Structs.u64(raw, CR0);
    }

    public long cr2() {
        return Structs.u64(raw, CR2);
    }

    public long cr3() {
        return Structs.u64(raw, CR3);
    }

    public long cr4() {
        return Structs.u64(raw, CR4);
    }

    public long efer() {
        return Structs.u64(raw, EFER);
    }

    public void setCr0(long v) {
        Structs.put64(raw, CR0, v);
    }

    public void setCr3(long v) {
        Structs.put64(raw, CR3, v);
    }

    public void setCr4(long v) {
        Structs.put64(raw, CR4, v);
    }

    public void setEfer(long v) {
        Structs.put64(raw, EFER, v);
    }

    public String dump() {
        return String.format("cs=%04x ds=%04x cr0=%08x cr2=%016x cr3=%016x cr4=%08x efer=%x gdt=%x",
            cs().selector(), ds().selector(), cr0(), cr2(), cr3(), cr4(), efer(), gdtBase());
    }
}
