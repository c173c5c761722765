package io.bulwark.core.sys;

import io.bulwark.core.BulwarkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Syscall} that performs nothing and records every call as one line, so tests can check the exact
 * sequence of kernel calls without root. Descriptors count up from 100, spawned pids from 1000; messages queued
 * with {@link #reply} are what recvmsg returns (end of file when none is left); {@link #failOn} makes a call fail.
 */
public class RecordingSyscall implements Syscall {
    private final List<String> calls = new ArrayList<>();
    private final Deque<Message> inbox = new ArrayDeque<>();
    private final Map<Integer, String> paths = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private int nextFd = 100;
    private int nextPid = 1000;

    /** The calls so far, one line each. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** Queues a message for recvmsg. */
    public synchronized RecordingSyscall reply(byte[] data, int... fds) {
        inbox.add(new Message(data, fds));
        return this;
    }

    /** Makes the next call whose recorded line starts with {@code prefix} fail with {@code errno}. */
    public synchronized RecordingSyscall failOn(String prefix, int errno) {
        failures.put(prefix, errno);
        return this;
    }

    private synchronized void record(String line) {
        for (var e : failures.entrySet()) {
            if (line.startsWith(e.getKey())) {
                failures.remove(e.getKey());
                calls.add(line + " = errno " + e.getValue());
                throw new BulwarkException(line + ": failed (errno " + e.getValue() + ")", e.getValue());
            }
        }
        calls.add(line);
    }

    private synchronized int fd(String path) {
        int fd = nextFd++;
        paths.put(fd, path);
        return fd;
    }

    private String name(int fd) {
        String p = paths.get(fd);
        return p == null ? Integer.toString(fd) : fd + "<" + p + ">";
    }

    @Override
    public int memfdCreate(String name, int flags) {
        record("memfd_create(" + name + ", " + flags + ")");
        return fd("memfd:" + name);
    }

    @Override
    public void addSeals(int fd, int seals) {
        record("add_seals(" + name(fd) + ", " + seals + ")");
    }

    @Override
    public int dupAtLeast(int fd, int min) {
        record("dup(" + name(fd) + ", >=" + min + ")");
        return fd("dup of " + fd);
    }

    @Override
    public void writeAll(int fd, byte[] data) {
        boolean text = data.length < 200;
        for (byte b : data) {
            text &= b == '\n' || (b >= 0x20 && b < 0x7f);
        }
        record("write(" + name(fd) + ", " + (text ? "\"" + new String(data, StandardCharsets.US_ASCII)
            .replace("\n", "\\n") + "\"" : data.length + " bytes") + ")");
    }

    @Override
    public int read(int fd, byte[] buf) {
        record("read(" + name(fd) + ")");
        buf[0] = '0';
        return 1;
    }

    @Override
    public int open(String path, int flags, int mode) {
        record("open(" + path + ", 0" + Integer.toOctalString(flags) + ")");
        return fd(path);
    }

    @Override
    public void close(int fd) {
        record("close(" + name(fd) + ")");
    }

    @Override
    public int[] pipe() {
        record("pipe()");
        return new int[] {fd("pipe r"), fd("pipe w")};
    }

    @Override
    public int[] socketpair(int domain, int type) {
        record("socketpair(" + domain + ", " + type + ")");
        return new int[] {fd("sync java"), fd("sync shim")};
    }

    @Override
    public int socket(int domain, int type) {
        record("socket(" + domain + ", " + type + ")");
        return fd("socket");
    }

    @Override
    public void connectUnix(int fd, String path) {
        record("connect(" + name(fd) + ", " + path + ")");
    }

    @Override
    public void bindUnix(int fd, String path, int backlog) {
        record("bind(" + name(fd) + ", " + path + ")");
    }

    @Override
    public int accept(int fd) {
        record("accept(" + name(fd) + ")");
        return fd("accepted");
    }

    @Override
    public void sendmsg(int fd, byte[] data, int[] fds) {
        record("sendmsg(" + name(fd) + ", " + data.length + " bytes, fds=" + Arrays.toString(fds == null ? new int[0] : fds)
            + (data.length >= 4 ? ", type=" + data[0] : "") + ")");
    }

    @Override
    public synchronized Message recvmsg(int fd, int maxBytes, int maxFds) {
        Message m = inbox.poll();
        record("recvmsg(" + name(fd) + ")" + (m == null ? " = eof" : m.data().length >= 4 ? " = type " + m.data()[0] : ""));
        return m == null ? new Message(new byte[0], new int[0]) : m;
    }

    @Override
    public int poll(int fd, int events, int timeoutMillis) {
        return POLLIN;
    }

    @Override
    public synchronized int posixSpawn(String path, List<String> argv, List<String> envp, List<FileAction> actions) {
        record("posix_spawn(" + path + ", " + argv + ", env=" + envp + ", " + actions + ")");
        return nextPid++;
    }

    @Override
    public WaitStatus waitpid(int pid, int options) {
        record("waitpid(" + pid + (options == WNOHANG ? ", WNOHANG" : "") + ")");
        return new WaitStatus(pid, 0);
    }

    @Override
    public boolean kill(int pid, int signal) {
        record("kill(" + pid + ", " + signal + ")");
        return true;
    }

    @Override
    public void mkfifo(String path, int mode) {
        record("mkfifo(" + path + ", 0" + Integer.toOctalString(mode) + ")");
    }

    @Override
    public void chmod(String path, int mode) {
        record("chmod(" + path + ", 0" + Integer.toOctalString(mode) + ")");
    }

    @Override
    public void chown(String path, int uid, int gid) {
        record("chown(" + path + ", " + uid + ", " + gid + ")");
    }

    @Override
    public boolean unlink(String path) {
        record("unlink(" + path + ")");
        return true;
    }
}
