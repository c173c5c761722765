package io.bulwark.core.spi;

import io.bulwark.core.BulwarkException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Decides which AppArmor profile a container process runs under. Implemented by the apparmor module and found with
 * {@link ServiceLoader}. The shim applies the chosen profile right before execve (writing {@code exec NAME} to
 * {@code /proc/self/attr/apparmor/exec}, or {@code /proc/self/attr/exec} on older kernels).
 */
public interface AppArmor {

    /**
     * The profile to put in the plan for {@code process.apparmorProfile}, or null for none. When AppArmor is enabled
     * and nothing is requested, this is Bulwark's default container profile (loaded on demand). A profile that is
     * requested but cannot be applied (AppArmor absent, profile not loaded) is an error that names {@code source} and
     * {@code jsonPath}, unless {@code optional} (the tenant policy marks AppArmor optional): then null.
     */
    String resolveProfile(String requested, boolean optional, String source, String jsonPath);

    /** Whether the host kernel has AppArmor enabled. */
    boolean enabled();

    /** The implementation on the class path, if any. */
    static Optional<AppArmor> load() {
        return ServiceLoader.load(AppArmor.class).findFirst();
    }

    /** The implementation, or an error when the apparmor module is absent. */
    static AppArmor require() {
        return load().orElseThrow(() -> new BulwarkException("AppArmor support is not on the class path (module bulwark-apparmor)"));
    }
}
