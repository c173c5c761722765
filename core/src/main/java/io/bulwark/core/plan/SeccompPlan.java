package io.bulwark.core.plan;

/** A compiled classic-BPF filter (struct sock_filter[], 8 bytes each) and SECCOMP_FILTER_FLAG_* flags. */
public record SeccompPlan(int flags, byte[] filter) {
    /** SECCOMP_FILTER_FLAG_NEW_LISTENER: the filter's notify listener goes to the runtime. */
    public static final int FLAG_NEW_LISTENER = 1 << 3;

    public SeccompPlan {
        if (filter == null || filter.length == 0 || filter.length % 8 != 0) {
            throw new IllegalArgumentException("a seccomp filter is a non-empty array of 8-byte instructions");
        }
        filter = filter.clone();
    }

    @Override
    public byte[] filter() {
        return filter.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeccompPlan s && s.flags == flags && java.util.Arrays.equals(s.filter, filter);
    }

    @Override
    public int hashCode() {
        return 31 * flags + java.util.Arrays.hashCode(filter);
    }

    @Override
    public String toString() {
        return "SeccompPlan[flags=" + flags + ", instructions=" + filter.length / 8 + "]";
    }
}
