package io.bulwark.vmm.kvm;

/** struct kvm_cpuid_entry2 (40 bytes). */
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    public static final int SIZE = 40;
    /** The entry depends on the sub-leaf in ecx. */
    public static final int FLAG_SIGNIFCANT_INDEX = 1;

    public CpuidEntry withEbx(int v) {
        return new CpuidEntry(function, index, flags, eax, v, ecx, edx);
    }

    public CpuidEntry withEcx(int v) {
        return new CpuidEntry(function, index, flags, eax, ebx, v, edx);
    }

    public CpuidEntry withEdx(int v) {
        return new CpuidEntry(function, index, flags, eax, ebx, ecx, v);
    }

    public CpuidEntry withEax(int v) {
        return new CpuidEntry(function, index, flags, v, ebx, ecx, edx);
    }

    void encode(byte[] b, int off) {
        Structs.put32(b, off, function);
        Structs.put32(b, off + 4, index);
        Structs.put32(b, off + 8, flags);
        Structs.put32(b, off + 12, eax);
        Structs.put32(b, off + 16, ebx);
        Structs.put32(b, off + 20, ecx);
        Structs.put32(b, off + 24, edx);
    }

    static CpuidEntry decode(byte[] b, int off) {
        return new CpuidEntry((int) Structs.u32(b, off), (int) Structs.u32(b, off + 4), (int) Structs.u32(b, off + 8),
            (int) Structs.u32(b, off + 12), (int) Structs.u32(b, off + 16), (int) Structs.u32(b, off + 20),
            (int) Structs.u32(b, off + 24));
    }

    /** struct kvm_cpuid2 with its entries. */
    public static byte[] encodeAll(java.util.List<CpuidEntry> entries) {
        byte[] b = new byte[8 + entries.size() * SIZE];
        Structs.put32(b, 0, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).encode(b, 8 + i * SIZE);
        }
        return b;
    }

    public static java.util.List<CpuidEntry> decodeAll(byte[] b) {
        int n = (int) Structs.u32(b, 0);
        java.util.List<CpuidEntry> list = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(decode(b, 8 + i * SIZE));
        }
        return list;
    }
}
