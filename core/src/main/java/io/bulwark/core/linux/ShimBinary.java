package io.bulwark.core.linux;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.Syscall;
import java.io.IOException;
import java.io.InputStream;

/**
 * The shim, copied from the class path into a sealed memfd once per JVM and executed through /proc/self/fd. A
 * container can never write to the binary its runtime executes (the CVE-2019-5736 class): the memfd is sealed
 * against writes and belongs to no filesystem.
 */
public final class ShimBinary {
    static final String RESOURCE = "/io/bulwark/core/native/bulwark-shim";

    private final Syscall sys;
    private int fd = -1;

    public ShimBinary(Syscall sys) {
        this.sys = sys;
    }

    /** The sealed memfd holding the shim, created on first use. */
    public synchronized int fd() {
        if (fd < 0) {
            byte[] bytes = load();
            int memfd = sys.memfdCreate("bulwark-shim", Syscall.MFD_CLOEXEC | Syscall.MFD_ALLOW_SEALING);
            try {
                sys.writeAll(memfd, bytes);
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

    static byte[] load() {
        try (InputStream in = ShimBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BulwarkException("the shim binary " + RESOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BulwarkException("cannot read the shim binary: " + e.getMessage(), e);
        }
    }
}
