package io.bulwark.policies.parse;

import io.bulwark.core.spec.JsonPaths;
import io.bulwark.core.spec.SpecNames;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.model.BackendPolicy;
import io.bulwark.policies.model.ByteSize;
import io.bulwark.policies.model.DeviceAllowance;
import io.bulwark.policies.model.HostPath;
import io.bulwark.policies.model.IdRange;
import io.bulwark.policies.model.IoCeiling;
import io.bulwark.policies.model.NamespacePolicy;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.model.ResourcePolicy;
import io.bulwark.policies.model.SeccompProfileKind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a policy file must follow beyond its JSON shape: names from the right vocabulary, absolute paths,
 * sensible numbers. Every problem is collected so that one run of {@code bulwark policy lint} shows them all.
 */
public final class PolicyLinter {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern APPARMOR_PROFILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./:-]{0,127}");
    private static final long MIN_MEMORY = 4L << 20;
    private static final long MAX_ID = 1L << 32;

    private final String file;
    private final List<SpecProblem> problems = new ArrayList<>();

    private PolicyLinter(String file) {
        this.file = file;
    }

    public static List<SpecProblem> lint(Policy p, String file, boolean requireName) {
        PolicyLinter l = new PolicyLinter(file);
        l.check(p, requireName);
        return l.problems;
    }

    /** Rules that span a policy and its bases, checked on the effective (merged) policy. */
    public static List<SpecProblem> lintEffective(Policy p, String file) {
        PolicyLinter l = new PolicyLinter(file);
        BackendPolicy b = p.backend();
        if (b != null && b.allowed() != null && b.defaultBackend() != null && !b.allowed().contains(b.defaultBackend())) {
            l.add("$.backend.default", "'" + b.defaultBackend() + "' is not among the allowed backends " + b.allowed());
        }
        ResourcePolicy r = p.resources();
        if (r != null) {
            if (r.memory() != null) {
                l.notAbove("$.resources.memory.default", r.memory().defaultLimit(), r.memory().max());
            }
            if (r.cpu() != null) {
                l.notAbove("$.resources.cpu.default", r.cpu().defaultCpus(), r.cpu().max());
            }
            if (r.pids() != null) {
                l.notAbove("$.resources.pids.default", r.pids().defaultLimit(), r.pids().max());
            }
        }
        if (p.seccomp() != null && p.seccomp().profile() == SeccompProfileKind.FILE && p.seccomp().file() == null) {
            l.add("$.seccomp.file", "profile 'file' needs the path of a profile file");
        }
        return l.problems;
    }

    private void add(String path, String problem) {
        problems.add(new SpecProblem(file, path, problem));
    }

    private void check(Policy p, boolean requireName) {
        if (p.name() == null) {
            if (requireName) {
                add("$.name", "missing: every policy needs a name");
            }
        } else if (!NAME.matcher(p.name()).matches()) {
            add("$.name", "'" + JsonPaths.printable(p.name()) + "' is not a policy name (lowercase letters, digits, . _ -)");
        }
        if (p.base() != null) {
            if (!NAME.matcher(p.base()).matches()) {
                add("$.extends", "'" + JsonPaths.printable(p.base()) + "' is not a policy name");
            } else if (p.base().equals(p.name())) {
                add("$.extends", "a policy cannot extend itself");
            }
        }
        if (p.backend() != null) {
            BackendPolicy b = p.backend();
            words("$.backend.allowed", b.allowed(), SpecNames.BACKENDS, true);
            if (b.defaultBackend() != null && !SpecNames.BACKENDS.contains(b.defaultBackend())) {
                add("$.backend.default", "unknown backend '" + JsonPaths.printable(b.defaultBackend()) + "' (known: "
                    + SpecNames.BACKENDS + ")");
            }
        }
        if (p.identity() != null) {
            range("$.identity.uidRange", p.identity().uidRange());
            range("$.identity.gidRange", p.identity().gidRange());
        }
        if (p.capabilities() != null) {
            words("$.capabilities.allowed", p.capabilities().allowed(), SpecNames.CAPABILITIES, false);
        }
        if (p.seccomp() != null) {
            var s = p.seccomp();
            if (s.file() != null) {
                absolute("$.seccomp.file", s.file());
                if (s.profile() != SeccompProfileKind.FILE) {
                    add("$.seccomp.file", "a profile file is only used with \"profile\": \"file\"");
                }
            }
        }
        if (p.mounts() != null) {
            var m = p.mounts();
            if (m.types() != null) {
                noNullsOrDuplicates("$.mounts.types", m.types());
                for (int i = 0; i < m.types().size(); i++) {
                    String t = m.types().get(i);
                    if (t != null && (t.isBlank() || t.chars().anyMatch(ch -> ch <= ' ' || ch == ','))) {
                        add(JsonPaths.index("$.mounts.types", i), "'" + JsonPaths.printable(t) + "' is not a filesystem type");
                    }
                }
            }
            if (m.hostPaths() != null) {
                for (int i = 0; i < m.hostPaths().size(); i++) {
                    HostPath h = m.hostPaths().get(i);
                    String at = JsonPaths.index("$.mounts.hostPaths", i);
                    if (h == null || h.path() == null) {
                        add(at + ".path", "missing");
                    } else {
                        absolute(at + ".path", h.path());
                    }
                }
            }
            if (m.forbidden() != null) {
                for (int i = 0; i < m.forbidden().size(); i++) {
                    absolute(JsonPaths.index("$.mounts.forbidden", i), m.forbidden().get(i));
                }
            }
        }
        if (p.devices() != null && p.devices().allowed() != null) {
            for (int i = 0; i < p.devices().allowed().size(); i++) {
                device(JsonPaths.index("$.devices.allowed", i), p.devices().allowed().get(i));
            }
        }
        if (p.namespaces() != null) {
            namespaceTypes("$.namespaces.hostShared", p.namespaces().hostShared());
            namespaceTypes("$.namespaces.joinable", p.namespaces().joinable());
        }
        if (p.resources() != null) {
            resources(p.resources());
        }
        if (p.wallClockLimitSeconds() != null && p.wallClockLimitSeconds() < 1) {
            add("$.wallClockLimitSeconds", "must be at least 1 second");
        }
        if (p.hooks() != null && p.hooks().paths() != null) {
            for (int i = 0; i < p.hooks().paths().size(); i++) {
                absolute(JsonPaths.index("$.hooks.paths", i), p.hooks().paths().get(i));
            }
        }
        if (p.apparmor() != null && p.apparmor().profile() != null
            && !APPARMOR_PROFILE.matcher(p.apparmor().profile()).matches()) {
            add("$.apparmor.profile", "'" + JsonPaths.printable(p.apparmor().profile()) + "' is not an AppArmor profile name");
        }
    }

    private void resources(ResourcePolicy r) {
        if (r.memory() != null) {
            for (var e : new Object[][] {{"max", r.memory().max()}, {"default", r.memory().defaultLimit()}}) {
                ByteSize v = (ByteSize) e[1];
                if (v != null && v.bytes() < MIN_MEMORY) {
                    add("$.resources.memory." + e[0], v + " is below the 4MiB a container needs");
                }
            }
            notAbove("$.resources.memory.default", r.memory().defaultLimit(), r.memory().max());
        }
        if (r.cpu() != null) {
            for (var e : new Object[][] {{"max", r.cpu().max()}, {"default", r.cpu().defaultCpus()}}) {
                BigDecimal v = (BigDecimal) e[1];
                if (v != null && (v.signum() <= 0 || v.compareTo(BigDecimal.valueOf(1024)) > 0
                    || v.scale() > 3)) {
                    add("$.resources.cpu." + e[0], v + " is not a CPU amount (more than 0, at most 1024, 3 decimals)");
                }
            }
            notAbove("$.resources.cpu.default", r.cpu().defaultCpus(), r.cpu().max());
        }
        if (r.pids() != null) {
            for (var e : new Object[][] {{"max", r.pids().max()}, {"default", r.pids().defaultLimit()}}) {
                Long v = (Long) e[1];
                if (v != null && v < 1) {
                    add("$.resources.pids." + e[0], "must be at least 1");
                }
            }
            notAbove("$.resources.pids.default", r.pids().defaultLimit(), r.pids().max());
        }
        if (r.blockIO() != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.blockIO().size(); i++) {
                IoCeiling c = r.blockIO().get(i);
                String at = JsonPaths.index("$.resources.blockIO", i);
                if (c == null || c.major() == null || c.minor() == null || c.major() < 0 || c.minor() < 0) {
                    add(at, "needs the device's major and minor numbers");
                    continue;
                }
                if (!seen.add(c.major() + ":" + c.minor())) {
                    add(at, "device " + c.major() + ":" + c.minor() + " is listed twice");
                }
                if (c.readBps() == null && c.writeBps() == null && c.readIops() == null && c.writeIops() == null) {
                    add(at, "names no rate (readBps, writeBps, readIops, writeIops)");
                }
                for (var e : new Object[][] {{"readIops", c.readIops()}, {"writeIops", c.writeIops()}}) {
                    if (e[1] != null && (Long) e[1] < 1) {
                        add(at + "." + e[0], "must be at least 1");
                    }
                }
                for (var e : new Object[][] {{"readBps", c.readBps()}, {"writeBps", c.writeBps()}}) {
                    if (e[1] != null && ((ByteSize) e[1]).bytes() < 1) {
                        add(at + "." + e[0], "must be at least 1");
                    }
                }
            }
        }
    }

    private <T extends Comparable<T>> void notAbove(String path, T value, T max) {
        if (value != null && max != null && value.compareTo(max) > 0) {
            add(path, value + " is above the ceiling " + max);
        }
    }

    private void range(String path, IdRange r) {
        if (r == null) {
            return;
        }
        if (r.hostID() == null || r.size() == null) {
            add(path, "needs hostID and size");
        } else if (r.hostID() < 0 || r.size() < 1 || r.hostID() + r.size() > MAX_ID) {
            add(path, "must lie within 0.." + (MAX_ID - 1) + " and hold at least one id");
        }
    }

    private void device(String path, DeviceAllowance d) {
        if (d == null || d.type() == null) {
            add(path + ".type", "missing (c, b, u, p, or a for any)");
            return;
        }
        if (!SpecNames.DEVICE_TYPES.contains(d.type()) && !SpecNames.DEVICE_RULE_TYPES.contains(d.type())) {
            add(path + ".type", "'" + JsonPaths.printable(d.type()) + "' is not a device type (c, b, u, p, a)");
        }
        if (d.major() != null && d.major() < 0) {
            add(path + ".major", "cannot be negative (leave it out for any)");
        }
        if (d.minor() != null && d.minor() < 0) {
            add(path + ".minor", "cannot be negative (leave it out for any)");
        }
        if (d.access() != null && (d.access().isEmpty() || !d.access().matches("r?w?m?"))) {
            add(path + ".access", "'" + JsonPaths.printable(d.access()) + "' is not a device access (r, w, m in that order)");
        }
    }

    private void namespaceTypes(String path, List<String> types) {
        if (types == null) {
            return;
        }
        noNullsOrDuplicates(path, types);
        for (int i = 0; i < types.size(); i++) {
            String t = types.get(i);
            if (t == null || NamespacePolicy.TYPES.contains(t)) {
                continue;
            }
            String hint = "network".equals(t) ? " (the network section governs the network namespace)"
                : "user".equals(t) ? " (the identity section governs the user namespace)"
                : " (known: " + NamespacePolicy.TYPES + ")";
            add(JsonPaths.index(path, i), "'" + JsonPaths.printable(t) + "' is not a namespace type here" + hint);
        }
    }

    private void words(String path, List<String> values, Collection<String> known, boolean nonEmpty) {
        if (values == null) {
            return;
        }
        if (nonEmpty && values.isEmpty()) {
            add(path, "must name at least one");
        }
        noNullsOrDuplicates(path, values);
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v != null && !known.contains(v)) {
                add(JsonPaths.index(path, i), "unknown '" + JsonPaths.printable(v) + "'"
                    + (known.size() < 10 ? " (known: " + known + ")" : ""));
            }
        }
    }

    private void noNullsOrDuplicates(String path, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null) {
                add(JsonPaths.index(path, i), "null is not allowed here");
            } else if (!seen.add(v)) {
                add(JsonPaths.index(path, i), "'" + JsonPaths.printable(v) + "' is listed twice");
            }
        }
    }

    private void absolute(String path, String value) {
        if (value == null) {
            add(path, "null is not allowed here");
        } else if (!value.startsWith("/") || value.indexOf('\0') >= 0) {
            add(path, "'" + JsonPaths.printable(value) + "' is not an absolute path");
        } else if (!encodable(value)) {
            add(path, "'" + JsonPaths.printable(value) + "' is not valid Unicode (it holds an unpaired surrogate)");
        } else if (!Path.of(value).normalize().toString().equals(value)) {
            add(path, "'" + JsonPaths.printable(value) + "' is not in normal form (write "
                + JsonPaths.printable(Path.of(value).normalize().toString()) + ")");
        }
    }

    /** Whether {@code s} has a UTF-8 form: Path.of throws InvalidPathException on an unpaired surrogate. */
    private static boolean encodable(String s) {
        return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }
}
