package io.bulwark.seccomp.compile;

import io.bulwark.seccomp.libseccomp.Libseccomp;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Probes the running kernel the way libseccomp does: {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL)} fails
 * with EFAULT when the flags are accepted (the kernel checks them before it reads the program) and with EINVAL
 * when they are not. No filter is ever installed.
 */
public final class LinuxKernelSeccomp implements KernelSeccomp {
    private static final int SECCOMP_SET_MODE_FILTER = 1;
    private static final int EFAULT = 14;

    private final Libseccomp libseccomp;
    private final Map<Integer, Boolean> cache = new ConcurrentHashMap<>();

    public LinuxKernelSeccomp(Libseccomp libseccomp) {
        this.libseccomp = libseccomp;
    }

    @Override
    public boolean supportsFlags(int flags) {
        return cache.computeIfAbsent(flags, f -> libseccomp.rawSeccompErrno(SECCOMP_SET_MODE_FILTER, f) == EFAULT);
    }
}
