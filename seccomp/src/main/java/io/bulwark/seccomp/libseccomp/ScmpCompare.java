package io.bulwark.seccomp.libseccomp;

/** {@code enum scmp_compare}, with the OCI operator names. */
public enum ScmpCompare {
    NE(1, "SCMP_CMP_NE"),
    LT(2, "SCMP_CMP_LT"),
    LE(3, "SCMP_CMP_LE"),
    EQ(4, "SCMP_CMP_EQ"),
    GE(5, "SCMP_CMP_GE"),
    GT(6, "SCMP_CMP_GT"),
    /** {@code (arg & datumA) == datumB}. */
    MASKED_EQ(7, "SCMP_CMP_MASKED_EQ");

    public final int value;
    public final String ociName;

    ScmpCompare(int value, String ociName) {
        this.value = value;
        this.ociName = ociName;
    }

    /** The operator with this OCI name, or null. */
    public static ScmpCompare ofOciName(String name) {
        for (ScmpCompare c : values()) {
            if (c.ociName.equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The comparison as the filter performs it: unsigned 64-bit. */
    public boolean test(long arg, long datumA, long datumB) {
        return switch (this) {
            case NE -> arg != datumA;
            case LT -> Long.compareUnsigned(arg, datumA) < 0;
            case LE -> Long.compareUnsigned(arg, datumA) <= 0;
            case EQ -> arg == datumA;
            case GE -> Long.compareUnsigned(arg, datumA) >= 0;
            case GT -> Long.compareUnsigned(arg, datumA) > 0;
            case MASKED_EQ -> (arg & datumA) == datumB;
        };
    }
}
