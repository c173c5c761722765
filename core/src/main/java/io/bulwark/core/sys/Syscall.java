package io.bulwark.core.sys;

import java.util.List;

/**
 * Every kernel call Bulwark's Java code makes, behind one interface: {@link LibcSyscall} makes them for real
 * (jnr-ffi), a recording double in the tests checks the exact sequence without root. Failures throw
 * {@link io.bulwark.core.BulwarkException} carrying the errno and a message naming the call and its argument.
 */
public interface Syscall {
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_CREAT = 0100;
    int O_EXCL = 0200;
    int O_NOCTTY = 0400;
    int O_TRUNC = 01000;
    int O_NONBLOCK = 04000;
    int O_DIRECTORY = 0200000;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;

    int MFD_CLOEXEC = 1;
    int MFD_ALLOW_SEALING = 2;
    int F_SEAL_SEAL = 1;
    int F_SEAL_SHRINK = 2;
    int F_SEAL_GROW = 4;
    int F_SEAL_WRITE = 8;

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_SEQPACKET = 5;
    int SOCK_CLOEXEC = 02000000;

    int POLLIN = 1;
    int POLLHUP = 0x10;

    int WNOHANG = 1;

    int ENOENT = 2;
    int ESRCH = 3;
    int EINTR = 4;
    int EAGAIN = 11;
    int ECHILD = 10;
    int EEXIST = 17;

    /** memfd_create(2). */
    int memfdCreate(String name, int flags);

    /** fcntl(fd, F_ADD_SEALS, seals). */
    void addSeals(int fd, int seals);

    /** fcntl(fd, F_DUPFD_CLOEXEC, min): a close-on-exec copy at the lowest free number &gt;= min. */
    int dupAtLeast(int fd, int min);

    /** write(2) until every byte is written. */
    void writeAll(int fd, byte[] data);

    /** read(2) into buf; returns the count, 0 at end of file. */
    int read(int fd, byte[] buf);

    /** open(2). */
    int open(String path, int flags, int mode);

    /** close(2). */
    void close(int fd);

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    int[] pipe();

    /** socketpair(domain, type | SOCK_CLOEXEC, 0). */
    int[] socketpair(int domain, int type);

    /** socket(domain, type | SOCK_CLOEXEC, 0). */
    int socket(int domain, int type);

    /** connect(2) to an AF_UNIX path. */
    void connectUnix(int fd, String path);

    /** bind(2) to an AF_UNIX path, then listen(2). */
    void bindUnix(int fd, String path, int backlog);

    /** accept4(fd, SOCK_CLOEXEC). */
    int accept(int fd);

    /** sendmsg(2) of data with descriptors attached (SCM_RIGHTS), MSG_NOSIGNAL. */
    void sendmsg(int fd, byte[] data, int[] fds);

    /** recvmsg(2) of one message with up to maxFds descriptors (received close-on-exec). */
    Message recvmsg(int fd, int maxBytes, int maxFds);

    /** poll(2) one descriptor; returns its revents, 0 on timeout. */
    int poll(int fd, int events, int timeoutMillis);

    /**
     * posix_spawn(3) with file actions, every signal reset to its default and an empty signal mask; returns the
     * pid.
     */
    int posixSpawn(String path, List<String> argv, List<String> envp, List<FileAction> actions);

    /** waitpid(2); returns null with {@link #WNOHANG} when the child has not changed state. */
    WaitStatus waitpid(int pid, int options);

    /** kill(2); false when the process does not exist (ESRCH). */
    boolean kill(int pid, int signal);

    /** mkfifo(3). */
    void mkfifo(String path, int mode);

    /** chmod(2). */
    void chmod(String path, int mode);

    /** chown(2). */
    void chown(String path, int uid, int gid);

    /** unlink(2); false when the file did not exist. */
    boolean unlink(String path);

    /** A received message: its bytes and the descriptors that came with it. */
    record Message(byte[] data, int[] fds) {
    }

    /** A posix_spawn file action. */
    sealed interface FileAction permits FileAction.Dup2, FileAction.Close, FileAction.CloseFrom {
        /** dup2(from, to) in the child. */
        record Dup2(int from, int to) implements FileAction {
        }

        /** close(fd) in the child. */
        record Close(int fd) implements FileAction {
        }

        /** Close every descriptor &gt;= lowFd in the child (posix_spawn_file_actions_addclosefrom_np). */
        record CloseFrom(int lowFd) implements FileAction {
        }
    }

    /** A waitpid status, decoded. */
    record WaitStatus(int pid, int raw) {
        public boolean exited() {
            return (raw & 0x7f) == 0;
        }

        public int exitCode() {
            return (raw >> 8) & 0xff;
        }

        public boolean signaled() {
            return ((raw & 0x7f) + 1) >> 1 > 0 && (raw & 0x7f) != 0x7f;
        }

        public int termSignal() {
            return raw & 0x7f;
        }

        /** As a shell reports it: the exit code, or 128+N for signal N. */
        public int shellStatus() {
            return exited() ? exitCode() : 128 + termSignal();
        }
    }
}
