package io.bulwark.apparmor;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spi.AppArmor;
import java.nio.file.Path;
import java.util.List;

/**
 * AppArmor on this host: whether the kernel has it, which profiles are loaded, loading Bulwark's default profile
 * with {@code apparmor_parser}, and the choice of profile for a container process (fail closed).
 */
public final class HostAppArmor implements AppArmor {
    private static final System.Logger LOG = io.bulwark.core.LazyLogger.of(HostAppArmor.class.getName());

    static final Path ENABLED = Path.of("/sys/module/apparmor/parameters/enabled");
    static final Path SECURITYFS = Path.of("/sys/kernel/security/apparmor");
    static final Path PROFILES = SECURITYFS.resolve("profiles");
    static final String UNCONFINED = "unconfined";

    private final AppArmorHost host;
    private final String parser;

    public HostAppArmor() {
        this(new LinuxAppArmorHost(), "apparmor_parser");
    }

    public HostAppArmor(AppArmorHost host, String parser) {
        this.host = host;
        this.parser = parser;
    }

    /** Enabled means: the module says Y and its securityfs directory is there (runc checks the same two). */
    @Override
    public boolean enabled() {
        String v = host.read(ENABLED);
        return v != null && v.trim().startsWith("Y") && host.exists(SECURITYFS);
    }

    /** Whether a profile of this name is loaded in the kernel. */
    public boolean loaded(String name) {
        String profiles = host.read(PROFILES);
        if (profiles == null) {
            return false;
        }
        return profiles.lines().anyMatch(l -> l.equals(name) || l.startsWith(name + " ("));
    }

    /** Loads (or replaces) a profile into the kernel. */
    public void load(String name, String policy) {
        AppArmorHost.CommandResult r = host.run(List.of(parser, "--replace", "--skip-cache"), policy);
        if (r.exit() != 0) {
            throw new BulwarkException("apparmor_parser could not load profile " + name + ": " + r.stderr().strip());
        }
    }

    /**
     * Checks a policy's syntax without touching the kernel ({@code apparmor_parser --skip-kernel-load}); returns
     * the parser's complaint, or null when the policy is valid.
     */
    public String syntaxError(String policy) {
        AppArmorHost.CommandResult r = host.run(List.of(parser, "--skip-kernel-load", "--skip-cache", "--quiet"), policy);
        return r.exit() == 0 ? null : r.stderr().strip();
    }

    @Override
    public String resolveProfile(String requested, boolean optional, String source, String jsonPath) {
        boolean enabled = enabled();
        if (requested == null || requested.isEmpty()) {
            if (!enabled) {
                return null;
            }
            ensureDefaultLoaded();
            return ContainerProfile.DEFAULT_NAME;
        }
        if (UNCONFINED.equals(requested)) {
            return enabled ? UNCONFINED : null;
        }
        if (!enabled) {
            if (optional) {
                LOG.log(System.Logger.Level.WARNING, "{0}: {1}: AppArmor is not enabled on this host; running without "
                    + "profile \"{2}\" as the tenant policy allows", source, jsonPath, requested);
                return null;
            }
            throw BulwarkException.invalid(source, jsonPath, "requests AppArmor profile \"" + requested
                + "\" but AppArmor is not enabled on this host (" + ENABLED + ")");
        }
        if (ContainerProfile.DEFAULT_NAME.equals(requested)) {
            ensureDefaultLoaded();
        } else if (!loaded(requested)) {
            throw BulwarkException.invalid(source, jsonPath, "AppArmor profile \"" + requested
                + "\" is not loaded (load it with apparmor_parser first)");
        }
        return requested;
    }

    private synchronized void ensureDefaultLoaded() {
        if (!loaded(ContainerProfile.DEFAULT_NAME)) {
            load(ContainerProfile.DEFAULT_NAME, ContainerProfile.generate(ContainerProfile.DEFAULT_NAME));
        }
    }
}
