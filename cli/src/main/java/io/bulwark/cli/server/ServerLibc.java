package io.bulwark.cli.server;

import io.bulwark.core.BulwarkException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The few kernel calls only the resident server needs beyond {@link io.bulwark.core.sys.Syscall}: the peer's
 * credentials of a connection, shutdown(2), pidfd_open(2) and poll(2) over many descriptors.
 */
public final class ServerLibc {
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int EINTR = 4;
    public static final int SHUT_RDWR = 2;
    public static final short POLLIN = 1;

    /** libc, as jnr-ffi binds it. */
    public interface LibC {
        @SaveError
        int getsockopt(int fd, int level, int name, Pointer value, IntByReference length);

        @SaveError
        int shutdown(int fd, int how);

        @SaveError
        long syscall(long number, long a, long b);

        @SaveError
        int poll(Pointer fds, long nfds, int timeout);

        String strerror(int errno);
    }

    /** SO_PEERCRED: the process at the other end of a connection. */
    public record PeerCredentials(int pid, int uid, int gid) {
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private ServerLibc() {
    }

    private static BulwarkException fail(String what) {
        int errno = Holder.RUNTIME.getLastError();
        return new BulwarkException(what + ": " + Holder.LIBC.strerror(errno), errno);
    }

    public static PeerCredentials peer(int fd) {
        Pointer cred = Memory.allocateDirect(Holder.RUNTIME, 12, true);
        IntByReference len = new IntByReference(12);
        if (Holder.LIBC.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len) != 0) {
            throw fail("getsockopt SO_PEERCRED on fd " + fd);
        }
        return new PeerCredentials(cred.getInt(0), cred.getInt(4), cred.getInt(8));
    }

    public static void shutdown(int fd) {
        Holder.LIBC.shutdown(fd, SHUT_RDWR);
    }

    /** A descriptor that becomes readable when the process ends (it must not have been reaped yet). */
    public static int pidfdOpen(int pid) {
        long fd = Holder.LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) {
            throw fail("pidfd_open " + pid);
        }
        return (int) fd;
    }

    /** poll(2) for POLLIN on every descriptor; returns which ones are ready (or hung up). */
    public static boolean[] pollIn(int[] fds, int timeoutMillis) {
        Pointer p = Memory.allocateDirect(Holder.RUNTIME, Math.max(8, fds.length * 8), true);
        for (int i = 0; i < fds.length; i++) {
            p.putInt(i * 8L, fds[i]);
            p.putShort(i * 8L + 4, POLLIN);
        }
        for (;;) {
            int r = Holder.LIBC.poll(p, fds.length, timeoutMillis);
            if (r >= 0) {
                break;
            }
            if (Holder.RUNTIME.getLastError() != EINTR) {
                throw fail("poll");
            }
        }
        boolean[] ready = new boolean[fds.length];
        for (int i = 0; i < fds.length; i++) {
            ready[i] = p.getShort(i * 8L + 6) != 0;
        }
        return ready;
    }
}
