package io.bulwark.core.spi;

import java.util.Objects;

/**
 * A compiled seccomp filter as the shim installs it.
 *
 * @param filter           classic BPF, an array of {@code struct sock_filter} (8 bytes each, host byte order)
 * @param flags            {@code SECCOMP_FILTER_FLAG_*} bits for {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, ...)};
 *                         includes {@link #FLAG_NEW_LISTENER} when a rule uses {@code SCMP_ACT_NOTIFY}
 * @param listenerPath     where the listener fd goes ({@code linux.seccomp.listenerPath}), or null
 * @param listenerMetadata opaque string passed along with the listener fd, or null
 */
public record SeccompProgram(byte[] filter, int flags, String listenerPath, String listenerMetadata) {
    public static final int FLAG_TSYNC = 1;
    public static final int FLAG_LOG = 1 << 1;
    public static final int FLAG_SPEC_ALLOW = 1 << 2;
    public static final int FLAG_NEW_LISTENER = 1 << 3;
    public static final int FLAG_TSYNC_ESRCH = 1 << 4;
    public static final int FLAG_WAIT_KILLABLE_RECV = 1 << 5;

    /** Size of one {@code struct sock_filter}. */
    public static final int INSTRUCTION_SIZE = 8;

    public SeccompProgram {
        Objects.requireNonNull(filter, "filter");
        if (filter.length == 0 || filter.length % INSTRUCTION_SIZE != 0) {
            throw new IllegalArgumentException("BPF program length " + filter.length + " is not a positive multiple of 8");
        }
        filter = filter.clone();
    }

    @Override
    public byte[] filter() {
        return filter.clone();
    }

    /** Number of BPF instructions (the kernel accepts at most 4096). */
    public int instructions() {
        return filter.length / INSTRUCTION_SIZE;
    }

    /** True when the shim must ask for a notification listener fd and hand it on. */
    public boolean wantsListener() {
        return (flags & FLAG_NEW_LISTENER) != 0;
    }
}
