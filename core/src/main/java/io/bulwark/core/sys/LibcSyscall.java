package io.bulwark.core.sys;

import io.bulwark.core.BulwarkException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The real {@link Syscall}: glibc through jnr-ffi. The binding is created on first use and only once per JVM.
 * Structure layouts are those of LP64 Linux (x86-64, aarch64).
 */
public final class LibcSyscall implements Syscall {

    /** The glibc functions Bulwark calls. */
    public interface LibC {
        int memfd_create(String name, int flags);

        int fcntl(int fd, int cmd, int arg);

        long write(int fd, @In byte[] buf, long count);

        long read(int fd, @Out byte[] buf, long count);

        int open(String path, int flags, int mode);

        int close(int fd);

        int pipe2(@Out int[] fds, int flags);

        int socketpair(int domain, int type, int protocol, @Out int[] fds);

        int socket(int domain, int type, int protocol);

        int connect(int fd, Pointer addr, int len);

        int bind(int fd, Pointer addr, int len);

        int listen(int fd, int backlog);

        int accept4(int fd, Pointer addr, Pointer len, int flags);

        long sendmsg(int fd, Pointer msg, int flags);

        long recvmsg(int fd, Pointer msg, int flags);

        int poll(Pointer fds, long nfds, int timeout);

        int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

        int posix_spawn_file_actions_init(Pointer fa);

        int posix_spawn_file_actions_destroy(Pointer fa);

        int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);

        int posix_spawn_file_actions_addclose(Pointer fa, int fd);

        int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

        int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

        int sigemptyset(Pointer set);

        int sigfillset(Pointer set);

        int waitpid(int pid, IntByReference status, int options);

        int kill(int pid, int sig);

        int mkfifo(String path, int mode);

        int chown(String path, int uid, int gid);

        int chmod(String path, int mode);

        int unlink(String path);

