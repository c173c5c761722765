package io.bulwark.core.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Integration tests that need a kernel feature (root, user namespaces, KVM, a cgroup controller...) call
 * {@link #require}. On a developer's machine a missing feature skips the test with the reason; in CI
 * ({@code CI=true}, passed to tests as the system property {@code bulwark.ci}) it fails the test instead, so
 * that CI never passes by skipping. Features that are known to be absent on the project's CI machines
 * (AppArmor, a KVM that can boot Linux, cgroup v2 controllers) use {@link #requireOptional}, which skips
 * everywhere with the reason.
 */
public final class Requirements {
    private Requirements() {
    }

    public static boolean inCi() {
        String prop = System.getProperty("bulwark.ci", "");
        String env = System.getenv("CI");
        return "true".equalsIgnoreCase(prop) || "true".equalsIgnoreCase(env);
    }

    /** Skips (developer machine) or fails (CI) when {@code present} is false. */
    public static void require(boolean present, String feature) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("CI must run this test but " + feature + " is missing");
        }
        Assumptions.abort("skipped: " + feature + " is missing on this machine");
    }

    /** Skips everywhere, CI included, when a feature known to be absent on CI machines is missing. */
    public static void requireOptional(boolean present, String feature) {
        Assumptions.assumeTrue(present, () -> "skipped: " + feature + " is not available on this machine");
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
