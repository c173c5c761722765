package io.bulwark.seccomp.notify;

import jnr.ffi.Pointer;

/** libc's AF_UNIX socket calls, for passing a seccomp listener fd with SCM_RIGHTS. */
public interface SocketNative {
    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer addr, int len);

    int listen(int fd, int backlog);

    int accept4(int fd, Pointer addr, Pointer len, int flags);

    int connect(int fd, Pointer addr, int len);

    long sendmsg(int fd, Pointer msg, int flags);

    long recvmsg(int fd, Pointer msg, int flags);

    int close(int fd);

    String strerror(int errno);
}
