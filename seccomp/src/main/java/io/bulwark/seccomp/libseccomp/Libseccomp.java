package io.bulwark.seccomp.libseccomp;

import io.bulwark.core.BulwarkException;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.PointerByReference;

/**
 * libseccomp ({@code libseccomp.so.2}) loaded once, with its version checked. Everything the rest of the module
 * does with libseccomp goes through here or through a {@link ScmpFilter} made here.
 */
public final class Libseccomp {
    /** Oldest release with the notify API, binary-tree optimisation and raw return codes. */
    public static final Version MINIMUM = new Version(2, 5, 0);

    /** {@code __NR_SCMP_ERROR}: what name resolution returns for an unknown syscall. */
    public static final int NR_SCMP_ERROR = -1;

    public record Version(int major, int minor, int micro) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            if (c == 0) {
                c = Integer.compare(minor, o.minor);
            }
            return c != 0 ? c : Integer.compare(micro, o.micro);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + micro;
        }
    }

    private static volatile Libseccomp instance;
    private static volatile BulwarkException loadFailure;

    final LibSeccompNative lib;
    final LibcNative libc;
    final Runtime runtime;
    private final Version version;
    private final int apiLevel;

    private Libseccomp(LibSeccompNative lib, LibcNative libc) {
        this.lib = lib;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(lib);
        Pointer v = lib.seccomp_version();
        this.version = new Version(v.getInt(0), v.getInt(4), v.getInt(8));
        this.apiLevel = lib.seccomp_api_get();
    }

    /** The loaded library; throws a {@link BulwarkException} saying what to install when it is missing or too old. */
    public static Libseccomp get() {
        Libseccomp l = instance;
        if (l != null) {
            return l;
        }
        synchronized (Libseccomp.class) {
            if (instance != null) {
                return instance;
            }
            if (loadFailure != null) {
                throw loadFailure;
            }
            try {
                LibSeccompNative lib = load(LibSeccompNative.class, List.of("seccomp", "libseccomp.so.2"));
                LibcNative libc = load(LibcNative.class, List.of("c", "libc.so.6"));
                Libseccomp candidate = new Libseccomp(lib, libc);
                if (candidate.version.compareTo(MINIMUM) < 0) {
                    throw new BulwarkException("libseccomp " + candidate.version + " is too old: Bulwark needs "
                        + MINIMUM + " or newer (install a newer libseccomp2)");
                }
                instance = candidate;
                return candidate;
            } catch (BulwarkException e) {
                loadFailure = e;
                throw e;
            } catch (LinkageError | RuntimeException e) {
                loadFailure = new BulwarkException("libseccomp.so.2 could not be loaded (install the libseccomp2 "
                    + "package, " + MINIMUM + " or newer): " + e.getMessage(), e);
                throw loadFailure;
            }
        }
    }

    private static <T> T load(Class<T> type, List<String> names) {
        UnsatisfiedLinkError last = null;
        for (String name : names) {
            try {
                return LibraryLoader.create(type).failImmediately().load(name);
            } catch (UnsatisfiedLinkError e) {
                last = e;
            }
        }
        throw last;
    }

    public Version version() {
        return version;
    }

    /** libseccomp's API level (what the library and the running kernel support together). */
    public int apiLevel() {
        return apiLevel;
    }

    /** The native architecture token ({@code AUDIT_ARCH_*}). */
    public int nativeArch() {
        return lib.seccomp_arch_native();
    }

    /**
     * The architecture token for an OCI name ({@code SCMP_ARCH_X86_64}) or a libseccomp name ({@code x86_64}),
     * or 0 when unknown.
     */
    public int resolveArch(String name) {
        String n = name.startsWith("SCMP_ARCH_") ? name.substring("SCMP_ARCH_".length()) : name;
        return lib.seccomp_arch_resolve_name(n.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The native syscall number for a name, or {@link #NR_SCMP_ERROR} when this libseccomp does not know it.
     * Names of syscalls that exist only on other architectures resolve to negative pseudo numbers.
     */
    public int resolveSyscall(String name) {
        return lib.seccomp_syscall_resolve_name(name);
    }

    public int resolveSyscall(int arch, String name) {
        return lib.seccomp_syscall_resolve_name_arch(arch, name);
    }

    /** The name of syscall {@code nr} on {@code arch}, or null. */
    public String syscallName(int arch, int nr) {
        Pointer p = lib.seccomp_syscall_resolve_num_arch(arch, nr);
        if (p == null) {
            return null;
        }
        try {
            return p.getString(0);
        } finally {
            libc.free(p);
        }
    }

    /** A new filter context whose default action is {@code defaultAction} (a {@code SECCOMP_RET_*} value). */
    public ScmpFilter newFilter(int defaultAction) {
        Pointer ctx = lib.seccomp_init(defaultAction);
        if (ctx == null) {
            throw new BulwarkException("seccomp_init failed for default action 0x" + Integer.toHexString(defaultAction));
        }
        return new ScmpFilter(this, ctx);
    }

    /**
     * Calls {@code seccomp(operation, flags, NULL)} and returns the errno it failed with (0 if it succeeded). Only
     * for probing what the kernel accepts: with a NULL argument no filter can be installed.
     */
    public int rawSeccompErrno(int operation, int flags) {
        int nr = resolveSyscall("seccomp");
        if (nr < 0) {
            return 38; // ENOSYS
        }
        long rc = libc.syscall(nr, operation, flags, 0);
        return rc < 0 ? lastErrno() : 0;
    }

    /** The request and response buffers of the notify API, sized by libseccomp for this kernel. */
    public final class NotifyBuffers implements AutoCloseable {
        private final Pointer request;
        private final Pointer response;
        private boolean freed;

        NotifyBuffers(Pointer request, Pointer response) {
            this.request = request;
            this.response = response;
        }

        public Pointer request() {
            return request;
        }

        public Pointer response() {
            return response;
        }

        /** sizeof(struct seccomp_notif) as this module reads it. */
        public long requestSize() {
            return 80;
        }

        /** sizeof(struct seccomp_notif_resp). */
        public long responseSize() {
            return 24;
        }

        @Override
        public void close() {
            if (!freed) {
                freed = true;
                lib.seccomp_notify_free(request, response);
            }
        }
    }

    public NotifyBuffers allocateNotifyBuffers() {
        PointerByReference req = new PointerByReference();
        PointerByReference resp = new PointerByReference();
        int rc = lib.seccomp_notify_alloc(req, resp);
        if (rc < 0) {
            throw new BulwarkException("seccomp_notify_alloc: " + strerror(-rc), -rc);
        }
        return new NotifyBuffers(req.getValue(), resp.getValue());
    }

    public void notifyReceive(int fd, Pointer request) {
        int rc = lib.seccomp_notify_receive(fd, request);
        if (rc < 0) {
            throw new BulwarkException("seccomp_notify_receive: " + strerror(-rc), -rc);
        }
    }

    public void notifyRespond(int fd, Pointer response) {
        int rc = lib.seccomp_notify_respond(fd, response);
        if (rc < 0) {
            throw new BulwarkException("seccomp_notify_respond: " + strerror(-rc), -rc);
        }
    }

    public boolean notifyIdValid(int fd, long id) {
        return lib.seccomp_notify_id_valid(fd, id) == 0;
    }

    String strerror(int errno) {
        return libc.strerror(errno);
    }

    int lastErrno() {
        return runtime.getLastError();
    }
}
