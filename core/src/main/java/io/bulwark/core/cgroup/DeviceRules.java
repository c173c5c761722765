package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Device;
import io.bulwark.core.spec.DeviceRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The device rules a container's cgroup gets. As in runc, access starts from "deny everything"; the config's
 * {@code linux.resources.devices} rules follow in order (a later rule overrides an earlier one); then the devices
 * every container needs (runc's default allow list) and the config's own {@code linux.devices} nodes are allowed.
 */
public final class DeviceRules {
    private DeviceRules() {
    }

    /** runc's default allow list: mknod of anything, the standard /dev nodes, ptys and /dev/net/tun. */
    public static final List<DeviceAccess> DEFAULT_ALLOWED = List.of(
        DeviceAccess.allow('c', DeviceAccess.WILDCARD, DeviceAccess.WILDCARD, "m"),
        DeviceAccess.allow('b', DeviceAccess.WILDCARD, DeviceAccess.WILDCARD, "m"),
        DeviceAccess.allow('c', 1, 3, "rwm"),    // /dev/null
        DeviceAccess.allow('c', 1, 8, "rwm"),    // /dev/random
        DeviceAccess.allow('c', 1, 7, "rwm"),    // /dev/full
        DeviceAccess.allow('c', 5, 0, "rwm"),    // /dev/tty
        DeviceAccess.allow('c', 1, 5, "rwm"),    // /dev/zero
        DeviceAccess.allow('c', 1, 9, "rwm"),    // /dev/urandom
        DeviceAccess.allow('c', 136, DeviceAccess.WILDCARD, "rwm"), // /dev/pts/*
        DeviceAccess.allow('c', 5, 2, "rwm"),    // /dev/ptmx
        DeviceAccess.allow('c', 10, 200, "rwm")  // /dev/net/tun
    );

    public static final DeviceAccess DENY_ALL =
        new DeviceAccess(false, 'a', DeviceAccess.WILDCARD, DeviceAccess.WILDCARD, "rwm");

    /** Converts the config's rules, naming the JSON path of a bad one. */
    public static List<DeviceAccess> fromSpec(List<DeviceRule> rules) {
        List<DeviceAccess> out = new ArrayList<>();
        if (rules == null) {
            return out;
        }
        for (int i = 0; i < rules.size(); i++) {
            DeviceRule r = rules.get(i);
            String where = "linux.resources.devices[" + i + "]";
            if (r == null || r.allow() == null) {
                throw new BulwarkException(where + ".allow is required", 22);
            }
            String type = r.type() == null ? "a" : r.type();
            if (type.length() != 1 || "abc".indexOf(type.charAt(0)) < 0) {
                throw new BulwarkException(where + ".type must be a, b or c, not \"" + type + "\"", 22);
            }
            try {
                out.add(new DeviceAccess(r.allow(), type.charAt(0), number(r.major()), number(r.minor()),
                    r.access() == null ? "rwm" : r.access()));
            } catch (BulwarkException e) {
                throw new BulwarkException(where + ": " + e.getMessage(), 22);
            }
        }
        return out;
    }

    private static long number(Long n) {
        return n == null || n < 0 ? DeviceAccess.WILDCARD : n;
    }

    /** The complete ordered rule list for a container (see the class comment). */
    public static List<DeviceAccess> effective(List<DeviceRule> configRules, List<Device> linuxDevices) {
        List<DeviceAccess> out = new ArrayList<>();
        out.add(DENY_ALL);
        out.addAll(fromSpec(configRules));
        out.addAll(DEFAULT_ALLOWED);
        if (linuxDevices != null) {
            for (int i = 0; i < linuxDevices.size(); i++) {
                Device d = linuxDevices.get(i);
                String t = d.type();
                if (t == null || d.major() == null || d.minor() == null) {
                    continue; // the validator reports incomplete linux.devices entries
                }
                char type = t.equals("u") ? 'c' : t.charAt(0);
                if (type == 'b' || type == 'c') {
                    out.add(DeviceAccess.allow(type, d.major(), d.minor(), "rwm"));
                }
            }
        }
        return out;
    }

    /** What the rule list decides for one access: the last matching rule wins, no match means deny. */
    public static boolean permits(List<DeviceAccess> rules, char type, long major, long minor, String access) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            DeviceAccess r = rules.get(i);
            if (r.matches(type, major, minor, access)) {
                return r.allow();
            }
        }
        return false;
    }
}
