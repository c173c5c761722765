package io.bulwark.vmm.kvm;

import java.util.ArrayList;
import java.util.List;

/** A {@link Syscalls} double that records every call and fails them all (nothing reaches the kernel). */
public final class RecordingSyscalls implements Syscalls {
    public final List<String> calls = new ArrayList<>();

    @Override
    public int open(String path, int flags) {
        calls.add("open " + path);
        throw new io.bulwark.core.BulwarkException("open " + path + ": refused by test double", 13);
    }

    @Override
    public void close(int fd) {
        calls.add("close " + fd);
    }

    @Override
    public int read(int fd, byte[] buf) {
        calls.add("read " + fd);
        return 0;
    }

    @Override
    public long ioctl(int fd, long request, long arg) {
        calls.add(String.format("ioctl %d %#x", fd, request));
        return -1;
    }

    @Override
    public long ioctl(int fd, long request, byte[] inOut) {
        calls.add(String.format("ioctl %d %#x", fd, request));
        return -1;
    }

    @Override
    public long mmap(long length, int prot, int flags, int fd, long offset) {
        calls.add("mmap " + length);
        throw new io.bulwark.core.BulwarkException("mmap refused by test double");
    }

    @Override
    public void munmap(long address, long length) {
        calls.add("munmap");
    }

    @Override
    public int gettid() {
        calls.add("gettid");
        return 1;
    }

    @Override
    public void tgkill(int tid, int signal) {
        calls.add("tgkill " + tid + " " + signal);
    }

    @Override
    public long sigprocmask(int how, long mask) {
        calls.add("sigprocmask");
        return 0;
    }

    @Override
    public long sigtimedwaitNow(long mask) {
        calls.add("sigtimedwait");
        return -EAGAIN;
    }

    @Override
    public long prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        calls.add("prctl " + option + " " + arg2);
        return 0;
    }

    @Override
    public void seccompFilter(int flags, byte[] program) {
        calls.add("seccomp " + flags + " " + program.length / 8);
    }

    @Override
    public void mkfifo(String path, int mode) {
        calls.add("mkfifo " + path);
    }

    @Override
    public int kill(int pid, int signal) {
        calls.add("kill " + pid + " " + signal);
        return 0;
    }

    @Override
    public String strerror(int errno) {
        return "errno " + errno;
    }
}
