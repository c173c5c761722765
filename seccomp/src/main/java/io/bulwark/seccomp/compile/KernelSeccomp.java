package io.bulwark.seccomp.compile;

/** What the running kernel's seccomp supports, as far as compiling a profile needs to know. */
public interface KernelSeccomp {
    /** Whether {@code seccomp(SECCOMP_SET_MODE_FILTER)} accepts this combination of {@code SECCOMP_FILTER_FLAG_*}. */
    boolean supportsFlags(int flags);
}
