package io.bulwark.seccomp.notify;

import io.bulwark.seccomp.bpf.SeccompData;
import io.bulwark.seccomp.libseccomp.Libseccomp;

/**
 * The listener side of a seccomp notify fd (received over {@code listenerPath} as the OCI spec describes), through libseccomp's notify API: receive a waiting syscall, answer it.
 * One instance per thread (it owns the request/response buffers libseccomp sized for this kernel).
 */
public final class SeccompNotifier implements AutoCloseable {
    private final Libseccomp libseccomp;
    private final Libseccomp.NotifyBuffers buffers;

    public SeccompNotifier(Libseccomp libseccomp) {
        this.libseccomp = libseccomp;
        this.buffers = libseccomp.allocateNotifyBuffers();
    }

    /** Blocks until a filtered syscall arrives on {@code listenerFd}. */
    public SeccompNotification receive(int listenerFd) {
        buffers.request().setMemory(0, buffers.requestSize(), (byte) 0);
        libseccomp.notifyReceive(listenerFd, buffers.request());
        var r = buffers.request();
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = r.getLong(32 + 8L * i);
        }
        return new SeccompNotification(r.getLong(0), r.getInt(8), r.getInt(12),
            new SeccompData(r.getInt(16), r.getInt(20), r.getLong(24), args));
    }

    /** Answers a notification; fails with ENOENT when the syscall's thread is gone. */
    public void respond(int listenerFd, NotifyResponse response) {
        var p = buffers.response();
        p.setMemory(0, buffers.responseSize(), (byte) 0);
        p.putLong(0, response.id());
        p.putLong(8, response.value());
        p.putInt(16, response.error());
        p.putInt(20, response.flags());
        libseccomp.notifyRespond(listenerFd, p);
    }

    /** Whether the notification is still pending (its process has not died or been answered meanwhile). */
    public boolean stillValid(int listenerFd, long id) {
        return libseccomp.notifyIdValid(listenerFd, id);
    }

    @Override
    public void close() {
        buffers.close();
    }

}
