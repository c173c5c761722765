package io.bulwark.vmm.kvm;

/**
 * Every kernel call the VMM makes, in one place, so that tests can substitute a recording double and the VMM's
 * own seccomp filter can be derived from one list. Calls that can fail with a retryable errno return
 * {@code -errno} instead of throwing; the rest throw {@link io.bulwark.core.BulwarkException}.
 */
public interface Syscalls {
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 0x80000;
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 1;
    int MAP_PRIVATE = 2;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    int EINTR = 4;
    int EAGAIN = 11;

    int open(String path, int flags);

    void close(int fd);

    /** read(2) into {@code buf} from its start; returns the byte count (0 at end of file) or -errno. */
    int read(int fd, byte[] buf);

    /** ioctl with a scalar (or native address) argument; returns the result or {@code -errno}. */
    long ioctl(int fd, long request, long arg);

    /** ioctl whose argument is a struct: {@code inOut} is copied in and back out. Returns the result or -errno. */
    long ioctl(int fd, long request, byte[] inOut);

    /** mmap; returns the address. */
    long mmap(long length, int prot, int flags, int fd, long offset);

    void munmap(long address, long length);

    /** The calling thread's kernel id. */
    int gettid();

    /** Sends {@code signal} to thread {@code tid} of this process. */
    void tgkill(int tid, int signal);

    /** rt_sigprocmask on the calling thread with a kernel (64-bit) mask; returns the previous mask. */
    long sigprocmask(int how, long mask);

    /** Takes one pending signal out of {@code mask} without waiting; returns it, or -errno (EAGAIN: none). */
    long sigtimedwaitNow(long mask);

    /** prctl with integer arguments; returns the result or -errno. */
    long prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) with a classic BPF program (struct sock_filter[]). */
    void seccompFilter(int flags, byte[] program);

    void mkfifo(String path, int mode);

    /** kill(2); returns 0 or -errno. */
    int kill(int pid, int signal);

    /** Human text for an errno. */
    String strerror(int errno);
}
