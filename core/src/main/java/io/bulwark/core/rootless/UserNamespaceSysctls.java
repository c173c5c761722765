package io.bulwark.core.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host settings that forbid an unprivileged user to make a user namespace, so that a rootless create says so
 * instead of failing in clone(2) with a bare EPERM: Debian's and Ubuntu's {@code kernel.unprivileged_userns_clone}
 * (absent on mainline kernels) and {@code user.max_user_namespaces}.
 */
public final class UserNamespaceSysctls {
    private UserNamespaceSysctls() {
    }

    /** Why this host refuses user namespaces to unprivileged users, or empty when it allows them. */
    public static Optional<String> blocker(Path procSys) {
        if (read(procSys.resolve("kernel/unprivileged_userns_clone")).filter(v -> v.equals("0")).isPresent()) {
            return Optional.of("this host forbids user namespaces to unprivileged users"
                + " (sysctl kernel.unprivileged_userns_clone=0)");
        }
        if (read(procSys.resolve("user/max_user_namespaces")).filter(v -> v.equals("0")).isPresent()) {
            return Optional.of("this host allows no user namespaces (sysctl user.max_user_namespaces=0)");
        }
        return Optional.empty();
    }

    public static Optional<String> blocker() {
        return blocker(Path.of("/proc/sys"));
    }

    private static Optional<String> read(Path p) {
        try {
            return Optional.of(Files.readString(p).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
