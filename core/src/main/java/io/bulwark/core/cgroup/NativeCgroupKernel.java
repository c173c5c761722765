package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/** {@link CgroupKernel} through libc with jnr-ffi. The binding is loaded once, on first use. */
public final class NativeCgroupKernel implements CgroupKernel {
    private static final long SYS_BPF_X86_64 = 321;
    private static final long SYS_BPF_AARCH64 = 280;
    private static final int ESRCH = 3;
    private static final int EINTR = 4;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_DETACH = 9;
    private static final int BPF_PROG_GET_FD_BY_ID = 13;
    private static final int BPF_PROG_QUERY = 16;
    /** Large enough for every bpf_attr layout used here; the kernel accepts zeroed trailing bytes. */
    private static final int ATTR_SIZE = 128;
    private static final int VERIFIER_LOG_SIZE = 1 << 16;

    /** The libc functions used. */
    public interface LibC {
        @SaveError int kill(int pid, int sig);

        @SaveError int open(String path, int flags);

        @SaveError int close(int fd);

        @SaveError int eventfd(int initval, int flags);

        @SaveError int poll(Pointer fds, long nfds, int timeout);

        @SaveError long read(int fd, Pointer buf, long count);

        @SaveError long syscall(long number, int cmd, Pointer attr, int size);

        String strerror(int errno);
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
    }

    private static LibC libc() {
        return Holder.LIBC;
    }

    private static int errno() {
        return Holder.RUNTIME.getLastError();
    }

    private static BulwarkException error(String call, int errno) {
        return new BulwarkException(call + ": " + libc().strerror(errno), errno);
    }

    private static long sysBpf() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") ? SYS_BPF_AARCH64 : SYS_BPF_X86_64;
    }

    @Override
    public boolean kill(int pid, int signal) {
        if (pid <= 0) {
            throw new BulwarkException("refusing to signal pid " + pid, 22);
        }
        if (libc().kill(pid, signal) == 0) {
            return true;
        }
        int e = errno();
        if (e == ESRCH) {
            return false;
        }
        throw error("kill(" + pid + ", " + signal + ")", e);
    }

    @Override
    public int open(String path, int flags) {
        int fd = libc().open(path, flags | O_CLOEXEC);
        if (fd < 0) {
            throw error("open " + path, errno());
        }
        return fd;
    }

    @Override
    public void close(int fd) {
        libc().close(fd);
    }

    @Override
    public int eventfd() {
        int fd = libc().eventfd(0, O_CLOEXEC);
        if (fd < 0) {
            throw error("eventfd", errno());
        }
        return fd;
    }

    @Override
    public boolean pollIn(int fd, int timeoutMillis) {
        Pointer pfd = Memory.allocateDirect(Holder.RUNTIME, 8, true);
        pfd.putInt(0, fd);
        pfd.putShort(4, (short) 1); // POLLIN
        while (true) {
            int n = libc().poll(pfd, 1, timeoutMillis);
            if (n >= 0) {
                return n > 0;
            }
            int e = errno();
            if (e != EINTR) {
                throw error("poll", e);
            }
        }
    }

    @Override
    public long readCounter(int fd) {
        Pointer buf = Memory.allocateDirect(Holder.RUNTIME, 8, true);
        long n = libc().read(fd, buf, 8);
        if (n != 8) {
            throw error("read eventfd", n < 0 ? errno() : 5);
        }
        return buf.getLong(0);
    }

    private static Pointer attr() {
        return Memory.allocateDirect(Holder.RUNTIME, ATTR_SIZE, true);
    }

    private static long bpf(int cmd, Pointer attr) {
        return libc().syscall(sysBpf(), cmd, attr, ATTR_SIZE);
    }

    @Override
    public int bpfProgLoad(int progType, byte[] instructions, String license) {
        jnr.ffi.Runtime rt = Holder.RUNTIME;
        Pointer insns = Memory.allocateDirect(rt, instructions.length, true);
        insns.put(0, instructions, 0, instructions.length);
        byte[] lic = (license + "\0").getBytes(StandardCharsets.US_ASCII);
        Pointer licence = Memory.allocateDirect(rt, lic.length, true);
        licence.put(0, lic, 0, lic.length);
        Pointer log = Memory.allocateDirect(rt, VERIFIER_LOG_SIZE, true);
        Pointer a = attr();
        a.putInt(0, progType);
        a.putInt(4, instructions.length / 8);
        a.putLong(8, insns.address());
        a.putLong(16, licence.address());
        a.putInt(24, 1); // log_level: the verifier explains a rejection
        a.putInt(28, VERIFIER_LOG_SIZE);
        a.putLong(32, log.address());
        long fd = bpf(BPF_PROG_LOAD, a);
        if (fd < 0) {
            int e = errno();
            byte[] text = new byte[VERIFIER_LOG_SIZE];
            log.get(0, text, 0, text.length);
            int len = 0;
            while (len < text.length && text[len] != 0) {
                len++;
            }
            String verifier = new String(text, 0, len, StandardCharsets.UTF_8).trim();
            throw new BulwarkException("bpf(BPF_PROG_LOAD): " + libc().strerror(e)
                + (verifier.isEmpty() ? "" : "; verifier: " + verifier.replace('\n', ' ')), e);
        }
        return (int) fd;
    }

    @Override
    public void bpfProgAttach(int cgroupFd, int progFd, int attachType, int flags) {
        Pointer a = attr();
        a.putInt(0, cgroupFd);
        a.putInt(4, progFd);
        a.putInt(8, attachType);
        a.putInt(12, flags);
        if (bpf(BPF_PROG_ATTACH, a) < 0) {
            throw error("bpf(BPF_PROG_ATTACH)", errno());
        }
    }

    @Override
    public void bpfProgDetach(int cgroupFd, int progFd, int attachType) {
        Pointer a = attr();
        a.putInt(0, cgroupFd);
        a.putInt(4, progFd);
        a.putInt(8, attachType);
        if (bpf(BPF_PROG_DETACH, a) < 0) {
            throw error("bpf(BPF_PROG_DETACH)", errno());
        }
    }

    @Override
    public int[] bpfProgQuery(int cgroupFd, int attachType) {
        int capacity = 64;
        Pointer ids = Memory.allocateDirect(Holder.RUNTIME, capacity * 4L, true);
        Pointer a = attr();
        a.putInt(0, cgroupFd);
        a.putInt(4, attachType);
        a.putLong(16, ids.address());
        a.putInt(24, capacity);
        if (bpf(BPF_PROG_QUERY, a) < 0) {
            throw error("bpf(BPF_PROG_QUERY)", errno());
        }
        int count = Math.min(a.getInt(24), capacity);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = ids.getInt(i * 4L);
        }
        return out;
    }

    @Override
    public int bpfProgGetFdById(int id) {
        Pointer a = attr();
        a.putInt(0, id);
        long fd = bpf(BPF_PROG_GET_FD_BY_ID, a);
        if (fd < 0) {
            throw error("bpf(BPF_PROG_GET_FD_BY_ID " + id + ")", errno());
        }
        return (int) fd;
    }
}
