package io.bulwark.cli.server;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.Syscall;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Writes straight to a descriptor the server received from a client (its stdout or stderr). */
final class FdOutputStream extends OutputStream {
    private final Syscall sys;
    private final int fd;

    FdOutputStream(Syscall sys, int fd) {
        this.sys = sys;
        this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        try {
            sys.writeAll(fd, off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
        } catch (BulwarkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
