package io.bulwark.vmm.kvm;

import io.bulwark.core.BulwarkException;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.intptr_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

/** {@link Syscalls} through libc with jnr-ffi. */
public final class NativeSyscalls implements Syscalls {
    private static final long SYS_GETTID = 186;
    private static final long SYS_TGKILL = 234;
    private static final long SYS_RT_SIGPROCMASK = 14;
    private static final long SYS_RT_SIGTIMEDWAIT = 128;
    private static final long KERNEL_SIGSET_SIZE = 8;
    private static final long SYS_SECCOMP = 317;
    private static final long SECCOMP_SET_MODE_FILTER = 1;

    /** libc as the VMM uses it. */
    public interface LibC {
        @SaveError int open(String path, int flags, int mode);

        @SaveError int close(int fd);

        @SaveError long read(int fd, @jnr.ffi.annotations.Out byte[] buf, @size_t long count);

        @SaveError long ioctl(int fd, long request, long arg);

        @SaveError long ioctl(int fd, long request, byte[] arg);

        @SaveError Pointer mmap(Pointer addr, @size_t long length, int prot, int flags, int fd, @off_t long offset);

        @SaveError int munmap(@intptr_t long addr, @size_t long length);

        @SaveError long syscall(long number, long a1, long a2, long a3, long a4);

        @SaveError long syscall(long number, long a1, byte[] a2, byte[] a3, long a4);

        @SaveError long syscall(long number, byte[] a1, long a2, byte[] a3, long a4);

        String strerror(int errno);

        @SaveError int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        @SaveError int mkfifo(String path, int mode);

        @SaveError int kill(int pid, int signal);
    }

    private static final NativeSyscalls INSTANCE = new NativeSyscalls();

    private final LibC libc;
    private final Runtime runtime;

    private NativeSyscalls() {
        libc = LibraryLoader.create(LibC.class).load("c");
        runtime = Runtime.getRuntime(libc);
    }

    public static NativeSyscalls get() {
        return INSTANCE;
    }

    /** The jnr runtime, for wrapping native addresses (mmapped guest memory, kvm_run). */
    public Runtime runtime() {
        return runtime;
    }

    private int errno() {
        return LastError.getLastError(runtime);
    }

    private BulwarkException failure(String what) {
        int e = errno();
        return new BulwarkException(what + ": " + strerror(e), e);
    }

    @Override
    public int open(String path, int flags) {
        int fd = libc.open(path, flags, 0);
        if (fd < 0) {
            throw failure("open " + path);
        }
        return fd;
    }

    @Override
    public void close(int fd) {
        libc.close(fd);
    }

    @Override
    public int read(int fd, byte[] buf) {
        long r = libc.read(fd, buf, buf.length);
        return r < 0 ? -errno() : (int) r;
    }

    @Override
    public long ioctl(int fd, long request, long arg) {
        long r = libc.ioctl(fd, request, arg);
        return r < 0 ? -errno() : r;
    }

    @Override
    public long ioctl(int fd, long request, byte[] inOut) {
        long r = libc.ioctl(fd, request, inOut);
        return r < 0 ? -errno() : r;
    }

    @Override
    public long mmap(long length, int prot, int flags, int fd, long offset) {
        Pointer p = libc.mmap(null, length, prot, flags, fd, offset);
        long addr = p == null ? -1L : p.address();
        if (addr == -1L) {
            throw failure("mmap " + length + " bytes");
        }
        return addr;
    }

    @Override
    public void munmap(long address, long length) {
        libc.munmap(address, length);
    }

    @Override
    public int gettid() {
        return (int) libc.syscall(SYS_GETTID, 0, 0, 0, 0);
    }

    @Override
    public void tgkill(int tid, int signal) {
        long pid = ProcessHandle.current().pid();
        if (libc.syscall(SYS_TGKILL, pid, tid, signal, 0) < 0) {
            int e = errno();
            if (e != 3) { // ESRCH: the thread has already gone
                throw new BulwarkException("tgkill " + tid + ": " + strerror(e), e);
            }
        }
    }

    @Override
    public long sigprocmask(int how, long mask) {
        byte[] set = Structs.le64(mask);
        byte[] old = new byte[8];
        if (libc.syscall(SYS_RT_SIGPROCMASK, how, set, old, KERNEL_SIGSET_SIZE) < 0) {
            throw failure("rt_sigprocmask");
        }
        return Structs.u64(old, 0);
    }

    @Override
    public long sigtimedwaitNow(long mask) {
        byte[] set = Structs.le64(mask);
        byte[] zeroTimeout = new byte[16];
        long r = libc.syscall(SYS_RT_SIGTIMEDWAIT, set, 0, zeroTimeout, KERNEL_SIGSET_SIZE);
        return r < 0 ? -errno() : r;
    }

    @Override
    public long prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        int r = libc.prctl(option, arg2, arg3, arg4, arg5);
        return r < 0 ? -errno() : r;
    }

    @Override
    public void seccompFilter(int flags, byte[] program) {
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } with the program in native memory.
        jnr.ffi.Pointer filter = jnr.ffi.Memory.allocateDirect(runtime, program.length);
        filter.put(0, program, 0, program.length);
        jnr.ffi.Pointer fprog = jnr.ffi.Memory.allocateDirect(runtime, 16, true);
        fprog.putShort(0, (short) (program.length / 8));
        fprog.putAddress(8, filter.address());
        long r = libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, flags, fprog.address(), 0);
        if (r < 0) {
            throw failure("seccomp(SECCOMP_SET_MODE_FILTER)");
        }
        if (r > 0) {
            // With TSYNC, a positive result is the id of a thread that could not take the filter: none has it.
            throw new BulwarkException("seccomp(SECCOMP_SET_MODE_FILTER, TSYNC): thread " + r
                + " cannot take the filter (it has a diverging one)");
        }
    }

    @Override
    public void mkfifo(String path, int mode) {
        if (libc.mkfifo(path, mode) < 0) {
            throw failure("mkfifo " + path);
        }
    }

    @Override
    public int kill(int pid, int signal) {
        return libc.kill(pid, signal) < 0 ? -errno() : 0;
    }

    @Override
    public String strerror(int errno) {
        return libc.strerror(errno);
    }
}
