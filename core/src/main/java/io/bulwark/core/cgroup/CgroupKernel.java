package io.bulwark.core.cgroup;

/**
 * The system calls the cgroup managers make besides file I/O: signals, eventfd notification (v1 OOM events) and
 * bpf(2) for the cgroup v2 device filter. {@link NativeCgroupKernel} makes them; tests use a recording double.
 * Every failing call throws {@link io.bulwark.core.BulwarkException} with the errno.
 */
public interface CgroupKernel {
    int O_RDONLY = 0;
    int O_DIRECTORY = 0x10000;
    int O_CLOEXEC = 0x80000;

    /** kill(2). Returns false when the process no longer exists (ESRCH). */
    boolean kill(int pid, int signal);

    int open(String path, int flags);

    void close(int fd);

    /** eventfd(2) with EFD_CLOEXEC. */
    int eventfd();

    /** poll(2) for readability of one descriptor; false on timeout. */
    boolean pollIn(int fd, int timeoutMillis);

    /** Reads an eventfd's 8-byte counter. */
    long readCounter(int fd);

    /**
     * BPF_PROG_LOAD. Returns the program's descriptor. On a verifier rejection the exception message carries the
     * verifier log.
     */
    int bpfProgLoad(int progType, byte[] instructions, String license);

    /** BPF_PROG_ATTACH of {@code progFd} to the cgroup open at {@code cgroupFd}. */
    void bpfProgAttach(int cgroupFd, int progFd, int attachType, int flags);

    /** BPF_PROG_DETACH. */
    void bpfProgDetach(int cgroupFd, int progFd, int attachType);

    /** BPF_PROG_QUERY: the ids of the programs attached to the cgroup for this attach type. */
    int[] bpfProgQuery(int cgroupFd, int attachType);

    /** BPF_PROG_GET_FD_BY_ID. */
    int bpfProgGetFdById(int id);
}
