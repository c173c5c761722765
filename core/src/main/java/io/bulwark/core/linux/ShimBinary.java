package io.bulwark.core.linux;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import java.io.IOException;
import java.io.InputStream;

/**
 * The shim, copied from the class path into a sealed memfd once per process and executed through /proc/self/fd. A
 * container can never write to the binary its runtime executes (the CVE-2019-5736 class): the memfd is sealed
 * against writes and belongs to no filesystem.
 *
 * <p>On the real kernel there is one memfd per process ({@link #of}), shared by every backend and every thread:
 * each spawn dups it, nothing ever writes to it, and it lives as long as the process. A backend made per command
 * (the command line, the resident server, an embedding service that builds runtimes) neither leaks a descriptor
 * nor copies the binary again.
 */
public final class ShimBinary {
    static final String RESOURCE = "/io/bulwark/core/native/bulwark-shim";
    /**
     * A file holding the same shim (a distribution lays it beside its jars): read as is, where the class path copy
     * is inflated out of a jar, which costs a cold {@code create} milliseconds.
     */
    public static final String FILE_PROPERTY = "bulwark.shim";

    private static volatile ShimBinary host;
    private static volatile byte[] bytes;

    private final Syscall sys;
    private int fd = -1;

    public ShimBinary(Syscall sys) {
        this.sys = sys;
    }

    /** The process's shared shim for the real kernel; a fresh one for any other {@link Syscall} (test doubles). */
    public static ShimBinary of(Syscall sys) {
        if (!(sys instanceof LibcSyscall)) {
            return new ShimBinary(sys);
        }
        ShimBinary h = host;
        if (h == null) {
            synchronized (ShimBinary.class) {
                h = host;
                if (h == null) {
                    h = new ShimBinary(sys);
                    host = h;
                }
            }
        }
        return h;
    }

    /** The sealed memfd holding the shim, created on first use. */
    public synchronized int fd() {
        if (fd < 0) {
            byte[] image = load();
            int memfd = sys.memfdCreate("bulwark-shim", Syscall.MFD_CLOEXEC | Syscall.MFD_ALLOW_SEALING);
            try {
                sys.writeAll(memfd, image);
                sys.addSeals(memfd, Syscall.F_SEAL_SEAL | Syscall.F_SEAL_SHRINK | Syscall.F_SEAL_GROW
                    | Syscall.F_SEAL_WRITE);
            } catch (RuntimeException e) {
                sys.close(memfd);
                throw e;
            }
            fd = memfd;
        }
        return fd;
    }

    /** The shim's bytes, read once: from {@value #FILE_PROPERTY} when set, else from the class path. */
    static byte[] load() {
        byte[] b = bytes;
        if (b != null) {
            return b;
        }
        String file = System.getProperty(FILE_PROPERTY);
        if (file != null) {
            try {
                b = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(file));
                bytes = b;
                return b;
            } catch (IOException e) {
                throw new BulwarkException("cannot read the shim binary " + file + ": " + e.getMessage(), e);
            }
        }
        try (InputStream in = ShimBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BulwarkException("the shim binary " + RESOURCE + " is missing from the class path");
            }
            b = in.readAllBytes();
            bytes = b;
            return b;
        } catch (IOException e) {
            throw new BulwarkException("cannot read the shim binary: " + e.getMessage(), e);
        }
    }
}
