package io.bulwark.seccomp.notify;

import io.bulwark.core.BulwarkException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * AF_UNIX stream sockets with descriptor passing, as the OCI seccomp notify hand-off needs: the runtime connects to
 * {@code listenerPath} and sends the container process state JSON with the listener fd attached (SCM_RIGHTS).
 * Structure layouts are those of LP64 Linux (x86-64, aarch64).
 */
public final class UnixSockets {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SUN_PATH_MAX = 108;
    private static final int SOCKADDR_UN_SIZE = 2 + SUN_PATH_MAX;
    private static final int MSGHDR_SIZE = 56;
    private static final int CMSG_HEADER = 16;
    private static final int MAX_FDS = 8;

    private static final SocketNative LIBC = LibraryLoader.create(SocketNative.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    /** Bytes received together with the descriptors that came with them. */
    public record Message(byte[] data, int[] fds) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private UnixSockets() {
    }

    private static BulwarkException error(String what, Path path) {
        int errno = RUNTIME.getLastError();
        return new BulwarkException(what + " " + path + ": " + LIBC.strerror(errno), errno);
    }

    private static Pointer address(Path path) {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= SUN_PATH_MAX) {
            throw new BulwarkException("socket path " + path + " is longer than " + (SUN_PATH_MAX - 1) + " bytes");
        }
        Pointer a = Memory.allocateDirect(RUNTIME, SOCKADDR_UN_SIZE, true);
        a.putShort(0, (short) AF_UNIX);
        a.put(2, p, 0, p.length);
        return a;
    }

    /** A listening socket bound at {@code path}; returns its fd. */
    public static int listen(Path path) {
        int fd = LIBC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw error("socket for", path);
        }
        if (LIBC.bind(fd, address(path), SOCKADDR_UN_SIZE) < 0 || LIBC.listen(fd, 16) < 0) {
            BulwarkException e = error("cannot listen on", path);
            LIBC.close(fd);
            throw e;
        }
        return fd;
    }

    /** Waits for a connection on a listening socket; returns the connected fd. */
    public static int accept(int listeningFd) {
        int fd = LIBC.accept4(listeningFd, null, null, SOCK_CLOEXEC);
        if (fd < 0) {
            throw error("accept on fd", Path.of(String.valueOf(listeningFd)));
        }
        return fd;
    }

    /** Connects to {@code path} and sends {@code data} with {@code fd} attached. */
    public static void sendWithFd(Path path, byte[] data, int fd) {
        int s = LIBC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) {
            throw error("socket for", path);
        }
        try {
            if (LIBC.connect(s, address(path), SOCKADDR_UN_SIZE) < 0) {
                throw error("cannot connect to seccomp listener socket", path);
            }
            Pointer buf = Memory.allocateDirect(RUNTIME, Math.max(1, data.length));
            buf.put(0, data, 0, data.length);
            Pointer iov = Memory.allocateDirect(RUNTIME, 16, true);
            iov.putAddress(0, buf.address());
            iov.putLong(8, data.length);
            int space = CMSG_HEADER + 8;
            Pointer control = Memory.allocateDirect(RUNTIME, space, true);
            control.putLong(0, CMSG_HEADER + 4);
            control.putInt(8, SOL_SOCKET);
            control.putInt(12, SCM_RIGHTS);
            control.putInt(16, fd);
            Pointer msg = Memory.allocateDirect(RUNTIME, MSGHDR_SIZE, true);
            msg.putAddress(16, iov.address());
            msg.putLong(24, 1);
            msg.putAddress(32, control.address());
            msg.putLong(40, space);
            if (LIBC.sendmsg(s, msg, 0) < 0) {
                throw error("cannot send the seccomp listener fd to", path);
            }
        } finally {
            LIBC.close(s);
        }
    }

    /** Receives one message of at most {@code max} bytes and the descriptors attached to it (close-on-exec). */
    public static Message receive(int fd, int max) {
        Pointer buf = Memory.allocateDirect(RUNTIME, max);
        Pointer iov = Memory.allocateDirect(RUNTIME, 16, true);
        iov.putAddress(0, buf.address());
        iov.putLong(8, max);
        int space = CMSG_HEADER + 4 * MAX_FDS;
        Pointer control = Memory.allocateDirect(RUNTIME, space, true);
        Pointer msg = Memory.allocateDirect(RUNTIME, MSGHDR_SIZE, true);
        msg.putAddress(16, iov.address());
        msg.putLong(24, 1);
        msg.putAddress(32, control.address());
        msg.putLong(40, space);
        long n = LIBC.recvmsg(fd, msg, MSG_CMSG_CLOEXEC);
        if (n < 0) {
            throw error("recvmsg on fd", Path.of(String.valueOf(fd)));
        }
        List<Integer> fds = new ArrayList<>();
        long controlLen = msg.getLong(40);
        if (controlLen >= CMSG_HEADER && control.getInt(8) == SOL_SOCKET && control.getInt(12) == SCM_RIGHTS) {
            long len = control.getLong(0);
            for (long off = CMSG_HEADER; off + 4 <= len; off += 4) {
                fds.add(control.getInt(off));
            }
        }
        byte[] data = new byte[(int) n];
        buf.get(0, data, 0, data.length);
        return new Message(data, fds.stream().mapToInt(Integer::intValue).toArray());
    }

    public static void close(int fd) {
        LIBC.close(fd);
    }
}
