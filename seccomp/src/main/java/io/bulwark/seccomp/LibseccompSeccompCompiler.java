package io.bulwark.seccomp;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.cache.FilterCache;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;

/**
 * The {@link SeccompCompiler} service: libseccomp compiles, the built-in profile is {@link DefaultProfile}.
 * Compiled programs are kept in the process's {@link FilterCache} (in memory, and on disk across processes):
 * libseccomp needs tens of milliseconds for the default profile on three architectures, and a runtime compiles the
 * same few profiles again and again.
 */
public final class LibseccompSeccompCompiler implements SeccompCompiler {
    private volatile ProfileCompiler compiler;
    /** The cache, looked up on the first compile: a command that compiles nothing never loads it. */
    private final java.util.function.Supplier<FilterCache> cache;

    public LibseccompSeccompCompiler() {
        this.cache = FilterCache::shared;
    }

    /** With a cache of the caller's (tests: a private disk directory). */
    public LibseccompSeccompCompiler(FilterCache cache) {
        this.cache = () -> cache;
    }

    private ProfileCompiler compiler() {
        ProfileCompiler c = compiler;
        if (c == null) {
            c = ProfileCompiler.system();
            compiler = c;
        }
        return c;
    }

    @Override
    public SeccompProgram compile(Seccomp seccomp, String source, String jsonPath) {
        // Errors name the source, so only successes are cached.
        return cache.get().get(seccomp, () -> compiler().compile(seccomp, source, jsonPath));
    }

    @Override
    public Seccomp defaultProfile(Capabilities capabilities) {
        return DefaultProfile.forCapabilities(capabilities);
    }
}
