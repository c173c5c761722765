package io.bulwark.policies.admission;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.policies.model.SeccompProfileKind;
import io.bulwark.seccomp.profile.DefaultProfile;
import io.bulwark.seccomp.profile.ProfileFile;
import java.nio.file.Path;

/** The profiles a policy can name: the seccomp module's built-in default, {@link StrictProfile}, or a file. */
public final class StandardSeccompProfiles implements SeccompProfiles {

    @Override
    public Seccomp profile(SeccompProfileKind kind, String file, Capabilities capabilities) {
        return switch (kind) {
            case DEFAULT -> DefaultProfile.forCapabilities(capabilities);
            case STRICT -> StrictProfile.forCapabilities(capabilities);
            case FILE -> ProfileFile.read(Path.of(file)).seccomp();
        };
    }
}
