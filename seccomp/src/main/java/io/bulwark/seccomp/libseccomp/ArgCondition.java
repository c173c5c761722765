package io.bulwark.seccomp.libseccomp;

/** {@code struct scmp_arg_cmp}: compare syscall argument {@code index} with {@code op}. */
public record ArgCondition(int index, ScmpCompare op, long datumA, long datumB) {
    /** sizeof(struct scmp_arg_cmp) on LP64: two unsigned ints and two u64. */
    static final int NATIVE_SIZE = 24;

    public ArgCondition {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("argument index " + index + " is not 0..5");
        }
    }

    public boolean test(long[] args) {
        return op.test(args[index], datumA, datumB);
    }
}
