package io.bulwark.seccomp;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link SeccompCompiler} service: libseccomp compiles, the built-in profile is {@link DefaultProfile}.
 * Compiled programs are kept in a small cache keyed by the profile itself: libseccomp needs tens of milliseconds
 * for the default profile on three architectures, and a long-lived process (the Java API, a resident server)
 * compiles the same few profiles again and again.
 */
public final class LibseccompSeccompCompiler implements SeccompCompiler {
    private static final int CACHE_ENTRIES = 32;

    private volatile ProfileCompiler compiler;
    private final Map<Seccomp, SeccompProgram> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Seccomp, SeccompProgram> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

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
        synchronized (cache) {
            SeccompProgram p = cache.get(seccomp);
            if (p != null) {
                return p;
            }
        }
        // Errors name the source, so only successes are cached.
        SeccompProgram p = compiler().compile(seccomp, source, jsonPath);
        synchronized (cache) {
            cache.put(seccomp, p);
        }
        return p;
    }

    @Override
    public Seccomp defaultProfile(Capabilities capabilities) {
        return DefaultProfile.forCapabilities(capabilities);
    }
}
