package io.bulwark.policies.admission;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.policies.model.SeccompProfileKind;

/** Turns the policy's choice of seccomp profile into the {@code linux.seccomp} section a container gets. */
@FunctionalInterface
public interface SeccompProfiles {

    /**
     * The profile's {@code linux.seccomp} section for a process with these capabilities (the built-in profiles
     * allow some syscalls only to holders of a capability). Throws {@link io.bulwark.core.BulwarkException} when
     * the profile cannot be had (a profile file that is missing or invalid).
     */
    Seccomp profile(SeccompProfileKind kind, String file, Capabilities capabilities);
}
