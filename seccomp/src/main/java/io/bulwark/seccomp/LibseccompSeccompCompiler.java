package io.bulwark.seccomp;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;

/** The {@link SeccompCompiler} service: libseccomp compiles, the built-in profile is {@link DefaultProfile}. */
public final class LibseccompSeccompCompiler implements SeccompCompiler {
    private volatile ProfileCompiler compiler;

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
        return compiler().compile(seccomp, source, jsonPath);
    }

    @Override
    public Seccomp defaultProfile(Capabilities capabilities) {
        return DefaultProfile.forCapabilities(capabilities);
    }
}
