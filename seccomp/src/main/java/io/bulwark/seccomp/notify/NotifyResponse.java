package io.bulwark.seccomp.notify;

/**
 * {@code struct seccomp_notif_resp}: the listener's answer. Either the syscall returns {@code value} (error 0),
 * fails with {@code -error}, or, with {@link #FLAG_CONTINUE}, runs as if no filter had stopped it.
 */
public record NotifyResponse(long id, long value, int error, int flags) {
    public static final int FLAG_CONTINUE = 1;

    public static NotifyResponse returning(long id, long value) {
        return new NotifyResponse(id, value, 0, 0);
    }

    public static NotifyResponse failing(long id, int errno) {
        return new NotifyResponse(id, 0, -errno, 0);
    }

    public static NotifyResponse continuing(long id) {
        return new NotifyResponse(id, 0, 0, FLAG_CONTINUE);
    }
}