        String strerror(int errno);
    }

    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_ADD_SEALS = 1033;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_CTRUNC = 0x8;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int SUN_PATH_MAX = 108;

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private static final LibcSyscall INSTANCE = new LibcSyscall();

    private LibcSyscall() {
    }

    /** The process-wide instance (the binding is loaded on the first call). */
    public static LibcSyscall get() {
        return INSTANCE;
    }

    private static LibC libc() {
        return Holder.LIBC;
    }

    private static Runtime rt() {
        return Holder.RUNTIME;
    }

    private static BulwarkException fail(String what) {
        int errno = rt().getLastError();
        return fail(what, errno);
    }

    private static BulwarkException fail(String what, int errno) {
        return new BulwarkException(what + ": " + libc().strerror(errno), errno);
    }

    private static int check(int r, String what) {
        if (r < 0) {
            throw fail(what);
        }
        return r;
    }

    @Override
    public int memfdCreate(String name, int flags) {
        return check(libc().memfd_create(name, flags), "memfd_create " + name);
    }

    @Override
    public void addSeals(int fd, int seals) {
        check(libc().fcntl(fd, F_ADD_SEALS, seals), "seal memfd " + fd);
    }

    @Override
    public int dupAtLeast(int fd, int min) {
        return check(libc().fcntl(fd, F_DUPFD_CLOEXEC, min), "dup fd " + fd);
    }

    @Override
    public void writeAll(int fd, byte[] data) {
        int off = 0;
        while (off < data.length) {
            byte[] chunk = off == 0 ? data : java.util.Arrays.copyOfRange(data, off, data.length);
            long n = libc().write(fd, chunk, chunk.length);
            if (n < 0) {
                if (rt().getLastError() == EINTR) {
                    continue;
                }
                throw fail("write fd " + fd);
            }
            off += (int) n;
        }
    }

    @Override
    public int read(int fd, byte[] buf) {
        for (;;) {
            long n = libc().read(fd, buf, buf.length);
            if (n >= 0) {
                return (int) n;
            }
            if (rt().getLastError() != EINTR) {
                throw fail("read fd " + fd);
            }
        }
    }

    @Override
    public int open(String path, int flags, int mode) {
        return check(libc().open(path, flags, mode), "open " + path);
    }

    @Override
    public void close(int fd) {
        check(libc().close(fd), "close fd " + fd);
    }

    @Override
    public int[] pipe() {
        int[] fds = new int[2];
        check(libc().pipe2(fds, O_CLOEXEC), "pipe");
        return fds;
    }

    @Override
    public int[] socketpair(int domain, int type) {
        int[] fds = new int[2];
        check(libc().socketpair(domain, type | SOCK_CLOEXEC, 0, fds), "socketpair");
        return fds;
    }

    @Override
    public int socket(int domain, int type) {
        return check(libc().socket(domain, type | SOCK_CLOEXEC, 0), "socket");
    }

    private static Pointer unixAddress(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= SUN_PATH_MAX) {
            throw new BulwarkException("socket path too long (" + p.length + " bytes, at most 107): " + path);
        }
        Pointer a = Memory.allocateDirect(rt(), 2 + SUN_PATH_MAX, true);
        a.putShort(0, (short) AF_UNIX);
        a.put(2, p, 0, p.length);
        return a;
    }

    @Override
    public void connectUnix(int fd, String path) {
        check(libc().connect(fd, unixAddress(path), 2 + SUN_PATH_MAX), "connect to " + path);
    }

    @Override
    public void bindUnix(int fd, String path, int backlog) {
        check(libc().bind(fd, unixAddress(path), 2 + SUN_PATH_MAX), "bind " + path);
        check(libc().listen(fd, backlog), "listen on " + path);
    }

    @Override
    public int accept(int fd) {
        return check(libc().accept4(fd, null, null, SOCK_CLOEXEC), "accept on fd " + fd);
    }

    /** struct msghdr (56 bytes) with one iovec over buf and a control buffer for n descriptors. */
    private static Pointer msghdr(Pointer buf, long len, Pointer control, long controlLen) {
        Pointer iov = Memory.allocateDirect(rt(), 16, true);
        iov.putAddress(0, buf.address());
        iov.putLong(8, len);
        Pointer msg = Memory.allocateDirect(rt(), 56, true);
        msg.putAddress(16, iov.address());
        msg.putLong(24, 1);
        if (control != null) {
            msg.putAddress(32, control.address());
            msg.putLong(40, controlLen);
        }
        return msg;
    }

    private static int cmsgSpace(int nfds) {
        return 16 + ((nfds * 4 + 7) & ~7);
    }

    @Override
    public void sendmsg(int fd, byte[] data, int[] fds) {
        Pointer buf = Memory.allocateDirect(rt(), Math.max(1, data.length));
        buf.put(0, data, 0, data.length);
        Pointer control = null;
        int space = 0;
        if (fds != null && fds.length > 0) {
            space = cmsgSpace(fds.length);
            control = Memory.allocateDirect(rt(), space, true);
            control.putLong(0, 16 + 4L * fds.length);
            control.putInt(8, SOL_SOCKET);
            control.putInt(12, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.putInt(16 + 4L * i, fds[i]);
            }
        }
        Pointer msg = msghdr(buf, data.length, control, space);
        for (;;) {
            long n = libc().sendmsg(fd, msg, MSG_NOSIGNAL);
            if (n >= 0) {
                return;
            }
            if (rt().getLastError() != EINTR) {
                throw fail("sendmsg on fd " + fd);
            }
        }
    }

    @Override
    public Message recvmsg(int fd, int maxBytes, int maxFds) {
        Pointer buf = Memory.allocateDirect(rt(), Math.max(1, maxBytes));
        int space = maxFds > 0 ? cmsgSpace(maxFds) : 0;
        Pointer control = space > 0 ? Memory.allocateDirect(rt(), space, true) : null;
        Pointer msg = msghdr(buf, maxBytes, control, space);
        long n;
        for (;;) {
            n = libc().recvmsg(fd, msg, MSG_CMSG_CLOEXEC);
            if (n >= 0) {
                break;
            }
            if (rt().getLastError() != EINTR) {
                throw fail("recvmsg on fd " + fd);
            }
        }
        int[] fds = new int[0];
        long controlLen = msg.getLong(40);
        if (control != null && controlLen >= 16 && control.getInt(8) == SOL_SOCKET && control.getInt(12) == SCM_RIGHTS) {
            int count = (int) ((control.getLong(0) - 16) / 4);
            fds = new int[count];
            for (int i = 0; i < count; i++) {
                fds[i] = control.getInt(16 + 4L * i);
            }
        }
        int flags = msg.getInt(48);
        if ((flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
            for (int f : fds) {
                libc().close(f);
            }
            throw new BulwarkException("recvmsg on fd " + fd + ": message truncated");
        }
        byte[] data = new byte[(int) n];
        buf.get(0, data, 0, data.length);
        return new Message(data, fds);
    }

    @Override
    public int poll(int fd, int events, int timeoutMillis) {
        Pointer p = Memory.allocateDirect(rt(), 8, true);
        p.putInt(0, fd);
        p.putShort(4, (short) events);
        for (;;) {
            int r = libc().poll(p, 1, timeoutMillis);
            if (r >= 0) {
                return r == 0 ? 0 : p.getShort(6) & 0xffff;
            }
            if (rt().getLastError() != EINTR) {
                throw fail("poll fd " + fd);
            }
        }
    }

    private static Pointer cstrings(List<String> list) {
        Pointer array = Memory.allocateDirect(rt(), 8L * (list.size() + 1), true);
        for (int i = 0; i < list.size(); i++) {
            byte[] b = list.get(i).getBytes(StandardCharsets.UTF_8);
            Pointer s = Memory.allocateDirect(rt(), b.length + 1, true);
            s.put(0, b, 0, b.length);
            array.putAddress(8L * i, s.address());
        }
        return array;
    }

    @Override
    public int posixSpawn(String path, List<String> argv, List<String> envp, List<FileAction> actions) {
        LibC c = libc();
        Pointer fa = Memory.allocateDirect(rt(), 256, true);
        Pointer attr = Memory.allocateDirect(rt(), 1024, true);
        Pointer sigs = Memory.allocateDirect(rt(), 128, true);
        c.posix_spawn_file_actions_init(fa);
        c.posix_spawnattr_init(attr);
        try {
            for (FileAction a : actions) {
                int r;
                if (a instanceof FileAction.Dup2 d) {
                    r = c.posix_spawn_file_actions_adddup2(fa, d.from(), d.to());
                } else if (a instanceof FileAction.Close cl) {
                    r = c.posix_spawn_file_actions_addclose(fa, cl.fd());
                } else {
                    r = c.posix_spawn_file_actions_addclosefrom_np(fa, ((FileAction.CloseFrom) a).lowFd());
                }
                if (r != 0) {
                    throw fail("posix_spawn file action " + a, r);
                }
            }
            c.sigfillset(sigs);
            c.posix_spawnattr_setsigdefault(attr, sigs);
            c.sigemptyset(sigs);
            c.posix_spawnattr_setsigmask(attr, sigs);
            c.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
            IntByReference pid = new IntByReference();
            int r = c.posix_spawn(pid, path, fa, attr, cstrings(argv), cstrings(envp));
            if (r != 0) {
                throw fail("posix_spawn " + path, r);
            }
            return pid.intValue();
        } finally {
            c.posix_spawn_file_actions_destroy(fa);
            c.posix_spawnattr_destroy(attr);
        }
    }

    @Override
    public WaitStatus waitpid(int pid, int options) {
        IntByReference status = new IntByReference();
        for (;;) {
            int r = libc().waitpid(pid, status, options);
            if (r > 0) {
                return new WaitStatus(r, status.intValue());
            }
            if (r == 0) {
                return null;
            }
            if (rt().getLastError() != EINTR) {
                throw fail("waitpid " + pid);
            }
        }
    }

    @Override
    public boolean kill(int pid, int signal) {
        if (pid <= 0) {
            throw new BulwarkException("refusing to signal pid " + pid);
        }
        if (libc().kill(pid, signal) == 0) {
            return true;
        }
        int errno = rt().getLastError();
        if (errno == ESRCH) {
            return false;
        }
        throw fail("kill " + pid, errno);
    }

    @Override
    public void mkfifo(String path, int mode) {
        check(libc().mkfifo(path, mode), "mkfifo " + path);
    }

    @Override
    public void chmod(String path, int mode) {
        check(libc().chmod(path, mode), "chmod " + path);
    }

    @Override
    public void chown(String path, int uid, int gid) {
        check(libc().chown(path, uid, gid), "chown " + path);
    }

    @Override
    public boolean unlink(String path) {
        if (libc().unlink(path) == 0) {
            return true;
        }
        int errno = rt().getLastError();
        if (errno == ENOENT) {
            return false;
        }
        throw fail("unlink " + path, errno);
    }
}
