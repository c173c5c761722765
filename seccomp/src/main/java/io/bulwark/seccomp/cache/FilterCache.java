package io.bulwark.seccomp.cache;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompArg;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Compiled seccomp programs kept for reuse: libseccomp needs tens of milliseconds for the default profile (and a
 * cold process much longer to load its bindings), while a container runtime compiles the same few profiles again
 * and again.
 *
 * <p>Two levels: a small LRU in memory, shared by the whole process (the resident server and an embedding service
 * build a compiler per command or per runtime), and a {@link CompiledFilterStore} on disk, keyed by a canonical
 * encoding of the profile together with the {@link CompilerEnvironment} (Bulwark's seccomp code, the
 * libseccomp files, the kernel release, the architecture), so that a cold command skips libseccomp too. Only
 * successful compilations are kept; an invalid profile is compiled (and refused, naming its file) every time.
 *
 * <p>Where the disk level lives: the system property {@value #LOCATION_PROPERTY} or the environment variable
 * {@value #LOCATION_ENV} (a directory, or {@code off}); otherwise {@value #ROOT_DIRECTORY} for root and
 * {@code $XDG_CACHE_HOME/bulwark/seccomp} ({@code ~/.cache/bulwark/seccomp}) for anyone else.
 */
public final class FilterCache {
    public static final String LOCATION_PROPERTY = "bulwark.seccomp.cache";
    public static final String LOCATION_ENV = "BULWARK_SECCOMP_CACHE";
    public static final String ROOT_DIRECTORY = "/var/cache/bulwark/seccomp";
    static final int MEMORY_ENTRIES = 32;
    private static final String KEY_FORMAT = "bulwark seccomp cache key 2";

    private static volatile FilterCache shared;

    /**
     * Keyed by the profile's canonical bytes, equal exactly when the profiles are: hashing them starts no record
     * {@code hashCode} (each record type's first one spins method handles, which a cold command pays for).
     */
    private final Map<ByteBuffer, SeccompProgram> memory = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, SeccompProgram> eldest) {
            return size() > MEMORY_ENTRIES;
        }
    };
    private final Supplier<Optional<CompiledFilterStore>> diskSupplier;
    private final Supplier<String> environmentSupplier;
    private volatile Optional<CompiledFilterStore> disk;
    private volatile Optional<String> environment;

    /**
     * @param disk        the disk level, opened on first use (empty: memory only)
     * @param environment the compiling environment's description, computed on first use (null: memory only)
     */
    FilterCache(Supplier<Optional<CompiledFilterStore>> disk, Supplier<String> environment) {
        this.diskSupplier = disk;
        this.environmentSupplier = environment;
    }

    /** The process's cache, with the disk level at the configured location. */
    public static FilterCache shared() {
        FilterCache c = shared;
        if (c == null) {
            synchronized (FilterCache.class) {
                c = shared;
                if (c == null) {
                    c = new FilterCache(() -> configuredDirectory().flatMap(CompiledFilterStore::open),
                        CompilerEnvironment::describe);
                    shared = c;
                }
            }
        }
        return c;
    }

    /** A cache of its own with the disk level in {@code directory} (null: memory only). */
    public static FilterCache at(Path directory) {
        return new FilterCache(() -> directory == null ? Optional.empty() : CompiledFilterStore.open(directory),
            CompilerEnvironment::describe);
    }

    /** The program for {@code profile}: from memory, else from disk (verified), else from {@code compile}. */
    public SeccompProgram get(Seccomp profile, Supplier<SeccompProgram> compile) {
        ByteBuffer id = ByteBuffer.wrap(canonical(profile));
        synchronized (memory) {
            SeccompProgram p = memory.get(id);
            if (p != null) {
                return p;
            }
        }
        Optional<CompiledFilterStore> store = disk();
        byte[] key = store.isPresent() ? key(profile) : null;
        SeccompProgram p = key == null ? null : store.get().load(key).orElse(null);
        if (p == null) {
            p = compile.get();
            if (key != null) {
                store.get().save(key, p);
            }
        }
        synchronized (memory) {
            memory.put(id, p);
        }
        return p;
    }

    /**
     * The disk key of {@code profile} in this environment (the canonical bytes themselves, compared whole on load),
     * or null when the environment is unknown.
     */
    byte[] key(Seccomp profile) {
        String env = environment();
        if (env == null) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeUTF(KEY_FORMAT);
            writeString(out, env);
            canonical(out, profile);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    private static byte[] canonical(Seccomp profile) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            canonical(new DataOutputStream(bytes), profile);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Every field of the profile, in order, each string and list length-prefixed and each null marked: two profiles
     * write the same bytes only when they are equal. (Written by hand: a JSON mapper costs a cold process more than
     * the whole cache saves.)
     */
    static void canonical(DataOutputStream out, Seccomp p) throws IOException {
        writeString(out, p.defaultAction());
        writeLong(out, p.defaultErrnoRet());
        writeStrings(out, p.architectures());
        writeStrings(out, p.flags());
        writeString(out, p.listenerPath());
        writeString(out, p.listenerMetadata());
        if (p.syscalls() == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(p.syscalls().size());
        for (SeccompSyscall sc : p.syscalls()) {
            if (sc == null) {
                out.writeByte(0);
                continue;
            }
            out.writeByte(1);
            writeStrings(out, sc.names());
            writeString(out, sc.action());
            writeLong(out, sc.errnoRet());
            if (sc.args() == null) {
                out.writeInt(-1);
                continue;
            }
            out.writeInt(sc.args().size());
            for (SeccompArg a : sc.args()) {
                if (a == null) {
                    out.writeByte(0);
                    continue;
                }
                out.writeByte(1);
                writeLong(out, a.index() == null ? null : (long) a.index());
                writeLong(out, a.value());
                writeLong(out, a.valueTwo());
                writeString(out, a.op());
            }
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        if (list == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    private static void writeLong(DataOutputStream out, Long v) throws IOException {
        out.writeBoolean(v != null);
        out.writeLong(v == null ? 0 : v);
    }

    private Optional<CompiledFilterStore> disk() {
        Optional<CompiledFilterStore> d = disk;
        if (d == null) {
            synchronized (this) {
                d = disk;
                if (d == null) {
                    d = diskSupplier.get();
                    disk = d;
                }
            }
        }
        return d;
    }

    private String environment() {
        Optional<String> e = environment;
        if (e == null) {
            synchronized (this) {
                e = environment;
                if (e == null) {
                    e = Optional.ofNullable(environmentSupplier.get());
                    environment = e;
                }
            }
        }
        return e.orElse(null);
    }

    /** The disk level's directory as configured, or empty when it is off. */
    static Optional<Path> configuredDirectory() {
        String configured = System.getProperty(LOCATION_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(LOCATION_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return configured.equals("off") ? Optional.empty() : Optional.of(Path.of(configured));
        }
        try {
            if (CompiledFilterStore.processUid() == 0) {
                return Optional.of(Path.of(ROOT_DIRECTORY));
            }
        } catch (java.io.IOException noProc) {
            return Optional.empty();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Optional.of(Path.of(xdg, "bulwark", "seccomp"));
        }
        String home = System.getProperty("user.home");
        // only an absolute home: a relative one would put the cache in whatever directory the command runs in
        return home == null || !home.startsWith("/") ? Optional.empty()
            : Optional.of(Path.of(home, ".cache", "bulwark", "seccomp"));
    }
}
