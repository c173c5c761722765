package io.bulwark.seccomp.libseccomp;

import jnr.ffi.Pointer;

/** The few libc calls the seccomp module needs besides libseccomp. */
public interface LibcNative {
    int memfd_create(String name, int flags);

    int close(int fd);

    void free(Pointer p);

    /** {@code long syscall(long nr, ...)} with three pointer-sized arguments. */
    long syscall(long number, long a0, long a1, long a2);

    String strerror(int errno);
}
