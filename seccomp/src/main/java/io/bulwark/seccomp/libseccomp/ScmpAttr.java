package io.bulwark.seccomp.libseccomp;

/** {@code enum scmp_filter_attr} (libseccomp 2.5; values are part of its ABI). */
public enum ScmpAttr {
    ACT_DEFAULT(1),
    ACT_BADARCH(2),
    CTL_NNP(3),
    CTL_TSYNC(4),
    API_TSKIP(5),
    CTL_LOG(6),
    CTL_SSB(7),
    /** Rule ordering: 0/1 priority and complexity, 2 binary tree of syscall numbers. */
    CTL_OPTIMIZE(8),
    /** Return raw negative errnos from the API instead of normalised ones. */
    API_SYSRAWRC(9);

    public final int value;

    ScmpAttr(int value) {
        this.value = value;
    }
}
