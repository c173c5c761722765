package io.bulwark.seccomp.libseccomp;

import io.bulwark.core.BulwarkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * One libseccomp filter context ({@code scmp_filter_ctx}). Not thread-safe; close it to release the context.
 * Methods return normally or throw a {@link BulwarkException} carrying libseccomp's errno.
 */
public final class ScmpFilter implements AutoCloseable {
    private static final int MFD_CLOEXEC = 1;

    private final Libseccomp seccomp;
    private Pointer ctx;

    ScmpFilter(Libseccomp seccomp, Pointer ctx) {
        this.seccomp = seccomp;
        this.ctx = ctx;
    }

    private Pointer ctx() {
        if (ctx == null) {
            throw new IllegalStateException("filter context already released");
        }
        return ctx;
    }

    private void check(int rc, String what) {
        if (rc < 0) {
            throw new BulwarkException(what + ": " + seccomp.strerror(-rc), -rc);
        }
    }

    /** Adds an architecture; adding one already present (the native one) is not an error. */
    public void addArch(int archToken) {
        if (seccomp.lib.seccomp_arch_exist(ctx(), archToken) == 0) {
            return;
        }
        check(seccomp.lib.seccomp_arch_add(ctx(), archToken), "seccomp_arch_add(0x" + Integer.toHexString(archToken) + ")");
    }

    public void setAttr(ScmpAttr attr, int value) {
        check(seccomp.lib.seccomp_attr_set(ctx(), attr.value, value), "seccomp_attr_set(" + attr + ", " + value + ")");
    }

    /** Sets an attribute if this libseccomp knows it; returns whether it did. */
    public boolean trySetAttr(ScmpAttr attr, int value) {
        return seccomp.lib.seccomp_attr_set(ctx(), attr.value, value) >= 0;
    }

    public int getAttr(ScmpAttr attr) {
        IntByReference v = new IntByReference();
        check(seccomp.lib.seccomp_attr_get(ctx(), attr.value, v), "seccomp_attr_get(" + attr + ")");
        return v.intValue();
    }

    /**
     * Adds a rule: {@code action} for {@code syscall} when every condition holds. Returns the negative errno
     * libseccomp gave, or 0; the caller decides which failures are errors.
     */
    public int addRule(int action, int syscall, List<ArgCondition> conditions) {
        Pointer args = null;
        if (!conditions.isEmpty()) {
            args = Memory.allocateDirect(seccomp.runtime, ArgCondition.NATIVE_SIZE * conditions.size());
            int off = 0;
            for (ArgCondition c : conditions) {
                args.putInt(off, c.index());
                args.putInt(off + 4, c.op().value);
                args.putLong(off + 8, c.datumA());
                args.putLong(off + 16, c.datumB());
                off += ArgCondition.NATIVE_SIZE;
            }
        }
        return seccomp.lib.seccomp_rule_add_array(ctx(), action, syscall, conditions.size(), args);
    }

    /** The filter as classic BPF ({@code struct sock_filter[]}), exported through a memfd and read back. */
    public byte[] exportBpf() {
        int fd = seccomp.libc.memfd_create("bulwark-seccomp-bpf", MFD_CLOEXEC);
        if (fd < 0) {
            int errno = seccomp.lastErrno();
            throw new BulwarkException("memfd_create for the seccomp export failed: " + seccomp.strerror(errno), errno);
        }
        try {
            check(seccomp.lib.seccomp_export_bpf(ctx(), fd), "seccomp_export_bpf");
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new BulwarkException("reading the exported seccomp filter back failed: " + e.getMessage(), e);
        } finally {
            seccomp.libc.close(fd);
        }
    }

    @Override
    public void close() {
        if (ctx != null) {
            seccomp.lib.seccomp_release(ctx);
            ctx = null;
        }
    }
}
