package io.bulwark.seccomp.bpf;

import java.util.Map;

/** Names of the Linux errno values (x86-64/generic numbering) for messages and operator tooling. */
public final class Errno {
    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
        "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
        "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
        "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
    };
    private static final Map<Integer, String> MORE = Map.of(95, "EOPNOTSUPP", 97, "EAFNOSUPPORT", 13, "EACCES");

    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOSYS = 38;

    /** The symbolic name of {@code errno}, or null when not in the table. */
    public static String name(int errno) {
        if (errno > 0 && errno < NAMES.length) {
            return NAMES[errno];
        }
        return MORE.get(errno);
    }
}
