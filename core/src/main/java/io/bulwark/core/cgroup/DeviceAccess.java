package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;

/**
 * One device cgroup rule in canonical form: type {@code a}, {@code b} or {@code c}; -1 for a wildcard major or
 * minor; access a non-empty subset of {@code rwm}.
 */
public record DeviceAccess(boolean allow, char type, long major, long minor, String access) {
    public static final long WILDCARD = -1;

    public DeviceAccess {
        if (type != 'a' && type != 'b' && type != 'c') {
            throw new BulwarkException("device rule type must be a, b or c, not " + type, 22);
        }
        if (major < -1 || major > Integer.MAX_VALUE || minor < -1 || minor > Integer.MAX_VALUE) {
            throw new BulwarkException("device rule number out of range: " + major + ":" + minor, 22);
        }
        access = canonicalAccess(access);
    }

    public static DeviceAccess allow(char type, long major, long minor, String access) {
        return new DeviceAccess(true, type, major, minor, access);
    }

    /** Deduplicated, in rwm order; throws on an empty string or an unknown letter. */
    static String canonicalAccess(String access) {
        if (access == null || access.isEmpty()) {
            throw new BulwarkException("device rule access must be a non-empty subset of rwm", 22);
        }
        StringBuilder b = new StringBuilder();
        for (char c : "rwm".toCharArray()) {
            if (access.indexOf(c) >= 0) {
                b.append(c);
            }
        }
        for (char c : access.toCharArray()) {
            if ("rwm".indexOf(c) < 0) {
                throw new BulwarkException("device rule access \"" + access + "\" has '" + c + "': only r, w, m", 22);
            }
        }
        return b.toString();
    }

    /** The rule as devices.allow / devices.deny take it: {@code c 1:3 rwm}, {@code a *:* rwm}. */
    public String v1Line() {
        return type + " " + number(major) + ":" + number(minor) + " " + access;
    }

    private static String number(long n) {
        return n == WILDCARD ? "*" : Long.toString(n);
    }

    /** True when the rule matches every device and every access. */
    public boolean matchesEverything() {
        return type == 'a' && major == WILDCARD && minor == WILDCARD && access.equals("rwm");
    }

    /** Whether this rule decides the access {@code requested} (one or more of r, w, m) to the device. */
    public boolean matches(char devType, long devMajor, long devMinor, String requested) {
        if (type != 'a' && type != devType) {
            return false;
        }
        if (major != WILDCARD && major != devMajor) {
            return false;
        }
        if (minor != WILDCARD && minor != devMinor) {
            return false;
        }
        // Fail safe: an allow rule must cover the whole request, a deny rule stops any overlap with it.
        for (char c : requested.toCharArray()) {
            boolean covered = access.indexOf(c) >= 0;
            if (allow && !covered) {
                return false;
            }
            if (!allow && covered) {
                return true;
            }
        }
        return allow;
    }
}
