package io.bulwark.policies.admission;

import io.bulwark.core.spec.Seccomp;
import io.bulwark.policies.model.SeccompProfileKind;

/** Turns the policy's choice of seccomp profile into the {@code linux.seccomp} section a container gets. */
@FunctionalInterface
public interface SeccompProfiles {

    /**
     * The profile's {@code linux.seccomp} section, or null for the runtime's built-in default (a config without a
     * seccomp section gets it). Throws {@link io.bulwark.core.BulwarkException} when the profile is unavailable.
     */
    Seccomp profile(SeccompProfileKind kind, String file);
}
